//! The fault suite: a 216-segment show built against a service that fails
//! in every way a real one does (500, 503, 429 with Retry-After, connection
//! resets, stalls past the timeout, HTML under 200, truncated and silent
//! WAVs). Transient faults must not change a single output byte; faults
//! beyond the retry budget must fail loudly, name the segments, keep the
//! previous episode, and cost only the missing clips on the next run.

use std::time::Duration;

use crate::support::faults::{
    files_under, planned_texts, write_fixture, FaultPlan, FaultService, Outcome, FAULTS,
};
use crate::support::Project;

const PER_SPEAKER: usize = 72;
/// Short timeout, longer stall: a stalled request times out in 0.8 s.
const SERVICE: &str = "retries = 5\ntimeout-ms = 800\nconcurrency = 8";

fn faulty(seed: u64) -> FaultPlan {
    FaultPlan {
        seed,
        first: 0.30,
        later: 0.10,
        stall: Duration::from_millis(2500),
        ..FaultPlan::clean()
    }
}

#[test]
fn thirty_percent_failing_first_attempts_change_no_output_byte() {
    // One service for both builds: clip keys name its URL.
    let service = FaultService::start(24_000, FaultPlan::clean());
    let reference = Project::new();
    write_fixture(&reference, &service.url(), SERVICE, PER_SPEAKER, "");
    let run = reference.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    service.set_plan(faulty(2024));
    let project = Project::new();
    write_fixture(&project, &service.url(), SERVICE, PER_SPEAKER, "");
    let (texts, _) = planned_texts(&project);
    assert!(texts.len() >= 200, "only {} segments", texts.len());
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");

    // The faults really happened, in the promised mix.
    let log = service.log();
    let first_failed = log
        .iter()
        .filter(|r| r.attempt == 0 && r.outcome != Outcome::Clip)
        .count();
    let share = first_failed as f64 / texts.len() as f64;
    assert!(
        (0.25..=0.35).contains(&share),
        "{first_failed} of {}",
        texts.len()
    );
    let outcomes = service.outcomes();
    for fault in FAULTS {
        assert!(
            outcomes.get(&fault).copied().unwrap_or(0) > 0,
            "no {fault:?} in {outcomes:?}"
        );
    }
    // Every text ended with a clip, and nothing was asked again after it.
    for text in &texts {
        let tries: Vec<_> = log.iter().filter(|r| &r.text == text).collect();
        assert_eq!(
            tries.last().unwrap().outcome,
            Outcome::Clip,
            "{text}: {tries:?}"
        );
        let clips = tries.iter().filter(|r| r.outcome == Outcome::Clip).count();
        assert_eq!(clips, 1, "{text}: {tries:?}");
    }

    let expected = files_under(&reference.path("audio"));
    let got = files_under(&project.path("audio"));
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&expected));
    for ((name, a), (_, b)) in got.iter().zip(&expected) {
        assert!(a == b, "{name} differs from the clean build's");
    }
    assert_eq!(
        files_under(&project.path(".briefcast/cache")),
        files_under(&reference.path(".briefcast/cache"))
    );
}

#[test]
fn faults_beyond_the_retry_budget_fail_named_segments_and_keep_earlier_files() {
    let service = FaultService::start(24_000, FaultPlan::clean());
    let project = Project::new();
    let config = "retries = 3\ntimeout-ms = 800\nconcurrency = 8";
    write_fixture(&project, &service.url(), config, PER_SPEAKER, "");
    assert_eq!(project.run(&["build", "--quiet"]).code, 0);
    let before = project.outputs();
    let manifest_before: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();

    // New sentences for jia (two of them hopeless) and yi (transient faults only).
    let jia = String::from_utf8(project.read("scripts/01-jia.md")).unwrap();
    project.write(
        "scripts/01-jia.md",
        &format!(
            "{jia}\n补充一句坚决落实的要求。\n\n再补一句坚决执行的话。\n\n最后一句平常的话。\n"
        ),
    );
    let yi = String::from_utf8(project.read("scripts/02-yi.md")).unwrap();
    project.write("scripts/02-yi.md", &format!("{yi}\n乙方的新增内容。\n"));
    service.set_plan(FaultPlan {
        hopeless: 1.0,
        hopeless_marker: Some("坚决".into()),
        ..faulty(99)
    });

    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines[0], "briefcast: 2 failure(s):", "{}", run.stderr);
    assert_eq!(lines.len(), 3, "{}", run.stderr);
    let last_error = |text: &str| {
        let last = service
            .log()
            .into_iter()
            .rev()
            .find(|r| r.text == text)
            .unwrap();
        assert_eq!(last.attempt, 3, "{text}: retried 3 times");
        match last.outcome {
            Outcome::Status500 => "HTTP 500: fake failure 500".to_owned(),
            Outcome::Status503 => "HTTP 503: fake failure 503".to_owned(),
            Outcome::TooMany429 => "HTTP 429: fake failure 429".to_owned(),
            Outcome::Stall => "no answer within 800 ms".to_owned(),
            other => format!("{other:?}"),
        }
    };
    let first = last_error("补充一句坚决落实的要求。");
    let second = last_error("再补一句坚决执行的话。");
    let lines_of = [
        (46, "补充一句坚决落实的要求。", first),
        (48, "再补一句坚决执行的话。", second),
    ];
    for (line, (at, text, reason)) in lines[1..].iter().zip(lines_of) {
        let head = format!("  ./scripts/01-jia.md:{at} “{text}”: service fake: ");
        assert!(
            line.starts_with(&head),
            "{line:?} should start with {head:?}"
        );
        if !reason.contains(' ') {
            // resets, HTML, bad WAVs: the reason is the client's wording
            continue;
        }
        assert_eq!(line[head.len()..], reason, "{line}");
    }

    // jia: not written, its files untouched; bing untouched; yi rewritten.
    let after = project.outputs();
    for (name, bytes, modified) in &before {
        let now = after
            .iter()
            .find(|f| &f.0 == name)
            .unwrap_or_else(|| panic!("{name} gone"));
        if name.starts_with("jia.") || name.starts_with("bing.") {
            assert!(now.1 == *bytes && now.2 == *modified, "{name} changed");
        }
        if name.starts_with("yi.") && name.ends_with(".wav") {
            assert!(now.1 != *bytes, "{name} was not rewritten");
        }
    }
    assert_eq!(after.len(), before.len(), "no other file appeared");
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    assert_eq!(
        manifest["episodes"]["jia"],
        manifest_before["episodes"]["jia"]
    );
    assert_ne!(
        manifest["episodes"]["yi"],
        manifest_before["episodes"]["yi"]
    );

    // A clean rerun asks for exactly the two missing clips.
    service.set_plan(FaultPlan::clean());
    let (_, missing) = planned_texts(&project);
    assert_eq!(
        missing,
        ["再补一句坚决执行的话。", "补充一句坚决落实的要求。"]
    );
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(service.texts(), missing);
    let wav = project.read("audio/jia.wav");
    assert!(wav != before.iter().find(|f| f.0 == "jia.wav").unwrap().1);
}

#[test]
fn a_pool_with_failing_endpoints_builds_everything_at_the_healthy_one() {
    // Listed first: a closed port and a server that answers every request
    // with 503; the healthy endpoint comes last.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let failing = FaultService::start(
        24_000,
        FaultPlan {
            hopeless: 1.0,
            kinds: vec![Outcome::Status503],
            ..FaultPlan::clean()
        },
    );
    let healthy = FaultService::start(24_000, FaultPlan::clean());
    let project = Project::new();
    write_fixture(&project, &closed_url, SERVICE, PER_SPEAKER, "");
    let single = format!("url = \"{closed_url}\"");
    let pool = format!(
        "url = [\"{closed_url}\", \"{}\", \"{}\"]",
        failing.url(),
        healthy.url()
    );
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write("voices.toml", &config.replace(&single, &pool));
    let (texts, _) = planned_texts(&project);

    // Waits at full length: no rest ends during the build.
    let env = [
        ("BRIEFCAST_LOG", "briefcast=warn"),
        ("BRIEFCAST_TIME_SCALE", "1"),
    ];
    let run = project.run_with(&["build", "--quiet"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for url in [&closed_url, &failing.url()] {
        let rested = format!(
            "service fake: {url}/v1/audio/speech failed 3 times in a row; resting it for 30.0 s"
        );
        assert!(run.stderr.contains(&rested), "{rested}: {}", run.stderr);
    }
    // Every segment is written, each clip asked of the healthy endpoint once.
    let (_, missing) = planned_texts(&project);
    assert!(missing.is_empty(), "{missing:?}");
    assert_eq!(healthy.texts(), texts);
    for slug in ["jia", "yi", "bing"] {
        assert!(project.exists(&format!("audio/{slug}.wav")), "{slug}");
    }
    // The failing endpoint was tried, then rested: it got what its 8 slots
    // held before its third failure came back, and some retries from the
    // closed port meanwhile; unrested it would get a third of the 216.
    let wasted = failing.log().len();
    assert!(
        (3..=24).contains(&wasted),
        "{wasted} requests to the failing endpoint"
    );
}
