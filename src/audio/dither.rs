//! Deterministic TPDF dither for reducing f32 samples to 16- or 24-bit integers.
//!
//! Owns: [`Dither`] (seeded SplitMix64 noise source + quantiser) and [`seed_from`] (a stable text hash
//! for seeding from e.g. the episode slug).
//! Leaves alone: gain, loudness, and writing samples (the writer takes the returned integers).
//!
//! The PRNG is a self-written SplitMix64 rather than `rand`, so the noise sequence — and therefore the
//! output bytes for a given seed — can never change with a dependency upgrade. Scaling matches
//! `wav.rs`: full scale is 2^(bits−1) − 1 and results are clamped to ±full scale (symmetric). TPDF
//! noise is the sum of two independent uniform values in [−0.5, 0.5) LSB (total ±1 LSB), added before
//! rounding; NaN input counts as 0.

/// Seeded TPDF quantiser; identical seed and input give identical output.
#[derive(Debug, Clone)]
pub struct Dither {
    state: u64,
    full: f64,
}

/// FNV-1a 64 of `text`: a seed that is stable across builds and platforms (unlike `DefaultHasher`).
pub fn seed_from(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Dither {
    /// `bits` is the target word length (2..=32; 16 or 24 for episodes).
    pub fn new(seed: u64, bits: u16) -> Self {
        assert!((2..=32).contains(&bits), "dither to {bits} bits");
        let full = ((1u64 << (bits - 1)) - 1) as f64;
        Self { state: seed, full }
    }

    /// SplitMix64 step.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [−0.5, 0.5), 53-bit resolution.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    }

    /// `sample` (nominally −1..1) scaled to full scale, plus TPDF noise, rounded and clamped.
    pub fn quantize(&mut self, sample: f32) -> i32 {
        let x = if sample.is_nan() {
            0.0
        } else {
            f64::from(sample)
        };
        let noise = self.uniform() + self.uniform();
        (x * self.full + noise).round().clamp(-self.full, self.full) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize) -> Vec<f32> {
        (0..n).map(|i| ((i as f32) * 0.001).sin() * 0.7).collect()
    }

    #[test]
    fn same_seed_same_output_other_seed_differs() {
        let v = ramp(10_000);
        let run = |seed| -> Vec<i32> {
            let mut d = Dither::new(seed, 16);
            v.iter().map(|&s| d.quantize(s)).collect()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
        assert_eq!(seed_from("ep-1"), seed_from("ep-1"));
        assert_ne!(seed_from("ep-1"), seed_from("ep-2"));
        assert_eq!(seed_from(""), 0xcbf2_9ce4_8422_2325);
        // Pinned first values: a change of algorithm would change every episode's bytes.
        let mut d = Dither::new(0, 16);
        assert_eq!(d.next_u64(), 0xE220_A839_7B1D_CDAF); // SplitMix64 reference, seed 0
        let mut d = Dither::new(0, 16);
        let first: Vec<i32> = (0..8).map(|_| d.quantize(0.0)).collect();
        assert_eq!(first, [0, 0, -1, 0, 0, 0, 0, 0], "{first:?}");
    }

    #[test]
    fn mean_error_is_zero_and_noise_is_triangular() {
        let mut d = Dither::new(7, 16);
        let n = 200_000;
        // A level between codes: plain rounding would always give 0 (error −0.3 LSB).
        let x = 0.3 / 32767.0;
        let errors: Vec<f64> = (0..n)
            .map(|_| f64::from(d.quantize(x as f32)) - 0.3)
            .collect();
        let mean = errors.iter().sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean error {mean}");
        // TPDF ±1 LSB: total error variance ≈ 1/6 (noise) + 1/12 (rounding) = 0.25.
        let var = errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((var - 0.25).abs() < 0.02, "variance {var}");
    }

    #[test]
    fn silence_stays_within_one_lsb_and_full_scale_clamps() {
        let mut d = Dither::new(1, 16);
        let codes: Vec<i32> = (0..10_000).map(|_| d.quantize(0.0)).collect();
        assert!(codes.iter().all(|c| c.abs() <= 1));
        assert!(codes.contains(&1) && codes.contains(&-1) && codes.contains(&0));
        assert!((0..1000).all(|_| d.quantize(1.5) == 32767 && d.quantize(-1.0) >= -32767));
        assert!((0..1000).all(|_| d.quantize(f32::NAN).abs() <= 1));
    }

    #[test]
    fn twenty_four_bit_path() {
        let mut d = Dither::new(9, 24);
        let full = 8_388_607;
        assert!((0..1000).all(|_| d.quantize(1.0) >= full - 1));
        assert!((0..1000).all(|_| d.quantize(-2.0) == -full));
        let x = 0.25f32;
        let want = f64::from(x) * f64::from(full);
        assert!((0..1000).all(|_| (f64::from(d.quantize(x)) - want).abs() <= 1.5));
        let mut d32 = Dither::new(9, 32);
        assert!(d32.quantize(1.0) >= i32::MAX - 1);
    }
}
