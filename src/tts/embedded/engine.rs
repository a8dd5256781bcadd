//! What every engine of the embedded service offers: a name (the voice
//! prefix), a check of its voice names, and synthesis to WAV bytes.

use std::future::Future;
use std::pin::Pin;

/// A synthesis in progress; dropping it stops the work it can stop.
pub(super) type Synthesis<'a> = Pin<Box<dyn Future<Output = Result<Vec<u8>, Failure>> + Send + 'a>>;

/// One speech engine behind `/v1/audio/speech`.
pub trait Engine: Send + Sync {
    /// The voice-name prefix: `espeak`, `kokoro`, `piper`.
    fn name(&self) -> &'static str;
    /// What error messages call it (`espeak-ng`, `Kokoro`).
    fn program(&self) -> &'static str;
    /// `Ok` for a voice this engine can speak, else the message for the
    /// client (HTTP 400).
    fn check_voice(&self, voice: &str) -> Result<(), String>;
    /// A WAV file for `text` in `voice` (already checked) at `speed`.
    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a str, speed: f32) -> Synthesis<'a>;
}

/// Why a synthesis produced no audio.
#[derive(Debug)]
pub enum Failure {
    /// The engine ran past its time limit and was stopped (HTTP 504).
    TimedOut,
    /// The text cannot be spoken by this voice (HTTP 400).
    BadInput(String),
    /// The engine failed (HTTP 500).
    Other(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Other(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure::Other(message.to_owned())
    }
}
