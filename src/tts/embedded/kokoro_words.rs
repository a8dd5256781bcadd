//! Which word of a Kokoro request each phoneme says, and the words' times
//! from the durations Kokoro's model gives its tokens.
//!
//! The phoneme string is built word by word as `kokoro::phonemes` always
//! built it (the same string, so the same audio), each character noting
//! the word of the request text it says: a pinyin word's phonemes are its
//! own; a run of English words is phonemised by espeak-ng at once (as
//! before: weak forms and links between words depend on it), and each
//! phoneme is given to a word by aligning the run's phonemes with those of
//! each word alone (an edit-distance alignment over the phoneme letters),
//! so `of the` read as one `ʌvðə` still splits between its words.
//! Punctuation and spaces belong to no word: their tokens' time is pause.
//!
//! A word is heard from the start of its first token to the end of its
//! last; token times are the model's durations (units of 600 samples at
//! 24 kHz, already scaled for speed), scaled to the audio the chunk
//! really gave should the two ever differ, then moved earlier by the
//! engine's lead: Kokoro's sound for a token begins before the token's
//! frames do (`KOKORO_LEAD`).

use std::collections::HashMap;
use std::ops::Range;

use super::engine::Failure;
use super::{ipa, pinyin};
use crate::model::ClipWord;

/// The phonemes of a request and, per character of them, its word.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Said {
    pub phonemes: String,
    /// One per char of `phonemes`: the index in `words`, or none.
    pub owner: Vec<Option<usize>>,
    /// Each word's characters in the request text.
    pub words: Vec<Range<usize>>,
}

/// Alignments larger than this (cells) fall back to sharing a run's
/// phonemes by the words' lengths.
const MAX_CELLS: usize = 4_000_000;

impl Said {
    fn push(&mut self, text: &str, owner: Option<usize>) {
        for c in text.chars() {
            self.phonemes.push(c);
            self.owner.push(owner);
        }
    }

    /// A word's phonemes, after a space unless at the start or after an
    /// opening mark.
    fn push_word(&mut self, phonemes: &str, owners: &[Option<usize>]) {
        if !self.phonemes.is_empty() && !self.phonemes.ends_with([' ', '“', '(']) {
            self.push(" ", None);
        }
        for (c, &owner) in phonemes.chars().zip(owners) {
            self.phonemes.push(c);
            self.owner.push(owner);
        }
    }

    fn trimmed(mut self) -> Said {
        let end = self.phonemes.trim_end().chars().count();
        let start = self.phonemes.chars().count() - self.phonemes.trim_start().chars().count();
        self.phonemes = self.phonemes.trim().to_owned();
        self.owner = self.owner[start..end.max(start)].to_vec();
        self
    }
}

/// Kokoro's phonemes for pinyin-and-Latin `text`, word by word.
pub(super) async fn said(text: &str) -> Result<Said, Failure> {
    // Each punctuation mark as a word of its own, each character noting
    // where in the text it came from.
    let mut spaced: Vec<(char, Option<usize>)> = Vec::with_capacity(text.len() + 16);
    for (at, c) in text.chars().enumerate() {
        match pinyin::punctuation(c) {
            Some(mark) => {
                spaced.push((' ', None));
                spaced.extend(mark.chars().map(|m| (m, Some(at))));
                spaced.push((' ', None));
            }
            None => spaced.push((c, Some(at))),
        }
    }
    let mut said = Said {
        phonemes: String::new(),
        owner: Vec::new(),
        words: Vec::new(),
    };
    let mut english: Vec<(String, Range<usize>)> = Vec::new();
    for piece in spaced.split(|(c, _)| c.is_whitespace()) {
        if piece.is_empty() {
            continue;
        }
        let word: String = piece.iter().map(|(c, _)| c).collect();
        let at = piece.iter().filter_map(|(_, at)| *at);
        let range = at.clone().min().unwrap_or(0)..at.max().map_or(0, |a| a + 1);
        if let Some(ps) = pinyin::word_phonemes(&word) {
            flush_english(&mut said, &mut english).await?;
            let index = said.words.len();
            said.words.push(range);
            let owners = vec![Some(index); ps.chars().count()];
            said.push_word(&ps, &owners);
        } else if let Some(mark) = super::kokoro::single_mark(&word) {
            flush_english(&mut said, &mut english).await?;
            said.push(mark, None);
        } else {
            english.push((word, range));
        }
    }
    flush_english(&mut said, &mut english).await?;
    Ok(said.trimmed())
}

async fn flush_english(
    said: &mut Said,
    words: &mut Vec<(String, Range<usize>)>,
) -> Result<(), Failure> {
    if words.is_empty() {
        return Ok(());
    }
    let run: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    let phonemes = ipa::kokoro_english(&ipa::espeak_ipa(&run.join(" "), "en-us", true).await?);
    let alone = if run.len() > 1 {
        let lines = ipa::espeak_ipa_lines(&run, "en-us").await?;
        let lines: Vec<String> = lines.iter().map(|l| ipa::kokoro_english(l)).collect();
        (lines.len() == run.len()).then_some(lines)
    } else {
        None
    };
    let first = said.words.len();
    let owners: Vec<Option<usize>> = attribute(&phonemes, &run, alone.as_deref())
        .into_iter()
        .map(|o| o.map(|i| first + i))
        .collect();
    said.words.extend(words.drain(..).map(|(_, range)| range));
    said.push_word(&phonemes, &owners);
    Ok(())
}

/// A phoneme letter (what alignment compares): not a space, a stress or
/// length mark, a tie or punctuation.
fn is_letter(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, 'ˈ' | 'ˌ' | 'ː' | '^' | '-') && !is_mark(c)
}

fn is_mark(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '!' | '?' | ';' | ':' | '—' | '…' | '“' | '”' | '(' | ')'
    )
}

/// For each char of `phonemes` (a run of `run.len()` words read at once),
/// the index of the word it says, from `alone` (each word's phonemes said
/// alone) when given, else by the words' lengths; spaces and punctuation
/// belong to none.
pub(super) fn attribute(
    phonemes: &str,
    run: &[&str],
    alone: Option<&[String]>,
) -> Vec<Option<usize>> {
    let chars: Vec<char> = phonemes.chars().collect();
    let letters: Vec<usize> = (0..chars.len()).filter(|&i| is_letter(chars[i])).collect();
    let mut of_letter: Vec<usize> = vec![0; letters.len()];
    let reference: Vec<(char, usize)> = alone
        .map(|alone| {
            alone
                .iter()
                .enumerate()
                .flat_map(|(w, p)| p.chars().filter(|&c| is_letter(c)).map(move |c| (c, w)))
                .collect()
        })
        .unwrap_or_default();
    let cells = (letters.len() + 1) * (reference.len() + 1);
    if run.len() > 1 && !reference.is_empty() && cells <= MAX_CELLS {
        let target: Vec<char> = letters.iter().map(|&i| chars[i]).collect();
        of_letter = align(&target, &reference);
    } else if run.len() > 1 {
        // By the words' lengths in letters.
        let sizes: Vec<usize> = run.iter().map(|w| w.chars().count().max(1)).collect();
        let total: usize = sizes.iter().sum();
        let mut bounds = Vec::new();
        let mut sum = 0;
        for size in &sizes {
            sum += size;
            bounds.push(sum * letters.len() / total);
        }
        for (k, word) in of_letter.iter_mut().enumerate() {
            *word = bounds.iter().position(|&b| k < b).unwrap_or(run.len() - 1);
        }
    }
    // Each char of an IPA word takes the word of the next letter in it
    // (stress marks come before their vowel), else of the last.
    let mut owner = vec![None; chars.len()];
    for (k, &i) in letters.iter().enumerate() {
        owner[i] = Some(of_letter[k]);
    }
    let mut next = None;
    for i in (0..chars.len()).rev() {
        if chars[i].is_whitespace() || is_mark(chars[i]) {
            next = None;
        } else if owner[i].is_some() {
            next = owner[i];
        } else {
            owner[i] = next;
        }
    }
    let mut last = None;
    for i in 0..chars.len() {
        if chars[i].is_whitespace() || is_mark(chars[i]) {
            last = None;
        } else if owner[i].is_some() {
            last = owner[i];
        } else {
            owner[i] = last;
        }
    }
    owner
}

/// For each target letter, the word of the reference letter an
/// edit-distance alignment pairs it with (an inserted letter takes the
/// word before it); never decreasing.
fn align(target: &[char], reference: &[(char, usize)]) -> Vec<usize> {
    let (n, m) = (target.len(), reference.len());
    let width = m + 1;
    let mut cost = vec![0u32; (n + 1) * width];
    for (j, cell) in cost.iter_mut().take(width).enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        cost[i * width] = i as u32;
        for j in 1..=m {
            let same = u32::from(target[i - 1] != reference[j - 1].0);
            cost[i * width + j] = (cost[(i - 1) * width + j - 1] + same)
                .min(cost[(i - 1) * width + j] + 1)
                .min(cost[i * width + j - 1] + 1);
        }
    }
    let mut word = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 {
        let here = cost[i * width + j];
        if j > 0
            && here
                == cost[(i - 1) * width + j - 1] + u32::from(target[i - 1] != reference[j - 1].0)
        {
            word[i - 1] = Some(reference[j - 1].1);
            (i, j) = (i - 1, j - 1);
        } else if j > 0 && here == cost[i * width + j - 1] + 1 {
            j -= 1;
        } else {
            i -= 1;
        }
    }
    let mut out = Vec::with_capacity(n);
    let mut current = 0;
    for w in word {
        current = w.unwrap_or(current).max(current);
        out.push(current);
    }
    out
}

/// Whose sound a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Owner {
    /// No word's: punctuation, and the spaces around it (pause).
    Pause,
    /// One of word `n`'s phonemes.
    Word(usize),
    /// The space between two words with no punctuation: the first word
    /// ends where it begins, word `n` begins halfway through it. Kokoro
    /// gives such a space a frame or two, during which the sound passes
    /// from one word to the next: counted wholly to the next word, its
    /// stops' closures came a median 25 to 37 ms after the words' times,
    /// counted to neither 8 to 28 ms before; halfway, within 18 ms either
    /// way (four voices, BENCHMARKS.md §14).
    Onset(usize),
}

impl From<Option<usize>> for Owner {
    fn from(word: Option<usize>) -> Owner {
        word.map_or(Owner::Pause, Owner::Word)
    }
}

/// Token ids for the phonemes with each token's owner, symbols outside the
/// vocabulary dropped, cut into pieces of at most `max` tokens at spaces.
pub(super) fn owned_chunks(
    phonemes: &str,
    owner: &[Option<usize>],
    vocab: &HashMap<char, i64>,
    max: usize,
) -> Vec<Vec<(i64, Owner)>> {
    let mut chunks: Vec<Vec<(i64, Owner)>> = vec![Vec::new()];
    let chars: Vec<(char, Option<usize>)> = phonemes
        .chars()
        .zip(owner.iter().copied().chain(std::iter::repeat(None)))
        .collect();
    for word in chars.split(|(c, _)| *c == ' ') {
        let ids: Vec<(i64, Owner)> = word
            .iter()
            .filter_map(|(c, o)| vocab.get(c).map(|&id| (id, Owner::from(*o))))
            .collect();
        let current = chunks.last_mut().expect("one chunk at least");
        let space = usize::from(!current.is_empty());
        if current.len() + space + ids.len() > max && !current.is_empty() {
            chunks.push(Vec::new());
        }
        let current = chunks.last_mut().expect("one chunk at least");
        if let (Some(&(_, before)), Some(&id)) = (current.last(), vocab.get(&' ')) {
            let owner = match (before, ids.first()) {
                (Owner::Word(_), Some(&(_, Owner::Word(next)))) => Owner::Onset(next),
                _ => Owner::Pause,
            };
            current.push((id, owner));
        }
        current.extend(ids.into_iter().take(max));
    }
    chunks.retain(|c| !c.is_empty());
    chunks
}

/// One inference's part in the clip: each token's word (framing pads
/// excluded), the model's duration for each framed token, and the samples
/// it gave.
pub(super) struct Timed {
    pub owners: Vec<Owner>,
    pub durations: Vec<f32>,
    pub samples: usize,
}

/// How much earlier than its tokens' frames a word of Kokoro v1.0 is
/// heard, in seconds. Measured where a word's onset is unambiguous (a word
/// beginning with a vowel, nasal or fricative after a pause): the sound
/// rises a median 62.5 ms (2.5 frames) before its first token's frame,
/// over 129 such words of four voices, Mandarin and English (from 52 to
/// 80 ms per voice); espeak-ng's and Piper's word events are within 10 ms
/// of the same onsets, so they need none. (hexgrad's own timestamps move
/// a clip's first word 3 frames earlier for the same reason.)
pub(super) const KOKORO_LEAD: f64 = 0.0625;

/// Each word's time in the clip the chunks make, in order, moved `lead`
/// seconds earlier (never before the start of its chunk); a word no token
/// says gets none.
pub(super) fn word_times(
    chunks: &[Timed],
    words: &[Range<usize>],
    rate: u32,
    lead: f64,
) -> Vec<ClipWord> {
    let lead = lead * f64::from(rate);
    let mut spans: Vec<Option<(f64, f64)>> = vec![None; words.len()];
    let mut offset = 0usize;
    for chunk in chunks {
        let units: f64 = chunk.durations.iter().map(|&d| f64::from(d.max(0.0))).sum();
        let scale = if units > 0.0 {
            chunk.samples as f64 / units
        } else {
            0.0
        };
        let mut at = 0.0;
        for (k, &d) in chunk.durations.iter().enumerate() {
            let (start, end) = (at, at + f64::from(d.max(0.0)));
            at = end;
            // Framed: token k of the model is owners[k - 1].
            let (word, start) = match k.checked_sub(1).and_then(|k| chunk.owners.get(k)) {
                Some(&Owner::Word(word)) => (word, start),
                Some(&Owner::Onset(word)) => (word, (start + end) / 2.0),
                _ => continue,
            };
            let at_offset = |t: f64| (offset as f64 + t * scale - lead).max(offset as f64);
            let (start, end) = (at_offset(start), at_offset(end));
            let span = spans[word].get_or_insert((start, end));
            span.1 = end;
        }
        offset += chunk.samples;
    }
    let mut out: Vec<ClipWord> = Vec::new();
    for (range, span) in words.iter().zip(spans) {
        let Some((start, end)) = span else { continue };
        let start = start.round() / f64::from(rate);
        let end = end.round() / f64::from(rate);
        if out
            .last()
            .is_some_and(|w| w.to > range.start || w.end > start)
        {
            continue;
        }
        out.push(ClipWord {
            from: range.start,
            to: range.end,
            start,
            end,
        });
    }
    out
}

#[cfg(test)]
#[path = "kokoro_words_tests.rs"]
mod tests;
