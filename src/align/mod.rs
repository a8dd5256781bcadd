//! Forced alignment: where each word of a clip is heard, for a clip whose
//! service sent only audio, found by comparing it with a reference
//! reading of the same text whose word times are known (the embedded
//! espeak-ng's). No network, no speech recogniser; the method aeneas uses.
//!
//! 1. Both recordings are resampled to 16 kHz and cut into 10 ms frames
//!    of mel cepstra and their deltas (`features.rs`), normalised over
//!    each recording's speech so two voices become comparable.
//! 2. The voiced frames of each (silent ones left out, as aeneas masks
//!    them: two readings pause differently, and a pause matches any other
//!    silence equally well) are matched by dynamic time warping in a band
//!    (`dtw.rs`): the cheapest monotone pairing of clip frames with
//!    reference frames.
//! 3. Each reference word is carried through that pairing: it starts at
//!    the first clip frame paired with its first voiced frame and ends
//!    after the last clip frame paired with its last.
//! 4. A boundary close to a pause in the clip moves to the pause's edge
//!    (a start on a long pause's beginning to its end), and the times are
//!    made consistent: in order, no overlaps, inside the clip
//!    (`refine.rs`).
//!
//! Pure: samples in, times out; no files, no clock. Cost grows linearly
//! with the length (see `dtw.rs` for the memory bound).

mod dtw;
#[cfg(test)]
mod espeak_tests;
mod features;
mod refine;
#[cfg(test)]
mod tests;

use crate::model::ClipWord;
use crate::util::resample;

use features::{FRAME_SECONDS, RATE};

/// Mono samples at a rate: a clip or a reference reading.
#[derive(Debug, Clone, Copy)]
pub struct Audio<'a> {
    pub samples: &'a [f32],
    pub rate: u32,
}

impl Audio<'_> {
    fn seconds(&self) -> f64 {
        self.samples.len() as f64 / self.rate as f64
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AlignError {
    #[error("the {0} has no speech to align to")]
    Silent(&'static str),
    #[error(
        "reference word {index} is out of order or outside the reference ({start} s to {end} s)"
    )]
    BadWord { index: usize, start: f64, end: f64 },
    #[error("cannot bring the {what} to 16 kHz: {source}")]
    Resample {
        what: &'static str,
        source: crate::util::ResampleError,
    },
}

/// A reading of the clip's text whose word times are known: `words` in
/// order, in seconds from the reading's first sample.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a> {
    pub audio: Audio<'a>,
    pub words: &'a [ClipWord],
}

/// The clip's word times, one per reference word with the same `from` and
/// `to`, given a `reference` reading of the same text with its `words`
/// (in order, times in seconds from the reference's first sample).
///
/// The closer the reference's pace to the clip's, the less the warping
/// has to guess: read it at [`reference_speed`] (BENCHMARKS.md, "Forced
/// alignment", measures it that way).
pub fn align(
    clip: Audio<'_>,
    reference: Audio<'_>,
    words: &[ClipWord],
) -> Result<Vec<ClipWord>, AlignError> {
    align_best(
        clip,
        &[Reference {
            audio: reference,
            words,
        }],
    )
}

/// The clip's word times from whichever of `references` (readings of the
/// same text by different voices) it matches best: the one whose warping
/// pairs the most alike frames (the least cost per pair). A voice nearer
/// the clip's (a high one for a high voice) warps with fewer slips
/// (BENCHMARKS.md §14). The first reference's error if none aligns.
pub fn align_best(
    clip: Audio<'_>,
    references: &[Reference<'_>],
) -> Result<Vec<ClipWord>, AlignError> {
    let clip_16k = at_16k(clip, "clip")?;
    let clip = Clip {
        frames: Analysed::new(&clip_16k, "clip")?,
        pauses: refine::Pauses::find(&clip_16k),
        seconds: clip.seconds(),
    };
    let mut best: Option<(Vec<ClipWord>, f32)> = None;
    let mut first_error = None;
    for reference in references {
        match warped(&clip, *reference) {
            Ok((words, cost)) => {
                if best.as_ref().is_none_or(|(_, least)| cost < *least) {
                    best = Some((words, cost));
                }
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (best, first_error) {
        (Some((words, _)), _) => Ok(words),
        (None, Some(e)) => Err(e),
        (None, None) => Ok(Vec::new()),
    }
}

/// The clip, analysed once for every reference.
struct Clip {
    frames: Analysed,
    pauses: refine::Pauses,
    seconds: f64,
}

/// A recording's frames: their features and which are voiced.
struct Analysed {
    features: features::Features,
    voiced: Vec<usize>,
}

impl Analysed {
    fn new(samples: &[f32], what: &'static str) -> Result<Self, AlignError> {
        let features = features::analyse(samples);
        let voiced = voiced_frames(&features.level_db);
        if voiced.is_empty() {
            return Err(AlignError::Silent(what));
        }
        Ok(Analysed { features, voiced })
    }
}

/// The clip's word times against one reference, and the warping's cost
/// per pair of frames.
fn warped(clip: &Clip, reference: Reference<'_>) -> Result<(Vec<ClipWord>, f32), AlignError> {
    let words = reference.words;
    check_words(words, reference.audio.seconds())?;
    if words.is_empty() {
        return Ok((Vec::new(), 0.0));
    }
    let reference_16k = at_16k(reference.audio, "reference")?;
    let reference = Analysed::new(&reference_16k, "reference")?;
    let (clip_voiced, reference_voiced) = (&clip.frames.voiced, &reference.voiced);
    let path = dtw::warp(
        &clip.frames.features.vectors(clip_voiced),
        &reference.features.vectors(reference_voiced),
        features::DIMS,
    );
    // The reference's voiced frames from the one nearest `seconds` on.
    let voiced_from = |seconds: f64| {
        let frame = (seconds / FRAME_SECONDS).round().max(0.0) as usize;
        reference_voiced.partition_point(|&k| k < frame)
    };
    let last = reference_voiced.len() - 1;
    // A word starts at the first clip frame paired with its first voiced
    // frame and ends after the last one paired with its last.
    let carried = words
        .iter()
        .map(|w| {
            let first = voiced_from(w.start).min(last);
            let final_ = voiced_from(w.end).saturating_sub(1).min(last);
            ClipWord {
                start: clip_voiced[path.first[first]] as f64 * FRAME_SECONDS,
                end: (clip_voiced[path.last[final_]] + 1) as f64 * FRAME_SECONDS,
                ..*w
            }
        })
        .collect();
    Ok((
        refine::refine(carried, &clip.pauses, clip.seconds),
        path.cost,
    ))
}

/// The speed to read the reference at so that its speech lasts as long as
/// the clip's, from `reference` read at speed 1. Pauses are left out of
/// both: two voices pause differently (a neural voice rests longer at a
/// comma than espeak-ng), and only speech is warped.
pub fn reference_speed(clip: Audio<'_>, reference: Audio<'_>) -> Result<f32, AlignError> {
    let clip = speech_seconds(clip, "clip")?;
    let reference = speech_seconds(reference, "reference")?;
    Ok((reference / clip).clamp(0.5, 2.0) as f32)
}

/// How long `audio` speaks: its frames that are not silent.
fn speech_seconds(audio: Audio<'_>, what: &'static str) -> Result<f64, AlignError> {
    let voiced = voiced_frames(&features::levels(&at_16k(audio, what)?)).len();
    if voiced == 0 {
        return Err(AlignError::Silent(what));
    }
    Ok(voiced as f64 * FRAME_SECONDS)
}

fn check_words(words: &[ClipWord], seconds: f64) -> Result<(), AlignError> {
    // A reference's last word may end a frame past its last sample.
    let limit = seconds + FRAME_SECONDS;
    let mut previous = 0.0;
    for (index, w) in words.iter().enumerate() {
        let fine = w.start.is_finite()
            && w.end.is_finite()
            && w.start >= previous
            && w.end >= w.start
            && w.end <= limit;
        if !fine {
            return Err(AlignError::BadWord {
                index,
                start: w.start,
                end: w.end,
            });
        }
        previous = w.start;
    }
    Ok(())
}

fn at_16k(audio: Audio<'_>, what: &'static str) -> Result<Vec<f32>, AlignError> {
    resample(audio.samples, audio.rate, RATE)
        .map_err(|source| AlignError::Resample { what, source })
}

/// The frames that are not silent, in order.
fn voiced_frames(level_db: &[f32]) -> Vec<usize> {
    let silent = refine::silent_frames(level_db);
    (0..silent.len()).filter(|&k| !silent[k]).collect()
}
