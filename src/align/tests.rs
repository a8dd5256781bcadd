//! The aligner on synthetic speech whose word boundaries are known: words
//! of two vowel-like phones each (harmonics shaped by two formants), the
//! clip spoken by another "voice" (another pitch, formants 5 % higher, a
//! different level and rate) with every word stretched or squeezed by its
//! own factor and the pauses moved. A straight-line mapping of the
//! reference's times would miss most boundaries by 100 ms or more.

use super::*;

/// Two formant frequencies (Hz) per phone; word `k` is phones `2k, 2k+1`.
const PHONES: [(f32, f32); 10] = [
    (300.0, 2300.0),
    (700.0, 1200.0),
    (500.0, 1500.0),
    (400.0, 800.0),
    (800.0, 1800.0),
    (350.0, 1000.0),
    (600.0, 2500.0),
    (450.0, 1900.0),
    (250.0, 600.0),
    (750.0, 1400.0),
];

struct Voice {
    rate: u32,
    pitch: f32,
    formant_scale: f32,
    level: f32,
}

const REFERENCE_VOICE: Voice = Voice {
    rate: 22_050,
    pitch: 110.0,
    formant_scale: 1.0,
    level: 0.3,
};
const CLIP_VOICE: Voice = Voice {
    rate: 24_000,
    pitch: 145.0,
    formant_scale: 1.05,
    level: 0.5,
};

/// A reading: silence before the first word, then each word (seconds)
/// followed by its pause. Returns the samples and each word's true times.
fn speak(voice: &Voice, lead: f32, words: &[(f32, f32)]) -> (Vec<f32>, Vec<ClipWord>) {
    let rate = voice.rate as f32;
    let mut samples = vec![0.0f32; (lead * rate) as usize];
    let mut times = Vec::new();
    let mut noise = 0x2545_f491_u32;
    for (k, &(length, pause)) in words.iter().enumerate() {
        let start = samples.len();
        let n = (length * rate) as usize;
        for i in 0..n {
            let phone = PHONES[2 * k + usize::from(i >= n / 2)];
            let t = i as f32 / rate;
            let mut s = 0.0;
            let mut h = 1;
            while h as f32 * voice.pitch < 7_000.0 {
                let f = h as f32 * voice.pitch;
                let weight: f32 = [phone.0, phone.1]
                    .iter()
                    .map(|&formant| {
                        let formant = formant * voice.formant_scale;
                        1.0 / (1.0 + ((f - formant) / 150.0).powi(2))
                    })
                    .sum();
                s += weight * (2.0 * std::f32::consts::PI * f * t).sin();
                h += 1;
            }
            // 5 ms fades at the word's edges; a little noise under it all.
            let edge = (i.min(n - 1 - i) as f32 / (0.005 * rate)).min(1.0);
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            let hiss = (noise as f32 / u32::MAX as f32 - 0.5) * 0.002;
            samples.push(voice.level * 0.3 * s * edge + hiss);
        }
        times.push(ClipWord {
            from: 3 * k,
            to: 3 * k + 2,
            start: start as f64 / rate as f64,
            end: samples.len() as f64 / rate as f64,
        });
        samples.resize(samples.len() + (pause * rate) as usize, 0.0);
    }
    (samples, times)
}

fn audio<'a>(samples: &'a [f32], voice: &Voice) -> Audio<'a> {
    Audio {
        samples,
        rate: voice.rate,
    }
}

/// The largest start error (seconds) of `found` against `truth`.
fn worst_start(found: &[ClipWord], truth: &[ClipWord]) -> f64 {
    assert_eq!(found.len(), truth.len());
    found
        .iter()
        .zip(truth)
        .map(|(f, t)| (f.start - t.start).abs())
        .fold(0.0, f64::max)
}

const REFERENCE_WORDS: [(f32, f32); 5] = [
    (0.30, 0.15),
    (0.22, 0.0),
    (0.40, 0.0),
    (0.26, 0.12),
    (0.34, 0.05),
];

#[test]
fn words_of_a_stretched_shifted_clip_in_another_voice_are_found() {
    let (reference, words) = speak(&REFERENCE_VOICE, 0.05, &REFERENCE_WORDS);
    let clip_words = [
        (0.22, 0.30),
        (0.38, 0.0),
        (0.27, 0.08),
        (0.40, 0.0),
        (0.25, 0.2),
    ];
    let (clip, truth) = speak(&CLIP_VOICE, 0.25, &clip_words);
    let found = align(
        audio(&clip, &CLIP_VOICE),
        audio(&reference, &REFERENCE_VOICE),
        &words,
    )
    .unwrap();
    let worst = worst_start(&found, &truth);
    assert!(worst <= 0.020, "worst start error {worst:.3} s: {found:?}");
    for (f, t) in found.iter().zip(&truth) {
        assert!((f.end - t.end).abs() <= 0.030, "{f:?} against {t:?}");
        assert_eq!((f.from, f.to), (t.from, t.to));
    }
}

#[test]
fn the_reference_the_clip_resembles_most_is_the_one_used() {
    // No pauses, so only the warping places the words.
    let no_pauses = REFERENCE_WORDS.map(|(length, _)| (length, 0.0));
    let (clip, truth) = speak(&CLIP_VOICE, 0.0, &no_pauses);
    let (near, near_words) = speak(&CLIP_VOICE, 0.0, &no_pauses);
    // A voice far from the clip's, whose words are said to start 60 ms
    // later than they do: chosen, it would put every word late.
    let far_voice = Voice {
        pitch: 70.0,
        formant_scale: 1.5,
        ..REFERENCE_VOICE
    };
    let (far, mut far_words) = speak(&far_voice, 0.0, &no_pauses);
    for w in &mut far_words[1..] {
        w.start += 0.060;
    }
    let far_alone = align(
        audio(&clip, &CLIP_VOICE),
        audio(&far, &far_voice),
        &far_words,
    )
    .unwrap();
    assert!(worst_start(&far_alone, &truth) >= 0.040, "{far_alone:?}");
    for order in [[0, 1], [1, 0]] {
        let readings = [
            Reference {
                audio: audio(&far, &far_voice),
                words: &far_words,
            },
            Reference {
                audio: audio(&near, &CLIP_VOICE),
                words: &near_words,
            },
        ];
        let references = order.map(|k| readings[k]);
        let found = align_best(audio(&clip, &CLIP_VOICE), &references).unwrap();
        let worst = worst_start(&found, &truth);
        assert!(
            worst <= 0.010,
            "order {order:?}: worst start error {worst:.3} s"
        );
    }
}

#[test]
fn words_without_pauses_are_found_by_the_warping_alone() {
    // No silence between words: nothing to snap to.
    let reference_words = [
        (0.30, 0.0),
        (0.22, 0.0),
        (0.40, 0.0),
        (0.26, 0.0),
        (0.34, 0.0),
    ];
    let (reference, words) = speak(&REFERENCE_VOICE, 0.0, &reference_words);
    let clip_words = [
        (0.20, 0.0),
        (0.36, 0.0),
        (0.25, 0.0),
        (0.42, 0.0),
        (0.24, 0.0),
    ];
    let (clip, truth) = speak(&CLIP_VOICE, 0.0, &clip_words);
    let found = align(
        audio(&clip, &CLIP_VOICE),
        audio(&reference, &REFERENCE_VOICE),
        &words,
    )
    .unwrap();
    let worst = worst_start(&found, &truth);
    assert!(worst <= 0.030, "worst start error {worst:.3} s: {found:?}");
}

#[test]
fn a_reading_aligned_with_itself_keeps_its_times() {
    let (reference, words) = speak(&REFERENCE_VOICE, 0.1, &REFERENCE_WORDS);
    let found = align(
        audio(&reference, &REFERENCE_VOICE),
        audio(&reference, &REFERENCE_VOICE),
        &words,
    )
    .unwrap();
    let worst = worst_start(&found, &words);
    assert!(worst <= 0.010, "worst start error {worst:.3} s: {found:?}");
}

#[test]
fn times_are_in_order_without_overlaps_and_inside_the_clip() {
    let (reference, words) = speak(&REFERENCE_VOICE, 0.0, &REFERENCE_WORDS);
    // A clip much shorter than the reference, with no lead-in or tail.
    let clip_words = [(0.1, 0.0), (0.1, 0.0), (0.1, 0.0), (0.1, 0.0), (0.1, 0.0)];
    let (clip, _) = speak(&CLIP_VOICE, 0.0, &clip_words);
    let seconds = clip.len() as f64 / CLIP_VOICE.rate as f64;
    let found = align(
        audio(&clip, &CLIP_VOICE),
        audio(&reference, &REFERENCE_VOICE),
        &words,
    )
    .unwrap();
    assert_eq!(found.len(), words.len());
    for pair in found.windows(2) {
        assert!(pair[0].end <= pair[1].start, "{found:?}");
    }
    for w in &found {
        assert!(
            0.0 <= w.start && w.start <= w.end && w.end <= seconds,
            "{found:?}"
        );
    }
}

#[test]
fn a_silent_clip_is_refused() {
    let (reference, words) = speak(&REFERENCE_VOICE, 0.0, &REFERENCE_WORDS);
    let silence = vec![0.0f32; 24_000];
    let err = align(
        audio(&silence, &CLIP_VOICE),
        audio(&reference, &REFERENCE_VOICE),
        &words,
    )
    .unwrap_err();
    assert!(matches!(err, AlignError::Silent("clip")), "{err}");
}

#[test]
fn reference_words_out_of_order_are_refused() {
    let (reference, mut words) = speak(&REFERENCE_VOICE, 0.0, &REFERENCE_WORDS);
    words.swap(1, 2);
    let err = align(
        audio(&reference, &REFERENCE_VOICE),
        audio(&reference, &REFERENCE_VOICE),
        &words,
    )
    .unwrap_err();
    assert!(matches!(err, AlignError::BadWord { index: 2, .. }), "{err}");
}
