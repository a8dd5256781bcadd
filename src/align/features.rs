//! What the aligner compares: per 10 ms frame of 16 kHz audio, 13 mel
//! cepstral coefficients and their deltas, and the frame's level.
//!
//! Frames are 25 ms Hamming windows centred every 10 ms (frame `k` is
//! heard at `k · 10 ms`), after a 0.97 pre-emphasis; the power spectrum
//! (a 512-point real FFT, `realfft`) is pooled in 40 triangular mel
//! bands from 20 Hz to 7.6 kHz, and the log band energies are turned
//! into 13 cepstra by a DCT-II. All 13 are normalised over the voiced
//! frames of each recording (cepstral mean and variance normalisation),
//! which removes the difference in loudness and most of the difference
//! between one speaker's vocal tract and another's; `c0` then follows the
//! rise and fall of each syllable, which measurably helped Mandarin.

use realfft::RealFftPlanner;

/// The rate features are computed at.
pub(super) const RATE: u32 = 16_000;
/// Seconds between frames.
pub(super) const FRAME_SECONDS: f64 = 0.010;
const HOP: usize = 160;
const WINDOW: usize = 400;
const FFT: usize = 512;
const BANDS: usize = 40;
const LOWEST_HZ: f32 = 20.0;
const HIGHEST_HZ: f32 = 7_600.0;
/// Cepstra per frame, `c0` included.
const CEPSTRA: usize = 13;
/// Values per frame the aligner compares: `c0..c12` and their deltas.
pub(super) const DIMS: usize = 2 * CEPSTRA;

/// A recording's frames: cepstra and level.
pub(super) struct Features {
    /// `CEPSTRA` values per frame.
    cepstra: Vec<f32>,
    /// Level of each frame, dB relative to full scale (RMS).
    pub(super) level_db: Vec<f32>,
}

impl Features {
    /// The vectors compared for `frames` (indices, in order), `DIMS`
    /// values per frame: the cepstra `c0..c12` normalised over those
    /// frames, then their deltas (a ±2 frame regression along them).
    pub(super) fn vectors(&self, frames: &[usize]) -> Vec<f32> {
        let n = frames.len();
        let width = CEPSTRA;
        let mut statics = vec![0.0f32; n * width];
        for (row, &frame) in frames.iter().enumerate() {
            let cepstra = &self.cepstra[frame * CEPSTRA..(frame + 1) * CEPSTRA];
            statics[row * width..(row + 1) * width].copy_from_slice(cepstra);
        }
        for c in 0..width {
            let mean = (0..n).map(|r| statics[r * width + c]).sum::<f32>() / n.max(1) as f32;
            let variance = (0..n)
                .map(|r| (statics[r * width + c] - mean).powi(2))
                .sum::<f32>()
                / n.max(1) as f32;
            let scale = 1.0 / variance.sqrt().max(1e-3);
            for r in 0..n {
                let value = &mut statics[r * width + c];
                *value = (*value - mean) * scale;
            }
        }
        let mut out = vec![0.0f32; n * DIMS];
        let at = |r: isize, c: usize| statics[(r.clamp(0, n as isize - 1) as usize) * width + c];
        for r in 0..n {
            let row = &mut out[r * DIMS..(r + 1) * DIMS];
            row[..width].copy_from_slice(&statics[r * width..(r + 1) * width]);
            for c in 0..width {
                let i = r as isize;
                let delta = (at(i + 1, c) - at(i - 1, c)) + 2.0 * (at(i + 2, c) - at(i - 2, c));
                row[width + c] = delta / 10.0;
            }
        }
        out
    }
}

/// The features of 16 kHz mono `samples`: one frame per 10 ms, the last
/// one at or after the end.
pub(super) fn analyse(samples: &[f32]) -> Features {
    let frames = samples.len() / HOP + 1;
    let mut emphasised = Vec::with_capacity(samples.len());
    let mut previous = 0.0f32;
    for &s in samples {
        let s = if s.is_finite() { s } else { 0.0 };
        emphasised.push(s - 0.97 * previous);
        previous = s;
    }
    let window: Vec<f32> = (0..WINDOW)
        .map(|i| 0.54 - 0.46 * (2.0 * std::f32::consts::PI * i as f32 / (WINDOW - 1) as f32).cos())
        .collect();
    let bank = mel_bank();
    let dct = dct_matrix();
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(FFT);
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let mut scratch = fft.make_scratch_vec();
    let mut bands = [0.0f32; BANDS];
    let mut cepstra = Vec::with_capacity(frames * CEPSTRA);
    for k in 0..frames {
        let centre = (k * HOP) as isize;
        input.fill(0.0);
        for (i, w) in window.iter().enumerate() {
            let at = centre - (WINDOW / 2) as isize + i as isize;
            if at >= 0 && (at as usize) < samples.len() {
                input[i] = emphasised[at as usize] * w;
            }
        }
        // The planner's own buffers always have the lengths it expects.
        fft.process_with_scratch(&mut input, &mut spectrum, &mut scratch)
            .expect("FFT buffers have the planned lengths");
        for (band, weights) in bands.iter_mut().zip(&bank) {
            let energy: f32 = weights
                .iter()
                .map(|&(bin, weight)| spectrum[bin].norm_sqr() * weight)
                .sum();
            *band = (energy + 1e-10).ln();
        }
        for row in dct.chunks_exact(BANDS) {
            cepstra.push(row.iter().zip(&bands).map(|(d, b)| d * b).sum());
        }
    }
    Features {
        cepstra,
        level_db: levels(samples),
    }
}

/// The level of each frame of 16 kHz mono `samples` (dBFS, RMS over its
/// 25 ms window), as [`analyse`] frames them: all that telling speech
/// from silence needs.
pub(super) fn levels(samples: &[f32]) -> Vec<f32> {
    (0..samples.len() / HOP + 1)
        .map(|k| {
            let centre = (k * HOP) as isize;
            let from = (centre - (WINDOW / 2) as isize).max(0) as usize;
            let to = (centre + (WINDOW / 2) as isize).min(samples.len() as isize) as usize;
            let power: f64 = samples[from.min(to)..to]
                .iter()
                .filter(|s| s.is_finite())
                .map(|&s| f64::from(s) * f64::from(s))
                .sum();
            (10.0 * (power / WINDOW as f64 + 1e-12).log10()) as f32
        })
        .collect()
}

/// Triangular mel filters: for each band, its FFT bins and weights.
fn mel_bank() -> Vec<Vec<(usize, f32)>> {
    let to_mel = |hz: f32| 2595.0 * (1.0 + hz / 700.0).log10();
    let to_hz = |mel: f32| 700.0 * (10f32.powf(mel / 2595.0) - 1.0);
    let (low, high) = (to_mel(LOWEST_HZ), to_mel(HIGHEST_HZ));
    let edges: Vec<f32> = (0..BANDS + 2)
        .map(|i| to_hz(low + (high - low) * i as f32 / (BANDS + 1) as f32))
        .collect();
    let bin_hz = RATE as f32 / FFT as f32;
    (0..BANDS)
        .map(|b| {
            let (left, centre, right) = (edges[b], edges[b + 1], edges[b + 2]);
            (0..=FFT / 2)
                .filter_map(|bin| {
                    let f = bin as f32 * bin_hz;
                    let weight = if f <= left || f >= right {
                        0.0
                    } else if f <= centre {
                        (f - left) / (centre - left)
                    } else {
                        (right - f) / (right - centre)
                    };
                    (weight > 0.0).then_some((bin, weight))
                })
                .collect()
        })
        .collect()
}

/// DCT-II rows (orthonormal scale), `CEPSTRA` × `BANDS`.
fn dct_matrix() -> Vec<f32> {
    let mut out = Vec::with_capacity(CEPSTRA * BANDS);
    for k in 0..CEPSTRA {
        let scale = if k == 0 {
            (1.0 / BANDS as f32).sqrt()
        } else {
            (2.0 / BANDS as f32).sqrt()
        };
        for m in 0..BANDS {
            let angle = std::f32::consts::PI * k as f32 * (m as f32 + 0.5) / BANDS as f32;
            out.push(scale * angle.cos());
        }
    }
    out
}
