//! `voices.toml`: the whole configuration, read strictly.
//!
//! Owns parsing (unknown keys are errors with file:line:column), validation
//! (every reference resolves, every number is in range) and resolving paths
//! against the configuration file's folder. It never touches the network or
//! the scripts; each stage is handed only its own section.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

mod check;
mod deliver;
mod playout;
mod sections;
mod services;
pub mod speakers_edit;
mod validate;
mod voices;

pub use check::{CheckConfig, TranscriberConfig, TranscriberKind};
pub use deliver::{file_name, format_name, DeliverConfig, DeliverKind, DEFAULT_NAME};
pub use playout::{AirWindow, PlayoutConfig};

pub use services::{
    AzureKeys, BodyKind, Common, EmbeddedKeys, GoogleKeys, HttpMethod, Kind, MaryTtsKeys,
    OpenAiKeys, ResponseFormat, ResponseKind, ServiceConfig, ServiceKind, TemplateKeys,
};

pub use sections::{
    AudioConfig, PathsConfig, PublishConfig, PublishFormat, ShowConfig, DEFAULT_MP3_QUALITY,
    SAMPLE_RATES,
};
pub use voices::{
    LexiconEntry, MandarinForm, NormalizeSetting, ReadingEntry, SpeakerConfig, VoiceConfig,
};

use sections::REMOTE_CACHE_SCHEMES;
use validate::{one_line, At};

/// The largest voices.toml read.
const CONFIG_LIMIT: u64 = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No file there: most often a command run outside a project.
    #[error("no {name} in {folder}, so no project here: start one with `briefcast init`, or name a project's file with `--config PATH`")]
    Missing { name: String, folder: PathBuf },
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `location` is `:line:column`, or empty when no line applies.
    #[error("{path}{location}: {message}")]
    Invalid {
        path: PathBuf,
        location: String,
        message: String,
    },
}

/// The parsed file plus where it came from.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder that relative paths are resolved against.
    pub root: PathBuf,
    pub show: ShowConfig,
    pub paths: PathsConfig,
    pub audio: AudioConfig,
    pub publish: PublishConfig,
    pub services: BTreeMap<String, ServiceConfig>,
    pub voices: BTreeMap<String, VoiceConfig>,
    pub speakers: BTreeMap<String, SpeakerConfig>,
    /// Written form → what to send, for every voice.
    pub lexicon: BTreeMap<String, LexiconEntry>,
    pub check: CheckConfig,
    pub playout: PlayoutConfig,
    /// `[deliver.NAME]` targets.
    pub deliver: BTreeMap<String, DeliverConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    show: ShowConfig,
    #[serde(default)]
    paths: PathsConfig,
    #[serde(default)]
    audio: AudioConfig,
    #[serde(default)]
    publish: PublishConfig,
    #[serde(default)]
    services: BTreeMap<String, services::RawService>,
    #[serde(default)]
    voices: BTreeMap<String, VoiceConfig>,
    #[serde(default)]
    speakers: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    lexicon: BTreeMap<String, LexiconEntry>,
    #[serde(default)]
    check: CheckConfig,
    #[serde(default)]
    playout: PlayoutConfig,
    #[serde(default)]
    deliver: BTreeMap<String, DeliverConfig>,
}

impl Config {
    /// Read, parse and validate `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let read_error = |source| ConfigError::Read {
            path: path.to_owned(),
            source,
        };
        let bytes = crate::util::read_regular(path, CONFIG_LIMIT).map_err(|source| {
            if source.kind() != std::io::ErrorKind::NotFound {
                return read_error(source);
            }
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
            ConfigError::Missing {
                name: path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                folder: absolute.parent().map_or(absolute.clone(), Path::to_owned),
            }
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|e| read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        let root = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        Self::parse(&text, path, root)
    }

    /// Parse and validate configuration text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path, root: PathBuf) -> Result<Config, ConfigError> {
        let at = |at: At, message: String| {
            let location = at.offset(text).map_or_else(String::new, |offset| {
                let (line, column) = crate::util::line_column(text, offset);
                format!(":{line}:{column}")
            });
            ConfigError::Invalid {
                path: path.to_owned(),
                location,
                message,
            }
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| at(At::from(e.span()), one_line(e.message())))?;
        let speakers = raw
            .speakers
            .into_iter()
            .map(|(name, value)| Ok((name.clone(), SpeakerConfig::from_value(&name, value)?)))
            .collect::<Result<_, _>>()
            .map_err(|(span, message)| at(span, message))?;
        let services = raw
            .services
            .into_iter()
            .map(|(name, table)| Ok((name.clone(), ServiceConfig::from_table(&name, table)?)))
            .collect::<Result<_, _>>()
            .map_err(|(span, message)| at(At::Span(span), message))?;
        let config = Config {
            root,
            show: raw.show,
            paths: raw.paths,
            audio: raw.audio,
            publish: raw.publish,
            services,
            voices: raw.voices,
            speakers,
            lexicon: raw.lexicon,
            check: raw.check,
            playout: raw.playout,
            deliver: raw.deliver,
        };
        config
            .validate()
            .map_err(|(place, message)| at(place, message))?;
        Ok(config)
    }

    /// The normalisation a voice gets: its own setting, else `zh` for a
    /// Chinese show.
    pub fn normalize_for(&self, voice: &VoiceConfig) -> NormalizeSetting {
        voice.normalize.unwrap_or_else(|| self.default_normalize())
    }

    /// `zh` for a Chinese show, else `none`.
    pub fn default_normalize(&self) -> NormalizeSetting {
        let language = self.show.language.to_ascii_lowercase();
        if language.starts_with("zh") || language.starts_with("cmn") {
            NormalizeSetting::Zh
        } else {
            NormalizeSetting::None
        }
    }

    /// The opening announcement of an episode: `announce-template` filled
    /// in, else the show language's own form: `{speaker}：{title}` in
    /// Mandarin, `{speaker}: {title}` in English. A show of another or
    /// mixed language (`mul`, `zh, en`) picks by the episode's own words.
    pub fn announcement(&self, speaker: &str, title: &str, subtitle: Option<&str>) -> String {
        let chinese = match self.language_family() {
            Some(chinese) => chinese,
            None => [speaker, title, subtitle.unwrap_or("")]
                .iter()
                .any(|t| t.chars().any(is_han)),
        };
        let title = match subtitle {
            Some(sub) if chinese => format!("{title}——{sub}"),
            Some(sub) => format!("{title} — {sub}"),
            None => title.to_owned(),
        };
        let template = match &self.audio.announce_template {
            Some(template) => template.as_str(),
            None if chinese => "{speaker}：{title}",
            None => "{speaker}: {title}",
        };
        template
            .replace("{speaker}", speaker)
            .replace("{title}", &title)
    }

    /// `Some(true)` for a Chinese show, `Some(false)` for an English one,
    /// `None` for any other or a mix.
    fn language_family(&self) -> Option<bool> {
        let language = self.show.language.trim().to_ascii_lowercase();
        let single = !language.contains([',', ' ', ';', '/']);
        match language.split(['-', '_']).next() {
            Some("zh" | "cmn" | "yue") if single => Some(true),
            Some("en") if single => Some(false),
            _ => None,
        }
    }

    /// How a voice is sent Mandarin: its own `mandarin`, else pinyin for the
    /// embedded service's Mandarin espeak-ng voices and its Kokoro voices,
    /// and hanzi for everything else.
    pub fn mandarin_for(&self, voice: &VoiceConfig) -> MandarinForm {
        voice.mandarin.unwrap_or_else(|| {
            let embedded = self
                .services
                .get(voice.service.get_ref())
                .is_some_and(ServiceConfig::is_embedded);
            let lower = voice.voice.to_ascii_lowercase();
            let lower = lower.strip_prefix("espeak:").unwrap_or(&lower);
            let mandarin_espeak =
                lower.starts_with("cmn") || lower == "zh" || lower.starts_with("zh+");
            if embedded && (mandarin_espeak || lower.starts_with("kokoro:")) {
                MandarinForm::Pinyin
            } else {
                MandarinForm::Hanzi
            }
        })
    }

    /// `[paths] cache` when it names an object store.
    pub fn cache_url(&self) -> Option<&str> {
        let location = self.paths.cache.to_str()?;
        REMOTE_CACHE_SCHEMES
            .iter()
            .any(|scheme| location.starts_with(scheme))
            .then_some(location)
    }

    /// The local clip folder: `[paths] cache`, or, when that is an object
    /// store, the default folder as its read-through copy.
    pub fn cache_dir(&self) -> PathBuf {
        match self.cache_url() {
            Some(_) => self.resolve(&PathsConfig::default().cache),
            None => self.resolve(&self.paths.cache),
        }
    }

    /// A configured path, resolved against the configuration's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.root.join(path)
        }
    }
}

/// A Han character (CJK unified ideographs and their extensions).
fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("voices.toml"), PathBuf::from("."))
    }

    const GOOD: &str = r#"
[show]
title = "Show"

[services.local]
kind = "embedded"

[voices.a]
service = "local"
voice = "cmn"

[speakers]
"柳州市" = "a"
"B" = { voice = "a", slug = "bee" }
"#;

    #[test]
    fn announcements_follow_the_show_language() {
        let show = |language: &str, extra: &str| {
            parse(&format!("[show]\nlanguage = \"{language}\"\n{extra}")).unwrap()
        };
        let en = show("en-US", "");
        assert_eq!(
            en.announcement("Bureau of Labor Statistics", "Statement", Some("May")),
            "Bureau of Labor Statistics: Statement — May"
        );
        let zh = show("zh-CN", "");
        assert_eq!(
            zh.announcement("柳州市", "讲话", Some("摘要")),
            "柳州市：讲话——摘要"
        );
        assert_eq!(zh.announcement("BLS", "Statement", None), "BLS：Statement");
        let mixed = show("zh-CN, en", "");
        assert_eq!(
            mixed.announcement("BLS", "Statement", None),
            "BLS: Statement"
        );
        assert_eq!(mixed.announcement("柳州市", "讲话", None), "柳州市：讲话");
        assert_eq!(show("mul", "").announcement("A", "B", None), "A: B");
        let own = show(
            "en",
            "[audio]\nannounce-template = \"{title}, by {speaker}\"",
        );
        assert_eq!(own.announcement("A", "B", None), "B, by A");
    }

    #[test]
    fn a_complete_file_parses_with_defaults() {
        let config = parse(GOOD).unwrap();
        assert_eq!(config.audio, AudioConfig::default());
        assert_eq!(config.speakers["柳州市"].voice(), "a");
        assert_eq!(config.speakers["B"].slug(), Some("bee"));
        assert_eq!(config.voices["a"].speed, 1.0);
    }

    #[test]
    fn a_fallback_speed_needs_a_fallback_and_a_speed_the_service_takes() {
        let with = |keys: &str| {
            parse(&GOOD.replace("voice = \"cmn\"\n", &format!("voice = \"cmn\"\n{keys}\n")))
        };
        let config = with("fallback = \"cmn-latn-pinyin\"\nfallback-speed = 0.85").unwrap();
        assert_eq!(config.voices["a"].fallback_speed, Some(0.85));
        assert_eq!(config.voices["a"].speed, 1.0);
        let alone = with("fallback-speed = 0.85").unwrap_err().to_string();
        assert!(
            alone.contains("voices.toml:11") && alone.contains("fallback-speed needs a fallback"),
            "{alone}"
        );
        let fast = with("fallback = \"cmn-latn-pinyin\"\nfallback-speed = 9")
            .unwrap_err()
            .to_string();
        assert!(
            fast.contains("voices.toml:12") && fast.contains("fallback-speed = 9 is out of range"),
            "{fast}"
        );
    }

    #[test]
    fn lexicon_entries_are_text_or_readings() {
        let text = format!(
            "{GOOD}\n[lexicon]\n\"民宗委\" = \"民族宗教事务委员会\"\n\"重镇\" = {{ pinyin = \"zhong4 zhen4\" }}\n"
        );
        let config = parse(&text).unwrap();
        assert_eq!(
            config.lexicon["重镇"],
            LexiconEntry::Reading(ReadingEntry {
                pinyin: "zhong4 zhen4".into()
            })
        );
        assert_eq!(
            config.mandarin_for(&config.voices["a"]),
            MandarinForm::Pinyin
        );
        let short = text.replace("zhong4 zhen4", "zhong4");
        assert_eq!(
            parse(&short).unwrap_err().to_string(),
            "voices.toml:18:1: [lexicon] \"重镇\": pinyin has 1 syllable(s) for 2 character(s)"
        );
        let marks = text.replace("zhong4 zhen4", "zhòng zhèn");
        assert!(parse(&marks)
            .unwrap_err()
            .to_string()
            .contains("pinyin syllable \"zhòng\" needs lowercase letters and a tone digit"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = GOOD.replace("voice = \"cmn\"", "voice = \"cmn\"\nsped = 1.2");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("voices.toml:11:1: unknown field `sped`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_service_reference_names_its_line() {
        let text = GOOD.replace("service = \"local\"", "service = \"cloud\"");
        let err = parse(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "voices.toml:9:11: [voices.a] service = \"cloud\" is not defined (known: local)"
        );
    }

    #[test]
    fn unknown_voice_reference_names_its_line() {
        let text = GOOD.replace("\"柳州市\" = \"a\"", "\"柳州市\" = \"zz\"");
        let err = parse(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "voices.toml:13:9: [speakers] \"柳州市\" uses voice \"zz\", which is not defined (known: a)"
        );
    }

    #[test]
    fn malformed_toml_gives_line_and_column() {
        let err = parse("[show]\ntitle = \n").unwrap_err().to_string();
        assert!(err.starts_with("voices.toml:2:"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn out_of_range_numbers_are_rejected() {
        let err = parse(&format!("{GOOD}\n[audio]\nsample-rate = 1000\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "voices.toml:17:1: [audio] sample-rate = 1000 is not supported (use one of 22050, 24000, 32000, 44100, 48000, 96000)"
        );
        let err = parse(&format!("{GOOD}\n[audio]\nbit-depth = 8\n")).unwrap_err();
        assert!(
            err.to_string().contains("bit-depth = 8 must be 16 or 24"),
            "{err}"
        );
        let err = parse(&format!("{GOOD}\n[audio]\nannouncer = \"nobody\"\n")).unwrap_err();
        assert!(
            err.to_string()
                .contains("announcer = \"nobody\" is not a voice"),
            "{err}"
        );
        let text = GOOD.replace(
            "kind = \"embedded\"",
            "kind = \"embedded\"\nconcurrency = 0",
        );
        let err = parse(&text).unwrap_err();
        assert!(
            err.to_string().contains("concurrency must be at least 1"),
            "{err}"
        );
    }
}
