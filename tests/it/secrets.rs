//! The API-key canary: a fake key is set, the service echoes it back in its
//! error bodies, and the key must appear nowhere briefcast writes: not in
//! `audio/`, the cache, the manifest, stdout or stderr, also with
//! `BRIEFCAST_LOG=trace` and when segments fail with the echoed message.

use crate::support::faults::{files_under, write_fixture, FaultPlan, FaultService, Outcome};
use crate::support::Project;

const CANARY: &str = "sk-canary-7f3a9c2e51d84b06aa9e";
const SERVICE: &str = "retries = 2\ntimeout-ms = 2000\napi-key-env = \"BRIEFCAST_CANARY_KEY\"";

/// Panics naming every place the canary shows up.
fn assert_no_canary(project: &Project, outputs: &[(&str, &str)]) {
    for (name, text) in outputs {
        assert!(!text.contains(CANARY), "the key is in {name}:\n{text}");
    }
    let files = files_under(project.dir.path());
    assert!(files.iter().any(|(name, _)| name.starts_with("audio/")));
    for (name, bytes) in files {
        let found = bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes());
        assert!(!found, "the key is in {name}");
    }
}

#[test]
fn the_api_key_never_reaches_a_file_or_the_terminal() {
    let echoing = vec![
        Outcome::Status500,
        Outcome::Status503,
        Outcome::TooMany429,
        Outcome::Html,
    ];
    let service = FaultService::start(
        24_000,
        FaultPlan {
            seed: 5,
            first: 0.5,
            kinds: echoing.clone(),
            ..FaultPlan::clean()
        },
    );
    service.echo_key(true);
    let project = Project::new();
    write_fixture(&project, &service.url(), SERVICE, 6, "");
    let env = [("BRIEFCAST_CANARY_KEY", CANARY), ("BRIEFCAST_LOG", "trace")];

    let run = project.run_with(&["build"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The key was sent (only in the header), and echoed back.
    let log = service.log();
    assert!(log
        .iter()
        .all(|r| r.authorization.as_deref() == Some(&*format!("Bearer {CANARY}"))));
    assert!(log.iter().any(|r| r.outcome != Outcome::Clip));
    assert!(
        run.stderr.contains("[redacted]"),
        "trace logs show the redacted errors"
    );
    let plan = project.run_with(&["plan", "--json"], &env);
    assert_eq!(plan.code, 0);
    assert_no_canary(
        &project,
        &[
            ("build stdout", &run.stdout),
            ("build stderr", &run.stderr),
            ("plan stdout", &plan.stdout),
            ("plan stderr", &plan.stderr),
        ],
    );

    // Segments that fail with the echoed key in their final error.
    let jia = String::from_utf8(project.read("scripts/01-jia.md")).unwrap();
    project.write("scripts/01-jia.md", &format!("{jia}\n这一句总是失败。\n"));
    service.set_plan(FaultPlan {
        hopeless: 1.0,
        hopeless_marker: Some("总是失败".into()),
        kinds: echoing,
        ..FaultPlan::clean()
    });
    for env in [env.to_vec(), vec![("BRIEFCAST_CANARY_KEY", CANARY)]] {
        let run = project.run_with(&["build"], &env);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let failure = run
            .stderr
            .lines()
            .find(|l| l.contains("这一句总是失败"))
            .unwrap();
        assert!(failure.contains("[redacted]"), "{failure}");
        assert_no_canary(
            &project,
            &[("stdout", &run.stdout), ("stderr", &run.stderr)],
        );
    }
}
