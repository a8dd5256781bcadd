//! Streaming assembly of one episode: clip by clip into the WAV writer,
//! with the configured pauses, recording where each segment and chapter
//! starts. Memory holds one clip at a time, however long the episode.

use std::path::{Path, PathBuf};

use super::decode::{self, Clip, DecodeError, PcmLayout, SampleFormat};
use super::resample::{resample, ResampleError};
use super::wav::{ChapterMark, EpisodeWriter, InfoTags, WavError};
use crate::config::AudioConfig;
use crate::model::{ClipFormat, EpisodePlan, EpisodeTiming, Pause, Span};

/// A stored clip to read, in the format its service returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipFile {
    pub path: PathBuf,
    pub format: ClipFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum AssembleError {
    #[error("cannot read clip {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("clip {path}: {source}")]
    Decode { path: PathBuf, source: DecodeError },
    #[error(transparent)]
    Resample(#[from] ResampleError),
    #[error("writing {path}: {source}")]
    Write { path: PathBuf, source: WavError },
    #[error("episode {slug}: {clips} clips for {segments} segments")]
    ClipCount {
        slug: String,
        clips: usize,
        segments: usize,
    },
}

/// Decode a response body as the format its service declared.
pub fn decode_clip(bytes: &[u8], format: ClipFormat) -> Result<Clip, DecodeError> {
    match format {
        ClipFormat::Wav => decode::decode_wav(bytes),
        ClipFormat::PcmS16 { rate } => decode::decode_pcm(
            bytes,
            PcmLayout {
                rate,
                channels: 1,
                format: SampleFormat::S16Le,
            },
        ),
    }
}

/// Whether a response body is usable audio: decodes, not empty, not silent.
pub fn check_clip(bytes: &[u8], format: ClipFormat) -> Result<(), String> {
    let clip = decode_clip(bytes, format).map_err(|e| e.to_string())?;
    decode::validate(&clip)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn pause_frames(pause: Pause, settings: &AudioConfig) -> u64 {
    let ms = match pause {
        Pause::Sentence => settings.sentence_pause_ms,
        Pause::Paragraph => settings.paragraph_pause_ms,
        Pause::Chapter => settings.chapter_pause_ms,
        Pause::End => 0,
    };
    u64::from(ms) * u64::from(settings.sample_rate) / 1000
}

/// Write the episode to `out` (a temporary path the caller renames) and
/// return where every chapter and segment landed.
pub fn assemble(
    plan: &EpisodePlan,
    clips: &[ClipFile],
    settings: &AudioConfig,
    info: &InfoTags,
    out: &Path,
) -> Result<EpisodeTiming, AssembleError> {
    let segments = plan.segments().count();
    if clips.len() != segments {
        return Err(AssembleError::ClipCount {
            slug: plan.slug.clone(),
            clips: clips.len(),
            segments,
        });
    }
    let write_err = |source| AssembleError::Write {
        path: out.to_owned(),
        source,
    };
    let rate = settings.sample_rate;
    let mut writer = EpisodeWriter::create(out, rate, 16).map_err(write_err)?;
    let mut timing = EpisodeTiming {
        rate,
        ..EpisodeTiming::default()
    };
    let mut clips = clips.iter();
    let silence = vec![0.0f32; 4096];
    for chapter in &plan.chapters {
        timing.chapters.push(Span {
            start: writer.frames(),
            frames: 0,
        });
        for (segment, clip) in chapter.segments.iter().zip(clips.by_ref()) {
            let samples = load(clip, rate)?;
            timing.segments.push(Span {
                start: writer.frames(),
                frames: samples.len() as u64,
            });
            writer.write(&samples).map_err(write_err)?;
            let mut pause = pause_frames(segment.pause_after, settings);
            while pause > 0 {
                let n = pause.min(silence.len() as u64) as usize;
                writer.write(&silence[..n]).map_err(write_err)?;
                pause -= n as u64;
            }
        }
    }
    timing.total_frames = writer.frames();
    let ends = timing
        .chapters
        .iter()
        .skip(1)
        .map(|c| c.start)
        .chain([timing.total_frames])
        .collect::<Vec<_>>();
    for (chapter, end) in timing.chapters.iter_mut().zip(ends) {
        chapter.frames = end - chapter.start;
    }
    let marks: Vec<ChapterMark> = plan
        .chapters
        .iter()
        .zip(&timing.chapters)
        .map(|(chapter, span)| ChapterMark {
            start_frame: span.start as u32,
            length_frames: span.frames as u32,
            title: chapter.title.clone(),
        })
        .collect();
    writer.finish(&marks, info).map_err(write_err)?;
    Ok(timing)
}

/// One clip, decoded, mixed to mono and at the episode rate.
fn load(clip: &ClipFile, rate: u32) -> Result<Vec<f32>, AssembleError> {
    let bytes = fs_err::read(&clip.path).map_err(|source| AssembleError::Read {
        path: clip.path.clone(),
        source,
    })?;
    let decoded = decode_clip(&bytes, clip.format).map_err(|source| AssembleError::Decode {
        path: clip.path.clone(),
        source,
    })?;
    Ok(resample(&decoded.samples, decoded.rate, rate)?)
}
