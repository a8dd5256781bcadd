//! The shared cache's promises under ordinary hardship, on the real S3 API
//! (moto) and the real executable: many missing clips under a low limit of
//! open files, a long queue at a slow service, a build killed holding
//! leases, a full local disk, a damaged object in the bucket; and a build's
//! report says what it paid for apart from what it copied.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::shared_cache::{env, episodes, finished, machine, planned, run_on, spawn};
use crate::support::fake::Reply;
use crate::support::s3::S3;
use crate::support::{FakeService, Project};

/// A script of `n` distinct English sentences for one speaker.
fn many_sentences(n: usize) -> String {
    let mut text = String::from("+++\nspeaker = \"Other\"\ntitle = \"Many\"\n+++\n\n");
    for i in 0..n {
        text.push_str(&format!("Sentence number {i} of the long talk. "));
        if i % 10 == 9 {
            text.push_str("\n\n");
        }
    }
    text
}

/// A machine with one speaker reading `script`, on the shared cache `url`.
fn one_speaker(service: &FakeService, url: &str, script: &str, extra: &str) -> Project {
    let project = Project::new();
    project.openai_config(
        &service.url(),
        &[("Other", "other")],
        "sentence-pause-ms = 100\nannounce = false",
    );
    let text = String::from_utf8(project.read("voices.toml")).unwrap();
    let text = text.replace("retries = 5\n", &format!("retries = 5\n{extra}"));
    project.write(
        "voices.toml",
        &format!("{text}\n[paths]\ncache = \"{url}\"\n"),
    );
    project.write("scripts/01-other.md", script);
    project
}

/// Each text answered with audio at most once, and `expected` of them.
fn assert_paid_once(service: &FakeService, expected: usize) {
    let answered = service.answered();
    let distinct: BTreeSet<&String> = answered.iter().collect();
    assert_eq!(distinct.len(), answered.len(), "a clip was paid twice");
    assert_eq!(answered.len(), expected);
}

fn wavs(s3: &S3, prefix: &str) -> usize {
    let mut count = 0;
    // ListObjectsV2 answers 1,000 keys at most: count per shard folder.
    for shard in 0..256 {
        count += s3
            .keys(&format!("{prefix}/{shard:02x}/"))
            .iter()
            .filter(|k| k.ends_with(".wav"))
            .count();
    }
    count
}

#[test]
fn a_cold_build_of_many_sentences_under_a_low_open_file_limit_pays_each_clip_once() {
    let s3 = S3::start();
    let service = FakeService::start(16_000);
    let project = one_speaker(&service, "s3://clips-bucket/many", &many_sentences(600), "");
    let env = env(&s3);
    let output = crate::support::briefcast_with_open_files(128)
        .args(["build", "--quiet"])
        .current_dir(project.dir.path())
        .env("BRIEFCAST_TIME_SCALE", "0.01")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_paid_once(&service, 600);
    assert_eq!(wavs(&s3, "many"), 600, "every paid clip is in the bucket");
}

#[test]
fn leases_are_taken_when_a_request_is_sent_so_a_long_queue_never_pays_twice() {
    let s3 = S3::start();
    let service = FakeService::start(16_000);
    // One request at a time, 150 ms each: 40 clips queue for 6 s, far
    // longer than a lease lives without renewal here (1.2 s).
    service.delay_each(Some(Duration::from_millis(150)));
    let script = many_sentences(40);
    let url = "s3://clips-bucket/queue";
    let machines: Vec<Project> = (0..2)
        .map(|_| one_speaker(&service, url, &script, "concurrency = 1\n"))
        .collect();
    let builds: Vec<_> = machines
        .iter()
        .map(|m| spawn(m, &s3, &["build", "--quiet"]))
        .collect();
    for (code, stderr) in builds.into_iter().map(finished) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_paid_once(&service, 40);
    assert_eq!(episodes(&machines[0]), episodes(&machines[1]));
    assert!(s3.keys("queue/leases/").is_empty(), "every lease released");
}

/// The identity a process of this machine with `pid` would write.
fn this_host(pid: u32) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    format!("{}:{pid}:1", host.trim())
}

fn millis_from_now(after: Duration) -> u128 {
    (SystemTime::now() + after)
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

#[test]
fn a_killed_builds_leases_are_taken_over_at_once_and_other_machines_are_waited_for_aloud() {
    let s3 = S3::start();
    let service = FakeService::start(16_000);
    let project = one_speaker(
        &service,
        "s3://clips-bucket/killed",
        &many_sentences(12),
        "",
    );
    let segments = planned(&project, Some(&s3), &[]);
    // A process of this machine that has ended: a build killed with
    // SIGKILL, its leases good for another hour.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let hour = millis_from_now(Duration::from_secs(3600));
    for (key, _) in &segments[1..] {
        s3.put(
            &format!("killed/leases/{key}"),
            format!("{} {hour}\n", this_host(dead)).as_bytes(),
        );
    }
    // The first clip is another machine's for 4 s more.
    let soon = millis_from_now(Duration::from_secs(4));
    s3.put(
        &format!("killed/leases/{}", segments[0].0),
        format!("other-machine:77:5 {soon}\n").as_bytes(),
    );
    let started = Instant::now();
    let mut build = spawn(&project, &s3, &["build"]);
    while build.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            build.kill().unwrap();
            panic!("the build waited on its own dead process's leases");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, stderr) = finished(build);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "waiting for 1 clip(s) other machines are making: 1 held by other-machine:77:5 until "
        ),
        "{stderr}"
    );
    assert_paid_once(&service, 12);
    assert!(
        s3.keys("killed/leases/").is_empty(),
        "{:?}",
        s3.keys("killed/")
    );
}

/// A tmpfs of `kib` KiB mounted at `dir` for the test's life.
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(dir: std::path::PathBuf, kib: u32) -> SmallDisk {
        std::fs::create_dir_all(&dir).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "mounting a small tmpfs (the tests run as root)"
        );
        SmallDisk(dir)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_local_disk_fails_clearly_without_paying_for_what_the_bucket_holds() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let url = Some("s3://clips-bucket/full");
    let first = machine(&service, url);
    let built = run_on(&first, &s3, &["build", "--quiet"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let paid = service.requests();
    let second = machine(&service, url);
    let cache = second.path(".briefcast/cache");
    let _disk = SmallDisk::mount(cache.clone(), 16);
    let run = run_on(&second, &s3, &["build", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("No space left on device")
            && run.stderr.contains("clip cache ./.briefcast/cache/"),
        "{}",
        run.stderr
    );
    assert_eq!(service.requests(), paid, "paid for clips the bucket holds");
    assert!(!second.exists("audio/liuzhou.wav"));
}

#[test]
fn a_damaged_clip_in_the_bucket_is_paid_for_once_and_replaced() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let url = Some("s3://clips-bucket/damaged");
    let first = machine(&service, url);
    assert_eq!(run_on(&first, &s3, &["build", "--quiet"]).code, 0);
    let paid = service.requests();
    let (key, text) = planned(&first, Some(&s3), &[])[2].clone();
    let object = format!("damaged/{}/{key}.wav", &key[..2]);
    let whole = s3
        .get(&object)
        .unwrap_or_else(|| panic!("{object} not in {:?}", s3.keys("damaged/")));
    s3.put(&object, &whole[..whole.len() / 2]);
    // Every later machine finds it: the first to need it pays and repairs.
    for n in 0..2 {
        let next = machine(&service, url);
        let run = run_on(&next, &s3, &["build", "--quiet"]);
        assert_eq!(run.code, 0, "machine {n}: {}", run.stderr);
        assert_eq!(episodes(&next), episodes(&first), "machine {n}");
    }
    assert_eq!(service.texts()[paid..], [text], "paid once, by one machine");
    assert_eq!(s3.get(&object).unwrap(), whole, "the object is whole again");
}

#[test]
fn a_build_that_copies_from_the_bucket_reports_copies_apart_from_paid_requests() {
    let s3 = S3::start();
    let service = FakeService::start(48_000);
    let url = Some("s3://clips-bucket/honest");
    let first = machine(&service, url);
    assert_eq!(run_on(&first, &s3, &["build", "--quiet"]).code, 0);
    let distinct = service.requests();
    let second = machine(&service, url);
    let run = run_on(&second, &s3, &["build", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(service.requests(), distinct);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["requested"], 0);
    assert_eq!(report["copied"], distinct);
    assert!(
        run.stderr.contains(&format!(
            "0 clip(s) requested, {distinct} copied from the shared cache"
        )),
        "{}",
        run.stderr
    );
    let manifest = |p: &Project| -> serde_json::Value {
        serde_json::from_slice(&p.read("audio/manifest.json")).unwrap()
    };
    let clips = &manifest(&second)["episodes"]["other"]["clips"];
    assert_eq!(clips["requested"], 0);
    assert!(clips["copied"].as_u64().unwrap() > 0, "{clips}");
    let theirs = &manifest(&first)["episodes"]["other"]["clips"];
    assert_eq!(theirs["copied"], 0);
    assert_eq!(theirs["requested"], clips["copied"]);
}

/// The shipped show's scripts, read by one voice of the fake service.
fn shipped_show(service: &FakeService, url: &str) -> Project {
    let project = Project::new();
    project.openai_config(
        &service.url(),
        &[
            ("柳州市", "liuzhou"),
            ("河池市环江毛南族自治县下南乡", "xianan"),
            ("崇左市凭祥市公安局友谊关边境派出所", "youyiguan"),
            ("南宁市兴宁区民生街道望仙坡社区", "wangxianpo"),
        ],
        "announce = false",
    );
    let text = String::from_utf8(project.read("voices.toml")).unwrap();
    let text = text.replace("retries = 5\n", "retries = 5\nconcurrency = 2\n");
    project.write(
        "voices.toml",
        &format!("{text}\n[paths]\ncache = \"{url}\"\n"),
    );
    for (name, script) in [
        ("01-liuzhou.md", include_str!("../../scripts/01-liuzhou.md")),
        ("02-xianan.md", include_str!("../../scripts/02-xianan.md")),
        (
            "03-youyiguan.md",
            include_str!("../../scripts/03-youyiguan.md"),
        ),
        (
            "04-wangxianpo.md",
            include_str!("../../scripts/04-wangxianpo.md"),
        ),
    ] {
        project.write(&format!("scripts/{name}"), script);
    }
    project
}

#[test]
fn the_whole_show_on_two_racing_machines_with_a_sigkill_between_pays_each_clip_once() {
    let s3 = S3::start();
    let service = FakeService::start(16_000);
    service.delay_each(Some(Duration::from_millis(20)));
    let url = "s3://clips-bucket/show";
    let (first, second) = (shipped_show(&service, url), shipped_show(&service, url));
    let distinct: BTreeSet<String> = planned(&first, Some(&s3), &[])
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    let killed = spawn(&first, &s3, &["build", "--quiet"]);
    let started = Instant::now();
    while service.answered().len() < 40 {
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The service stops answering; what was answered is stored; then the
    // build dies holding the leases of the requests it is waiting on.
    service.default_reply(Some(Reply::Stall(Duration::from_secs(3600))));
    std::thread::sleep(Duration::from_millis(500));
    let pid = killed.id().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap()
        .success());
    let _ = finished(killed);
    assert!(!s3.keys("show/leases/").is_empty(), "killed holding leases");
    service.default_reply(None);
    let again = spawn(&first, &s3, &["build", "--quiet"]);
    let other = spawn(&second, &s3, &["build", "--quiet"]);
    for (code, stderr) in [finished(again), finished(other)] {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_paid_once(&service, distinct.len());
    assert_eq!(episodes(&first), episodes(&second));
}

/// The YAML documents of a file, as JSON (PyYAML, in the venv `dev/setup`
/// made for moto).
fn yaml_documents(path: &std::path::Path) -> Vec<serde_json::Value> {
    let python = crate::support::dev::installed("moto/venv/bin/python");
    let output = std::process::Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The shell script a Job's first container runs.
fn job_script(job: &serde_json::Value) -> String {
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["command"], serde_json::json!(["sh", "-c"]));
    container["args"][0].as_str().unwrap().to_owned()
}

#[test]
fn the_kubernetes_example_shards_a_show_as_an_indexed_job_and_assembles_after_it() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/kubernetes/briefcast-shards.yaml");
    let jobs = yaml_documents(&path);
    let step = |name: &str| {
        jobs.iter()
            .find(|j| j["kind"] == "Job" && j["metadata"]["labels"]["briefcast/step"] == name)
            .unwrap_or_else(|| panic!("a Job labelled briefcast/step={name}"))
    };
    let (shards, assemble) = (step("shards"), step("assemble"));
    assert_eq!(shards["spec"]["completionMode"], "Indexed");
    let count = shards["spec"]["completions"].as_u64().unwrap();
    assert!(count > 1);
    assert_eq!(shards["spec"]["parallelism"], count);

    // Run each pod's script as Kubernetes would, with the real executable
    // on PATH, against a real bucket: the shares, then the assembly.
    let s3 = S3::start();
    let service = FakeService::start(16_000);
    let url = Some("s3://clips-bucket/kubernetes");
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_briefcast"),
        bin.path().join("briefcast"),
    )
    .unwrap();
    let path_var = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run_pod = |project: &Project, script: &str, index: Option<u64>| {
        let mut command = std::process::Command::new("sh");
        command
            .args(["-c", script])
            .current_dir(project.dir.path())
            .env("PATH", &path_var)
            .env("BRIEFCAST_TIME_SCALE", "0.01")
            .envs(env(&s3));
        if let Some(index) = index {
            command.env("JOB_COMPLETION_INDEX", index.to_string());
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{script}: {stderr}");
        stderr
    };
    let mut shares = Vec::new();
    for index in 0..count {
        let pod = machine(&service, url);
        let stderr = run_pod(&pod, &job_script(shards), Some(index));
        assert!(
            stderr.contains(&format!(
                "share {}/{count} is in the shared cache",
                index + 1
            )),
            "{stderr}"
        );
        shares.push(pod);
    }
    let paid = service.requests();
    assert_paid_once(&service, paid);
    let pod = machine(&service, url);
    let stderr = run_pod(&pod, &job_script(assemble), None);
    assert!(stderr.contains("0 clip(s) requested"), "{stderr}");
    assert_eq!(service.requests(), paid, "the assembly paid again");
    assert!(pod.exists("audio/liuzhou.wav") && pod.exists("audio/other.wav"));
}
