//! The HTTP side of the API targets: one client per target, its key on
//! every request (LibreTime: the HTTP basic-auth user; AzuraCast:
//! `X-API-Key`), never followed to another origin, retried on 408, 429,
//! 5xx and transport failures with the server's `Retry-After` honoured,
//! answers read up to a bound and never printed raw.

use std::time::{Duration, SystemTime};

use crate::config::{DeliverConfig, DeliverKind};
use crate::util::{keyed_redirect_policy, retry, Redactor, TransportFailure};

use super::DeliverError;

/// The most an upload's answer may be (a JSON record of the file).
const MAX_ANSWER_BYTES: usize = 1 << 20;

pub(super) struct Client {
    pub(super) target: String,
    /// The configured address, without a trailing `/`.
    pub(super) base: String,
    kind: DeliverKind,
    key: String,
    redactor: Option<Redactor>,
    http: reqwest::Client,
    timeout: Duration,
    retries: u32,
    time_scale: f64,
}

impl Client {
    pub(super) fn new(
        target: &str,
        config: &DeliverConfig,
        key: String,
    ) -> Result<Client, DeliverError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("briefcast/", env!("CARGO_PKG_VERSION")))
            .redirect(keyed_redirect_policy())
            .build()
            .map_err(|e| DeliverError::Client {
                target: target.to_owned(),
                message: e.to_string(),
            })?;
        Ok(Client {
            target: target.to_owned(),
            base: config
                .url
                .clone()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_owned(),
            kind: config.kind,
            redactor: Redactor::new(Some(&key)),
            key,
            http,
            timeout: Duration::from_millis(config.timeout_ms),
            retries: config.retries,
            time_scale: retry::time_scale(),
        })
    }

    /// Sends the request `build` makes (again on each attempt) with the
    /// key, until it succeeds or fails for good; the answer's body.
    pub(super) async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, DeliverError> {
        let attempt = || async {
            let request = build(&self.http).timeout(self.timeout);
            let request = match self.kind {
                DeliverKind::Azuracast => request.header("X-API-Key", &self.key),
                _ => request.basic_auth(&self.key, Some("")),
            };
            let response = match request.send().await {
                Ok(response) => response,
                Err(e) => return (Err(self.transport(&e)), None),
            };
            let status = response.status();
            let asked = retry::retry_after(response.headers(), SystemTime::now());
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            let body = match read_bounded(response).await {
                Ok(body) => body,
                Err(e) => {
                    return (
                        Err(e.map_or_else(|| self.too_large(), |e| self.transport(&e))),
                        asked,
                    )
                }
            };
            if status.is_success() {
                return (Ok(body), None);
            }
            let message = if status.is_redirection() {
                "a redirect, which an upload is not sent on to (set url to the address that answers)".to_owned()
            } else {
                self.redact(&error_message(&body, &content_type))
            };
            let error = DeliverError::Http {
                target: self.target.clone(),
                status: status.as_u16(),
                message,
            };
            (Err(error), asked)
        };
        retry::with_retries(
            self.retries,
            self.time_scale,
            DeliverError::is_retryable,
            attempt,
        )
        .await
    }

    fn transport(&self, error: &reqwest::Error) -> DeliverError {
        let target = self.target.clone();
        match TransportFailure::of(error, self.redactor.as_ref()) {
            TransportFailure::CrossOrigin { from, to } => {
                DeliverError::CrossOriginRedirect { target, from, to }
            }
            TransportFailure::Timeout => DeliverError::Timeout {
                target,
                timeout_ms: self.timeout.as_millis() as u64,
            },
            TransportFailure::Network(message) => DeliverError::Network { target, message },
        }
    }

    fn too_large(&self) -> DeliverError {
        self.answer(format!("an answer over {MAX_ANSWER_BYTES} bytes"))
    }

    pub(super) fn answer(&self, reason: String) -> DeliverError {
        DeliverError::Answer {
            target: self.target.clone(),
            reason: self.redact(&reason),
        }
    }

    fn redact(&self, text: &str) -> String {
        match &self.redactor {
            Some(redactor) => redactor.redact(text),
            None => text.to_owned(),
        }
    }
}

/// The body, up to [`MAX_ANSWER_BYTES`]; `Err(None)` past it.
async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, Option<reqwest::Error>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Some)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The `id` of a JSON record, as text (a number or a string).
pub(super) fn record_id(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get("id")? {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A short printable reason from an error answer: its JSON `message` or
/// `error` (AzuraCast's, LibreTime's), its first printable line for
/// text, else what it is.
fn error_message(body: &[u8], content_type: &str) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        for key in ["message", "error", "formatted_message"] {
            if let Some(serde_json::Value::String(text)) = value.get(key) {
                return crate::util::clipped(&crate::util::printable(text), 200);
            }
        }
    }
    match std::str::from_utf8(body) {
        Ok(text) if !text.trim().is_empty() && !text.contains('<') => crate::util::clipped(
            &crate::util::printable(text.lines().next().unwrap_or("")),
            200,
        ),
        _ => crate::util::describe(body, content_type),
    }
}
