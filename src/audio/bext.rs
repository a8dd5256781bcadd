//! Broadcast Wave `bext` chunk payload, version 2 (EBU Tech 3285 v2; layout in formats.md §3).
//!
//! Owns: [`Bext`], [`bext_payload`] (the payload only; `wav::chunk(b"bext", …)` / `finish_with` frames
//! it) and [`read_bext`] for tests and verification.
//! Leaves alone: measuring loudness (`loudness.rs`), choosing field values, writing the file.
//!
//! Text: the spec allows ASCII only, so every non-ASCII character (and NUL) becomes one `?` (no
//! transliteration, so the result is predictable and one character stays one byte); fixed fields are
//! truncated to their size and NUL-padded (a field that fills its size has no NUL, as the spec allows).
//! Loudness: each value is `round(100·x)` as i16 LE, saturated to −32768..=32766; `None` or a
//! non-finite value (e.g. −∞ LUFS of silence) is written as 0x7FFF ("not set"). Version is always 2,
//! UMID all zero, reserved bytes zero. The coding history is padded with one NUL to an even length.

use super::loudness::Loudness;

/// Offsets of the fixed part.
const DESCRIPTION: (usize, usize) = (0, 256);
const ORIGINATOR: (usize, usize) = (256, 32);
const REFERENCE: (usize, usize) = (288, 32);
const DATE: (usize, usize) = (320, 10);
const TIME: (usize, usize) = (330, 8);
const TIME_REFERENCE: usize = 338;
const VERSION: usize = 346;
const LOUDNESS: usize = 412;
const FIXED: usize = 602;
const UNSET: i16 = 0x7FFF;

#[derive(Debug, thiserror::Error)]
pub enum BextError {
    #[error("bext chunk too short: {0} bytes, the fixed part alone is 602")]
    TooShort(usize),
}

pub use crate::model::Bext;

fn ascii(s: &str) -> impl Iterator<Item = u8> + '_ {
    s.chars().map(|c| {
        if c.is_ascii() && c != '\0' {
            c as u8
        } else {
            b'?'
        }
    })
}

fn put_text(out: &mut [u8], (at, size): (usize, usize), s: &str) {
    for (dst, b) in out[at..at + size].iter_mut().zip(ascii(s)) {
        *dst = b;
    }
}

fn centi(x: f64) -> i16 {
    if x.is_finite() {
        (100.0 * x).round().clamp(-32768.0, 32766.0) as i16
    } else {
        UNSET
    }
}

/// The `bext` payload: 602 fixed bytes, then the coding history (plus one NUL if that would be odd).
pub fn bext_payload(b: &Bext) -> Vec<u8> {
    let mut out = vec![0u8; FIXED];
    put_text(&mut out, DESCRIPTION, &b.description);
    put_text(&mut out, ORIGINATOR, &b.originator);
    put_text(&mut out, REFERENCE, &b.originator_reference);
    put_text(&mut out, DATE, &b.origination_date);
    put_text(&mut out, TIME, &b.origination_time);
    out[TIME_REFERENCE..VERSION].copy_from_slice(&b.time_reference.to_le_bytes());
    out[VERSION..VERSION + 2].copy_from_slice(&2u16.to_le_bytes());
    let values = match &b.loudness {
        Some(l) => [
            l.integrated_lufs,
            l.range_lu,
            l.true_peak_dbtp,
            l.max_momentary_lufs,
            l.max_short_term_lufs,
        ]
        .map(centi),
        None => [UNSET; 5],
    };
    for (i, v) in values.iter().enumerate() {
        out[LOUDNESS + 2 * i..][..2].copy_from_slice(&v.to_le_bytes());
    }
    out.extend(ascii(&b.coding_history));
    if out.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A fixed-size text field of a chunk (`at`, `size`), up to its first NUL.
pub(super) fn get_text(p: &[u8], (at, size): (usize, usize)) -> String {
    let field = &p[at..at + size];
    let end = field.iter().position(|&c| c == 0).unwrap_or(size);
    String::from_utf8_lossy(&field[..end]).into()
}

/// Parses a `bext` payload. Loudness is `None` for version < 2 or when all five values are 0x7FFF;
/// a single 0x7FFF among set values reads as NaN. Trailing NULs of the coding history are dropped.
pub fn read_bext(payload: &[u8]) -> Result<Bext, BextError> {
    if payload.len() < FIXED {
        return Err(BextError::TooShort(payload.len()));
    }
    let u16_at = |at: usize| u16::from_le_bytes([payload[at], payload[at + 1]]);
    let raw: [i16; 5] = std::array::from_fn(|i| u16_at(LOUDNESS + 2 * i) as i16);
    let value = |i: usize| match raw[i] {
        UNSET => f64::NAN,
        v => f64::from(v) / 100.0,
    };
    let loudness = (u16_at(VERSION) >= 2 && raw != [UNSET; 5]).then(|| Loudness {
        integrated_lufs: value(0),
        range_lu: value(1),
        true_peak_dbtp: value(2),
        max_momentary_lufs: value(3),
        max_short_term_lufs: value(4),
    });
    let history = &payload[FIXED..];
    let end = history.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    let time_reference = payload[TIME_REFERENCE..VERSION].try_into().unwrap();
    Ok(Bext {
        description: get_text(payload, DESCRIPTION),
        originator: get_text(payload, ORIGINATOR),
        originator_reference: get_text(payload, REFERENCE),
        origination_date: get_text(payload, DATE),
        origination_time: get_text(payload, TIME),
        time_reference: u64::from_le_bytes(time_reference),
        loudness,
        coding_history: String::from_utf8_lossy(&history[..end]).into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bext {
        Bext {
            description: "Morning briefing".into(),
            originator: "briefcast".into(),
            originator_reference: "bc-2026-11-27-ada".into(),
            origination_date: "2026-11-27".into(),
            origination_time: "06:30:00".into(),
            time_reference: 0x0102_0304_0506_0708,
            loudness: Some(Loudness {
                integrated_lufs: -16.004,
                range_lu: 4.255,
                true_peak_dbtp: -1.5,
                max_momentary_lufs: -9.996,
                max_short_term_lufs: -12.3,
            }),
            coding_history: "A=PCM,F=48000,W=16,M=mono,T=briefcast 0.1.0\r\n".into(),
        }
    }

    fn i16_at(p: &[u8], at: usize) -> i16 {
        i16::from_le_bytes([p[at], p[at + 1]])
    }

    #[test]
    fn fields_are_at_spec_offsets() {
        let b = sample();
        let p = bext_payload(&b);
        let history = b.coding_history.as_bytes();
        assert_eq!(history.len() % 2, 1);
        assert_eq!(p.len(), 602 + history.len() + 1);
        assert_eq!(&p[0..17], b"Morning briefing\0");
        assert!(p[16..256].iter().all(|&c| c == 0));
        assert_eq!(&p[256..266], b"briefcast\0");
        assert_eq!(&p[288..306], b"bc-2026-11-27-ada\0");
        assert_eq!(&p[320..330], b"2026-11-27");
        assert_eq!(&p[330..338], b"06:30:00");
        assert_eq!(&p[338..346], [8, 7, 6, 5, 4, 3, 2, 1]); // low u32 at 338, high at 342
        assert_eq!(&p[346..348], [2, 0]);
        assert!(p[348..412].iter().all(|&c| c == 0), "UMID");
        let want = [-1600, 426, -150, -1000, -1230];
        let got: Vec<i16> = (0..5).map(|i| i16_at(&p, 412 + 2 * i)).collect();
        assert_eq!(got, want);
        assert_eq!(&p[412..414], [0xC0, 0xF9]); // −1600, formats.md example
        assert!(p[422..602].iter().all(|&c| c == 0), "reserved");
        assert_eq!(&p[602..602 + history.len()], history);
        assert_eq!(p[p.len() - 1], 0);
    }

    #[test]
    fn round_trips_through_read_bext() {
        let b = sample();
        let back = read_bext(&bext_payload(&b)).unwrap();
        let l = b.loudness.unwrap();
        let want = Loudness {
            integrated_lufs: -16.0,
            range_lu: 4.26,
            true_peak_dbtp: -1.5,
            max_momentary_lufs: -10.0,
            max_short_term_lufs: -12.3,
        };
        assert_eq!(back.loudness, Some(want));
        assert_eq!(
            back,
            Bext {
                loudness: Some(want),
                ..b.clone()
            }
        );
        let even = Bext {
            coding_history: "A=PCM\r\n\r\n\r\n".into(),
            loudness: Some(l),
            ..b
        };
        let p = bext_payload(&even);
        assert_eq!(p.len(), 602 + 12);
        assert_eq!(read_bext(&p).unwrap().coding_history, even.coding_history);
        assert!(matches!(
            read_bext(&p[..601]),
            Err(BextError::TooShort(601))
        ));
    }

    #[test]
    fn unset_loudness_is_7fff() {
        let b = Bext {
            loudness: None,
            coding_history: String::new(),
            ..sample()
        };
        let p = bext_payload(&b);
        assert_eq!(p.len(), 602);
        assert!((0..5).all(|i| i16_at(&p, 412 + 2 * i) == 0x7FFF));
        assert_eq!(read_bext(&p).unwrap(), b);
        // Silence: −∞ values are "not set"; out-of-range values saturate below the sentinel.
        let silent = Loudness {
            integrated_lufs: f64::NEG_INFINITY,
            range_lu: 0.0,
            true_peak_dbtp: f64::NEG_INFINITY,
            max_momentary_lufs: 400.0,
            max_short_term_lufs: -400.0,
        };
        let p = bext_payload(&Bext {
            loudness: Some(silent),
            ..b
        });
        let got: Vec<i16> = (0..5).map(|i| i16_at(&p, 412 + 2 * i)).collect();
        assert_eq!(got, [0x7FFF, 0, 0x7FFF, 32766, -32768]);
        let back = read_bext(&p).unwrap().loudness.unwrap();
        assert!(back.integrated_lufs.is_nan() && back.range_lu == 0.0);
    }

    #[test]
    fn text_is_ascii_truncated_and_padded() {
        let b = Bext {
            description: "Épisode – ünïcode 提高".into(),
            originator: "x".repeat(40),
            origination_date: "2026-11-27T06:30".into(),
            ..sample()
        };
        let p = bext_payload(&b);
        assert_eq!(&p[0..21], b"?pisode ? ?n?code ??\0");
        assert_eq!(&p[256..288], "x".repeat(32).as_bytes());
        assert_eq!(p[288], b'b'); // the next field is untouched
        assert_eq!(&p[320..330], b"2026-11-27");
        let back = read_bext(&p).unwrap();
        assert_eq!(back.originator, "x".repeat(32));
        assert_eq!(back.origination_date, "2026-11-27");
    }
}
