//! `voices.toml`: the whole configuration, read strictly.
//!
//! Owns parsing (unknown keys are errors with file:line:column), validation
//! (every reference resolves, every number is in range) and resolving paths
//! against the configuration file's folder. It never touches the network or
//! the scripts; each stage is handed only its own section.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

mod check;
mod deliver;
mod playout;
mod services;
pub mod speakers_edit;

pub use check::{CheckConfig, TranscriberConfig, TranscriberKind};
pub use deliver::{file_name, format_name, DeliverConfig, DeliverKind, DEFAULT_NAME};
pub use playout::{AirWindow, PlayoutConfig};

pub use services::{
    AzureKeys, BodyKind, Common, EmbeddedKeys, GoogleKeys, HttpMethod, Kind, MaryTtsKeys,
    OpenAiKeys, ResponseFormat, ResponseKind, ServiceConfig, ServiceKind, TemplateKeys,
};

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
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct ShowConfig {
    pub title: String,
    pub language: String,
    pub author: Option<String>,
    /// `yyyy-mm-dd` written as the episodes' creation date; without it, the
    /// date the newest script was modified.
    pub date: Option<String>,
    /// For the podcast feed.
    pub description: Option<String>,
    pub image: Option<String>,
    /// Where `audio/` is published; feed URLs are relative without it.
    pub base_url: Option<String>,
}

impl Default for ShowConfig {
    fn default() -> Self {
        Self {
            title: "briefcast".into(),
            language: "zh-CN".into(),
            author: None,
            date: None,
            description: None,
            image: None,
            base_url: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct PathsConfig {
    pub scripts: PathBuf,
    pub output: PathBuf,
    /// A folder, or an object store shared by several machines
    /// (`s3://bucket/prefix`, `gs://…`, `az://…`).
    pub cache: PathBuf,
}

/// The object stores a cache may be in.
const REMOTE_CACHE_SCHEMES: [&str; 3] = ["s3://", "gs://", "az://"];

impl Default for PathsConfig {
    fn default() -> Self {
        Self {
            scripts: "scripts".into(),
            output: "audio".into(),
            cache: ".briefcast/cache".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct AudioConfig {
    pub sample_rate: u32,
    /// 16 (TPDF-dithered when the loudness gain changes samples) or 24.
    pub bit_depth: u16,
    pub sentence_pause_ms: u32,
    pub paragraph_pause_ms: u32,
    pub chapter_pause_ms: u32,
    /// After the opening announcement and each spoken chapter title.
    pub announcement_pause_ms: u32,
    /// Trim each clip's leading and trailing silence.
    pub trim: bool,
    pub trim_threshold_db: f32,
    /// Silence kept at each trimmed edge.
    pub trim_keep_ms: u32,
    /// Open each episode with `announce-template` and each later chapter
    /// with its spoken title.
    pub announce: bool,
    /// Placeholders `{speaker}` and `{title}`; without it, the show
    /// language's ([`Config::announcement`]).
    pub announce_template: Option<String>,
    /// Voice for announcements; default: the speaker's own voice.
    pub announcer: Option<String>,
    /// Bring the episode to `loudness` LUFS (EBU R128 / ITU-R BS.1770-4)
    /// with a `true-peak` ceiling in dBTP.
    pub normalize_loudness: bool,
    pub loudness: f64,
    pub true_peak: f64,
    /// A look-ahead true-peak limiter after the gain, so the target is
    /// reached under the ceiling; off: one static gain, held down by the
    /// ceiling when the peaks demand it.
    pub limiter: bool,
    /// Audio placed before the first and after the last segment.
    pub intro: Option<PathBuf>,
    pub outro: Option<PathBuf>,
}

impl Default for AudioConfig {
    fn default() -> Self {
        Self {
            sample_rate: 48_000,
            bit_depth: 16,
            sentence_pause_ms: 350,
            paragraph_pause_ms: 700,
            chapter_pause_ms: 1_500,
            announcement_pause_ms: 600,
            trim: true,
            trim_threshold_db: -50.0,
            trim_keep_ms: 30,
            announce: true,
            announce_template: None,
            announcer: None,
            normalize_loudness: true,
            loudness: -16.0,
            true_peak: -1.0,
            limiter: true,
            intro: None,
            outro: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct PublishConfig {
    /// Episode formats: "wav" always, "mp3" optionally; the feed's
    /// enclosure is the last one listed.
    pub formats: Vec<PublishFormat>,
    /// Constant MP3 bitrate, kbit/s.
    pub mp3_bitrate: u32,
    /// LAME's quality/speed setting, 0 (best, slowest) to 9 (fastest).
    pub mp3_quality: u8,
}

impl Default for PublishConfig {
    fn default() -> Self {
        Self {
            formats: vec![PublishFormat::Wav],
            mp3_bitrate: 96,
            mp3_quality: DEFAULT_MP3_QUALITY,
        }
    }
}

/// LAME's "good" preset (`-q 5`): see BENCHMARKS.md for the measure.
pub const DEFAULT_MP3_QUALITY: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PublishFormat {
    Wav,
    Mp3,
}

/// Sample rates an episode may have.
pub const SAMPLE_RATES: [u32; 6] = [22_050, 24_000, 32_000, 44_100, 48_000, 96_000];

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
    span: Range<usize>,
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

    fn from_value(speaker: &str, value: Spanned<toml::Value>) -> Result<Self, (At, String)> {
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

    fn validate(&self) -> Result<(), (At, String)> {
        let audio_key = |key: &str, message: String| (At::key(&["audio"], key), message);
        let publish_key = |key: &str, message: String| (At::key(&["publish"], key), message);
        let audio = &self.audio;
        if !SAMPLE_RATES.contains(&audio.sample_rate) {
            return Err(audio_key("sample-rate", format!(
                "[audio] sample-rate = {} is not supported (use one of 22050, 24000, 32000, 44100, 48000, 96000)",
                audio.sample_rate
            )));
        }
        if !matches!(audio.bit_depth, 16 | 24) {
            return Err(audio_key(
                "bit-depth",
                format!("[audio] bit-depth = {} must be 16 or 24", audio.bit_depth),
            ));
        }
        if !(-70.0..=0.0).contains(&audio.loudness) || !(-20.0..=0.0).contains(&audio.true_peak) {
            let key = if (-70.0..=0.0).contains(&audio.loudness) {
                "true-peak"
            } else {
                "loudness"
            };
            return Err(audio_key(
                key,
                format!(
                "[audio] loudness = {} LUFS and true-peak = {} dBTP must lie in -70..0 and -20..0",
                audio.loudness, audio.true_peak
            ),
            ));
        }
        if !(-120.0..0.0).contains(&audio.trim_threshold_db) {
            return Err(audio_key(
                "trim-threshold-db",
                format!(
                    "[audio] trim-threshold-db = {} must be below 0 dBFS",
                    audio.trim_threshold_db
                ),
            ));
        }
        let publish = &self.publish;
        if publish.formats.contains(&PublishFormat::Mp3) {
            if !matches!(audio.sample_rate, 44_100 | 48_000) {
                return Err(audio_key("sample-rate", format!(
                    "[publish] formats has mp3, which needs [audio] sample-rate 44100 or 48000 (not {})",
                    audio.sample_rate
                )));
            }
            if ![32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
                .contains(&publish.mp3_bitrate)
            {
                return Err(publish_key(
                    "mp3-bitrate",
                    format!(
                        "[publish] mp3-bitrate = {} is not an MP3 bitrate (e.g. 64, 96, 128)",
                        publish.mp3_bitrate
                    ),
                ));
            }
            if publish.mp3_quality > 9 {
                return Err(publish_key(
                    "mp3-quality",
                    format!(
                    "[publish] mp3-quality = {} must lie in 0..9 (0 best and slowest, 9 fastest)",
                    publish.mp3_quality
                ),
                ));
            }
        }
        if let Some(voice) = audio
            .announcer
            .as_ref()
            .filter(|v| !self.voices.contains_key(*v))
        {
            return Err(audio_key(
                "announcer",
                format!(
                    "[audio] announcer = \"{voice}\" is not a voice (known: {})",
                    known(self.voices.keys())
                ),
            ));
        }
        if let Some(date) = &self.show.date {
            if !crate::util::is_iso_date(date) {
                return Err((
                    At::key(&["show"], "date"),
                    format!("[show] date = \"{date}\" is not a yyyy-mm-dd date"),
                ));
            }
        }
        for (name, service) in &self.services {
            service.validate().map_err(|(key, message)| {
                let place = match key {
                    Some(key) => At::key(&["services", name], key),
                    None => At::table(&["services", name]),
                };
                (place, format!("[services.{name}] {message}"))
            })?;
        }
        self.check
            .validate()
            .map_err(|message| (At::table(&["check"]), message))?;
        self.playout
            .validate()
            .map_err(|(key, message)| (At::key(&["playout"], key), message))?;
        for (name, target) in &self.deliver {
            target
                .validate(&self.publish.formats)
                .map_err(|(key, message)| {
                    let place = match key {
                        Some(key) => At::key(&["deliver", name], key),
                        None => At::table(&["deliver", name]),
                    };
                    (place, format!("[deliver.{name}] {message}"))
                })?;
        }
        for (name, voice) in &self.voices {
            let service = voice.service.get_ref();
            if !self.services.contains_key(service) {
                return Err((
                    At::Span(voice.service.span()),
                    format!(
                        "[voices.{name}] service = \"{service}\" is not defined (known: {})",
                        known(self.services.keys())
                    ),
                ));
            }
            if voice.fallback.is_some() && !self.services[service].is_embedded() {
                return Err((At::key(&["voices", name], "fallback"), format!(
                    "[voices.{name}] fallback is for voices of the embedded service; \"{service}\" is not one"
                )));
            }
            if voice.fallback_speed.is_some() && voice.fallback.is_none() {
                return Err((
                    At::key(&["voices", name], "fallback-speed"),
                    format!("[voices.{name}] fallback-speed needs a fallback"),
                ));
            }
            let kind = self.services[service].kind.spec();
            let speeds = kind.speeds();
            let bad_speed = std::iter::once(("speed", voice.speed))
                .chain(voice.fallback_speed.map(|s| ("fallback-speed", s)))
                .find(|(_, s)| !speeds.contains(s));
            if let Some((key, speed)) = bad_speed {
                let range = if speeds.start() == speeds.end() {
                    format!(
                        "{} services have no speed setting; leave it at 1",
                        kind.name()
                    )
                } else {
                    format!(
                        "{} services take {} to {}",
                        kind.name(),
                        speeds.start(),
                        speeds.end()
                    )
                };
                return Err((
                    At::key(&["voices", name], key),
                    format!("[voices.{name}] {key} = {speed} is out of range: {range}"),
                ));
            }
        }
        let lexicons = std::iter::once((vec!["lexicon"], &self.lexicon)).chain(
            self.voices
                .iter()
                .map(|(name, v)| (vec!["voices", name.as_str(), "lexicon"], &v.lexicon)),
        );
        for (path, lexicon) in lexicons {
            for (word, entry) in lexicon {
                if let LexiconEntry::Reading(reading) = entry {
                    check_reading(word, &reading.pinyin).map_err(|message| {
                        let section = path.join(".");
                        (
                            At::key(&path, word),
                            format!("[{section}] \"{word}\": {message}"),
                        )
                    })?;
                }
            }
        }
        for (speaker, entry) in &self.speakers {
            if !self.voices.contains_key(&entry.voice) {
                return Err((
                    At::Span(entry.span.clone()),
                    format!(
                        "[speakers] \"{speaker}\" uses voice \"{}\", which is not defined (known: {})",
                        entry.voice,
                        known(self.voices.keys())
                    ),
                ));
            }
        }
        Ok(())
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

fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Where a refused value stands in voices.toml: a span the parser gave,
/// or a key (or table) by its path, found in the document only when a
/// message is made.
enum At {
    Nowhere,
    Span(Range<usize>),
    /// A table's path and a key in it; the table itself when the key is
    /// not written (a default is at fault).
    Key(Vec<String>, Option<String>),
}

impl At {
    fn key(path: &[&str], key: &str) -> At {
        At::Key(
            path.iter().map(|p| (*p).to_owned()).collect(),
            Some(key.to_owned()),
        )
    }

    fn table(path: &[&str]) -> At {
        At::Key(path.iter().map(|p| (*p).to_owned()).collect(), None)
    }

    /// The byte offset in `text`, if the place is in it.
    fn offset(&self, text: &str) -> Option<usize> {
        match self {
            At::Nowhere => None,
            At::Span(span) => Some(span.start),
            At::Key(path, key) => {
                let document = toml_edit::Document::parse(text).ok()?;
                let mut item = document.as_item();
                for part in path {
                    item = item.get(part)?;
                }
                let table = item.as_table_like()?;
                key.as_deref()
                    .and_then(|key| table.key(key)?.span())
                    .or_else(|| item.span())
                    .map(|span| span.start)
            }
        }
    }
}

impl From<Option<Range<usize>>> for At {
    fn from(span: Option<Range<usize>>) -> At {
        span.map_or(At::Nowhere, At::Span)
    }
}

/// A lexicon reading: one syllable per character of `word`, each letters
/// (ü may be written v) and a tone digit 1-5.
fn check_reading(word: &str, pinyin: &str) -> Result<(), String> {
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

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
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
