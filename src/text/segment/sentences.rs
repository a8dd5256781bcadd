//! Splitting a paragraph into sentences (zh_text.md §6.2): where a run of
//! terminators ends a sentence, and where a '.' or an ellipsis does not.

use super::scan::{is_punct, Scan};

/// Marks that end a sentence; a run of them is one boundary. ASCII '.' is handled apart.
const TERMINATORS: &str = "。！？!?｡";

/// Ellipsis marks: a soft end (see `Scan::ellipsis_ends`).
const ELLIPSES: &str = "…⋯";

/// English abbreviations that a '.' does not end (dotted ones like e.g. and U.S. are found by shape).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "No", "Fig", "Jan", "Feb", "Mar",
    "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/// Split one paragraph into sentences following zh_text.md §6.2 (Chinese and English terminators; clusters like ？！ or !!! are one boundary; closing marks ” ’ 』 」 ） 》 】 ) " ' after a terminator stay left; never split inside 《》 「」 “…” or () ; an ASCII '.' between digits (decimals, 6.1%) never splits; 。 followed by a digit still ends a sentence; …… is not a hard end; a newline always splits). Returns trimmed, non-empty sentences whose concatenation (ignoring whitespace trimmed at the boundaries) is the input.
pub fn split_sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in paragraph.lines() {
        let scan = Scan::new(line);
        let (mut start, mut i) = (0, 0);
        while i < scan.chars.len() {
            let Some((end, ends)) = scan.terminator_cluster(i) else {
                i += 1;
                continue;
            };
            let pos = scan.byte(end);
            if ends && !scan.inside_span(pos) {
                push_trimmed(&mut out, &line[start..pos]);
                start = pos;
            }
            i = end;
        }
        push_trimmed(&mut out, &line[start..]);
    }
    out
}

fn push_trimmed(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s.to_string());
    }
}

impl Scan<'_> {
    fn is_terminator(&self, i: usize) -> bool {
        match self.char_at(i) {
            Some('.') => !(i > 0 && self.is_digit_at(i - 1) && self.is_digit_at(i + 1)),
            Some(c) => TERMINATORS.contains(c) || ELLIPSES.contains(c),
            None => false,
        }
    }

    /// If a run of terminators starts at `i`: the index after it and its
    /// closing marks, and whether a sentence ends there (before any check
    /// that the end lies outside quotes).
    pub(super) fn terminator_cluster(&self, i: usize) -> Option<(usize, bool)> {
        if !self.is_terminator(i) {
            return None;
        }
        let mut run_end = i;
        while self.is_terminator(run_end) {
            run_end += 1;
        }
        let end = self.skip_closers(run_end);
        // A leading mark, or a quoted one such as “。”, ends nothing.
        if i <= self.first || self.is_opener(i - 1) {
            return Some((end, false));
        }
        let run = &self.text[self.byte(i)..self.byte(run_end)];
        let ends = if run == "." {
            self.period_ends(i, end)
        } else if run.chars().all(|c| c == '.' || ELLIPSES.contains(c)) {
            self.ellipsis_ends(end)
        } else {
            true
        };
        Some((end, ends))
    }

    /// An ellipsis is a soft end: it ends a sentence (as LTP does) only when
    /// something other than punctuation or a lower-case word follows.
    fn ellipsis_ends(&self, end: usize) -> bool {
        !self
            .next_non_space(end)
            .is_some_and(|c| c.is_ascii_lowercase() || is_punct(c))
    }

    /// An ASCII '.' at `i` (closing marks up to `end`) ends a sentence when
    /// followed by the end, by Han text, or by a space and a word that is not
    /// lower case, unless it closes an abbreviation or an initial.
    fn period_ends(&self, i: usize, end: usize) -> bool {
        match self.char_at(end) {
            None => true,
            Some(c) if c.is_whitespace() => {
                !self
                    .next_non_space(end)
                    .is_some_and(|c| c.is_ascii_lowercase())
                    && !self.abbreviation_before(i)
            }
            Some(c) => !c.is_ascii() && !is_punct(c),
        }
    }

    fn abbreviation_before(&self, i: usize) -> bool {
        let start = (0..i)
            .rev()
            .take_while(|&k| self.chars[k].1.is_ascii_alphabetic() || self.chars[k].1 == '.')
            .last()
            .unwrap_or(i);
        let word = &self.text[self.byte(start)..self.byte(i)];
        word.contains('.')
            || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()))
            || ABBREVIATIONS.contains(&word)
    }
}
