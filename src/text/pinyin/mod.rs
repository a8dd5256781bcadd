//! The Mandarin front end: hanzi to pinyin with tone digits, the readings a
//! Mandarin speaker gives them.
//!
//! Each run of Han characters is cut into words (jieba-rs), each word read
//! from the phrase data where it has a reading of its own (银行 yin2 hang2,
//! 行长 hang2 zhang3), else by its longest phrases and then character by
//! character; then the tone changes of `sandhi` (一, 不, third tone, erhua).
//! Words given a reading in the lexicon (`"重镇" = { pinyin = "…" }`) are
//! taken as given. Everything else (punctuation, Latin words) is kept.
//!
//! Output form (what a pinyin voice is sent): syllables with tone digits
//! 1–5 (5 = neutral), `ü` written `v` (lv4, nve4), separated by spaces;
//! Chinese punctuation kept as the pause cue; Latin words kept as written.
//! Pure: the data is compiled in.

mod dict;
mod marks;
mod sandhi;

pub use marks::tone_marks;

use super::spans::SpanMap;

/// One word of a Han run with its reading.
#[derive(Debug, Clone, PartialEq)]
struct Word {
    chars: Vec<char>,
    /// One per character, fewer after erhua.
    syllables: Vec<String>,
    /// Set by the lexicon: no rule changes it.
    fixed: bool,
}

/// A piece of text and, for Han words, how it is read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reading {
    pub text: String,
    /// Syllables with tone digits; empty for anything that is not Han.
    pub pinyin: Vec<String>,
}

/// Lexicon readings: written word → syllables, longest word first.
pub(super) type Fixed = [(String, Vec<String>)];

/// `text` in pinyin with tone digits (see the module notes); apply Mandarin
/// normalisation first, so that no digit is left to misread.
pub fn pinyin_text(text: &str) -> String {
    render(&readings(text, &[]))
}

/// The sounds of `text`, one per syllable: Han characters as pinyin with
/// tone digits (tone changes applied), every other letter or digit as
/// itself, lower-cased; punctuation and spaces are dropped.
pub fn syllables(text: &str) -> Vec<String> {
    readings(text, &[])
        .into_iter()
        .flat_map(|r| {
            if r.pinyin.is_empty() {
                r.text
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_lowercase)
                    .map(String::from)
                    .collect()
            } else {
                r.pinyin
            }
        })
        .collect()
}

/// `text` as pieces with their readings, lexicon readings first.
pub(super) fn readings(text: &str, fixed: &Fixed) -> Vec<Reading> {
    read(text, fixed, true)
}

/// Words with their dictionary readings, before any tone change.
fn read(text: &str, fixed: &Fixed, tone_changes: bool) -> Vec<Reading> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let is_run = super::is_han(c);
        let end = rest
            .char_indices()
            .find(|&(_, ch)| super::is_han(ch) != is_run)
            .map_or(rest.len(), |(i, _)| i);
        let (run, after) = rest.split_at(end);
        if is_run {
            let mut words = read_run(run, fixed);
            if tone_changes {
                sandhi::apply(&mut words);
            }
            out.extend(words.into_iter().map(|w| Reading {
                text: w.chars.into_iter().collect(),
                pinyin: w.syllables,
            }));
        } else {
            out.push(Reading {
                text: run.to_owned(),
                pinyin: Vec::new(),
            });
        }
        rest = after;
    }
    out
}

/// Syllables separated by spaces, other text as written (whitespace runs
/// become one space), a space wherever a syllable would touch a letter,
/// digit or ASCII punctuation.
pub fn render(readings: &[Reading]) -> String {
    render_with(readings, false)
}

/// As [`render`], the syllables of one word written together
/// (`yin2hang2 hang2zhang3`).
pub fn render_words(readings: &[Reading]) -> String {
    render_with(readings, true)
}

fn render_with(readings: &[Reading], joined: bool) -> String {
    render_mapped(readings, joined).0
}

/// As [`render`] (`joined`: [`render_words`]), with where each stretch of
/// the result came from: a Han character's syllable is a piece, other text
/// is kept character by character, a whitespace run becomes one space
/// (none at either end).
pub(crate) fn render_mapped(readings: &[Reading], joined: bool) -> (String, SpanMap) {
    let mut out = String::new();
    let mut map = SpanMap::default();
    // Whitespace read and not yet written: one space if more text follows.
    let mut pending = 0;
    let flush = |out: &mut String, map: &mut SpanMap, pending: &mut usize| {
        if *pending > 0 {
            let space = usize::from(!out.is_empty());
            if space == 1 {
                out.push(' ');
            }
            map.push(*pending, space);
            *pending = 0;
        }
    };
    let needs_space = |out: &String| {
        out.chars().last().is_some_and(|c| {
            c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '!' | '?' | ';' | ':')
        })
    };
    for reading in readings {
        if reading.pinyin.is_empty() {
            for (n, c) in reading.text.chars().enumerate() {
                if c.is_whitespace() {
                    pending += 1;
                    continue;
                }
                let had_pending = pending > 0;
                flush(&mut out, &mut map, &mut pending);
                if n == 0 && !had_pending && c.is_ascii_alphanumeric() && needs_space(&out) {
                    out.push(' ');
                    map.push(0, 1);
                }
                out.push(c);
                map.keep(1);
            }
            continue;
        }
        flush(&mut out, &mut map, &mut pending);
        // A syllable per character is a piece per character; a word read
        // with fewer (erhua) is one piece.
        let per_char = reading.pinyin.len() == reading.text.chars().count();
        let mut said = 0;
        for (n, syllable) in reading.pinyin.iter().enumerate() {
            if needs_space(&out) && !(joined && n > 0) {
                out.push(' ');
                if n == 0 || per_char {
                    map.push(0, 1);
                } else {
                    said += 1;
                }
            }
            out.push_str(syllable);
            if per_char {
                map.push(1, syllable.chars().count());
            } else {
                said += syllable.chars().count();
            }
        }
        if !per_char {
            map.push(reading.text.chars().count(), said);
        }
    }
    if pending > 0 {
        map.push(pending, 0);
    }
    (out, map)
}

/// For espeak-ng's `cmn-latn-pinyin`, which reads any Latin letters as
/// pinyin: every Latin word (letters not ending in a tone digit) becomes
/// its capital letters one by one, which it spells (LED → L E D).
pub fn spell_latin(pinyin: &str) -> String {
    spell_latin_mapped(pinyin).0
}

/// As [`spell_latin`], with where each stretch came from: a spelled word
/// is one piece.
pub(crate) fn spell_latin_mapped(pinyin: &str) -> (String, SpanMap) {
    let mut out = String::with_capacity(pinyin.len() * 2);
    let mut map = SpanMap::default();
    let chars: Vec<char> = pinyin.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphabetic() {
            out.push(chars[i]);
            map.keep(1);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &chars[start..i];
        let syllable = chars.get(i).is_some_and(|c| ('1'..='5').contains(c))
            && word.iter().all(char::is_ascii_lowercase);
        if syllable {
            out.extend(word);
            map.keep(word.len());
            continue;
        }
        let before = out.len();
        for (n, c) in word.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            out.push(c.to_ascii_uppercase());
        }
        map.push(word.len(), out[before..].chars().count());
    }
    (out, map)
}

fn read_run(run: &str, fixed: &Fixed) -> Vec<Word> {
    let mut words = Vec::new();
    let mut free = String::new();
    let mut rest = run;
    while let Some(c) = rest.chars().next() {
        if let Some((written, syllables)) = fixed.iter().find(|(w, _)| rest.starts_with(w.as_str()))
        {
            read_free(&free, &mut words);
            free.clear();
            words.push(Word {
                chars: written.chars().collect(),
                syllables: syllables.clone(),
                fixed: true,
            });
            rest = &rest[written.len()..];
            continue;
        }
        free.push(c);
        rest = &rest[c.len_utf8()..];
    }
    read_free(&free, &mut words);
    words
}

/// Words that make a 得 standing alone before them the complement marker
/// (走得很快 de5), not the verb (得到 de2).
const DEGREE_WORDS: &[&str] = &[
    "很", "不", "更", "太", "非常", "真", "特别", "十分", "越", "这么", "那么", "好", "极",
];

fn read_free(run: &str, words: &mut Vec<Word>) {
    if run.is_empty() {
        return;
    }
    let cut = dict::words(run);
    for (n, word) in cut.iter().enumerate() {
        let chars: Vec<char> = word.chars().collect();
        let mut syllables = read_word(&chars);
        let next = cut.get(n + 1).copied().unwrap_or("");
        if *word == "得" && n > 0 && DEGREE_WORDS.iter().any(|d| next.starts_with(d)) {
            syllables = vec!["de5".to_owned()];
        }
        words.push(Word {
            chars,
            syllables,
            fixed: false,
        });
    }
}

/// The word's own reading, else its longest phrases left to right, else
/// each character's.
fn read_word(chars: &[char]) -> Vec<String> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let found = (2..=chars.len() - i).rev().find_map(|len| {
            let phrase: String = chars[i..i + len].iter().collect();
            dict::phrase_reading(&phrase).map(|r| (len, r))
        });
        match found {
            Some((len, reading)) => {
                out.extend(reading.split(' ').map(str::to_owned));
                i += len;
            }
            None => {
                let c = chars[i];
                out.push(dict::char_reading(c).map_or_else(|| c.to_string(), str::to_owned));
                i += 1;
            }
        }
    }
    out
}

/// How the front end reads a polyphone test set, beside reading every
/// character by its most common reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolyphoneScore {
    pub total: usize,
    pub correct: usize,
    pub char_only: usize,
}

/// Score lines `sentence with the character marked ▁X▁<TAB>label` (the
/// CPP test set's form; labels in tone digits, lexical tones): the
/// dictionary reading of the marked character in its sentence.
pub fn polyphone_score(tsv: &str) -> PolyphoneScore {
    let mut score = PolyphoneScore {
        total: 0,
        correct: 0,
        char_only: 0,
    };
    for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let Some((marked, label)) = line.split_once('\t') else {
            continue;
        };
        let Some(at) = marked
            .split('▁')
            .next()
            .map(|before| before.chars().count())
        else {
            continue;
        };
        let sentence = marked.replace('▁', "");
        let Some(target) = sentence.chars().nth(at) else {
            continue;
        };
        let mut per_char = Vec::new();
        for piece in read(&sentence, &[], false) {
            let n = piece.text.chars().count();
            if piece.pinyin.len() == n {
                per_char.extend(piece.pinyin.into_iter().map(Some));
            } else {
                per_char.extend(std::iter::repeat_n(None, n));
            }
        }
        score.total += 1;
        score.correct += usize::from(per_char.get(at).cloned().flatten().as_deref() == Some(label));
        score.char_only += usize::from(dict::char_reading(target) == Some(label));
    }
    score
}

#[cfg(test)]
mod tests;
