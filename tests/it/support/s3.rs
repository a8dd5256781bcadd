#![allow(dead_code)] // each shared-cache test uses what it needs
//! A real S3-compatible server: moto's standalone server (`moto[server]`,
//! as `dev/setup.d/30-moto.sh` installed it) on 127.0.0.1 with an
//! ephemeral port, one bucket, killed on drop. Objects are read and
//! written with plain HTTP, so a test can see what briefcast stored and
//! plant what another machine would have. moto checks no signatures but
//! does check who asks: each request names briefcast's access key, so the
//! objects briefcast stored (private to that key) can be read.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::dev::installed;
use super::free_port;

pub const BUCKET: &str = "clips-bucket";
/// An unsigned SigV4 header naming the key of [`S3::env`].
const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=test-access-key/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
const START_LIMIT: Duration = Duration::from_secs(60);
const LIFETIME: Duration = Duration::from_secs(1800);

pub struct S3 {
    pub addr: SocketAddr,
    child: Child,
}

impl S3 {
    /// Starts moto and creates [`BUCKET`].
    pub fn start() -> S3 {
        let python = installed("moto/venv/bin/python");
        let port = free_port();
        let child = Command::new("timeout")
            .arg(LIFETIME.as_secs().to_string())
            .arg(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let mut s3 = S3 {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            child,
        };
        let started = Instant::now();
        loop {
            if let Some((status, _)) = s3.http("PUT", &format!("/{BUCKET}"), b"") {
                assert_eq!(status, 200, "creating the bucket");
                break;
            }
            if let Ok(Some(status)) = s3.child.try_wait() {
                panic!("moto_server exited at start: {status}");
            }
            assert!(started.elapsed() < START_LIMIT, "moto_server did not start");
            std::thread::sleep(Duration::from_millis(200));
        }
        s3
    }

    /// What briefcast needs to reach it: the standard AWS variables.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "test-access-key".into()),
            ("AWS_SECRET_ACCESS_KEY", "test-secret-key".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT", format!("http://{}", self.addr)),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    /// The keys below `prefix` (an S3 ListObjectsV2, first 1000).
    pub fn keys(&self, prefix: &str) -> Vec<String> {
        let (status, body) = self
            .http(
                "GET",
                &format!("/{BUCKET}?list-type=2&prefix={prefix}"),
                b"",
            )
            .expect("moto answers");
        assert_eq!(status, 200);
        let text = String::from_utf8_lossy(&body);
        text.split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</Key>").map(|(key, _)| key.to_owned()))
            .collect()
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let (status, body) = self.http("GET", &format!("/{BUCKET}/{key}"), b"")?;
        (status == 200).then_some(body)
    }

    pub fn put(&self, key: &str, body: &[u8]) {
        let (status, _) = self
            .http("PUT", &format!("/{BUCKET}/{key}"), body)
            .expect("moto answers");
        assert_eq!(status, 200, "PUT {key}");
    }

    /// One HTTP/1.1 request; `None` when nothing listens yet.
    fn http(&self, method: &str, target: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
        let mut stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nAuthorization: {AUTHORIZATION}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).ok()?;
        stream.write_all(body).ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).ok()?;
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&answer[..split]).into_owned();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let mut body = answer[split + 4..].to_vec();
        if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body = dechunk(&body);
        }
        Some((status, body))
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
    out
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
