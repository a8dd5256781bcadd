//! What a listener hears from the shipped show: the opening chapter of
//! each speech, built with the shipped voices.toml and transcribed by the
//! real Whisper server through `briefcast check`. Without the neural
//! voices each speech falls back to espeak-ng, which the check reports as
//! failing; with them installed the same episodes are understood far
//! better. `dev/bench-intelligibility` runs the whole show.

use std::path::Path;

use crate::support::whisper::Whisper;
use crate::support::{voices, Project};

const SLUGS: [&str; 4] = ["liuzhou", "xianan", "youyiguan", "wangxianpo"];

/// The shipped voices.toml with a `[check]` section for `whisper_url`, and
/// each shipped script cut before its second chapter.
fn opening_chapters(whisper_url: &str) -> Project {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::new();
    let config = std::fs::read_to_string(root.join("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &format!(
            "{config}\n[check]\nservice = \"whisper\"\n\n[check.services.whisper]\nkind = \"openai\"\nurl = \"{whisper_url}\"\ntimeout-ms = 600000\n"
        ),
    );
    for entry in std::fs::read_dir(root.join("scripts")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let opening = text.split("\n## ").next().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        project.write(&format!("scripts/{name}"), &format!("{opening}\n"));
    }
    project
}

/// Each episode's CER from `audio/check.json`.
fn scores(project: &Project) -> Vec<(&'static str, f64)> {
    let report: serde_json::Value =
        serde_json::from_slice(&project.read("audio/check.json")).unwrap();
    SLUGS
        .iter()
        .map(|slug| {
            let score = report["episodes"][slug]["score"]
                .as_f64()
                .unwrap_or_else(|| panic!("{slug} missing from check.json: {report}"));
            (*slug, score)
        })
        .collect()
}

fn voice_of(project: &Project, slug: &str) -> String {
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    manifest["episodes"][slug]["voices"][0]["voice"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_shipped_show_is_understood_better_on_neural_voices_and_its_espeak_fallback_is_reported_failing(
) {
    let whisper = Whisper::start();
    let project = opening_chapters(&whisper.url());

    // No voices installed (the test binary's empty data folder): espeak-ng.
    let build = project.run(&["build", "--quiet"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(voice_of(&project, "liuzhou"), "cmn-latn-pinyin+f3");
    let check = project.run(&["check"]);
    assert_eq!(check.code, 1, "{}\n{}", check.stdout, check.stderr);
    let fallback = scores(&project);
    eprintln!("espeak-ng fallback, CER per episode: {fallback:?}");
    for (slug, cer) in &fallback {
        assert!(
            *cer > 0.15,
            "{slug}: espeak-ng scored {cer}, within the threshold"
        );
    }

    // The neural voices installed: the same build re-synthesises on Kokoro.
    let data = voices::installed().display().to_string();
    let env = [("XDG_DATA_HOME", data.as_str())];
    let build = project.run_with(&["build", "--quiet"], &env);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(voice_of(&project, "liuzhou"), "kokoro:jm_kumo");
    std::fs::remove_file(project.path("audio/check.json")).unwrap();
    let check = project.run_with(&["check"], &env);
    assert!(
        project.path("audio/check.json").is_file(),
        "the check wrote no report: {}",
        check.stderr
    );
    assert!(
        matches!(check.code, 0 | 1),
        "{}\n{}",
        check.stdout,
        check.stderr
    );
    let neural = scores(&project);
    eprintln!("Kokoro, CER per episode: {neural:?}");
    // The registry's Japanese style packs read Mandarin with an accent:
    // the whole show measures 0.20-0.24 (BENCHMARKS.md), above the 0.15
    // target, but far better than espeak-ng. Whisper's temperature
    // fallback samples, so one opening chapter scores 0.27-0.35 from run
    // to run: the absolute bound leaves room for that. A regression past
    // either bound fails here.
    for ((slug, cer), (_, espeak)) in neural.iter().zip(&fallback) {
        assert!(
            *cer <= 0.45 && *cer <= espeak * 0.6,
            "{slug}: Kokoro scored {cer} (espeak-ng {espeak})"
        );
    }
}
