//! Import of raw pasted pages (`briefcast import PAGE.txt`).
//!
//! Owns: turning the bytes of a pasted newspaper or PDF page into clean
//! speeches (speaker, title, subtitle, intro, chapters), rendering each as a
//! script file, and a report of every repair made (page-break joins, dropped
//! editorial furniture) and of everything doubtful, each with its line number.
//! Doubtful text is never moved or dropped: it stays where it stands and is
//! reported as a warning so an editor can decide.
//!
//! The page's layout is inferred, not assumed: every line that could name a
//! speaker is classified by its shape (see `speaker`), the page votes on
//! whether titles stand above or below those lines, and the most consistent
//! structure is used for the whole page; the report names it.
//!
//! Leaves alone: file IO and file names (the CLI reads the page and writes the
//! scripts), formats and encodings (`source`) and parsing of finished scripts
//! (the rest of `script`).

mod blocks;
mod body;
mod furniture;
mod layout;
mod misplaced;
mod render;
mod report;
mod text;

pub use render::render_script;
pub use report::render_report;

use self::blocks::{nodes, Kind, Node};
use self::body::{body, check_seams, check_speech, drop_repeated_heading};
use self::layout::{find_starts, mark_plain_headings, reporter_close};
use self::text::{columns, ends_sentence, normalise, one_per_line, title_shaped, SHORT_LINE};
use super::source::{read_source, Format};

/// One speech found on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSpeech {
    pub speaker: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// Paragraphs between the attribution line and the first chapter heading.
    pub intro: Vec<String>,
    /// Text of the page that is no one's speech (a reporter's lead before
    /// the first speech): kept in the script for the editor as a comment,
    /// never read aloud.
    pub unread: Vec<String>,
    /// Text after the last speech that is no one's speech either (a
    /// reporter's close after the last reported remark): a comment too.
    pub closing: Vec<String>,
    pub chapters: Vec<ImportedChapter>,
    /// 1-based line of the speech's title.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedChapter {
    pub title: String,
    pub paragraphs: Vec<String>,
    /// 1-based line of the chapter heading.
    pub line: usize,
}

/// A repair or a doubt, with the 1-based line it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A paragraph split by a page break was rejoined; `line` is where the
    /// first part ends, `before`/`after` are a few characters each side.
    Joined {
        line: usize,
        before: String,
        after: String,
    },
    /// Editorial furniture removed by the rule named `rule` (see the `FURNITURE` table).
    Dropped {
        line: usize,
        text: String,
        rule: &'static str,
    },
    /// A line read as naming the speaker of the speech it belongs to.
    Attribution {
        line: usize,
        text: String,
        speaker: String,
        role: Option<String>,
    },
    /// A chapter printed inside another speech, moved to the speech it
    /// belongs to (`to`, its speaker), for the reason `why`.
    Moved {
        line: usize,
        title: String,
        to: String,
        why: String,
    },
    /// Something doubtful, kept where it stands.
    Warning { line: usize, message: String },
}

impl Finding {
    pub fn line(&self) -> usize {
        match self {
            Finding::Joined { line, .. }
            | Finding::Dropped { line, .. }
            | Finding::Attribution { line, .. }
            | Finding::Moved { line, .. }
            | Finding::Warning { line, .. } => *line,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// What the bytes were: format and encoding.
    pub format: Format,
    pub encoding: &'static str,
    /// The layout found, in words, and whether the page agreed on it.
    pub layout: String,
    pub unsure: bool,
    /// Notes on reading the page (HTML chrome left out, punctuation made full width).
    pub notes: Vec<String>,
    /// The page's own title line (before the first speech), if any.
    pub show_title: Option<String>,
    pub speeches: Vec<ImportedSpeech>,
    /// Sorted by line.
    pub findings: Vec<Finding>,
}

impl ImportReport {
    /// The warnings (the doubts), as (line, message), in line order.
    pub fn warnings(&self) -> Vec<(usize, &str)> {
        self.findings
            .iter()
            .filter_map(|f| match f {
                Finding::Warning { line, message } => Some((*line, message.as_str())),
                _ => None,
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not valid UTF-8: first bad byte at offset {offset}")]
    InvalidUtf8 { offset: usize },
    #[error("not valid {encoding} text")]
    BadEncoding { encoding: &'static str },
    #[error("not a readable Word document: {why}")]
    BadDocument { why: String },
    /// A part of a `.docx` inflates past what is read: cutting it would
    /// drop its end (a whole speech) without a word.
    #[error("{part} inflates to more than {limit_mib} MiB (the limit): not read")]
    PartTooLarge { part: &'static str, limit_mib: u64 },
    /// An HTML page nested deeper than any browser nests.
    #[error("HTML elements nested more than {limit} deep (the limit; browsers nest no deeper): not read")]
    TooDeep { limit: usize },
    #[error("no speech found: the page holds no text besides editorial furniture")]
    NoSpeech,
}
fn warn(findings: &mut Vec<Finding>, line: usize, message: String) {
    findings.push(Finding::Warning { line, message });
}

/// Parse a raw page (text, `.docx` or HTML, in any supported encoding) into
/// speeches and a list of findings.
pub fn import_page(bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let source = read_source(bytes)?;
    let per_line_source = source.format != Format::Text;
    let (lines, widened) = normalise(&source.text);
    let per_line = per_line_source || one_per_line(&lines);
    let mut notes = source.notes.clone();
    if per_line && !per_line_source {
        notes.push("one paragraph per line (most lines end a sentence)".into());
    }
    if !widened.is_empty() {
        let shown: Vec<String> = widened.iter().take(12).map(usize::to_string).collect();
        let more = if widened.len() > 12 { ", …" } else { "" };
        notes.push(format!(
            "ASCII punctuation beside Chinese text made full width on lines {}{more}",
            shown.join(", ")
        ));
    }
    let mut findings = Vec::new();
    let mut nodes = nodes(&lines, per_line, &mut findings);
    let Some(first) = nodes.iter().position(|n| n.kind != Kind::Seam) else {
        return Err(ImportError::NoSpeech);
    };
    let explicit = nodes
        .iter()
        .any(|n| n.kind == Kind::Heading && n.who.is_none());
    let layout = find_starts(&mut nodes, &mut findings);
    let starts = &layout.starts;
    let first_start = starts.first().map_or(nodes.len(), |s| s.first);
    let more = nodes[first + 1..].iter().any(|n| n.kind != Kind::Seam);
    let n = &nodes[first];
    if first < first_start
        && more
        && n.single
        && n.who.is_none()
        && (n.kind == Kind::Heading || title_shaped(&n.text) || headline(&n.text))
    {
        nodes[first].kind = Kind::Show;
    }
    if !explicit {
        mark_plain_headings(&mut nodes);
    }
    check_seams(&nodes, &mut findings);
    let show_title = nodes
        .iter()
        .find(|n| n.kind == Kind::Show)
        .map(|n| n.text.clone());

    let mut speeches = Vec::new();
    if starts.is_empty() {
        let speaker = show_title.clone().unwrap_or_else(|| "unknown".into());
        let title = show_title.clone().unwrap_or_else(|| "untitled".into());
        let line = nodes[first].line;
        let message = format!(
            "no attribution line (a speaker line such as “□ 柳州市”, “省高级人民法院副院长 李明” \
             or “张伟委员：”): the page is read as one speech by “{speaker}”"
        );
        warn(&mut findings, line, message);
        let (intro, chapters) = body(&nodes[first..], &mut findings);
        speeches.push(ImportedSpeech {
            speaker,
            title,
            subtitle: None,
            intro,
            unread: Vec::new(),
            closing: Vec::new(),
            chapters,
            line,
        });
    }
    // Where a reporter's close after the last speech begins.
    let close = starts
        .last()
        .map_or(nodes.len(), |s| reporter_close(&nodes, s));
    for (k, s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(close, |next| next.first);
        let (mut intro, mut chapters) = body(&nodes[s.body..end], &mut findings);
        let who = nodes[s.speaker]
            .who
            .clone()
            .map(|(_, who)| who)
            .expect("a start names its speaker");
        let title_node = s.title.map(|t| &nodes[t]);
        let title = match title_node {
            Some(t) => t.text.clone(),
            None => s.given.clone().unwrap_or_else(|| who.name.clone()),
        };
        drop_repeated_heading(
            &title,
            title_node.map_or(0, |t| t.line),
            &mut intro,
            &mut chapters,
            &mut findings,
        );
        let mut subtitles: Vec<String> = nodes[s.subtitles.clone()]
            .iter()
            .map(|n| n.text.clone())
            .collect();
        subtitles.extend(who.role.clone());
        speeches.push(ImportedSpeech {
            speaker: who.name,
            title,
            subtitle: (!subtitles.is_empty()).then(|| subtitles.join(" ")),
            intro,
            unread: Vec::new(),
            closing: Vec::new(),
            chapters,
            line: nodes[s.first].line,
        });
    }
    // Text before the first speech is no one's speech (a reporter's lead, a
    // note), nor is a reporter's close after the last: the first and the
    // last script keep them as comments, which are not read.
    if let (Some(s), Some(speech)) = (starts.first(), speeches.first_mut()) {
        let what = "text before the first speech";
        let pre = &nodes[..s.first];
        speech.unread = unread(
            pre,
            &[Kind::Text, Kind::Heading],
            what,
            &speech.title,
            &mut findings,
        );
    }
    if let (Some(_), Some(speech)) = (starts.last(), speeches.last_mut()) {
        let what = "text after the last speech";
        let after = &nodes[close..];
        speech.closing = unread(after, &[Kind::Text], what, &speech.title, &mut findings);
    }
    misplaced::move_misplaced(&mut speeches, &mut findings);
    for s in &speeches {
        check_speech(s, &mut findings);
    }
    findings.sort_by_key(Finding::line);
    Ok(ImportReport {
        format: source.format,
        encoding: source.encoding,
        layout: layout.description,
        unsure: layout.unsure,
        notes,
        show_title,
        speeches,
        findings,
    })
}

/// The texts of the `kinds` of nodes in `nodes`, which no one says: kept in
/// the script titled `title` as a comment, and reported once.
fn unread(
    nodes: &[Node],
    kinds: &[Kind],
    what: &str,
    title: &str,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let kept: Vec<&Node> = nodes.iter().filter(|n| kinds.contains(&n.kind)).collect();
    if let (Some(a), Some(b)) = (kept.first(), kept.last()) {
        let message = format!(
            "{what} ({}) is no one's speech: kept in the script of “{title}” as a comment, not read (move it out of the comment to have it read)",
            line_span(a.line, b.last)
        );
        warn(findings, a.line, message);
    }
    kept.iter().map(|n| n.text.clone()).collect()
}

/// `line 4` or `lines 4–9`.
fn line_span(first: usize, last: usize) -> String {
    if first == last {
        format!("line {first}")
    } else {
        format!("lines {first}–{last}")
    }
}

/// Widest headline (a web article's title, often long), in columns.
const HEADLINE: usize = 2 * SHORT_LINE;

/// A page's first line that reads as a web headline: no sentence or clause
/// punctuation, at most [`HEADLINE`] columns.
fn headline(t: &str) -> bool {
    columns(t) <= HEADLINE && !ends_sentence(t) && !t.contains(['，', '。', ',', '；'])
}

#[cfg(test)]
mod tests;
