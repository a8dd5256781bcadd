//! The transcription client: one clip in, what a listener would hear out.
//!
//! Speaks the OpenAI-compatible `POST /v1/audio/transcriptions` (multipart
//! `file`, `model`, `language`; JSON `{"text": …}`) shared by OpenAI,
//! faster-whisper-server, speaches and LocalAI. Holds one HTTP client, the
//! service's concurrency limit, its timeout and retries (the rules synthesis
//! uses, from `util::retry`), and the transcript cache: a transcript is
//! stored under the clip's key and the service's model, so a clip is never
//! sent twice to the same model.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;

use super::CheckError;
use crate::config::TranscriberConfig;
use crate::util::{keyed_redirect_policy, retry, Redactor, TransportFailure};

/// The most a transcription answer may be (a sentence's transcript is a
/// few hundred bytes; anything near this is not a transcript).
const MAX_ANSWER_BYTES: usize = 1 << 20;

pub struct Transcriber {
    name: String,
    url: String,
    model: String,
    api_key: Option<String>,
    redactor: Option<Redactor>,
    timeout: Duration,
    retries: u32,
    slots: Semaphore,
    http: reqwest::Client,
    cache_dir: PathBuf,
    time_scale: f64,
    requests: AtomicUsize,
}

impl Transcriber {
    /// Resolves the API key from the environment; fails before any request
    /// when it is configured but not set.
    pub fn new(
        name: &str,
        config: &TranscriberConfig,
        cache_dir: PathBuf,
    ) -> Result<Transcriber, CheckError> {
        let api_key = match &config.api_key_env {
            Some(var) => match std::env::var(var) {
                Ok(key) if !key.is_empty() => Some(key),
                _ => {
                    return Err(CheckError::MissingKey {
                        service: name.to_owned(),
                        var: var.clone(),
                    })
                }
            },
            None => None,
        };
        let url = endpoint(&config.url);
        let mut http =
            reqwest::Client::builder().user_agent(concat!("briefcast/", env!("CARGO_PKG_VERSION")));
        if api_key.is_some() {
            // The key never follows a redirect to another origin.
            http = http.redirect(keyed_redirect_policy());
        }
        let http = http
            .build()
            .map_err(|e| CheckError::Client(e.to_string()))?;
        Ok(Transcriber {
            name: name.to_owned(),
            url,
            model: config.model.clone(),
            redactor: Redactor::new(api_key.as_deref()),
            api_key,
            timeout: Duration::from_millis(config.timeout_ms),
            retries: config.retries,
            slots: Semaphore::new(config.concurrency),
            http,
            cache_dir,
            time_scale: retry::time_scale(),
            requests: AtomicUsize::new(0),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model named in reports: `whisper-1 at http://…`.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Requests sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn cache_path(&self, clip_key: &str, language: &str) -> PathBuf {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"briefcast transcript v1");
        for field in [self.url.as_str(), &self.model, language, clip_key] {
            hasher.update(&(field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        let key = hasher.finalize().to_hex();
        self.cache_dir
            .join(&key[..2])
            .join(format!("{}.json", key.as_str()))
    }

    /// The stored transcript of a clip, if this model heard it before.
    pub fn cached(&self, clip_key: &str, language: &str) -> Option<String> {
        let bytes = fs_err::read(self.cache_path(clip_key, language)).ok()?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        value.get("text")?.as_str().map(str::to_owned)
    }

    /// Transcribes `wav` (the clip as a WAV file) and stores the transcript
    /// under the clip's key the moment it arrives.
    pub async fn transcribe(
        &self,
        clip_key: &str,
        wav: Vec<u8>,
        language: &str,
    ) -> Result<String, CheckError> {
        let attempt = || self.attempt(&wav, language);
        let text = retry::with_retries(
            self.retries,
            self.time_scale,
            CheckError::is_retryable,
            attempt,
        )
        .await?;
        self.store(clip_key, language, &text)?;
        Ok(text)
    }

    fn store(&self, clip_key: &str, language: &str, text: &str) -> Result<(), CheckError> {
        let path = self.cache_path(clip_key, language);
        let folder = path.parent().expect("cache paths have a parent");
        let write = || -> std::io::Result<()> {
            fs_err::create_dir_all(folder)?;
            let mut file = tempfile::NamedTempFile::new_in(folder)?;
            let record = serde_json::json!({ "model": self.model, "text": text });
            file.write_all(record.to_string().as_bytes())?;
            file.as_file().sync_all()?;
            file.persist(&path).map_err(|e| e.error)?;
            Ok(())
        };
        write().map_err(|source| CheckError::Cache {
            path: path.clone(),
            source,
        })
    }

    async fn attempt(
        &self,
        wav: &[u8],
        language: &str,
    ) -> (Result<String, CheckError>, Option<Duration>) {
        let _slot = self.slots.acquire().await.expect("never closed");
        self.requests.fetch_add(1, Ordering::Relaxed);
        let file = reqwest::multipart::Part::bytes(wav.to_vec())
            .file_name("clip.wav")
            .mime_str("audio/wav")
            .expect("a valid MIME type");
        let form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("model", self.model.clone())
            .text("language", language.to_owned())
            .text("response_format", "json");
        let mut builder = self
            .http
            .post(&self.url)
            .multipart(form)
            .timeout(self.timeout);
        if let Some(key) = &self.api_key {
            builder = builder.bearer_auth(key);
        }
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return (Err(self.transport_error(e)), None),
        };
        let status = response.status();
        let asked_wait = retry::retry_after(response.headers(), SystemTime::now());
        // A 307/308 would need the upload sent again, which is not done.
        let location = status
            .is_redirection()
            .then(|| response.headers().get(reqwest::header::LOCATION))
            .flatten()
            .map(|l| crate::util::printable(&String::from_utf8_lossy(l.as_bytes())));
        let body = match read_bounded(response).await {
            Ok(body) => body,
            Err(BodyError::Transport(e)) => return (Err(self.transport_error(e)), asked_wait),
            Err(BodyError::TooLarge) => {
                let reason = format!("an answer over {MAX_ANSWER_BYTES} bytes");
                return (Err(self.garbage(reason)), asked_wait);
            }
        };
        if !status.is_success() {
            let error = CheckError::Http {
                service: self.name.clone(),
                status: status.as_u16(),
                message: self.redact(&match location {
                    Some(to) => format!(
                        "redirected to {to}, which an upload is not sent on to (set url to the address that answers)"
                    ),
                    None => error_message(&body),
                }),
            };
            return (Err(error), asked_wait);
        }
        (self.text_of(&body), None)
    }

    /// The transcript in a JSON answer; anything else is garbage.
    fn text_of(&self, body: &[u8]) -> Result<String, CheckError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|_| self.garbage(format!("not JSON ({} bytes)", body.len())))?;
        match value.get("text") {
            Some(serde_json::Value::String(text)) => Ok(text.trim().to_owned()),
            _ => Err(self.garbage("JSON without a \"text\" string".into())),
        }
    }

    fn garbage(&self, reason: String) -> CheckError {
        CheckError::Garbage {
            service: self.name.clone(),
            reason,
        }
    }

    fn transport_error(&self, error: reqwest::Error) -> CheckError {
        let service = self.name.clone();
        match TransportFailure::of(&error, self.redactor.as_ref()) {
            TransportFailure::CrossOrigin { from, to } => {
                CheckError::CrossOriginRedirect { service, from, to }
            }
            TransportFailure::Timeout => CheckError::Timeout {
                service,
                timeout_ms: self.timeout.as_millis() as u64,
            },
            TransportFailure::Network(message) => CheckError::Network { service, message },
        }
    }

    /// A service may echo the key back, a URL may carry it encoded; no
    /// form of it reaches a message.
    fn redact(&self, text: &str) -> String {
        match &self.redactor {
            Some(redactor) => redactor.redact(text),
            None => text.to_owned(),
        }
    }
}

/// `http://host:port` gets the standard path; a full URL is kept.
fn endpoint(url: &str) -> String {
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    if after_scheme.contains('/') {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/v1/audio/transcriptions")
    }
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A short, printable reason from an error answer: OpenAI's
/// `error.message`, FastAPI's `detail`, else the first printable line.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
        let message = value
            .pointer("/error/message")
            .or_else(|| value.pointer("/detail/error/message"))
            .or_else(|| value.get("detail"))
            .or_else(|| value.get("message"));
        if let Some(serde_json::Value::String(message)) = message {
            return clip_line(message);
        }
    }
    clip_line(text.lines().next().unwrap_or(""))
}

fn clip_line(text: &str) -> String {
    let printable: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    if printable.is_empty() {
        "(no message)".into()
    } else {
        printable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_origins_get_the_standard_path() {
        assert_eq!(
            endpoint("http://127.0.0.1:8000"),
            "http://127.0.0.1:8000/v1/audio/transcriptions"
        );
        assert_eq!(
            endpoint("http://127.0.0.1:8000/"),
            "http://127.0.0.1:8000/v1/audio/transcriptions"
        );
        assert_eq!(
            endpoint("https://api.example.com/v2/transcribe"),
            "https://api.example.com/v2/transcribe"
        );
    }

    #[test]
    fn error_messages_are_short_and_printable() {
        assert_eq!(
            error_message(br#"{"error":{"message":"bad model"}}"#),
            "bad model"
        );
        assert_eq!(
            error_message(br#"{"detail":{"error":{"message":"Unsupported"}}}"#),
            "Unsupported"
        );
        assert_eq!(
            error_message(b"Internal Server Error"),
            "Internal Server Error"
        );
        assert_eq!(error_message(b"\x1b[31m\x07"), "[31m");
        assert_eq!(error_message(b""), "(no message)");
    }
}
