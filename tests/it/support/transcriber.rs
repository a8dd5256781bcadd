#![allow(dead_code)] // each test uses what it needs
//! A fake transcription service (`POST /v1/audio/transcriptions`) for what
//! the real one cannot do on demand: count requests, stall, answer garbage.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

#[derive(Debug, Clone)]
pub enum Answer {
    /// `{"text": …}`.
    Text(String),
    /// No answer for this long.
    Stall(Duration),
    /// An HTML page under HTTP 200.
    Html,
}

#[derive(Clone)]
pub struct FakeTranscriber {
    pub addr: std::net::SocketAddr,
    requests: Arc<AtomicUsize>,
    answer: Arc<Mutex<Answer>>,
}

impl FakeTranscriber {
    pub fn start(answer: Answer) -> FakeTranscriber {
        let requests = Arc::new(AtomicUsize::new(0));
        let answer = Arc::new(Mutex::new(answer));
        let state = (Arc::clone(&requests), Arc::clone(&answer));
        let addr = super::serve_in_background(move |listener| async move {
            let app = Router::new()
                .route("/v1/audio/transcriptions", post(transcribe))
                .with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
        FakeTranscriber {
            addr,
            requests,
            answer,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

type Shared = (Arc<AtomicUsize>, Arc<Mutex<Answer>>);

async fn transcribe(State((requests, answer)): State<Shared>, body: axum::body::Bytes) -> Response {
    requests.fetch_add(1, Ordering::SeqCst);
    assert!(
        body.windows(4).any(|w| w == b"RIFF"),
        "the request carries a WAV file"
    );
    let answer = answer.lock().unwrap().clone();
    match answer {
        Answer::Text(text) => axum::Json(serde_json::json!({ "text": text })).into_response(),
        Answer::Stall(wait) => {
            tokio::time::sleep(wait).await;
            axum::Json(serde_json::json!({ "text": "late" })).into_response()
        }
        Answer::Html => (
            [("content-type", "text/html")],
            "<html><body>It works!</body></html>",
        )
            .into_response(),
    }
}
