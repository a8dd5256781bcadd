//! First contact, as a new user meets briefcast: `briefcast init`, builds
//! through real third-party servers on 127.0.0.1 (Piper's own HTTP server,
//! whose WAVs are labelled text/html, and local-tts-studio, an
//! OpenAI-compatible server over Piper), `briefcast doctor`, `say` without
//! a project, and a misconfigured service that is given up at once.
//! `dev/setup` installs the servers (dev/setup.d/40-piper.sh).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::dev::installed;
use crate::support::{FakeService, Project, Reply};

/// A real server process, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    _data: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `python args…` from the Piper venv and waits (at most two
/// minutes) until it accepts connections.
fn start(args: &[&str], env: &[(&str, &Path)], data: Option<tempfile::TempDir>) -> Server {
    let python = installed("piper/venv/bin/python");
    let port = free_port();
    let mut command = Command::new(python);
    command
        .args(args)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut server = Server {
        child: command.spawn().expect("the Piper venv's python runs"),
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        _data: data,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while TcpStream::connect_timeout(&server.addr, Duration::from_millis(200)).is_err() {
        if let Some(status) = server.child.try_wait().unwrap() {
            panic!("{args:?} exited with {status} before listening");
        }
        assert!(
            Instant::now() < deadline,
            "{args:?} did not listen in 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

fn voice_model() -> PathBuf {
    installed("piper/voices/en_US-joe-medium.onnx")
}

/// `python -m piper.http_server -m en_US-joe-medium.onnx`.
fn piper_http_server() -> Server {
    let model = voice_model();
    start(
        &["-m", "piper.http_server", "-m", model.to_str().unwrap()],
        &[],
        None,
    )
}

/// local-tts-studio with the joe voice as its default.
fn local_tts_studio() -> Server {
    let data = tempfile::tempdir().unwrap();
    let voices = voice_model().parent().unwrap().to_owned();
    let settings = serde_json::json!({
        "voices_dir": voices,
        "api_default_voice": "en_US-joe-medium",
        "device": "cpu",
    });
    std::fs::write(data.path().join("settings.json"), settings.to_string()).unwrap();
    let dir = data.path().to_owned();
    start(
        &["-c", "from local_tts.cli import main; main()"],
        &[("LOCAL_TTS_DATA_DIR", &dir)],
        Some(data),
    )
}

/// `briefcast init --lang en` in a fresh folder, the example's voice
/// pointed at `service` (a TOML table body).
fn english_project(service: &str) -> Project {
    let project = Project::new();
    std::fs::remove_dir(project.path("scripts")).unwrap();
    let run = project.run(&["init", "--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let voices = String::from_utf8(project.read("voices.toml")).unwrap();
    // As the comments say: another service, its voice name, no fallback.
    let voices = voices
        .lines()
        .filter(|l| !l.starts_with("fallback = "))
        .map(|l| match l {
            l if l.starts_with("service = \"local\"") => "service = \"real\"",
            l if l.starts_with("voice = ") => "voice = \"en-us\"",
            l => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
        + &format!("\n\n[services.real]\n{service}\n");
    project.write("voices.toml", &voices);
    project
}

/// Seconds of audio in a WAV file, from its header.
fn wav_seconds(bytes: &[u8]) -> f64 {
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
    f64::from(reader.duration()) / f64::from(reader.spec().sample_rate)
}

/// `briefcast init --lang en` on `service`, then `briefcast build`: the
/// English episode, its announcement with an ASCII colon.
fn builds_an_english_show(service: &str) {
    let project = english_project(service);
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seconds = wav_seconds(&project.read("audio/example.wav"));
    // Two paragraphs, a chapter title and the announcement, spoken.
    assert!((8.0..120.0).contains(&seconds), "{seconds} s");
    let vtt = String::from_utf8(project.read("audio/example.vtt")).unwrap();
    assert!(
        vtt.contains("Example Speaker: Welcome to the show"),
        "English announcement with an ASCII colon:\n{vtt}"
    );
    // A real server sends only audio: every clip is aligned once, and
    // every word is timed.
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    crate::word_timing::assert_every_word_timed(&manifest);
    let cached = crate::support::faults::files_under(&project.path(".briefcast/cache"));
    let count = |end: &str| {
        cached
            .iter()
            .filter(|(name, _)| name.ends_with(end))
            .count()
    };
    assert!(count(".wav") > 0);
    assert_eq!(count(".words.json"), count(".wav"), "an alignment per clip");
}

/// Piper's server as a template service.
fn piper_template(piper: &Server) -> String {
    format!(
        "kind = \"template\"\nurl = \"{}/synthesize\"\njson = {{ text = \"{{text}}\" }}",
        piper.url()
    )
}

#[test]
fn a_show_builds_through_piper_s_own_http_server() {
    let piper = piper_http_server();
    builds_an_english_show(&piper_template(&piper));
}

#[test]
fn a_show_builds_through_local_tts_studio() {
    let studio = local_tts_studio();
    builds_an_english_show(&format!(
        "kind = \"openai\"\nurl = \"{}\"\nmodel = \"tts-1\"",
        studio.url()
    ));
}

#[test]
fn doctor_reports_what_a_real_server_sends() {
    let piper = piper_http_server();
    let project = english_project(&piper_template(&piper));
    let run = project.run(&["doctor"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("ok   voice narrator on real: answered in ")
            && first.contains(" s with a WAV file, 22050 Hz, "),
        "{}",
        run.stdout
    );
    let json = project.run(&["doctor", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["voices"][0]["sample_rate"], 22050);
    assert_eq!(report["voices"][0]["format"], "wav");
    assert!(report["voices"][0]["seconds"].as_f64().unwrap() > 0.5);
    assert!(report["tools"]["espeak_ng"]
        .as_str()
        .unwrap()
        .starts_with("eSpeak NG"));
}

#[test]
fn a_real_server_asked_at_the_wrong_endpoint_is_given_up_with_one_line() {
    let piper = piper_http_server();
    // The openai kind asks at /v1/audio/speech, where Piper has nothing.
    let project = english_project(&format!(
        "kind = \"openai\"\nurl = \"{}\"\nconcurrency = 1",
        piper.url()
    ));
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(lines[0], "briefcast: 1 failure(s):");
    assert!(
        lines[1].starts_with(
            "  service real is misconfigured: its first 3 answers were all HTTP 404: "
        ) && lines[1].contains("check the service's url: it has no such endpoint")
            && lines[1].ends_with("(not written: example)"),
        "{}",
        lines[1]
    );
    let doctor = project.run(&["doctor"]);
    assert_eq!(doctor.code, 1);
    assert!(
        doctor
            .stdout
            .starts_with("FAIL voice narrator: service real: HTTP 404: "),
        "{}",
        doctor.stdout
    );
}

/// A show of `n` one-sentence paragraphs on the fake service.
fn fake_show(service: &FakeService, n: usize, extra: &str) -> Project {
    let project = Project::new();
    let body: String = (1..=n)
        .map(|i| format!("Sentence number {i}.\n\n"))
        .collect();
    project.write(
        "scripts/01-a.md",
        &format!("+++\nspeaker = \"A\"\ntitle = \"Talk\"\n+++\n\n{body}"),
    );
    project.write(
        "voices.toml",
        &format!(
            "[show]\nlanguage = \"en\"\n\n[services.fake]\nkind = \"openai\"\nurl = \"{}\"\nconcurrency = 1\nretries = 4\n{extra}\n\n[voices.v]\nservice = \"fake\"\nvoice = \"alloy\"\n\n[speakers]\n\"A\" = \"v\"\n",
            service.url()
        ),
    );
    project
}

#[test]
fn the_same_unusable_answer_stops_the_requests_after_three_segments() {
    let service = FakeService::start(24_000);
    service.default_reply(Some(Reply::Html));
    let project = fake_show(&service, 12, "");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // One request for each of three segments, then nothing more: the
    // retries and the other ten segments were never sent.
    assert_eq!(service.requests(), 3);
    assert_eq!(
        run.stderr,
        "briefcast: 1 failure(s):\n  service fake is misconfigured: its first 3 answers were all expected a WAV file, got an HTML page (text/html), 45 bytes: \"Service maintenance\"; check the service's url and kind: it answers, but not with speech. Nothing more was sent to it (not written: a)\n"
    );
}

#[test]
fn a_wrong_key_is_given_up_but_transient_errors_are_retried() {
    let service = FakeService::start(24_000);
    service.default_reply(Some(Reply::Status(401, None)));
    let project = fake_show(&service, 8, "");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1);
    assert_eq!(service.requests(), 3);
    assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
    assert!(run.stderr.contains("check the API key"), "{}", run.stderr);

    // 503s are transient: every segment is retried until it comes.
    let service = FakeService::start(24_000);
    service.script(vec![Reply::Status(503, None); 6]);
    let project = fake_show(&service, 4, "");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(service.requests(), 6 + 5);
}

#[test]
fn a_wav_labelled_as_html_is_audio() {
    let service = FakeService::start(24_000);
    // Long enough for any of the sentences (plausibility is checked too).
    let tone = crate::support::fake::tone(&"long enough ".repeat(20), 24_000);
    let wav = crate::support::fake::wav_bytes(&tone, 24_000);
    service.default_reply(Some(Reply::Bytes("text/html; charset=utf-8", wav)));
    let project = fake_show(&service, 2, "");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn service_bytes_never_reach_the_terminal() {
    let service = FakeService::start(24_000);
    let hostile =
        b"\x1b]0;owned\x07\x1b[2J<html><body>\x1b[31mNo speech\x1b[0m here\x07</body></html>"
            .to_vec();
    service.default_reply(Some(Reply::Bytes("text/html", hostile)));
    let project = fake_show(&service, 3, "");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("\"No speech here\""), "{}", run.stderr);
    assert!(
        !run.stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        run.stderr
    );
}

#[test]
fn init_makes_a_project_that_builds_at_once() {
    for (lang, slug) in [("zh", "example"), ("en", "example")] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("show");
        let run = crate::support::briefcast()
            .args(["init", target.to_str().unwrap(), "--lang", lang])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        for file in ["voices.toml", "scripts/01-example.md", "audio/README.md"] {
            assert!(target.join(file).is_file(), "{lang}: {file}");
        }
        let build = crate::support::briefcast()
            .args(["build", "--quiet", "-c"])
            .arg(target.join("voices.toml"))
            .output()
            .unwrap();
        assert!(
            build.status.success(),
            "{lang}: {}",
            String::from_utf8_lossy(&build.stderr)
        );
        let episode = std::fs::read(target.join(format!("audio/{slug}.wav"))).unwrap();
        assert!(wav_seconds(&episode) > 3.0, "{lang}");
        // Without the neural voices, build and doctor both use the fallback and say so.
        let stderr = String::from_utf8_lossy(&build.stderr);
        assert!(stderr.contains("speak their fallback"), "{lang}: {stderr}");
        let doctor = crate::support::briefcast()
            .args(["doctor", "-c"])
            .arg(target.join("voices.toml"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&doctor.stdout);
        assert_eq!(doctor.status.code(), Some(0), "{lang}: {stdout}");
        assert!(
            stdout.contains("note voice narrator speaks its fallback ")
                && stdout.contains(" is not installed (`briefcast voices install` installs it)"),
            "{lang}: {stdout}"
        );
        // A second init changes nothing and says why.
        let again = crate::support::briefcast()
            .args(["init", target.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&again.stderr).contains("voices.toml exists"));
    }
}

#[test]
fn doctor_hears_that_espeak_s_cmn_is_not_mandarin() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::support::briefcast()
        .args(["init", dir.path().to_str().unwrap(), "--lang", "zh"])
        .output()
        .unwrap();
    assert!(run.status.success());
    // A station that picked espeak-ng's own Mandarin voice.
    let config = dir.path().join("voices.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let voice = text.lines().find(|l| l.starts_with("voice = ")).unwrap();
    let fallback = text.lines().find(|l| l.starts_with("fallback = ")).unwrap();
    let text = text
        .replace(voice, "voice = \"cmn\"")
        .replace(&format!("{fallback}\n"), "");
    std::fs::write(&config, text).unwrap();
    let doctor = crate::support::briefcast()
        .args(["doctor", "-c"])
        .arg(dir.path().join("voices.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with("FAIL voice narrator on local: answered in ")
            && stdout.contains("reads Chinese characters as English-spelled pinyin"),
        "{stdout}"
    );
}

#[test]
fn say_works_without_a_project() {
    let dir = tempfile::tempdir().unwrap();
    let run = crate::support::briefcast()
        .args(["say", "2019年", "Page 42", "3 kg", "USD 5"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "二零一九年\nPage 42\n三千克\n五美元\n"
    );
}
