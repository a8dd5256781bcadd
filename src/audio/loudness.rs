//! EBU R 128 / ITU-R BS.1770 loudness of a mono episode, and the one static gain that brings it to a
//! target without pushing the true peak over a ceiling.
//!
//! Owns: [`LoudnessMeter`] (wraps the `ebur128` crate: modes I | LRA | TRUE_PEAK, plus maximum
//! momentary/short-term loudness tracked here), [`Loudness`], [`plan_gain`] / [`GainPlan`].
//! Leaves alone: applying the gain to samples, dither/quantisation, writing the file and `bext`.
//!
//! Mono decision: the single channel is measured as **`Channel::DualMono`** (counted twice, +3.01 dB
//! over plain BS.1770 mono). Episodes are mono files that listeners hear on two speakers/earbuds, and
//! the published podcast targets (−16 LUFS, Apple/AES) are stereo figures: Apple ingests mono as two
//! identical channels, which measures exactly the DualMono number. So targets are configured in the
//! stereo sense (−16 podcast, −23 broadcast) and no separate "mono −19 LUFS" rule is needed; this is
//! also what ffmpeg `ebur128=dualmono=true` and libebur128-based tools report. (Verified reference:
//! 1 kHz sine at −23 dBFS peak → −22.99 LUFS DualMono, −26.00 plain mono; formats.md §6.4.)
//!
//! Max momentary (400 ms) and short-term (3 s) loudness are evaluated every 100 ms of audio (the
//! Tech 3341 update rate) from 100 ms energies, with zeros before the start as the meter itself uses;
//! a final partial 100 ms is not evaluated. Silence gives −∞ LUFS/dBTP (never NaN).

use std::collections::VecDeque;

use ebur128::{Channel, EbuR128, Mode};

#[derive(Debug, thiserror::Error)]
pub enum LoudnessError {
    #[error("loudness meter cannot run at {rate} Hz: {source}")]
    Create { rate: u32, source: ebur128::Error },
    #[error("loudness measurement failed: {0}")]
    Measure(#[from] ebur128::Error),
}

pub use crate::model::Loudness;

impl Loudness {
    /// True when nothing passed the −70 LUFS absolute gate (integrated loudness is −∞).
    pub fn is_silent(&self) -> bool {
        !self.integrated_lufs.is_finite()
    }
}

/// Streaming meter: feed the whole episode with [`Self::add`], then read [`Self::finish`].
pub struct LoudnessMeter {
    meter: EbuR128,
    /// Samples per 100 ms hop.
    hop: usize,
    /// Samples added since the last hop boundary.
    pending: usize,
    /// Mean-square energies (channel-weighted) of the last 30 hops, oldest first.
    hops: VecDeque<f64>,
    max_momentary: f64,
    max_short_term: f64,
    /// Only the integrated loudness is measured ([`LoudnessMeter::integrated_only`]).
    integrated_only: bool,
}

fn energy(lufs: f64) -> f64 {
    if lufs.is_finite() {
        10f64.powf((lufs + 0.691) / 10.0)
    } else {
        0.0
    }
}

fn lufs(energy: f64) -> f64 {
    if energy > 0.0 {
        -0.691 + 10.0 * energy.log10()
    } else {
        f64::NEG_INFINITY
    }
}

impl LoudnessMeter {
    pub fn new(rate: u32) -> Result<Self, LoudnessError> {
        let create = |source| LoudnessError::Create { rate, source };
        let mode = Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::M | Mode::S;
        let mut meter = EbuR128::new(1, rate, mode).map_err(create)?;
        meter.set_channel(0, Channel::DualMono).map_err(create)?;
        Ok(Self {
            meter,
            hop: (rate as usize / 10).max(1),
            pending: 0,
            hops: VecDeque::from(vec![0.0; 30]),
            max_momentary: f64::NEG_INFINITY,
            max_short_term: f64::NEG_INFINITY,
            integrated_only: false,
        })
    }

    /// A meter of the integrated loudness alone (K-filter and gating, no
    /// true peak, range or maxima), a third of the full meter's work: what
    /// planning a gain needs when a limiter keeps the peaks.
    pub fn integrated_only(rate: u32) -> Result<Self, LoudnessError> {
        let create = |source| LoudnessError::Create { rate, source };
        let mut meter = EbuR128::new(1, rate, Mode::I).map_err(create)?;
        meter.set_channel(0, Channel::DualMono).map_err(create)?;
        Ok(Self {
            meter,
            hop: (rate as usize / 10).max(1),
            pending: 0,
            hops: VecDeque::new(),
            max_momentary: f64::NEG_INFINITY,
            max_short_term: f64::NEG_INFINITY,
            integrated_only: true,
        })
    }

    /// The integrated loudness so far, LUFS (DualMono).
    pub fn integrated(&self) -> Result<f64, LoudnessError> {
        Ok(self.meter.loudness_global()?)
    }

    /// Adds mono samples (any block size; results do not depend on how the audio is split).
    pub fn add(&mut self, mono: &[f32]) -> Result<(), LoudnessError> {
        if self.integrated_only {
            return Ok(self.meter.add_frames_f32(mono)?);
        }
        let mut rest = mono;
        while !rest.is_empty() {
            let take = rest.len().min(self.hop - self.pending);
            self.meter.add_frames_f32(&rest[..take])?;
            rest = &rest[take..];
            self.pending += take;
            if self.pending == self.hop {
                self.pending = 0;
                self.hops.pop_front();
                let last = energy(self.meter.loudness_window(100)?);
                self.hops.push_back(last);
                let momentary = self.hops.iter().rev().take(4).sum::<f64>() / 4.0;
                let short_term = self.hops.iter().sum::<f64>() / 30.0;
                self.max_momentary = self.max_momentary.max(lufs(momentary));
                self.max_short_term = self.max_short_term.max(lufs(short_term));
            }
        }
        Ok(())
    }

    /// The measurement so far (can be called again after more [`Self::add`]s).
    pub fn finish(&self) -> Result<Loudness, LoudnessError> {
        let peak = self.meter.true_peak(0)?;
        Ok(Loudness {
            integrated_lufs: self.meter.loudness_global()?,
            range_lu: self.meter.loudness_range()?,
            true_peak_dbtp: 20.0 * peak.log10(),
            max_momentary_lufs: self.max_momentary,
            max_short_term_lufs: self.max_short_term,
        })
    }
}

/// A static gain and what it is expected to achieve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GainPlan {
    pub gain_db: f64,
    /// The target was not reached because the true peak would have passed the ceiling.
    pub ceiling_limited: bool,
    /// Loudness after applying `gain_db` (range unchanged, everything else shifted by the gain).
    pub expected: Loudness,
}

impl GainPlan {
    /// Linear factor to multiply samples by.
    pub fn factor(&self) -> f32 {
        10f64.powf(self.gain_db / 20.0) as f32
    }
}

/// One static gain that reaches `target_lufs` unless that would push the true peak above
/// `ceiling_dbtp`, in which case the gain is reduced to respect the ceiling (`ceiling_limited = true`;
/// `expected.integrated_lufs` shows the loudness actually achieved). Silence (−∞ LUFS) gets gain 0.
/// The ceiling holds up to float/quantisation rounding (well under 0.01 dB at 16 bits).
pub fn plan_gain(measured: &Loudness, target_lufs: f64, ceiling_dbtp: f64) -> GainPlan {
    let mut gain_db = 0.0;
    let mut ceiling_limited = false;
    if !measured.is_silent() {
        gain_db = target_lufs - measured.integrated_lufs;
        if measured.true_peak_dbtp + gain_db > ceiling_dbtp {
            gain_db = ceiling_dbtp - measured.true_peak_dbtp;
            ceiling_limited = true;
        }
    }
    let expected = Loudness {
        integrated_lufs: measured.integrated_lufs + gain_db,
        range_lu: measured.range_lu,
        true_peak_dbtp: measured.true_peak_dbtp + gain_db,
        max_momentary_lufs: measured.max_momentary_lufs + gain_db,
        max_short_term_lufs: measured.max_short_term_lufs + gain_db,
    };
    GainPlan {
        gain_db,
        ceiling_limited,
        expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(v: &[f32], block: usize) -> Loudness {
        let mut m = LoudnessMeter::new(48000).unwrap();
        v.chunks(block).for_each(|c| m.add(c).unwrap());
        m.finish().unwrap()
    }

    fn near(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    /// Speech-like: noise (SplitMix64, smoothed) with a 3 Hz syllable envelope and a pause each 2 s.
    fn speechy(seconds: usize, amp: f32) -> Vec<f32> {
        let mut state = 0x5eed_u64;
        let mut lp = 0.0f32;
        (0..seconds * 48000)
            .map(|i| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                let white = ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32 - 0.5;
                lp += 0.3 * (white - lp);
                let t = i as f32 / 48000.0;
                let env = (t * 3.0 * std::f32::consts::TAU).sin().abs();
                let gap = if t % 2.0 > 1.6 { 0.0 } else { 1.0 };
                amp * lp * env * gap
            })
            .collect()
    }

    fn apply(v: &[f32], plan: &GainPlan) -> Vec<f32> {
        v.iter().map(|s| s * plan.factor()).collect()
    }

    #[test]
    fn tone_at_minus_23_dbfs_measures_dual_mono() {
        let amp = 10f64.powf(-23.0 / 20.0);
        let tone: Vec<f32> = (0..10 * 48000)
            .map(|i| (amp * (i as f64 * std::f64::consts::TAU / 48.0).sin()) as f32)
            .collect();
        let l = measure(&tone, 4096);
        assert!(near(l.integrated_lufs, -23.0, 0.05), "{l:?}");
        assert!(near(l.true_peak_dbtp, -23.0, 0.1), "{l:?}");
        assert!(near(l.max_momentary_lufs, -23.0, 0.05), "{l:?}");
        assert!(near(l.max_short_term_lufs, -23.0, 0.05), "{l:?}");
        assert!(l.range_lu.abs() < 0.1, "{l:?}");
        // Block size does not change the result.
        assert_eq!(measure(&tone, 1000), l);
        assert_eq!(measure(&tone, 48000 * 10), l);
    }

    #[test]
    fn gain_reaches_target_under_ceiling() {
        let v = speechy(12, 0.5);
        let before = measure(&v, 4800);
        assert!(before.range_lu > 0.5, "{before:?}");
        let plan = plan_gain(&before, -16.0, -1.0);
        assert!(!plan.ceiling_limited, "{plan:?}");
        let after = measure(&apply(&v, &plan), 4800);
        assert!(near(after.integrated_lufs, -16.0, 0.5), "{after:?}");
        assert!(after.true_peak_dbtp <= -1.0 + 1e-3, "{after:?}");
        let want = plan.expected;
        assert!(near(after.integrated_lufs, want.integrated_lufs, 0.01));
        assert!(near(
            after.max_momentary_lufs,
            want.max_momentary_lufs,
            0.01
        ));
        assert!(near(after.range_lu, before.range_lu, 0.05));
    }

    #[test]
    fn peaky_signal_is_ceiling_limited() {
        let mut v = speechy(12, 0.2);
        for i in (0..v.len()).step_by(48000) {
            v[i] = 0.9; // isolated peaks near full scale
        }
        let before = measure(&v, 4800);
        let plan = plan_gain(&before, -16.0, -1.0);
        assert!(plan.ceiling_limited, "{plan:?}");
        assert!(near(plan.gain_db, -1.0 - before.true_peak_dbtp, 1e-9));
        assert!(plan.expected.integrated_lufs < -16.5, "{plan:?}");
        let after = measure(&apply(&v, &plan), 4800);
        let want = plan.expected.integrated_lufs;
        assert!(near(after.integrated_lufs, want, 0.01), "{after:?}");
        assert!(near(after.true_peak_dbtp, -1.0, 1e-3), "{after:?}");
    }

    #[test]
    fn silence_gives_infinities_and_zero_gain() {
        let l = measure(&vec![0.0; 48000 * 2], 4800);
        assert!(l.is_silent());
        assert_eq!(l.integrated_lufs, f64::NEG_INFINITY);
        assert_eq!(l.true_peak_dbtp, f64::NEG_INFINITY);
        assert_eq!(l.max_momentary_lufs, f64::NEG_INFINITY);
        assert!(!l.range_lu.is_nan());
        let plan = plan_gain(&l, -16.0, -1.0);
        assert_eq!((plan.gain_db, plan.ceiling_limited), (0.0, false));
        assert_eq!(plan.expected, l);
        assert_eq!(plan.factor(), 1.0);
        assert!(LoudnessMeter::new(0).is_err());
    }
}
