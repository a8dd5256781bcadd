//! What a listener hears from the shipped show: the opening chapter of
//! each speech, built with the shipped voices.toml and transcribed by the
//! real Whisper server through `briefcast check`. Without the neural
//! voices each speech falls back to espeak-ng, which the check reports as
//! failing; with them installed the same episodes, read by Kokoro's
//! native Mandarin voices, are understood far better, and clearly better
//! than by Kokoro's Japanese voices reading the same pinyin.
//! `dev/bench-intelligibility` runs the whole show, `dev/bench-voices`
//! compares voices.

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

/// The CER and the syllable error rate of all the episodes together,
/// weighted by sentence length, from `audio/check.json`.
fn overall(project: &Project) -> (f64, f64) {
    let report: serde_json::Value =
        serde_json::from_slice(&project.read("audio/check.json")).unwrap();
    let (mut cer, mut syllables, mut length) = (0.0, 0.0, 0.0);
    for segment in report["segments"].as_object().unwrap().values() {
        let n = segment["length"].as_f64().unwrap();
        cer += segment["score"].as_f64().unwrap() * n;
        syllables += segment["syllables"].as_f64().unwrap_or(0.0) * n;
        length += n;
    }
    (cer / length, syllables / length)
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
    let shipped = voice_of(&project, "liuzhou");
    assert!(shipped.starts_with("kokoro:z"), "{shipped}");
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
    let native = overall(&project);
    eprintln!(
        "Kokoro, Mandarin voices, CER per episode: {neural:?}; CER and syllables: {native:?}"
    );
    // Whisper's temperature fallback samples, so one opening chapter's
    // score moves from run to run: the bounds leave room for that. A
    // regression past any of them fails here.
    for ((slug, cer), (_, espeak)) in neural.iter().zip(&fallback) {
        assert!(
            *cer <= 0.35 && *cer <= espeak * 0.5,
            "{slug}: Kokoro scored {cer} (espeak-ng {espeak})"
        );
    }

    // The same chapters on Kokoro's Japanese voices, the same pinyin sent.
    let config = std::fs::read_to_string(project.path("voices.toml")).unwrap();
    let japanese = config
        .lines()
        .map(|line| match line.strip_prefix("voice = \"kokoro:z") {
            Some(_) if line.contains("kokoro:zm_") => "voice = \"kokoro:jm_kumo\"".to_owned(),
            Some(_) => "voice = \"kokoro:jf_alpha\"".to_owned(),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(japanese, config);
    project.write("voices.toml", &japanese);
    let build = project.run_with(&["build", "--quiet"], &env);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(voice_of(&project, "liuzhou").starts_with("kokoro:j"));
    std::fs::remove_file(project.path("audio/check.json")).unwrap();
    let check = project.run_with(&["check"], &env);
    assert!(matches!(check.code, 0 | 1), "{}", check.stderr);
    let accented = overall(&project);
    eprintln!("Kokoro, Japanese voices, CER and syllables: {accented:?}");
    // Measured on the whole show (BENCHMARKS.md §7): the native voices
    // make about half the syllable errors of the Japanese ones.
    assert!(
        native.1 <= accented.1 * 0.75 && native.0 < accented.0,
        "Mandarin voices {native:?} against Japanese voices {accented:?} (CER, syllables)"
    );
}
