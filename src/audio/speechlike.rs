//! Whether a clip could be speech at all: a service that answers white
//! noise or a full-scale square wave (a broken vocoder, a test signal, a
//! misread sample format) passes every check of format, length and level.
//!
//! Two measures over the clip's active part (10 ms frames within 30 dB of
//! the loudest), both cheap and independent of the sample rate:
//! - the zero-crossing rate: white noise crosses zero at about every other
//!   sample, speech far less often (its energy is below 4 kHz; even a clip
//!   of one fricative syllable stays under 0.3 at 8 kHz);
//! - the crest factor, peak over RMS: a square wave sits at 1, a sine at
//!   1.41, speech at 3 and more.

/// Above this share of samples crossing zero, the active part is noise.
const NOISE_CROSSINGS: f64 = 0.4;
/// Below this peak-to-RMS ratio, the active part is a constant-level wave.
const FLAT_CREST: f64 = 1.2;
/// Frames quieter than the loudest by more than this are not active.
const ACTIVE_RANGE_DB: f64 = 30.0;

/// `Err(what it sounds like)` when `samples` at `rate` cannot be speech.
pub(super) fn check(samples: &[f32], rate: u32) -> Result<(), &'static str> {
    let frame = (rate as usize / 100).max(1);
    let energies: Vec<f64> = samples
        .chunks(frame)
        .map(|f| f.iter().map(|&s| f64::from(s) * f64::from(s)).sum::<f64>() / f.len() as f64)
        .collect();
    let loudest = energies.iter().copied().fold(0.0, f64::max);
    if loudest <= 0.0 {
        return Ok(());
    }
    let floor = loudest * 10f64.powf(-ACTIVE_RANGE_DB / 10.0);
    let (mut crossings, mut count, mut energy, mut peak) = (0usize, 0usize, 0.0f64, 0.0f32);
    for (chunk, &e) in samples.chunks(frame).zip(&energies) {
        if e < floor {
            continue;
        }
        crossings += chunk
            .windows(2)
            .filter(|w| (w[0] >= 0.0) != (w[1] >= 0.0))
            .count();
        count += chunk.len();
        energy += e * chunk.len() as f64;
        peak = chunk.iter().fold(peak, |m, s| m.max(s.abs()));
    }
    // Too little sound to judge (a click, a breath).
    if count < frame * 5 {
        return Ok(());
    }
    if crossings as f64 / count as f64 > NOISE_CROSSINGS {
        return Err("white noise");
    }
    let rms = (energy / count as f64).sqrt();
    if f64::from(peak) / rms < FLAT_CREST {
        return Err("a constant-level wave (a square wave or a test signal)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random value in -1..1 (splitmix32).
    fn noise(i: u32) -> f32 {
        let mut x = i.wrapping_add(0x9e37_79b9);
        x = (x ^ (x >> 16)).wrapping_mul(0x85eb_ca6b);
        x = (x ^ (x >> 13)).wrapping_mul(0xc2b2_ae35);
        x ^= x >> 16;
        2.0 * (x as f32 / u32::MAX as f32) - 1.0
    }

    fn sine(hz: f32, rate: u32, seconds: f32) -> Vec<f32> {
        let n = (rate as f32 * seconds) as usize;
        (0..n)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
            .collect()
    }

    /// Syllables: a vowel (a 150 Hz pulse train through a decaying
    /// resonance) after a fricative burst of noise, with gaps between.
    fn speechlike(rate: u32) -> Vec<f32> {
        let mut out = Vec::new();
        let mut i = 0u32;
        for syllable in 0..6 {
            for n in 0..rate / 12 {
                out.push(0.15 * noise(i + n));
            }
            i += rate;
            let period = rate / (140 + syllable * 10);
            for n in 0..rate / 5 {
                let t = (n % period) as f32 / rate as f32;
                let envelope = (std::f32::consts::PI * n as f32 / (rate / 5) as f32).sin();
                out.push(
                    0.8 * envelope
                        * (-t * 600.0).exp()
                        * (2.0 * std::f32::consts::PI * 700.0 * t).sin(),
                );
            }
            out.extend(std::iter::repeat_n(0.0, rate as usize / 20));
        }
        out
    }

    #[test]
    fn noise_and_square_waves_are_not_speech() {
        for rate in [8_000, 24_000, 48_000] {
            let white: Vec<f32> = (0..rate).map(|i| 0.5 * noise(i)).collect();
            assert_eq!(check(&white, rate), Err("white noise"), "{rate}");
            let square: Vec<f32> = sine(220.0, rate, 1.0)
                .iter()
                .map(|s| if *s >= 0.0 { 1.0 } else { -1.0 })
                .collect();
            assert!(
                check(&square, rate).unwrap_err().contains("square"),
                "{rate}"
            );
        }
    }

    #[test]
    fn speech_like_sound_tones_and_short_clicks_pass() {
        for rate in [8_000, 16_000, 22_050, 24_000, 48_000] {
            assert_eq!(check(&speechlike(rate), rate), Ok(()), "{rate}");
            assert_eq!(check(&sine(440.0, rate, 1.0), rate), Ok(()), "{rate}");
            let mut click = vec![0.0; rate as usize];
            click[100] = 1.0;
            assert_eq!(check(&click, rate), Ok(()), "{rate}");
        }
    }
}
