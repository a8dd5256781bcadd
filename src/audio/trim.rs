//! Silence trimming of one decoded clip, so pacing depends on the configured pauses and not on how
//! much padding each TTS service puts around its speech.
//!
//! Owns: [`TrimSettings`] and [`trim_range`] (pure, deterministic, no allocation).
//! Leaves alone: decoding, resampling, pauses and writing (the caller slices the clip with the range).
//!
//! Detection: a 10 ms sliding RMS window (not peak), so one-sample clicks are diluted by
//! 10·log10(rate/100) dB (≈ 27 dB at 48 kHz: a −30 dBFS click reads ≈ −57 dB RMS and is ignored at
//! −50 dBFS) while any real onset lasting a few ms passes. Once the first (last) window over the
//! threshold is found, the edge is refined to the first (last) *sample* in that window whose magnitude
//! reaches the threshold, so edges are sample-exact for clean onsets; a soft fade-in below the threshold
//! is covered by `keep_ms`. Non-finite samples count as silence.

use std::ops::Range;

/// How to find speech in a clip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrimSettings {
    /// Level (dBFS, RMS over 10 ms) at or above which audio counts as speech, e.g. −50.
    pub threshold_db: f32,
    /// Margin kept before the first and after the last speech sample, e.g. 30 ms.
    pub keep_ms: u32,
}

impl Default for TrimSettings {
    fn default() -> Self {
        Self {
            threshold_db: -50.0,
            keep_ms: 30,
        }
    }
}

/// Detection window: 10 ms, at least one sample.
fn window(rate: u32) -> usize {
    (rate as usize / 100).max(1)
}

/// The sub-range of `samples` without leading/trailing silence, keeping `keep_ms` of margin on each
/// side (clamped to the clip). A clip that is all silence returns an empty range (`0..0`).
pub fn trim_range(samples: &[f32], rate: u32, settings: &TrimSettings) -> Range<usize> {
    let n = samples.len();
    let thr = 10f64.powf(f64::from(settings.threshold_db) / 20.0);
    let win = window(rate);
    let Some(first) = onset(n, |i| samples[i], win, thr) else {
        return 0..0;
    };
    // The same scan from the end finds the last speech sample.
    let last = n - 1 - onset(n, |i| samples[n - 1 - i], win, thr).unwrap_or(n - 1 - first);
    let keep = (u64::from(settings.keep_ms) * u64::from(rate) / 1000) as usize;
    first.saturating_sub(keep)..(last + 1).saturating_add(keep).min(n)
}

/// Index (in `at` order) of the first sample reaching `thr` inside the first `win`-sample window whose
/// RMS reaches `thr` (samples before index 0 count as silence); `None` if no window does.
fn onset(n: usize, at: impl Fn(usize) -> f32, win: usize, thr: f64) -> Option<usize> {
    let level = |i: usize| {
        let v = f64::from(at(i));
        if v.is_finite() {
            v.abs()
        } else {
            0.0
        }
    };
    let need = thr * thr * win as f64;
    let mut sum = 0.0f64;
    for i in 0..n {
        sum += level(i).powi(2);
        if i >= win {
            sum = (sum - level(i - win).powi(2)).max(0.0);
        }
        if sum >= need {
            let start = (i + 1).saturating_sub(win);
            return Some((start..=i).find(|&j| level(j) >= thr).unwrap_or(start));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 48000;
    const PAD: usize = 33600; // 700 ms
    const TONE: usize = 24000; // 500 ms, whole periods of 1 kHz, so the last sample is near full level

    fn settings() -> TrimSettings {
        TrimSettings {
            threshold_db: -50.0,
            keep_ms: 30,
        }
    }

    /// `PAD` of `pad(i)`, a 1 kHz cosine at −6 dBFS offset by `shift` samples, then `PAD` more.
    fn padded(shift: usize, pad: impl Fn(usize) -> f32) -> Vec<f32> {
        let tone = (0..TONE).map(|i| 0.5 * (i as f32 * std::f32::consts::TAU / 48.0).cos());
        let lead = (0..PAD + shift).map(&pad);
        let tail = (0..PAD).map(|i| pad(i + 7));
        lead.chain(tone).chain(tail).collect()
    }

    #[test]
    fn tone_keeps_exactly_keep_ms_margin() {
        let keep = 30 * 48; // 1440 samples
        for shift in [0, 1, 17, 479] {
            let v = padded(shift, |_| 0.0);
            let start = PAD + shift;
            let want = start - keep..start + TONE + keep;
            assert_eq!(trim_range(&v, RATE, &settings()), want, "shift {shift}");
        }
        // Margin is clamped to the clip.
        let v = padded(0, |_| 0.0)[PAD - 100..PAD + TONE + 200].to_vec();
        assert_eq!(trim_range(&v, RATE, &settings()), 0..v.len());
        let none = TrimSettings {
            keep_ms: 0,
            ..settings()
        };
        assert_eq!(trim_range(&v, RATE, &none), 100..100 + TONE);
    }

    #[test]
    fn low_noise_is_trimmed() {
        // Deterministic "noise" at about −66 dBFS peak, under the −50 dBFS threshold.
        let noise = |i: usize| 0.0005 * ((i as f32 * 12.9898).sin() * 43758.547).fract();
        let v = padded(5, noise);
        let start = PAD + 5;
        assert_eq!(
            trim_range(&v, RATE, &settings()),
            start - 1440..start + TONE + 1440
        );
    }

    #[test]
    fn clicks_are_ignored_but_real_onsets_kept() {
        let mut v = padded(0, |_| 0.0);
        v[1000] = 0.0316; // −30 dBFS one-sample click, 10 ms RMS ≈ −57 dB
        v[PAD + TONE + 20000] = -0.0316;
        assert_eq!(
            trim_range(&v, RATE, &settings()),
            PAD - 1440..PAD + TONE + 1440
        );
        // A 5 ms burst at −30 dBFS (10 ms RMS ≈ −33 dB) is speech.
        v[2000..2240].fill(0.0316);
        assert_eq!(trim_range(&v, RATE, &settings()).start, 2000 - 1440);
    }

    #[test]
    fn all_silent_and_edge_cases_are_empty() {
        let quiet: Vec<f32> = (0..48000)
            .map(|i| if i % 2 == 0 { 1e-4 } else { -1e-4 })
            .collect();
        assert_eq!(trim_range(&quiet, RATE, &settings()), 0..0);
        assert_eq!(trim_range(&[0.0; 480], RATE, &settings()), 0..0);
        assert_eq!(trim_range(&[], RATE, &settings()), 0..0);
        assert_eq!(trim_range(&[f32::NAN; 100], RATE, &settings()), 0..0);
        // Rate 0 still works (window of one sample, no margin).
        assert_eq!(trim_range(&[0.0, 0.5, 0.0], 0, &settings()), 1..2);
    }
}
