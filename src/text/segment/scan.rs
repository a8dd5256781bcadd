//! The character scanner both cuts share: one line's characters, its
//! matched quote and bracket spans, and the questions asked of a position
//! (inside a quote? an opening or closing mark?).

use std::ops::Range;

use super::Limit;

/// Marks that stay with the sentence or chunk they close.
pub(super) const CLOSERS: &str = "”’」』）》】〉)]'\"";

/// Marks that open a quote or bracket.
pub(super) const OPENERS: &str = "“‘「『《〈（(【[";

/// Pairs whose inside is never split. ‘’ is left out: ’ doubles as an apostrophe.
pub(super) const PAIRS: [(char, char); 9] = [
    ('“', '”'),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('〈', '〉'),
    ('（', '）'),
    ('(', ')'),
    ('【', '】'),
    ('"', '"'),
];

/// Punctuation that must not start a chunk or follow a boundary.
pub(super) const PUNCT: &str = "。！？!?｡…⋯；：;:，,﹐、.";

pub(super) fn is_punct(c: char) -> bool {
    PUNCT.contains(c)
}

/// A letter or digit of a Latin-script word or number (Han and kana are not).
pub(super) fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_alphabetic() && (c as u32) < 0x2E80)
}

/// Marks that join two word characters into one token: 3.5, 1,000, 10:30, don't, e-mail.
pub(super) fn is_joiner(c: char) -> bool {
    ".,:'’-/_".contains(c)
}

/// One line of text with its characters and matched quote/bracket spans.
pub(super) struct Scan<'a> {
    pub(super) text: &'a str,
    pub(super) chars: Vec<(usize, char)>,
    /// Byte ranges from an opening mark to its matching closing mark, inclusive.
    pub(super) spans: Vec<Range<usize>>,
    /// Index of the first non-whitespace character.
    pub(super) first: usize,
}

impl<'a> Scan<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let first = chars
            .iter()
            .position(|&(_, c)| !c.is_whitespace())
            .unwrap_or(chars.len());
        let spans = matched_pairs(&chars);
        Scan {
            text,
            chars,
            spans,
            first,
        }
    }

    pub(super) fn char_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    pub(super) fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    pub(super) fn inside_span(&self, pos: usize) -> bool {
        self.spans.iter().any(|s| s.start < pos && pos < s.end)
    }

    /// A cut at byte `pos` would split a quote or bracket whose whole text fits.
    pub(super) fn blocked(&self, pos: usize, limit: Limit) -> bool {
        let text = self.text;
        self.spans
            .iter()
            .any(|s| s.start < pos && pos < s.end && limit.fits(&text[s.clone()]))
    }

    pub(super) fn opens_span(&self, i: usize) -> bool {
        let b = self.byte(i);
        self.spans.iter().any(|s| s.start == b)
    }

    pub(super) fn is_opener(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some('"') => self.opens_span(i),
            Some(c) => OPENERS.contains(c),
            None => false,
        }
    }

    pub(super) fn is_closer(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some('"') => !self.opens_span(i),
            Some(c) => CLOSERS.contains(c),
            None => false,
        }
    }

    pub(super) fn skip_closers(&self, mut j: usize) -> usize {
        while self.is_closer(j) {
            j += 1;
        }
        j
    }

    pub(super) fn next_non_space(&self, j: usize) -> Option<char> {
        self.chars[j.min(self.chars.len())..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace())
    }

    pub(super) fn is_digit_at(&self, i: usize) -> bool {
        self.char_at(i).is_some_and(|c| c.is_ascii_digit())
    }
}

/// Byte spans of matched quote/bracket pairs. A closing mark matches the
/// nearest open mark of its kind (openers left unmatched inside are dropped);
/// unmatched marks make no span. An ASCII '"' closes an open '"', else opens.
fn matched_pairs(chars: &[(usize, char)]) -> Vec<Range<usize>> {
    let mut open: Vec<(char, usize)> = Vec::new();
    let mut spans = Vec::new();
    for &(b, c) in chars {
        if let Some(k) = open.iter().rposition(|&(want, _)| want == c) {
            spans.push(open[k].1..b + c.len_utf8());
            open.truncate(k);
        } else if let Some(&(_, close)) = PAIRS.iter().find(|&&(o, _)| o == c) {
            open.push((close, b));
        }
    }
    spans
}
