//! Reading one script file into a [`Speech`], and every script of a folder.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::model::{Chapter, Paragraph, Speech};

#[derive(Debug, thiserror::Error)]
pub enum ScriptError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not valid UTF-8 (first bad byte at offset {offset})")]
    InvalidUtf8 { path: PathBuf, offset: usize },
    #[error(
        "{path}:1: a script starts with TOML front matter between `+++` lines (speaker, title)"
    )]
    NoFrontMatter { path: PathBuf },
    #[error("{path}:{line}: the front matter opened here is never closed with `+++`")]
    UnclosedFrontMatter { path: PathBuf, line: usize },
    #[error("{path}:{line}:{column}: front matter: {message}")]
    FrontMatter {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}:{line}: chapter “{title}” has no text")]
    EmptyChapter {
        path: PathBuf,
        line: usize,
        title: String,
    },
    #[error("{path}: the script has no text to read")]
    Empty { path: PathBuf },
    #[error("{path}: no scripts (*.md) found")]
    NoScripts { path: PathBuf },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    speaker: String,
    title: String,
    subtitle: Option<String>,
    order: Option<i64>,
}

/// Every `*.md` script in `dir` (README.md excepted), sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<Speech>, ScriptError> {
    let read_err = |source| ScriptError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut paths: Vec<PathBuf> = fs_err::read_dir(dir)
        .map_err(read_err)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    paths.retain(|p| {
        p.extension().is_some_and(|e| e == "md")
            && !is_hidden(p)
            && !p
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
    });
    paths.sort();
    if paths.is_empty() {
        return Err(ScriptError::NoScripts {
            path: dir.to_owned(),
        });
    }
    paths.iter().map(|p| read_script(p)).collect()
}

/// The latest modification time of the scripts in `dir`, as Unix seconds.
pub fn newest_modification(dir: &Path) -> Option<i64> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok()?.metadata().ok()?.modified().ok())
        .filter_map(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max()
}

/// The largest script read (a long speech is well under 1 MiB).
const SCRIPT_LIMIT: u64 = 64 << 20;

/// Hidden files (`.x.md`, an editor's `.#x.md` lock, macOS `._x.md`) are
/// not speeches.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn read_script(path: &Path) -> Result<Speech, ScriptError> {
    let bytes =
        crate::util::read_regular(path, SCRIPT_LIMIT).map_err(|source| ScriptError::Read {
            path: path.to_owned(),
            source,
        })?;
    parse_script(&bytes, path)
}

/// Parse a script's bytes; `path` names it in the Speech and in errors.
pub fn parse_script(bytes: &[u8], path: &Path) -> Result<Speech, ScriptError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ScriptError::InvalidUtf8 {
        path: path.to_owned(),
        offset: e.valid_up_to(),
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let mut warnings = Vec::new();
    let text = strip_controls(&text, path, &mut warnings);
    if text.trim().is_empty() {
        return Err(ScriptError::Empty {
            path: path.to_owned(),
        });
    }
    let (front, body, body_line) = split_front_matter(&text, path)?;
    let meta: FrontMatter = toml::from_str(front).map_err(|e| {
        let (line, column) = crate::util::line_column(front, e.span().map_or(0, |s| s.start));
        ScriptError::FrontMatter {
            path: path.to_owned(),
            line: line + 1,
            column,
            message: e.message().split_whitespace().collect::<Vec<_>>().join(" "),
        }
    })?;
    for (field, value) in [("speaker", &meta.speaker), ("title", &meta.title)] {
        if value.trim().is_empty() {
            return Err(ScriptError::FrontMatter {
                path: path.to_owned(),
                line: 2,
                column: 1,
                message: format!("`{field}` is empty"),
            });
        }
    }
    let chapters = parse_body(body, body_line, meta.title.trim(), path, &mut warnings)?;
    if chapters.is_empty() {
        return Err(ScriptError::Empty {
            path: path.to_owned(),
        });
    }
    Ok(Speech {
        path: path.to_owned(),
        speaker: meta.speaker.trim().to_owned(),
        title: meta.title.trim().to_owned(),
        subtitle: meta.subtitle.filter(|s| !s.trim().is_empty()),
        order: meta.order,
        chapters,
        warnings,
    })
}

/// The text without control characters other than line breaks and tabs
/// (a NUL from a damaged file would reach the page and the captions); one
/// warning names the first line that had any and how many were removed.
fn strip_controls(text: &str, path: &Path, warnings: &mut Vec<String>) -> String {
    let is_stray = |c: char| c.is_control() && !matches!(c, '\n' | '\t');
    let Some(first) = text.find(is_stray) else {
        return text.to_owned();
    };
    let count = text.chars().filter(|&c| is_stray(c)).count();
    let line = text[..first].matches('\n').count() + 1;
    warnings.push(format!(
        "{}:{line}: {count} control character(s) such as NUL removed",
        path.display()
    ));
    text.chars().filter(|&c| !is_stray(c)).collect()
}

/// Returns (front matter, body, 1-based line of the body's first line).
fn split_front_matter<'a>(
    text: &'a str,
    path: &Path,
) -> Result<(&'a str, &'a str, usize), ScriptError> {
    let rest = text
        .strip_prefix("+++\n")
        .ok_or_else(|| ScriptError::NoFrontMatter {
            path: path.to_owned(),
        })?;
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok((front, body, index + 3));
        }
        offset += line.len();
    }
    Err(ScriptError::UnclosedFrontMatter {
        path: path.to_owned(),
        line: 1,
    })
}

/// Markdown body → chapters. Text before the first heading is a chapter
/// titled by the speech title; every heading starts a chapter.
fn parse_body(
    body: &str,
    first_line: usize,
    speech_title: &str,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<Chapter>, ScriptError> {
    // Newline offsets, searched per paragraph: counting from the start
    // each time made an 8 MB script take most of a minute.
    let newlines: Vec<usize> = body.match_indices('\n').map(|(i, _)| i).collect();
    let line_of = |offset: usize| first_line + newlines.partition_point(|&n| n < offset);
    let mut chapters = vec![Chapter {
        title: speech_title.to_owned(),
        line: first_line,
        paragraphs: Vec::new(),
    }];
    let mut text = String::new();
    let mut start = 0;
    let mut in_heading = false;
    let mut flush = |text: &mut String, start: usize, chapters: &mut Vec<Chapter>| {
        let cleaned = clean(text);
        text.clear();
        if cleaned.is_empty() {
            return;
        }
        if !cleaned.chars().any(char::is_alphanumeric) {
            warnings.push(format!(
                "{}:{}: a paragraph of punctuation only (“{}”) is not read",
                path.display(),
                line_of(start),
                cleaned.chars().take(20).collect::<String>()
            ));
            return;
        }
        if let Some(chapter) = chapters.last_mut() {
            chapter.paragraphs.push(Paragraph {
                text: cleaned,
                line: line_of(start),
            });
        }
    };
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                text.clear();
                start = range.start;
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                chapters.push(Chapter {
                    title: clean(&text),
                    line: line_of(start),
                    paragraphs: Vec::new(),
                });
                text.clear();
            }
            Event::Start(Tag::Paragraph | Tag::Item) if !in_heading => {
                flush(&mut text, start, &mut chapters);
                start = range.start;
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) if !in_heading => {
                flush(&mut text, start, &mut chapters);
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            _ => {}
        }
    }
    if chapters[0].paragraphs.is_empty() {
        chapters.remove(0);
    }
    if let Some(empty) = chapters.iter().find(|c| c.paragraphs.is_empty()) {
        return Err(ScriptError::EmptyChapter {
            path: path.to_owned(),
            line: empty.line,
            title: empty.title.clone(),
        });
    }
    Ok(chapters)
}

/// Joins wrapped lines: no space between two CJK characters, one space otherwise.
fn clean(text: &str) -> String {
    let mut out = String::new();
    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        let joins_cjk =
            out.chars().last().is_some_and(is_cjk) && line.chars().next().is_some_and(is_cjk);
        if !out.is_empty() && !joins_cjk {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Han characters and full-width CJK punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x2018..=0x201F | 0x2026 | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Speech, ScriptError> {
        parse_script(text.as_bytes(), Path::new("scripts/01-a.md"))
    }

    const SCRIPT: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"标题\"\norder = 1\n+++\n\n开头第一段。\n第一段续。\n\n## 第一章\n\n正文*强调*和[链接](http://x)。\n\n- 列表一\n- 列表二\n\n## Second\n\nWrapped English\nline.\n";

    #[test]
    fn intro_headings_and_paragraphs_with_lines() {
        let speech = parse(SCRIPT).unwrap();
        assert_eq!(speech.speaker, "柳州市");
        assert_eq!(speech.order, Some(1));
        let titles: Vec<&str> = speech.chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["标题", "第一章", "Second"]);
        let intro = &speech.chapters[0].paragraphs;
        assert_eq!(intro[0].text, "开头第一段。第一段续。");
        assert_eq!(intro[0].line, 7);
        assert_eq!(speech.chapters[1].line, 10);
        let body: Vec<(&str, usize)> = speech.chapters[1]
            .paragraphs
            .iter()
            .map(|p| (p.text.as_str(), p.line))
            .collect();
        assert_eq!(
            body,
            [("正文强调和链接。", 12), ("列表一", 14), ("列表二", 15)]
        );
        assert_eq!(
            speech.chapters[2].paragraphs[0].text,
            "Wrapped English line."
        );
    }

    #[test]
    fn without_intro_the_first_heading_is_the_first_chapter() {
        let speech = parse("+++\nspeaker = \"a\"\ntitle = \"t\"\n+++\n## One\n\nText.\n").unwrap();
        assert_eq!(speech.chapters.len(), 1);
        assert_eq!(speech.chapters[0].title, "One");
    }

    #[test]
    fn comments_are_kept_in_the_file_but_never_read() {
        let speech = parse(
            "+++\nspeaker = \"A\"\ntitle = \"T\"\n+++\n\n<!-- 不朗读：\n\n记者的导语。\n\n-->\n\n第一句。\n",
        )
        .unwrap();
        let read: Vec<&str> = speech
            .chapters
            .iter()
            .flat_map(|c| c.paragraphs.iter().map(|p| p.text.as_str()))
            .collect();
        assert_eq!(read, ["第一句。"]);
        assert_eq!(speech.chapters[0].paragraphs[0].line, 12);
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = format!("\u{feff}{}", SCRIPT.replace('\n', "\r\n"));
        assert_eq!(parse(&text).unwrap(), parse(SCRIPT).unwrap());
    }

    #[test]
    fn errors_name_file_and_line() {
        let cases = [
            ("no front matter", "scripts/01-a.md:1: a script starts with TOML front matter between `+++` lines (speaker, title)"),
            ("+++\nspeaker = \"a\"\n", "scripts/01-a.md:1: the front matter opened here is never closed with `+++`"),
            ("+++\nspeaker = \"a\"\ntitle = \"t\"\nvoice = \"x\"\n+++\nText.\n", "scripts/01-a.md:4:1: front matter: unknown field `voice`, expected one of `speaker`, `title`, `subtitle`, `order`"),
            ("+++\nspeaker = \"a\"\n+++\nText.\n", "scripts/01-a.md:2:1: front matter: missing field `title`"),
            ("+++\nspeaker = \"a\"\ntitle = \"t\"\n+++\n\n## Empty\n\n## Full\n\nText.\n", "scripts/01-a.md:6: chapter “Empty” has no text"),
            ("+++\nspeaker = \"a\"\ntitle = \"t\"\n+++\n\n", "scripts/01-a.md: the script has no text to read"),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input).unwrap_err().to_string(), expected, "{input}");
        }
    }

    #[test]
    fn invalid_utf8_gives_the_byte_offset() {
        let mut bytes = b"+++\nspeaker = \"a\"\n".to_vec();
        bytes.push(0xff);
        let err = parse_script(&bytes, Path::new("s.md")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.md: not valid UTF-8 (first bad byte at offset 18)"
        );
    }
}
