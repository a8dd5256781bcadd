//! Batch regeneration: the clip cache, the manifest, resuming after a
//! crash, and byte-identical rebuilds.

use std::time::Duration;

use crate::support::{FakeService, Project, Reply};

const PAUSES: &str = "sentence-pause-ms = 100\nannounce = false";

const LIUZHOU: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n第一句话。第二句话！\n\n第二段只有一句。\n\n## 第二章\n\n最后一段，第一句。最后一句？\n";
const OTHER: &str = "+++\nspeaker = \"Other\"\ntitle = \"Other talk\"\n+++\n\nOne sentence here. Another one there.\n";

fn two_speakers(service: &FakeService) -> Project {
    let project = Project::new();
    project
        .openai_config(
            &service.url(),
            &[("柳州市", "liuzhou"), ("Other", "other")],
            PAUSES,
        )
        .write("scripts/01-liuzhou.md", LIUZHOU)
        .write("scripts/02-other.md", OTHER);
    project
}

fn build(project: &Project) {
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Files whose bytes or modification time differ between two snapshots.
fn changed(
    before: &[(String, Vec<u8>, std::time::SystemTime)],
    after: &[(String, Vec<u8>, std::time::SystemTime)],
) -> Vec<String> {
    let mut names: Vec<String> = after
        .iter()
        .filter(|(name, bytes, modified)| {
            !before
                .iter()
                .any(|(n, b, m)| n == name && b == bytes && m == modified)
        })
        .map(|(name, _, _)| name.clone())
        .collect();
    names.sort();
    names
}

#[test]
fn a_rebuild_without_edits_requests_nothing_and_rewrites_nothing() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    assert_eq!(service.requests(), 7);
    let before = project.outputs();
    std::thread::sleep(Duration::from_millis(20));
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("0 episode(s) written, 2 unchanged"),
        "{}",
        run.stderr
    );
    assert_eq!(service.requests(), 7);
    assert_eq!(changed(&before, &project.outputs()), Vec::<String>::new());
}

#[test]
fn editing_one_sentence_requests_one_clip_and_rewrites_one_episode() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    let before = project.outputs();
    project.write(
        "scripts/01-liuzhou.md",
        &LIUZHOU.replace("第二段只有一句。", "第二段改了一句。"),
    );
    service.always_fail(None);
    let count = service.requests();
    build(&project);
    assert_eq!(service.texts()[count..], ["第二段改了一句。".to_string()]);
    assert_eq!(
        changed(&before, &project.outputs()),
        [
            "index.html",
            "liuzhou.chapters.json",
            "liuzhou.labels.txt",
            "liuzhou.srt",
            "liuzhou.vtt",
            "liuzhou.wav",
            "liuzhou.words.vtt",
            "manifest.json"
        ]
    );
}

#[test]
fn moved_and_inserted_sentences_request_only_new_text() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    let count = service.requests();
    // Move a sentence into another paragraph and insert a new one early on.
    let edited = LIUZHOU
        .replace("第一句话。第二句话！", "新插入的一句。第一句话。")
        .replace("第二段只有一句。", "第二句话！第二段只有一句。");
    project.write("scripts/01-liuzhou.md", &edited);
    build(&project);
    assert_eq!(service.texts()[count..], ["新插入的一句。".to_string()]);
}

#[test]
fn a_killed_build_resumes_without_repeating_stored_requests() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &config.replace("retries = 5", "retries = 5\nconcurrency = 1"),
    );
    service.delay_each(Some(Duration::from_millis(300)));
    let mut child = crate::support::briefcast()
        .args(["build", "--quiet"])
        .current_dir(project.path(""))
        .spawn()
        .unwrap();
    while project.cached_clips().len() < 3 {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let stored = project.cached_clips().len();
    assert!(
        (3..7).contains(&stored),
        "{stored} clips stored before the kill"
    );
    let asked = service.requests();

    service.delay_each(None);
    build(&project);
    assert_eq!(
        service.requests() - asked,
        7 - stored,
        "only clips not yet stored are requested"
    );

    let fresh = two_speakers(&service);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    fresh.write("voices.toml", &config);
    build(&fresh);
    // Byte for byte, but for where the manifest says each episode's clips
    // came from (the resumed build had some already).
    let names = |p: &Project| {
        p.outputs()
            .into_iter()
            .filter(|(n, _, _)| n != "manifest.json")
            .map(|(n, b, _)| (n, b))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&project),
        names(&fresh),
        "outputs equal an uninterrupted build"
    );
    let manifest = |p: &Project| {
        let mut manifest: serde_json::Value =
            serde_json::from_slice(&p.read("audio/manifest.json")).unwrap();
        let episodes = manifest["episodes"].as_object_mut().unwrap();
        let clips: Vec<serde_json::Value> = episodes
            .values_mut()
            .map(|e| e.as_object_mut().unwrap().remove("clips").unwrap())
            .collect();
        (manifest, clips)
    };
    let (resumed, resumed_clips) = manifest(&project);
    let (uninterrupted, uninterrupted_clips) = manifest(&fresh);
    assert_eq!(resumed, uninterrupted);
    let total = |clips: &[serde_json::Value], field: &str| -> u64 {
        clips.iter().map(|c| c[field].as_u64().unwrap()).sum()
    };
    assert_eq!(total(&uninterrupted_clips, "cached"), 0);
    assert!(total(&resumed_clips, "cached") >= stored as u64);
}

#[test]
fn a_truncated_cache_file_is_detected_and_replaced() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    let clips = project.cached_clips();
    let victim = &clips[0];
    let good = std::fs::read(victim).unwrap();
    std::fs::write(victim, &good[..good.len() / 2]).unwrap();
    std::fs::remove_file(project.path("audio/manifest.json")).unwrap();
    let count = service.requests();
    build(&project);
    assert_eq!(service.requests(), count + 1);
    assert_eq!(std::fs::read(victim).unwrap(), good);
}

#[test]
fn changing_speed_or_service_url_requests_clips_again() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &config.replace("voice = \"alloy\"", "voice = \"alloy\"\nspeed = 1.1"),
    );
    let count = service.requests();
    build(&project);
    assert_eq!(service.requests(), count + 7);

    let moved = FakeService::start(48_000);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write("voices.toml", &config.replace(&service.url(), &moved.url()));
    build(&project);
    assert_eq!(moved.requests(), 7);
}

#[test]
fn a_removed_speaker_loses_its_outputs() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    std::fs::remove_file(project.path("scripts/02-other.md")).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("other: removed its files (speaker “Other” is no longer in the scripts)"),
        "{}",
        run.stderr
    );
    assert!(!project.exists("audio/other.wav"));
    assert!(!project.exists("audio/other.chapters.json"));
    assert!(project.exists("audio/liuzhou.wav"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    assert!(manifest["episodes"].get("other").is_none());
    assert_eq!(
        manifest["episodes"]["liuzhou"]["segments"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn plan_json_lists_segments_with_cache_state() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    service.script([Reply::Status(400, None)]);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &config.replace("retries = 5", "retries = 0\nconcurrency = 1"),
    );
    let run = project.run(&["build"]);
    assert_eq!(
        run.code, 1,
        "one segment failed at once (400 is not retried)"
    );

    let run = project.run(&["plan", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let segments: Vec<&serde_json::Value> = plan["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["chapters"].as_array().unwrap())
        .flat_map(|c| c["segments"].as_array().unwrap())
        .collect();
    assert_eq!(segments.len(), 7);
    assert_eq!(segments.iter().filter(|s| s["cached"] == false).count(), 1);
    let first = segments[0];
    assert_eq!(first["id"], "liuzhou/1/1/1/1");
    assert_eq!(first["text"], "第一句话。");
    assert_eq!(first["spoken"], "第一句话。");
    assert_eq!(first["voice"], "v");
    assert_eq!(first["service"], "fake");
    assert_eq!(plan["services"]["fake"]["to_request"], 1);
    assert_eq!(service.requests(), 7, "plan sends nothing");
}

#[test]
fn cache_gc_removes_only_unreferenced_clips() {
    let service = FakeService::start(48_000);
    let project = two_speakers(&service);
    build(&project);
    project.write(
        "scripts/01-liuzhou.md",
        &LIUZHOU.replace("最后一句？", "换掉的最后一句？"),
    );
    build(&project);
    assert_eq!(project.cached_clips().len(), 8);

    let run = project.run(&["cache", "gc", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("1 unreferenced clip(s), would free"),
        "{}",
        run.stdout
    );
    assert_eq!(project.cached_clips().len(), 8);

    let run = project.run(&["cache", "gc"]);
    assert!(
        run.stdout.contains("1 unreferenced clip(s), freed"),
        "{}",
        run.stdout
    );
    assert_eq!(project.cached_clips().len(), 7);
    let count = service.requests();
    build(&project);
    assert_eq!(service.requests(), count, "nothing referenced was removed");
}

#[test]
fn builds_of_one_speaker_at_a_time_keep_the_show_order() {
    let service = FakeService::start(48_000);
    let project = Project::new();
    // Slugs sort the other way round from the show order.
    project
        .openai_config(
            &service.url(),
            &[("柳州市", "b-liuzhou"), ("Other", "a-other")],
            PAUSES,
        )
        .write("scripts/01-liuzhou.md", LIUZHOU)
        .write("scripts/02-other.md", OTHER);
    for only in ["a-other", "b-liuzhou"] {
        let run = project.run(&["build", "--only", only]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    assert_eq!(manifest["episodes"]["b-liuzhou"]["order"], 0);
    assert_eq!(manifest["episodes"]["a-other"]["order"], 1);
    let feed = String::from_utf8(project.read("audio/feed.xml")).unwrap();
    let first = feed.find("b-liuzhou.wav").expect("liuzhou in the feed");
    let second = feed.find("a-other.wav").expect("other in the feed");
    assert!(
        first < second,
        "the feed lists the show's first speaker first"
    );
}
