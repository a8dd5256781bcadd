//! Text to speech: turning one segment's text into one stored clip.
//!
//! Owns every HTTP detail: service kinds, API keys from the environment,
//! a service's endpoints (one URL or a pool) with bounded concurrency at
//! each, retries, response checks, the clip cache
//! and the embedded espeak-ng server. It knows nothing of chapters, episodes
//! or output paths: a request goes in, a cached clip comes out.

mod answer;
mod api;
mod azure;
mod cache;
mod catalog;
mod client;
pub mod embedded;
mod google;
pub mod listen;
mod marytts;
mod openai;
mod pool;
pub mod probe;
mod response;
mod store;
pub use crate::util::retry;
mod template;
pub mod voices;

pub use answer::GIVE_UP_AFTER;
pub use cache::{Cache, CacheEntry, ClipKey};
pub use catalog::Catalog;
pub use client::{describe_waits, ClipRequest, ClipSource, StoredClip, Synthesizer, Validator};
pub use embedded::{speak_words, EspeakError, Spoken};
pub use store::{
    HeldLease, Lease, LeaseHolder, RemoteCache, RemoteEntry, StoreError, StoredObject,
};

#[derive(Debug, thiserror::Error)]
pub enum TtsError {
    #[error("espeak-ng is not installed: install the `espeak-ng` package (sudo apt-get install espeak-ng), or point the voices in voices.toml at another service")]
    EspeakMissing,
    #[error("{}", missing_keys(.0))]
    MissingKeys(Vec<(String, String)>),
    #[error("espeak-ng voice \"{voice}\" does not read Mandarin here (it switches to English rules: {heard}); use voice = \"cmn-latn-pinyin\" (or a variant such as \"cmn-latn-pinyin+f3\") with mandarin = \"pinyin\" in voices.toml")]
    EnglishVoice { voice: String, heard: String },
    #[error("cannot start the embedded service on {addr}: {message}")]
    Bind { addr: String, message: String },
    /// The shared cache could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("voice uses service \"{0}\", which is not configured")]
    UnknownService(String),
    #[error("service {service}: HTTP {status}: {message}")]
    Http {
        service: String,
        status: u16,
        /// What the error body was, judged by its bytes.
        body: crate::util::BodyKind,
        message: String,
    },
    /// A successful status with a body that is not audio: no retry helps.
    #[error("service {service}: {answer}")]
    NotAudio {
        service: String,
        status: u16,
        body: crate::util::BodyKind,
        answer: String,
    },
    /// The service gave the same unusable answer to its first segments.
    #[error("{0}")]
    Misconfigured(String),
    #[error("service {service}: {message}")]
    Network { service: String, message: String },
    #[error("service {service}: no answer within {timeout_ms} ms")]
    Timeout { service: String, timeout_ms: u64 },
    #[error("service {service}: unusable audio: {reason}")]
    Rejected { service: String, reason: String },
    #[error("clip cache {path}: {source}")]
    Cache {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    VoiceMissing(String),
    #[error("{reason}; it asks to wait {asked} before trying again, longer than max-retry-after-ms ({max_ms} ms)")]
    WaitTooLong {
        service: String,
        reason: String,
        asked: String,
        max_ms: u64,
    },
    #[error("service {service}: redirected from {from} to {to}, another origin; its API key is never sent there (set url to the address that answers)")]
    CrossOriginRedirect {
        service: String,
        from: String,
        to: String,
    },
    #[error("service {service}: {reason}")]
    TooLarge { service: String, reason: String },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// Nothing more is sent: a paid clip could not be stored.
    #[error("{0}")]
    Halted(String),
    /// Not sent: another machine stored or leased the clip while this
    /// request waited for its slot (the shared fetch then waits for it).
    #[error("another machine is making this clip")]
    Elsewhere,
}

fn missing_keys(list: &[(String, String)]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|(service, var)| format!("service {service} needs the environment variable {var}"))
        .collect();
    format!("missing API key: {}", parts.join("; "))
}

impl TtsError {
    /// Errors worth another attempt (the service may answer next time).
    pub fn is_retryable(&self) -> bool {
        match self {
            TtsError::Http { status, .. } => retry::is_retryable_status(*status),
            TtsError::Network { .. } | TtsError::Timeout { .. } | TtsError::Rejected { .. } => true,
            // A maintenance page or an empty body may be gone next time;
            // compressed audio or undeclared raw samples will not.
            TtsError::NotAudio { body, .. } => {
                body.is_text() || *body == crate::util::BodyKind::Empty
            }
            _ => false,
        }
    }
}
