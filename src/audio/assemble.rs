//! Streaming assembly of one episode in two passes, one clip in memory at a
//! time however long the episode.
//!
//! Pass one decodes each clip as it arrives, resamples it to the episode
//! rate, trims its silent edges, adds the configured pauses and measures
//! loudness (EBU R128), recording where every segment and chapter starts.
//! Pass two walks the same clips again (decoding and resampling are
//! deterministic, so it sees the very same samples), applies the gain that
//! reaches the loudness target, the true-peak limiter that keeps the
//! ceiling (or, without it, a gain held under the ceiling), quantizes
//! (TPDF dither when the samples changed), measures what it quantized and
//! writes the WAV with markers, INFO and BWF `bext` chunks (their loudness
//! is that measurement), handing the same samples to a [`Tap`] (the MP3).
//! When limiting took the loudness more than 0.2 LU off the target, pass
//! two runs again with the gain corrected (at most three writes).
//!
//! Decoding twice is cheaper than keeping the samples: a spool of f32 at
//! 48 kHz is 690 MB per hour written and read back, and its page-cache
//! traffic cost more system time than the second decode costs user time.

mod clip;
mod pass_two;

pub use clip::{check_clip, check_stored_clip, decode_clip};

use std::path::{Path, PathBuf};

use super::bext::{bext_payload, Bext};
use super::cart::{cart_payload, cart_timers, level_reference};
use super::decode::DecodeError;
use super::limiter::{Limiter, LimiterSettings};
use super::loudness::{plan_gain, LoudnessError, LoudnessMeter};
use super::trim::{trim_range, TrimSettings};
use super::wav::{ChapterMark, EpisodeWriter, InfoTags, WavError};
use crate::config::AudioConfig;
use crate::model::{Cart, ClipFormat, EpisodePlan, EpisodeTiming, Pause, Span};
use crate::util::{resample, ResampleError};
use pass_two::PassTwo;

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
    #[error(transparent)]
    Loudness(#[from] LoudnessError),
    /// `path` is the temporary file; the message names its folder.
    #[error("{source}")]
    Write { path: PathBuf, source: WavError },
    #[error(transparent)]
    Tap(TapError),
    #[error("episode {slug}: a clip changed while the episode was written; build again")]
    Changed { slug: String },
    #[error("{segment}: its clip is entirely below the trim threshold ({threshold_db} dBFS), so nothing of it would be heard; lower trim-threshold-db or check the service")]
    TrimmedToNothing { segment: String, threshold_db: f32 },
    #[error("episode {slug}: only {clips} of its {segments} clips arrived")]
    MissingClips {
        slug: String,
        clips: usize,
        segments: usize,
    },
}

/// The part of a segment's clip above the trim threshold; a clip with no
/// such part is an error, never published as silence.
fn trimmed(
    samples: &[f32],
    rate: u32,
    trim: &TrimSettings,
    segment: &crate::model::Segment,
) -> Result<std::ops::Range<usize>, AssembleError> {
    let range = trim_range(samples, rate, trim);
    if range.is_empty() {
        return Err(AssembleError::TrimmedToNothing {
            segment: segment.describe(),
            threshold_db: trim.threshold_db,
        });
    }
    Ok(range)
}

/// What the pipeline knows about an episode's metadata.
#[derive(Debug, Clone)]
pub struct EpisodeMeta {
    pub info: InfoTags,
    /// BWF fields; its loudness is filled in from the measurement.
    pub bext: Bext,
    /// AES46 fields, written before `data`; its timers are filled in from
    /// the timing, its level reference from the measurement.
    pub cart: Option<Cart>,
    /// Audio before the first and after the last segment.
    pub intro: Option<ClipFile>,
    pub outro: Option<ClipFile>,
}

pub use crate::model::Assembled;

/// Another file written from the very samples of the WAV, in the same pass
/// (an encoder for a publishing format, a progress count).
pub trait Tap {
    /// Pass two is about to start: the timing is final.
    fn start(&mut self, timing: &EpisodeTiming) -> Result<(), TapError>;
    /// The next samples as written to the WAV (quantized, scaled to ±1).
    fn write(&mut self, samples: &[f32]) -> Result<(), TapError>;
    /// Every sample has been written.
    fn finish(&mut self) -> Result<(), TapError>;
}

/// A tap's own error, with its context.
pub type TapError = Box<dyn std::error::Error + Send + Sync>;

/// A tap that takes nothing.
pub struct NoTap;

impl Tap for NoTap {
    fn start(&mut self, _: &EpisodeTiming) -> Result<(), TapError> {
        Ok(())
    }
    fn write(&mut self, _: &[f32]) -> Result<(), TapError> {
        Ok(())
    }
    fn finish(&mut self) -> Result<(), TapError> {
        Ok(())
    }
}

fn pause_frames(pause: Pause, settings: &AudioConfig) -> u64 {
    let ms = match pause {
        Pause::Sentence => settings.sentence_pause_ms,
        Pause::Paragraph => settings.paragraph_pause_ms,
        Pause::Chapter => settings.chapter_pause_ms,
        Pause::Announcement => settings.announcement_pause_ms,
        Pause::End => 0,
    };
    u64::from(ms) * u64::from(settings.sample_rate) / 1000
}

/// Write the episode to `out` (a temporary path the caller renames) and
/// return where every chapter and segment landed, with its loudness.
///
/// `clips` yields one clip per segment in order and may block until the
/// next one exists, so pass one runs while later clips are still being
/// synthesised; if it ends early nothing is written. `tap` receives the
/// samples written, in the same pass.
pub fn assemble(
    plan: &EpisodePlan,
    clips: impl IntoIterator<Item = ClipFile>,
    settings: &AudioConfig,
    meta: &EpisodeMeta,
    out: &Path,
    tap: &mut dyn Tap,
) -> Result<Assembled, AssembleError> {
    let rate = settings.sample_rate;
    let limit = settings.normalize_loudness && settings.limiter;
    // Pass one measures only what the gain needs: with the limiter keeping
    // the peaks, the integrated loudness.
    let mut meter = match (settings.normalize_loudness, limit) {
        (false, _) => None,
        (true, true) => Some(LoudnessMeter::integrated_only(rate)?),
        (true, false) => Some(LoudnessMeter::new(rate)?),
    };
    let mut arrived = Vec::new();
    let (timing, leads) = walk(
        plan,
        clips.into_iter().inspect(|clip| arrived.push(clip.clone())),
        settings,
        meta,
        &mut |samples| match &mut meter {
            Some(meter) => Ok(meter.add(samples)?),
            None => Ok(()),
        },
    )?;
    let (gain_db, ceiling_limited) = match &meter {
        None => (None, false),
        Some(meter) if limit => {
            let measured = meter.integrated()?;
            let gain = if measured.is_finite() {
                settings.loudness - measured
            } else {
                0.0
            };
            (Some(gain), false)
        }
        Some(meter) => {
            let plan = plan_gain(&meter.finish()?, settings.loudness, settings.true_peak);
            (Some(plan.gain_db), plan.ceiling_limited)
        }
    };

    let write_err = |source| AssembleError::Write {
        path: out.to_owned(),
        source,
    };
    super::wav::check_fits(timing.total_frames, settings.bit_depth).map_err(write_err)?;
    let mut gain_db = gain_db;
    let mut writes = 0;
    loop {
        writes += 1;
        tap.start(&timing).map_err(AssembleError::Tap)?;
        let cart = meta.cart.clone().map(|mut cart| {
            cart.timers = cart_timers(&timing);
            cart
        });
        let head: Vec<(&[u8; 4], Vec<u8>)> =
            cart.iter().map(|c| (b"cart", cart_payload(c))).collect();
        let mut writer = EpisodeWriter::create_with_head(out, rate, settings.bit_depth, &head)
            .map_err(write_err)?;
        let limiter =
            limit.then(|| Limiter::new(rate, &LimiterSettings::speech(settings.true_peak)));
        let mut pass = PassTwo::new(gain_db, limiter, settings.bit_depth, &plan.slug, rate)?;
        let mut sink = |quantized: &[i32], written: &[f32]| {
            writer.write_quantized(quantized).map_err(write_err)?;
            tap.write(written).map_err(AssembleError::Tap)
        };
        let (written, _) = walk(
            plan,
            arrived.iter().cloned(),
            settings,
            meta,
            &mut |samples| pass.push(samples, &mut sink),
        )?;
        let limiter = pass.finish(&mut sink)?;
        if written.total_frames != timing.total_frames {
            return Err(AssembleError::Changed {
                slug: plan.slug.clone(),
            });
        }
        let achieved = pass.meter.finish()?;
        // Limiting takes some loudness with the peaks it lowers: when that
        // misses the target, write again with the gain raised by the miss.
        let miss = settings.loudness - achieved.integrated_lufs;
        if limit && miss.is_finite() && miss.abs() > RETRY_LU && writes < MAX_WRITES {
            gain_db = gain_db.map(|g| g + miss);
            continue;
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
        if let Some(mut cart) = cart {
            cart.level_reference = level_reference(achieved.integrated_lufs, settings.bit_depth);
            writer
                .rewrite_head(b"cart", cart_payload(&cart))
                .map_err(write_err)?;
        }
        let mut bext = meta.bext.clone();
        bext.loudness = Some(achieved).filter(|l| !l.is_silent());
        writer
            .finish_with(&marks, &meta.info, &[(b"bext", bext_payload(&bext))])
            .map_err(write_err)?;
        tap.finish().map_err(AssembleError::Tap)?;
        return Ok(Assembled {
            timing,
            leads,
            gain_db,
            ceiling_limited,
            limiter,
            achieved,
        });
    }
}

/// A written episode further than this from the target (LU) is written
/// again with the gain corrected, at most [`MAX_WRITES`] times in all.
const RETRY_LU: f64 = 0.2;
const MAX_WRITES: usize = 3;

/// Streams the episode's samples into `sink`, one clip in memory at a
/// time: intro, each clip (trimmed) and the pause after it, outro. Both
/// passes walk the same clips, so they see exactly the same samples; the
/// audio is never spooled. Returns where every chapter and segment lies,
/// and how many frames were trimmed from the head of each segment's clip.
fn walk(
    plan: &EpisodePlan,
    clips: impl IntoIterator<Item = ClipFile>,
    settings: &AudioConfig,
    meta: &EpisodeMeta,
    sink: &mut dyn FnMut(&[f32]) -> Result<(), AssembleError>,
) -> Result<(EpisodeTiming, Vec<u64>), AssembleError> {
    let rate = settings.sample_rate;
    let trim = settings.trim.then_some(TrimSettings {
        threshold_db: settings.trim_threshold_db,
        keep_ms: settings.trim_keep_ms,
    });
    let mut timing = EpisodeTiming {
        rate,
        ..EpisodeTiming::default()
    };
    let mut out = Stream { sink, frames: 0 };
    let mut leads = Vec::new();
    if let Some(intro) = &meta.intro {
        out.push(&load(intro, rate)?)?;
        out.pause(Pause::Announcement, settings)?;
    }
    let mut clips = clips.into_iter();
    for chapter in &plan.chapters {
        let start = if timing.chapters.is_empty() {
            0
        } else {
            out.frames
        };
        timing.chapters.push(Span { start, frames: 0 });
        for segment in &chapter.segments {
            let Some(clip) = clips.next() else {
                return Err(AssembleError::MissingClips {
                    slug: plan.slug.clone(),
                    clips: timing.segments.len(),
                    segments: plan.segments().count(),
                });
            };
            let samples = load(&clip, rate)?;
            let kept = match &trim {
                Some(trim) => trimmed(&samples, rate, trim, segment)?,
                None => 0..samples.len(),
            };
            leads.push(kept.start as u64);
            let kept = &samples[kept];
            timing.segments.push(Span {
                start: out.frames,
                frames: kept.len() as u64,
            });
            out.push(kept)?;
            out.pause(segment.pause_after, settings)?;
        }
    }
    if let Some(outro) = &meta.outro {
        out.pause(Pause::Announcement, settings)?;
        out.push(&load(outro, rate)?)?;
    }
    timing.total_frames = out.frames;
    let ends: Vec<u64> = timing
        .chapters
        .iter()
        .skip(1)
        .map(|c| c.start)
        .chain([timing.total_frames])
        .collect();
    for (chapter, end) in timing.chapters.iter_mut().zip(ends) {
        chapter.frames = end - chapter.start;
    }
    Ok((timing, leads))
}

/// Samples per block handed to a pass.
const BLOCK: usize = 8192;

/// Where [`walk`] sends samples, counting them.
struct Stream<'s> {
    sink: &'s mut dyn FnMut(&[f32]) -> Result<(), AssembleError>,
    frames: u64,
}

impl Stream<'_> {
    /// In blocks, so the sink's own buffers stay small however long the clip.
    fn push(&mut self, samples: &[f32]) -> Result<(), AssembleError> {
        self.frames += samples.len() as u64;
        samples
            .chunks(BLOCK)
            .try_for_each(|block| (self.sink)(block))
    }

    fn pause(&mut self, pause: Pause, settings: &AudioConfig) -> Result<(), AssembleError> {
        let zeros = [0.0f32; BLOCK];
        let mut left = pause_frames(pause, settings);
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            self.push(&zeros[..n])?;
            left -= n as u64;
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Segment, SourcePos};

    fn tone(dir: &Path, name: &str, hz: f32) -> ClipFile {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 24_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let path = dir.join(name);
        let mut writer = hound::WavWriter::create(&path, spec).unwrap();
        for i in 0..12_000 {
            let t = i as f32 / 24_000.0;
            let sample = (2.0 * std::f32::consts::PI * hz * t).sin() * 8000.0;
            writer.write_sample(sample as i16).unwrap();
        }
        writer.finalize().unwrap();
        ClipFile {
            path,
            format: ClipFormat::Wav,
        }
    }

    fn plan(segments: usize) -> EpisodePlan {
        let segment = |n: usize| Segment {
            id: format!("s/1/1/{n}"),
            text: format!("第{n}句。"),
            spoken: format!("第{n}句。"),
            voice: "v".into(),
            source: SourcePos {
                path: "s.md".into(),
                line: n,
            },
            pause_after: Pause::Sentence,
            announcement: false,
            words: Vec::new(),
        };
        EpisodePlan {
            order: 0,
            speaker: "讲话人".into(),
            slug: "s".into(),
            title: "标题".into(),
            chapters: vec![ChapterPlan {
                title: "标题".into(),
                segments: (1..=segments).map(segment).collect(),
            }],
        }
    }

    fn meta() -> EpisodeMeta {
        EpisodeMeta {
            info: InfoTags {
                title: "标题".into(),
                artist: "讲话人".into(),
                software: "briefcast".into(),
                created: None,
                comment: None,
            },
            bext: Bext {
                description: "s".into(),
                originator: "briefcast".into(),
                originator_reference: "briefcast-s".into(),
                origination_date: "2024-05-01".into(),
                origination_time: "00:00:00".into(),
                time_reference: 0,
                loudness: None,
                coding_history: String::new(),
            },
            cart: Some(crate::model::Cart {
                title: "标题".into(),
                ..Default::default()
            }),
            intro: None,
            outro: None,
        }
    }

    #[test]
    fn clips_fed_one_at_a_time_give_the_same_file_and_an_early_end_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let clips: Vec<ClipFile> = [220.0, 330.0, 440.0]
            .iter()
            .enumerate()
            .map(|(i, &hz)| tone(dir.path(), &format!("{i}.wav"), hz))
            .collect();
        let (plan, settings) = (plan(3), AudioConfig::default());

        let whole = dir.path().join("whole.wav");
        assemble(&plan, clips.clone(), &settings, &meta(), &whole, &mut NoTap).unwrap();
        let (feed, fed) = std::sync::mpsc::channel();
        let sender = {
            let clips = clips.clone();
            std::thread::spawn(move || clips.into_iter().for_each(|c| feed.send(c).unwrap()))
        };
        let streamed = dir.path().join("streamed.wav");
        let timing = assemble(&plan, fed, &settings, &meta(), &streamed, &mut NoTap)
            .unwrap()
            .timing;
        sender.join().unwrap();
        assert_eq!(timing.segments.len(), 3);
        assert_eq!(
            std::fs::read(&whole).unwrap(),
            std::fs::read(&streamed).unwrap()
        );

        let cut = dir.path().join("cut.wav");
        let error = assemble(
            &plan,
            clips[..2].to_vec(),
            &settings,
            &meta(),
            &cut,
            &mut NoTap,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "episode s: only 2 of its 3 clips arrived"
        );
        assert!(!cut.exists());
    }
}
