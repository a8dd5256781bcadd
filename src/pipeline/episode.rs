//! One episode from stored clips to published files, and the fingerprint
//! that tells whether it needs doing at all.

use std::path::Path;

use anyhow::{Context, Result};

use crate::audio::{self, ClipFile};
use crate::config::Config;
use crate::model::{EpisodePlan, EpisodeTiming};
use crate::publish::{self, EpisodeEntry, SegmentEntry};
use crate::tts::ClipKey;

/// Bump when assembly changes the bytes it writes for the same inputs.
const ASSEMBLY_VERSION: &str = "briefcast assembly 1";

/// A hash of everything that shapes an episode's files: clip keys and
/// pauses in order, titles, show settings and the assembly version.
pub fn fingerprint(
    config: &Config,
    episode: &EpisodePlan,
    keys: &[ClipKey],
    created: &str,
) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut field = |text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    field(ASSEMBLY_VERSION);
    field(&serde_json::to_string(&config.audio).expect("plain data"));
    field(&config.show.title);
    field(created);
    field(&episode.speaker);
    field(&episode.title);
    let mut keys = keys.iter();
    for chapter in &episode.chapters {
        field(&chapter.title);
        for (segment, key) in chapter.segments.iter().zip(keys.by_ref()) {
            field(key.as_str());
            field(&format!("{:?}", segment.pause_after));
            field(&segment.text);
        }
    }
    hasher.finalize().to_hex().to_string()
}

/// Assemble into a temporary file, write the sidecars, then rename the WAV
/// into place: the previous episode stays until the new one is whole.
pub fn write_episode(
    config: &Config,
    episode: &EpisodePlan,
    clips: &[ClipFile],
    keys: &[ClipKey],
    out_dir: &Path,
    created: &str,
) -> Result<EpisodeEntry> {
    let wav_name = format!("{}.wav", episode.slug);
    let wav_path = out_dir.join(&wav_name);
    let temp = publish::temp_file_in(&wav_path)
        .with_context(|| format!("cannot write in {}", out_dir.display()))?;
    let info = audio::wav::InfoTags {
        title: episode.title.clone(),
        artist: episode.speaker.clone(),
        software: concat!("briefcast ", env!("CARGO_PKG_VERSION")).to_owned(),
        created: Some(created.to_owned()).filter(|c| !c.is_empty()),
        comment: Some(config.show.title.clone()),
    };
    let timing = audio::assemble(episode, clips, &config.audio, &info, &temp)?;
    let chapters_name = format!("{}.chapters.json", episode.slug);
    let chapters = publish::chapters_json(episode, &timing, &config.show.title);
    publish::write_atomic(&out_dir.join(&chapters_name), chapters.as_bytes())
        .with_context(|| format!("cannot write {}", out_dir.join(&chapters_name).display()))?;
    temp.persist(&wav_path)
        .with_context(|| format!("cannot write {}", wav_path.display()))?;

    let files = [wav_name, chapters_name]
        .iter()
        .map(|name| publish::manifest::file_entry(out_dir, name))
        .collect::<std::io::Result<_>>()
        .context("cannot read back the written files")?;
    Ok(EpisodeEntry {
        speaker: episode.speaker.clone(),
        title: episode.title.clone(),
        fingerprint: fingerprint(config, episode, keys, created),
        settings: serde_json::to_value(&config.audio).expect("plain data"),
        duration_seconds: seconds(timing.total_frames, timing.rate),
        files,
        segments: segment_entries(episode, keys, &timing),
    })
}

fn segment_entries(
    episode: &EpisodePlan,
    keys: &[ClipKey],
    timing: &EpisodeTiming,
) -> Vec<SegmentEntry> {
    episode
        .segments()
        .zip(keys)
        .zip(&timing.segments)
        .map(|((segment, key), span)| SegmentEntry {
            id: segment.id.clone(),
            text: segment.text.clone(),
            spoken: segment.spoken.clone(),
            voice: segment.voice.clone(),
            key: key.to_string(),
            start_frame: span.start,
            frames: span.frames,
            start_seconds: seconds(span.start, timing.rate),
        })
        .collect()
}

fn seconds(frames: u64, rate: u32) -> f64 {
    (frames as f64 * 1000.0 / f64::from(rate)).round() / 1000.0
}

/// `m:ss` for messages.
pub fn minutes(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    format!("{}:{:02}", whole / 60, whole % 60)
}
