//! Clips as a speech recogniser wants them: 16 kHz mono 16-bit WAV, the
//! rate Whisper and its kin work at (smaller uploads, no resampling on the
//! server).

use std::io::Cursor;

use super::{decode_clip, resample};
use crate::model::ClipFormat;

/// The rate transcription services are sent.
pub const LISTEN_RATE: u32 = 16_000;

/// A stored clip, decoded and re-encoded as 16 kHz mono 16-bit WAV.
pub fn clip_for_listening(bytes: &[u8], format: ClipFormat) -> Result<Vec<u8>, String> {
    let clip = decode_clip(bytes, format).map_err(|e| e.to_string())?;
    let samples = resample(&clip.samples, clip.rate, LISTEN_RATE).map_err(|e| e.to_string())?;
    samples_to_wav(&samples, LISTEN_RATE)
}

/// Mono f32 samples in [-1, 1] as a 16-bit WAV file in memory.
pub fn samples_to_wav(samples: &[f32], rate: u32) -> Result<Vec<u8>, String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut out, spec).map_err(|e| e.to_string())?;
    for sample in samples {
        let value = (sample.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        writer.write_sample(value).map_err(|e| e.to_string())?;
    }
    writer.finalize().map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_come_out_at_sixteen_kilohertz_mono() {
        let tone: Vec<f32> = (0..24_000).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
        let wav = samples_to_wav(&tone, 24_000).unwrap();
        let listened = clip_for_listening(&wav, ClipFormat::Wav).unwrap();
        let reader = hound::WavReader::new(Cursor::new(listened)).unwrap();
        assert_eq!(reader.spec().sample_rate, 16_000);
        assert_eq!(reader.spec().channels, 1);
        assert!(
            (reader.len() as i64 - 16_000).abs() < 200,
            "{}",
            reader.len()
        );
    }
}
