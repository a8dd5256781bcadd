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
mod furniture;
mod layout;
mod misplaced;
mod report;
mod text;

pub use report::render_report;

use self::blocks::{nodes, Kind, Node};
use self::furniture::numbered_point;
use self::layout::{find_starts, mark_plain_headings, reporter_close};
use self::text::{columns, ends_sentence, join, normalise, one_per_line, title_shaped, SHORT_LINE};
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

/// Speeches with fewer characters of text than this are reported.
const SHORT_SPEECH: usize = 100;

fn warn(findings: &mut Vec<Finding>, line: usize, message: String) {
    findings.push(Finding::Warning { line, message });
}

/// Warn about chapters next to a credit that is not at the end of the page:
/// the text around such a seam may have been pasted out of order.
fn check_seams(nodes: &[Node], findings: &mut Vec<Finding>) {
    for (s, seam) in nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == Kind::Seam)
    {
        let Some(next) = nodes[s + 1..].iter().find(|n| n.kind != Kind::Seam) else {
            continue;
        };
        let before = nodes[..s]
            .iter()
            .rev()
            .find(|n| !matches!(n.kind, Kind::Text | Kind::Seam));
        let at = seam.line;
        if let Some(h) = before.filter(|h| h.kind == Kind::Heading) {
            let message = format!(
                "chapter “{}” ends at the editorial credit on line {at}, which is not at the end \
                 of the page: it may be printed out of place (kept where it stands)",
                h.text
            );
            warn(findings, h.line, message);
        }
        if next.kind == Kind::Heading {
            let message = format!(
                "chapter “{}” follows the editorial credit on line {at}: it may be printed out \
                 of place (kept where it stands)",
                next.text
            );
            warn(findings, next.line, message);
        }
    }
}

/// Paragraphs and chapters of one speech body, joining page-break splits.
fn body(nodes: &[Node], findings: &mut Vec<Finding>) -> (Vec<String>, Vec<ImportedChapter>) {
    let (mut intro, mut chapters) = (Vec::<String>::new(), Vec::<ImportedChapter>::new());
    let mut open: Option<usize> = None; // last line of a paragraph that may continue
    for n in nodes {
        if n.kind != Kind::Text {
            warn_unfinished(open.take(), findings);
            if n.kind == Kind::Heading {
                let (title, line) = (n.text.clone(), n.line);
                chapters.push(ImportedChapter {
                    title,
                    paragraphs: Vec::new(),
                    line,
                });
            }
            continue;
        }
        let paras = match chapters.last_mut() {
            Some(c) => &mut c.paragraphs,
            None => &mut intro,
        };
        if n.fresh {
            if let Some(line) = open.take() {
                let point = paras.last().is_some_and(|p| numbered_point(p));
                if !point {
                    warn_unfinished(Some(line), findings);
                }
            }
        }
        match (open, paras.last_mut()) {
            (Some(line), Some(prev)) => {
                let tail: Vec<char> = prev.chars().rev().take(5).collect();
                let before = tail.into_iter().rev().collect();
                let after = n.text.chars().take(5).collect();
                findings.push(Finding::Joined {
                    line,
                    before,
                    after,
                });
                *prev = join(prev, &n.text);
            }
            _ => paras.push(n.text.clone()),
        }
        open = paras.last().filter(|p| !ends_sentence(p)).map(|_| n.last);
    }
    warn_unfinished(open, findings);
    (intro, chapters)
}

fn warn_unfinished(open: Option<usize>, findings: &mut Vec<Finding>) {
    if let Some(line) = open {
        let message = "paragraph ends without sentence-final punctuation \
                       (a page break whose continuation is missing?)";
        warn(findings, line, message.to_string());
    }
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

/// A heading printed again as the first sentence of its text
/// (`让红色薪火代代相传` / `让红色薪火代代相传。我们…`) would be read twice:
/// the repeat is dropped and reported.
fn drop_repeated_heading(
    title: &str,
    line: usize,
    intro: &mut [String],
    chapters: &mut [ImportedChapter],
    findings: &mut Vec<Finding>,
) {
    let mut fix = |heading: &str, line: usize, first: Option<&mut String>| {
        let Some(p) = first else { return };
        let Some(rest) = p.strip_prefix(heading) else {
            return;
        };
        let Some(rest) = rest.strip_prefix(['。', '！', '？', '：', ':']) else {
            return;
        };
        let rest = rest.trim_start();
        if rest.is_empty() {
            return;
        }
        let text = heading.to_string();
        findings.push(Finding::Dropped {
            line,
            text,
            rule: "heading repeated as the first sentence",
        });
        *p = rest.to_string();
    };
    fix(title, line, intro.first_mut());
    for c in chapters.iter_mut() {
        let (t, l) = (c.title.clone(), c.line);
        fix(&t, l, c.paragraphs.first_mut());
    }
}

fn check_speech(s: &ImportedSpeech, findings: &mut Vec<Finding>) {
    let paragraphs = s
        .intro
        .iter()
        .chain(s.chapters.iter().flat_map(|c| &c.paragraphs));
    let title = &s.title;
    match paragraphs.map(|p| p.chars().count()).sum::<usize>() {
        0 => warn(findings, s.line, format!("speech “{title}” has no text")),
        n if n < SHORT_SPEECH => {
            let message = format!("speech “{title}” is very short ({n} characters)");
            warn(findings, s.line, message);
        }
        _ => {}
    }
    for c in s.chapters.iter().filter(|c| c.paragraphs.is_empty()) {
        let message = format!("heading “{}” has no paragraphs", c.title);
        warn(findings, c.line, message);
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

/// Render one speech as a script file (TOML front matter + Markdown), with
/// `order` = its 1-based position in the show.
pub fn render_script(speech: &ImportedSpeech, order: usize) -> String {
    let mut out = format!("+++\nspeaker = {}\n", toml_str(&speech.speaker));
    out += &format!("title = {}\n", toml_str(&speech.title));
    if let Some(sub) = &speech.subtitle {
        out += &format!("subtitle = {}\n", toml_str(sub));
    }
    out += &format!("order = {order}\n+++\n");
    unread_comment(&mut out, "页面上第一篇发言之前的文字", &speech.unread);
    for p in &speech.intro {
        out += &format!("\n{p}\n");
    }
    for c in &speech.chapters {
        out += &format!("\n## {}\n", c.title);
        for p in &c.paragraphs {
            out += &format!("\n{p}\n");
        }
    }
    unread_comment(&mut out, "页面上最后一篇发言之后的文字", &speech.closing);
    out
}

/// Page text no one says, as a Markdown comment block: scripts skip it, so
/// it is never read, and the editor still sees it.
fn unread_comment(out: &mut String, what: &str, paragraphs: &[String]) {
    if paragraphs.is_empty() {
        return;
    }
    *out += &format!("\n<!-- 不朗读（{what}，供编辑参考）：\n");
    for p in paragraphs {
        *out += &format!("\n{}\n", p.replace("--", "—"));
    }
    *out += "\n-->\n";
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = include_str!("../../../tests/fixtures/page.txt");
    const SCRIPTS: [&str; 4] = [
        include_str!("../../../scripts/01-liuzhou.md"),
        include_str!("../../../scripts/02-xianan.md"),
        include_str!("../../../scripts/03-youyiguan.md"),
        include_str!("../../../scripts/04-wangxianpo.md"),
    ];

    fn import(s: &str) -> ImportReport {
        import_page(s.as_bytes()).expect("imports")
    }

    /// One line per speech: `speaker | title | subtitle | line | chapter / chapter`.
    fn outline(r: &ImportReport) -> String {
        let line = |s: &ImportedSpeech| {
            let chapters: Vec<&str> = s.chapters.iter().map(|c| c.title.as_str()).collect();
            let sub = s.subtitle.as_deref().unwrap_or("-");
            format!(
                "{} | {} | {sub} | {} | {}",
                s.speaker,
                s.title,
                s.line,
                chapters.join(" / ")
            )
        };
        r.speeches.iter().map(line).collect::<Vec<_>>().join("\n")
    }

    fn joins(r: &ImportReport) -> Vec<usize> {
        let joined = r
            .findings
            .iter()
            .filter(|f| matches!(f, Finding::Joined { .. }));
        joined.map(Finding::line).collect()
    }

    fn dropped(r: &ImportReport) -> Vec<(usize, &str, &str)> {
        r.findings
            .iter()
            .filter_map(|f| match f {
                Finding::Dropped { line, text, rule } => Some((*line, text.as_str(), *rule)),
                _ => None,
            })
            .collect()
    }

    fn warned(r: &ImportReport, line: usize, needle: &str) -> bool {
        r.warnings()
            .iter()
            .any(|(l, m)| *l == line && m.contains(needle))
    }

    fn all_text(r: &ImportReport) -> String {
        let paragraphs = |s: &ImportedSpeech| {
            let chapters = s.chapters.iter().flat_map(|c| c.paragraphs.clone());
            s.intro
                .clone()
                .into_iter()
                .chain(chapters)
                .collect::<Vec<_>>()
        };
        r.speeches
            .iter()
            .flat_map(paragraphs)
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn sample_structure() {
        let r = import(PAGE);
        let show = "全区民族团结进步创建经验交流现场会典型发言选登";
        assert_eq!(r.show_title.as_deref(), Some(show));
        let expected = "\
柳州市 | 柳州合力谱写新时代民族团结进步新篇章 | - | 5 | 提高站位，强化领导，形成促进民族团结进步的强大合力 / 创新方法，拓展载体，推动民族团结进步宣传教育走进千家万户 / 搭建平台，相互融合，促进全市各族群众共居共学共事共乐 / 融入中心，改善民生，着力提升各族群众的获得感、幸福感和安全感
河池市环江毛南族自治县下南乡 | 牢记嘱托 不负韶华 | 助力毛南族群众如期实现脱贫 | 33 | 牢记嘱托，坚守使命，“不破楼兰终不还” / 转换角色，一心为民，先天下之忧而忧
崇左市凭祥市公安局友谊关边境派出所 | 团结花开友谊关 | - | 53 | 突出宣传教育，夯实思想根基 / 突出服务管理，推动团结稳边 / 突出民生改善，增进民生福祉
南宁市兴宁区民生街道望仙坡社区 | “四联”育出石榴红 | - | 80 | 工作千头万绪怎么开展？——联建 / 对象千家万户怎么服务？——联抓 / 活动千姿百态怎么组织？——联办 / 关系千丝万缕怎么理顺？——联帮";
        assert_eq!(outline(&r), expected);
        assert_eq!(r.speeches[1].chapters[1].paragraphs.len(), 2);
    }

    #[test]
    fn sample_joins_exactly_six_page_breaks() {
        let r = import(PAGE);
        assert_eq!(joins(&r), [13, 19, 25, 43, 65, 92]);
        let text = all_text(&r);
        for w in [
            "做到“两个维护”",
            "国民教育",
            "经商管理",
            "2019年9月11日",
            "等党支部",
            "少数民族居民",
        ] {
            assert!(text.contains(w), "{w} not rejoined");
        }
        let (before, after) = ("019年9".to_string(), "月11日，".to_string());
        assert!(r.findings.contains(&Finding::Joined {
            line: 43,
            before,
            after
        }));
    }

    #[test]
    fn sample_credit_dropped_and_lianbang_moved_to_its_series() {
        let r = import(PAGE);
        assert_eq!(
            dropped(&r),
            [(77, "本版由自治区民宗委 监督检查处供稿", "credit")]
        );
        assert!(!all_text(&r).contains("供稿"));
        assert!(r.warnings().is_empty(), "{:?}", r.warnings());
        let last = r.speeches[3].chapters.last().unwrap();
        assert_eq!(
            (last.title.as_str(), last.line),
            ("关系千丝万缕怎么理顺？——联帮", 73)
        );
        let files: Vec<String> = (1..=4).map(|n| format!("0{n}.md")).collect();
        let report = render_report(&r, &files);
        assert!(report.contains("line 77: dropped credit"), "{report}");
        assert!(
            report.contains("line 73: moved chapter “关系千丝万缕怎么理顺？——联帮” to the speech of “南宁市兴宁区民生街道望仙坡社区”: its heading continues that speech's series (联建、联抓、联办) and its text names 望仙坡"),
            "{report}"
        );
        assert!(
            report.contains("河池市环江毛南族自治县下南乡 → 02.md  (line 33)\n  牢记嘱托 不负韶华 — 助力毛南族群众如期实现脱贫\n   1. 牢记嘱托 不负韶华  [1 paragraphs, line 33]\n   2. 牢记嘱托，坚守使命，“不破楼兰终不还”"),
            "{report}"
        );
    }

    #[test]
    fn sample_renders_the_shipped_scripts_with_no_hand_edit() {
        let r = import(PAGE);
        for (k, (speech, shipped)) in r.speeches.iter().zip(SCRIPTS).enumerate() {
            assert_eq!(render_script(speech, k + 1), shipped);
        }
        assert_eq!(r.speeches.len(), SCRIPTS.len());
    }

    #[test]
    fn crlf_bom_and_full_width_spaces() {
        let r = import(
            "\u{feff}## 标题\r\n\r\n□ 张三 \r\n\r\n\u{3000}\u{3000}第一段，没有结束\u{3000} \r\n\r\n继续写完。\r\n",
        );
        assert_eq!(outline(&r), "张三 | 标题 | - | 1 | ");
        assert_eq!(r.speeches[0].intro, ["第一段，没有结束继续写完。"]);
        assert_eq!(joins(&r), [5]);
        assert!(!render_script(&r.speeches[0], 1).contains('\r'));
    }

    #[test]
    fn english_page_with_dash_attributions_and_hyphenated_break() {
        let r = import(
            "Harbour Forum Speeches\n\nBuilding Bridges Together\n\n— Jane Doe\n\n\
            Good evening, friends. Tonight I want to talk about why this harbour is so impor-\n\n\
            tant to all of us, and why we must keep it open for the boats and the families.\n\n\
            Why it matters\n\nTrade keeps the town alive. Every boat brings work to families.\n\n\
            Keeping the Water Clean\n\n—— Tom Smith\n\n\
            We cleaned the harbour floor twice this year and the fish are coming\n\n\n\
            back to the inner basin for the first time in years, which we all hoped for.\n",
        );
        assert_eq!(r.show_title.as_deref(), Some("Harbour Forum Speeches"));
        let expected = "Jane Doe | Building Bridges Together | - | 3 | Why it matters\n\
                        Tom Smith | Keeping the Water Clean | - | 15 | ";
        assert_eq!(outline(&r), expected);
        assert!(r.speeches[0].intro[0].contains("harbour is so important to all of us"));
        assert_eq!(r.speeches[1].intro.len(), 1);
        assert!(r.speeches[1].intro[0].contains("fish are coming back to"));
        assert_eq!(joins(&r), [7, 19]);
    }

    #[test]
    fn no_attribution_is_one_speech_with_a_warning() {
        let r = import("乡村振兴简报\n\n今年全村收入增长了百分之三十，日子越过越红火。\n\n## 产业\n\n种植火龙果。\n");
        assert_eq!(r.show_title.as_deref(), Some("乡村振兴简报"));
        assert_eq!(outline(&r), "乡村振兴简报 | 乡村振兴简报 | - | 1 | 产业");
        assert!(warned(&r, 1, "no attribution"));
        let r = import("Just one paragraph with no title at all.\n");
        assert_eq!(outline(&r), "unknown | untitled | - | 1 | ");
        assert!(warned(&r, 1, "no attribution"));
    }

    #[test]
    fn heading_only_speech_is_warned_and_kept() {
        let r = import("## 空的讲话\n\n□ 甲\n\n## 第二篇\n\n□ 乙\n\n这是第二篇讲话的正文。\n");
        assert_eq!(
            outline(&r),
            "甲 | 空的讲话 | - | 1 | \n乙 | 第二篇 | - | 5 | "
        );
        assert!(r.speeches[0].intro.is_empty());
        assert!(warned(&r, 1, "has no text"));
        assert!(warned(&r, 5, "very short"));
    }

    #[test]
    fn jump_lines_and_page_numbers_are_dropped_and_joined_across() {
        let r = import(
            "## 标题\n\n□ 某单位\n\n第一段落写到这里还没有\n\n（下转第2版）\n\n- 2 -\n\n\
             （上接第1版）\n\n写完的部分。\n\n责任编辑：张三\n",
        );
        let rules: Vec<(usize, &str)> = dropped(&r).iter().map(|d| (d.0, d.2)).collect();
        let expected = [
            (7, "jump line"),
            (9, "page number"),
            (11, "jump line"),
            (15, "editor line"),
        ];
        assert_eq!(rules, expected);
        assert_eq!(r.speeches[0].intro, ["第一段落写到这里还没有写完的部分。"]);
        assert_eq!(joins(&r), [5]);
    }

    #[test]
    fn text_before_first_speech_is_kept_unread_and_warned() {
        let r = import("报纸版面\n\n以下是发言摘登。\n\n## 标题\n\n□ 某单位\n\n正文。\n");
        assert_eq!(r.speeches[0].intro, ["正文。"]);
        assert_eq!(r.speeches[0].unread, ["以下是发言摘登。"]);
        assert!(warned(&r, 3, "before the first speech (line 3)"));
        // In the script it is a comment: kept for the editor, not read.
        let script = render_script(&r.speeches[0], 1);
        let speech =
            crate::script::parse_script(script.as_bytes(), std::path::Path::new("a.md")).unwrap();
        let read: Vec<&str> = speech.chapters[0]
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(read, ["正文。"]);
        assert!(
            script.contains("<!-- 不朗读") && script.contains("以下是发言摘登。"),
            "{script}"
        );
        // An editor's note is furniture, not the speech: dropped and reported.
        let r = import("报纸版面\n\n编者按：以下是发言摘登。\n\n## 标题\n\n□ 某单位\n\n正文。\n");
        assert_eq!(r.speeches[0].intro, ["正文。"]);
        assert_eq!(
            dropped(&r),
            [(3, "编者按：以下是发言摘登。", "editor's note")]
        );
    }

    #[test]
    fn reporters_close_after_the_last_remark_is_kept_unread() {
        let page = "代表热议报告\n\n全国人大代表张红说：“报告很实在。”\n\n\
                    全国人大代表李明说：“我很受鼓舞。”\n\n\
                    李明还谈到了教育。\n\n\
                    会议还将持续八天，代表们将继续审议。\n\n责任编辑：王五\n";
        let r = import(page);
        let last = r.speeches.last().unwrap();
        assert_eq!(last.speaker, "李明");
        assert_eq!(
            paragraph_texts(last),
            ["“我很受鼓舞。”", "李明还谈到了教育。"]
        );
        assert_eq!(last.closing, ["会议还将持续八天，代表们将继续审议。"]);
        assert!(warned(&r, 9, "text after the last speech (line 9)"));
        let script = render_script(last, 2);
        let speech =
            crate::script::parse_script(script.as_bytes(), std::path::Path::new("a.md")).unwrap();
        let read: String = speech
            .chapters
            .iter()
            .flat_map(|c| &c.paragraphs)
            .map(|p| p.text.as_str())
            .collect();
        assert!(!read.contains("会议还将"), "{read}");
        assert!(script.contains("会议还将持续八天"), "{script}");
        // A paragraph that goes on reporting (他说, 她认为) stays in the speech.
        let r = import(&page.replace("会议还将持续八天", "他说会议还将持续八天"));
        let last = r.speeches.last().unwrap();
        assert!(last.closing.is_empty());
        assert_eq!(paragraph_texts(last).len(), 3);
    }

    fn paragraph_texts(s: &ImportedSpeech) -> Vec<&str> {
        let chapters = s.chapters.iter().flat_map(|c| &c.paragraphs);
        s.intro.iter().chain(chapters).map(String::as_str).collect()
    }

    #[test]
    fn a_short_line_above_a_much_wider_one_stands_alone() {
        // No blank line between the page title and its subtitle, nor inside
        // the wrapped paragraph: the title is a line of its own, the
        // paragraph's lines are one paragraph.
        let r = import(
            "会议发言\n温家宝总理作政府工作报告后记者第一时间连线代表委员\n\n## 标题\n\n□ 某单位\n\n\
             正文第一行写到这里还\n没有结束的句子。\n",
        );
        assert_eq!(r.show_title.as_deref(), Some("会议发言"));
        assert_eq!(
            r.speeches[0].intro,
            ["正文第一行写到这里还没有结束的句子。"]
        );
        assert_eq!(
            r.speeches[0].unread,
            ["温家宝总理作政府工作报告后记者第一时间连线代表委员"]
        );
        assert!(warned(&r, 2, "before the first speech (line 2)"));
    }

    #[test]
    fn spaced_and_traditional_furniture_and_web_page_lines() {
        for (line, rule) in [
            ("编 辑： 张学文", "site chrome"),
            ("责 编： 张学文", "editor line"),
            ("責任編輯：王五", "editor line"),
            ("來源：海峽之聲網", "site chrome"),
            ("字號", "site chrome"),
            ("Qzone", "site chrome"),
            ("• 台灣網移動版", "site chrome"),
            ("台灣網移動版", "site chrome"),
            ("江门台 2022年03月06日", "dateline"),
            ("2019-03-11 09:26:00", "dateline"),
            ("（新華社記者 李四攝）", "photo caption"),
            ("第03版:要闻", "paper and page line"),
            ("第 A05 版：观点", "paper and page line"),
        ] {
            assert_eq!(
                furniture::furniture(line).map(|f| f.0),
                Some(rule),
                "{line}"
            );
        }
        for line in [
            "2019年9月11日，我们召开了全市民族团结进步表彰大会。",
            "分享经验，共同进步",
            "微信群里，群众的留言越来越多。",
            "守护绿水青山",
            "第二版修订说明",
            "第3版里写到：我们要把好政策落到实处，",
        ] {
            assert_eq!(furniture::furniture(line), None, "{line}");
        }
    }

    #[test]
    fn ascii_commas_between_chinese_quotes_are_made_full_width() {
        assert_eq!(
            text::full_width("吃了‘定心丸’,农民").0,
            "吃了‘定心丸’，农民"
        );
        assert_eq!(text::full_width("接地气”,“代表们").0, "接地气”，“代表们");
        assert_eq!(text::full_width("达到65%,有效").0, "达到65%，有效");
        assert_eq!(
            text::full_width("1,000 people, “hello”, she said").0,
            "1,000 people, “hello”, she said"
        );
    }

    #[test]
    fn reported_remarks_outweigh_a_stray_speaker_line() {
        // One line shaped like a speaker line, three reported remarks: the
        // page is read by its remarks, and says why.
        let page = "代表热议政府工作报告\n\
                    市政协委员 王刚\n\
                    全国人大代表张伟说：“报告让人振奋，我们要把好政策落到实处。”\n\
                    全国人大代表李娜说：“乡村振兴，产业是基础，人才是关键。”\n\
                    全国人大代表赵强说：“要把教育办到群众心坎上。”\n";
        let r = import_page(page.as_bytes()).unwrap();
        assert!(
            r.layout
                .contains("3 such paragraphs outweigh 1 speaker lines"),
            "{}",
            r.layout
        );
        let names: Vec<&str> = r.speeches.iter().map(|s| s.speaker.as_str()).collect();
        assert_eq!(names, ["张伟", "李娜", "赵强"]);
    }

    #[test]
    fn a_speaker_quoting_someone_does_not_split_a_titled_page() {
        // Title, then `职务 姓名`: a body paragraph reporting what someone
        // else said stays in that speech.
        let page = "让纠纷化解在基层\n县人民法院副庭长 刘 芳\n\n\
                    人民法庭是化解纠纷的第一道防线，我们在每个乡镇设立诉讼服务站。\n\n\
                    县委书记王明说：“法庭要走到群众中间去。”我们照着做了。\n\n\
                    守护绿水青山\n黄山市中级人民法院院长 黄 山\n\n\
                    黄山市是生态大市，我们设立环境资源审判庭，集中审理涉林涉水案件。\n";
        let r = import_page(page.as_bytes()).unwrap();
        assert!(r.layout.starts_with("a title line, then"), "{}", r.layout);
        let names: Vec<&str> = r.speeches.iter().map(|s| s.speaker.as_str()).collect();
        assert_eq!(names, ["刘芳", "黄山"]);
        assert!(r.speeches[0].intro[1].starts_with("县委书记王明说"));
    }

    #[test]
    fn a_cut_off_last_line_is_no_heading_and_not_read_in_the_last_voice() {
        // The page ends mid-sentence on the reporter's lead to a speech it
        // no longer holds: not a heading, and not 李娜's words either.
        let page = "全国人大代表张伟说：“报告让人振奋，我们要把好政策落到实处。”\n\
                    全国人大代表李娜说：“乡村振兴，产业是基础，人才是关键。”\n\
                    当前我市正大力推进“双碳”工作，全国人大代表赵强今年也提出了\n";
        let r = import_page(page.as_bytes()).unwrap();
        assert!(r.speeches[1].chapters.is_empty());
        assert_eq!(
            r.speeches[1].intro,
            ["“乡村振兴，产业是基础，人才是关键。”"]
        );
        assert_eq!(
            r.speeches[1].closing,
            ["当前我市正大力推进“双碳”工作，全国人大代表赵强今年也提出了"]
        );
        assert!(
            warned(&r, 3, "text after the last speech (line 3)"),
            "{:?}",
            r.findings
        );
    }

    #[test]
    fn a_colon_speaker_line_under_its_heading() {
        // The heading first, then `张伟委员：`: the title stands above.
        let page = "委员发言摘编\n\n发展乡村特色产业\n张伟委员：\n\
                    \u{3000}\u{3000}乡村振兴，产业是基础。我们县依托山区资源，发展茶叶、中药材等特色产业。\n\n\
                    让老人就近养老\n王丽娜委员：\n\
                    \u{3000}\u{3000}人口老龄化加快，建议在每个社区建设日间照料中心。\n";
        let r = import_page(page.as_bytes()).unwrap();
        assert!(
            r.layout
                .starts_with("a title line, then a speaker line ending in a colon"),
            "{}",
            r.layout
        );
        let heads: Vec<(&str, &str)> = r
            .speeches
            .iter()
            .map(|s| (s.speaker.as_str(), s.title.as_str()))
            .collect();
        assert_eq!(
            heads,
            [("张伟", "发展乡村特色产业"), ("王丽娜", "让老人就近养老")]
        );
        assert_eq!(r.show_title.as_deref(), Some("委员发言摘编"));
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        let err = import_page(b"## ok\n\xff\n").unwrap_err();
        assert!(
            matches!(err, ImportError::InvalidUtf8 { offset: 6 }),
            "{err:?}"
        );
        let err = import_page(b"\xEF\xBB\xBF\xE4\xB8").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not valid UTF-8: first bad byte at offset 3"
        );
        assert!(matches!(
            import_page(b"\n- 3 -\n\n"),
            Err(ImportError::NoSpeech)
        ));
    }

    #[test]
    fn script_strings_are_escaped() {
        let mut r = import("## T\n\n□ x\n\np\n");
        r.speeches[0].speaker = "A \"B\" \\ C".into();
        let expected =
            "+++\nspeaker = \"A \\\"B\\\" \\\\ C\"\ntitle = \"T\"\norder = 7\n+++\n\np\n";
        assert_eq!(render_script(&r.speeches[0], 7), expected);
    }
}
