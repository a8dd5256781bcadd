//! Lines of a pasted page: width, how a line ends, joining the pieces of
//! a paragraph, and normalising raw lines (odd spaces, ASCII punctuation
//! beside Chinese text, a credit after a run of spaces).
//!
//! Owns: the character classes and line shapes the other import stages
//! judge by. Leaves alone: what a line means (furniture, speaker, heading).

use super::furniture::furniture;

/// Longest line (in columns, a CJK character counting 2) that can be a
/// heading, subtitle, show title, attribution or furniture line.
pub(super) const SHORT_LINE: usize = 80;

/// Closing quotes and brackets, looked through when judging how a text ends.
pub(super) const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', ']', '】', '》', '"', '\''];
pub(super) const SENTENCE_END: &[char] =
    &['。', '！', '？', '…', '!', '?', '.', '：', ':', '；', ';'];
pub(super) const CLAUSE_END: &[char] = &['，', ',', '、'];
pub(super) const OPENERS: &[char] = &['“', '‘', '「', '『', '（', '(', '[', '【', '《'];

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Width in columns, a CJK character counting 2.
pub(super) fn columns(s: &str) -> usize {
    s.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum()
}

pub(super) fn short(s: &str) -> bool {
    columns(s) <= SHORT_LINE
}

/// Whether a text ends a sentence (looking through closing quotes/brackets).
pub(super) fn ends_sentence(t: &str) -> bool {
    let core = t.trim_end_matches(CLOSERS);
    core.is_empty() || core.ends_with(SENTENCE_END)
}

/// Short and not ending like a sentence or clause: may be a title or heading.
pub(super) fn title_shaped(t: &str) -> bool {
    let core = t.trim_end_matches(CLOSERS);
    short(t) && !ends_sentence(t) && !core.ends_with(CLAUSE_END) && !t.ends_with('-')
}

/// `## Heading` (1 to 6 `#`) → the heading text.
pub(super) fn heading_line(l: &str) -> Option<&str> {
    let rest = l.trim_start_matches('#');
    let hashes = l.len() - rest.len();
    let ok = (1..=6).contains(&hashes) && rest.starts_with(char::is_whitespace);
    Some(rest.trim()).filter(|h| ok && !h.is_empty())
}

/// Join two pieces of one paragraph: no space next to CJK text or brackets,
/// one space between Latin words, `impor-` + `tant` → `important`.
pub(super) fn join(a: &str, b: &str) -> String {
    let (Some(x), Some(y)) = (a.chars().last(), b.chars().next()) else {
        return format!("{a}{b}");
    };
    let stem = &a[..a.len() - x.len_utf8()];
    if x == '-' && y.is_lowercase() && stem.ends_with(char::is_alphabetic) {
        return format!("{stem}{b}");
    }
    let tight = is_cjk(x) || is_cjk(y) || x == '-' || OPENERS.contains(&x);
    if tight || CLOSERS.contains(&y) || ",.;:!?".contains(y) {
        format!("{a}{b}")
    } else {
        format!("{a} {b}")
    }
}

/// Columns of leading padding that mark a paragraph start (`　　` is 4).
pub(super) const INDENT: usize = 2;
/// Runs of at least this many spaces inside a line separate what stands
/// before them from a credit or byline after them.
pub(super) const SPACE_RUN: usize = 3;

/// One raw line after padding is normalised: (line number, text, indented).
pub(super) type Line = (usize, String, bool);

/// Normalise a raw page into lines: non-breaking and other odd spaces
/// become plain ones, ASCII punctuation beside Chinese text becomes full
/// width (`,` → `，`), and a credit after a run of spaces is split off.
/// Returns the lines and the line numbers whose punctuation was changed.
pub(super) fn normalise(text: &str) -> (Vec<Line>, Vec<usize>) {
    let mut out = Vec::new();
    let mut changed = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw: String = raw
            .chars()
            .map(|c| match c {
                '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\t' => ' ',
                '\u{200b}' | '\u{feff}' => '\u{0}',
                c => c,
            })
            .filter(|&c| c != '\u{0}')
            .collect();
        let pad: usize = raw
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(|c| if c == '\u{3000}' { 2 } else { 1 })
            .sum();
        let (line, n) = full_width(raw.trim());
        if n > 0 {
            changed.push(i + 1);
        }
        match split_credit(&line) {
            Some((body, credit)) => {
                out.push((i + 1, body, pad >= INDENT));
                out.push((i + 1, credit, true));
            }
            None => out.push((i + 1, line, pad >= INDENT)),
        }
    }
    (out, changed)
}

/// `正文。      （本报记者 张三 整理）` → the text and the credit.
pub(super) fn split_credit(line: &str) -> Option<(String, String)> {
    let run = " ".repeat(SPACE_RUN);
    let at = line.rfind(&run)?;
    let (body, tail) = (line[..at].trim(), line[at..].trim());
    let ends = ends_sentence(body) && !body.is_empty();
    (ends && furniture(tail).is_some()).then(|| (body.to_string(), tail.to_string()))
}

/// Marks that stand beside Chinese text: ASCII punctuation between two of
/// them (or one and a hanzi) is made full width too.
const WIDE_NEIGHBOURS: &str = "“”‘’「」『』（）《》%";

/// ASCII `, : ; ( ) ! ?` next to Chinese text → full width; returns the
/// count changed. `09:15`, `1,000` and English text are left alone.
pub(super) fn full_width(line: &str) -> (String, usize) {
    let cs: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut n = 0;
    let hanzi = |i: Option<usize>| i.and_then(|i| cs.get(i)).is_some_and(|&c| is_cjk(c));
    // Between Chinese quotes or after `%` (`‘定心丸’,农民`, `65%,有效`).
    let beside = |i: Option<usize>| {
        i.and_then(|i| cs.get(i))
            .is_some_and(|&c| is_cjk(c) || WIDE_NEIGHBOURS.contains(c))
    };
    for (i, &c) in cs.iter().enumerate() {
        let (before, after) = (hanzi(i.checked_sub(1)), hanzi(Some(i + 1)));
        let quoted = beside(i.checked_sub(1)) && beside(Some(i + 1));
        let wide = match c {
            ',' | ':' | ';' | '!' | '?' if before || quoted => Some(match c {
                ',' => '，',
                ':' => '：',
                ';' => '；',
                '!' => '！',
                _ => '？',
            }),
            '(' if before || after => Some('（'),
            ')' if before
                || after
                || cs[..i]
                    .iter()
                    .rev()
                    .take_while(|&&c| c != '(')
                    .any(|&c| is_cjk(c)) =>
            {
                Some('）')
            }
            _ => None,
        };
        match wide {
            Some(w) => {
                out.push(w);
                n += 1;
            }
            None => out.push(c),
        }
    }
    (out, n)
}

/// Whether the page puts one paragraph on each line (a web or Word copy)
/// rather than wrapping paragraphs over several lines: lines followed by
/// another line end a sentence far more often than long lines stop in
/// mid-sentence (short title-shaped lines say nothing either way).
/// Shortest line, in characters, taken as a line of a justified column.
pub(super) const JUSTIFIED: usize = 10;

pub(super) fn one_per_line(lines: &[Line]) -> bool {
    let (mut ended, mut wrapped) = (0, 0);
    for w in lines.windows(2) {
        if w[0].1.is_empty() || w[1].1.is_empty() {
            continue;
        }
        let (t, next) = (&w[0].1, &w[1].1);
        ended += usize::from(ends_sentence(t));
        // A long line stopping mid-sentence, or two unfinished lines of one
        // width (a justified column), is a paragraph wrapped over lines.
        let (a, b) = (t.chars().count(), next.chars().count());
        let justified = a >= JUSTIFIED && a.abs_diff(b) <= 1 && !ends_sentence(next);
        wrapped += usize::from(!ends_sentence(t) && (!short(t) || justified));
    }
    ended >= 2 && ended >= 3 * wrapped
}
