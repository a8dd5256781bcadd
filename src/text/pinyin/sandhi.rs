//! Tone changes as a Mandarin speaker makes them, applied to dictionary
//! readings: 一 and 不 before other tones, third-tone sandhi inside a word
//! and onto a one-syllable neighbour, and erhua (花儿 → huar1).
//!
//! Words whose reading was set in the lexicon are left exactly as given.

use super::Word;

/// Characters that make a neighbouring 一 part of a number (read yi1).
const NUMERALS: &str = "零〇一二三四五六七八九十百千万亿两点第";
/// Digits: 一 right before one of them is read yi1 (一九九八, 一一).
const DIGITS: &str = "零〇一二三四五六七八九";
/// Words ending in 儿 where 儿 is a syllable of its own.
const NOT_ERHUA: &[&str] = &[
    "女儿",
    "男儿",
    "婴儿",
    "幼儿",
    "孤儿",
    "健儿",
    "胎儿",
    "患儿",
    "少儿",
    "小儿",
    "老儿",
    "混血儿",
    "宠儿",
    "弃儿",
    "育儿",
    "托儿",
    "乳儿",
    "新生儿",
    "孩儿",
    "犬儿",
    "儿儿",
];

pub(super) fn tone(syllable: &str) -> Option<u8> {
    let last = syllable.bytes().last()?;
    if (b'1'..=b'5').contains(&last) {
        Some(last - b'0')
    } else {
        None
    }
}

fn with_tone(syllable: &str, tone: u8) -> String {
    let body = &syllable[..syllable.len() - 1];
    format!("{body}{tone}")
}

/// Apply every rule to the words of one run of Han characters.
pub(super) fn apply(words: &mut [Word]) {
    yi_bu(words);
    third_tone(words);
    erhua(words);
}

/// (word, syllable) positions of the run, in order.
fn positions(words: &[Word]) -> Vec<(usize, usize)> {
    words
        .iter()
        .enumerate()
        .flat_map(|(w, word)| (0..word.chars.len()).map(move |i| (w, i)))
        .collect()
}

fn yi_bu(words: &mut [Word]) {
    let at = positions(words);
    for (k, &(w, i)) in at.iter().enumerate() {
        let c = words[w].chars[i];
        if words[w].fixed || !matches!(c, '一' | '不') {
            continue;
        }
        let prev = k.checked_sub(1).map(|p| at[p]);
        let next = at.get(k + 1).copied();
        let prev_char = prev.map(|(pw, pi)| words[pw].chars[pi]);
        let next_char = next.map(|(nw, ni)| words[nw].chars[ni]);
        let next_tone = next.and_then(|(nw, ni)| tone(&words[nw].syllables[ni]));
        let reduplicated = prev_char.is_some() && prev_char == next_char;
        let syllable = &words[w].syllables[i];
        let changed = if c == '不' {
            if syllable != "bu4" {
                continue;
            }
            match next_tone {
                _ if reduplicated => 5,
                Some(4) => 2,
                _ => 4,
            }
        } else {
            if syllable != "yi1" {
                continue;
            }
            let in_number = prev_char.is_some_and(|p| NUMERALS.contains(p))
                || next_char.is_some_and(|n| DIGITS.contains(n));
            let word_final = i + 1 == words[w].chars.len() && words[w].chars.len() > 1;
            match next_tone {
                _ if in_number || word_final => 1,
                None => 1,
                _ if reduplicated => 5,
                Some(4) | Some(5) => 2,
                Some(_) => 4,
            }
        };
        words[w].syllables[i] = with_tone(syllable, changed);
    }
}

fn third_tone(words: &mut [Word]) {
    for word in words.iter_mut().filter(|w| !w.fixed) {
        // In each run of third tones, all but the last become second.
        let n = word.syllables.len();
        let mut i = 0;
        while i < n {
            let mut j = i;
            while j < n && tone(&word.syllables[j]) == Some(3) {
                j += 1;
            }
            if j > i + 1 {
                for syllable in &mut word.syllables[i..j - 1] {
                    *syllable = with_tone(syllable, 2);
                }
            }
            i = j.max(i + 1);
        }
    }
    // Across a boundary when one side is a single syllable, right to left
    // (我很好 → wo3 hen2 hao3).
    for w in (0..words.len().saturating_sub(1)).rev() {
        let (left, right) = words.split_at_mut(w + 1);
        let (a, b) = (&mut left[w], &right[0]);
        if a.fixed || (a.syllables.len() > 1 && b.syllables.len() > 1) {
            continue;
        }
        let (Some(last), Some(first)) = (a.syllables.last(), b.syllables.first()) else {
            continue;
        };
        if tone(last) == Some(3) && tone(first) == Some(3) {
            let changed = with_tone(last, 2);
            *a.syllables.last_mut().expect("not empty") = changed;
        }
    }
}

fn erhua(words: &mut [Word]) {
    for word in words.iter_mut().filter(|w| !w.fixed) {
        let n = word.chars.len();
        if n < 2 || word.chars[n - 1] != '儿' || word.syllables.len() != n {
            continue;
        }
        let text: String = word.chars.iter().collect();
        if NOT_ERHUA.iter().any(|w| text.ends_with(w)) {
            continue;
        }
        let er = &word.syllables[n - 1];
        let prev = &word.syllables[n - 2];
        if !matches!(er.as_str(), "er2" | "er5") || prev.starts_with("er") {
            continue;
        }
        let Some(t) = tone(prev) else { continue };
        let merged = format!("{}r{t}", &prev[..prev.len() - 1]);
        word.syllables[n - 2] = merged;
        word.syllables.pop();
    }
}
