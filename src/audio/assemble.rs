//! Streaming assembly of one episode in two passes, one clip in memory at a
//! time however long the episode.
//!
//! Pass one decodes each clip as it arrives, resamples it to the episode
//! rate, trims its silent edges, adds the configured pauses and measures
//! loudness (EBU R128), recording where every segment and chapter starts.
//! Pass two walks the same clips again (decoding and resampling are
//! deterministic, so it sees the very same samples), applies the one gain
//! that reaches the loudness target under the true-peak ceiling, quantizes
//! (TPDF dither when the gain changed the samples) and writes the WAV with
//! markers, INFO and BWF `bext` chunks.
//!
//! Decoding twice is cheaper than keeping the samples: a spool of f32 at
//! 48 kHz is 690 MB per hour written and read back, and its page-cache
//! traffic cost more system time than the second decode costs user time.

use std::path::{Path, PathBuf};

use super::bext::{bext_payload, Bext};
use super::decode::{self, Clip, DecodeError, PcmLayout, SampleFormat};
use super::dither::{seed_from, Dither};
use super::loudness::{plan_gain, GainPlan, Loudness, LoudnessError, LoudnessMeter};
use super::resample::{resample, ResampleError};
use super::trim::{trim_range, TrimSettings};
use super::wav::{ChapterMark, EpisodeWriter, InfoTags, WavError};
use crate::config::AudioConfig;
use crate::model::{ClipFormat, EpisodePlan, EpisodeTiming, Pause, PcmSample, Span};

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
    #[error("writing {path}: {source}")]
    Write { path: PathBuf, source: WavError },
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
    /// Audio before the first and after the last segment.
    pub intro: Option<ClipFile>,
    pub outro: Option<ClipFile>,
}

#[derive(Debug, Clone)]
pub struct Assembled {
    pub timing: EpisodeTiming,
    /// None when `normalize-loudness` is off (then `achieved` is measured as is).
    pub gain: Option<GainPlan>,
    /// The loudness of the written episode.
    pub achieved: Loudness,
}

/// Decode a response body as the format its service declared.
pub fn decode_clip(bytes: &[u8], format: ClipFormat) -> Result<Clip, DecodeError> {
    match format {
        ClipFormat::Wav => decode::decode_wav(bytes),
        ClipFormat::Pcm {
            rate,
            channels,
            sample,
        } => decode::decode_pcm(bytes, pcm_layout(rate, channels, sample)),
    }
}

/// The raw PCM layout a format declares (WAV carries its own).
fn pcm_layout(rate: u32, channels: u16, sample: PcmSample) -> PcmLayout {
    PcmLayout {
        rate,
        channels,
        format: match sample {
            PcmSample::S16le => SampleFormat::S16Le,
            PcmSample::S24le => SampleFormat::S24Le,
            PcmSample::S32le => SampleFormat::S32Le,
            PcmSample::F32le => SampleFormat::F32Le,
            PcmSample::U8 => SampleFormat::U8,
        },
    }
}

/// Whether a response body is usable audio (decodes, not empty, not
/// silent); its duration in seconds.
pub fn check_clip(bytes: &[u8], format: ClipFormat) -> Result<f64, String> {
    let clip = decode_clip(bytes, format).map_err(|e| e.to_string())?;
    decode::validate(&clip).map_err(|e| e.to_string())
}

/// Whether a stored clip, fully checked when it arrived, is still whole:
/// its header parses and its samples are all there. Decodes nothing.
pub fn check_stored_clip(bytes: &[u8], format: ClipFormat) -> Result<(), String> {
    let checked = match format {
        ClipFormat::Wav => decode::check_wav(bytes),
        ClipFormat::Pcm {
            rate,
            channels,
            sample,
        } => decode::check_pcm(bytes, pcm_layout(rate, channels, sample)),
    };
    checked.map_err(|e| e.to_string())
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
/// synthesised; if it ends early nothing is written.
pub fn assemble(
    plan: &EpisodePlan,
    clips: impl IntoIterator<Item = ClipFile>,
    settings: &AudioConfig,
    meta: &EpisodeMeta,
    out: &Path,
) -> Result<Assembled, AssembleError> {
    let rate = settings.sample_rate;
    let mut meter = LoudnessMeter::new(rate)?;
    let mut arrived = Vec::new();
    let timing = walk(
        plan,
        clips.into_iter().inspect(|clip| arrived.push(clip.clone())),
        settings,
        meta,
        &mut |samples| Ok(meter.add(samples)?),
    )?;

    let measured = meter.finish()?;
    let gain = settings
        .normalize_loudness
        .then(|| plan_gain(&measured, settings.loudness, settings.true_peak));
    let achieved = gain.map_or(measured, |g| g.expected);

    let write_err = |source| AssembleError::Write {
        path: out.to_owned(),
        source,
    };
    let mut writer = EpisodeWriter::create(out, rate, settings.bit_depth).map_err(write_err)?;
    let mut quantizer = Quantizer::new(gain.as_ref(), settings.bit_depth, &plan.slug);
    let written = walk(plan, arrived, settings, meta, &mut |samples| {
        writer
            .write_quantized(quantizer.quantize(samples))
            .map_err(write_err)
    })?;
    if written.total_frames != timing.total_frames {
        return Err(AssembleError::Changed {
            slug: plan.slug.clone(),
        });
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
    let mut bext = meta.bext.clone();
    bext.loudness = Some(achieved).filter(|l| !l.is_silent());
    writer
        .finish_with(&marks, &meta.info, &[(b"bext", bext_payload(&bext))])
        .map_err(write_err)?;
    Ok(Assembled {
        timing,
        gain,
        achieved,
    })
}

/// Streams the episode's samples into `sink`, one clip in memory at a
/// time: intro, each clip (trimmed) and the pause after it, outro. Both
/// passes walk the same clips, so they see exactly the same samples; the
/// audio is never spooled. Returns where every chapter and segment lies.
fn walk(
    plan: &EpisodePlan,
    clips: impl IntoIterator<Item = ClipFile>,
    settings: &AudioConfig,
    meta: &EpisodeMeta,
    sink: &mut dyn FnMut(&[f32]) -> Result<(), AssembleError>,
) -> Result<EpisodeTiming, AssembleError> {
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
                Some(trim) => &samples[trimmed(&samples, rate, trim, segment)?],
                None => &samples[..],
            };
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
    Ok(timing)
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

/// Pass two's arithmetic: the gain, then quantization to the file's bit
/// depth (TPDF dither, seeded by the episode, when the gain changed the
/// samples).
struct Quantizer {
    factor: f32,
    dither: Option<Dither>,
    full: f64,
    out: Vec<i32>,
}

impl Quantizer {
    fn new(gain: Option<&GainPlan>, bits: u16, slug: &str) -> Quantizer {
        let factor = gain.map_or(1.0, GainPlan::factor);
        Quantizer {
            factor,
            dither: (factor != 1.0).then(|| Dither::new(seed_from(slug), bits)),
            full: f64::from((1i32 << (bits - 1)) - 1),
            out: Vec::new(),
        }
    }

    fn quantize(&mut self, samples: &[f32]) -> &[i32] {
        self.out.clear();
        for &sample in samples {
            let sample = sample * self.factor;
            self.out.push(match &mut self.dither {
                Some(dither) => dither.quantize(sample),
                None => (f64::from(sample).clamp(-1.0, 1.0) * self.full).round() as i32,
            });
        }
        &self.out
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
        assemble(&plan, clips.clone(), &settings, &meta(), &whole).unwrap();
        let (feed, fed) = std::sync::mpsc::channel();
        let sender = {
            let clips = clips.clone();
            std::thread::spawn(move || clips.into_iter().for_each(|c| feed.send(c).unwrap()))
        };
        let streamed = dir.path().join("streamed.wav");
        let timing = assemble(&plan, fed, &settings, &meta(), &streamed)
            .unwrap()
            .timing;
        sender.join().unwrap();
        assert_eq!(timing.segments.len(), 3);
        assert_eq!(
            std::fs::read(&whole).unwrap(),
            std::fs::read(&streamed).unwrap()
        );

        let cut = dir.path().join("cut.wav");
        let error = assemble(&plan, clips[..2].to_vec(), &settings, &meta(), &cut).unwrap_err();
        assert_eq!(
            error.to_string(),
            "episode s: only 2 of its 3 clips arrived"
        );
        assert!(!cut.exists());
    }
}
