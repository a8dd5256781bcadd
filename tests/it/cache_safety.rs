//! The cache and output folders are briefcast's alone: `cache gc` deletes
//! only clips it can prove are its own, never a script, an episode or
//! another tool's file; it never runs during a build; and two builds of a
//! project never run at once (the second waits, or fails with `--no-wait`),
//! so no clip is paid for twice.

use std::time::{Duration, Instant};

use crate::support::{FakeService, Project};

const SCRIPT: &str =
    "+++\nspeaker = \"Ann\"\ntitle = \"Ann talks\"\n+++\n\nOne sentence here. Another one there. A third one.\n";
const AUDIO: &str = "sentence-pause-ms = 100\nannounce = false\nnormalize-loudness = false";

fn project(service: &FakeService, paths: &str) -> Project {
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("Ann", "ann")], AUDIO)
        .write("scripts/01-ann.md", SCRIPT);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write("voices.toml", &format!("{config}\n[paths]\n{paths}\n"));
    project
}

#[test]
fn a_cache_overlapping_the_scripts_or_output_folder_is_refused() {
    let service = FakeService::start(24_000);
    for (paths, other) in [
        ("cache = \"scripts/..\"", "scripts"),
        ("cache = \"scripts\"", "scripts"),
        ("cache = \"audio/clips\"", "output"),
        ("output = \"cache/out\"\ncache = \"cache\"", "output"),
    ] {
        let project = project(&service, paths);
        for args in [&["build"][..], &["cache", "gc"]] {
            let run = project.run(args);
            assert_eq!(run.code, 2, "{paths} {args:?}: {}", run.stderr);
            let line = run.stderr.trim();
            assert!(
                line.contains("the cache folder") && line.contains(&format!("the {other} folder")),
                "{paths}: {line}"
            );
            assert_eq!(line.lines().count(), 1, "{line}");
        }
        assert_eq!(project.read("scripts/01-ann.md"), SCRIPT.as_bytes());
    }
    assert_eq!(service.requests(), 0);
}

#[test]
fn gc_deletes_only_briefcast_clips_in_a_marked_cache() {
    let service = FakeService::start(24_000);
    let project = project(&service, "cache = \"shared\"");
    // Another tool's files in the same folder, one of them in a
    // two-character folder like the cache's shards.
    project
        .write("shared/notes.txt", "keep me")
        .write("shared/ab/notes.txt", "keep me too")
        .write("shared/ab/abc.wav", "not a clip name");
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(project.exists("shared/CACHEDIR.TAG"));
    let stale = format!("shared/cd/cd{}.wav", "0".repeat(62));
    project.write(&stale, "an unreferenced clip");
    let run = project.run(&["cache", "gc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("1 unreferenced clip(s)"),
        "{}",
        run.stdout
    );
    assert!(!project.exists(&stale));
    for file in [
        "shared/notes.txt",
        "shared/ab/notes.txt",
        "shared/ab/abc.wav",
    ] {
        assert!(project.exists(file), "gc removed {file}");
    }
    assert!(project.exists("shared/CACHEDIR.TAG"));
    assert!(project.exists("audio/ann.wav"));
}

#[test]
fn gc_refuses_a_folder_briefcast_did_not_mark() {
    let service = FakeService::start(24_000);
    let project = project(&service, "cache = \"other-tool\"");
    let lookalike = format!("other-tool/cd/cd{}.wav", "0".repeat(62));
    project.write(&lookalike, "another tool's file");
    let run = project.run(&["cache", "gc"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not a briefcast cache"),
        "{}",
        run.stderr
    );
    assert!(project.exists(&lookalike));
}

/// Waits until the service has had a request (the build is under way).
fn until_requested(service: &FakeService) {
    let start = Instant::now();
    while service.requests() == 0 {
        assert!(start.elapsed() < Duration::from_secs(30), "no request came");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn gc_and_a_second_build_wait_for_a_running_build_and_nothing_is_billed_twice() {
    let service = FakeService::start(24_000);
    service.delay_each(Some(Duration::from_secs(4)));
    let project = project(&service, "cache = \".briefcast/cache\"");
    let first = project.spawn(&["build", "--quiet"]);
    until_requested(&service);

    // Without waiting: refused at once, naming the folder.
    for args in [&["build", "--no-wait"][..], &["cache", "gc", "--no-wait"]] {
        let run = project.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("another briefcast run is using"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // Waiting: both run after the first build, which is untouched by them.
    let gc = project.spawn(&["cache", "gc"]);
    let second = project.spawn(&["build"]);
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let (gc, second) = (
        gc.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    );
    for output in [&gc, &second] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains("waiting for it to finish"), "{stderr}");
    }
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 clip(s) requested"));
    assert_eq!(service.requests(), 3, "every clip is requested once");
    assert_eq!(project.cached_clips().len(), 3);
}
