//! Small helpers over a `&[char]` sentence: digit runs, parsed numbers,
//! look-ahead/look-behind for words, and the clause before a position.
//! The matchers use these instead of regular expressions.

use super::words::CLAUSE_END;

/// A number as written: integer digits (thousands commas removed) and an optional fraction.
#[derive(Debug, Clone)]
pub(super) struct Num {
    pub int: String,
    pub frac: Option<String>,
    pub end: usize,
}

/// Full-width digits and letters become ASCII; everything else is kept.
pub(super) fn halfwidth(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

pub(super) fn is_digit_at(c: &[char], i: usize) -> bool {
    c.get(i).is_some_and(char::is_ascii_digit)
}

pub(super) fn is_letter_at(c: &[char], i: usize) -> bool {
    c.get(i).is_some_and(char::is_ascii_alphabetic)
}

/// Char before `i`, if any.
pub(super) fn prev(c: &[char], i: usize) -> Option<char> {
    i.checked_sub(1).map(|p| c[p])
}

/// End of the ASCII digit run starting at `i`.
pub(super) fn run_end(c: &[char], i: usize) -> usize {
    let mut j = i;
    while is_digit_at(c, j) {
        j += 1;
    }
    j
}

pub(super) fn text(c: &[char], a: usize, b: usize) -> String {
    c[a..b].iter().collect()
}

/// A digit run at `i` whose length is within `min..=max`: (its text, its end).
pub(super) fn digits_at(c: &[char], i: usize, min: usize, max: usize) -> Option<(String, usize)> {
    let e = run_end(c, i);
    (e - i >= min.max(1) && e - i <= max).then(|| (text(c, i, e), e))
}

/// Does `c[i..]` start with `word`?
pub(super) fn starts(c: &[char], i: usize, word: &str) -> bool {
    (i..).zip(word.chars()).all(|(j, w)| c.get(j) == Some(&w))
}

pub(super) fn starts_any<'w>(c: &[char], i: usize, words: &[&'w str]) -> Option<&'w str> {
    words.iter().copied().find(|w| starts(c, i, w))
}

/// Does `c[..i]` end with `word`?
pub(super) fn ends(c: &[char], i: usize, word: &str) -> bool {
    let n = word.chars().count();
    n <= i && c[i - n..i].iter().copied().eq(word.chars())
}

pub(super) fn ends_any(c: &[char], i: usize, words: &[&str]) -> bool {
    words.iter().any(|w| ends(c, i, w))
}

/// Up to `max` chars before `i`, stopping at a clause boundary.
pub(super) fn clause_before(c: &[char], i: usize, max: usize) -> String {
    let mut a = i;
    while a > 0 && i - a < max && !CLAUSE_END.contains(&c[a - 1]) {
        a -= 1;
    }
    text(c, a, i)
}

/// Position before `i` after skipping any of `fillers`.
pub(super) fn skip_back(c: &[char], mut i: usize, fillers: &[char]) -> usize {
    while i > 0 && fillers.contains(&c[i - 1]) {
        i -= 1;
    }
    i
}

/// A number at `i`: digits with optional `,ddd` groups and `.digits`; a bare `.5` reads as 0.5.
pub(super) fn parse_num(c: &[char], i: usize) -> Option<Num> {
    let mut int = String::new();
    let mut j = run_end(c, i);
    if j > i {
        int = text(c, i, j);
        if j - i <= 3 {
            while c.get(j) == Some(&',') && run_end(c, j + 1) == j + 4 {
                int += &text(c, j + 1, j + 4);
                j += 4;
            }
        }
    } else if !(c.get(i) == Some(&'.') && is_digit_at(c, i + 1)) {
        return None;
    } else {
        int.push('0');
    }
    let mut frac = None;
    if c.get(j) == Some(&'.') && is_digit_at(c, j + 1) {
        let e = run_end(c, j + 1);
        frac = Some(text(c, j + 1, e));
        j = e;
    }
    Some(Num { int, frac, end: j })
}
