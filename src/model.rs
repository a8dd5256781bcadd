//! Plain data passed between the stages: speeches as read from scripts, the
//! segments an episode is made of, and the timing the assembled audio reports.
//!
//! Nothing here does IO or knows how a stage works; every type is owned by
//! the pipeline and handed to one stage at a time. Ids are stable across runs
//! (they come from positions in the scripts), clip keys from content.

use std::fmt;
use std::path::PathBuf;

/// Speech comes at telephone to studio rates, in one to eight channels
/// (mono, stereo, a surround mix of a file); anything else (a WAV at 1 Hz,
/// 64 channels) would cost seconds of resampling and gigabytes of memory
/// for nothing a listener could use. The decoder refuses it; the
/// configuration refuses a service declared with it.
pub const PLAUSIBLE_RATES: std::ops::RangeInclusive<u32> = 8_000..=96_000;
pub const PLAUSIBLE_CHANNELS: std::ops::RangeInclusive<u16> = 1..=8;

/// Where a piece of text came from, for messages a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePos {
    pub path: PathBuf,
    pub line: usize,
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// One script: a speech by one speaker, in chapters of paragraphs.
#[derive(Debug, Clone, PartialEq)]
pub struct Speech {
    pub path: PathBuf,
    pub speaker: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub order: Option<i64>,
    pub chapters: Vec<Chapter>,
    /// What was left out of the script, one `file:line: …` line each:
    /// control characters, paragraphs of punctuation only.
    pub warnings: Vec<String>,
}

/// A chapter: the intro (titled by the speech title) or a `## ` section.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub title: String,
    pub line: usize,
    pub paragraphs: Vec<Paragraph>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub text: String,
    pub line: usize,
}

/// The silence that follows a segment, by the structure it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pause {
    Sentence,
    Paragraph,
    Chapter,
    /// After a spoken announcement or chapter title.
    Announcement,
    /// The last segment of an episode.
    End,
}

/// One request's worth of text, read by one voice.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Stable position id, e.g. `liuzhou/1/2/3/1` (speech/chapter/paragraph/sentence).
    pub id: String,
    /// The text as written in the script.
    pub text: String,
    /// The text sent to the service (after normalisation and lexicon).
    pub spoken: String,
    /// Voice name from voices.toml.
    pub voice: String,
    pub source: SourcePos,
    pub pause_after: Pause,
    /// A spoken announcement or chapter title rather than script text.
    pub announcement: bool,
    /// Its words in reading order, each with what it is said as.
    pub words: Vec<SegmentWord>,
}

/// One word of a segment, the unit a read-along lights up: where it is in
/// the written text, what it is said as, and where that is in the text the
/// service was sent. A stretch the normaliser rewrote (`2019年` read
/// `二零一九年`) is one word, shown as written and timed as spoken.
/// Punctuation and spaces between words belong to no word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SegmentWord {
    /// Characters of [`Segment::text`] it covers (char offsets).
    pub written: std::ops::Range<usize>,
    /// What the listener hears, in characters (`二零一九年`, `LED`).
    pub spoken: String,
    /// Characters of [`Segment::spoken`] that say it (char offsets):
    /// where the clip's own word times are matched.
    pub sent: std::ops::Range<usize>,
    /// Its reading, one pinyin syllable with a tone digit per Han
    /// syllable it is said with; empty for a word with no Han character.
    pub pinyin: Vec<String>,
}

/// A word's time in one clip, as the engine that made it knows it or as an
/// alignment found it: characters `from..to` of the text the clip was made
/// from ([`Segment::spoken`]), heard from `start` to `end` seconds after the
/// clip's first sample.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClipWord {
    pub from: usize,
    pub to: usize,
    pub start: f64,
    pub end: f64,
}

impl Segment {
    /// A segment reading `text` as written, in voice `v`, from `s.md:1`:
    /// what the tests of the stages that render segments start from.
    #[cfg(test)]
    pub fn sample(
        id: impl Into<String>,
        text: &str,
        pause_after: Pause,
        words: Vec<SegmentWord>,
    ) -> Segment {
        Segment {
            id: id.into(),
            text: text.into(),
            spoken: text.into(),
            voice: "v".into(),
            source: SourcePos {
                path: "s.md".into(),
                line: 1,
            },
            pause_after,
            announcement: false,
            words,
        }
    }

    /// `file:line “first words…”`, how errors name a segment.
    pub fn describe(&self) -> String {
        let words: String = self.text.chars().take(16).collect();
        let more = if self.text.chars().count() > 16 {
            "…"
        } else {
            ""
        };
        format!("{} “{words}{more}”", self.source)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChapterPlan {
    pub title: String,
    pub segments: Vec<Segment>,
}

/// Everything one speaker's episode is made of, in playing order.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodePlan {
    /// Position in the whole show (0 = first), whatever a build selects.
    pub order: usize,
    pub speaker: String,
    pub slug: String,
    /// The speech titles, joined when a speaker has several scripts.
    pub title: String,
    pub chapters: Vec<ChapterPlan>,
}

impl EpisodePlan {
    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.chapters.iter().flat_map(|c| c.segments.iter())
    }
}

/// Where a chapter and each segment landed in the assembled episode, in frames.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EpisodeTiming {
    pub rate: u32,
    pub total_frames: u64,
    pub chapters: Vec<Span>,
    pub segments: Vec<Span>,
    /// Per segment, where each of its [`Segment::words`] is heard, in
    /// frames of the episode (one span per word, in order).
    pub words: Vec<Vec<Span>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: u64,
    pub frames: u64,
}

/// How a service's response body encodes audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClipFormat {
    /// A RIFF/WAVE file (sizes may be streaming placeholders).
    Wav,
    /// Headerless PCM as the service declared it.
    Pcm {
        rate: u32,
        channels: u16,
        sample: PcmSample,
    },
}

/// Sample layouts of raw PCM answers (little-endian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PcmSample {
    S16le,
    S24le,
    S32le,
    F32le,
    U8,
}

impl ClipFormat {
    /// The file extension a cached clip of this format gets.
    pub fn extension(self) -> &'static str {
        match self {
            ClipFormat::Wav => "wav",
            ClipFormat::Pcm { .. } => "pcm",
        }
    }
}

// What the audio stage reports of an episode it wrote, and the tags it
// writes into the WAV: plain data, so publishing reads them without
// reaching into audio. The meters, the limiter and the writers that fill
// them in are audio's.

/// One loudness measurement (LUFS values are DualMono, see `audio::loudness`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    pub integrated_lufs: f64,
    pub range_lu: f64,
    pub true_peak_dbtp: f64,
    pub max_momentary_lufs: f64,
    pub max_short_term_lufs: f64,
}

/// What the limiter did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LimiterStats {
    /// Largest gain reduction applied, dB (0 when it never acted).
    pub max_reduction_db: f64,
    /// Samples whose gain was reduced by more than 0.01 dB.
    pub limited_samples: u64,
}

/// What assembling an episode gave: its timing and how its level was set.
#[derive(Debug, Clone)]
pub struct Assembled {
    pub timing: EpisodeTiming,
    /// Per segment, the frames trimmed from the head of its clip (at the
    /// episode's rate): a time in the clip is this much earlier in the episode.
    pub leads: Vec<u64>,
    /// The static gain applied, dB; None when `normalize-loudness` is off.
    pub gain_db: Option<f64>,
    /// Without the limiter: the true-peak ceiling held the gain below the target.
    pub ceiling_limited: bool,
    /// What the true-peak limiter did; None when it is off.
    pub limiter: Option<LimiterStats>,
    /// The loudness of the samples as written (measured on them).
    pub achieved: Loudness,
}

/// The fields of a `bext` chunk that briefcast sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Bext {
    pub description: String,
    pub originator: String,
    pub originator_reference: String,
    /// `yyyy-mm-dd`
    pub origination_date: String,
    /// `hh:mm:ss`
    pub origination_time: String,
    /// First sample's count since midnight, at the file's sample rate.
    pub time_reference: u64,
    pub loudness: Option<Loudness>,
    /// EBU R 98 lines, each ending in CR LF.
    pub coding_history: String,
}

/// `LIST`/`INFO` tags; empty strings and `None` are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InfoTags {
    pub title: String,
    pub artist: String,
    pub software: String,
    /// ICRD, `yyyy-mm-dd`.
    pub created: Option<String>,
    pub comment: Option<String>,
}

/// The fields of an AES46 `cart` chunk that briefcast sets: what a
/// playout system shows and schedules by. Text is UTF-8, cut to each
/// field's size on a character boundary when written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cart {
    pub title: String,
    pub artist: String,
    pub cut_id: String,
    pub client_id: String,
    pub category: String,
    pub classification: String,
    pub out_cue: String,
    /// `yyyy/mm/dd` and `hh:mm:ss`, empty when there is no air window.
    pub start_date: String,
    pub start_time: String,
    pub end_date: String,
    pub end_time: String,
    pub producer_app_id: String,
    pub producer_app_version: String,
    pub user_def: String,
    /// The sample value of the 0 dB reference; the audio stage sets it
    /// from the measured loudness.
    pub level_reference: i32,
    /// Up to eight (usage id, sample) timers; the audio stage sets them
    /// from the timing.
    pub timers: Vec<([u8; 4], u32)>,
    pub url: String,
    pub tag_text: String,
}
