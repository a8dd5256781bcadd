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
mod tests {
    use super::*;
    use hound::SampleFormat::{Float, Int};
    use std::any::TypeId;

    const S16: f64 = 32768.0;
    const S24: f64 = 8_388_608.0;
    const S32: f64 = 2_147_483_648.0;

    /// A chunk with a declared `size` (padded only when the size is honest and odd).
    fn chunk(id: &[u8; 4], size: u32, payload: &[u8]) -> Vec<u8> {
        let mut v = [&id[..], &size.to_le_bytes(), payload].concat();
        if payload.len() % 2 == 1 && size as usize == payload.len() {
            v.push(0);
        }
        v
    }

    fn riff(size: u32, chunks: &[Vec<u8>]) -> Vec<u8> {
        let head = [*b"RIFF", size.to_le_bytes(), *b"WAVE"];
        [head.concat(), chunks.concat()].concat()
    }

    fn fmt(tag: u16, ch: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = ch * bits.div_ceil(8);
        let mut p = [tag, ch].map(u16::to_le_bytes).concat();
        let rates = [rate, rate * u32::from(align)];
        p.extend(rates.map(u32::to_le_bytes).concat());
        p.extend([align, bits].map(u16::to_le_bytes).concat());
        chunk(b"fmt ", 16, &p)
    }

    /// 16-bit PCM at 24 kHz with the given RIFF and data sizes around `body`.
    fn wav16(ch: u16, riff_size: u32, data_size: u32, body: &[u8]) -> Vec<u8> {
        let data = chunk(b"data", data_size, body);
        riff(riff_size, &[fmt(1, ch, 24000, 16), data])
    }

    fn s16(v: &[i16]) -> Vec<u8> {
        v.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    /// A WAV written by hound at 22050 Hz (f32 samples → IEEE float, integers → PCM).
    fn hound_wav<S: hound::Sample + Copy + 'static>(ch: u16, bits: u16, v: &[S]) -> Vec<u8> {
        let float = TypeId::of::<S>() == TypeId::of::<f32>();
        let spec = hound::WavSpec {
            channels: ch,
            sample_rate: 22050,
            bits_per_sample: bits,
            sample_format: if float { Float } else { Int },
        };
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut out, spec).unwrap();
        v.iter().for_each(|&s| w.write_sample(s).unwrap());
        w.finalize().unwrap();
        out.into_inner()
    }

    /// Expected mono samples: integer channel sums / channels / full scale.
    fn want(sums: &[i64], ch: i64, full_scale: f64) -> Vec<f32> {
        let scale = |&s: &i64| (s as f64 / ch as f64 / full_scale) as f32;
        sums.iter().map(scale).collect()
    }

    fn clip(rate: u32, samples: Vec<f32>) -> Clip {
        Clip { rate, samples }
    }

    fn layout(rate: u32, channels: u16, format: SampleFormat) -> PcmLayout {
        PcmLayout {
            rate,
            channels,
            format,
        }
    }

    fn dec(bytes: &[u8]) -> Vec<f32> {
        decode_wav(bytes).unwrap().samples
    }

    fn err(bytes: &[u8]) -> String {
        decode_wav(bytes).unwrap_err().to_string()
    }

    #[test]
    fn mono_int_formats_decode_exactly() {
        let w = hound_wav(1, 8, &[-128i8, -1, 0, 127]);
        assert_eq!(dec(&w), want(&[-128, -1, 0, 127], 1, 128.0));
        let v: [i64; 5] = [-32768, -1, 0, 12345, 32767];
        let w = hound_wav(1, 16, &v.map(|s| s as i16));
        assert_eq!(dec(&w), want(&v, 1, S16));
        let v: [i64; 4] = [-8_388_608, 1, -2, 8_388_607];
        let w = hound_wav(1, 24, &v.map(|s| s as i32));
        assert_eq!(dec(&w), want(&v, 1, S24));
        let v: [i64; 4] = [i32::MIN.into(), -7, 1 << 20, i32::MAX.into()];
        let w = hound_wav(1, 32, &v.map(|s| s as i32));
        assert_eq!(decode_wav(&w).unwrap(), clip(22050, want(&v, 1, S32)));
    }

    #[test]
    fn stereo_and_multichannel_are_averaged() {
        let w = hound_wav(2, 16, &[1000i16, -2000, 32767, 32767, -32768, 0]);
        assert_eq!(dec(&w), want(&[-1000, 65534, -32768], 2, S16));
        assert_eq!(dec(&hound_wav(2, 8, &[100i8, -50])), want(&[50], 2, 128.0));
        // hound writes WAVE_FORMAT_EXTENSIBLE for 24-bit and for more than 2 channels.
        let w = hound_wav(2, 24, &[8_000_000i32, -1, 3, 5]);
        assert_eq!(dec(&w), want(&[7_999_999, 8], 2, S24));
        let w = hound_wav(4, 16, &[1000i16, 2000, 3000, 4000]);
        assert_eq!(dec(&w), want(&[10_000], 4, S16));
    }

    #[test]
    fn float_is_averaged_clamped_and_nan_free() {
        let v = [0.5f32, 0.25, 2.0, 2.0, f32::NAN, 0.0, -0.75, -0.25];
        assert_eq!(dec(&hound_wav(2, 32, &v)), [0.375, 1.0, 0.0, -0.5]);
        assert_eq!(dec(&hound_wav(1, 32, &[-0.125f32])), [-0.125]);
    }

    #[test]
    fn streamed_size_placeholders_read_to_end() {
        let body = [s16(&[1, 2, 3, 4, 5]), vec![0x7F]].concat(); // trailing partial frame dropped
        let expected = clip(24000, want(&[1, 2, 3, 4, 5], 1, S16));
        // OpenAI, zero, espeak-ng 1.51 `--stdout` (seen on this machine), a riff size that lies.
        for (riff, data) in [(!0, !0), (0, 0), (0x7FFF_F024, 0x7FFF_F000), (36, !15)] {
            let got = decode_wav(&wav16(1, riff, data, &body));
            assert_eq!(got.unwrap(), expected, "data size {data:#x}");
        }
    }

    #[test]
    fn claimed_4gib_with_100_bytes_present() {
        let body = s16(&[300; 50]);
        assert_eq!(dec(&wav16(1, u32::MAX, 0xFFFF_FFFE, &body)).len(), 50);
        // A huge chunk before data cannot be skipped; a fmt chunk claiming 4 GiB is cut off.
        let list = chunk(b"LIST", 0xFFFF_FFF0, &body);
        assert!(err(&riff(u32::MAX, &[fmt(1, 1, 8000, 16), list])).contains("no data"));
        let fmt = chunk(b"fmt ", 0xFFFF_FFF0, &body);
        assert!(err(&riff(u32::MAX, &[fmt])).contains("cut off"));
    }

    #[test]
    fn odd_list_chunk_before_data_is_skipped_with_its_pad() {
        let data = chunk(b"data", 4, &s16(&[7, -7]));
        let w = riff(0, &[fmt(1, 1, 8000, 16), chunk(b"LIST", 5, b"INFOx"), data]);
        assert_eq!(w.len(), 12 + 24 + 14 + 12); // the LIST carries a pad byte
        assert_eq!(dec(&w), want(&[7, -7], 1, S16));
        // fmt after a real-sized data chunk is fine too.
        let w = riff(0, &[chunk(b"data", 2, &s16(&[9])), fmt(1, 1, 8000, 16)]);
        assert_eq!(dec(&w), want(&[9], 1, S16));
    }

    #[test]
    fn text_bodies_are_not_wav() {
        let what = |body: &[u8]| match decode_wav(body) {
            Err(DecodeError::NotWav { what }) => what,
            other => panic!("{other:?}"),
        };
        let html = b"\n  <!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>";
        assert_eq!(what(html), "an HTML page, 60 bytes: \"502 Bad Gateway\"");
        let json = format!("{{\"error\":{{\"message\":\"{}\"}}}}", "x".repeat(200));
        assert!(what(json.as_bytes()).starts_with("JSON, 224 bytes: \"{\"error\""));
        assert!(what(json.as_bytes()).ends_with("…\""));
        assert_eq!(what(b""), "an empty body, 0 bytes");
        assert_eq!(
            what(b"RIFF\0\0\0\0AVI LIST\x1b[2J"),
            "binary data, 20 bytes"
        );
    }

    #[test]
    fn truncated_data_is_rejected_but_one_short_frame_is_tolerated() {
        let body = s16(&[5; 50]);
        let e = format!("{:?}", decode_wav(&wav16(1, 1036, 1000, &body)));
        assert_eq!(e, "Err(Truncated { declared: 1000, present: 100 })");
        assert!(err(&wav16(1, 0, 0x7000_0000, &body)).contains("truncated"));
        assert_eq!(dec(&wav16(2, 0, 104, &body)).len(), 25); // one stereo frame short
        assert!(err(&wav16(2, 0, 105, &body)).contains("truncated"));
    }

    #[test]
    fn bad_headers_are_rejected() {
        let data = chunk(b"data", 4, &s16(&[1, 2]));
        let bad = |fmt: Vec<u8>| err(&riff(0, &[fmt, data.clone()]));
        assert!(bad(fmt(1, 0, 8000, 16)).contains("0 channels"));
        assert!(bad(fmt(1, 1, 0, 16)).contains("0 Hz"));
        assert!(bad(fmt(1, 1, 8000, 0)).contains("0 bits"));
        assert!(bad(fmt(1, 1, 8000, 40)).contains("40 bits"));
        assert!(bad(fmt(3, 1, 8000, 16)).contains("16 bits"));
        assert!(bad(fmt(0x55, 1, 8000, 16)).contains("0x0055"));
        assert!(bad(fmt(6, 1, 8000, 8)).contains("A-law"));
        assert!(bad(fmt(0xFFFE, 1, 8000, 16)).contains("EXTENSIBLE"));
        assert!(bad(chunk(b"fmt ", 10, &[1; 10])).contains("10 bytes"));
        assert!(bad(chunk(b"JUNK", 0, &[])).contains("no fmt"));
        assert!(err(&riff(0, &[fmt(1, 1, 8000, 16)])).contains("no data"));
        let empty = DecodeError::Empty.to_string();
        assert_eq!(err(&wav16(1, 0, 0, &[])), empty);
        assert_eq!(err(&wav16(2, 0, 2, &[1, 2])), empty);
    }

    #[test]
    fn no_panic_on_cut_or_corrupted_input() {
        let good = hound_wav(2, 24, &[1i32, 2, 3, 4, 5, 6]);
        let layout = layout(1, u16::MAX, SampleFormat::F32Le);
        for n in 0..good.len() {
            let _ = decode_wav(&good[..n]);
            for byte in [0x00, 0x01, 0x7F, 0xFF] {
                let mut bad = good.clone();
                bad[n] = byte;
                let _ = (decode_wav(&bad), decode_pcm(&bad[..n], layout));
            }
        }
    }

    #[test]
    fn the_cheap_checks_accept_exactly_what_decodes() {
        let good = hound_wav(2, 24, &[1i32, 2, 3, 4, 5, 6]);
        let pcm = layout(8000, 2, SampleFormat::S16Le);
        let mut cases = vec![good.clone(), wav16(1, 1036, 1000, &s16(&[5; 50]))];
        for n in 0..good.len() {
            cases.push(good[..n].to_vec());
            for byte in [0x00, 0x01, 0x7F, 0xFF] {
                let mut bad = good.clone();
                bad[n] = byte;
                cases.push(bad);
            }
        }
        cases.extend([b"{\"error\": 1}".to_vec(), vec![1, 2, 3], vec![1]]);
        for bytes in &cases {
            let (checked, decoded) = (check_wav(bytes), decode_wav(bytes));
            assert_eq!(checked.is_ok(), decoded.is_ok(), "{bytes:?}: {checked:?}");
            if let (Err(c), Err(d)) = (checked, decoded) {
                assert_eq!(c.to_string(), d.to_string());
            }
            let (checked, decoded) = (check_pcm(bytes, pcm), decode_pcm(bytes, pcm));
            assert_eq!(checked.is_ok(), decoded.is_ok(), "{bytes:?}: {checked:?}");
        }
    }

    #[test]
    fn raw_pcm_decodes_in_the_declared_layout() {
        use SampleFormat::*;
        let pcm = |b: &[u8], ch, format| decode_pcm(b, layout(24000, ch, format));
        let ok = |b: &[u8], ch, format| pcm(b, ch, format).unwrap().samples;
        let bad = |b: &[u8], ch, rate| format!("{:?}", decode_pcm(b, layout(rate, ch, S16Le)));
        let bytes = [s16(&[1000, -2000, 300, 500]), vec![0xAB]].concat();
        let expected = clip(24000, want(&[-1000, 800], 2, S16));
        assert_eq!(pcm(&bytes, 2, S16Le).unwrap(), expected);
        let max24 = [0, 0, 0x80, 0xFF, 0xFF, 0x7F];
        assert_eq!(ok(&max24, 1, S24Le), want(&[-8_388_608, 8_388_607], 1, S24));
        let v = (-5i32 << 8).to_le_bytes();
        assert_eq!(ok(&v, 1, S32Le), want(&[-5 << 8], 1, S32));
        assert_eq!(ok(&[0, 128, 255], 1, U8), [-1.0, 0.0, 127.0 / 128.0]);
        assert_eq!(ok(&0.25f32.to_le_bytes(), 1, F32Le), [0.25]);
        let wav = wav16(1, 0, 2, &s16(&[3])); // a WAV body is decoded as WAV (its header wins)
        assert_eq!(pcm(&wav, 2, U8).unwrap(), clip(24000, want(&[3], 1, S16)));
        let json = br#"{"detail": "voice not found"}"#;
        assert!(bad(json, 1, 8000).contains("TextInsteadOfAudio"));
        assert_eq!(bad(&[1], 1, 8000), "Err(Empty)");
        assert!(bad(&[1, 2], 0, 8000).contains("BadLayout"));
        assert!(bad(&[1, 2], 1, 0).contains("BadLayout"));
    }

    #[test]
    fn validate_rejects_silence_and_empty() {
        let v = |samples: Vec<f32>| validate(&clip(16000, samples));
        assert_eq!(v(vec![0.0, 0.01, -0.5, 0.0]).unwrap(), 4.0 / 16000.0);
        let silent = |r| matches!(r, Err(DecodeError::Silent { peak_dbfs }) if peak_dbfs < -60.0);
        assert!(silent(v(vec![0.0; 16000])) && silent(v(vec![0.0005, -0.0009])));
        assert!(v(vec![0.0011]).is_ok());
        assert!(matches!(v(vec![]), Err(DecodeError::Empty)));
        assert!(validate(&clip(0, vec![0.5])).is_err());
    }
}
