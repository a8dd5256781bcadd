//! Broadcast-ready episodes: trimming, pauses, announcements, loudness,
//! BWF and INFO metadata.

use briefcast::audio::bext::read_bext;
use briefcast::audio::loudness::LoudnessMeter;
use briefcast::audio::wav::{read_chunks, read_markers};

use crate::support::fake::tone;
use crate::support::{FakeService, Project, Reply};

const SCRIPT: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n第一句话。第二句话！\n\n## 第二章\n\n最后一句？\n";

fn project(service: &FakeService, audio: &str) -> Project {
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("柳州市", "liuzhou")], audio)
        .write("scripts/01-liuzhou.md", SCRIPT);
    project
}

fn samples(bytes: &[u8]) -> Vec<f32> {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
    let bits = reader.spec().bits_per_sample;
    let scale = 1.0 / (1u32 << (bits - 1)) as f32;
    reader
        .into_samples::<i32>()
        .map(|s| s.unwrap() as f32 * scale)
        .collect()
}

fn manifest(project: &Project) -> serde_json::Value {
    serde_json::from_slice(&project.read("audio/manifest.json")).unwrap()
}

#[test]
fn padded_clips_are_trimmed_to_the_margin_and_pauses_are_exact() {
    let service = FakeService::start(48_000);
    service.default_reply(Some(Reply::Padded));
    let audio = "announce = false\nnormalize-loudness = false\ntrim-keep-ms = 30\nsentence-pause-ms = 250\nparagraph-pause-ms = 400\nchapter-pause-ms = 900";
    let project = project(&service, audio);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Each clip keeps exactly 30 ms (1440 samples) before its first and
    // after its last sample at or above -50 dBFS.
    let margin = 1_440;
    let pad = 33_600;
    let audible = |s: &i16| (f64::from(*s) / 32768.0).abs() >= 10f64.powf(-2.5);
    let texts = ["第一句话。", "第二句话！", "最后一句？"];
    let pauses = [12_000, 43_200, 0]; // sentence 250 ms, chapter 900 ms, end
    let mut expected = Vec::new();
    for (text, pause) in texts.iter().zip(pauses) {
        let clip = [vec![0i16; pad], tone(text, 48_000), vec![0i16; pad]].concat();
        let first = clip.iter().position(audible).unwrap();
        let last = clip.iter().rposition(audible).unwrap();
        assert!(first >= pad && last < clip.len() - pad);
        expected.extend_from_slice(&clip[first - margin..=last + margin]);
        expected.extend(std::iter::repeat_n(0i16, pause));
    }
    let wav = project.read("audio/liuzhou.wav");
    let written: Vec<i16> = hound::WavReader::new(std::io::Cursor::new(&wav))
        .unwrap()
        .into_samples::<i16>()
        .map(Result::unwrap)
        .collect();
    assert_eq!(written.len(), expected.len());
    assert_eq!(written, expected);
    let segments = &manifest(&project)["episodes"]["liuzhou"]["segments"];
    let first_end =
        segments[0]["start-frame"].as_u64().unwrap() + segments[0]["frames"].as_u64().unwrap();
    assert_eq!(
        segments[1]["start-frame"].as_u64().unwrap() - first_end,
        12_000,
        "sentence pause to the sample"
    );
}

#[test]
fn announcements_open_the_episode_and_each_later_chapter() {
    let service = FakeService::start(48_000);
    let project = project(
        &service,
        "normalize-loudness = false\nannouncement-pause-ms = 500",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut texts = service.texts();
    texts.sort();
    assert!(
        texts.contains(&"柳州市：柳州的讲话".to_string()),
        "{texts:?}"
    );
    assert!(texts.contains(&"第二章".to_string()), "{texts:?}");

    let manifest = manifest(&project);
    let segments = manifest["episodes"]["liuzhou"]["segments"]
        .as_array()
        .unwrap();
    let announcements: Vec<(&str, u64)> = segments
        .iter()
        .filter(|s| s["announcement"] == true)
        .map(|s| {
            (
                s["text"].as_str().unwrap(),
                s["start-frame"].as_u64().unwrap(),
            )
        })
        .collect();
    let markers = read_markers(&project.read("audio/liuzhou.wav")).unwrap();
    assert_eq!(markers.len(), 2);
    assert_eq!(
        announcements[0],
        ("柳州市：柳州的讲话", u64::from(markers[0].start_frame))
    );
    assert_eq!(
        announcements[1],
        ("第二章", u64::from(markers[1].start_frame)),
        "the marker points at the spoken title"
    );
    let title_end =
        segments[0]["start-frame"].as_u64().unwrap() + segments[0]["frames"].as_u64().unwrap();
    assert_eq!(
        segments[1]["start-frame"].as_u64().unwrap() - title_end,
        24_000,
        "announcement pause"
    );
}

#[test]
fn episodes_reach_the_loudness_target_under_the_true_peak_ceiling() {
    let service = FakeService::start(48_000);
    let project = project(
        &service,
        "announce = false\nloudness = -16.0\ntrue-peak = -1.0",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wav = project.read("audio/liuzhou.wav");
    let mut meter = LoudnessMeter::new(48_000).unwrap();
    meter.add(&samples(&wav)).unwrap();
    let measured = meter.finish().unwrap();
    assert!(
        (measured.integrated_lufs + 16.0).abs() <= 0.5,
        "{measured:?}"
    );
    assert!(measured.true_peak_dbtp <= -1.0 + 0.01, "{measured:?}");

    let entry = &manifest(&project)["episodes"]["liuzhou"]["loudness"];
    assert!(
        (entry["integrated-lufs"].as_f64().unwrap() - measured.integrated_lufs).abs() < 0.1,
        "{entry}"
    );
    assert_eq!(entry["ceiling-limited"], false);
    assert!(run.stderr.contains("-16.0 LUFS"), "{}", run.stderr);

    // BWF bext read back: the loudness fields equal the report.
    let chunks = read_chunks(&wav).unwrap();
    let bext = read_bext(&chunks.iter().find(|c| c.id == "bext").unwrap().data).unwrap();
    let loudness = bext.loudness.unwrap();
    for (field, stored) in [
        ("integrated-lufs", loudness.integrated_lufs),
        ("range-lu", loudness.range_lu),
        ("true-peak-dbtp", loudness.true_peak_dbtp),
        ("max-momentary-lufs", loudness.max_momentary_lufs),
        ("max-short-term-lufs", loudness.max_short_term_lufs),
    ] {
        assert!(
            (entry[field].as_f64().unwrap() - stored).abs() <= 0.011,
            "{field}: {entry} vs {stored}"
        );
    }
    assert_eq!(bext.originator, "briefcast");
    assert_eq!(bext.origination_date, "2024-05-01");
    assert_eq!(
        bext.coding_history,
        "A=PCM,F=48000,W=16,M=mono,T=briefcast 0.1.0\r\n"
    );

    // LIST/INFO byte for byte.
    let info = chunks
        .iter()
        .find(|c| c.id == "LIST" && c.data.starts_with(b"INFO"))
        .unwrap();
    let mut expected = b"INFO".to_vec();
    for (id, text) in [
        ("INAM", "柳州的讲话"),
        ("IART", "柳州市"),
        ("ISFT", "briefcast 0.1.0"),
        ("ICRD", "2024-05-01"),
        ("ICMT", "Test show"),
    ] {
        let mut payload = text.as_bytes().to_vec();
        payload.push(0);
        expected.extend_from_slice(id.as_bytes());
        expected.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        expected.extend_from_slice(&payload);
        if payload.len() % 2 == 1 {
            expected.push(0);
        }
    }
    assert_eq!(info.data, expected);
}

#[test]
fn without_the_limiter_a_clip_too_loud_for_the_target_is_held_by_the_ceiling() {
    let service = FakeService::start(48_000);
    service.default_reply(Some(Reply::Peaky));
    let project = project(
        &service,
        "announce = false\nloudness = -14.0\ntrue-peak = -1.0\nlimiter = false",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("held down by the true-peak ceiling"),
        "{}",
        run.stderr
    );
    let entry = &manifest(&project)["episodes"]["liuzhou"]["loudness"];
    assert_eq!(entry["ceiling-limited"], true);
    let mut meter = LoudnessMeter::new(48_000).unwrap();
    meter
        .add(&samples(&project.read("audio/liuzhou.wav")))
        .unwrap();
    let measured = meter.finish().unwrap();
    assert!(measured.true_peak_dbtp <= -1.0 + 0.01, "{measured:?}");
    assert!((measured.integrated_lufs - entry["integrated-lufs"].as_f64().unwrap()).abs() < 0.1);

    let run = project.run(&["build", "--strict-loudness"]);
    assert_eq!(run.code, 0, "unchanged episode: nothing to check again");
    std::fs::remove_file(project.path("audio/manifest.json")).unwrap();
    let before = project.read("audio/liuzhou.wav");
    let run = project.run(&["build", "--strict-loudness"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("misses the target -14.0 LUFS"),
        "{}",
        run.stderr
    );
    assert_eq!(
        project.read("audio/liuzhou.wav"),
        before,
        "the previous file is kept"
    );
}

/// A quiet 300 Hz tone (0.1 of full scale) with a 1 ms spike to 0.9 every
/// 400 ms, as plosives stand out of speech: its peaks stand 19 dB over its level, far more than the 15 dB
/// between a −16 LUFS target and a −1 dBTP ceiling.
fn spiky_speech() -> Vec<u8> {
    let rate = 48_000;
    let samples: Vec<i16> = (0..rate)
        .map(|i| {
            let t = i as f32 / rate as f32;
            let spike = if i % 19_200 < 48 { 0.8 } else { 0.0 };
            let tone = 0.1 * (t * 300.0 * std::f32::consts::TAU).sin();
            ((tone + spike * (t * 2_000.0 * std::f32::consts::TAU).sin()) * 32767.0) as i16
        })
        .collect();
    crate::support::fake::wav_bytes(&samples, rate)
}

#[test]
fn the_limiter_reaches_the_target_under_the_ceiling_and_bext_holds_the_file_as_written() {
    let service = FakeService::start(48_000);
    service.default_reply(Some(Reply::Bytes("audio/wav", spiky_speech())));
    let project = project(&service, "announce = false");
    let run = project.run(&["build", "--strict-loudness"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wav = project.read("audio/liuzhou.wav");
    let mut meter = LoudnessMeter::new(48_000).unwrap();
    meter.add(&samples(&wav)).unwrap();
    let measured = meter.finish().unwrap();
    assert!(
        (measured.integrated_lufs + 16.0).abs() <= 0.5,
        "{measured:?}"
    );
    assert!(measured.true_peak_dbtp <= -1.0, "{measured:?}");

    let entry = &manifest(&project)["episodes"]["liuzhou"]["loudness"];
    let reduction = entry["limiter"]["max-reduction-db"].as_f64().unwrap();
    assert!(reduction > 3.0, "{entry}");
    assert_eq!(entry["ceiling-limited"], false);
    let bext = read_bext(
        &read_chunks(&wav)
            .unwrap()
            .into_iter()
            .find(|c| c.id == "bext")
            .unwrap()
            .data,
    )
    .unwrap()
    .loudness
    .unwrap();
    // The file as written, to the bext field's 0.01 resolution.
    assert!((bext.integrated_lufs - measured.integrated_lufs).abs() <= 0.006);
    assert!((bext.true_peak_dbtp - measured.true_peak_dbtp).abs() <= 0.006);
    assert!((bext.range_lu - measured.range_lu).abs() <= 0.006);
    assert!(
        run.stderr
            .contains(&format!("limiter up to {reduction:.1} dB")),
        "{}",
        run.stderr
    );

    // A rebuild from scratch writes the same bytes.
    std::fs::remove_file(project.path("audio/manifest.json")).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(project.read("audio/liuzhou.wav"), wav);
}

#[test]
fn twenty_four_bit_episodes_and_an_audacity_label_track() {
    let service = FakeService::start(48_000);
    let project = project(&service, "announce = false\nbit-depth = 24");
    assert_eq!(project.run(&["build"]).code, 0);
    let wav = project.read("audio/liuzhou.wav");
    let spec = hound::WavReader::new(std::io::Cursor::new(&wav))
        .unwrap()
        .spec();
    assert_eq!(spec.bits_per_sample, 24);
    let markers = read_markers(&wav).unwrap();
    let labels = String::from_utf8(project.read("audio/liuzhou.labels.txt")).unwrap();
    let lines: Vec<&str> = labels.lines().collect();
    assert_eq!(lines.len(), 2);
    let second: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(second[2], "第二章");
    assert_eq!(
        second[0],
        format!("{:.6}", markers[1].start_frame as f64 / 48_000.0)
    );
}

#[test]
fn intro_and_outro_audio_frame_the_episode() {
    let service = FakeService::start(48_000);
    let project = project(
        &service,
        "announce = false\nnormalize-loudness = false\ntrim = false\nannouncement-pause-ms = 100\nintro = \"jingle.wav\"\noutro = \"jingle.wav\"",
    );
    let jingle = tone("jingle", 24_000);
    std::fs::write(
        project.path("jingle.wav"),
        crate::support::fake::wav_bytes(&jingle, 24_000),
    )
    .unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = manifest(&project);
    let episode = &manifest["episodes"]["liuzhou"];
    let jingle_frames = jingle.len() as u64 * 2;
    let segments = episode["segments"].as_array().unwrap();
    assert_eq!(
        segments[0]["start-frame"].as_u64().unwrap(),
        jingle_frames + 4_800,
        "intro and its pause come first"
    );
    let last = segments.last().unwrap();
    let speech_end = last["start-frame"].as_u64().unwrap() + last["frames"].as_u64().unwrap();
    assert_eq!(
        episode["total-frames"].as_u64().unwrap(),
        speech_end + 4_800 + jingle_frames,
        "outro at the end"
    );
    assert_eq!(
        episode["chapters"][0]["start-frame"], 0,
        "the first chapter covers the intro"
    );

    // Replacing the jingle re-assembles the episode without any request.
    let count = service.requests();
    std::fs::write(
        project.path("jingle.wav"),
        crate::support::fake::wav_bytes(&tone("other", 24_000), 24_000),
    )
    .unwrap();
    assert_eq!(project.run(&["build"]).code, 0);
    assert_eq!(service.requests(), count);
    assert_ne!(
        manifest["episodes"]["liuzhou"]["fingerprint"],
        self::manifest(&project)["episodes"]["liuzhou"]["fingerprint"]
    );
}
