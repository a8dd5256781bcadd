//! Services and inputs that try to hurt: a redirect that would carry the
//! key to another origin, keys echoed back URL-encoded, `Retry-After`
//! values no clock can wait, answers of gigabytes, formats no speech
//! service produces, and scripts or configurations that are FIFOs.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;

use crate::support::fake::{tone, wav_bytes};
use crate::support::recorder::{Answer, Recorder};
use crate::support::Project;

const KEY: &str = "sk+canary/7f3a=9c2e==";
const SCRIPT: &str = "+++\nspeaker = \"Ann\"\ntitle = \"Ann talks\"\n+++\n\nOne sentence here.\n";
const OTHER: &str = "+++\nspeaker = \"Bob\"\ntitle = \"Bob talks\"\n+++\n\nBob speaks here.\n";

/// A project whose two speakers read on `service` (a TOML table body).
fn two_speakers(service: &str) -> Project {
    let project = Project::new();
    project
        .write(
            "voices.toml",
            &format!(
                "[show]\ntitle = \"Show\"\ndate = \"2024-05-01\"\n\n[audio]\nannounce = false\nnormalize-loudness = false\n\n[services.svc]\n{service}\n\n[voices.v]\nservice = \"svc\"\nvoice = \"alloy\"\n\n[speakers]\n\"Ann\" = {{ voice = \"v\", slug = \"ann\" }}\n\"Bob\" = {{ voice = \"v\", slug = \"bob\" }}\n"
            ),
        )
        .write("scripts/01-ann.md", SCRIPT)
        .write("scripts/02-bob.md", OTHER);
    project
}

fn build(project: &Project) -> crate::support::project::Run {
    project.run_with(&["build"], &[("TTS_TEST_KEY", KEY)])
}

fn wav_answer(text: &str) -> Answer {
    let wav = wav_bytes(&tone(text, 24_000), 24_000);
    (200, "audio/wav", wav, vec![])
}

fn spoken(request: &crate::support::recorder::Recorded) -> String {
    let body = String::from_utf8_lossy(&request.body).into_owned();
    serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|json| json["input"].as_str().map(str::to_owned))
        .unwrap_or(body)
}

/// Every form of the key a message could carry.
fn key_forms() -> Vec<String> {
    let engine = base64::engine::general_purpose::STANDARD;
    vec![
        KEY.to_owned(),
        "sk%2Bcanary%2F7f3a%3D9c2e%3D%3D".to_owned(),
        "sk%2bcanary%2f7f3a%3d9c2e%3d%3d".to_owned(),
        engine.encode(KEY),
    ]
}

fn assert_no_key(what: &str, text: &str) {
    for form in key_forms() {
        assert!(
            !text.contains(&form),
            "{what} holds the key as {form}:\n{text}"
        );
    }
}

#[test]
fn a_keyed_service_never_follows_a_redirect_to_another_origin() {
    let elsewhere = Recorder::start(Duration::ZERO, |r, _| wav_answer(&spoken(r)));
    let target = elsewhere.url("/v1/audio/speech");
    let services = [
        "kind = \"google\"\nurl = \"{url}\"\napi-key-env = \"TTS_TEST_KEY\"",
        "kind = \"azure\"\nurl = \"{url}\"\noutput-format = \"riff-24khz-16bit-mono-pcm\"\napi-key-env = \"TTS_TEST_KEY\"",
        "kind = \"template\"\nurl = \"{url}\"\nheaders = { X-Api-Key = \"{key}\" }\njson = { text = \"{text}\" }\napi-key-env = \"TTS_TEST_KEY\"",
    ];
    for service in services {
        let location = target.clone();
        let redirecting = Recorder::start(Duration::ZERO, move |_, _| {
            (
                307,
                "text/plain",
                vec![],
                vec![("location", location.clone())],
            )
        });
        let project = two_speakers(&service.replace("{url}", &redirecting.url("/tts")));
        let run = build(&project);
        assert_eq!(run.code, 1, "{service}: {}", run.stderr);
        let from = format!("http://{}", redirecting.addr);
        let to = format!("http://{}", elsewhere.addr);
        assert!(
            run.stderr
                .contains(&format!("redirected from {from} to {to}, another origin")),
            "{service}: {}",
            run.stderr
        );
        // Refused at once, not retried.
        assert_eq!(redirecting.requests().len(), 2, "{service}");
    }
    assert!(
        elsewhere.requests().is_empty(),
        "the key went to another origin"
    );

    // Within the origin, redirects are followed, with the key.
    let moved = Recorder::start(Duration::ZERO, |r, _| {
        if r.uri.starts_with("/old") {
            (
                308,
                "text/plain",
                vec![],
                vec![("location", "/new".to_owned())],
            )
        } else {
            wav_answer(&spoken(r))
        }
    });
    let project = two_speakers(&format!(
        "kind = \"openai\"\nurl = \"{}\"\napi-key-env = \"TTS_TEST_KEY\"",
        moved.url("/old")
    ));
    let run = build(&project);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(moved
        .requests()
        .iter()
        .all(|r| r.header("authorization") == format!("Bearer {KEY}")));
}

#[test]
fn a_key_in_a_url_is_redacted_in_every_encoding() {
    // Unreachable: the error names the URL, key and all.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let template = "kind = \"template\"\nurl = \"{url}\"\nmethod = \"GET\"\nquery = { text = \"{text}\", key = \"{key}\" }\napi-key-env = \"TTS_TEST_KEY\"\nretries = 0";
    let project = two_speakers(&template.replace("{url}", &format!("http://127.0.0.1:{port}/tts")));
    let run = project.run_with(
        &["build"],
        &[("TTS_TEST_KEY", KEY), ("BRIEFCAST_LOG", "debug")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("[redacted]"), "{}", run.stderr);
    assert_no_key("stderr", &run.stderr);
    assert_no_key("stdout", &run.stdout);

    // A service that echoes the query, encoded, and the key in base64.
    let echo = Recorder::start(Duration::ZERO, |r, _| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(KEY);
        let message = format!("bad credentials in {} ({b64})", r.uri);
        let body = serde_json::json!({"error": {"message": message}}).to_string();
        (401, "application/json", body.into_bytes(), vec![])
    });
    let project = two_speakers(&template.replace("{url}", &echo.url("/tts")));
    let run = build(&project);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        echo.requests()[0].uri.contains("sk%2Bcanary"),
        "the key was sent encoded"
    );
    assert!(
        run.stderr.contains("bad credentials in /tts?"),
        "{}",
        run.stderr
    );
    assert_no_key("stderr", &run.stderr);
}

#[test]
fn a_wait_no_one_should_wait_fails_the_segment_at_once_and_loses_no_episode() {
    let in_2099 = "Thu, 01 Jan 2099 00:00:00 GMT";
    for (header, value) in [
        ("retry-after", "1e20"),
        ("retry-after", "inf"),
        ("retry-after-ms", "1e30"),
        ("retry-after", "1e9"),
        ("retry-after", in_2099),
    ] {
        let service = Recorder::start(Duration::ZERO, move |r, _| {
            let text = spoken(r);
            if text.contains("One sentence") {
                let body = br#"{"error": {"message": "quota exhausted"}}"#.to_vec();
                (
                    429,
                    "application/json",
                    body,
                    vec![(header, value.to_owned())],
                )
            } else {
                wav_answer(&text)
            }
        });
        let project = two_speakers(&format!(
            "kind = \"openai\"\nurl = \"{}\"\nretries = 3\nmax-retry-after-ms = 60000",
            service.url("")
        ));
        let run = build(&project);
        assert_eq!(run.code, 1, "{header}: {value}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("HTTP 429: quota exhausted; it asks to wait")
                && run
                    .stderr
                    .contains("longer than max-retry-after-ms (60000 ms)"),
            "{value}: {}",
            run.stderr
        );
        let asked = service
            .requests()
            .iter()
            .filter(|r| spoken(r).contains("One"))
            .count();
        assert_eq!(asked, 1, "{value}: not retried");
        assert!(
            project.exists("audio/bob.wav"),
            "{value}: the other episode is written"
        );
    }
}

/// A raw HTTP server answering every request with `head` and then up to
/// `body_bytes` bytes (chunked when `chunked`); counts the body bytes it
/// managed to send before the client hung up.
fn flooding_server(head: &'static str, body_bytes: u64, chunked: bool) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let sent = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&sent);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                let mut request = [0u8; 8192];
                let _ = stream.read(&mut request);
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = vec![0x55u8; 1 << 16];
                let mut total = 0;
                while total < body_bytes {
                    let written = if chunked {
                        let size = format!("{:x}\r\n", chunk.len());
                        stream
                            .write_all(size.as_bytes())
                            .and_then(|_| stream.write_all(&chunk))
                            .and_then(|_| stream.write_all(b"\r\n"))
                    } else {
                        stream.write_all(&chunk)
                    };
                    if written.is_err() {
                        return;
                    }
                    total += chunk.len() as u64;
                    counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                }
                let _ = stream.write_all(b"0\r\n\r\n");
            });
        }
    });
    (url, sent)
}

#[test]
fn an_answer_larger_than_the_text_could_need_is_refused_early() {
    // A declared 2 GiB: refused before the body is read.
    let (url, sent) = flooding_server(
        "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: 2147483648\r\n\r\n",
        4 << 20,
        false,
    );
    let project = two_speakers(&format!("kind = \"openai\"\nurl = \"{url}\"\nretries = 0"));
    let run = build(&project);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the answer declares 2147483648 bytes, more than the"),
        "{}",
        run.stderr
    );
    let _ = sent;

    // 512 MiB streamed without a length: dropped soon after the limit.
    let (url, sent) = flooding_server(
        "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ntransfer-encoding: chunked\r\n\r\n",
        512 << 20,
        true,
    );
    let project = two_speakers(&format!("kind = \"openai\"\nurl = \"{url}\"\nretries = 0"));
    let start = Instant::now();
    let run = build(&project);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the answer passed"), "{}", run.stderr);
    let sent = sent.load(Ordering::SeqCst);
    assert!(
        sent < 128 << 20,
        "{sent} bytes were read ({:?})",
        start.elapsed()
    );
}

/// A 16-bit WAV at `rate` Hz with `channels` channels, a second long.
fn odd_wav(rate: u32, channels: u16) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for i in 0..rate.max(1) * u32::from(channels) {
        writer.write_sample(((i % 50) as i16 - 25) * 800).unwrap();
    }
    writer.finalize().unwrap();
    cursor.into_inner()
}

#[test]
fn formats_no_speech_service_produces_are_refused() {
    for (rate, channels, named) in [
        (400, 1, "a sample rate of 400 Hz"),
        (1_000_000, 1, "a sample rate of 1000000 Hz"),
        (24_000, 16, "16 channels"),
    ] {
        let wav = odd_wav(rate, channels);
        let service = Recorder::start(Duration::ZERO, move |_, _| {
            (200, "audio/wav", wav.clone(), vec![])
        });
        let project = two_speakers(&format!(
            "kind = \"openai\"\nurl = \"{}\"\nretries = 0",
            service.url("")
        ));
        let run = build(&project);
        assert_eq!(run.code, 1, "{named}: {}", run.stderr);
        assert!(
            run.stderr.contains(named) && run.stderr.contains("which no speech service sends"),
            "{named}: {}",
            run.stderr
        );
        assert!(!project.exists("audio/ann.wav"));
    }
}

/// Runs briefcast, killing it if it has not ended within 20 s.
fn run_bounded(project: &Project, args: &[&str]) -> (Option<i32>, String) {
    let mut child = project.spawn(args);
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code(), stderr);
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            child.wait().unwrap();
            return (None, "still running after 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_not_read_as_scripts_or_configuration() {
    let service = Recorder::start(Duration::ZERO, |r, _| wav_answer(&spoken(r)));
    let project = two_speakers(&format!("kind = \"openai\"\nurl = \"{}\"", service.url("")));
    let fifo = project.path("scripts/x.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (code, stderr) = run_bounded(&project, &["plan"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("x.md") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    std::fs::remove_file(&fifo).unwrap();

    for config in ["/dev/zero", "scripts/fifo.toml"] {
        if config.starts_with("scripts/") {
            let made = std::process::Command::new("mkfifo")
                .arg(project.path(config))
                .status()
                .unwrap();
            assert!(made.success());
        }
        let (code, stderr) = run_bounded(&project, &["plan", "-c", config]);
        assert_eq!(code, Some(2), "{config}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{config}: {stderr}");
    }
}

#[test]
fn hidden_files_in_the_scripts_folder_are_not_speeches() {
    let service = Recorder::start(Duration::ZERO, |r, _| wav_answer(&spoken(r)));
    let project = two_speakers(&format!("kind = \"openai\"\nurl = \"{}\"", service.url("")));
    for hidden in [".x.md", ".#01-ann.md", "._01-ann.md"] {
        project.write(&format!("scripts/{hidden}"), "binary junk \u{0}\u{1}");
    }
    let run = project.run(&["plan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_clip_trimmed_to_nothing_fails_its_segment_instead_of_publishing_silence() {
    let service = crate::support::FakeService::start(24_000);
    let project = Project::new();
    // The fake's tone peaks near -12 dBFS: all of it is below -8 dBFS.
    project
        .openai_config(
            &service.url(),
            &[("Ann", "ann")],
            "announce = false\ntrim-threshold-db = -8",
        )
        .write("scripts/01-ann.md", SCRIPT);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("“One sentence her…”")
            && run
                .stderr
                .contains("entirely below the trim threshold (-8 dBFS)"),
        "{}",
        run.stderr
    );
    assert!(!project.exists("audio/ann.wav"));
}

#[test]
fn an_output_damaged_in_place_is_rebuilt_not_reported_unchanged() {
    let service = crate::support::FakeService::start(24_000);
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("Ann", "ann")], "announce = false")
        .write("scripts/01-ann.md", SCRIPT);
    assert_eq!(project.run(&["build"]).code, 0);
    let good = project.read("audio/ann.wav");
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    for byte in &mut damaged[middle..middle + 64] {
        *byte ^= 0xA5;
    }
    std::fs::write(project.path("audio/ann.wav"), &damaged).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("1 episode(s) written, 0 unchanged"),
        "{}",
        run.stderr
    );
    assert_eq!(project.read("audio/ann.wav"), good);
    assert_eq!(service.requests(), 1, "rebuilt from the cache");
}

#[test]
fn nul_bytes_and_paragraphs_of_punctuation_only_are_left_out_with_a_warning() {
    let service = Recorder::start(Duration::ZERO, |r, _| wav_answer(&spoken(r)));
    let project = two_speakers(&format!("kind = \"openai\"\nurl = \"{}\"", service.url("")));
    project.write(
        "scripts/01-ann.md",
        "+++\nspeaker = \"Ann\"\ntitle = \"Ann talks\"\n+++\n\nOne sen\u{0}tence here.\n\n……\n\n—— ！\n",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for warning in [
        "briefcast: warning: ./scripts/01-ann.md:6: 1 control character(s) such as NUL removed",
        "briefcast: warning: ./scripts/01-ann.md:8: a paragraph of punctuation only (“……”) is not read",
        "briefcast: warning: ./scripts/01-ann.md:10: a paragraph of punctuation only (“—— ！”) is not read",
    ] {
        assert!(run.stderr.contains(warning), "{warning}\n{}", run.stderr);
    }
    let sent: Vec<String> = service.requests().iter().map(spoken).collect();
    assert!(sent.contains(&"One sentence here.".to_owned()), "{sent:?}");
    assert!(
        sent.iter()
            .all(|s| s.chars().any(char::is_alphanumeric) && !s.contains('\u{0}')),
        "{sent:?}"
    );
    for file in ["audio/ann.vtt", "audio/ann.srt", "audio/index.html"] {
        assert!(!project.read(file).contains(&0), "{file} holds a NUL");
    }
}

/// Samples in -1..1 as a 16-bit WAV at 24 kHz.
fn wav_of(samples: impl Iterator<Item = f32>) -> Vec<u8> {
    let pcm: Vec<i16> = samples.map(|s| (s * 20_000.0) as i16).collect();
    wav_bytes(&pcm, 24_000)
}

#[test]
fn white_noise_and_square_waves_are_not_accepted_as_speech() {
    let mut x = 1u32;
    let noise = wav_of((0..48_000).map(move |_| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        2.0 * (x as f32 / u32::MAX as f32) - 1.0
    }));
    let square = wav_of((0..48_000).map(|i| if (i / 55) % 2 == 0 { 1.0 } else { -1.0 }));
    for (what, wav) in [
        ("white noise", noise),
        ("a constant-level wave (a square wave", square),
    ] {
        let service = Recorder::start(Duration::ZERO, move |_, _| {
            (200, "audio/wav", wav.clone(), vec![])
        });
        let project = two_speakers(&format!(
            "kind = \"openai\"\nurl = \"{}\"\nretries = 1",
            service.url("")
        ));
        let run = build(&project);
        assert_eq!(run.code, 1, "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("sounds like {what}")),
            "{what}: {}",
            run.stderr
        );
        assert!(!project.exists("audio/ann.wav"), "{what}");
    }
}
