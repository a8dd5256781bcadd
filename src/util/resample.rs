//! Sample-rate conversion of one mono clip with rubato's FFT resampler:
//! the audio stage's clips on their way into an episode, and the
//! aligner's clip and reference on their way to its feature rate.
//!
//! The output has exactly `round(len · to / from)` samples and no added
//! delay, so episode timing follows from clip lengths alone.

use rubato::{FftFixedInOut, Resampler};

const CHUNK: usize = 1024;

#[derive(Debug, thiserror::Error)]
#[error("cannot resample from {from} Hz to {to} Hz: {message}")]
pub struct ResampleError {
    from: u32,
    to: u32,
    message: String,
}

/// Number of samples `len` input samples become.
pub(super) fn output_len(len: usize, from: u32, to: u32) -> usize {
    ((len as u128 * to as u128 + from as u128 / 2) / from as u128) as usize
}

pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>, ResampleError> {
    if from == to {
        return Ok(samples.to_vec());
    }
    let fail = |e: &dyn std::fmt::Display| ResampleError {
        from,
        to,
        message: e.to_string(),
    };
    let mut resampler =
        FftFixedInOut::<f32>::new(from as usize, to as usize, CHUNK, 1).map_err(|e| fail(&e))?;
    let wanted = output_len(samples.len(), from, to);
    let delay = resampler.output_delay();
    let mut out = Vec::with_capacity(wanted + delay + resampler.output_frames_max());
    let mut input = vec![0.0f32; resampler.input_frames_max()];
    let mut chunk = vec![0.0f32; resampler.output_frames_max()];
    let mut position = 0;
    while out.len() < wanted + delay {
        let needed = resampler.input_frames_next();
        input.resize(needed, 0.0);
        let available = samples.len().saturating_sub(position).min(needed);
        input[..available].copy_from_slice(&samples[position..position + available]);
        input[available..].fill(0.0);
        position += available;
        let (_, written) = resampler
            .process_into_buffer(&[&input[..]], &mut [&mut chunk[..]], None)
            .map_err(|e| fail(&e))?;
        out.extend_from_slice(&chunk[..written]);
    }
    out.drain(..delay);
    out.truncate(wanted);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, seconds: f32, hz: f32) -> Vec<f32> {
        let n = (rate as f32 * seconds) as usize;
        (0..n)
            .map(|i| 0.5 * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin())
            .collect()
    }

    #[test]
    fn lengths_are_exact_for_common_rates() {
        for (from, len) in [
            (22_050, 22_050),
            (24_000, 12_345),
            (16_000, 1),
            (44_100, 100_001),
        ] {
            let input = vec![0.1; len];
            let out = resample(&input, from, 48_000).unwrap();
            assert_eq!(
                out.len(),
                output_len(len, from, 48_000),
                "{from} Hz, {len} samples"
            );
        }
    }

    #[test]
    fn a_tone_keeps_its_phase_and_level() {
        let input = tone(24_000, 0.5, 440.0);
        let out = resample(&input, 24_000, 48_000).unwrap();
        let expected = tone(48_000, 0.5, 440.0);
        // Away from the edges the resampled tone matches the ideal one closely.
        let worst = out[2_000..22_000]
            .iter()
            .zip(&expected[2_000..22_000])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 0.01, "largest difference {worst}");
    }

    #[test]
    fn same_rate_is_a_copy() {
        assert_eq!(
            resample(&[0.1, 0.2], 48_000, 48_000).unwrap(),
            vec![0.1, 0.2]
        );
    }
}
