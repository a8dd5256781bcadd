//! `briefcast check`: the real Whisper server hears intelligible speech and
//! not noise, silence or another sentence; transcripts are cached per clip;
//! a failing transcription service stops the check and changes nothing.

use briefcast::pipeline::Project as Loaded;

use crate::support::transcriber::{Answer, FakeTranscriber};
use crate::support::whisper::Whisper;
use crate::support::{FakeService, Project};

const SENTENCE: &str = "The quick brown fox jumps over the lazy dog.";

fn check_section(url: &str, timeout_ms: u64) -> String {
    format!(
        "\n[check]\nservice = \"whisper\"\n\n[check.services.whisper]\nkind = \"openai\"\nurl = \"{url}\"\ntimeout-ms = {timeout_ms}\nretries = 1\nconcurrency = 1\n"
    )
}

/// One English sentence read by the embedded espeak-ng `en-us` voice.
fn espeak_english(whisper_url: &str) -> Project {
    let project = Project::new();
    project.write(
        "voices.toml",
        &format!(
            "[show]\ntitle = \"Test\"\nlanguage = \"en\"\ndate = \"2024-05-01\"\n\n[audio]\nannounce = false\n\n[services.espeak]\nkind = \"embedded\"\n\n[voices.en]\nservice = \"espeak\"\nvoice = \"en-us\"\n\n[speakers]\n\"Ann\" = {{ voice = \"en\", slug = \"ann\" }}\n{}",
            check_section(whisper_url, 120_000)
        ),
    );
    project.write(
        "scripts/01-ann.md",
        &format!("+++\nspeaker = \"Ann\"\ntitle = \"Fox\"\n+++\n\n{SENTENCE}\n"),
    );
    project
}

/// Replaces the clip of the project's only segment with `wav`, and forgets
/// what was heard before.
fn replace_clip(project: &Project, wav: &[u8]) {
    let loaded = Loaded::load(&project.path("voices.toml"), None).unwrap();
    let segment = loaded.episodes[0].segments().next().unwrap().clone();
    let request = loaded.request(&segment);
    let catalog = loaded.catalog();
    let key = catalog.key(&request).unwrap();
    let format = catalog.format(&request.service).unwrap();
    catalog.cache().write(&key, format, wav).unwrap();
    let _ = std::fs::remove_dir_all(project.path(".briefcast/transcripts"));
}

fn espeak_wav(voice: &str, text: &str) -> Vec<u8> {
    let output = std::process::Command::new("espeak-ng")
        .args(["-v", voice, "--stdout", text])
        .output()
        .unwrap();
    assert!(output.status.success());
    output.stdout
}

fn wav16k(samples: &[f32]) -> Vec<u8> {
    briefcast::audio::samples_to_wav(samples, 16_000).unwrap()
}

fn score(project: &Project) -> (f64, String) {
    let json: serde_json::Value =
        serde_json::from_slice(&project.read("audio/check.json")).unwrap();
    let (_, segment) = json["segments"].as_object().unwrap().iter().next().unwrap();
    (
        segment["score"].as_f64().unwrap(),
        segment["transcript"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn real_whisper_passes_clear_speech_and_fails_another_sentence_noise_and_silence() {
    let whisper = Whisper::start();
    let project = espeak_english(&whisper.url());
    let built = project.run(&["build", "--quiet"]);
    assert_eq!(built.code, 0, "{}", built.stderr);

    let run = project.run(&["check"]);
    let (wer, heard) = score(&project);
    assert_eq!(
        run.code, 0,
        "WER {wer}, heard {heard:?}\n{}{}",
        run.stdout, run.stderr
    );
    assert!(wer <= 0.2, "WER {wer}, heard {heard:?}");
    assert!(run.stdout.contains("ann: WER"), "{}", run.stdout);

    let noise: Vec<f32> = (0..48_000u32)
        .map(|i| {
            let x = i.wrapping_mul(2_654_435_761).rotate_left(13) as f32 / u32::MAX as f32;
            (x - 0.5) * 0.6
        })
        .collect();
    let cases = [
        (
            "another sentence",
            espeak_wav("en-us", "Please send me the weather report for Tuesday."),
        ),
        ("white noise", wav16k(&noise)),
        ("silence", wav16k(&vec![0.0; 32_000])),
    ];
    for (case, wav) in cases {
        replace_clip(&project, &wav);
        let run = project.run(&["check"]);
        let (wer, heard) = score(&project);
        assert_eq!(
            run.code, 1,
            "{case}: WER {wer}, heard {heard:?}\n{}",
            run.stdout
        );
        assert!(wer > 0.2, "{case}: WER {wer}, heard {heard:?}");
        assert!(
            run.stdout.contains("01-ann.md:6 “The quick brown "),
            "{case}: {}",
            run.stdout
        );
    }
}

/// Three sentences through a fake speech service, heard by a counting fake
/// transcriber.
fn counted_project(tts: &FakeService, transcriber_url: &str, timeout_ms: u64) -> Project {
    let project = Project::new();
    project.openai_config(&tts.url(), &[("Ann", "ann")], "announce = false");
    let mut config = String::from_utf8(project.read("voices.toml")).unwrap();
    config = config.replace("[show]\n", "[show]\nlanguage = \"en\"\n");
    config.push_str(&check_section(transcriber_url, timeout_ms));
    project.write("voices.toml", &config);
    project.write(
        "scripts/01-ann.md",
        "+++\nspeaker = \"Ann\"\ntitle = \"Three\"\n+++\n\nOne fine day. Two fine days. Three fine days.\n",
    );
    project
}

#[test]
fn transcripts_are_cached_per_clip_so_only_edited_sentences_are_sent() {
    let tts = FakeService::start(24_000);
    let transcriber = FakeTranscriber::start(Answer::Text("Two fine days.".into()));
    let project = counted_project(&tts, &transcriber.url(), 5_000);
    assert_eq!(project.run(&["build", "--quiet"]).code, 0);

    let first = project.run(&["check"]);
    assert_eq!(transcriber.requests(), 3);
    // The fake hears "Two fine days." everywhere: two sentences fail.
    assert_eq!(first.code, 1, "{}", first.stdout);
    assert!(
        first.stdout.contains("“One fine day.”  WER"),
        "{}",
        first.stdout
    );
    assert!(
        !first.stdout.contains("“Two fine days.”  WER"),
        "{}",
        first.stdout
    );
    assert!(first.stdout.contains("3 clip(s) sent"), "{}", first.stdout);

    let second = project.run(&["check"]);
    assert_eq!(transcriber.requests(), 3, "a second check sends nothing");
    assert!(
        second.stdout.contains("0 clip(s) sent"),
        "{}",
        second.stdout
    );
    assert_eq!(
        first.stdout.replace("3 clip(s)", "0 clip(s)"),
        second.stdout
    );

    project.write(
        "scripts/01-ann.md",
        "+++\nspeaker = \"Ann\"\ntitle = \"Three\"\n+++\n\nOne fine day. Two fine days. Four fine days.\n",
    );
    assert_eq!(project.run(&["build", "--quiet"]).code, 0);
    project.run(&["check"]);
    assert_eq!(
        transcriber.requests(),
        4,
        "one edited sentence, one request"
    );
}

#[test]
fn a_down_slow_or_garbage_transcription_service_stops_the_check_and_changes_nothing() {
    let tts = FakeService::start(24_000);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let slow = FakeTranscriber::start(Answer::Stall(std::time::Duration::from_secs(5)));
    let garbage = FakeTranscriber::start(Answer::Html);
    let cases = [
        ("down", down, "transcription service whisper: "),
        (
            "slow",
            slow.url(),
            "transcription service whisper: no answer within 300 ms",
        ),
        (
            "garbage",
            garbage.url(),
            "transcription service whisper: unusable answer: not JSON",
        ),
    ];
    for (case, url, message) in cases {
        let project = counted_project(&tts, &url, 300);
        assert_eq!(project.run(&["build", "--quiet"]).code, 0);
        let before = project.outputs();
        let run = project.run(&["check"]);
        assert_eq!(run.code, 1, "{case}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{case}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{case}: {}", run.stderr);
        assert!(!project.exists("audio/check.json"), "{case}");
        assert!(project.outputs() == before, "{case}: the episodes changed");
    }
    // Garbage is retried like synthesis (retries = 1): the clip that stops
    // the check was sent twice, and no clip more than twice.
    let sent = garbage.requests();
    assert!((2..=6).contains(&sent), "{sent} requests for 3 clips");
}

#[test]
fn a_keyed_transcriber_is_never_followed_to_another_origin() {
    use crate::support::recorder::Recorder;
    let tts = FakeService::start(24_000);
    let elsewhere = FakeTranscriber::start(Answer::Text("One fine day.".into()));
    // 302 is followed as a GET, so the redirect policy decides; 307 would
    // resend the upload, which reqwest cannot, so it is never followed.
    for status in [302, 307] {
        let location = format!("{}/v1/audio/transcriptions", elsewhere.url());
        let redirecting = Recorder::start(std::time::Duration::ZERO, move |_, _| {
            (
                status,
                "text/plain",
                vec![],
                vec![("location", location.clone())],
            )
        });
        let project = counted_project(&tts, &redirecting.url(""), 5_000);
        let config = String::from_utf8(project.read("voices.toml")).unwrap();
        project.write(
            "voices.toml",
            &config.replace(
                "retries = 1\n",
                "retries = 1\napi-key-env = \"CHECK_TEST_KEY\"\n",
            ),
        );
        assert_eq!(project.run(&["build", "--quiet"]).code, 0);
        let run = project.run_with(&["check"], &[("CHECK_TEST_KEY", "sk-check-canary")]);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_ne!(run.code, 0, "{status}: {all}");
        let from = format!("http://{}", redirecting.addr);
        let to = format!("http://{}", elsewhere.addr);
        let said = match status {
            302 => format!("redirected from {from} to {to}, another origin"),
            _ => format!("HTTP 307: redirected to {to}/v1/audio/transcriptions, which an upload is not sent on to"),
        };
        assert!(all.contains(&said), "{status}: {all}");
        assert!(!all.contains("sk-check-canary"), "{status}: {all}");
    }
    assert_eq!(elsewhere.requests(), 0, "the key went to another origin");
}

#[test]
fn doctor_asks_the_check_service_what_each_voice_says() {
    let tts = FakeService::start(24_000);
    for (heard, ok) in [
        ("Hello, this is a short voice test.", true),
        ("Hollow tiss a shut fox chest.", false),
    ] {
        let transcriber = FakeTranscriber::start(Answer::Text(heard.into()));
        let project = counted_project(&tts, &transcriber.url(), 5_000);
        let run = project.run(&["doctor"]);
        let first = run.stdout.lines().next().unwrap_or_default();
        assert_eq!(run.code, if ok { 0 } else { 1 }, "{}", run.stdout);
        assert!(
            first.contains(&format!("; whisper heard “{heard}” (WER ")),
            "{}",
            run.stdout
        );
        assert_eq!(
            first.ends_with(": listeners will not understand this voice"),
            !ok,
            "{first}"
        );
        assert!(
            run.stdout
                .contains("ok   check service whisper: answered in "),
            "{}",
            run.stdout
        );
        assert_eq!(transcriber.requests(), 1);
    }
    // A transcription service that cannot be reached fails doctor, named.
    let project = counted_project(&tts, "http://127.0.0.1:9", 5_000);
    let run = project.run(&["doctor"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("FAIL check service whisper: "),
        "{}",
        run.stdout
    );
}

/// A sentence of the seed page on a shipped espeak-ng voice: briefcast
/// sends `cmn-latn-pinyin` the sentence's pinyin, and the real Whisper
/// understands it. The same sentence as espeak-ng's `cmn` voice reads its
/// hanzi, which is what an earlier briefcast sent (English rules: "ni
/// three hao three"), is not understood.
#[test]
fn a_seed_sentence_sent_as_pinyin_is_understood_where_cmn_reading_hanzi_was_not() {
    const SEED: &str = "总书记指出，全面建成小康社会，一个民族都不能少。";
    let whisper = Whisper::start();
    let project = Project::new();
    project
        .write(
            "voices.toml",
            &format!(
                "[show]\ntitle = \"测试\"\nlanguage = \"zh-CN\"\ndate = \"2024-05-01\"\n\n[audio]\nannounce = false\n\n[services.local]\nkind = \"embedded\"\n\n[voices.xianan]\nservice = \"local\"\nvoice = \"cmn-latn-pinyin+f3\"\n\n[speakers]\n\"下南乡\" = {{ voice = \"xianan\", slug = \"xianan\" }}\n{}",
                check_section(&whisper.url(), 120_000)
            ),
        )
        .write(
            "scripts/01-xianan.md",
            &format!("+++\nspeaker = \"下南乡\"\ntitle = \"发言\"\n+++\n\n{SEED}\n"),
        );
    let plan = project.run(&["plan", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout).unwrap();
    let spoken = plan["episodes"][0]["chapters"][0]["segments"][0]["spoken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        spoken.starts_with("zong3 shu1 ji4 zhi3 chu1，") && !spoken.contains('书'),
        "{spoken}"
    );
    let built = project.run(&["build", "--quiet"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let checked = project.run(&["check"]);
    let (after, heard_after) = score(&project);
    // The sounds heard, homophones forgiven: no more wrong than the
    // characters (but for a polyphone read otherwise in the transcript's
    // context), and shown beside the CER.
    let json: serde_json::Value =
        serde_json::from_slice(&project.read("audio/check.json")).unwrap();
    let syllables = json["episodes"]["xianan"]["syllables"].as_f64().unwrap();
    assert!(
        syllables <= after + 0.05,
        "syllables {syllables}, CER {after}"
    );
    assert!(
        checked.stdout.contains(&format!(
            "xianan: CER {after:.2}, syllables {syllables:.2} over 1 segment(s)"
        )),
        "{}",
        checked.stdout
    );

    replace_clip(&project, &espeak_wav("cmn", SEED));
    project.run(&["check"]);
    let (before, heard_before) = score(&project);
    eprintln!(
        "pinyin: CER {after} {heard_after:?}; cmn reading hanzi: CER {before} {heard_before:?}"
    );
    assert!(
        before >= 0.7,
        "cmn reading hanzi: CER {before}, heard {heard_before:?}"
    );
    assert!(
        after <= 0.5 && after + 0.3 <= before,
        "pinyin: CER {after}, heard {heard_after:?} (hanzi: {before})"
    );
}
