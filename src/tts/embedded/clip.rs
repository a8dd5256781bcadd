//! The embedded service's answer: an engine's samples as a 16-bit PCM WAV
//! file, with the words' times in a `bcwd` chunk before `data` when the
//! engine knows them (the layout is `audio::clip_words`'s).

use crate::model::ClipWord;

/// Mono float samples as a 16-bit PCM WAV file (clipped, rounded: the same
/// samples always give the same bytes), with `words` when there are any.
pub(super) fn wav_f32(samples: &[f32], rate: u32, words: &[ClipWord]) -> Result<Vec<u8>, String> {
    let pcm: Vec<i16> = samples
        .iter()
        .map(|&s| {
            let s = if s.is_finite() { s } else { 0.0 };
            (s.clamp(-1.0, 1.0) * 32767.0).round() as i16
        })
        .collect();
    wav_i16(&pcm, rate, words)
}

/// 16-bit mono samples as a WAV file, with `words` when there are any.
pub(super) fn wav_i16(samples: &[i16], rate: u32, words: &[ClipWord]) -> Result<Vec<u8>, String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    let mut writer = hound::WavWriter::new(&mut out, spec).map_err(|e| e.to_string())?;
    for &s in samples {
        writer.write_sample(s).map_err(|e| e.to_string())?;
    }
    writer.finalize().map_err(|e| e.to_string())?;
    let wav = out.into_inner();
    if words.is_empty() {
        return Ok(wav);
    }
    crate::audio::clip_words::with_words(&wav, words)
        .ok_or_else(|| "the WAV just written has no data chunk".to_owned())
}
