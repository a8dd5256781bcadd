//! Beyond one machine: several builds sharing one clip cache on a real
//! S3-compatible server (moto on 127.0.0.1), each a separate process,
//! against one fake TTS service that counts requests. Every distinct clip
//! is paid for once, whichever machine needs it, and the episodes are the
//! bytes a single machine makes.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::fake::{tone, wav_bytes};
use crate::support::s3::S3;
use crate::support::{FakeService, Project};

const PAUSES: &str = "sentence-pause-ms = 100\nannounce = false";
const LIUZHOU: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n第一句话。第二句话！第三句话。\n\n第二段只有一句。大家好。\n\n## 第二章\n\n最后一段，第一句。最后一句？\n";
// "大家好。" again: one clip for both episodes.
const OTHER: &str = "+++\nspeaker = \"Other\"\ntitle = \"Other talk\"\n+++\n\nOne sentence here. Another one there. A third one.\n\n大家好。\n";

/// A machine's checkout of the show; `cache` is `[paths] cache`, if any.
pub(crate) fn machine(service: &FakeService, cache: Option<&str>) -> Project {
    let project = Project::new();
    project
        .openai_config(
            &service.url(),
            &[("柳州市", "liuzhou"), ("Other", "other")],
            PAUSES,
        )
        .write("scripts/01-liuzhou.md", LIUZHOU)
        .write("scripts/02-other.md", OTHER);
    if let Some(cache) = cache {
        let text = String::from_utf8(project.read("voices.toml")).unwrap();
        project.write(
            "voices.toml",
            &format!("{text}\n[paths]\ncache = \"{cache}\"\n"),
        );
    }
    project
}

pub(crate) fn env(s3: &S3) -> Vec<(&'static str, String)> {
    s3.env()
}

pub(crate) fn run_on(project: &Project, s3: &S3, args: &[&str]) -> crate::support::project::Run {
    let env = env(s3);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    project.run_with(args, &env)
}

pub(crate) fn spawn(project: &Project, s3: &S3, args: &[&str]) -> std::process::Child {
    let env = env(s3);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    project.spawn_with(args, &env)
}

pub(crate) fn finished(child: std::process::Child) -> (i32, String) {
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every segment's (key, text sent), from `plan --json`.
pub(crate) fn planned(project: &Project, s3: Option<&S3>, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["plan", "--json"];
    all.extend(args);
    let run = match s3 {
        Some(s3) => run_on(project, s3, &all),
        None => project.run(&all),
    };
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut segments = Vec::new();
    for episode in plan["episodes"].as_array().unwrap() {
        for chapter in episode["chapters"].as_array().unwrap() {
            for segment in chapter["segments"].as_array().unwrap() {
                segments.push((
                    segment["key"].as_str().unwrap().to_owned(),
                    segment["spoken"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    segments
}

/// Every output file's name and blake3 hash; not the manifest, which
/// also says where this machine got each episode's clips.
pub(crate) fn episodes(project: &Project) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = project
        .outputs()
        .into_iter()
        .filter(|(name, _, _)| name != "manifest.json")
        .map(|(name, bytes, _)| (name, blake3::hash(&bytes).to_hex().to_string()))
        .collect();
    files.sort();
    files
}

/// What one machine alone makes with `service` (the URL is part of every
/// clip key, so the same one), and how many distinct clips that takes.
fn single_machine(service: &FakeService) -> (Vec<(String, String)>, usize) {
    let project = machine(service, None);
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (episodes(&project), service.requests())
}

/// The requests after the first `before`: each text at most once.
pub(crate) fn assert_each_text_once(service: &FakeService, before: usize) {
    let texts = service.texts().split_off(before);
    let distinct: BTreeSet<&String> = texts.iter().collect();
    assert_eq!(
        distinct.len(),
        texts.len(),
        "a clip was paid twice: {texts:?}"
    );
}

#[test]
fn two_shards_in_parallel_and_a_final_build_request_each_clip_once() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let (reference, distinct) = single_machine(&service);
    let cache = Some("s3://clips-bucket/morning-show");
    let (first, second, last) = (
        machine(&service, cache),
        machine(&service, cache),
        machine(&service, cache),
    );

    // The shares split the show's clips between them, each clip once.
    let all: BTreeSet<String> = planned(&first, Some(&s3), &[])
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(all.len(), distinct);
    let one: BTreeSet<String> = planned(&first, Some(&s3), &["--shard", "1/2"])
        .into_iter()
        .map(|s| s.0)
        .collect();
    let two: BTreeSet<String> = planned(&first, Some(&s3), &["--shard", "2/2"])
        .into_iter()
        .map(|s| s.0)
        .collect();
    assert!(one.is_disjoint(&two), "shares overlap: {one:?} and {two:?}");
    assert!(
        !one.is_empty() && !two.is_empty(),
        "a share is empty: {one:?} and {two:?} of {all:?}"
    );
    assert_eq!(&one | &two, all);

    let a = spawn(&first, &s3, &["build", "--shard", "1/2"]);
    let b = spawn(&second, &s3, &["build", "--shard", "2/2"]);
    for (code, stderr) in [finished(a), finished(b)] {
        assert_eq!(code, 0, "{stderr}");
        assert!(stderr.contains("no episode written"), "{stderr}");
    }
    assert!(!first.exists("audio/liuzhou.wav") && !second.exists("audio/other.wav"));
    assert_eq!(service.requests(), 2 * distinct);
    let stored = s3.keys("morning-show/");
    assert_eq!(
        stored.iter().filter(|k| k.ends_with(".wav")).count(),
        distinct,
        "{stored:?}"
    );
    assert!(stored.contains(&"morning-show/CACHEDIR.TAG".to_owned()));
    assert!(
        !stored.iter().any(|k| k.contains("/leases/")),
        "leases are released: {stored:?}"
    );

    let final_build = run_on(&last, &s3, &["build"]);
    assert_eq!(final_build.code, 0, "{}", final_build.stderr);
    assert!(
        final_build.stderr.contains(&format!(
            "0 clip(s) requested, {distinct} copied from the shared cache"
        )),
        "{}",
        final_build.stderr
    );
    assert_eq!(
        service.requests(),
        2 * distinct,
        "the final build paid again"
    );
    assert_each_text_once(&service, distinct);
    assert_eq!(episodes(&last), reference);
}

#[test]
fn four_builds_racing_on_one_bucket_request_each_clip_once() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let (reference, distinct) = single_machine(&service);
    // Slow answers, so the machines want the same clips at the same time.
    service.delay_each(Some(Duration::from_millis(150)));
    let cache = Some("s3://clips-bucket/race");
    let machines: Vec<Project> = (0..4).map(|_| machine(&service, cache)).collect();
    let builds: Vec<_> = machines
        .iter()
        .map(|m| spawn(m, &s3, &["build", "--quiet"]))
        .collect();
    for (code, stderr) in builds.into_iter().map(finished) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_each_text_once(&service, distinct);
    assert_eq!(service.requests(), 2 * distinct);
    for machine in &machines {
        assert_eq!(episodes(machine), reference);
    }
}

#[test]
fn a_crashed_machines_lease_expires_and_a_live_one_is_waited_for() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let project = machine(&service, Some("s3://clips-bucket/leased"));
    let segments = planned(&project, Some(&s3), &[]);
    let (crashed_key, _) = &segments[0];
    let (busy_key, busy_text) = &segments[1];
    // A machine that died holding the first clip's lease an hour ago…
    s3.put(&format!("leased/leases/{crashed_key}"), b"crashed:1 1000\n");
    // …and one that holds the second's for 20 s more and stores it in 1 s.
    let until = std::time::SystemTime::now() + Duration::from_secs(20);
    let millis = until
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    s3.put(
        &format!("leased/leases/{busy_key}"),
        format!("busy:2 {millis}\n").as_bytes(),
    );
    let child = spawn(&project, &s3, &["build", "--quiet"]);
    std::thread::sleep(Duration::from_secs(1));
    let theirs = wav_bytes(&tone(busy_text, 48_000), 48_000);
    s3.put(
        &format!("leased/{}/{busy_key}.wav", &busy_key[..2]),
        &theirs,
    );
    let (code, stderr) = finished(child);
    assert_eq!(code, 0, "{stderr}");
    let texts = service.texts();
    assert!(
        !texts.contains(busy_text),
        "paid for a clip another machine was making"
    );
    assert_eq!(
        texts.len(),
        segments.iter().map(|s| &s.0).collect::<BTreeSet<_>>().len() - 1
    );
    assert!(s3.get(&format!("leased/leases/{crashed_key}")).is_none());
}

#[test]
fn gc_on_the_shared_cache_keeps_recent_clips_and_removes_expired_leases() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let project = machine(&service, Some("s3://clips-bucket/gc"));
    // Not a briefcast cache yet: nothing is removed there.
    s3.put("gc/leases/stray", b"x");
    let run = run_on(&project, &s3, &["cache", "gc"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("s3://clips-bucket/gc is not a briefcast cache"),
        "{}",
        run.stderr
    );
    assert_eq!(run_build(&project, &s3), 0);
    let key = planned(&project, Some(&s3), &[])[0].0.clone();
    let expired = format!("gc/leases/{}", "a".repeat(64));
    s3.put(&expired, b"crashed:1 1000\n");
    let text = String::from_utf8(project.read("scripts/02-other.md")).unwrap();
    project.write(
        "scripts/02-other.md",
        &text.replace("A third one.", "A new third one."),
    );
    let before = s3.keys("gc/");
    let dry = run_on(&project, &s3, &["cache", "gc", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains(&format!("would remove s3://clips-bucket/{expired}")),
        "{}",
        dry.stdout
    );
    assert_eq!(s3.keys("gc/"), before);
    let gc = run_on(&project, &s3, &["cache", "gc"]);
    assert_eq!(gc.code, 0, "{}", gc.stderr);
    let after = s3.keys("gc/");
    assert!(!after.contains(&expired));
    // The edited sentence's clip is unreferenced here but a day has not
    // passed: another machine's scripts may still use it.
    assert_eq!(
        after.iter().filter(|k| k.ends_with(".wav")).count(),
        before.iter().filter(|k| k.ends_with(".wav")).count()
    );
    assert!(after.iter().any(|k| k.contains(&key)));
    assert!(
        after.contains(&"gc/leases/stray".to_owned()),
        "not of the layout: left alone"
    );
}

fn run_build(project: &Project, s3: &S3) -> i32 {
    let built = run_on(project, s3, &["build", "--quiet"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    built.code
}
