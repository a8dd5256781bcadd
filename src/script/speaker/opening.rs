//! Paragraphs that open with their speaker: `张伟委员：…` (a colon),
//! `全国人大代表张日红说：“…”` (reported speech, the words of attribution
//! not read) and `委员戴北方在发言中…` (a paragraph about the speech).

use super::traditional::fold;
use super::{has_title_word, inline_speaker, is_hanzi, split_who, Speaker};

/// How a paragraph names the speaker it opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// `刘晓凯委员：报告具有…`: the text after the colon is theirs.
    Colon,
    /// `全国人大代表张日红说：“…”`, `林毅夫委员在发言中表示，…`,
    /// `“…”，全国人大代表杨天夫说，“…”`: reported speech; the words of
    /// attribution are not read.
    Reported,
    /// `委员戴北方在发言中“解码”了…`, `委员刘永好以“…”为题进行大会发言。`:
    /// the paragraph is about their speech and is read whole.
    Named,
}

/// A paragraph that opens with its speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub who: Speaker,
    pub form: Opening,
    /// The words that name the speaker, as printed.
    pub lead: String,
    /// What is read: the paragraph without the words of attribution.
    pub body: String,
    /// A title the paragraph gives the speech (`以“…”为题`).
    pub title: Option<String>,
}

/// Verbs of saying that end a reported-speech attribution.
pub(super) const SAYING: &[&str] = &[
    "告诉记者",
    "表示",
    "认为",
    "指出",
    "建议",
    "强调",
    "谈到",
    "谈道",
    "介绍",
    "坦言",
    "呼吁",
    "说",
];

/// Words between a speaker and the verb of saying (`在发言中表示`).
const FILLERS: &[&str] = &[
    "在大会发言中",
    "在发言中",
    "在发言时",
    "在会上",
    "发言时",
    "发言",
    "激动地",
    "对记者",
    "接着",
    "则",
    "也",
    "还",
];

/// Name-shaped words that are groups, not people (`全体委员表示`).
const NOT_NAMES: &[&str] = &[
    "全体", "全国", "与会", "部分", "各位", "多位", "广大", "不少", "许多", "一些", "有的", "其他",
    "基层",
];

/// `说，`, `在发言中表示，`, `代表民革中央发言说，`: the bytes of the
/// attribution after the speaker, through its comma or colon, and the body
/// they spoke for (`民革中央`), if any.
fn said(tail: &str) -> Option<(usize, Option<&str>)> {
    let (mut rest, mut on_behalf) = (tail, None);
    if let Some(r) = FILLERS.iter().find_map(|f| rest.strip_prefix(f)) {
        rest = r;
    } else if let Some(r) = rest.strip_prefix("代表") {
        // `代表民革中央发言说`: speaking for a body.
        let at = r.find("发言").filter(|&at| r[..at].chars().count() <= 12)?;
        let body = &r[..at];
        if body.is_empty() || body.chars().any(|c| !is_hanzi(c)) {
            return None;
        }
        on_behalf = Some(body);
        rest = &r[at + "发言".len()..];
    }
    let verb = SAYING.iter().find(|v| rest.starts_with(*v))?;
    rest = &rest[verb.len()..];
    let punct = rest.chars().next()?;
    let used = tail.len() - rest.len();
    match punct {
        '，' | '：' | ',' | ':' | '。' => Some((used + punct.len_utf8(), on_behalf)),
        '“' => Some((used, on_behalf)),
        _ => None,
    }
}

/// `在发言中“解码”了…`, `以“…”为题进行大会发言`: a paragraph about the
/// speaker's speech.
fn named(tail: &str) -> bool {
    ["在发言中", "在大会发言中", "以“"]
        .iter()
        .any(|p| tail.starts_with(p))
}

/// Longest speaker part of a reported-speech opening, in characters.
const MAX_OPENING: usize = 40;

/// The speaker and the length of the words naming them at the start of
/// `f` (folded): the shortest prefix that splits into a titled name and is
/// followed by words of saying.
fn reported(f: &str) -> Option<(Speaker, usize, Opening)> {
    for (i, _) in f.char_indices().skip(2).take(MAX_OPENING) {
        let (who, tail) = f.split_at(i);
        if !has_title_word(who) {
            continue;
        }
        let Some(s) = split_who(who).filter(|s| s.role.is_some()) else {
            continue;
        };
        if NOT_NAMES.contains(&s.name.as_str()) {
            continue;
        }
        if let Some((n, on_behalf)) = said(tail) {
            // `田红旗委员代表民革中央发言说`: the body spoken for joins the title.
            let role = match (s.role, on_behalf) {
                (Some(r), Some(b)) => Some(format!("{r}，代表{b}")),
                (r, _) => r,
            };
            let s = Speaker { role, ..s };
            return Some((s, i + n, Opening::Reported));
        }
        if named(tail) {
            return Some((s, i, Opening::Named));
        }
    }
    None
}

/// `以“积极投身乡村振兴实践”为题` → the title inside the quotes.
fn given_title(orig: &str, folded: &str) -> Option<String> {
    let open = folded.find("以“")? + "以“".len();
    let close = open + folded[open..].find("”为题")?;
    Some(orig[open..close].trim().to_string()).filter(|t| !t.is_empty())
}

/// A paragraph that opens with its speaker, in any of the forms of
/// [`Opening`]. The speaker must carry a title word, so `实践证明：…` and
/// `林毅夫认为，…` (a speaker already named) open nothing.
pub fn opening(paragraph: &str) -> Option<Opened> {
    if let Some((who, body)) = inline_speaker(paragraph) {
        let lead = paragraph[..paragraph.len() - body.len()].trim().to_string();
        let (form, body, title) = (Opening::Colon, body.to_string(), None);
        return Some(Opened {
            who,
            form,
            lead,
            body,
            title,
        });
    }
    let folded = fold(paragraph);
    // `“…”，全国人大代表杨天夫说，“…”`: the attribution after a first quote.
    let quote_end = folded
        .starts_with('“')
        .then(|| folded.find('”').map(|at| at + '”'.len_utf8()))
        .flatten();
    let after_quote = quote_end.map(|q| {
        let comma = folded[q..]
            .chars()
            .next()
            .filter(|c| matches!(c, '，' | ','));
        q + comma.map_or(0, char::len_utf8)
    });
    let at = after_quote.unwrap_or(0);
    let (who, n, form) = reported(&folded[at..])?;
    let lead = paragraph[at..at + n].to_string();
    // `“…”，全国人大代表高环说。`: the attribution closes the quote's sentence.
    let closing = lead.ends_with('。');
    if quote_end.is_some() && form != Opening::Reported || closing && quote_end.is_none() {
        return None;
    }
    let body = match (form, quote_end) {
        (Opening::Named, _) => paragraph.to_string(),
        (_, Some(q)) if closing => format!("{}{}", &paragraph[..q], &paragraph[at + n..]),
        (_, Some(_)) => format!("{}{}", &paragraph[..at], &paragraph[at + n..]),
        _ => paragraph[n..].to_string(),
    };
    let title = (form == Opening::Named)
        .then(|| given_title(paragraph, &folded))
        .flatten();
    let who = who.restored(paragraph, &folded);
    Some(Opened {
        who,
        form,
        lead,
        body,
        title,
    })
}
