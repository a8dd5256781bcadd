//! `briefcast serve` hardening: loopback by default (a warning otherwise),
//! an optional bearer token, body and text limits, voices checked against
//! espeak-ng's own list (no option injection), a cap on syntheses with a
//! queue and a time limit that stops the synthesis, and every error as
//! JSON in OpenAI's shape. Runs the real executable and the real espeak-ng.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};

struct Server {
    child: Child,
    addr: SocketAddr,
    /// stderr lines printed before the "listening" line.
    before: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str], env: &[(&str, &str)]) -> Server {
    let mut child = crate::support::briefcast()
        .arg("serve")
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut before = Vec::new();
    loop {
        let Some(Ok(line)) = lines.next() else {
            let _ = child.kill();
            let status = child.wait().unwrap();
            panic!("serve stopped early ({status}): {before:?}");
        };
        if let Some(rest) = line.split(" on http://").nth(1) {
            let addr = rest.split('/').next().unwrap().parse().unwrap();
            // keep draining stderr so the server never blocks on it
            std::thread::spawn(move || lines.for_each(drop));
            return Server {
                child,
                addr,
                before,
            };
        }
        before.push(line);
    }
}

struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    /// The OpenAI error shape: `{"error": {"message", "type", "code"}}`.
    fn error(&self) -> (String, String) {
        assert_eq!(self.content_type, "application/json", "{}", self.status);
        let json: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        assert_eq!(json["error"]["code"], self.status, "{json}");
        (
            json["error"]["message"].as_str().unwrap().to_owned(),
            json["error"]["type"].as_str().unwrap().to_owned(),
        )
    }
}

fn send(addr: SocketAddr, method: &str, path: &str, headers: &[&str], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    let _ = stream.write_all(&request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let at = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&response[..at]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    Answer {
        status,
        content_type,
        body: response[at + 4..].to_vec(),
    }
}

fn speech(addr: SocketAddr, json: serde_json::Value, headers: &[&str]) -> Answer {
    let mut all = vec!["content-type: application/json"];
    all.extend_from_slice(headers);
    send(
        addr,
        "POST",
        "/v1/audio/speech",
        &all,
        json.to_string().as_bytes(),
    )
}

fn hello(voice: &str) -> serde_json::Value {
    serde_json::json!({"model": "espeak", "input": "你好。", "voice": voice})
}

#[test]
fn binds_loopback_unless_told_and_warns_for_other_addresses() {
    let help = crate::support::briefcast()
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("[default: 127.0.0.1:5500]"));

    let local = serve(&["--addr", "127.0.0.1:0"], &[]);
    assert!(local.addr.ip().is_loopback());
    assert!(local.before.is_empty(), "{:?}", local.before);
    let answer = speech(local.addr, hello("cmn"), &[]);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "audio/wav");
    assert!(briefcast::audio::decode::decode_wav(&answer.body).is_ok());

    let open = serve(&["--addr", "0.0.0.0:0"], &[]);
    assert_eq!(
        open.before,
        ["briefcast serve: warning: 0.0.0.0 is not a loopback address, so other machines can reach the service; anyone who can reach it may use it; set --token-env to require a token"]
    );
}

#[test]
fn without_a_voice_the_text_s_language_decides() {
    let server = serve(&["--addr", "127.0.0.1:0"], &[]);
    let mut durations = Vec::new();
    for input in ["你好。", "Hello."] {
        let answer = speech(server.addr, serde_json::json!({"input": input}), &[]);
        assert_eq!(answer.status, 200, "{input}");
        let clip = briefcast::audio::decode::decode_wav(&answer.body).unwrap();
        durations.push(clip.samples.len());
    }
    // cmn reads 你好 as two syllables; en-us would spell out its code points.
    let named = speech(server.addr, hello("cmn"), &[]);
    let clip = briefcast::audio::decode::decode_wav(&named.body).unwrap();
    assert_eq!(clip.samples.len(), durations[0]);
}

#[test]
fn a_token_is_required_when_configured() {
    let token = "s3cret-token-for-serve";
    let server = serve(
        &["--addr", "127.0.0.1:0", "--token-env", "SERVE_TEST_TOKEN"],
        &[("SERVE_TEST_TOKEN", token)],
    );
    for headers in [
        vec![],
        vec!["authorization: Bearer wrong"],
        vec!["authorization: Bearer s3cret-token-for-serv"],
        vec!["authorization: s3cret-token-for-serve"],
    ] {
        let answer = speech(server.addr, hello("cmn"), &headers);
        assert_eq!(answer.status, 401, "{headers:?}");
        assert_eq!(
            answer.error(),
            (
                "missing or wrong bearer token".into(),
                "invalid_request_error".into()
            )
        );
    }
    let bearer = format!("authorization: Bearer {token}");
    let answer = speech(server.addr, hello("cmn"), &[&bearer]);
    assert_eq!(answer.status, 200);

    let missing = crate::support::briefcast()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token-env",
            "SERVE_TEST_UNSET",
        ])
        .env_remove("SERVE_TEST_UNSET")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "briefcast: --token-env SERVE_TEST_UNSET: the environment variable SERVE_TEST_UNSET is not set or empty\n"
    );
}

#[test]
fn bodies_and_texts_beyond_the_limits_are_refused() {
    let server = serve(&["--addr", "127.0.0.1:0"], &[]);
    let long = "字".repeat(4097);
    let answer = speech(
        server.addr,
        serde_json::json!({"input": long, "voice": "cmn"}),
        &[],
    );
    assert_eq!(answer.status, 422);
    assert_eq!(
        answer.error(),
        (
            "input is longer than 4096 characters".into(),
            "invalid_request_error".into()
        )
    );
    let big = "a".repeat(70 * 1024);
    let answer = speech(
        server.addr,
        serde_json::json!({"input": big, "voice": "cmn"}),
        &[],
    );
    assert_eq!(answer.status, 413);
    assert_eq!(answer.error().0, "request body is larger than 65536 bytes");

    let small = serve(&["--addr", "127.0.0.1:0", "--text-limit", "10"], &[]);
    let answer = speech(
        small.addr,
        serde_json::json!({"input": "一二三四五六七八九十一", "voice": "cmn"}),
        &[],
    );
    assert_eq!(answer.status, 422);
    assert_eq!(answer.error().0, "input is longer than 10 characters");
    let answer = speech(
        small.addr,
        serde_json::json!({"input": "一二三四五六七八九十", "voice": "cmn"}),
        &[],
    );
    assert_eq!(answer.status, 200);
}

#[test]
fn voices_must_be_in_espeak_ngs_list() {
    let server = serve(&["--addr", "127.0.0.1:0"], &[]);
    for voice in [
        "--path=/tmp",
        "-w/tmp/x.wav",
        "cmn --path=/tmp",
        "../cmn",
        "klingon",
        "cmn+nobody",
    ] {
        let answer = speech(server.addr, hello(voice), &[]);
        assert_eq!(answer.status, 400, "{voice}");
        assert_eq!(
            answer.error(),
            (
                format!("voice \"{voice}\" is not an espeak-ng voice (see espeak-ng --voices)"),
                "invalid_request_error".into()
            )
        );
    }
    for voice in ["cmn", "cmn+f3", "en-us", "zh"] {
        assert_eq!(
            speech(server.addr, hello(voice), &[]).status,
            200,
            "{voice}"
        );
    }
}

#[test]
fn every_error_is_json_in_the_openai_shape() {
    let server = serve(&["--addr", "127.0.0.1:0"], &[]);
    let json = ["content-type: application/json"];
    type HttpCase<'a> = (&'a str, &'a str, &'a [&'a str], &'a [u8], u16);
    let cases: [HttpCase; 6] = [
        ("POST", "/v1/audio/speech", &json, b"{not json", 400),
        (
            "POST",
            "/v1/audio/speech",
            &json,
            br#"{"voice":"cmn"}"#,
            422,
        ),
        (
            "POST",
            "/v1/audio/speech",
            &[],
            br#"{"input":"x","voice":"cmn"}"#,
            415,
        ),
        ("GET", "/v1/audio/speech", &[], b"", 405),
        ("POST", "/v1/other", &json, b"{}", 404),
        (
            "POST",
            "/v1/audio/speech",
            &json,
            br#"{"input":"  ","voice":"cmn"}"#,
            400,
        ),
    ];
    for (method, path, headers, body, status) in cases {
        let answer = send(server.addr, method, path, headers, body);
        assert_eq!(
            answer.status,
            status,
            "{method} {path} {:?}",
            String::from_utf8_lossy(body)
        );
        let (message, kind) = answer.error();
        assert!(!message.is_empty());
        assert_eq!(kind, "invalid_request_error");
    }
    let answer = speech(
        server.addr,
        serde_json::json!({"input": "x", "voice": "cmn", "speed": 9}),
        &[],
    );
    assert_eq!(answer.error().0, "speed must be between 0.25 and 4");
}

/// CPU time `pid` has used, in clock ticks (user + system).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let (_, rest) = stat.rsplit_once(") ").unwrap();
    let fields: Vec<&str> = rest.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn syntheses_are_capped_queued_and_stopped_past_their_time() {
    // One process at a time: concurrent requests queue, none is refused.
    let server = serve(&["--addr", "127.0.0.1:0", "--processes", "1"], &[]);
    let addr = server.addr;
    let threads: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let text = format!("第{i}个请求。");
                speech(
                    addr,
                    serde_json::json!({"input": text, "voice": "cmn"}),
                    &[],
                )
                .status
            })
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap(), 200);
    }

    let strict = serve(
        &[
            "--addr",
            "127.0.0.1:0",
            "--timeout-ms",
            "1",
            "--text-limit",
            "60000",
        ],
        &[],
    );
    // Many seconds of work for espeak-ng, were it not stopped.
    let long = "Hello world, this is a long text. ".repeat(1500);
    let answer = speech(
        strict.addr,
        serde_json::json!({"input": long, "voice": "en-us", "speed": 0.25}),
        &[],
    );
    assert_eq!(answer.status, 504);
    assert_eq!(
        answer.error(),
        (
            "espeak-ng took longer than 1 ms and was stopped".into(),
            "server_error".into()
        )
    );
    // Stopped: the server's CPU time stands still (a synthesis running on
    // would use a core, about 100 ticks a second).
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = cpu_ticks(strict.child.id());
    std::thread::sleep(std::time::Duration::from_secs(1));
    let used = cpu_ticks(strict.child.id()) - before;
    assert!(
        used < 30,
        "the server used {used} ticks after the 504: still speaking"
    );
}

#[test]
fn idle_half_sent_requests_are_dropped_and_cannot_hold_the_server() {
    let server = serve(
        &[
            "--addr",
            "127.0.0.1:0",
            "--max-connections",
            "8",
            "--header-timeout-ms",
            "500",
        ],
        &[],
    );
    // Five times the cap, each stopping in the middle of its headers.
    let idle: Vec<TcpStream> = (0..40)
        .map(|_| {
            let mut stream = TcpStream::connect(server.addr).unwrap();
            stream
                .write_all(b"POST /v1/audio/speech HTTP/1.1\r\nhost: x\r\n")
                .unwrap();
            stream
        })
        .collect();
    let answer = send(server.addr, "GET", "/nothing-here", &[], b"");
    assert_eq!(answer.status, 404);
    for mut stream in idle {
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut rest = Vec::new();
        // The server hangs up (after at most a 408): the read ends, not times out.
        let ended = stream.read_to_end(&mut rest);
        let kept = ended.as_ref().is_err_and(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        });
        assert!(!kept, "an idle connection was kept: {ended:?}");
    }
}

mod neural;
mod slow_clients;
mod words;
