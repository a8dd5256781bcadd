//! Pinyin with tone digits to Kokoro's Mandarin phoneme symbols.
//!
//! The input is what the Mandarin front end sends (`ni3 hao3`, or a word's
//! syllables together as `yin2hang2`; tone 5 for neutral, `v` for `ü`,
//! sandhi already applied). Each syllable is split
//! into its initial and its strict final (`you` → `iou`, `ju` → `jv`, `gui`
//! → `guei`), each part becomes IPA after the Wikipedia tables, with the
//! tone as one of Kokoro's arrows after the nucleus (`→` 1, `↗` 2, `↓` 3,
//! `↘` 4, none for 5): the same symbols misaki's zh front end gives Kokoro.

/// The IPA of an initial.
fn initial_ipa(initial: &str) -> &'static str {
    match initial {
        "b" => "p",
        "p" => "pʰ",
        "m" => "m",
        "f" => "f",
        "d" => "t",
        "t" => "tʰ",
        "n" => "n",
        "l" => "l",
        "g" => "k",
        "k" => "kʰ",
        "h" => "x",
        "j" => "ʨ",
        "q" => "ʨʰ",
        "x" => "ɕ",
        "zh" => "ꭧ",
        "ch" => "ꭧʰ",
        "sh" => "ʂ",
        "r" => "ɻ",
        "z" => "ʦ",
        "c" => "ʦʰ",
        "s" => "s",
        _ => "",
    }
}

/// A strict final's IPA, `0` where the tone goes; `None` if it is no final.
fn final_ipa(initial: &str, fin: &str) -> Option<&'static str> {
    Some(match fin {
        "i" if matches!(initial, "zh" | "ch" | "sh" | "r" | "z" | "c" | "s") => "ɨ0",
        "a" => "a0",
        "ai" => "ai0",
        "an" => "a0n",
        "ang" => "a0ŋ",
        "ao" => "au0",
        "e" => "ɤ0",
        "ei" => "ei0",
        "en" => "ə0n",
        "eng" => "ə0ŋ",
        "er" => "ɚ0",
        "i" => "i0",
        "ia" => "ja0",
        "ian" => "jɛ0n",
        "iang" => "ja0ŋ",
        "iao" => "jau0",
        "ie" => "je0",
        "in" => "i0n",
        "iou" => "jou0",
        "ing" => "i0ŋ",
        "iong" => "jʊ0ŋ",
        "ong" => "ʊ0ŋ",
        "ou" => "ou0",
        "u" => "u0",
        "ua" => "wa0",
        "uai" => "wai0",
        "uan" => "wa0n",
        "uang" => "wa0ŋ",
        "uei" => "wei0",
        "uen" => "wə0n",
        "ueng" => "wə0ŋ",
        "uo" => "wo0",
        "o" if initial.is_empty() => "ɔ0",
        "o" => "wo0",
        "v" => "y0",
        "ve" => "ɥe0",
        "van" => "ɥɛ0n",
        "vn" => "y0n",
        _ => return None,
    })
}

fn tone_mark(tone: u8) -> &'static str {
    match tone {
        1 => "→",
        2 => "↗",
        3 => "↓",
        4 => "↘",
        _ => "",
    }
}

/// `zhong1` → (`zh`, `ong`, 1); `None` for anything that is not one
/// pinyin syllable with a tone digit.
pub(super) fn split_syllable(syllable: &str) -> Option<(&'static str, String, u8)> {
    let (letters, tone) = syllable.split_at(syllable.char_indices().last()?.0);
    let tone: u8 = tone.parse().ok().filter(|t| (1..=5).contains(t))?;
    let letters = letters.to_ascii_lowercase().replace('ü', "v");
    if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    const INITIALS: [&str; 21] = [
        "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
        "r", "z", "c", "s",
    ];
    // Syllabic nasals (m, n, ng, hm, hng) have no vowel: keep them whole.
    if matches!(letters.as_str(), "m" | "n" | "ng" | "hm" | "hng") {
        return Some(("", letters, tone));
    }
    let initial = INITIALS
        .iter()
        .find(|i| letters.starts_with(*i) && letters.len() > i.len())
        .copied()
        .unwrap_or("");
    let rest = &letters[initial.len()..];
    let fin = match (initial, rest) {
        ("", "yu") => "v".to_owned(),
        ("", r) if r.starts_with("yu") => format!("v{}", &r[2..]),
        ("", "yi" | "yin" | "ying") => rest[1..].to_owned(),
        ("", r) if r.starts_with('y') => format!("i{}", &r[1..]),
        ("", "wu") => "u".to_owned(),
        ("", r) if r.starts_with('w') => format!("u{}", &r[1..]),
        ("j" | "q" | "x", r) if r.starts_with('u') => format!("v{}", &r[1..]),
        (_, "iu") => "iou".to_owned(),
        (_, "ui") => "uei".to_owned(),
        (_, "un") => "uen".to_owned(),
        (_, r) => r.to_owned(),
    };
    final_ipa(initial, &fin)?;
    Some((initial, fin, tone))
}

/// Kokoro's symbols for one syllable (`hao3` → `xau↓`), or `None` if it is
/// not pinyin.
pub(super) fn syllable_phonemes(syllable: &str) -> Option<String> {
    let (initial, fin, tone) = split_syllable(syllable)?;
    let mark = tone_mark(tone);
    let body = match fin.as_str() {
        "m" => "m0".to_owned(),
        "n" => "n0".to_owned(),
        "ng" => "ŋ0".to_owned(),
        "hm" => "hm0".to_owned(),
        "hng" => "hŋ0".to_owned(),
        _ => format!("{}{}", initial_ipa(initial), final_ipa(initial, &fin)?),
    };
    Some(body.replace('0', mark))
}

/// Kokoro's symbols for a word of syllables written together
/// (`yin2hang2` → `i↗nxa↗ŋ`), or `None` if any part is not pinyin.
pub(super) fn word_phonemes(word: &str) -> Option<String> {
    let mut out = String::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if ('1'..='5').contains(&c) {
            out.push_str(&syllable_phonemes(&word[start..=i])?);
            start = i + 1;
        }
    }
    (start == word.len() && start > 0).then_some(out)
}

/// Chinese punctuation as the ASCII marks Kokoro's vocabulary has.
pub(super) fn punctuation(c: char) -> Option<&'static str> {
    Some(match c {
        '、' | '，' | ',' => ",",
        '。' | '．' | '.' => ".",
        '！' | '!' => "!",
        '？' | '?' => "?",
        '：' | ':' => ":",
        '；' | ';' => ";",
        '…' => "…",
        '—' => "—",
        '《' | '「' | '【' | '“' | '«' => "“",
        '》' | '」' | '】' | '”' | '»' => "”",
        '（' | '(' => "(",
        '）' | ')' => ")",
        '"' => "\"",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phonemes(text: &str) -> String {
        text.split(' ')
            .map(|s| syllable_phonemes(s).unwrap_or_else(|| panic!("{s}")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn known_sentences_give_known_phonemes() {
        assert_eq!(phonemes("ni2 hao3"), "ni↗ xau↓");
        assert_eq!(phonemes("zhong1 guo2 ren2 min2"), "ꭧʊ→ŋ kwo↗ ɻə↗n mi↗n");
        assert_eq!(phonemes("shi4 jie4"), "ʂɨ↘ ʨje↘");
        assert_eq!(phonemes("xie4 xie5"), "ɕje↘ ɕje");
        assert_eq!(phonemes("lv4 se4"), "ly↘ sɤ↘");
        assert_eq!(phonemes("yue4 liang4"), "ɥe↘ lja↘ŋ");
        assert_eq!(phonemes("qu4 jun1 xuan3"), "ʨʰy↘ ʨy→n ɕɥɛ↓n");
        assert_eq!(phonemes("you3 wei4 wen4"), "jou↓ wei↘ wə↘n");
        assert_eq!(phonemes("liu2 gui4 lun4"), "ljou↗ kwei↘ lwə↘n");
        assert_eq!(phonemes("zi4 ci2 si1 ri4"), "ʦɨ↘ ʦʰɨ↗ sɨ→ ɻɨ↘");
        assert_eq!(phonemes("er4 bo1 yi1 wu3"), "ɚ↘ pwo→ i→ u↓");
        assert_eq!(phonemes("ying1 yong4"), "i→ŋ jʊ↘ŋ");
    }

    #[test]
    fn a_word_of_syllables_becomes_one_run_of_symbols() {
        assert_eq!(word_phonemes("yin2hang2").as_deref(), Some("i↗nxa↗ŋ"));
        assert_eq!(word_phonemes("hao3").as_deref(), Some("xau↓"));
        for word in ["yin2hang", "yin2x9", "GDP", "5", ""] {
            assert_eq!(word_phonemes(word), None, "{word}");
        }
    }

    #[test]
    fn words_without_a_tone_digit_are_not_pinyin() {
        for word in ["hello", "ni", "hao6", "x1", "3", "", "GDP"] {
            assert_eq!(syllable_phonemes(word), None, "{word}");
        }
    }

    #[test]
    fn chinese_punctuation_becomes_kokoros() {
        assert_eq!(punctuation('，'), Some(","));
        assert_eq!(punctuation('。'), Some("."));
        assert_eq!(punctuation('《'), Some("“"));
        assert_eq!(punctuation('a'), None);
    }
}
