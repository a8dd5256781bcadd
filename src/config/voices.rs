//! The `[voices]`, `[speakers]` and `[lexicon]` entries: what each voice
//! is, which voice each speaker gets, and how a lexicon reading is written.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::validate::{one_line, At};

/// A `[lexicon]` entry: `"民宗委" = "民族宗教事务委员会"` (text to send
/// instead) or `"重镇" = { pinyin = "zhong4 zhen4" }` (a reading: pinyin
/// voices get it, hanzi voices get the word as written).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum LexiconEntry {
    Say(String),
    Reading(ReadingEntry),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingEntry {
    /// Syllables with tone digits 1-5, one per character: `zhong4 zhen4`.
    pub pinyin: String,
}

/// How a voice is sent Mandarin text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MandarinForm {
    /// Characters as written (after normalisation and the lexicon).
    Hanzi,
    /// Pinyin with tone digits from briefcast's Mandarin front end.
    Pinyin,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct VoiceConfig {
    pub service: Spanned<String>,
    pub voice: String,
    #[serde(default = "default_speed")]
    pub speed: f32,
    /// `zh` (Mandarin readings of digits, dates, units) or `none`; default
    /// `zh` when `[show] language` is Chinese.
    pub normalize: Option<NormalizeSetting>,
    /// Written form → what to send, overriding the global `[lexicon]`.
    #[serde(default)]
    pub lexicon: BTreeMap<String, LexiconEntry>,
    /// `hanzi` or `pinyin`; default `pinyin` for the embedded service's
    /// Mandarin voices (`cmn…`), `hanzi` for every other voice.
    pub mandarin: Option<MandarinForm>,
    /// For a neural voice of the embedded service: the voice spoken instead
    /// where its model is not installed (`"cmn-latn-pinyin+f3"`).
    pub fallback: Option<String>,
    /// The fallback's speed, where it differs from `speed` (espeak-ng's
    /// Mandarin is understood better read slower).
    pub fallback_speed: Option<f32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NormalizeSetting {
    Zh,
    None,
}

fn default_speed() -> f32 {
    1.0
}

/// `"speaker" = "voice"` or `"speaker" = { voice = "…", slug = "…" }`.
#[derive(Debug, Clone)]
pub struct SpeakerConfig {
    pub voice: String,
    pub slug: Option<String>,
    /// Where the entry stands in the file, for messages.
    pub(super) span: Range<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SpeakerTable {
    voice: String,
    slug: Option<String>,
}

impl SpeakerConfig {
    pub fn voice(&self) -> &str {
        &self.voice
    }
    pub fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }

    pub(super) fn from_value(
        speaker: &str,
        value: Spanned<toml::Value>,
    ) -> Result<Self, (At, String)> {
        let span = value.span();
        let table = match value.into_inner() {
            toml::Value::String(voice) => SpeakerTable { voice, slug: None },
            toml::Value::Table(table) => table.try_into().map_err(|e: toml::de::Error| {
                (At::Span(span.clone()), format!("[speakers] \"{speaker}\": {}", one_line(e.message())))
            })?,
            _ => {
                return Err((
                    At::Span(span.clone()),
                    format!("[speakers] \"{speaker}\" must be a voice name or {{ voice = \"…\", slug = \"…\" }}"),
                ))
            }
        };
        Ok(SpeakerConfig {
            voice: table.voice,
            slug: table.slug,
            span,
        })
    }
}

/// A lexicon reading: one syllable per character of `word`, each letters
/// (ü may be written v) and a tone digit 1-5.
pub(super) fn check_reading(word: &str, pinyin: &str) -> Result<(), String> {
    let syllables: Vec<&str> = pinyin.split_whitespace().collect();
    if let Some(bad) = syllables.iter().find(|s| {
        let (body, tone) = s.split_at(s.len().saturating_sub(1));
        body.is_empty()
            || !body.chars().all(|c| c.is_ascii_lowercase() || c == 'ü')
            || !matches!(tone, "1" | "2" | "3" | "4" | "5")
    }) {
        return Err(format!(
            "pinyin syllable \"{bad}\" needs lowercase letters and a tone digit 1-5 (zhong4)"
        ));
    }
    let chars = word.chars().count();
    if syllables.len() != chars {
        return Err(format!(
            "pinyin has {} syllable(s) for {chars} character(s)",
            syllables.len()
        ));
    }
    Ok(())
}
