//! The embedded service: an OpenAI-compatible `/v1/audio/speech` endpoint
//! in front of the speech engines briefcast carries itself.
//!
//! A voice name says its engine (`espeak:cmn-latn-pinyin`; a name without
//! a prefix is an espeak-ng voice). Each engine checks its voice names
//! before any work starts. A fixed number of syntheses run at once (later
//! requests queue) and each is stopped if it overruns. An optional bearer
//! token is compared in constant time. Every error is JSON in OpenAI's
//! shape: `{"error": {"message", "type", "code"}}`. `build` starts this
//! server on 127.0.0.1 with an ephemeral port and talks to it over HTTP like
//! any other service; `briefcast serve` runs it alone.

mod clip;
mod engine;
mod espeak;
mod espeak_lib;
mod ipa;
mod kokoro;
mod kokoro_words;
mod onnx;
mod pinyin;
mod piper;
mod piper_words;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

pub use engine::{Engine, Failure};
pub use espeak::{espeak_version, mandarin_voice, probe_mandarin, Espeak, VoiceList, PINYIN_VOICE};
pub use espeak_lib::{speak_words, EspeakError, Spoken};
pub use kokoro::{phonemes as kokoro_phonemes, Kokoro};
pub use piper::Piper;

use super::voices::{self, Catalogue};
use super::TtsError;

/// Request bodies larger than this are refused (413).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest `input` accepted by default, in characters (longer: 422).
pub const TEXT_LIMIT: usize = 4096;
/// How long one synthesis may run by default before it is stopped: a
/// neural voice reading the longest input on two busy cores needs minutes.
pub const PROCESS_TIMEOUT: Duration = Duration::from_secs(600);

/// How the server guards itself; [`ServeOptions::default`] is what `build` uses.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Requests must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Longest `input`, in characters.
    pub text_limit: usize,
    /// Syntheses at once; later requests wait their turn.
    pub processes: usize,
    /// One synthesis's time limit; it is stopped past it.
    pub process_timeout: Duration,
    /// Where the neural voices are: the catalogue, the data directory
    /// they are installed in, and a configured ONNX Runtime library.
    pub neural: NeuralOptions,
    /// Turns hanzi into the pinyin the Kokoro voices read.
    pub converter: Option<TextConverter>,
    /// Connections served at once, and the time a client has to send its
    /// request and to read the answer.
    pub connections: super::listen::ConnectionLimits,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            token: None,
            text_limit: TEXT_LIMIT,
            processes: std::thread::available_parallelism().map_or(2, |n| n.get()),
            process_timeout: PROCESS_TIMEOUT,
            neural: NeuralOptions::default(),
            converter: None,
            connections: Default::default(),
        }
    }
}

/// Where the neural engines find their files.
#[derive(Debug, Clone)]
pub struct NeuralOptions {
    pub catalogue: Catalogue,
    pub data_dir: PathBuf,
    /// Tried before `ORT_DYLIB_PATH` and the installed copy.
    pub runtime: Option<PathBuf>,
}

impl Default for NeuralOptions {
    fn default() -> Self {
        NeuralOptions {
            catalogue: Catalogue::built_in(),
            data_dir: voices::data_dir(),
            runtime: None,
        }
    }
}

/// A text converter the server's caller injects (hanzi → pinyin).
#[derive(Clone)]
pub struct TextConverter(pub Arc<dyn Fn(&str) -> String + Send + Sync>);

impl std::fmt::Debug for TextConverter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TextConverter")
    }
}

/// A neural engine's voices and whether each can run here: its installed
/// folders and the runtime library, or the line saying what is missing.
#[derive(Debug, Clone)]
pub struct Available {
    engine: &'static str,
    runtime: Result<PathBuf, String>,
    voices: BTreeMap<String, Result<VoiceDirs, String>>,
}

/// Where a voice's files are: its own pack's folder (the style pack) and
/// the folder of the model it runs on (the same folder when the pack
/// brings its model, else that of the pack of its engine it requires).
#[derive(Debug, Clone)]
pub struct VoiceDirs {
    pub voice: PathBuf,
    pub model: PathBuf,
}

impl Available {
    /// The catalogue's voices of `engine` as installed below `options.data_dir`.
    pub fn find(engine: &'static str, options: &NeuralOptions) -> Available {
        let catalogue = &options.catalogue;
        let runtime =
            voices::runtime_library(options.runtime.as_deref(), catalogue, &options.data_dir)
                .map_err(|e| e.to_string());
        let mut found = BTreeMap::new();
        for pack in catalogue.packs.iter().filter(|p| p.engine == engine) {
            for voice in &pack.voices {
                let what = format!("the {engine} voice {} (pack {})", voice.name, pack.name);
                let dirs = voice_dirs(catalogue, pack, &options.data_dir, &what);
                found.insert(voice.name.clone(), dirs);
            }
        }
        Available {
            engine,
            runtime,
            voices: found,
        }
    }

    /// `Ok` if `voice` can be spoken, else the line saying why not.
    pub fn check(&self, voice: &str) -> Result<(), String> {
        self.paths(voice).map(|_| ())
    }

    /// The runtime library and the voice's folders.
    pub fn paths(&self, voice: &str) -> Result<(&Path, &VoiceDirs), String> {
        let dirs = match self.voices.get(voice) {
            Some(dirs) => dirs.as_ref().map_err(Clone::clone)?,
            None => {
                let known: Vec<String> = self
                    .voices
                    .keys()
                    .map(|v| format!("{}:{v}", self.engine))
                    .collect();
                return Err(format!(
                    "no {} voice {voice:?} (voices: {}; see briefcast voices list)",
                    self.engine,
                    known.join(", ")
                ));
            }
        };
        let runtime = self.runtime.as_ref().map_err(Clone::clone)?;
        Ok((runtime, dirs))
    }
}

/// A voice's folders, if its pack and the model pack it requires are
/// installed; else the line naming the pack to install (the voice's own:
/// installing it installs what it requires).
fn voice_dirs(
    catalogue: &Catalogue,
    pack: &voices::Pack,
    data: &Path,
    what: &str,
) -> Result<VoiceDirs, String> {
    let missing = || {
        voices::VoicesError::Missing {
            what: what.to_owned(),
            pack: pack.name.clone(),
        }
        .to_string()
    };
    let voice = voices::installed_pack(data, pack, what).map_err(|_| missing())?;
    let model_pack = pack
        .requires
        .iter()
        .filter_map(|name| catalogue.pack(name))
        .find(|p| p.engine == pack.engine);
    let model = match model_pack {
        Some(model_pack) => {
            voices::installed_pack(data, model_pack, what).map_err(|_| missing())?
        }
        None => voice.clone(),
    };
    Ok(VoiceDirs { voice, model })
}

/// The engine a voice name asks for and the voice within it:
/// `kokoro:jf_alpha` → (`kokoro`, `jf_alpha`); a plain name is espeak-ng's.
pub fn split_voice(voice: &str) -> (&str, &str) {
    match voice.split_once(':') {
        Some((engine, name)) => (engine, name),
        None => ("espeak", voice),
    }
}

/// What identifies a neural voice's sound in the clip key: its pack's name
/// and file hashes; `None` for espeak-ng voices (their identity is
/// espeak-ng's version).
pub fn model_identity(voice: &str) -> Option<String> {
    let (engine, name) = split_voice(voice);
    if !matches!(engine, "kokoro" | "piper") {
        return None;
    }
    let catalogue = Catalogue::shared();
    let identity = catalogue
        .pack_for_voice(engine, name)
        .map_or_else(|| format!("{engine} {name}"), |p| catalogue.identity(p));
    // The version of each engine's word times in its clips: `times2`,
    // Kokoro's start 62.5 ms earlier (`KOKORO_LEAD`) and Piper's take the
    // space before them (`VoiceConfig::owned_ids`); Kokoro's `times3`, a
    // word between two others begins halfway through the space before it
    // (`Owner::Onset`). Clips stored with older times are made again; an
    // engine whose times did not change keeps its clips.
    let times = if engine == "kokoro" {
        "times3"
    } else {
        "times2"
    };
    Some(format!("{engine} {identity} {times}"))
}

/// The licence of what speaks `voice`: its pack's for a neural voice,
/// espeak-ng's (with its voice data) otherwise.
pub fn voice_licence(voice: &str) -> Option<String> {
    match split_voice(voice) {
        ("espeak", _) => Some("GPL-3.0-or-later (espeak-ng)".to_owned()),
        (engine, name) => Catalogue::shared()
            .pack_for_voice(engine, name)
            .map(|p| p.licence.clone()),
    }
}

/// `Ok` if the voice can be spoken here; for a neural voice whose model or
/// runtime is not installed, the line naming it and the install command.
pub fn check_installed(voice: &str, options: &NeuralOptions) -> Result<(), TtsError> {
    let (engine, name) = split_voice(voice);
    let engine = match engine {
        "kokoro" => "kokoro",
        "piper" => "piper",
        _ => return Ok(()),
    };
    Available::find(engine, options)
        .check(name)
        .map_err(TtsError::VoiceMissing)
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
    engines: Arc<Vec<Box<dyn Engine>>>,
    /// blake3 of the token: compared with `==` on `blake3::Hash`, which is
    /// constant-time, and of equal length whatever the token.
    token: Option<blake3::Hash>,
    text_limit: usize,
    process_timeout: Duration,
}

impl AppState {
    fn engine(&self, name: &str) -> Option<&dyn Engine> {
        self.engines
            .iter()
            .find(|e| e.name() == name)
            .map(|e| e.as_ref())
    }
}

/// Bind `addr` and serve in a background task, with the default guards.
pub async fn start(addr: SocketAddr) -> Result<EmbeddedServer, TtsError> {
    start_with(addr, ServeOptions::default()).await
}

/// Bind `addr` and serve in a background task.
pub async fn start_with(
    addr: SocketAddr,
    options: ServeOptions,
) -> Result<EmbeddedServer, TtsError> {
    let voices = VoiceList::load().await?;
    let engines: Vec<Box<dyn Engine>> = vec![
        Box::new(Espeak::new(voices)),
        Box::new(Kokoro::new(
            Available::find("kokoro", &options.neural),
            options.converter.clone(),
        )),
        Box::new(Piper::new(Available::find("piper", &options.neural))),
    ];
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
    let limits = options.connections;
    let app = router(options, engines);
    let task = tokio::spawn(super::listen::serve_bounded(listener, app, limits));
    Ok(EmbeddedServer { addr, task })
}

/// The HTTP routes over these engines.
pub fn router(options: ServeOptions, engines: Vec<Box<dyn Engine>>) -> Router {
    let state = AppState {
        processes: Arc::new(Semaphore::new(options.processes.max(1))),
        engines: Arc::new(engines),
        token: options.token.as_deref().map(|t| blake3::hash(t.as_bytes())),
        text_limit: options.text_limit,
        process_timeout: options.process_timeout,
    };
    Router::new()
        .route("/v1/audio/speech", post(speech))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "no such endpoint; POST /v1/audio/speech".into(),
            )
        })
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "use POST".into())
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Whether the request carries the token (always, without one).
fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = state.token else {
        return true;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    blake3::hash(given.as_bytes()) == expected
}

#[derive(Debug, Deserialize)]
struct SpeechRequest {
    input: String,
    /// Without one: `cmn` for text with Chinese characters, else `en-us`.
    #[serde(default)]
    voice: String,
    #[serde(default)]
    speed: Option<f32>,
    #[serde(default)]
    response_format: Option<String>,
    #[serde(default, rename = "model")]
    _model: Option<String>,
}

async fn speech(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Result<Json<SpeechRequest>, JsonRejection>,
) -> Response {
    if !authorized(&state, &headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "missing or wrong bearer token".into(),
        );
    }
    let mut request = match request {
        Ok(Json(request)) => request,
        Err(rejection) => {
            let status = rejection.status();
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!("request body is larger than {BODY_LIMIT} bytes")
            } else {
                rejection.body_text()
            };
            return error(status, message);
        }
    };
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
    if request.input.chars().count() > state.text_limit {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("input is longer than {} characters", state.text_limit),
        );
    }
    if request.voice.is_empty() {
        let chinese = request
            .input
            .chars()
            .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
        request.voice = if chinese { "cmn" } else { "en-us" }.into();
    }
    let (engine_name, voice) = split_voice(&request.voice);
    let Some(engine) = state.engine(engine_name) else {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "voice {:?}: no engine {engine_name:?} here (engines: {})",
                request.voice,
                state
                    .engines
                    .iter()
                    .map(|e| e.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    };
    if let Err(message) = engine.check_voice(voice) {
        return error(StatusCode::BAD_REQUEST, message);
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
    // On timeout the synthesis future is dropped (an espeak-ng child with it).
    let run = engine.synthesize(&request.input, voice, speed);
    match tokio::time::timeout(state.process_timeout, run).await {
        Ok(Ok(wav)) => ([(header::CONTENT_TYPE, "audio/wav")], wav).into_response(),
        Err(_) | Ok(Err(Failure::TimedOut)) => error(
            StatusCode::GATEWAY_TIMEOUT,
            format!(
                "{} took longer than {} ms and was stopped",
                engine.program(),
                state.process_timeout.as_millis()
            ),
        ),
        Ok(Err(Failure::BadInput(message))) => error(StatusCode::BAD_REQUEST, message),
        Ok(Err(Failure::Other(message))) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// An error answer in OpenAI's shape.
pub(super) fn error(status: StatusCode, message: String) -> Response {
    let kind = if status.is_server_error() {
        "server_error"
    } else {
        "invalid_request_error"
    };
    let body = serde_json::json!({ "error": { "message": message, "type": kind, "code": status.as_u16() } });
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voice_names_say_their_engine() {
        assert_eq!(split_voice("kokoro:jf_alpha"), ("kokoro", "jf_alpha"));
        assert_eq!(
            split_voice("piper:en_US-joe-medium"),
            ("piper", "en_US-joe-medium")
        );
        assert_eq!(
            split_voice("espeak:cmn-latn-pinyin"),
            ("espeak", "cmn-latn-pinyin")
        );
        assert_eq!(split_voice("cmn+f3"), ("espeak", "cmn+f3"));
    }
}
