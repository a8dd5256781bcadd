//! `briefcast build` against a fake service: episode layout, markers,
//! determinism, failures and exit codes.

use briefcast::audio::wav::read_markers;

use crate::support::fake::tone;
use crate::support::{FakeService, Project, Reply};

const PAUSES: &str = "sample-rate = 48000\nsentence-pause-ms = 100\nparagraph-pause-ms = 200\nchapter-pause-ms = 300\nannounce = false\nnormalize-loudness = false";

const SCRIPT: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n第一句话。第二句话！\n\n第二段只有一句。\n\n## 第二章\n\n最后一段，第一句。最后一句？\n";

fn project(service: &FakeService) -> Project {
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("柳州市", "liuzhou")], PAUSES)
        .write("scripts/01-liuzhou.md", SCRIPT);
    project
}

fn samples(bytes: &[u8]) -> Vec<i16> {
    hound::WavReader::new(std::io::Cursor::new(bytes))
        .unwrap()
        .into_samples::<i16>()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn markers_and_samples_are_what_segment_lengths_and_pauses_imply() {
    let service = FakeService::start(48_000);
    let project = project(&service);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // (text, pause after in frames at 48 kHz)
    let segments = [
        ("第一句话。", 4_800),
        ("第二句话！", 9_600),
        ("第二段只有一句。", 14_400),
        ("最后一段，第一句。", 4_800),
        ("最后一句？", 0),
    ];
    let mut requested = service.texts();
    requested.sort();
    let mut expected_texts: Vec<String> = segments.iter().map(|(t, _)| t.to_string()).collect();
    expected_texts.sort();
    assert_eq!(requested, expected_texts);

    let mut expected = Vec::new();
    let mut chapter_two = 0;
    for (i, (text, pause)) in segments.iter().enumerate() {
        if i == 3 {
            chapter_two = expected.len() as u32;
        }
        expected.extend(tone(text, 48_000));
        expected.extend(std::iter::repeat_n(0i16, *pause));
    }
    let wav = project.read("audio/liuzhou.wav");
    let reader = hound::WavReader::new(std::io::Cursor::new(&wav)).unwrap();
    assert_eq!(reader.spec().sample_rate, 48_000);
    assert_eq!(reader.spec().channels, 1);
    assert_eq!(samples(&wav), expected);

    let markers = read_markers(&wav).unwrap();
    let summary: Vec<(u32, &str, Option<u32>)> = markers
        .iter()
        .map(|m| (m.start_frame, m.title.as_str(), m.length_frames))
        .collect();
    let total = expected.len() as u32;
    assert_eq!(
        summary,
        [
            (0, "柳州的讲话", Some(chapter_two)),
            (chapter_two, "第二章", Some(total - chapter_two)),
        ]
    );

    let chapters: serde_json::Value =
        serde_json::from_slice(&project.read("audio/liuzhou.chapters.json")).unwrap();
    assert_eq!(chapters["version"], "1.2.0");
    assert_eq!(chapters["chapters"][1]["title"], "第二章");
    let start = chapters["chapters"][1]["startTime"].as_f64().unwrap();
    assert!(
        (start - chapter_two as f64 / 48_000.0).abs() < 0.0005,
        "{start}"
    );
}

#[test]
fn clips_at_other_rates_are_resampled_to_the_episode_rate() {
    let service = FakeService::start(24_000);
    let project = project(&service);
    assert_eq!(project.run(&["build"]).code, 0);
    let wav = project.read("audio/liuzhou.wav");
    let clip_frames: usize = [
        "第一句话。",
        "第二句话！",
        "第二段只有一句。",
        "最后一段，第一句。",
        "最后一句？",
    ]
    .iter()
    .map(|t| tone(t, 24_000).len() * 2)
    .sum();
    assert_eq!(
        samples(&wav).len(),
        clip_frames + 4_800 + 9_600 + 14_400 + 4_800
    );
}

#[test]
fn output_does_not_depend_on_the_order_requests_finish_in() {
    let calm = FakeService::start(48_000);
    let first = project(&calm);
    assert_eq!(first.run(&["build"]).code, 0);

    let slow = FakeService::start(48_000);
    slow.script([Reply::Stall(std::time::Duration::from_millis(400))]);
    let second = project(&slow);
    assert_eq!(second.run(&["build"]).code, 0);
    assert_eq!(
        first.read("audio/liuzhou.wav"),
        second.read("audio/liuzhou.wav")
    );
    assert_eq!(
        first.read("audio/liuzhou.chapters.json"),
        second.read("audio/liuzhou.chapters.json")
    );
}

#[test]
fn server_errors_are_retried_until_the_clip_comes() {
    let service = FakeService::start(48_000);
    service.script([
        Reply::Status(500, None),
        Reply::Status(503, Some(1)),
        Reply::Html,
        Reply::Silent,
        Reply::Truncated,
    ]);
    let project = project(&service);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(service.requests(), 5 + 5);
}

#[test]
fn a_failing_segment_exits_1_names_it_and_keeps_the_previous_episode() {
    let service = FakeService::start(48_000);
    let project = project(&service);
    project.write(
        "scripts/02-other.md",
        "+++\nspeaker = \"Other\"\ntitle = \"Other talk\"\n+++\n\nOne sentence here.\n",
    );
    project.openai_config(
        &service.url(),
        &[("柳州市", "liuzhou"), ("Other", "other")],
        PAUSES,
    );
    assert_eq!(project.run(&["build"]).code, 0);
    let before = project.read("audio/liuzhou.wav");
    std::fs::remove_file(project.path("audio/other.wav")).unwrap();

    project.write(
        "scripts/01-liuzhou.md",
        &SCRIPT.replace("第二段只有一句。", "第二段坏掉了。"),
    );
    service.always_fail(Some("坏掉"));
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "scripts/01-liuzhou.md:8 “第二段坏掉了。”: service fake: HTTP 500: fake failure 500"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        project.read("audio/liuzhou.wav"),
        before,
        "previous episode kept"
    );
    assert!(
        project.exists("audio/other.wav"),
        "the other episode is still written"
    );
}

#[test]
fn a_missing_api_key_stops_before_any_request() {
    let service = FakeService::start(48_000);
    let project = project(&service);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &config.replace(
            "retries = 5",
            "retries = 5\napi-key-env = \"BRIEFCAST_TEST_UNSET_KEY\"",
        ),
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.trim(),
        "briefcast: missing API key: service fake needs the environment variable BRIEFCAST_TEST_UNSET_KEY"
    );
    assert_eq!(service.requests(), 0);
}

#[test]
fn configuration_and_script_errors_exit_2_with_one_line() {
    let service = FakeService::start(48_000);
    let project = project(&service);
    project.write(
        "scripts/02-bad.md",
        "+++\nspeaker = \"x\"\ntitel = \"t\"\n+++\nText.\n",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.trim().ends_with("scripts/02-bad.md:3:1: front matter: unknown field `titel`, expected one of `speaker`, `title`, `subtitle`, `order`"), "{}", run.stderr);
    assert_eq!(run.stderr.trim().lines().count(), 1);
    assert_eq!(service.requests(), 0);
}

#[test]
fn plan_shows_structure_without_requests() {
    let service = FakeService::start(48_000);
    let project = project(&service);
    let run = project.run(&["plan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("柳州市 → liuzhou.wav  (voice v on fake)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(" 2. 第二章  [2 segments, 14 characters as written, 14 as sent]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("5 segments: 0 cached, 5 to request"),
        "{}",
        run.stdout
    );
    assert_eq!(service.requests(), 0);
}
