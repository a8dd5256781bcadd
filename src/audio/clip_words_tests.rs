//! Tests of the `bcwd` chunk writer and its wary reader.

use super::*;

/// A 16-bit mono WAV of `frames` frames at 24 kHz, as hound writes it.
fn wav(frames: usize) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 24_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut out, spec).unwrap();
    for i in 0..frames {
        writer.write_sample((i % 100) as i16 * 100).unwrap();
    }
    writer.finalize().unwrap();
    out.into_inner()
}

fn word(from: usize, to: usize, start: f64, end: f64) -> ClipWord {
    ClipWord {
        from,
        to,
        start,
        end,
    }
}

fn samples(bytes: &[u8]) -> Vec<i16> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
    reader.into_samples::<i16>().map(Result::unwrap).collect()
}

#[test]
fn words_written_are_read_back_and_the_audio_is_untouched() {
    let plain = wav(24_000);
    let words = [
        word(0, 9, 0.0, 0.25),
        word(10, 21, 0.25, 0.5),
        word(22, 25, 0.6, 1.0),
    ];
    let timed = with_words(&plain, &words).unwrap();
    assert_eq!(clip_words(&timed, 25).unwrap(), words);
    // The chunk sits before data; every WAV reader still reads the samples.
    let chunks = crate::audio::wav::read_chunks(&timed).unwrap();
    let ids: Vec<&str> = chunks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["fmt ", "bcwd", "data"]);
    assert_eq!(chunks[1].data.len(), 8 + 16 * 3);
    assert_eq!(samples(&timed), samples(&plain));
    let riff = u32::from_le_bytes(timed[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff, timed.len() - 8);
    // The service's decoder reads it like any other WAV.
    let clip = crate::audio::decode::decode_wav(&timed).unwrap();
    assert_eq!(clip.samples.len(), 24_000);
    // No words is a table too, and a clip without one has none.
    assert_eq!(
        clip_words(&with_words(&plain, &[]).unwrap(), 0),
        Some(vec![])
    );
    assert_eq!(clip_words(&plain, 25), None);
}

#[test]
fn times_are_frames_of_the_clip() {
    let timed = with_words(&wav(2400), &[word(0, 1, 0.05, 0.1)]).unwrap();
    let table = &crate::audio::wav::read_chunks(&timed).unwrap()[1].data;
    assert_eq!(&table[..8], &[1, 0, 0, 0, 1, 0, 0, 0]);
    let frames: Vec<u32> = table[8..]
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(frames, [0, 1, 1200, 2400]);
}

#[test]
fn implausible_tables_are_dropped() {
    let plain = wav(24_000);
    let refused = |words: &[ClipWord], chars: usize| {
        let timed = with_words(&plain, words).unwrap();
        assert_eq!(clip_words(&timed, chars), None, "{words:?}");
    };
    refused(&[word(0, 30, 0.0, 0.5)], 25); // past the text
    refused(&[word(3, 3, 0.0, 0.5)], 25); // no characters
    refused(&[word(0, 5, 0.0, 1.5)], 25); // past the audio
    refused(&[word(0, 5, 0.5, 0.4)], 25); // ends before it starts
    refused(&[word(5, 9, 0.0, 0.5), word(0, 4, 0.5, 0.6)], 25); // text order
    refused(&[word(0, 4, 0.0, 0.5), word(5, 9, 0.4, 0.6)], 25); // overlap
}

/// `timed` with the `bcwd` payload changed by `edit`, sizes kept true.
fn edited(timed: &[u8], edit: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let chunks = crate::audio::wav::read_chunks(timed).unwrap();
    let mut payload = chunks[1].data.clone();
    edit(&mut payload);
    let plain = wav(24_000);
    let at = 36; // hound's data chunk header
    let mut out = plain[..at].to_vec();
    out.extend(crate::audio::wav::chunk(CHUNK_ID, &payload));
    out.extend_from_slice(&plain[at..]);
    out
}

#[test]
fn malformed_chunks_are_dropped_without_reading_past_them() {
    let timed = with_words(&wav(24_000), &[word(0, 2, 0.0, 0.5)]).unwrap();
    assert!(clip_words(&edited(&timed, |_| {}), 2).is_some());
    // A count larger than the rows present, a row short, a version unknown.
    type Edit = fn(&mut Vec<u8>);
    let cases: [(&str, Edit); 4] = [
        ("count too large", |p| p[4] = 2),
        ("huge count", |p| {
            p[4..8].copy_from_slice(&u32::MAX.to_le_bytes())
        }),
        ("row cut short", |p| {
            p.pop();
        }),
        ("version 2", |p| p[0] = 2),
    ];
    for (what, edit) in cases {
        assert_eq!(clip_words(&edited(&timed, edit), 2), None, "{what}");
    }
    // A chunk whose size runs past the end of the body.
    let mut cut = timed.clone();
    cut[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(clip_words(&cut, 2), None);
    // Not a WAV at all, or no fmt before data.
    assert_eq!(clip_words(b"ID3\x04 not audio", 2), None);
    assert_eq!(clip_words(&timed[..30], 2), None);
}
