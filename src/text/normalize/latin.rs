//! Latin letters in Mandarin text: the tokens with a fixed reading (O2O →
//! O to O), initialisms written in lower case made capitals so a voice
//! spells them (atm → ATM, c e o → CEO), and whether a segment without
//! Chinese characters is in another language (has a word that is no unit,
//! currency code or initialism) or a bit of Mandarin text (`3 kg`, `USD 5`,
//! `B2B`).

use super::patterns::Hit;
use super::scan::starts;
use super::words::{CURRENCIES, UNITS, WHITELIST};

/// Initialisms a Mandarin speaker spells letter by letter, whatever case
/// they are written in; none is an English word.
const INITIALISMS: &[&str] = &[
    "ATM", "UFO", "NBA", "CBA", "GPU", "CPU", "CEO", "CFO", "CTO", "COO", "WTO", "MVP", "VIP",
    "IQ", "EQ", "MBA", "EMBA", "GDP", "CPI", "PPI", "PMI", "DIY", "KTV", "USB", "DNA", "SUV",
    "GPS", "CCTV", "NASA", "LED", "LCD", "PVC", "SOS", "PDF", "PPT", "APP", "ICU", "CT", "VR",
    "AR", "AI", "PC", "TV", "PK", "QQ", "NGO", "HIV", "FBI", "CIA",
];

/// Latin tokens a Mandarin segment may hold that are not English words:
/// am/pm, eras and the `x` of 3x.
const MANDARIN_TOKENS: &[&str] = &[
    "am", "pm", "AM", "PM", "ad", "AD", "bc", "BC", "HK", "US", "NT", "vs", "VS",
];

/// A fixed reading (O2O → O to O) or an initialism in capitals at `i`,
/// when the token is whole (no letter or digit glued on either side).
pub(super) fn latin_token(c: &[char], i: usize) -> Hit {
    let whole_at = |e: usize| !c.get(e).is_some_and(|ch| ch.is_ascii_alphanumeric());
    let fixed = WHITELIST.iter().find_map(|(tok, word)| {
        let e = i + tok.chars().count();
        (starts(c, i, tok) && whole_at(e)).then(|| (e, word.to_string()))
    });
    fixed.or_else(|| initialism(c, i))
}

/// `atm`, `Atm` → ATM; `c e o` (letters one by one with spaces) → CEO.
fn initialism(c: &[char], i: usize) -> Hit {
    let word_end = |mut j: usize| {
        while c.get(j).is_some_and(char::is_ascii_alphabetic) {
            j += 1;
        }
        j
    };
    let e = word_end(i);
    let (letters, end) = if e == i + 1 {
        // Single letters separated by single spaces.
        let mut letters = vec![c[i]];
        let mut j = e;
        while c.get(j) == Some(&' ') && word_end(j + 1) == j + 2 {
            letters.push(c[j + 1]);
            j += 2;
        }
        (letters, j)
    } else {
        (c[i..e].to_vec(), e)
    };
    if c.get(end).is_some_and(char::is_ascii_digit) || letters.len() < 2 {
        return None;
    }
    let upper: String = letters.iter().map(char::to_ascii_uppercase).collect();
    let written: String = letters.iter().collect();
    (written != upper && INITIALISMS.contains(&upper.as_str())).then_some((end, upper))
}

/// Does `text` hold a word of another language: two or more Latin letters
/// that are no unit, currency code, initialism, am/pm or era (the fixed
/// tokens, O2O and kin, have no two letters in a row), or any letter of
/// another alphabet (Cyrillic, Greek but µ, kana …)?
pub fn has_foreign_word(text: &str) -> bool {
    let other_alphabet = |c: char| {
        c.is_alphabetic() && !c.is_ascii() && !crate::text::is_han(c) && !"µμ".contains(c)
    };
    if text.chars().any(other_alphabet) {
        return true;
    }
    let known = |w: &str| {
        let upper = w.to_ascii_uppercase();
        UNITS.iter().any(|(u, _)| *u == w)
            || CURRENCIES.iter().any(|(code, _)| *code == w)
            || INITIALISMS.contains(&upper.as_str())
            || MANDARIN_TOKENS.contains(&w)
    };
    text.split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.len() >= 2 && !known(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_words_and_mandarin_tokens() {
        for english in [
            "In 2019, 56% agreed.",
            "iPhone 5s",
            "HDR10",
            "Hello",
            "call 110",
            "В 2019 году",
            "ラジオ 5",
        ] {
            assert!(has_foreign_word(english), "{english}");
        }
        for mandarin in [
            "3 kg",
            "CNY 1.25",
            "B2B",
            "O2O",
            "5G",
            "38°C",
            "1:02:36 am",
            "2934ad",
        ] {
            assert!(!has_foreign_word(mandarin), "{mandarin}");
        }
    }
}
