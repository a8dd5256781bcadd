//! Decoding of the audio bodies that TTS services return: RIFF/WAVE files and raw PCM.
//!
//! Owns: turning response bytes into a mono [`Clip`] (channels averaged, samples as f32 in [-1, 1]),
//! the cheap [`validate`] check (non-empty, not silent), and [`check_wav`] / [`check_pcm`], which
//! find what decoding would reject without decoding a sample. WAV parsing tolerates streamed headers:
//! the RIFF size is ignored, and a `data` size of 0 or >= 0x7FFF0000 (OpenAI's 0xFFFFFFFF, espeak-ng's
//! 0x7FFFF000) means "to the end of the body". A real `data` size that the body does not deliver is
//! rejected ([`DecodeError::Truncated`]). Samples are decoded here directly (no hound), so no claimed
//! size is ever trusted for an allocation and no input can panic.
//!
//! Leaves alone: resampling, loudness, HTTP, and writing WAVs (see `wav.rs`).

use crate::model::{PLAUSIBLE_CHANNELS, PLAUSIBLE_RATES};

/// A decoded clip: mono f32 samples in [-1, 1] at `rate` Hz.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    pub rate: u32,
    pub samples: Vec<f32>,
}

/// Raw PCM layouts a service may declare instead of WAV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    S16Le,
    S24Le,
    S32Le,
    F32Le,
    U8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcmLayout {
    pub rate: u32,
    pub channels: u16,
    pub format: SampleFormat,
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("the service did not return a WAV file (no RIFF/WAVE header) but {what}")]
    NotWav { what: String },
    #[error("the service returned {what} instead of raw PCM audio")]
    TextInsteadOfAudio { what: String },
    #[error("malformed WAV: {0}")]
    Malformed(String),
    #[error("unsupported WAV encoding: {0}; configure the service to return 16-bit PCM WAV")]
    Unsupported(String),
    #[error("invalid raw PCM layout: {0}; check sample_rate/channels in the service config")]
    BadLayout(String),
    #[error("WAV is truncated: the data chunk declares {declared} bytes but only {present} arrived; the transfer was cut off, retry the request")]
    Truncated { declared: u32, present: usize },
    #[error("{0}, which no speech service sends (accepted: 8000 to 96000 Hz, 1 to 8 channels)")]
    Implausible(String),
    #[error("the clip contains no audio samples")]
    Empty,
    #[error("the clip is silent (peak {peak_dbfs:.1} dBFS, below -60 dBFS); the service produced no speech for this text")]
    Silent { peak_dbfs: f64 },
    #[error("the clip sounds like {what}, not speech; the service is misconfigured or its voice is broken")]
    NotSpeech { what: &'static str },
}

/// Peak below this (−60 dBFS) counts as silence.
const SILENCE_PEAK: f32 = 0.001;
/// `data` sizes at or above this are streaming placeholders (0xFFFFFFFF; 0x7FFFFFFF; espeak-ng 0x7FFFF000).
const STREAMED_SIZE: u32 = 0x7FFF_0000;
/// Trailing 12 bytes of the KSDATAFORMAT_SUBTYPE_{PCM,IEEE_FLOAT} GUIDs.
const KS_GUID_TAIL: [u8; 12] = [0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71];

/// How one sample is stored.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Enc {
    U8,
    /// Signed little-endian integer, 2..=4 bytes (left-justified if fewer valid bits).
    Int(usize),
    F32,
    F64,
}

impl Enc {
    fn width(self) -> usize {
        match self {
            Enc::U8 => 1,
            Enc::Int(w) => w,
            Enc::F32 => 4,
            Enc::F64 => 8,
        }
    }

    /// Decodes one sample; `s` has exactly `width()` bytes (guaranteed by `chunks_exact`).
    fn sample(self, s: &[u8]) -> f64 {
        match self {
            Enc::U8 => s.first().map_or(0.0, |&b| (f64::from(b) - 128.0) / 128.0),
            Enc::Int(_) => {
                // Place the bytes at the top of an i32 (left-justified) so one scale fits 16/24/32-bit.
                let mut buf = [0u8; 4];
                for (d, b) in buf.iter_mut().rev().zip(s.iter().rev()) {
                    *d = *b;
                }
                f64::from(i32::from_le_bytes(buf)) / 2_147_483_648.0
            }
            Enc::F32 => f64::from(f32::from_le_bytes(s.try_into().unwrap_or([0; 4]))),
            Enc::F64 => f64::from_le_bytes(s.try_into().unwrap_or([0; 8])),
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..)?.get(..2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..)?.get(..4)?.try_into().ok()?))
}

/// One line about a non-audio body, for error messages (HTML/JSON errors under HTTP 200).
fn described(bytes: &[u8]) -> String {
    crate::util::describe(bytes, "")
}

fn malformed<T>(why: &str) -> Result<T, DecodeError> {
    Err(DecodeError::Malformed(why.into()))
}

fn unsupported<T>(why: &str) -> Result<T, DecodeError> {
    Err(DecodeError::Unsupported(why.into()))
}

/// Rates and channel counts outside [`PLAUSIBLE_RATES`] and
/// [`PLAUSIBLE_CHANNELS`] (shared with the configuration's checks).
fn check_plausible(rate: u32, channels: u16) -> Result<(), DecodeError> {
    if !PLAUSIBLE_RATES.contains(&rate) {
        return Err(DecodeError::Implausible(format!(
            "a sample rate of {rate} Hz"
        )));
    }
    if !PLAUSIBLE_CHANNELS.contains(&channels) {
        return Err(DecodeError::Implausible(format!("{channels} channels")));
    }
    Ok(())
}

/// Parses a `fmt ` payload into (channels, rate, encoding).
fn parse_fmt(fmt: &[u8]) -> Result<(u16, u32, Enc), DecodeError> {
    if fmt.len() < 16 {
        return malformed(&format!(
            "fmt chunk is {} bytes, expected at least 16",
            fmt.len()
        ));
    }
    let [mut tag, channels, bits] = [0, 2, 14].map(|at| u16_at(fmt, at).unwrap_or(0));
    let rate = u32_at(fmt, 4).unwrap_or(0);
    if tag == 0xFFFE {
        match u32_at(fmt, 24).map(u16::try_from) {
            Some(Ok(sub)) if fmt.get(28..40) == Some(&KS_GUID_TAIL[..]) => tag = sub,
            _ => return unsupported("WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID"),
        }
    }
    if channels == 0 {
        return malformed("fmt chunk declares 0 channels");
    }
    if rate == 0 {
        return malformed("fmt chunk declares a sample rate of 0 Hz");
    }
    check_plausible(rate, channels)?;
    let enc = match (tag, bits) {
        (1, 0) => return malformed("fmt chunk declares 0 bits per sample"),
        (1, 1..=8) => Enc::U8,
        (1, 9..=32) => Enc::Int(usize::from(bits).div_ceil(8)),
        (3, 32) => Enc::F32,
        (3, 64) => Enc::F64,
        (1 | 3, _) => return unsupported(&format!("{bits} bits per sample")),
        (6, _) => return unsupported("A-law"),
        (7, _) => return unsupported("µ-law"),
        _ => return unsupported(&format!("format tag 0x{tag:04X} (compressed audio)")),
    };
    Ok((channels, rate, enc))
}

/// Decodes whole frames of interleaved samples and averages channels to mono.
fn mix(data: &[u8], channels: u16, enc: Enc) -> Vec<f32> {
    let width = enc.width();
    let ch = usize::from(channels.max(1));
    if ch == 1 && enc == Enc::Int(2) {
        // The common case (mono 16-bit), bit-identical to the general path:
        // a 16-bit value over 2^15 is exact in f32 and already in range.
        return data
            .chunks_exact(2)
            .map(|s| f32::from(i16::from_le_bytes([s[0], s[1]])) / 32_768.0)
            .collect();
    }
    data.chunks_exact(width * ch)
        .map(|frame| {
            let sum: f64 = frame.chunks_exact(width).map(|s| enc.sample(s)).sum();
            let v = (sum / ch as f64) as f32;
            if v.is_nan() {
                0.0
            } else {
                v.clamp(-1.0, 1.0)
            }
        })
        .collect()
}

/// Decodes a RIFF/WAVE body (PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE), any
/// channel count (averaged to mono), any rate. Streamed size placeholders are honoured (see module docs).
pub fn decode_wav(bytes: &[u8]) -> Result<Clip, DecodeError> {
    let (channels, rate, enc, data) = wav_data(bytes)?;
    let samples = mix(data, channels, enc);
    if samples.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Clip { rate, samples })
}

/// Decodes headerless PCM in the declared layout (a trailing partial frame is dropped). A body that is
/// actually a WAV file is decoded as WAV (its header wins); a text body (JSON/HTML error) is rejected.
pub fn decode_pcm(bytes: &[u8], layout: PcmLayout) -> Result<Clip, DecodeError> {
    if crate::util::sniff(bytes).is_wav() {
        return decode_wav(bytes);
    }
    let enc = pcm_encoding(bytes, layout)?;
    let samples = mix(bytes, layout.channels, enc);
    if samples.is_empty() {
        return Err(DecodeError::Empty);
    }
    let rate = layout.rate;
    Ok(Clip { rate, samples })
}

/// What [`decode_wav`] would reject, found without decoding a sample: the
/// header parses, the samples it declares are there, and at least one whole
/// frame is. For stored clips that were fully checked when they arrived.
pub fn check_wav(bytes: &[u8]) -> Result<(), DecodeError> {
    let (channels, _, enc, data) = wav_data(bytes)?;
    has_a_frame(data, channels, enc)
}

/// What [`decode_pcm`] would reject, found without decoding a sample.
pub fn check_pcm(bytes: &[u8], layout: PcmLayout) -> Result<(), DecodeError> {
    if crate::util::sniff(bytes).is_wav() {
        return check_wav(bytes);
    }
    let enc = pcm_encoding(bytes, layout)?;
    has_a_frame(bytes, layout.channels, enc)
}

fn has_a_frame(data: &[u8], channels: u16, enc: Enc) -> Result<(), DecodeError> {
    if data.len() < enc.width() * usize::from(channels.max(1)) {
        return Err(DecodeError::Empty);
    }
    Ok(())
}

/// A RIFF/WAVE body's channels, rate, sample encoding and sample bytes
/// (whole or short by less than a frame).
fn wav_data(bytes: &[u8]) -> Result<(u16, u32, Enc, &[u8]), DecodeError> {
    let magic_ok = matches!(bytes.get(..4), Some(b"RIFF" | b"RF64" | b"BW64"));
    if !magic_ok || bytes.get(8..12) != Some(b"WAVE") {
        let what = described(bytes);
        return Err(DecodeError::NotWav { what });
    }
    let (mut fmt, mut data) = (None, None);
    let mut pos = 12usize;
    while let (Some(id), Some(size)) = (
        bytes.get(pos..).and_then(|b| b.get(..4)),
        u32_at(bytes, pos.saturating_add(4)),
    ) {
        let start = pos + 8;
        match id {
            b"fmt " => match bytes.get(start..start.saturating_add(size as usize)) {
                Some(payload) => fmt = Some(parse_fmt(payload)?),
                None => return malformed("fmt chunk is cut off"),
            },
            b"data" => {
                data = Some((start, size));
                if fmt.is_some() || size == 0 || size >= STREAMED_SIZE {
                    break;
                }
            }
            _ => {}
        }
        pos = start
            .saturating_add(size as usize)
            .saturating_add(size as usize & 1);
    }
    let Some((channels, rate, enc)) = fmt else {
        return malformed("no fmt chunk before the end of the body");
    };
    let Some((start, declared)) = data else {
        return malformed("no data chunk");
    };
    let avail = bytes.get(start..).unwrap_or_default();
    let present = avail.len();
    let len = match declared as usize {
        _ if declared == 0 || declared >= STREAMED_SIZE => present,
        d if d <= present => d,
        // Short by at most one frame: keep the whole frames that arrived.
        d if d - present <= enc.width() * usize::from(channels) => present,
        _ => return Err(DecodeError::Truncated { declared, present }),
    };
    Ok((channels, rate, enc, avail.get(..len).unwrap_or_default()))
}

/// The encoding of headerless PCM in `layout`, if the body can be that.
fn pcm_encoding(bytes: &[u8], layout: PcmLayout) -> Result<Enc, DecodeError> {
    let kind = crate::util::sniff(bytes);
    if kind.is_text() || kind.is_compressed_audio() {
        let what = described(bytes);
        return Err(DecodeError::TextInsteadOfAudio { what });
    }
    if layout.rate == 0 {
        return Err(DecodeError::BadLayout("sample rate is 0".into()));
    }
    if layout.channels == 0 {
        return Err(DecodeError::BadLayout("channel count is 0".into()));
    }
    check_plausible(layout.rate, layout.channels)?;
    Ok(match layout.format {
        SampleFormat::S16Le => Enc::Int(2),
        SampleFormat::S24Le => Enc::Int(3),
        SampleFormat::S32Le => Enc::Int(4),
        SampleFormat::F32Le => Enc::F32,
        SampleFormat::U8 => Enc::U8,
    })
}

/// Cheap check for validation: `Ok(duration in seconds)` if the clip is non-empty, not all silence
/// (peak below −60 dBFS counts as silence) and could be speech (not noise or a square wave).
pub fn validate(clip: &Clip) -> Result<f64, DecodeError> {
    if clip.rate == 0 {
        return malformed("clip has a sample rate of 0 Hz");
    }
    if clip.samples.is_empty() {
        return Err(DecodeError::Empty);
    }
    let peak = clip.samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak < SILENCE_PEAK {
        let peak_dbfs = if peak > 0.0 {
            20.0 * f64::from(peak).log10()
        } else {
            f64::NEG_INFINITY
        };
        return Err(DecodeError::Silent { peak_dbfs });
    }
    super::speechlike::check(&clip.samples, clip.rate)
        .map_err(|what| DecodeError::NotSpeech { what })?;
    Ok(clip.samples.len() as f64 / f64::from(clip.rate))
}

#[cfg(test)]
mod tests;
