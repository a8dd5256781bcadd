#![allow(dead_code)] // each test uses what it needs
//! The real transcription server: faster-whisper-server 0.0.3 with Whisper
//! base, as `dev/setup.d/20-whisper.sh` installed them, started on
//! 127.0.0.1 with an ephemeral port for one test and killed on drop.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::dev::installed;
use super::free_port;

/// How long the server may take to answer its health check.
const START_LIMIT: Duration = Duration::from_secs(120);
/// The server is killed after this long whatever the test does.
const LIFETIME: Duration = Duration::from_secs(2400);

pub struct Whisper {
    pub addr: SocketAddr,
    child: Child,
    _config: tempfile::TempDir,
}

impl Whisper {
    /// Starts the server and waits until `/health` answers.
    pub fn start() -> Whisper {
        let python = installed("whisper/venv/bin/python");
        let model = installed("whisper/base/model.bin");
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("whisper.yaml");
        std::fs::write(
            &config,
            format!(
                "models:\n  - name: whisper-1\n    path: {}\n    model_options: {{ device: cpu, compute_type: int8, cpu_threads: 2 }}\n",
                model.parent().unwrap().display()
            ),
        )
        .unwrap();
        let port = free_port();
        // `timeout` bounds the server's life even if this process dies.
        let child = Command::new("timeout")
            .arg(LIFETIME.as_secs().to_string())
            .arg(&python)
            .args(["-m", "faster_whisper_server", "--config"])
            .arg(&config)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .env("HF_HUB_OFFLINE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("faster-whisper-server starts");
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let mut whisper = Whisper {
            addr,
            child,
            _config: dir,
        };
        let started = Instant::now();
        while !whisper.healthy() {
            if let Ok(Some(status)) = whisper.child.try_wait() {
                panic!("faster-whisper-server exited at start: {status}");
            }
            assert!(
                started.elapsed() < START_LIMIT,
                "faster-whisper-server did not answer on {addr} within {START_LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        whisper
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn healthy(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let request = format!(
            "GET /health HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        if stream.write_all(request.as_bytes()).is_err() {
            return false;
        }
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.1 200")
    }
}

impl Drop for Whisper {
    fn drop(&mut self) {
        // SIGTERM to `timeout`, which passes it on to the server; SIGKILL
        // would stop `timeout` alone and leave the server running.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
