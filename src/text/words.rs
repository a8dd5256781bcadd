//! A segment's words, the units a read-along lights up: Han words as the
//! Mandarin front end cuts them (jieba), every other run of letters or
//! digits as one word; each with the written text it shows, the spoken
//! text it is heard as, the stretch of the text the voice is sent that
//! says it, and its pinyin.
//!
//! The stages that rewrite text record where each stretch came from
//! ([`SpanMap`]); a word is found in the spoken form and taken back
//! through them. Words that come from one rewritten stretch are one word:
//! `2019年` read 二零一九年 shows as written, with the reading's pinyin.

use std::ops::Range;

use super::normalize::normalize_zh_mapped;
use super::pinyin::{readings as read_pinyin, render_mapped, spell_latin_mapped};
use super::spans::SpanMap;
use super::{has_foreign_word, is_han, Form, Lexicon, Normalize};
use crate::model::SegmentWord;

/// The words of `written` as a voice with these settings says it.
pub fn segment_words(
    written: &str,
    normalize: Normalize,
    form: Form,
    lexicon: &Lexicon,
) -> Vec<SegmentWord> {
    let mandarin = written.chars().any(is_han) || !has_foreign_word(written);
    let (normalised, normalising) = match normalize {
        Normalize::Zh if mandarin => normalize_zh_mapped(written),
        _ => (
            written.to_owned(),
            SpanMap::identity(written.chars().count()),
        ),
    };
    let (spoken, lexicon_map) = lexicon.apply_mapped(&normalised);
    let to_written = normalising.then(&lexicon_map);
    let readings = read_pinyin(&spoken, lexicon.readings());
    let to_sent = match form {
        Form::Hanzi => SpanMap::identity(spoken.chars().count()),
        Form::PinyinWords => render_mapped(&readings, true).1,
        Form::Pinyin => {
            let (rendered, rendering) = render_mapped(&readings, false);
            rendering.then(&spell_latin_mapped(&rendered).1)
        }
    };
    let spoken_chars: Vec<char> = spoken.chars().collect();
    let written_chars: Vec<char> = written.chars().collect();
    // Where a rewritten stretch begins or ends, a word does too.
    let edges: Vec<usize> = to_written
        .rewritten(&written_chars, &spoken_chars)
        .into_iter()
        .flat_map(|r| [r.start, r.end])
        .collect();
    let mut words: Vec<(SegmentWord, Range<usize>)> = Vec::new();
    let mut at = 0;
    for reading in &readings {
        let len = reading.text.chars().count();
        let found = if reading.pinyin.is_empty() {
            runs(&spoken_chars[at..at + len])
                .into_iter()
                .map(|r| (at + r.start..at + r.end, Vec::new()))
                .collect()
        } else {
            cut_at(at..at + len, &reading.pinyin, &edges)
        };
        for (range, pinyin) in found {
            let word = SegmentWord {
                written: to_written.source(range.clone()),
                spoken: String::new(),
                sent: to_sent.target(range.clone()),
                pinyin,
            };
            match words.last_mut() {
                Some((last, said))
                    if word.written.start < last.written.end || word.written.is_empty() =>
                {
                    last.written.end = last.written.end.max(word.written.end);
                    last.sent.end = last.sent.end.max(word.sent.end);
                    last.pinyin.extend(word.pinyin);
                    said.end = range.end;
                }
                _ => words.push((word, range)),
            }
        }
        at += len;
    }
    words
        .into_iter()
        .map(|(mut word, said)| {
            word.spoken = spoken_chars[said].iter().collect();
            word
        })
        .filter(|word| !word.written.is_empty())
        .collect()
}

/// A Han word cut where a rewritten stretch begins or ends (jieba reads
/// 有十到二十 as 有十 到 二十, but 有 was written and 十 was `10`), its
/// syllables with it; a word read with fewer syllables than characters
/// (erhua) stays whole.
fn cut_at(
    word: Range<usize>,
    pinyin: &[String],
    edges: &[usize],
) -> Vec<(Range<usize>, Vec<String>)> {
    let mut cuts: Vec<usize> = edges
        .iter()
        .copied()
        .filter(|&e| word.start < e && e < word.end)
        .collect();
    if cuts.is_empty() || pinyin.len() != word.len() {
        return vec![(word, pinyin.to_vec())];
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.push(word.end);
    let mut start = word.start;
    cuts.into_iter()
        .map(|end| {
            let piece = (
                start..end,
                pinyin[start - word.start..end - word.start].to_vec(),
            );
            start = end;
            piece
        })
        .collect()
}

/// The runs of letters and digits in `chars` (an apostrophe between two
/// letters, a point or comma between two digits, stays inside a run).
fn runs(chars: &[char]) -> Vec<Range<usize>> {
    let inside = |i: usize| {
        let c = chars[i];
        if c.is_alphanumeric() {
            return true;
        }
        let (Some(&before), Some(&after)) = (
            i.checked_sub(1).and_then(|b| chars.get(b)),
            chars.get(i + 1),
        ) else {
            return false;
        };
        (matches!(c, '\'' | '’') && before.is_alphabetic() && after.is_alphabetic())
            || (matches!(c, '.' | ',') && before.is_ascii_digit() && after.is_ascii_digit())
    };
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..chars.len() {
        match (inside(i), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..chars.len());
    }
    out
}

#[cfg(test)]
mod tests;
