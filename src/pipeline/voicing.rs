//! The text stage's settings for a voice, read from the configuration:
//! its normalisation, the form Mandarin reaches it in, its lexicon, and
//! its service's limit for one request; and the text-to-spoken functions
//! `say`, `plan` and `doctor` use.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, LexiconEntry, MandarinForm, NormalizeSetting};
use crate::text::{self, PlanVoice, Voicing};

/// What a line is sent as without any project: the defaults of a Chinese
/// show for a line with Chinese characters or with no foreign word (`110`,
/// `3 kg`, `USD 5`), of an English one otherwise.
pub fn spoken_without_project(line: &str) -> String {
    let han = line.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    let language = if han || !text::has_foreign_word(line) {
        "zh-CN"
    } else {
        "en"
    };
    let text = format!("[show]\nlanguage = \"{language}\"\n");
    let config = Config::parse(&text, Path::new("(defaults)"), PathBuf::from("."))
        .expect("the defaults are valid");
    spoken_form_for(&config, None)(line)
}

/// The function turning written text into what a voice is sent; without a
/// voice, the show's default normalisation, hanzi and the global lexicon.
pub fn spoken_form_for(config: &Config, voice: Option<&str>) -> impl Fn(&str) -> String {
    let voicing = voicing(config, voice);
    move |written: &str| voicing.spoken(written)
}

/// The function giving the words and readings of written text for a voice
/// (pinyin syllables with tone digits, separated by spaces).
pub fn readings_for(config: &Config, voice: Option<&str>) -> impl Fn(&str) -> String {
    let voicing = voicing(config, voice);
    move |written: &str| voicing.readings(written)
}

/// `[voices.NAME]` as the planning of an episode uses it.
pub(super) fn plan_voice(config: &Config, name: &str) -> PlanVoice {
    let service = &config.services[config.voices[name].service.get_ref()];
    PlanVoice {
        name: name.to_owned(),
        voicing: voicing(config, Some(name)),
        limit: text::Limit {
            max_chars: service.effective_max_chars(),
            max_bytes: service.effective_max_bytes(),
        },
    }
}

fn voicing(config: &Config, voice: Option<&str>) -> Voicing {
    let voice = voice.map(|name| &config.voices[name]);
    let setting = match voice {
        Some(voice) => config.normalize_for(voice),
        None => config.default_normalize(),
    };
    let normalize = match setting {
        NormalizeSetting::Zh => text::Normalize::Zh,
        NormalizeSetting::None => text::Normalize::None,
    };
    let form = match voice.map(|v| (v, config.mandarin_for(v))) {
        Some((v, MandarinForm::Pinyin)) if is_kokoro(&v.voice) => text::Form::PinyinWords,
        Some((_, MandarinForm::Pinyin)) => text::Form::Pinyin,
        _ => text::Form::Hanzi,
    };
    let empty = Default::default();
    let own = voice.map_or(&empty, |v| &v.lexicon);
    let lexicon = text::Lexicon::merged(&lexicon_entries(&config.lexicon), &lexicon_entries(own));
    Voicing {
        normalize,
        form,
        lexicon,
    }
}

fn lexicon_entries(entries: &BTreeMap<String, LexiconEntry>) -> BTreeMap<String, text::Entry> {
    entries
        .iter()
        .map(|(word, entry)| {
            let entry = match entry {
                LexiconEntry::Say(spoken) => text::Entry::Say(spoken.clone()),
                LexiconEntry::Reading(reading) => text::Entry::Pinyin(
                    reading
                        .pinyin
                        .split_whitespace()
                        .map(|s| s.replace('ü', "v"))
                        .collect(),
                ),
            };
            (word.clone(), entry)
        })
        .collect()
}

/// The embedded service's Kokoro voices (`kokoro:NAME`).
fn is_kokoro(voice: &str) -> bool {
    voice.to_ascii_lowercase().starts_with("kokoro:")
}
