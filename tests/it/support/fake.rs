//! An OpenAI-compatible fake TTS service in the test process.
//!
//! It answers each text with a deterministic tone whose length follows the
//! text, counts requests, and can be told to fail: a queue of scripted
//! replies is consumed first, then texts containing a marker always fail.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

/// A scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The normal tone for the text.
    Clip,
    /// An HTTP error with a JSON body, optionally with `Retry-After` seconds.
    Status(u16, Option<u32>),
    /// HTML under HTTP 200.
    Html,
    /// A valid WAV that is all silence.
    Silent,
    /// A WAV whose data stops half way through its declared size.
    Truncated,
    /// The normal tone with 700 ms of silence before and after it.
    Padded,
    /// Short full-scale bursts in silence: peaks far above its loudness, so
    /// raising it to a loud target would clip.
    Peaky,
    /// No answer for this long (past the client's timeout).
    Stall(Duration),
    /// These bytes under HTTP 200 with this content type.
    Bytes(&'static str, Vec<u8>),
    /// The samples the speaker given to [`FakeService::speak_with`] makes
    /// for the text (real speech, whose word times the test knows).
    Speech,
}

/// Makes a clip's samples for a text, at the service's rate.
pub type Speaker = Arc<dyn Fn(&str) -> Vec<i16> + Send + Sync>;

#[derive(Default)]
struct Inner {
    texts: Vec<String>,
    /// Texts answered with audio: what a paid service charges for.
    answered: Vec<String>,
    script: VecDeque<Reply>,
    fail_marker: Option<String>,
    delay: Option<Duration>,
    default_reply: Option<Reply>,
    speaker: Option<Speaker>,
}

#[derive(Clone)]
pub struct FakeService {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

impl FakeService {
    /// Start on 127.0.0.1 with an ephemeral port; clips at `rate` Hz.
    pub fn start(rate: u32) -> FakeService {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let state = (Arc::clone(&inner), rate);
        let addr = super::serve_in_background(move |listener| async move {
            let app = Router::new()
                .route("/v1/audio/speech", post(speech))
                .with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
        FakeService { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Texts received so far, in arrival order.
    pub fn texts(&self) -> Vec<String> {
        self.inner.lock().unwrap().texts.clone()
    }

    /// Texts answered with audio so far, in answer order: a request whose
    /// client was gone before its answer never gets here.
    pub fn answered(&self) -> Vec<String> {
        self.inner.lock().unwrap().answered.clone()
    }

    pub fn requests(&self) -> usize {
        self.inner.lock().unwrap().texts.len()
    }

    /// Replies for the next requests, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.lock().unwrap().script.extend(replies);
    }

    /// What every unscripted request gets (None: the normal tone).
    pub fn default_reply(&self, reply: Option<Reply>) {
        self.inner.lock().unwrap().default_reply = reply;
    }

    /// Answer every unscripted request with what `speaker` says for its
    /// text.
    pub fn speak_with(&self, speaker: Speaker) {
        let mut inner = self.inner.lock().unwrap();
        inner.speaker = Some(speaker);
        inner.default_reply = Some(Reply::Speech);
    }

    /// Every answer waits this long first (None: answer at once).
    pub fn delay_each(&self, delay: Option<Duration>) {
        self.inner.lock().unwrap().delay = delay;
    }

    /// Every text containing `marker` gets HTTP 500, however often it is asked.
    pub fn always_fail(&self, marker: Option<&str>) {
        self.inner.lock().unwrap().fail_marker = marker.map(str::to_owned);
    }
}

/// Samples for a text: 0.2 s plus 20 ms per character, a tone whose pitch
/// depends on the text, so every clip is distinct and its length known.
pub fn tone(text: &str, rate: u32) -> Vec<i16> {
    let chars = text.chars().count() as u32;
    let len = (rate / 5 + rate / 50 * chars) as usize;
    let hash = text
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    let hz = 200.0 + (hash % 400) as f32;
    (0..len)
        .map(|i| ((2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 8000.0) as i16)
        .collect()
}

pub fn wav_bytes(samples: &[i16], rate: u32) -> Vec<u8> {
    let mut cursor = std::io::Cursor::new(Vec::new());
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::new(&mut cursor, spec).unwrap();
    for s in samples {
        writer.write_sample(*s).unwrap();
    }
    writer.finalize().unwrap();
    cursor.into_inner()
}

type AppState = (Arc<Mutex<Inner>>, u32);

async fn speech(
    State((inner, rate)): State<AppState>,
    Json(body): Json<serde_json::Value>,
) -> Response {
    let text = body["input"].as_str().unwrap_or_default().to_owned();
    let (reply, delay, speaker) = {
        let mut inner = inner.lock().unwrap();
        inner.texts.push(text.clone());
        let scripted = inner.script.pop_front();
        let reply = match (&inner.fail_marker, scripted) {
            (_, Some(reply)) => reply,
            (Some(marker), None) if text.contains(marker.as_str()) => Reply::Status(500, None),
            _ => inner.default_reply.clone().unwrap_or(Reply::Clip),
        };
        (reply, inner.delay, inner.speaker.clone())
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let wav = |samples: &[i16]| {
        inner.lock().unwrap().answered.push(text.clone());
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "audio/wav".parse().unwrap());
        (headers, wav_bytes(samples, rate)).into_response()
    };
    match reply {
        Reply::Clip => wav(&tone(&text, rate)),
        Reply::Speech => {
            let speaker = speaker.expect("Reply::Speech needs FakeService::speak_with");
            let text = text.clone();
            let samples = tokio::task::spawn_blocking(move || speaker(&text))
                .await
                .unwrap();
            wav(&samples)
        }
        Reply::Silent => wav(&vec![0; rate as usize]),
        Reply::Padded => {
            let pad = vec![0i16; rate as usize * 7 / 10];
            wav(&[pad.clone(), tone(&text, rate), pad].concat())
        }
        Reply::Peaky => {
            let burst = rate as usize / 200; // 5 ms of 1 kHz every 250 ms
            let bursts: Vec<i16> = (0..rate as usize)
                .map(|i| {
                    let t = i % (rate as usize / 4);
                    if t < burst {
                        ((2.0 * std::f32::consts::PI * 1000.0 * t as f32 / rate as f32).sin()
                            * 32767.0) as i16
                    } else {
                        0
                    }
                })
                .collect();
            wav(&bursts)
        }
        Reply::Truncated => {
            let mut bytes = wav_bytes(&tone(&text, rate), rate);
            bytes.truncate(bytes.len() / 2);
            ([("content-type", "audio/wav")], bytes).into_response()
        }
        Reply::Html => (
            [("content-type", "text/html")],
            "<html><body>Service maintenance</body></html>",
        )
            .into_response(),
        Reply::Status(code, retry_after) => {
            let status = StatusCode::from_u16(code).unwrap();
            let body = serde_json::json!({"error": {"message": format!("fake failure {code}")}});
            let mut response = (status, Json(body)).into_response();
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert("retry-after", seconds.to_string().parse().unwrap());
            }
            response
        }
        Reply::Bytes(content_type, bytes) => {
            ([("content-type", content_type)], bytes).into_response()
        }
        Reply::Stall(duration) => {
            tokio::time::sleep(duration).await;
            wav(&tone(&text, rate))
        }
    }
}
