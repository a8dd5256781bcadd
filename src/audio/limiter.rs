//! A look-ahead true-peak limiter for speech: it lets the loudness gain reach
//! its target while the true peak stays under the ceiling.
//!
//! Owns: [`Limiter`] (streaming, deterministic) and [`LimiterStats`].
//! Leaves alone: choosing the gain, measuring loudness, quantising.
//!
//! Detection: the input is oversampled 4× (a 48-tap Hann-windowed sinc
//! interpolator, 12 taps per phase, the shape of the BS.1770 Annex 2 meter)
//! and each sample's peak is the largest magnitude of itself and the three
//! points between it and its neighbours on both sides. The gain a sample may
//! have is `ceiling / peak` (at most 1).
//!
//! Envelope: the required gain is held for the look-ahead window (a sliding
//! minimum), released exponentially, then smoothed by a moving average as
//! long as the window. Each smoothed value is a mean of values no larger
//! than the gain required `window` samples earlier, so the output, delayed
//! by the window, never exceeds the ceiling at the detected peaks: the
//! attack is a linear ramp over the look-ahead and nothing is clipped.
//!
//! The limiter aims a little under the ceiling ([`MARGIN_DB`]) for what the
//! envelope's slope, a meter's different interpolator and dither can add.
//! All arithmetic is in a fixed order on f32/f64 (no randomness, no
//! threads), so the same input gives the same output bit for bit.

use std::collections::VecDeque;

/// Taps per oversampling phase.
const TAPS: usize = 12;
/// Oversampling factor.
const FACTOR: usize = 4;
/// Headroom under the ceiling the limiter aims at, dB.
pub const MARGIN_DB: f64 = 0.2;

/// Speech settings: look-ahead (= attack) and release time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterSettings {
    pub ceiling_dbtp: f64,
    pub lookahead_ms: f64,
    pub release_ms: f64,
}

impl LimiterSettings {
    /// 5 ms look-ahead: shorter than a plosive's onset, long enough that the
    /// gain ramps over a few cycles of the voice's pitch; 80 ms release:
    /// back to unity within a syllable, without pumping on the next one.
    pub fn speech(ceiling_dbtp: f64) -> Self {
        Self {
            ceiling_dbtp,
            lookahead_ms: 5.0,
            release_ms: 80.0,
        }
    }
}

pub use crate::model::LimiterStats;

/// Streaming look-ahead limiter; output lags input by [`Limiter::latency`]
/// samples, and [`Limiter::finish`] drains the tail.
pub struct Limiter {
    ceiling: f32,
    window: usize,
    release: f64,
    phases: [[f32; TAPS]; FACTOR - 1],
    /// Input ring (zeros before the start), indexed by absolute position & mask.
    ring: Vec<f32>,
    mask: usize,
    /// Samples pushed so far (including drain zeros).
    pushed: u64,
    /// Real input samples (the output's length).
    input: u64,
    emitted: u64,
    last_peak: f32,
    /// Sliding minimum of the required gain: (position, gain), increasing gains.
    held: VecDeque<(u64, f32)>,
    released: f64,
    /// Moving average of the released gain.
    average: VecDeque<f64>,
    sum: f64,
    min_gain: f64,
    limited: u64,
}

impl Limiter {
    pub fn new(rate: u32, settings: &LimiterSettings) -> Limiter {
        let ceiling = 10f64.powf((settings.ceiling_dbtp - MARGIN_DB) / 20.0) as f32;
        let window = ((settings.lookahead_ms * f64::from(rate) / 1000.0).round() as usize).max(1);
        let release = 1.0 - (-1000.0 / (settings.release_ms * f64::from(rate))).exp();
        let ring_len = (TAPS + 2 * window + 4).next_power_of_two();
        Limiter {
            ceiling,
            window,
            release,
            phases: interpolator(),
            ring: vec![0.0; ring_len],
            mask: ring_len - 1,
            pushed: 0,
            input: 0,
            emitted: 0,
            last_peak: 0.0,
            held: VecDeque::with_capacity(window + 1),
            released: 1.0,
            average: VecDeque::from(vec![1.0; window]),
            sum: window as f64,
            min_gain: 1.0,
            limited: 0,
        }
    }

    /// Samples of delay between input and output.
    pub fn latency(&self) -> usize {
        TAPS / 2 + self.window - 1
    }

    /// Limits `input`, appending the samples now ready to `out`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        self.input += input.len() as u64;
        for &x in input {
            self.push(x, out);
        }
    }

    /// Drains the look-ahead: every input sample has left when this returns.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> LimiterStats {
        while self.emitted < self.input {
            self.push(0.0, out);
        }
        self.stats()
    }

    pub fn stats(&self) -> LimiterStats {
        // An untouched signal's gain is 1: 0 dB of reduction, not -0.
        let reduction = -20.0 * self.min_gain.log10();
        LimiterStats {
            max_reduction_db: if reduction > 0.0 { reduction } else { 0.0 },
            limited_samples: self.limited,
        }
    }

    fn at(&self, position: u64) -> f32 {
        self.ring[position as usize & self.mask]
    }

    fn push(&mut self, x: f32, out: &mut Vec<f32>) {
        let n = self.pushed;
        self.ring[n as usize & self.mask] = if x.is_nan() { 0.0 } else { x };
        self.pushed += 1;
        // The interval after sample m = n - TAPS/2 now has all its taps:
        // ring[n + 1 - TAPS ..= n].
        let Some(m) = n.checked_sub(TAPS as u64 / 2) else {
            return;
        };
        // Before the start the ring still holds zeros.
        let first = (n + 1).wrapping_sub(TAPS as u64);
        let mut peak = self.at(m).abs();
        for phase in &self.phases {
            let mut v = 0.0f32;
            for (i, c) in phase.iter().enumerate() {
                v += c * self.at(first.wrapping_add(i as u64));
            }
            peak = peak.max(v.abs());
        }
        let around = peak.max(self.last_peak);
        self.last_peak = peak;
        let required = if around > self.ceiling {
            self.ceiling / around
        } else {
            1.0
        };

        // Sliding minimum over the last `window` required gains.
        while self.held.back().is_some_and(|&(_, g)| g >= required) {
            self.held.pop_back();
        }
        self.held.push_back((m, required));
        while self
            .held
            .front()
            .is_some_and(|&(p, _)| p + self.window as u64 <= m)
        {
            self.held.pop_front();
        }
        let hold = f64::from(self.held.front().expect("just pushed").1);
        self.released = hold.min(self.released + (1.0 - self.released) * self.release);

        self.sum += self.released - self.average.pop_front().expect("full window");
        self.average.push_back(self.released);
        // The mean of `window` values each at most the gain sample k needs.
        let Some(k) = (m + 1).checked_sub(self.window as u64) else {
            return;
        };
        if k >= self.input || k < self.emitted {
            return;
        }
        let gain = (self.sum / self.window as f64).min(1.0);
        if gain < self.min_gain {
            self.min_gain = gain;
        }
        if gain < 0.998_849 {
            self.limited += 1;
        }
        out.push((f64::from(self.at(k)) * gain) as f32);
        self.emitted += 1;
    }
}

/// The three fractional phases (1/4, 2/4, 3/4) of a 4× interpolator: a
/// Hann-windowed sinc over 12 input samples, each phase normalised to unit
/// gain at DC. Tap i of a phase weighs the sample `i + 1 - TAPS/2` after the
/// interval's start.
fn interpolator() -> [[f32; TAPS]; FACTOR - 1] {
    let half = TAPS as f64 / 2.0;
    let mut phases = [[0.0f32; TAPS]; FACTOR - 1];
    for (p, phase) in phases.iter_mut().enumerate() {
        let frac = (p + 1) as f64 / FACTOR as f64;
        let raw: Vec<f64> = (0..TAPS)
            .map(|i| {
                let u = frac - (i as f64 + 1.0 - half);
                let sinc = if u == 0.0 {
                    1.0
                } else {
                    (std::f64::consts::PI * u).sin() / (std::f64::consts::PI * u)
                };
                let window = 0.5 * (1.0 + (std::f64::consts::PI * u / half).cos());
                sinc * window
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        for (c, r) in phase.iter_mut().zip(raw) {
            *c = (r / sum) as f32;
        }
    }
    phases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::loudness::LoudnessMeter;

    fn run(input: &[f32], block: usize, ceiling: f64) -> (Vec<f32>, LimiterStats) {
        let mut limiter = Limiter::new(48_000, &LimiterSettings::speech(ceiling));
        let mut out = Vec::new();
        for chunk in input.chunks(block) {
            limiter.process(chunk, &mut out);
        }
        let stats = limiter.finish(&mut out);
        (out, stats)
    }

    fn true_peak(v: &[f32]) -> f64 {
        let mut meter = LoudnessMeter::new(48_000).unwrap();
        meter.add(v).unwrap();
        meter.finish().unwrap().true_peak_dbtp
    }

    /// Bursts of a 3 kHz tone, some far over the ceiling, with quiet gaps.
    fn bursts() -> Vec<f32> {
        (0..48_000 * 3)
            .map(|i| {
                let t = i as f32 / 48_000.0;
                let level = [0.2, 1.6, 0.5, 3.0, 0.05, 1.1][(i / 24_000) % 6];
                let on = if i % 24_000 < 18_000 { 1.0 } else { 0.0 };
                level * on * (t * 3_000.0 * std::f32::consts::TAU + 0.3).sin()
            })
            .collect()
    }

    #[test]
    fn peaks_over_the_ceiling_are_held_under_it_and_quiet_parts_pass_unchanged() {
        let input = bursts();
        let (out, stats) = run(&input, 4096, -1.0);
        assert_eq!(out.len(), input.len());
        let tp = true_peak(&out);
        assert!(tp <= -1.0, "true peak {tp}");
        assert!(tp > -1.0 - MARGIN_DB - 0.3, "true peak {tp}");
        // The loudest burst (3.0 ≈ +9.5 dB) needs about 10.7 dB.
        assert!((10.0..11.5).contains(&stats.max_reduction_db), "{stats:?}");
        // The 0.2 burst, far from any loud one, comes out as it went in.
        let quiet = 2_000..16_000;
        assert!(input[quiet.clone()]
            .iter()
            .zip(&out[quiet])
            .all(|(a, b)| a == b));
        assert!(stats.limited_samples > 0);
    }

    #[test]
    fn block_size_does_not_change_a_bit_and_silence_stays_silent() {
        let input = bursts();
        let (a, sa) = run(&input, 4096, -1.0);
        let (b, sb) = run(&input, 777, -1.0);
        let (c, _) = run(&input, input.len(), -1.0);
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(sa, sb);
        let (quiet, stats) = run(&vec![0.0; 10_000], 1000, -1.0);
        assert_eq!(quiet, vec![0.0; 10_000]);
        assert_eq!(stats.max_reduction_db, 0.0);
        assert!(stats.max_reduction_db.is_sign_positive());
        let (empty, _) = run(&[], 1000, -1.0);
        assert!(empty.is_empty());
    }

    #[test]
    fn the_gain_ramps_instead_of_jumping() {
        // A step from 0.1 to 2.0: the gain reaches its floor over the
        // look-ahead, before the step, never more than one window's slope.
        let input: Vec<f32> = (0..48_000)
            .map(|i| {
                let amp = if i < 24_000 { 0.1 } else { 2.0 };
                amp * (i as f32 * 0.05).sin()
            })
            .collect();
        let (out, _) = run(&input, 1024, -1.0);
        let gains: Vec<(usize, f64)> = input
            .iter()
            .zip(&out)
            .enumerate()
            .filter(|(_, (x, _))| x.abs() > 0.05)
            .map(|(i, (x, y))| (i, f64::from(*y) / f64::from(*x)))
            .collect();
        // Per sample: at most the whole reduction spread over the 240-sample look-ahead.
        let steepest = gains
            .windows(2)
            .map(|w| (w[1].1 - w[0].1).abs() / (w[1].0 - w[0].0) as f64)
            .fold(0.0, f64::max);
        assert!(steepest < 1.0 / 240.0, "gain step {steepest} a sample");
        let floor = gains.iter().map(|g| g.1).fold(1.0, f64::min);
        assert!(floor < 0.5, "the gain comes down to {floor}");
        // It is down by the first loud peak, not after it.
        let first_peak = (24_000..).find(|&i| input[i].abs() > 1.95).unwrap();
        let at_peak = gains.iter().find(|g| g.0 == first_peak).unwrap().1;
        assert!(
            at_peak < floor + 0.01,
            "{at_peak} at the peak, floor {floor}"
        );
        // Before the step the gain starts falling only a look-ahead early.
        assert!(gains
            .iter()
            .filter(|g| g.0 < 24_000 - 240)
            .all(|g| g.1 == 1.0));
        assert!(true_peak(&out) <= -1.0);
    }
}
