//! Unit tests of clip decoding: every sample format, streamed headers,
//! truncated and hostile bodies, and the cheap checks agreeing with decoding.

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
