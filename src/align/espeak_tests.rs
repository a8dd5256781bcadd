//! The aligner on real speech: an espeak-ng clip in a voice variant and
//! at a speed neither reference uses, treated as a remote service's
//! audio, aligned as a build aligns it (`pipeline::align_clip`): the
//! median word must start within 20 ms of where the clip's own word events
//! put it, and every word within 100 ms (BENCHMARKS.md §14 has the
//! distribution).

use super::*;
use crate::text::{spoken_form, Form, Lexicon, Normalize};
use crate::tts::{speak_words, Spoken};

const MEDIAN_BOUND_SECONDS: f64 = 0.020;
const BOUND_SECONDS: f64 = 0.100;

fn audio(spoken: &Spoken) -> Audio<'_> {
    Audio {
        samples: &spoken.samples,
        rate: spoken.rate,
    }
}

fn check(text: &str, clip_voice: &str, clip_speed: f32) {
    let clip = speak_words(text, clip_voice, clip_speed).unwrap();
    // The references a build reads, each at the clip's pace.
    let aligned = crate::pipeline::align_clip(text, audio(&clip)).unwrap();
    let (exact, found): (Vec<ClipWord>, Vec<ClipWord>) = clip
        .words
        .iter()
        .filter_map(|c| {
            let f = aligned.iter().find(|f| (f.from, f.to) == (c.from, c.to))?;
            Some((*c, *f))
        })
        .unzip();
    assert!(
        exact.len() >= 8 && exact.len() + 1 >= clip.words.len(),
        "the clip and the references share {} of {} words",
        exact.len(),
        clip.words.len()
    );
    let chars: Vec<char> = text.chars().collect();
    let mut errors: Vec<f64> = found
        .iter()
        .zip(&exact)
        .map(|(f, e)| (f.start - e.start).abs())
        .collect();
    errors.sort_by(f64::total_cmp);
    let median = errors[errors.len() / 2];
    assert!(median <= MEDIAN_BOUND_SECONDS, "median error {median:.3} s");
    for (f, e) in found.iter().zip(&exact) {
        let word: String = chars[e.from..e.to].iter().collect();
        assert!(
            (f.start - e.start).abs() <= BOUND_SECONDS,
            "{word:?} found at {:.3} s, spoken at {:.3} s",
            f.start,
            e.start
        );
    }
}

#[test]
fn an_english_clip_in_another_voice_and_speed_is_aligned() {
    check(
        "Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived in Liberty.",
        "en-us+f4",
        0.85,
    );
}

#[test]
fn a_mandarin_clip_in_another_voice_and_speed_is_aligned() {
    // The shipped show's first sentence, as the embedded pinyin voice reads it.
    let pinyin = spoken_form(
        "柳州是广西的工业重镇，也是一个多民族的城市。",
        Normalize::Zh,
        Form::Pinyin,
        &Lexicon::default(),
    );
    check(&pinyin, "cmn-latn-pinyin+f4", 0.85);
}
