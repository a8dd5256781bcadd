//! Scoring what was heard against what should have been said.
//!
//! Both sides are brought to one form before they are compared: Mandarin
//! loses punctuation and spaces, traditional characters become simplified
//! (OpenCC's tables) and Arabic numerals become spoken Chinese through the
//! normaliser the pipeline hands in (briefcast's own, the one the voices
//! are sent through); then the character error rate is the edit distance
//! over the reference length. English is lower-cased, numbers become words,
//! and the word error rate is computed over words. A transcript that is
//! empty or a loop (what Whisper returns for unintelligible audio) scores 1.
//!
//! Mandarin also gets a syllable error rate: both forms read as toned
//! pinyin and compared syllable by syllable. It forgives homophones
//! (市 and 是 are both shi4), which a transcriber without context writes
//! wrongly but a listener hears rightly, and still counts a wrong tone or
//! a wrong sound, so it tells a voice's mistakes from the transcriber's.

use num2words::{Lang, Num2Words};

pub use crate::util::to_simplified;

/// The language a segment is heard in, from its voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Zh,
    En,
}

impl Language {
    /// The ISO 639-1 code sent to the transcription service.
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }

    /// The measure a score is in: CER for Mandarin, WER for English.
    pub fn measure(self) -> &'static str {
        match self {
            Language::Zh => "CER",
            Language::En => "WER",
        }
    }
}

/// Arabic numerals to spoken Chinese (`2019年` → `二零一九年`).
pub type NormalizeZh = fn(&str) -> String;

/// Mandarin text as its syllables (`柳州` → `liu3`, `zhou1`).
pub type ZhSyllables = fn(&str) -> Vec<String>;

/// The error rate of `heard` against `expected`, in 0..=1.
pub fn score(expected: &str, heard: &str, language: Language, zh: NormalizeZh) -> f64 {
    if is_degenerate(heard) {
        return 1.0;
    }
    let rate = match language {
        Language::Zh => {
            let reference = zh_form(expected, zh);
            let hypothesis = zh_form(heard, zh);
            error_rate(reference, hypothesis)
        }
        Language::En => {
            let reference = en_words(expected);
            let hypothesis = en_words(heard);
            error_rate(reference, hypothesis)
        }
    };
    rate.min(1.0)
}

/// The toned-syllable error rate of a Mandarin transcript, in 0..=1.
pub fn syllable_rate(expected: &str, heard: &str, zh: NormalizeZh, read: ZhSyllables) -> f64 {
    if is_degenerate(heard) {
        return 1.0;
    }
    let sounds = |text: &str| read(&zh_form(text, zh).into_iter().collect::<String>());
    error_rate(sounds(expected), sounds(heard)).min(1.0)
}

fn error_rate<T: PartialEq>(reference: Vec<T>, hypothesis: Vec<T>) -> f64 {
    if reference.is_empty() {
        return if hypothesis.is_empty() { 0.0 } else { 1.0 };
    }
    strsim::generic_levenshtein(&reference, &hypothesis) as f64 / reference.len() as f64
}

/// Mandarin as compared: simplified, numerals spoken, only letters and
/// digits left (Latin lower-cased).
pub fn zh_form(text: &str, zh: NormalizeZh) -> Vec<char> {
    let simplified = to_simplified(text);
    zh(&simplified)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// English as compared: lower-case words, numbers spelled out, hyphens
/// and punctuation gone (apostrophes kept inside words).
pub fn en_words(text: &str) -> Vec<String> {
    let mut spelled = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        spelled.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = number_end(tail);
        spelled.push(' ');
        spelled.push_str(&spell_number(&tail[..end]));
        spelled.push(' ');
        rest = &tail[end..];
    }
    spelled.push_str(rest);
    spelled
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Length of the number at the start of `text`: digits with thousands
/// commas and one decimal point, and a trailing `%`.
fn number_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut end = 0;
    let mut seen_point = false;
    while end < bytes.len() {
        let b = bytes[end];
        let next_digit = bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if b.is_ascii_digit() || (b == b',' && next_digit && !seen_point) {
            end += 1;
        } else if b == b'.' && next_digit && !seen_point {
            seen_point = true;
            end += 1;
        } else {
            break;
        }
    }
    if bytes.get(end) == Some(&b'%') {
        end += 1;
    }
    end
}

/// `2026` → `twenty twenty-six` (four-digit whole numbers read as years),
/// `1,500` → `one thousand five hundred`, `56%` → `fifty-six percent`.
fn spell_number(number: &str) -> String {
    let (digits, percent) = match number.strip_suffix('%') {
        Some(d) => (d, " percent"),
        None => (number, ""),
    };
    let plain: String = digits.chars().filter(|c| *c != ',').collect();
    let year = percent.is_empty()
        && !digits.contains(',')
        && plain.len() == 4
        && (1100..=2099).contains(&plain.parse::<u32>().unwrap_or(0));
    let words = Num2Words::parse(&plain).and_then(|n| {
        let n = n.lang(Lang::English);
        let n = if year { n.year() } else { n.cardinal() };
        n.to_words().ok()
    });
    match words {
        Some(words) => format!("{words}{percent}").replace(" and ", " "),
        None => number.to_owned(),
    }
}

/// What Whisper returns for audio it cannot follow: nothing at all, or the
/// same short piece over and over (often digits).
pub fn is_degenerate(heard: &str) -> bool {
    let chars: Vec<char> = heard.chars().filter(|c| c.is_alphanumeric()).collect();
    if chars.is_empty() {
        return true;
    }
    // A loop: some piece of up to 8 characters said at least three times
    // over, back to back, through four fifths of a transcript of 12 or
    // more characters.
    let n = chars.len();
    if n >= 12 {
        for unit in (1..=8).filter(|unit| n >= 3 * unit) {
            let repeats = chars
                .windows(unit * 2)
                .filter(|w| w[..unit] == w[unit..])
                .count();
            if repeats * 5 >= (n + 1 - 2 * unit) * 4 {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{normalize_zh, syllables};

    fn zh(expected: &str, heard: &str) -> f64 {
        score(expected, heard, Language::Zh, normalize_zh)
    }
    fn en(expected: &str, heard: &str) -> f64 {
        score(expected, heard, Language::En, normalize_zh)
    }

    #[test]
    fn identical_mandarin_scores_zero_whatever_the_punctuation_and_spaces() {
        assert_eq!(zh("你好，今天天气很好。", "你好 今天天气很好"), 0.0);
        assert_eq!(zh("“民族团结”进步！", "民族团结进步"), 0.0);
    }

    #[test]
    fn traditional_characters_count_as_their_simplified_forms() {
        assert_eq!(zh("民族团结进步新篇章", "民族團結進步新篇章"), 0.0);
        assert_eq!(zh("这个国家的经济发展", "這個國家的經濟發展"), 0.0);
    }

    #[test]
    fn numerals_in_the_transcript_are_read_as_the_voice_read_them() {
        // Years digit by digit, percentages, decimals.
        assert_eq!(zh("2019年", "二零一九年"), 0.0);
        assert_eq!(zh("二零一九年", "2019年"), 0.0);
        assert_eq!(zh("占56.66%", "占百分之五十六点六六"), 0.0);
        assert_eq!(zh("占百分之五十六点六六", "占56.66%"), 0.0);
        assert_eq!(zh("有2个自治县", "有两个自治县"), 0.0);
    }

    #[test]
    fn character_errors_count_against_the_reference_length() {
        // One substitution in ten characters.
        let cer = zh("民族团结进步新篇章啊", "民族团结进步新篇张啊");
        assert!((cer - 0.1).abs() < 1e-9, "{cer}");
        // A different sentence shares nearly nothing.
        assert!(zh("民族团结进步新篇章", "今天下雨了吗") > 0.8);
    }

    #[test]
    fn the_syllable_rate_forgives_homophones_but_not_wrong_tones_or_sounds() {
        let rate = |expected, heard| syllable_rate(expected, heard, normalize_zh, syllables);
        // 市 and 是, 县 and 线: the same sounds, other characters.
        let (expected, heard) = ("柳州市有两个自治县", "柳州是有两个自治线");
        assert!(zh(expected, heard) > 0.2);
        assert_eq!(rate(expected, heard), 0.0);
        // 重镇 zhong4 zhen4 heard as 重整 zhong4 zheng3: one syllable of six.
        let wrong = rate("工业重镇柳州", "工业重整柳州");
        assert!((wrong - 1.0 / 6.0).abs() < 1e-9, "{wrong}");
        // Numerals and traditional characters as in the CER.
        assert_eq!(rate("2019年全市", "二零一九年全市"), 0.0);
        assert_eq!(rate("民族团结", "民族團結"), 0.0);
        assert_eq!(rate("你好，今天天气很好。", ""), 1.0);
    }

    #[test]
    fn nothing_or_a_loop_scores_one() {
        assert_eq!(zh("你好，今天天气很好。", ""), 1.0);
        assert_eq!(zh("你好，今天天气很好。", " ，。 "), 1.0);
        assert_eq!(zh("你好，今天天气很好。", "第3,3,4,3,4,3,4,3,4,3,4,3"), 1.0);
        assert_eq!(en("Hello there.", "the the the the the the the the"), 1.0);
        assert!(!is_degenerate("民族团结进步新篇章今天下雨了吗"));
        assert!(!is_degenerate(
            "The quick brown fox jumps over the lazy dog."
        ));
    }

    #[test]
    fn english_ignores_case_and_punctuation_and_spells_numbers() {
        assert_eq!(en("The quick brown fox.", "the Quick, brown fox"), 0.0);
        assert_eq!(en("In twenty twenty-six, we met.", "In 2026 we met."), 0.0);
        assert_eq!(en("fifty-six percent agreed", "56% agreed"), 0.0);
        assert_eq!(en("one thousand five hundred people", "1,500 people"), 0.0);
        assert_eq!(en("three point five", "3.5"), 0.0);
        assert_eq!(en("Don't stop", "don't stop."), 0.0);
    }

    #[test]
    fn word_errors_count_against_the_reference_words() {
        let wer = en("the quick brown fox", "the quick brown box");
        assert!((wer - 0.25).abs() < 1e-9, "{wer}");
        assert_eq!(
            en("the quick brown fox", "an entirely other thing said"),
            1.0
        );
    }
}
