//! A service's clip bytes read as audio in the format it declared: decoded
//! for assembly, checked when a response arrives (decodes, not empty or
//! silent) and when a stored clip is reused (still whole, nothing decoded).

use crate::audio::decode::{self, Clip, DecodeError, PcmLayout, SampleFormat};
use crate::model::{ClipFormat, PcmSample};

/// Decode a response body as the format its service declared.
pub fn decode_clip(bytes: &[u8], format: ClipFormat) -> Result<Clip, DecodeError> {
    match format {
        ClipFormat::Wav => decode::decode_wav(bytes),
        ClipFormat::Pcm {
            rate,
            channels,
            sample,
        } => decode::decode_pcm(bytes, pcm_layout(rate, channels, sample)),
    }
}

/// The raw PCM layout a format declares (WAV carries its own).
fn pcm_layout(rate: u32, channels: u16, sample: PcmSample) -> PcmLayout {
    PcmLayout {
        rate,
        channels,
        format: match sample {
            PcmSample::S16le => SampleFormat::S16Le,
            PcmSample::S24le => SampleFormat::S24Le,
            PcmSample::S32le => SampleFormat::S32Le,
            PcmSample::F32le => SampleFormat::F32Le,
            PcmSample::U8 => SampleFormat::U8,
        },
    }
}

/// Whether a response body is usable audio (decodes, not empty, not
/// silent); its duration in seconds.
pub fn check_clip(bytes: &[u8], format: ClipFormat) -> Result<f64, String> {
    let clip = decode_clip(bytes, format).map_err(|e| e.to_string())?;
    decode::validate(&clip).map_err(|e| e.to_string())
}

/// Whether a stored clip, fully checked when it arrived, is still whole:
/// its header parses and its samples are all there. Decodes nothing.
pub fn check_stored_clip(bytes: &[u8], format: ClipFormat) -> Result<(), String> {
    let checked = match format {
        ClipFormat::Wav => decode::check_wav(bytes),
        ClipFormat::Pcm {
            rate,
            channels,
            sample,
        } => decode::check_pcm(bytes, pcm_layout(rate, channels, sample)),
    };
    checked.map_err(|e| e.to_string())
}
