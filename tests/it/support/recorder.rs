//! A service that records every request exactly (method, path and query,
//! headers, body) and answers with whatever the test says, optionally
//! after a delay, counting requests in flight.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
}

/// (status, content type, body, extra headers) for a request.
pub type Answer = (u16, &'static str, Vec<u8>, Vec<(&'static str, String)>);
type Responder = Arc<dyn Fn(&Recorded, usize) -> Answer + Send + Sync>;

struct Inner {
    requests: Mutex<Vec<Recorded>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    delay: Duration,
    respond: Responder,
}

#[derive(Clone)]
pub struct Recorder {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
}

impl Recorder {
    /// `respond` gets each request and its 0-based number.
    pub fn start(
        delay: Duration,
        respond: impl Fn(&Recorded, usize) -> Answer + Send + Sync + 'static,
    ) -> Recorder {
        let inner = Arc::new(Inner {
            requests: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            delay,
            respond: Arc::new(respond),
        });
        let state = Arc::clone(&inner);
        let addr = super::serve_in_background(move |listener| async move {
            let app = Router::new().fallback(handle).with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
        Recorder { addr, inner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.requests.lock().unwrap().clone()
    }

    pub fn max_in_flight(&self) -> usize {
        self.inner.max_in_flight.load(Ordering::SeqCst)
    }
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    inner.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let recorded = Recorded {
        method: method.to_string(),
        uri: uri.to_string(),
        headers,
        body: body.to_vec(),
        at: Instant::now(),
    };
    let number = {
        let mut requests = inner.requests.lock().unwrap();
        requests.push(recorded.clone());
        requests.len() - 1
    };
    tokio::time::sleep(inner.delay).await;
    let (status, content_type, body, extra) = (inner.respond)(&recorded, number);
    inner.in_flight.fetch_sub(1, Ordering::SeqCst);
    let mut response = (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", content_type)],
        body,
    )
        .into_response();
    for (name, value) in extra {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}
