//! One speech's body: its nodes made into intro paragraphs and chapters
//! (page-break splits rejoined), and the checks on a finished speech (a
//! heading repeated as its first sentence, too little text, empty
//! chapters, chapters next to an editorial credit mid-page).

use super::blocks::{Kind, Node};
use super::furniture::numbered_point;
use super::text::{ends_sentence, join};
use super::{warn, Finding, ImportedChapter, ImportedSpeech};

/// Speeches with fewer characters of text than this are reported.
const SHORT_SPEECH: usize = 100;

/// Warn about chapters next to a credit that is not at the end of the page:
/// the text around such a seam may have been pasted out of order.
pub(super) fn check_seams(nodes: &[Node], findings: &mut Vec<Finding>) {
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
pub(super) fn body(
    nodes: &[Node],
    findings: &mut Vec<Finding>,
) -> (Vec<String>, Vec<ImportedChapter>) {
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
/// A heading printed again as the first sentence of its text
/// (`让红色薪火代代相传` / `让红色薪火代代相传。我们…`) would be read twice:
/// the repeat is dropped and reported.
pub(super) fn drop_repeated_heading(
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

pub(super) fn check_speech(s: &ImportedSpeech, findings: &mut Vec<Finding>) {
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
