//! AES46-2002 `cart` chunk payload (the radio traffic extension of
//! Broadcast Wave): what playout systems (Rivendell, ENCO, mAirList,
//! Myriad, RCS, WideOrbit) read for title, artist, category, air window
//! and cue timers.
//!
//! Owns: [`cart_payload`] (the payload only; `wav` frames it and puts it
//! before `data`, where every reader looks), [`read_cart`] for tests and
//! verification, [`cart_timers`] (the timers from an episode's timing) and
//! [`level_reference`].
//! Leaves alone: choosing the text fields (`publish::wav_tags`), measuring
//! loudness, writing the file.
//!
//! Layout (offsets in the payload): Version "0101" 0, Title 4, Artist 68,
//! CutID 132, ClientID 196, Category 260, Classification 324, OutCue 388
//! (64 bytes each), StartDate 452 (10), StartTime 462 (8), EndDate 470
//! (10), EndTime 480 (8), ProducerAppID 488, ProducerAppVersion 552,
//! UserDef 616 (64 each), dwLevelReference 680 (i32 LE), PostTimer 684
//! (8 × FOURCC usage + u32 LE sample), Reserved 748 (276 zero bytes), URL
//! 1024 (1024), TagText from 2048 to the end. Text fields are UTF-8 cut
//! on a character boundary to their size and NUL-padded (a field that
//! fills its size has no NUL); an interior NUL is dropped. The TagText is
//! padded with NULs to an even length. Unused timers are all zero.

use super::bext::get_text;
use crate::model::{Cart, EpisodeTiming};

const VERSION: &[u8; 4] = b"0101";
const TITLE: (usize, usize) = (4, 64);
const ARTIST: (usize, usize) = (68, 64);
const CUT_ID: (usize, usize) = (132, 64);
const CLIENT_ID: (usize, usize) = (196, 64);
const CATEGORY: (usize, usize) = (260, 64);
const CLASSIFICATION: (usize, usize) = (324, 64);
const OUT_CUE: (usize, usize) = (388, 64);
const START_DATE: (usize, usize) = (452, 10);
const START_TIME: (usize, usize) = (462, 8);
const END_DATE: (usize, usize) = (470, 10);
const END_TIME: (usize, usize) = (480, 8);
const PRODUCER_APP_ID: (usize, usize) = (488, 64);
const PRODUCER_APP_VERSION: (usize, usize) = (552, 64);
const USER_DEF: (usize, usize) = (616, 64);
const LEVEL_REFERENCE: usize = 680;
const POST_TIMERS: usize = 684;
const TIMERS: usize = 8;
const URL: (usize, usize) = (1024, 1024);
/// The fixed part; TagText follows.
pub const FIXED: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("cart chunk too short: {0} bytes, the fixed part alone is 2048")]
    TooShort(usize),
}

/// The longest prefix of `s` (interior NULs dropped) that fits `size`
/// bytes, cut on a character boundary.
pub fn fit(s: &str, size: usize) -> String {
    let mut out = String::new();
    for c in s.chars().filter(|&c| c != '\0') {
        if out.len() + c.len_utf8() > size {
            break;
        }
        out.push(c);
    }
    out
}

fn put_text(out: &mut [u8], (at, size): (usize, usize), s: &str) {
    let text = fit(s, size);
    out[at..at + text.len()].copy_from_slice(text.as_bytes());
}

/// The `cart` payload: 2048 fixed bytes, then the tag text (NUL-padded to
/// an even length). At most eight timers are written.
pub fn cart_payload(c: &Cart) -> Vec<u8> {
    let mut out = vec![0u8; FIXED];
    out[..4].copy_from_slice(VERSION);
    for (field, text) in [
        (TITLE, &c.title),
        (ARTIST, &c.artist),
        (CUT_ID, &c.cut_id),
        (CLIENT_ID, &c.client_id),
        (CATEGORY, &c.category),
        (CLASSIFICATION, &c.classification),
        (OUT_CUE, &c.out_cue),
        (START_DATE, &c.start_date),
        (START_TIME, &c.start_time),
        (END_DATE, &c.end_date),
        (END_TIME, &c.end_time),
        (PRODUCER_APP_ID, &c.producer_app_id),
        (PRODUCER_APP_VERSION, &c.producer_app_version),
        (USER_DEF, &c.user_def),
        (URL, &c.url),
    ] {
        put_text(&mut out, field, text);
    }
    out[LEVEL_REFERENCE..LEVEL_REFERENCE + 4].copy_from_slice(&c.level_reference.to_le_bytes());
    for (i, (usage, sample)) in c.timers.iter().take(TIMERS).enumerate() {
        let at = POST_TIMERS + 8 * i;
        out[at..at + 4].copy_from_slice(usage);
        out[at + 4..at + 8].copy_from_slice(&sample.to_le_bytes());
    }
    out.extend(c.tag_text.bytes().filter(|&b| b != 0));
    if out.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// Parses a `cart` payload; timers with an all-zero usage are left out.
pub fn read_cart(p: &[u8]) -> Result<Cart, CartError> {
    if p.len() < FIXED {
        return Err(CartError::TooShort(p.len()));
    }
    let u32_at = |at: usize| u32::from_le_bytes(p[at..at + 4].try_into().expect("4 bytes"));
    let timers = (0..TIMERS)
        .map(|i| POST_TIMERS + 8 * i)
        .map(|at| (p[at..at + 4].try_into().expect("4 bytes"), u32_at(at + 4)))
        .filter(|(usage, _): &([u8; 4], u32)| usage != &[0; 4])
        .collect();
    let tag = &p[FIXED..];
    let end = tag.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    Ok(Cart {
        title: get_text(p, TITLE),
        artist: get_text(p, ARTIST),
        cut_id: get_text(p, CUT_ID),
        client_id: get_text(p, CLIENT_ID),
        category: get_text(p, CATEGORY),
        classification: get_text(p, CLASSIFICATION),
        out_cue: get_text(p, OUT_CUE),
        start_date: get_text(p, START_DATE),
        start_time: get_text(p, START_TIME),
        end_date: get_text(p, END_DATE),
        end_time: get_text(p, END_TIME),
        producer_app_id: get_text(p, PRODUCER_APP_ID),
        producer_app_version: get_text(p, PRODUCER_APP_VERSION),
        user_def: get_text(p, USER_DEF),
        level_reference: u32_at(LEVEL_REFERENCE) as i32,
        timers,
        url: get_text(p, URL),
        tag_text: String::from_utf8_lossy(&tag[..end]).into(),
    })
}

/// The cue timers of an episode, in samples from its first: `SEGs` (segue
/// start: where the last spoken segment ends, so the next item may start
/// there rather than after the closing silence), `SEGe` and `AUDe` (the
/// end of the audio), `AUDs` (its start, 0). SEGs comes first: readers
/// that take only one timer take the segue.
pub fn cart_timers(timing: &EpisodeTiming) -> Vec<([u8; 4], u32)> {
    let clamp = |frames: u64| u32::try_from(frames).unwrap_or(u32::MAX);
    let spoken_end = timing
        .segments
        .last()
        .map_or(timing.total_frames, |s| s.start + s.frames);
    let end = clamp(timing.total_frames);
    vec![
        (*b"SEGs", clamp(spoken_end)),
        (*b"SEGe", end),
        (*b"AUDs", 0),
        (*b"AUDe", end),
    ]
}

/// `dwLevelReference`: the sample value of the episode's integrated
/// loudness taken as its 0 dB reference, `round(full scale × 10^(LUFS/20))`
/// at `bits` (−16 LUFS at 16 bits: 5193); 0 for silence (no loudness).
pub fn level_reference(integrated_lufs: f64, bits: u16) -> i32 {
    if !integrated_lufs.is_finite() {
        return 0;
    }
    let full = f64::from((1i32 << (bits.clamp(8, 32) - 1)).wrapping_sub(1).max(1));
    (full * 10f64.powf(integrated_lufs.min(0.0) / 20.0)).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    fn sample() -> Cart {
        Cart {
            title: "Morning news".into(),
            artist: "Ada".into(),
            cut_id: "ada".into(),
            client_id: "Radio Rauschen".into(),
            category: "NEWS".into(),
            classification: "speech".into(),
            out_cue: "and that was the news".into(),
            start_date: "2026/12/07".into(),
            start_time: "06:00:00".into(),
            end_date: "2026/12/07".into(),
            end_time: "09:00:00".into(),
            producer_app_id: "briefcast".into(),
            producer_app_version: "0.1.0".into(),
            user_def: "u".into(),
            level_reference: 5193,
            timers: vec![(*b"SEGs", 96_000), (*b"AUDe", 100_000)],
            url: "https://radio.example/audio/ada.wav".into(),
            tag_text: "00:00 Intro\r\n".into(),
        }
    }

    #[test]
    fn fields_are_at_spec_offsets() {
        let p = cart_payload(&sample());
        assert_eq!(p.len(), 2048 + 14);
        assert_eq!(&p[0..4], b"0101");
        assert_eq!(&p[4..17], b"Morning news\0");
        assert_eq!(&p[68..72], b"Ada\0");
        assert_eq!(&p[260..265], b"NEWS\0");
        assert_eq!(&p[452..462], b"2026/12/07");
        assert_eq!(&p[462..470], b"06:00:00");
        assert_eq!(&p[480..488], b"09:00:00");
        assert_eq!(&p[488..498], b"briefcast\0");
        assert_eq!(&p[680..684], 5193i32.to_le_bytes());
        assert_eq!(
            &p[684..692],
            [b'S', b'E', b'G', b's', 0x00, 0x77, 0x01, 0x00]
        );
        assert_eq!(&p[692..696], b"AUDe");
        assert!(
            p[700..1024].iter().all(|&b| b == 0),
            "unused timers, reserved"
        );
        assert_eq!(&p[1024..1030], b"https:");
        assert_eq!(&p[2048..], b"00:00 Intro\r\n\0");
        assert_eq!(read_cart(&p).unwrap(), sample());
        assert!(matches!(
            read_cart(&p[..2047]),
            Err(CartError::TooShort(2047))
        ));
    }

    #[test]
    fn long_utf8_is_cut_on_a_character_boundary() {
        // 3-byte characters: 21 fit in 64 bytes (63), the 22nd would not.
        let long = "提".repeat(40);
        let c = Cart {
            title: long.clone(),
            start_date: "2026-12-07T06:00".into(),
            client_id: "x\0y".into(),
            ..sample()
        };
        let p = cart_payload(&c);
        assert_eq!(&p[4..67], "提".repeat(21).as_bytes());
        assert_eq!(p[67], 0);
        assert_eq!(&p[68..71], b"Ada", "the next field is untouched");
        let back = read_cart(&p).unwrap();
        assert_eq!(back.title, "提".repeat(21));
        assert_eq!(back.start_date, "2026-12-07");
        assert_eq!(back.client_id, "xy");
        assert_eq!(fit("aé", 2), "a");
        assert_eq!(fit(&"a".repeat(70), 64).len(), 64);
    }

    #[test]
    fn timers_and_level() {
        let timing = EpisodeTiming {
            words: Vec::new(),
            rate: 48_000,
            total_frames: 100_000,
            chapters: vec![],
            segments: vec![
                Span {
                    start: 0,
                    frames: 40_000,
                },
                Span {
                    start: 50_000,
                    frames: 46_000,
                },
            ],
        };
        let timers = cart_timers(&timing);
        assert_eq!(timers[0], (*b"SEGs", 96_000));
        assert_eq!(timers[1], (*b"SEGe", 100_000));
        assert_eq!(timers[3], (*b"AUDe", 100_000));
        assert_eq!(level_reference(-16.0, 16), 5193);
        assert_eq!(level_reference(-16.0, 24), 1_329_505);
        assert_eq!(level_reference(0.0, 16), 32767);
        assert_eq!(level_reference(f64::NEG_INFINITY, 16), 0);
    }
}
