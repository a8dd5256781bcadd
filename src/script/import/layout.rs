//! Layout inference: which nodes title a speech, which name its speaker,
//! and on which side of the speaker line the title stands, decided once
//! for the whole page by the lines that could name a speaker.
//!
//! Owns: the candidate structures and the page-wide vote between them.
//! Leaves alone: the text of speech bodies (`import`).

use super::blocks::{Kind, Node};
use super::furniture::numbered_point;
use super::text::{ends_sentence, title_shaped};
use super::{warn, Finding};
use crate::script::speaker::{opening, Form, Opened, Opening};

/// At most this many subtitle lines between a title and its attribution.
pub(super) const MAX_SUBTITLES: usize = 3;

/// Where a speech's title stands relative to its speaker line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// Title (and subtitles), then the speaker line: the seed page's layout.
    Above,
    /// Speaker line (`张伟委员：`), then the title.
    Below,
}

/// One speech's head: node indices of its title, subtitles, speaker line,
/// and where its body starts.
#[derive(Debug, Clone)]
pub(super) struct Start {
    /// First node of the head (the title above, or the speaker line).
    pub(super) first: usize,
    pub(super) title: Option<usize>,
    pub(super) subtitles: std::ops::Range<usize>,
    pub(super) speaker: usize,
    pub(super) body: usize,
    /// A title the speaker's paragraph gives (`以“…”为题`), with no title line.
    pub(super) given: Option<String>,
    /// The speech is reported (`…说，`), not printed as the speaker's own words.
    pub(super) reported: bool,
}

/// A line that may title a speech: a heading, or a short plain line.
pub(super) fn may_title(n: &Node) -> bool {
    n.who.is_none()
        && !numbered_point(&n.text)
        && (n.kind == Kind::Heading || n.kind == Kind::Text && n.single && title_shaped(&n.text))
}

/// The title (and subtitles) above a speaker line at `a`: (title, subtitles).
pub(super) fn title_above(nodes: &[Node], a: usize) -> Option<(usize, std::ops::Range<usize>)> {
    let (mut j, mut title) = (a, None);
    while j > 0 && a - j <= MAX_SUBTITLES {
        let n = &nodes[j - 1];
        if !may_title(n) {
            break;
        }
        j -= 1;
        title = Some(j);
        if n.kind == Kind::Heading {
            break;
        }
    }
    // A run of plain short lines that reaches the page's first line
    // leaves that line to be the show title.
    if title == Some(0) && a >= 2 && nodes[0].kind == Kind::Text {
        title = Some(1);
    }
    title.map(|t| (t, t + 1..a))
}

/// The title below a speaker line at `a`, followed by body text.
pub(super) fn title_below(nodes: &[Node], a: usize) -> Option<usize> {
    let t = nodes.get(a + 1).filter(|n| may_title(n)).map(|_| a + 1)?;
    nodes
        .get(t + 1)
        .is_some_and(|n| n.kind == Kind::Text && n.who.is_none())
        .then_some(t)
}

/// The layout the page agreed on.
#[derive(Debug)]
pub(super) struct Layout {
    pub(super) starts: Vec<Start>,
    pub(super) description: String,
    pub(super) unsure: bool,
}

pub(super) fn form_name(form: Form) -> &'static str {
    match form {
        Form::Marked => "a marked speaker line (□, ■ or —— before the name)",
        Form::Plain => {
            "a speaker line of title and name (省高级人民法院副院长 李明, 王强（全国人大代表）)"
        }
        Form::Colon => "a speaker line ending in a colon (张伟委员：)",
    }
}

/// Find the speech starts: every line whose shape names a speaker votes
/// for a title above or below it, and the side most of them agree on is
/// used for the whole page. Lines that do not fit are kept as text, with a
/// warning. The page scores the candidate structures: when paragraphs that
/// open with their speaker (`刘晓凯委员：…`, `全国人大代表张日红说：…`)
/// outnumber the speaker lines that fit a side, they start the speeches.
pub(super) fn find_starts(nodes: &mut [Node], findings: &mut Vec<Finding>) -> Layout {
    let marked = nodes
        .iter()
        .any(|n| matches!(n.who, Some((Form::Marked, _))));
    let candidates: Vec<usize> = (0..nodes.len())
        .filter(|&i| match &nodes[i].who {
            Some((form, _)) => !marked || *form == Form::Marked,
            None => false,
        })
        .collect();
    let above = candidates
        .iter()
        .filter(|&&a| title_above(nodes, a).is_some())
        .count();
    let below = candidates
        .iter()
        .filter(|&&a| title_below(nodes, a).is_some())
        .count();
    let inline = openings(nodes).len();
    if candidates.is_empty() || inline > above.max(below) {
        let mut layout = inline_starts(nodes, findings);
        if !candidates.is_empty() && !layout.starts.is_empty() {
            let lines = above.max(below);
            layout.description += &format!(
                " ({inline} such paragraphs outweigh {lines} speaker lines that fit a title)"
            );
        }
        return layout;
    }
    let side = if below > above {
        Side::Below
    } else {
        Side::Above
    };
    let mut starts: Vec<Start> = Vec::new();
    let mut forms = Vec::new();
    for &a in &candidates {
        let start = match side {
            Side::Above => title_above(nodes, a).map(|(t, subtitles)| Start {
                first: t,
                title: Some(t),
                subtitles,
                speaker: a,
                body: a + 1,
                given: None,
                reported: false,
            }),
            Side::Below => title_below(nodes, a).map(|t| Start {
                first: a,
                title: Some(t),
                subtitles: t + 1..t + 1,
                speaker: a,
                body: t + 1,
                given: None,
                reported: false,
            }),
        };
        // Starts never overlap: a head inside the previous head is text.
        let overlaps = starts
            .last()
            .is_some_and(|p| start.as_ref().is_some_and(|s| s.first < p.body));
        match start.filter(|_| !overlaps) {
            Some(s) => {
                let (form, who) = nodes[a].who.clone().expect("a candidate names a speaker");
                forms.push(form);
                findings.push(Finding::Attribution {
                    line: nodes[a].line,
                    text: nodes[a].text.clone(),
                    speaker: who.name,
                    role: who.role,
                });
                starts.push(s);
            }
            None => {
                let what = &nodes[a].text;
                let place = if side == Side::Above {
                    "above"
                } else {
                    "below"
                };
                let message = format!(
                    "“{what}” looks like a speaker line but has no title {place} it, as the \
                     other speeches on this page have: kept as text"
                );
                warn(findings, nodes[a].line, message);
                nodes[a].who = None;
            }
        }
    }
    for s in &starts {
        mark_head(nodes, s);
    }
    forms.sort_by_key(|f| *f as u8);
    forms.dedup();
    let shapes: Vec<&str> = forms.into_iter().map(form_name).collect();
    let order = match side {
        Side::Above => "a title line, then",
        Side::Below => "then a title line:",
    };
    let n = starts.len();
    let description = match side {
        Side::Above => format!("{order} {}", shapes.join(" or ")),
        Side::Below => format!("{} {order}", shapes.join(" or ")),
    };
    let description = format!(
        "{description}; {n} of {} speaker lines agree{}",
        candidates.len(),
        if n < candidates.len() {
            " (unsure: see the warnings)"
        } else {
            ""
        }
    );
    Layout {
        unsure: n < candidates.len(),
        starts,
        description,
    }
}

pub(super) fn mark_head(nodes: &mut [Node], s: &Start) {
    if let Some(t) = s.title {
        nodes[t].kind = Kind::Title;
    }
    nodes[s.subtitles.clone()]
        .iter_mut()
        .for_each(|n| n.kind = Kind::Subtitle);
    nodes[s.speaker].kind = Kind::Attribution;
}

/// Paragraphs of the page that open with their speaker (see
/// [`opening`]), by node index.
fn openings(nodes: &[Node]) -> Vec<(usize, Opened)> {
    let text = |n: &Node| n.kind == Kind::Text && n.who.is_none();
    let found = nodes.iter().enumerate().filter(|(_, n)| text(n));
    let found = found.filter_map(|(i, n)| opening(&n.text).map(|o| (i, o)));
    // A paragraph naming the one already speaking continues their speech.
    let mut out: Vec<(usize, Opened)> = Vec::new();
    for (i, o) in found {
        if out.last().is_none_or(|(_, p)| p.who.name != o.who.name) {
            out.push((i, o));
        }
    }
    out
}

/// Speeches that open a paragraph with their speaker: the heading right
/// before one titles it and the ones after it (a page of short remarks under
/// topic headings); paragraphs just before one that name its speaker are
/// the reporter's lead into it and start that speech.
pub(super) fn inline_starts(nodes: &mut [Node], findings: &mut Vec<Finding>) -> Layout {
    let opens = openings(nodes);
    if opens.len() < 2 {
        return Layout {
            starts: Vec::new(),
            description: "no speaker lines found (unsure: the page is read as one speech)".into(),
            unsure: true,
        };
    }
    let reported = opens.iter().any(|(_, o)| o.form != Opening::Colon);
    let mut starts = Vec::new();
    let mut topic: Option<usize> = None;
    let mut prev_end = 0;
    for (p, o) in opens {
        let names =
            |n: &Node| n.kind == Kind::Text && n.who.is_none() && n.text.contains(&o.who.name);
        let mut first = p;
        while first > prev_end && names(&nodes[first - 1]) {
            first -= 1;
        }
        if first < p {
            let (a, b) = (nodes[first].line, nodes[p - 1].last);
            let lines = if a == b {
                format!("line {a} names")
            } else {
                format!("lines {a}–{b} name")
            };
            let message = format!(
                "{lines} “{}” just before their remark: read as the start of that speech",
                o.who.name
            );
            warn(findings, a, message);
        }
        if first > prev_end && may_title(&nodes[first - 1]) {
            topic = Some(first - 1);
        }
        findings.push(Finding::Attribution {
            line: nodes[p].line,
            text: o.lead.trim().to_string(),
            speaker: o.who.name.clone(),
            role: o.who.role.clone(),
        });
        let n = &mut nodes[p];
        n.text = o.body;
        n.who = Some((Form::Colon, o.who));
        let own_topic = topic.filter(|&t| t + 1 == first);
        starts.push(Start {
            first: own_topic.unwrap_or(first),
            title: topic,
            given: o.title,
            subtitles: p..p,
            speaker: p,
            body: first,
            reported: o.form != Opening::Colon,
        });
        prev_end = p + 1;
    }
    for s in &starts {
        if let Some(t) = s.title {
            nodes[t].kind = Kind::Title;
        }
    }
    warn_unnamed(nodes, &starts, findings);
    let n = starts.len();
    let description = if reported {
        format!(
            "paragraphs that open with their speaker and a verb of saying \
             (全国人大代表张日红说：“…”, 林毅夫委员在发言中表示，…); {n} speeches"
        )
    } else {
        format!("paragraphs that open with their speaker (刘晓凯委员：…) under topic headings; {n} speeches")
    };
    Layout {
        starts,
        description,
        unsure: false,
    }
}

/// In reported speech, a later paragraph that neither names the speaker
/// nor quotes them may be the reporter's own text: kept, and reported.
fn warn_unnamed(nodes: &[Node], starts: &[Start], findings: &mut Vec<Finding>) {
    for (k, s) in starts.iter().enumerate().filter(|(_, s)| s.reported) {
        let end = match starts.get(k + 1) {
            Some(next) => next.first,
            None => reporter_close(nodes, s),
        };
        let Some((_, who)) = &nodes[s.speaker].who else {
            continue;
        };
        for n in &nodes[s.speaker + 1..end] {
            if n.kind == Kind::Text && !quotes_or_names(&n.text, &who.name) {
                let message = format!(
                    "paragraph names no one and does not quote “{}”: it may be the reporter's \
                     text (kept in that speech)",
                    who.name
                );
                warn(findings, n.line, message);
            }
        }
    }
}

/// Where the reporter's close after the last reported speech begins: the
/// trailing paragraphs (credits between them aside) that neither quote nor
/// name the speaker nor refer to them (他, 她) with a verb of saying
/// (`在接下来的8天里，我省代表将…`). `nodes.len()` when there is none.
pub(super) fn reporter_close(nodes: &[Node], last: &Start) -> usize {
    let Some((_, who)) = nodes[last.speaker].who.as_ref().filter(|_| last.reported) else {
        return nodes.len();
    };
    let mut close = nodes.len();
    for (i, n) in nodes
        .iter()
        .enumerate()
        .skip(last.speaker.max(last.body) + 1)
        .rev()
    {
        match n.kind {
            Kind::Seam => {}
            Kind::Text if !quotes_or_names(&n.text, &who.name) && !refers_back(&n.text) => {
                close = i;
            }
            _ => break,
        }
    }
    close
}

/// A paragraph of reported speech: it quotes, or names its speaker.
fn quotes_or_names(text: &str, name: &str) -> bool {
    text.starts_with(['“', '「']) || text.contains(name)
}

/// The paragraph goes on reporting someone: 他/她 or a verb of saying.
fn refers_back(text: &str) -> bool {
    [
        "他", "她", "说", "說", "表示", "认为", "認為", "建议", "建議", "指出", "谈到", "談到",
    ]
    .iter()
    .any(|w| text.contains(w))
}

/// With no `#` headings on the page, a short standalone line without final
/// punctuation is a heading unless it continues an unfinished paragraph or
/// the next block continues it (starts in lower case).
pub(super) fn mark_plain_headings(nodes: &mut [Node]) {
    // On a page with no other heading or title, a last line like this is a
    // paragraph cut off by the page's end, not a heading with no text.
    let titled = nodes
        .iter()
        .any(|n| matches!(n.kind, Kind::Heading | Kind::Title));
    let last = nodes.iter().rposition(|n| n.kind != Kind::Seam);
    for i in 0..nodes.len() {
        if !titled && Some(i) == last {
            continue;
        }
        let n = &nodes[i];
        // A paragraph that opened with its speaker (`冀国强委员：我们要…`)
        // starts a speech body, however short what is left of it.
        let speech_start = n.who.is_some();
        if n.kind != Kind::Text
            || !n.single
            || speech_start
            || !title_shaped(&n.text)
            || numbered_point(&n.text)
        {
            continue;
        }
        let unfinished = |m: &Node| m.kind == Kind::Text && !ends_sentence(&m.text);
        let continued = |m: &Node| m.kind == Kind::Text && m.text.starts_with(char::is_lowercase);
        let after_open = i > 0 && unfinished(&nodes[i - 1]);
        if !after_open && !nodes.get(i + 1).is_some_and(continued) {
            nodes[i].kind = Kind::Heading;
        }
    }
}
