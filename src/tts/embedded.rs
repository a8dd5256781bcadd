//! The embedded service: an OpenAI-compatible `/v1/audio/speech` endpoint
//! backed by the espeak-ng program.
//!
//! Text reaches espeak-ng on stdin, never on its command line; the voice is
//! checked to be a plain name before it becomes an argument. A fixed number
//! of espeak-ng processes run at once and each is killed if it overruns.
//! `build` starts this server on 127.0.0.1 with an ephemeral port and talks
//! to it over HTTP like any other service; `briefcast serve` runs it alone.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use super::TtsError;

/// Request bodies larger than this are refused (413).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest `input` accepted, in characters (longer: 413).
pub const TEXT_LIMIT: usize = 4096;
/// espeak-ng's speaking rate at speed 1.0, in words per minute.
const BASE_WPM: f32 = 175.0;
const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);

/// The espeak-ng version line, or the error telling the user how to get it.
pub async fn espeak_version() -> Result<String, TtsError> {
    let output = Command::new("espeak-ng")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|_| TtsError::EspeakMissing)?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.split("Data at").next().unwrap_or("").trim().to_owned();
    if !output.status.success() || version.is_empty() {
        return Err(TtsError::EspeakMissing);
    }
    Ok(version)
}

/// A running server; dropping it stops the server.
pub struct EmbeddedServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for EmbeddedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct AppState {
    processes: Arc<Semaphore>,
}

/// Bind `addr` and serve in a background task.
pub async fn start(addr: SocketAddr) -> Result<EmbeddedServer, TtsError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| TtsError::Bind {
            addr: addr.to_string(),
            message: e.to_string(),
        })?;
    let addr = listener.local_addr().map_err(|e| TtsError::Bind {
        addr: addr.to_string(),
        message: e.to_string(),
    })?;
    let app = router();
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("embedded service stopped: {e}");
        }
    });
    Ok(EmbeddedServer { addr, task })
}

/// The HTTP routes, with one espeak-ng process per core at most.
pub fn router() -> Router {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let state = AppState {
        processes: Arc::new(Semaphore::new(cores)),
    };
    Router::new()
        .route("/v1/audio/speech", post(speech))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

#[derive(Debug, Deserialize)]
struct SpeechRequest {
    input: String,
    voice: String,
    #[serde(default)]
    speed: Option<f32>,
    #[serde(default)]
    response_format: Option<String>,
    #[serde(default, rename = "model")]
    _model: Option<String>,
}

async fn speech(State(state): State<AppState>, Json(request): Json<SpeechRequest>) -> Response {
    if let Some(format) = request.response_format.as_deref() {
        if format != "wav" {
            return error(
                StatusCode::BAD_REQUEST,
                format!("response_format \"{format}\" is not supported; use \"wav\""),
            );
        }
    }
    if request.input.trim().is_empty() {
        return error(StatusCode::BAD_REQUEST, "input is empty".into());
    }
    if request.input.chars().count() > TEXT_LIMIT {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("input is longer than {TEXT_LIMIT} characters"),
        );
    }
    if !is_plain_voice_name(&request.voice) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("voice \"{}\" is not an espeak-ng voice name", request.voice),
        );
    }
    let speed = request.speed.unwrap_or(1.0);
    if !(0.25..=4.0).contains(&speed) {
        return error(
            StatusCode::BAD_REQUEST,
            "speed must be between 0.25 and 4".into(),
        );
    }
    let Ok(_permit) = state.processes.acquire().await else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "shutting down".into());
    };
    match run_espeak(&request.input, &request.voice, speed).await {
        Ok(wav) => ([(header::CONTENT_TYPE, "audio/wav")], wav).into_response(),
        Err(message) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// Letters, digits and `_ + -`, not starting with `-`: no option injection.
fn is_plain_voice_name(voice: &str) -> bool {
    !voice.is_empty()
        && voice.len() <= 64
        && !voice.starts_with('-')
        && voice
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
}

fn error(status: StatusCode, message: String) -> Response {
    let kind = if status.is_server_error() {
        "server_error"
    } else {
        "invalid_request_error"
    };
    let body = serde_json::json!({ "error": { "message": message, "type": kind, "code": status.as_u16() } });
    (status, Json(body)).into_response()
}

async fn run_espeak(text: &str, voice: &str, speed: f32) -> Result<Vec<u8>, String> {
    let wpm = (BASE_WPM * speed).round().clamp(80.0, 500.0) as u32;
    let mut child = Command::new("espeak-ng")
        .args(["-b", "1", "-v", voice, "-s", &wpm.to_string(), "--stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start espeak-ng: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("espeak-ng has no stdin")?;
    stdin
        .write_all(text.as_bytes())
        .await
        .map_err(|e| format!("writing to espeak-ng: {e}"))?;
    drop(stdin);
    let output = tokio::time::timeout(PROCESS_TIMEOUT, child.wait_with_output())
        .await
        .map_err(|_| format!("espeak-ng took longer than {PROCESS_TIMEOUT:?}"))?
        .map_err(|e| format!("espeak-ng failed: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "espeak-ng failed ({}): {}",
            output.status,
            stderr.lines().next().unwrap_or("").trim()
        ));
    }
    let mut wav = output.stdout;
    patch_stream_sizes(&mut wav);
    Ok(wav)
}

/// espeak-ng writes placeholder RIFF/data sizes when writing to a pipe; set
/// the real ones so every WAV reader accepts the answer.
fn patch_stream_sizes(wav: &mut [u8]) {
    if wav.len() < 12 || &wav[..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return;
    }
    let riff_size = (wav.len() - 8) as u32;
    wav[4..8].copy_from_slice(&riff_size.to_le_bytes());
    let mut at = 12;
    while at + 8 <= wav.len() {
        let size =
            u32::from_le_bytes([wav[at + 4], wav[at + 5], wav[at + 6], wav[at + 7]]) as usize;
        if &wav[at..at + 4] == b"data" {
            let data_size = (wav.len() - at - 8) as u32;
            wav[at + 4..at + 8].copy_from_slice(&data_size.to_le_bytes());
            return;
        }
        at += 8 + size + (size & 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voice_names_that_could_be_options_are_refused() {
        for good in ["cmn", "cmn+f3", "en-us", "zh_yue", "cmn-latn-pinyin"] {
            assert!(is_plain_voice_name(good), "{good}");
        }
        for bad in ["", "--path=/tmp", "-v", "cmn f3", "../x", "cmn;rm", "a\nb"] {
            assert!(!is_plain_voice_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn stream_sizes_are_patched() {
        let mut wav = Vec::new();
        wav.extend_from_slice(b"RIFF\xf0\xff\xff\x7fWAVEfmt \x10\0\0\0");
        wav.extend_from_slice(&[1, 0, 1, 0, 0x22, 0x56, 0, 0, 0x44, 0xac, 0, 0, 2, 0, 16, 0]);
        wav.extend_from_slice(b"data\xf0\xff\xff\x7f");
        wav.extend_from_slice(&[1, 0, 2, 0, 3, 0]);
        patch_stream_sizes(&mut wav);
        assert_eq!(
            u32::from_le_bytes(wav[4..8].try_into().unwrap()),
            wav.len() as u32 - 8
        );
        assert_eq!(u32::from_le_bytes(wav[40..44].try_into().unwrap()), 6);
    }
}
