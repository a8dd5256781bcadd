//! Word times end to end: a service that sends only audio gets its clips
//! aligned, and every word lands near where it is really heard.
//!
//! The service is the test's fake (it cannot otherwise be told what to
//! say), but what it says is real speech: espeak-ng, through the same
//! library call the embedded service makes, in voices and at a speed the
//! alignment's reference does not use, so the test knows every word's
//! true time and the alignment does not.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use briefcast::model::ClipWord;
use briefcast::text::{segment_words, Form, Lexicon, Normalize};

use crate::support::fake::FakeService;
use crate::support::faults::files_under;
use crate::support::Project;

const ENGLISH: &str = "The library opens at nine. Volunteers read the morning news aloud for listeners who cannot see the page.";
const MANDARIN: &str = "全市少数民族人口二百多万人。各族群众在这里生活了很多年，共同建设美丽家园。";

#[test]
fn a_remote_services_clips_are_aligned_near_each_words_true_time() {
    let fake = FakeService::start(22_050);
    let exact: Arc<Mutex<HashMap<String, Vec<ClipWord>>>> = Arc::default();
    let known = Arc::clone(&exact);
    fake.speak_with(Arc::new(move |text: &str| {
        let han = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let voice = if han { "cmn+f4" } else { "en-us+m3" };
        let spoken = briefcast::tts::speak_words(text, voice, 1.2).unwrap();
        assert_eq!(spoken.rate, 22_050);
        known.lock().unwrap().insert(text.to_owned(), spoken.words);
        spoken
            .samples
            .iter()
            .map(|s| (s * 32767.0).round() as i16)
            .collect()
    }));
    let project = Project::new();
    project
        .openai_config(&fake.url(), &[("Ann", "ann"), ("Li", "li")], "trim = false")
        .write(
            "scripts/ann.md",
            &format!("+++\nspeaker = \"Ann\"\ntitle = \"News\"\n+++\n\n{ENGLISH}\n"),
        )
        .write(
            "scripts/li.md",
            &format!("+++\nspeaker = \"Li\"\ntitle = \"家园\"\n+++\n\n{MANDARIN}\n"),
        );
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    let exact = exact.lock().unwrap();
    let mut errors_ms = Vec::new();
    for slug in ["ann", "li"] {
        let episode = &manifest["episodes"][slug];
        let rate = episode["rate"].as_f64().unwrap();
        for segment in episode["segments"].as_array().unwrap() {
            let text = segment["text"].as_str().unwrap();
            let spoken = segment["spoken"].as_str().unwrap();
            let start = segment["start-frame"].as_f64().unwrap();
            let frames = segment["frames"].as_f64().unwrap();
            let truth = &exact[spoken];
            let planned = segment_words(text, Normalize::Zh, Form::Hanzi, &Lexicon::default());
            let timed = segment["words"].as_array().unwrap();
            assert_eq!(timed.len(), planned.len(), "{slug}: {text}");
            for (word, plan) in timed.iter().zip(&planned) {
                let at = word["start-frame"].as_f64().unwrap();
                let length = word["frames"].as_f64().unwrap();
                assert!(
                    at >= start && at + length <= start + frames,
                    "{slug}: {word}"
                );
                let heard = truth
                    .iter()
                    .filter(|c| c.from < plan.sent.end && plan.sent.start < c.to)
                    .map(|c| c.start)
                    .fold(f64::INFINITY, f64::min);
                assert!(heard.is_finite(), "espeak-ng timed no word of {word}");
                errors_ms.push(((at - start) / rate - heard).abs() * 1000.0);
            }
        }
    }
    errors_ms.sort_by(f64::total_cmp);
    let median = errors_ms[errors_ms.len() / 2];
    let worst = errors_ms[errors_ms.len() - 1];
    assert!(errors_ms.len() >= 30, "{} words", errors_ms.len());
    assert!(
        median <= 30.0 && worst <= 100.0,
        "word starts off by a median of {median:.0} ms, at worst {worst:.0} ms: {errors_ms:?}"
    );
    // Aligned once: the times are stored beside each clip.
    let stored = files_under(&project.path(".briefcast/cache"))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".words.json"))
        .count();
    assert_eq!(stored, fake.requests(), "one stored alignment per clip");
}

/// Every word of every segment of a built show is timed, in order, inside
/// its segment, shown as written (the words, in order, are the segment's
/// text less punctuation and spaces), with pinyin wherever it says a hanzi.
pub fn assert_every_word_timed(manifest: &serde_json::Value) {
    let episodes = manifest["episodes"].as_object().unwrap();
    assert!(!episodes.is_empty());
    for (slug, episode) in episodes {
        for segment in episode["segments"].as_array().unwrap() {
            let text = segment["text"].as_str().unwrap();
            let start = segment["start-frame"].as_u64().unwrap();
            let end = start + segment["frames"].as_u64().unwrap();
            let words = segment["words"].as_array().unwrap();
            let mut rest = text;
            let mut last = start;
            for word in words {
                let written = word["written"].as_str().unwrap();
                let spoken = word["spoken"].as_str().unwrap();
                let at = word["start-frame"].as_u64().unwrap();
                let frames = word["frames"].as_u64().unwrap();
                assert!(
                    at >= last && at + frames <= end,
                    "{slug}: {word} in {segment}"
                );
                last = at;
                let found = rest
                    .find(written)
                    .unwrap_or_else(|| panic!("{slug}: {written} is not next in {text}"));
                assert!(
                    !rest[..found].chars().any(char::is_alphanumeric),
                    "{slug}: {:?} of {text} is in no word",
                    &rest[..found]
                );
                rest = &rest[found + written.len()..];
                let hans = |s: &str| {
                    s.chars()
                        .filter(|&c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                        .count()
                };
                let pinyin = word["pinyin"].as_array().map_or(0, Vec::len);
                if hans(spoken) > 0 {
                    assert!(pinyin > 0, "{slug}: {word} says hanzi without pinyin");
                }
            }
            assert!(
                !rest.chars().any(char::is_alphanumeric),
                "{slug}: {rest:?} of {text} is in no word"
            );
        }
    }
}
