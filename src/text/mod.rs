//! Text: from a paragraph as written to the segments a voice will say.
//!
//! Pure functions only (no IO, no async): sentence segmentation and cutting
//! to a service's length limit, Mandarin normalisation (digits, dates,
//! percentages and units into words), the pronunciation lexicon, ASCII
//! slugs for file names, and the plan of an episode from its speeches
//! (segment ids, pauses, announcements), given each voice's settings as
//! plain values. It knows nothing of services, files, configuration or audio.

mod episode_plan;
mod normalize;
mod pinyin;
mod pronounce;
mod segment;
mod slug;
mod spans;
mod words;

pub use episode_plan::{plan_episode, Announcements, PlanVoice, Voicing};
pub use normalize::{has_foreign_word, normalize_zh};
pub use pinyin::{
    pinyin_text, polyphone_score, render as render_readings, render_words, spell_latin, syllables,
    tone_marks, PolyphoneScore, Reading,
};
pub use pronounce::{Entry, Lexicon};
pub use segment::{fit_to_limit, segment_paragraph, split_sentences, Limit};
pub use slug::{is_valid_slug, slugify};
pub use words::segment_words;

/// How a voice wants its text prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalize {
    /// Mandarin newsreader readings of digits, dates, percentages and units.
    Zh,
    /// Send the text as written (the service normalises by itself).
    None,
}

/// How Mandarin reaches a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Characters (after normalisation and the lexicon).
    Hanzi,
    /// Pinyin with tone digits (`pinyin_text`), Latin words spelled as
    /// capital letters (`spell_latin`): what espeak-ng's cmn-latn-pinyin reads.
    Pinyin,
    /// Pinyin with tone digits, the syllables of one word written together
    /// (`yin2hang2 hang2zhang3`, words as jieba cuts them, as Kokoro's Mandarin was trained), Latin
    /// words kept as written: what the embedded Kokoro voices read (their
    /// English comes from espeak-ng IPA).
    PinyinWords,
}

/// What a voice is sent for `text`: normalised (Mandarin rules apply to
/// segments with Chinese characters and to those with no word of another
/// language (`has_foreign_word`), such as a bare `98%`, `3 kg` or `USD 5`;
/// English digits are left to the service), then the lexicon, then for a
/// pinyin voice the Mandarin front end.
pub fn spoken_form(text: &str, normalize: Normalize, form: Form, lexicon: &Lexicon) -> String {
    match form {
        Form::Hanzi => written_form(text, normalize, lexicon),
        Form::Pinyin => spell_latin(&render_readings(&readings(text, normalize, lexicon))),
        Form::PinyinWords => render_words(&readings(text, normalize, lexicon)),
    }
}

/// The words of `text` (normalised, the lexicon applied) with their
/// readings: what `say --pinyin` and `plan --json` show.
pub fn readings(text: &str, normalize: Normalize, lexicon: &Lexicon) -> Vec<Reading> {
    pinyin::readings(&written_form(text, normalize, lexicon), lexicon.readings())
}

fn written_form(text: &str, normalize: Normalize, lexicon: &Lexicon) -> String {
    let mandarin = text.chars().any(is_han) || !has_foreign_word(text);
    let normalised = match normalize {
        Normalize::Zh if mandarin => normalize_zh(text),
        _ => text.to_owned(),
    };
    lexicon.apply(&normalised)
}

/// Cut a paragraph into (written, spoken) segments whose spoken form fits
/// `limit`: normalisation lengthens text, so a piece whose spoken form is
/// too long is cut again with a proportionally smaller limit.
pub fn segment_spoken(
    paragraph: &str,
    limit: Limit,
    speak: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for piece in segment_paragraph(paragraph, limit) {
        push_fitting(piece, limit, speak, &mut out);
    }
    out
}

fn push_fitting(
    piece: String,
    limit: Limit,
    speak: &dyn Fn(&str) -> String,
    out: &mut Vec<(String, String)>,
) {
    let spoken = speak(&piece);
    let written_len = piece.chars().count();
    if limit.fits(&spoken) || written_len <= 1 {
        out.push((piece, spoken));
        return;
    }
    let ratio = written_len as f64 / spoken.chars().count().max(1) as f64;
    let smaller = Limit {
        max_chars: ((limit.max_chars.min(written_len) as f64 * ratio) as usize)
            .clamp(1, written_len - 1),
        max_bytes: limit.max_bytes,
    };
    let parts = fit_to_limit(&piece, smaller);
    if parts.len() <= 1 {
        out.push((piece, spoken));
        return;
    }
    for part in parts {
        push_fitting(part, limit, speak, out);
    }
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_segments_keep_their_digits_and_mixed_ones_their_latin_words() {
        let none = Lexicon::default();
        let hanzi = |t: &str, n| spoken_form(t, n, Form::Hanzi, &none);
        assert_eq!(
            hanzi("In 2019, 56% agreed.", Normalize::Zh),
            "In 2019, 56% agreed."
        );
        assert_eq!(
            hanzi("利用LED屏播放2019年的", Normalize::Zh),
            "利用LED屏播放二零一九年的"
        );
        assert_eq!(hanzi("2019年", Normalize::None), "2019年");
    }

    #[test]
    fn segments_without_letters_take_the_voices_language() {
        let none = Lexicon::default();
        let hanzi = |t: &str| spoken_form(t, Normalize::Zh, Form::Hanzi, &none);
        assert_eq!(hanzi("98%"), "百分之九十八");
        assert_eq!(hanzi("2008-08"), "二零零八年八月");
        assert_eq!(hanzi("13:10:36"), "十三点十分三十六秒");
        assert_eq!(hanzi("1000"), "一千");
    }

    #[test]
    fn segments_whose_only_letters_are_units_codes_or_initialisms_are_mandarin() {
        let none = Lexicon::default();
        let hanzi = |t: &str| spoken_form(t, Normalize::Zh, Form::Hanzi, &none);
        assert_eq!(hanzi("3 kg"), "三千克");
        assert_eq!(hanzi("CNY 1.25"), "一点二五人民币");
        assert_eq!(hanzi("B2B"), "B to B");
        assert_eq!(hanzi("38°C"), "三十八摄氏度");
        assert_eq!(hanzi("Call 110 now"), "Call 110 now");
    }

    #[test]
    fn pinyin_voices_get_pinyin_with_the_lexicon_readings() {
        let mut entries = std::collections::BTreeMap::new();
        entries.insert(
            "重镇".to_owned(),
            Entry::Pinyin(vec!["chong2".into(), "zhen4".into()]),
        );
        let lexicon = Lexicon::merged(&entries, &Default::default());
        let pinyin = |t: &str, l: &Lexicon| spoken_form(t, Normalize::Zh, Form::Pinyin, l);
        assert_eq!(
            pinyin("利用LED屏，占56%。", &Lexicon::default()),
            "li4 yong4 L E D ping2，zhan4 bai3 fen1 zhi1 wu3 shi2 liu4。"
        );
        assert_eq!(pinyin("工业重镇", &lexicon), "gong1 ye4 chong2 zhen4");
        assert_eq!(
            pinyin("工业城市", &lexicon),
            pinyin("工业城市", &Lexicon::default())
        );
        assert_eq!(
            spoken_form("工业重镇", Normalize::Zh, Form::Hanzi, &lexicon),
            "工业重镇"
        );
    }

    #[test]
    fn spoken_forms_fit_the_limit_after_normalisation() {
        let paragraph = "全市2019年少数民族人口222.98万人，占56.66%，有2个自治县，6个民族乡。";
        let limit = Limit::chars(30);
        let speak = |t: &str| spoken_form(t, Normalize::Zh, Form::Hanzi, &Lexicon::default());
        let segments = segment_spoken(paragraph, limit, &speak);
        assert!(segments.len() > 1);
        for (written, spoken) in &segments {
            assert!(spoken.chars().count() <= 30, "{written} → {spoken}");
            assert_eq!(spoken, &speak(written));
        }
        let rejoined: String = segments.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(rejoined, paragraph);
    }
}
