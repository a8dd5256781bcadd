//! Blocks: the page split into nodes (runs of consecutive lines, headings
//! and speaker lines standing alone), with furniture dropped and reported.
//!
//! Owns: the node type every later stage reads and marks. Leaves alone:
//! which nodes start speeches (`layout`).

use super::furniture::{furniture, is_editor_note, is_note_label};
use super::text::{columns, heading_line, join, title_shaped, Line};
use super::Finding;
use crate::script::speaker::{name_shaped, speaker_line, strip_marks, Form, Speaker};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Heading,
    Attribution,
    /// Where a credit was dropped: ends the text flow.
    Seam,
    Show,
    Title,
    Subtitle,
}

/// A block of consecutive non-blank lines (headings and speaker lines always
/// stand alone), after furniture is removed.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) kind: Kind,
    pub(super) line: usize,
    pub(super) last: usize,
    pub(super) text: String,
    pub(super) single: bool,
    /// The speaker this line names, if its shape says it names one.
    pub(super) who: Option<(Form, Speaker)>,
    /// Starts with a paragraph indent: never the continuation of a page break.
    pub(super) fresh: bool,
}

pub(super) fn alone(line: &str) -> bool {
    heading_line(line).is_some() || speaker_line(line).is_some()
}

/// Whether `line`, title-shaped, stands on its own before `next` rather
/// than starting a paragraph wrapped onto `next`: only the last line of a
/// wrapped paragraph falls short of the column, so a line at most half as
/// wide as the one after it is a title or heading (`掌声亦民声` above its
/// subtitle), not a wrapped line.
pub(super) fn ends_before(line: &str, next: &str) -> bool {
    title_shaped(line) && 2 * columns(line) <= columns(next)
}

/// Split the page into nodes, dropping furniture (whole blocks, then single
/// lines inside blocks) into `findings`.
pub(super) fn nodes(lines: &[Line], per_line: bool, findings: &mut Vec<Finding>) -> Vec<Node> {
    let mut blocks: Vec<Vec<(usize, &str)>> = Vec::new();
    let mut open = false;
    let indented_at: std::collections::HashSet<usize> =
        lines.iter().filter(|l| l.2).map(|l| l.0).collect();
    for (n, line, indented) in lines {
        let line = line.as_str();
        let own = alone(line);
        match blocks.last_mut() {
            _ if line.is_empty() => {}
            Some(block)
                if open
                    && !own
                    && !per_line
                    && !indented
                    && !block
                        .last()
                        .is_some_and(|(_, prev)| ends_before(prev, line)) =>
            {
                block.push((*n, line))
            }
            _ => blocks.push(vec![(*n, line)]),
        }
        open = !line.is_empty() && !own;
    }
    let mut out = Vec::new();
    let mut note_follows = false;
    let drop =
        |out: &mut Vec<Node>, findings: &mut Vec<Finding>, line, text: String, whole: &str| {
            let Some((rule, ends_flow)) = furniture(whole) else {
                return false;
            };
            if ends_flow {
                out.push(node(Kind::Seam, line, line, text.clone(), true));
            }
            findings.push(Finding::Dropped { line, text, rule });
            true
        };
    for block in blocks {
        let whole = block
            .iter()
            .fold(String::new(), |acc, (_, l)| join(&acc, l));
        let lines: Vec<&str> = block.iter().map(|(_, l)| *l).collect();
        let first = block[0].0;
        let label = is_note_label(&whole);
        if std::mem::take(&mut note_follows) || label || is_editor_note(&whole) {
            note_follows = label;
            let rule = "editor's note";
            findings.push(Finding::Dropped {
                line: first,
                text: lines.join(" "),
                rule,
            });
            continue;
        }
        if drop(&mut out, findings, first, lines.join(" "), &whole) {
            continue;
        }
        let mut kept = Vec::new();
        for (n, l) in block {
            if drop(&mut out, findings, n, l.to_string(), l) {
                flush(&mut out, &mut kept);
            } else {
                kept.push((n, l));
            }
        }
        flush(&mut out, &mut kept);
    }
    for n in &mut out {
        n.fresh = indented_at.contains(&n.line);
    }
    drop_caption_names(out, findings)
}

pub(super) fn node(kind: Kind, line: usize, last: usize, text: String, single: bool) -> Node {
    Node {
        kind,
        line,
        last,
        text,
        single,
        who: None,
        fresh: false,
    }
}

/// A run of at least this many bare names, each on its own line, is the
/// caption list of a photo row (`吴向东` `李书福` `唐长红` …).
pub(super) const CAPTION_RUN: usize = 3;

pub(super) fn drop_caption_names(nodes: Vec<Node>, findings: &mut Vec<Finding>) -> Vec<Node> {
    let bare = |n: &Node| n.kind == Kind::Text && n.single && name_shaped(&n.text);
    let mut keep = vec![true; nodes.len()];
    let mut i = 0;
    while i < nodes.len() {
        let run = nodes[i..].iter().take_while(|n| bare(n)).count();
        if run >= CAPTION_RUN {
            for n in &nodes[i..i + run] {
                let (line, text, rule) = (n.line, n.text.clone(), "photo caption");
                findings.push(Finding::Dropped { line, text, rule });
            }
            keep[i..i + run].iter_mut().for_each(|k| *k = false);
        }
        i += run.max(1);
    }
    nodes
        .into_iter()
        .zip(keep)
        .filter_map(|(n, k)| k.then_some(n))
        .collect()
}

pub(super) fn flush(out: &mut Vec<Node>, kept: &mut Vec<(usize, &str)>) {
    let (Some(&(line, l)), Some(&(last, _))) = (kept.first(), kept.last()) else {
        return;
    };
    let single = kept.len() == 1;
    let mut n = match heading_line(l) {
        Some(h) => node(Kind::Heading, line, last, h.to_string(), single),
        None => {
            let text = kept.iter().fold(String::new(), |acc, (_, l)| join(&acc, l));
            node(Kind::Text, line, last, text, single)
        }
    };
    if single {
        n.who = speaker_line(&n.text);
        if n.who.is_none() {
            n.text = strip_marks(&n.text).to_string();
        }
    }
    out.push(n);
    kept.clear();
}
