//! Text: from a paragraph as written to the segments a voice will say.
//!
//! Pure functions only (no IO, no async): sentence segmentation and cutting
//! to a service's length limit, Mandarin normalisation (digits, dates,
//! percentages and units into words), the pronunciation lexicon, and ASCII
//! slugs for file names. It knows nothing of services, files or audio.

mod normalize;
mod pronounce;
mod segment;
mod slug;

pub use normalize::normalize_zh;
pub use pronounce::Lexicon;
pub use segment::{fit_to_limit, segment_paragraph, split_sentences, Limit};
pub use slug::{is_valid_slug, slugify};

/// How a voice wants its text prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalize {
    /// Mandarin newsreader readings of digits, dates, percentages and units.
    Zh,
    /// Send the text as written (the service normalises by itself).
    None,
}

/// What a voice is sent for `text`: normalised (Mandarin rules apply only
/// to segments with Chinese characters; English digits are left to the
/// service), then the lexicon.
pub fn spoken_form(text: &str, normalize: Normalize, lexicon: &Lexicon) -> String {
    let normalised = match normalize {
        Normalize::Zh if text.chars().any(is_han) => normalize_zh(text),
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

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_segments_keep_their_digits_and_mixed_ones_their_latin_words() {
        let none = Lexicon::default();
        assert_eq!(
            spoken_form("In 2019, 56% agreed.", Normalize::Zh, &none),
            "In 2019, 56% agreed."
        );
        assert_eq!(
            spoken_form("利用LED屏播放2019年的", Normalize::Zh, &none),
            "利用LED屏播放二零一九年的"
        );
        assert_eq!(spoken_form("2019年", Normalize::None, &none), "2019年");
    }

    #[test]
    fn spoken_forms_fit_the_limit_after_normalisation() {
        let paragraph = "全市2019年少数民族人口222.98万人，占56.66%，有2个自治县，6个民族乡。";
        let limit = Limit::chars(30);
        let speak = |t: &str| spoken_form(t, Normalize::Zh, &Lexicon::default());
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
