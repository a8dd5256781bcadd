//! Check: hearing what the listener hears.
//!
//! Owns the transcription client (an OpenAI-compatible speech-recognition
//! service, cached per clip and model), the scoring of a transcript against
//! the text the clip should say (Mandarin CER and syllable error rate,
//! English WER, both sides in one normalised form), and the shape of the check report. It knows
//! nothing of episodes on disk, audio formats or synthesis: the pipeline
//! hands it WAV bytes, the expected text and the normaliser to use.

mod report;
mod score;
mod transcribe;

pub use report::{Aggregate, CheckReport, SegmentCheck, CHECK_FILE};
pub use score::{
    en_words, is_degenerate, score, syllable_rate, to_simplified, zh_form, Language, NormalizeZh,
    ZhSyllables,
};
pub use transcribe::Transcriber;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("transcription service {service} needs the environment variable {var}")]
    MissingKey { service: String, var: String },
    #[error("transcription service {service}: HTTP {status}: {message}")]
    Http {
        service: String,
        status: u16,
        message: String,
    },
    #[error("transcription service {service}: {message}")]
    Network { service: String, message: String },
    #[error("transcription service {service} was redirected from {from} to {to}, another origin; its API key is never sent there (set url to the address that answers)")]
    CrossOriginRedirect {
        service: String,
        from: String,
        to: String,
    },
    #[error("transcription service {service}: no answer within {timeout_ms} ms")]
    Timeout { service: String, timeout_ms: u64 },
    #[error("transcription service {service}: unusable answer: {reason}")]
    Garbage { service: String, reason: String },
    #[error("transcript cache {path}: {source}")]
    Cache {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
}

impl CheckError {
    /// Errors worth another attempt (the rules synthesis uses).
    pub fn is_retryable(&self) -> bool {
        match self {
            CheckError::Http { status, .. } => crate::util::retry::is_retryable_status(*status),
            CheckError::Network { .. }
            | CheckError::Timeout { .. }
            | CheckError::Garbage { .. } => true,
            _ => false,
        }
    }
}
