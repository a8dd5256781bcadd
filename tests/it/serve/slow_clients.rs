//! Slow clients cannot hold `briefcast serve`: a client trickling its
//! request body loses its connection at the body deadline, and one that
//! never reads its answer at the write deadline, so the slots of
//! `--max-connections` free again and the next client is answered. Real
//! executable, real espeak-ng, clients on raw sockets.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{hello, serve, speech};

/// How long a client under test waits for an answer before the test says
/// the server is held (far longer than any deadline set below).
const PATIENCE: Duration = Duration::from_secs(60);

/// A request head for `body_len` bytes of JSON body.
fn head(addr: SocketAddr, body_len: usize) -> String {
    format!(
        "POST /v1/audio/speech HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {body_len}\r\n\r\n"
    )
}

/// The status of an HTTP answer's head, if one came.
fn status(answer: &[u8]) -> Option<u16> {
    let head = std::str::from_utf8(answer.get(..12)?).ok()?;
    head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

#[test]
fn clients_trickling_their_bodies_lose_their_slots_at_the_body_deadline() {
    let server = serve(
        &[
            "--addr",
            "127.0.0.1:0",
            "--max-connections",
            "4",
            "--body-timeout-ms",
            "1500",
        ],
        &[],
    );
    let addr = server.addr;
    let body = hello("cmn").to_string().into_bytes();
    // Tricklers that sent their whole body (a byte a second: half a minute).
    let finished = Arc::new(AtomicUsize::new(0));
    let tricklers: Vec<_> = (0..4)
        .map(|_| {
            let (body, finished) = (body.clone(), Arc::clone(&finished));
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(head(addr, body.len()).as_bytes()).unwrap();
            std::thread::spawn(move || {
                let mut reader = stream.try_clone().unwrap();
                reader.set_read_timeout(Some(PATIENCE)).unwrap();
                let answer = std::thread::spawn(move || {
                    let mut answer = Vec::new();
                    let _ = reader.read_to_end(&mut answer);
                    answer
                });
                for byte in &body {
                    std::thread::sleep(Duration::from_secs(1));
                    if answer.is_finished() || stream.write_all(&[*byte]).is_err() {
                        break;
                    }
                }
                if !answer.is_finished() {
                    finished.fetch_add(1, Ordering::SeqCst);
                }
                answer.join().unwrap()
            })
        })
        .collect();

    // A fifth client, while the four hold every slot, is answered once
    // the body deadline frees one: before any trickler is done.
    std::thread::sleep(Duration::from_millis(300));
    let answer = speech(addr, hello("cmn"), &[]);
    assert_eq!(answer.status, 200);
    assert_eq!(finished.load(Ordering::SeqCst), 0, "a trickler was served");

    for trickler in tricklers {
        let answer = trickler.join().unwrap();
        assert_eq!(
            status(&answer),
            Some(408),
            "{:?}",
            String::from_utf8_lossy(&answer)
        );
        let text = String::from_utf8_lossy(&answer);
        assert!(
            text.contains("the request body did not arrive within 1500 ms"),
            "{text}"
        );
        assert!(
            text.to_ascii_lowercase().contains("connection: close"),
            "{text}"
        );
    }
    assert_eq!(finished.load(Ordering::SeqCst), 0);
}

#[test]
fn clients_that_never_read_their_answers_lose_their_slots_at_the_write_deadline() {
    let server = serve(
        &[
            "--addr",
            "127.0.0.1:0",
            "--max-connections",
            "2",
            "--write-timeout-ms",
            "1000",
        ],
        &[],
    );
    let addr = server.addr;
    // About 4,000 characters: minutes of speech, a WAV of about 12 MB,
    // far more than the sockets' buffers hold.
    let text = "This sentence is read again and again by a patient voice. ".repeat(70);
    let body = serde_json::json!({"input": text, "voice": "en-us"}).to_string();
    let hogs: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(head(addr, body.len()).as_bytes()).unwrap();
            stream.write_all(body.as_bytes()).unwrap();
            stream
        })
        .collect();
    // Both slots are taken; a third client is answered once the write
    // deadline has dropped a hog.
    std::thread::sleep(Duration::from_millis(300));
    let mut third = TcpStream::connect(addr).unwrap();
    third
        .write_all(
            format!("GET /nothing-here HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    third.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut answer = Vec::new();
    let read = third.read_to_end(&mut answer);
    assert!(read.is_ok(), "the third client was not answered: {read:?}");
    assert_eq!(status(&answer), Some(404));

    // Each hog, reading at last (well past the deadline of its answer,
    // which was ready when its first bytes came), finds it cut off: the
    // server dropped it rather than keep it.
    for mut hog in hogs {
        hog.set_read_timeout(Some(PATIENCE)).unwrap();
        hog.peek(&mut [0; 1]).expect("the answer starts");
        std::thread::sleep(Duration::from_secs(4));
        let mut answer = Vec::new();
        let read = hog.read_to_end(&mut answer);
        let kept = read.as_ref().is_err_and(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        });
        assert!(!kept, "a hog's connection was kept: {read:?}");
        let at = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("the answer's head was sent");
        let head = String::from_utf8_lossy(&answer[..at]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .expect("a content length")
            .trim()
            .parse()
            .unwrap();
        assert!(
            length > 8 << 20,
            "a {length}-byte answer fits in the buffers"
        );
        assert!(
            answer.len() - at - 4 < length,
            "the whole answer was delivered"
        );
    }
}
