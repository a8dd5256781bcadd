//! What a build prints when its output is not a terminal (cron, CI, a
//! pipe): a progress line at a steady pace, never more often than its
//! interval, each episode's clips counting up, nothing with `--quiet`;
//! each line once, and each saying what to do.

use std::time::{Duration, Instant};

use crate::support::{FakeService, Project, Reply};

/// The progress interval the tests set (`BRIEFCAST_PROGRESS_MS`).
const INTERVAL_MS: u64 = 300;

/// Two speakers of 12 sentences each, answered one at a time, 150 ms each:
/// the build takes at least 3.6 s, a dozen intervals.
fn slow_project(service: &FakeService) -> Project {
    service.delay_each(Some(Duration::from_millis(150)));
    let project = Project::new();
    project.openai_config(
        &service.url(),
        &[("甲", "jia"), ("乙", "yi")],
        "announce = false\nnormalize-loudness = false",
    );
    for (n, speaker) in ["甲", "乙"].iter().enumerate() {
        let sentences: String = (0..12).map(|i| format!("第{n}位的第{i}句话。")).collect();
        project.write(
            &format!("scripts/{n}.md"),
            &format!("+++\nspeaker = \"{speaker}\"\ntitle = \"讲话\"\n+++\n\n{sentences}\n"),
        );
    }
    project
}

/// The clips done of `slug` in a progress line, with the episode's total.
fn clips(line: &str, slug: &str) -> Option<(usize, usize)> {
    let rest = line.split(&format!(" {slug} ")).nth(1)?;
    let (done, rest) = rest.split_once('/')?;
    let total = rest.split(' ').next()?;
    Some((done.parse().ok()?, total.parse().ok()?))
}

#[test]
fn a_piped_build_prints_progress_at_a_steady_pace() {
    let service = FakeService::start(24_000);
    let project = slow_project(&service);
    let started = Instant::now();
    let run = project.run_with(
        &["build", "--jobs", "1"],
        &[("BRIEFCAST_PROGRESS_MS", &INTERVAL_MS.to_string())],
    );
    let wall = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);

    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("after "))
        .collect();
    assert!(lines.len() >= 2, "{}", run.stderr);
    // Never more than one per interval since the process started.
    let most = wall.as_millis() as usize / INTERVAL_MS as usize + 1;
    assert!(lines.len() <= most, "{} lines in {wall:?}", lines.len());

    let mut last = (0, 0);
    for line in &lines {
        assert!(
            line.contains(" to go") || line.contains("writing"),
            "{line}"
        );
        for (n, slug) in ["jia", "yi"].iter().enumerate() {
            if let Some((done, total)) = clips(line, slug) {
                assert_eq!(total, 12, "{line}");
                let before = if n == 0 { &mut last.0 } else { &mut last.1 };
                assert!(done >= *before, "counts go back in {line}");
                *before = done;
            }
        }
    }
    // The pace is measured, not guessed: some line estimates what is left.
    assert!(
        lines.iter().any(|l| l.contains("at the pace so far")),
        "{}",
        run.stderr
    );
    for slug in ["jia", "yi"] {
        let announced = run
            .stderr
            .lines()
            .filter(|l| l.starts_with(&format!("{slug}: writing ")))
            .count();
        assert_eq!(announced, 1, "{}", run.stderr);
    }
}

#[test]
fn a_quiet_build_prints_no_progress() {
    let service = FakeService::start(24_000);
    let project = slow_project(&service);
    let run = project.run_with(
        &["build", "--jobs", "1", "--quiet"],
        &[("BRIEFCAST_PROGRESS_MS", &INTERVAL_MS.to_string())],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(service.requests(), 24);
    assert_eq!(run.stderr, "");
}

#[test]
fn an_episode_written_again_for_its_loudness_is_announced_once() {
    // Full-scale bursts in silence: the limiter takes the loudness off the
    // target, so the episode is written a second time with more gain.
    let service = FakeService::start(24_000);
    service.default_reply(Some(Reply::Peaky));
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("甲", "jia")], "announce = false")
        .write(
            "scripts/a.md",
            "+++\nspeaker = \"甲\"\ntitle = \"讲话\"\n+++\n\n第一句。第二句。第三句。\n",
        );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("limiter up to"), "{}", run.stderr);
    let announced = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("jia: writing "))
        .count();
    assert_eq!(announced, 1, "{}", run.stderr);
}

#[test]
fn an_episode_the_limiter_left_alone_says_so() {
    // A quiet tone raised to -16 LUFS keeps its peaks under the ceiling.
    let service = FakeService::start(24_000);
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("甲", "jia")], "announce = false")
        .write(
            "scripts/a.md",
            "+++\nspeaker = \"甲\"\ntitle = \"讲话\"\n+++\n\n第一句。第二句。\n",
        );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = run
        .stderr
        .lines()
        .find(|l| l.starts_with("jia: ") && l.contains("LUFS"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(summary.contains("no limiting needed"), "{summary}");
    assert!(!summary.contains("limiter up to"), "{summary}");
}

const ONE_SPEECH: &str = "+++\nspeaker = \"甲\"\ntitle = \"讲话\"\n+++\n\n第一句。第二句。\n";

#[test]
fn the_relative_feed_advice_is_given_once_per_project() {
    const ADVICE: &str = "feed.xml uses relative URLs";
    let service = FakeService::start(24_000);
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("甲", "jia")], "announce = false")
        .write("scripts/a.md", ONE_SPEECH);
    let first = project.run(&["build"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stderr.matches(ADVICE).count(), 1, "{}", first.stderr);
    assert!(first.stderr.contains("set [show] base-url in voices.toml"));
    // A changed script rebuilds the episode and rewrites the feed: no advice.
    project.write("scripts/a.md", &ONE_SPEECH.replace("第二句", "第三句"));
    let second = project.run(&["build"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("1 episode(s) written"),
        "{}",
        second.stderr
    );
    assert!(!second.stderr.contains(ADVICE), "{}", second.stderr);
    // A new output folder gets a new feed, and the advice again.
    std::fs::remove_dir_all(project.path("audio")).unwrap();
    let third = project.run(&["build"]);
    assert!(third.stderr.contains(ADVICE), "{}", third.stderr);
}

#[test]
fn init_leaves_a_base_url_line_to_uncomment() {
    for lang in ["zh", "en"] {
        let dir = tempfile::tempdir().unwrap();
        let init = crate::support::briefcast()
            .args(["init", "--lang", lang])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(init.status.success(), "{lang}");
        let config = dir.path().join("voices.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("# base-url = "))
            .unwrap_or_else(|| panic!("{lang}: {text}"));
        std::fs::write(&config, text.replace(line, &line[2..])).unwrap();
        // Uncommented, it is valid where it stands (in [show]).
        let plan = crate::support::briefcast()
            .args(["plan", "--json", "-c"])
            .arg(&config)
            .output()
            .unwrap();
        assert!(
            plan.status.success(),
            "{lang}: {}",
            String::from_utf8_lossy(&plan.stderr)
        );
    }
}
