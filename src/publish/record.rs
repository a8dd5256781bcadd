//! The manifest's entry for an episode just written: its plan and where
//! each segment and word landed, the loudness the audio stage measured (rounded to
//! hundredths), and what the caller knows of it (fingerprint, settings,
//! voices, files).

use super::manifest::{ChapterEntry, LimiterEntry, LoudnessEntry, VoiceEntry};
use super::words::word_entries;
use super::{EpisodeEntry, FileEntry, SegmentEntry};
use crate::model::Assembled;
use crate::model::EpisodePlan;
use crate::util::frames_to_seconds;

/// Everything an episode's entry is made from.
pub struct Written<'a> {
    pub plan: &'a EpisodePlan,
    /// The clip key of each segment, in playing order.
    pub keys: Vec<String>,
    pub assembled: &'a Assembled,
    pub fingerprint: String,
    /// The audio settings it was assembled with.
    pub settings: serde_json::Value,
    pub voices: Vec<VoiceEntry>,
    pub files: Vec<FileEntry>,
}

/// The entry, with `order` 0 (the caller sets the episode's place in the show).
pub fn episode_entry(written: Written) -> EpisodeEntry {
    let Written {
        plan: episode,
        keys,
        assembled,
        fingerprint,
        settings,
        voices,
        files,
    } = written;
    let timing = &assembled.timing;
    let loudness = (!assembled.achieved.is_silent()).then(|| LoudnessEntry {
        integrated_lufs: round2(assembled.achieved.integrated_lufs),
        range_lu: round2(assembled.achieved.range_lu),
        true_peak_dbtp: round2(assembled.achieved.true_peak_dbtp),
        max_momentary_lufs: round2(assembled.achieved.max_momentary_lufs),
        max_short_term_lufs: round2(assembled.achieved.max_short_term_lufs),
        gain_db: round2(assembled.gain_db.unwrap_or(0.0)),
        ceiling_limited: assembled.ceiling_limited,
        limiter: assembled.limiter.map(|l| LimiterEntry {
            max_reduction_db: round2(l.max_reduction_db),
            limited_seconds: round2(frames_to_seconds(l.limited_samples, timing.rate)),
        }),
    });
    EpisodeEntry {
        order: 0,
        clips: Default::default(),
        speaker: episode.speaker.clone(),
        title: episode.title.clone(),
        fingerprint,
        created: String::new(),
        settings,
        rate: timing.rate,
        total_frames: timing.total_frames,
        duration_seconds: frames_to_seconds(timing.total_frames, timing.rate),
        loudness,
        voices,
        files,
        chapters: episode
            .chapters
            .iter()
            .zip(&timing.chapters)
            .map(|(c, span)| ChapterEntry {
                title: c.title.clone(),
                start_frame: span.start,
                frames: span.frames,
            })
            .collect(),
        segments: episode
            .chapters
            .iter()
            .enumerate()
            .flat_map(|(c, chapter)| chapter.segments.iter().map(move |s| (c, s)))
            .zip(keys)
            .zip(&timing.segments)
            .enumerate()
            .map(|(i, (((chapter, segment), key), span))| SegmentEntry {
                id: segment.id.clone(),
                chapter,
                pause: segment.pause_after,
                announcement: segment.announcement,
                text: segment.text.clone(),
                spoken: segment.spoken.clone(),
                voice: segment.voice.clone(),
                key,
                start_frame: span.start,
                frames: span.frames,
                start_seconds: frames_to_seconds(span.start, timing.rate),
                words: word_entries(segment, timing.words.get(i)),
            })
            .collect(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
