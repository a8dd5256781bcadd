//! One episode from stored clips to published files, and the fingerprint
//! that tells whether it needs doing at all.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::audio::{self, Assembled, ClipFile, EpisodeMeta};
use crate::config::{Config, PublishFormat};
use crate::model::{EpisodePlan, EpisodeTiming};
use crate::publish::manifest::{file_entry, ChapterEntry, LoudnessEntry};
use crate::publish::{self, captions, mp3, EpisodeEntry, SegmentEntry};
use crate::tts::ClipKey;

/// Bump when assembly or publishing changes the bytes written for the same inputs.
const ASSEMBLY_VERSION: &str = "briefcast assembly 2";

/// A hash of everything that shapes an episode's files: clip keys and
/// pauses in order, titles, audio and publish settings, intro and outro,
/// and the assembly version.
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
    field(&format!("{:?}", config.publish));
    for edge in [&config.audio.intro, &config.audio.outro]
        .into_iter()
        .flatten()
    {
        let bytes = std::fs::read(config.resolve(edge)).unwrap_or_default();
        field(blake3::hash(&bytes).to_hex().as_str());
    }
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

/// Whether a miss of the loudness target is an error (`--strict-loudness`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Strictness {
    pub loudness: bool,
}

/// Assemble into a temporary file, write the sidecars, then rename the WAV
/// into place: the previous episode stays until the new one is whole.
/// `clips` may block until the next clip arrives (see [`audio::assemble`]).
pub fn write_episode(
    config: &Config,
    episode: &EpisodePlan,
    clips: impl IntoIterator<Item = ClipFile>,
    keys: &[ClipKey],
    out_dir: &Path,
    created: &str,
    strict: Strictness,
) -> Result<EpisodeEntry> {
    let slug = &episode.slug;
    let wav_path = out_dir.join(format!("{slug}.wav"));
    let temp = publish::temp_file_in(&wav_path)
        .with_context(|| format!("cannot write in {}", out_dir.display()))?;
    let meta = episode_meta(config, episode, created);
    let assembled = audio::assemble(episode, clips, &config.audio, &meta, &temp)?;
    if strict.loudness && config.audio.normalize_loudness {
        let miss = (assembled.achieved.integrated_lufs - config.audio.loudness).abs();
        if miss > 1.0 {
            bail!(
                "loudness {:.1} LUFS misses the target {:.1} LUFS by {miss:.1} LU (the true-peak ceiling {} dBTP limits the gain); the previous file is kept",
                assembled.achieved.integrated_lufs,
                config.audio.loudness,
                config.audio.true_peak
            );
        }
    }
    let timing = &assembled.timing;
    let mut names = vec![format!("{slug}.wav")];
    let sidecars = [
        (
            "chapters.json",
            publish::chapters_json(episode, timing, &config.show.title),
        ),
        ("vtt", captions::webvtt(episode, timing)),
        ("srt", captions::srt(episode, timing)),
        ("labels.txt", captions::audacity_labels(episode, timing)),
    ];
    for (extension, contents) in sidecars {
        let name = format!("{slug}.{extension}");
        let path = out_dir.join(&name);
        publish::write_atomic(&path, contents.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        names.push(name);
    }
    temp.persist(&wav_path)
        .with_context(|| format!("cannot write {}", wav_path.display()))?;
    if config.publish.formats.contains(&PublishFormat::Mp3) {
        names.push(write_mp3(config, episode, timing, out_dir)?);
    }
    let files = names
        .iter()
        .map(|name| file_entry(out_dir, name))
        .collect::<std::io::Result<_>>()
        .context("cannot read back the written files")?;
    Ok(entry(config, episode, keys, created, &assembled, files))
}

fn episode_meta(config: &Config, episode: &EpisodePlan, created: &str) -> EpisodeMeta {
    let software = concat!("briefcast ", env!("CARGO_PKG_VERSION"));
    let edge = |path: &Option<std::path::PathBuf>| {
        path.as_ref().map(|p| ClipFile {
            path: config.resolve(p),
            format: crate::model::ClipFormat::Wav,
        })
    };
    let audio = &config.audio;
    EpisodeMeta {
        info: audio::wav::InfoTags {
            title: episode.title.clone(),
            artist: episode.speaker.clone(),
            software: software.to_owned(),
            created: Some(created.to_owned()).filter(|c| !c.is_empty()),
            comment: Some(config.show.title.clone()),
        },
        bext: audio::bext::Bext {
            description: format!("{} - briefcast episode", episode.slug),
            originator: "briefcast".into(),
            originator_reference: format!("briefcast-{}", episode.slug)
                .chars()
                .take(32)
                .collect(),
            origination_date: created.to_owned(),
            origination_time: "00:00:00".into(),
            time_reference: 0,
            loudness: None,
            coding_history: format!(
                "A=PCM,F={},W={},M=mono,T={software}\r\n",
                audio.sample_rate, audio.bit_depth
            ),
        },
        intro: edge(&audio.intro),
        outro: edge(&audio.outro),
    }
}

fn write_mp3(
    config: &Config,
    episode: &EpisodePlan,
    timing: &EpisodeTiming,
    out_dir: &Path,
) -> Result<String> {
    let name = format!("{}.mp3", episode.slug);
    let path = out_dir.join(&name);
    let wav_path = out_dir.join(format!("{}.wav", episode.slug));
    let mut blocks = audio::WavBlocks::open(&wav_path)
        .with_context(|| format!("cannot read {}", wav_path.display()))?;
    let ms = |frames: u64| crate::util::frames_to_millis(frames, timing.rate) as u32;
    let info = mp3::Id3Info {
        title: episode.title.clone(),
        artist: episode.speaker.clone(),
        album: config.show.title.clone(),
        comment: config.show.description.clone().unwrap_or_default(),
        chapters: episode
            .chapters
            .iter()
            .zip(&timing.chapters)
            .map(|(c, span)| {
                (
                    c.title.clone(),
                    ms(span.start),
                    ms(span.start + span.frames),
                )
            })
            .collect(),
    };
    let temp = publish::temp_file_in(&path)?;
    let options = mp3::Mp3Options {
        bitrate_kbps: config.publish.mp3_bitrate,
    };
    mp3::encode_mp3(
        timing.rate,
        &mut || blocks.next_block(),
        &temp,
        &options,
        &info,
    )
    .with_context(|| format!("encoding {}", path.display()))?;
    temp.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(name)
}

fn entry(
    config: &Config,
    episode: &EpisodePlan,
    keys: &[ClipKey],
    created: &str,
    assembled: &Assembled,
    files: Vec<publish::FileEntry>,
) -> EpisodeEntry {
    let timing = &assembled.timing;
    let loudness = (!assembled.achieved.is_silent()).then(|| LoudnessEntry {
        integrated_lufs: round2(assembled.achieved.integrated_lufs),
        range_lu: round2(assembled.achieved.range_lu),
        true_peak_dbtp: round2(assembled.achieved.true_peak_dbtp),
        max_momentary_lufs: round2(assembled.achieved.max_momentary_lufs),
        max_short_term_lufs: round2(assembled.achieved.max_short_term_lufs),
        gain_db: round2(assembled.gain.map_or(0.0, |g| g.gain_db)),
        ceiling_limited: assembled.gain.is_some_and(|g| g.ceiling_limited),
    });
    EpisodeEntry {
        order: 0,
        speaker: episode.speaker.clone(),
        title: episode.title.clone(),
        fingerprint: fingerprint(config, episode, keys, created),
        settings: serde_json::to_value(&config.audio).expect("plain data"),
        rate: timing.rate,
        total_frames: timing.total_frames,
        duration_seconds: crate::util::frames_to_seconds(timing.total_frames, timing.rate),
        loudness,
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
            .map(|(((chapter, segment), key), span)| SegmentEntry {
                id: segment.id.clone(),
                chapter,
                pause: segment.pause_after,
                announcement: segment.announcement,
                text: segment.text.clone(),
                spoken: segment.spoken.clone(),
                voice: segment.voice.clone(),
                key: key.to_string(),
                start_frame: span.start,
                frames: span.frames,
                start_seconds: crate::util::frames_to_seconds(span.start, timing.rate),
            })
            .collect(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `m:ss` for messages.
pub fn minutes(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    format!("{}:{:02}", whole / 60, whole % 60)
}
