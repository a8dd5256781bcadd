//! The crash suite: `briefcast build` is SIGKILLed at 20 moments drawn by a
//! seeded PRNG over a build's course (after a drawn share of the clips
//! arrived, or a drawn time into assembling and publishing, measured on an
//! uninterrupted build and shortened whenever a build ends before its kill).
//! After every kill,
//! each published file in `audio/` and each clip in the cache must parse,
//! and the next build must complete while requesting exactly the clips the
//! cache does not hold: a paid request is never made twice.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::faults::{
    assert_parses, files_under, fixture_scripts, mix, planned_texts, FaultPlan, FaultService,
    QUICK_AUDIO,
};
use crate::support::Project;

const ROUNDS: usize = 20;
const PER_SPEAKER: usize = 30;
/// Woven into every sentence: each round's scripts are new text.
const VARIANTS: [&str; ROUNDS + 1] = [
    "", "都", "也", "还", "更", "又", "就", "才", "再", "总", "常", "便", "仍", "皆", "亦", "均",
    "共", "齐", "同", "俱", "尽",
];

fn write_round(project: &Project, url: &str, round: usize) {
    // Loudness normalisation on: assembly takes long enough to be hit.
    let audio = QUICK_AUDIO.replace("normalize-loudness = false", "normalize-loudness = true");
    let config = crate::support::faults::fault_config(
        url,
        "retries = 5\ntimeout-ms = 5000\nconcurrency = 4",
    )
    .replace(QUICK_AUDIO, &audio);
    project.write("voices.toml", &config);
    for (path, text) in fixture_scripts(PER_SPEAKER, VARIANTS[round]) {
        project.write(&path, &text);
    }
}

fn build(project: &Project) -> std::process::Child {
    crate::support::briefcast()
        .args(["build", "--quiet"])
        .current_dir(project.dir.path())
        .env("BRIEFCAST_TIME_SCALE", "0.01")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Every published file parses; every stored clip decodes. Hidden
/// temporary files a killed write left are never under a published name.
fn assert_nothing_partial(project: &Project, moment: &str) {
    for (name, bytes) in files_under(&project.path("audio")) {
        if name.starts_with('.') {
            assert!(
                name.ends_with(".tmp") || name.starts_with(".tmp"),
                "{moment}: {name}"
            );
            continue;
        }
        assert_parses(&name, &bytes);
    }
    for (name, bytes) in files_under(&project.path(".briefcast/cache")) {
        let file = name.rsplit('/').next().unwrap();
        if file.starts_with('.') || name == "CACHEDIR.TAG" {
            continue; // a killed clip write's temporary file, or the cache's marker
        }
        if name.ends_with(".words.json") {
            let words: Vec<briefcast::model::ClipWord> = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("{moment}: cached {name} is unusable: {e}"));
            assert!(!words.is_empty(), "{moment}: {name}");
            continue; // a clip's aligned word times
        }
        assert!(name.ends_with(".wav"), "{moment}: {name}");
        briefcast::audio::check_clip(&bytes, briefcast::model::ClipFormat::Wav)
            .unwrap_or_else(|e| panic!("{moment}: cached {name} is unusable: {e}"));
    }
}

#[test]
fn builds_killed_at_twenty_moments_lose_nothing_and_repeat_no_request() {
    let service = FaultService::start(
        24_000,
        FaultPlan {
            latency: Duration::from_millis(15),
            ..FaultPlan::clean()
        },
    );
    let project = Project::new();
    write_round(&project, &service.url(), 0);
    // The uninterrupted build: how long assembly and publishing take once
    // the last clip has arrived.
    let (texts, _) = planned_texts(&project);
    let mut child = build(&project);
    while service.log().len() < texts.len() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let answered = Instant::now();
    let status = child.wait().unwrap();
    let mut assembly = answered.elapsed();
    assert!(status.success());
    assert_nothing_partial(&project, "uninterrupted build");

    let (mut during_requests, mut after_requests, mut finished) = (0, 0, 0);
    for round in 1..=ROUNDS {
        write_round(&project, &service.url(), round);
        let (texts, missing) = planned_texts(&project);
        assert_eq!(texts, missing, "round {round}: all new text");
        assert_eq!(texts.len(), 3 * PER_SPEAKER);
        service.clear_log();
        // A moment by the build's progress, not the clock, so a loaded
        // machine moves no kill to another phase: below 0.6, after that
        // share of the requests was answered; above, that far into assembly.
        let unit = (mix(7, &[&round.to_le_bytes()]) >> 11) as f64 / (1u64 << 53) as f64;
        let mut child = build(&project);
        let mut waited_into_assembly = None;
        let moment = if unit < 0.6 {
            let answered = (unit / 0.6 * texts.len() as f64) as usize;
            while service.log().len() < answered {
                std::thread::sleep(Duration::from_millis(1));
            }
            format!("after {answered} of {} clips were requested", texts.len())
        } else {
            while service.log().len() < texts.len() {
                std::thread::sleep(Duration::from_millis(1));
            }
            let wait = assembly.mul_f64((unit - 0.6) / 0.4);
            std::thread::sleep(wait);
            waited_into_assembly = Some(wait);
            format!("{wait:?} after the last clip was requested")
        };
        let exited = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        let label = format!("round {round}, killed {moment}");
        assert_nothing_partial(&project, &label);

        let (_, missing) = planned_texts(&project);
        match (exited, missing.is_empty()) {
            (true, _) => {
                finished += 1;
                // Assembly ran faster than on the measured build (a warm
                // disk, a quieter machine): aim later kills earlier, so the
                // phase is still hit wherever the suite runs.
                if let Some(wait) = waited_into_assembly {
                    assembly = assembly.min(wait.mul_f64(0.7));
                }
            }
            (false, true) => after_requests += 1,
            (false, false) => during_requests += 1,
        }
        service.clear_log();
        let run = project.run(&["build", "--quiet"]);
        assert_eq!(run.code, 0, "{label}: {}", run.stderr);
        assert_eq!(
            service.texts(),
            missing,
            "{label}: the rerun asks for exactly the uncached clips, once each"
        );
        assert_nothing_partial(&project, &format!("{label}, after the rerun"));
        let (_, left) = planned_texts(&project);
        assert!(left.is_empty(), "{label}: {left:?} still missing");
    }
    eprintln!(
        "crash suite: {during_requests} kills during requests, {after_requests} during assembly or publishing, {finished} after the build ended (assembly and publishing {assembly:?})"
    );
    assert!(
        during_requests >= 3,
        "{during_requests} kills during requests"
    );
    assert!(
        after_requests >= 3,
        "{after_requests} kills during assembly/publishing"
    );
}
