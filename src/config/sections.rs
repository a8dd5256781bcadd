//! The plain sections of voices.toml: `[show]`, `[paths]`, `[audio]` and
//! `[publish]`, their defaults and the values they may take. Their range
//! checks run with the rest in `validate.rs`.

use std::path::PathBuf;

use serde::Deserialize;

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
pub(super) const REMOTE_CACHE_SCHEMES: [&str; 3] = ["s3://", "gs://", "az://"];

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
    /// language's ([`Config::announcement`](super::Config::announcement)).
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
    /// enclosure is the last audio format listed. "epub" adds a book of
    /// the whole show (with "mp3").
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
    /// An EPUB 3 of the whole show with Media Overlays (needs `mp3`: the
    /// book carries the episodes' MP3s).
    Epub,
}

/// Sample rates an episode may have.
pub const SAMPLE_RATES: [u32; 6] = [22_050, 24_000, 32_000, 44_100, 48_000, 96_000];
