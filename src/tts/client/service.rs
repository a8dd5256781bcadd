//! One configured service as the synthesizer holds it: its endpoints,
//! pace, key and limits, and how its answers are read and judged (body
//! bounds, audio by its bytes, plausible length, waits before a retry).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::config::ServiceConfig;
use crate::model::ClipFormat;
use crate::tts::answer;
use crate::tts::api::{self, Api};
use crate::tts::catalog::Catalog;
use crate::tts::pool::Pool;
use crate::tts::response::{self, BodyError};
use crate::tts::{retry, TtsError};
use crate::util::{Redactor, TransportFailure};

pub(super) struct Service {
    pub(super) name: String,
    /// Its endpoints, each with its slots (`concurrency`).
    pub(super) pool: Pool,
    pub(super) api_key: Option<String>,
    pub(super) redactor: Option<Redactor>,
    pub(super) format: ClipFormat,
    pub(super) timeout: Duration,
    pub(super) retries: u32,
    /// A server asking to wait longer than this fails the segment.
    pub(super) max_retry_after: Duration,
    /// How long an endpoint failing again and again rests.
    pub(super) rest: Duration,
    pub(super) pace: Option<DefaultDirectRateLimiter>,
    /// Plausible seconds of audio per character sent.
    pub(super) seconds_per_char: (f64, f64),
}

impl Service {
    /// The most bytes a clip of `text` can plausibly take.
    pub(super) fn body_limit(&self, text: &str) -> u64 {
        response::body_limit(
            self.format,
            plausibility_chars(text),
            self.seconds_per_char.1,
        )
    }

    /// A successful answer's body, at most what `text` could plausibly need.
    pub(super) async fn read_audio(
        &self,
        answer: reqwest::Response,
        text: &str,
    ) -> Result<Vec<u8>, TtsError> {
        let limit = self.body_limit(text);
        response::read_bounded(answer, limit)
            .await
            .map_err(|error| match error {
                BodyError::TooLarge { bytes, declared } => TtsError::TooLarge {
                    service: self.name.clone(),
                    reason: BodyError::describe(bytes, declared, limit),
                },
                BodyError::Transport(e) => self.transport_error(e),
            })
    }

    /// How long to wait before the next attempt: what the server asked for
    /// (unless beyond `max-retry-after-ms`: then the segment fails now with
    /// the server's reason), else backoff.
    pub(super) fn wait_before_retry(
        &self,
        error: &TtsError,
        asked: Option<Duration>,
        attempt: u32,
    ) -> Result<Duration, TtsError> {
        match asked {
            Some(wait) if wait > self.max_retry_after => Err(TtsError::WaitTooLong {
                service: self.name.clone(),
                reason: error.to_string(),
                asked: describe_wait(wait),
                max_ms: self.max_retry_after.as_millis() as u64,
            }),
            Some(wait) => Ok(wait),
            None => Ok(retry::backoff(attempt)),
        }
    }

    /// `urls`: its endpoints, after the kind's mapping.
    pub(super) fn new(
        name: &str,
        config: &ServiceConfig,
        urls: Vec<String>,
        rest: Duration,
        catalog: &Catalog,
    ) -> Service {
        let common = &config.common;
        let pace = common
            .requests_per_minute
            .and_then(NonZeroU32::new)
            .map(|per_minute| {
                RateLimiter::direct(Quota::per_minute(per_minute).allow_burst(NonZeroU32::MIN))
            });
        let api_key = common
            .api_key_env
            .as_ref()
            .and_then(|var| std::env::var(var).ok());
        let redactor = Redactor::new(api_key.as_deref());
        Service {
            name: name.to_owned(),
            pool: Pool::new(
                api::kind_api(&config.kind),
                urls,
                config.effective_concurrency(),
                rest,
            ),
            api_key,
            redactor,
            format: catalog.format(name).expect("configured"),
            timeout: Duration::from_millis(config.timeout_ms()),
            retries: common.retries,
            max_retry_after: Duration::from_millis(common.max_retry_after_ms),
            rest,
            pace,
            seconds_per_char: (common.min_seconds_per_char, common.max_seconds_per_char),
        }
    }

    /// The audio in a successful answer, judged by its bytes: a body that
    /// is not audio is an answer no retry changes.
    pub(super) fn audio_in(
        &self,
        api: &dyn Api,
        status: u16,
        body: Vec<u8>,
        content_type: &str,
    ) -> Result<Vec<u8>, TtsError> {
        let not_audio = |kind, answer: String| TtsError::NotAudio {
            service: self.name.clone(),
            status,
            body: kind,
            answer: self.redact(&answer),
        };
        let kind = crate::util::sniff(&body);
        let audio = api
            .audio(body, content_type)
            .map_err(|reason| not_audio(kind, reason))?;
        answer::judge(&audio, content_type, self.format)
            .map_err(|reason| not_audio(crate::util::sniff(&audio), reason))?;
        Ok(audio)
    }

    pub(super) fn transport_error(&self, error: reqwest::Error) -> TtsError {
        let service = self.name.clone();
        match TransportFailure::of(&error, self.redactor.as_ref()) {
            TransportFailure::CrossOrigin { from, to } => {
                TtsError::CrossOriginRedirect { service, from, to }
            }
            TransportFailure::Timeout => TtsError::Timeout {
                service,
                timeout_ms: self.timeout.as_millis() as u64,
            },
            TransportFailure::Network(message) => TtsError::Network { service, message },
        }
    }

    /// A service may echo the key back, a URL may carry it encoded; no
    /// form of it reaches a message.
    pub(super) fn redact(&self, text: &str) -> String {
        match &self.redactor {
            Some(redactor) => redactor.redact(text),
            None => text.to_owned(),
        }
    }
}

/// `12.5 s`, or `forever` for a wait no clock can count.
pub(super) fn describe_wait(wait: Duration) -> String {
    if wait == Duration::MAX {
        "forever".to_owned()
    } else {
        format!("{:.1} s", wait.as_secs_f64())
    }
}

/// The characters that take time to say (letters and digits of any script).
pub(super) fn plausibility_chars(text: &str) -> f64 {
    text.chars().filter(|c| c.is_alphanumeric()).count().max(1) as f64
}

/// Catches truncated and runaway clips: duration against text length, with
/// `(min, max)` plausible seconds per character.
pub(super) fn plausible(seconds: f64, chars: f64, (min, max): (f64, f64)) -> Result<(), String> {
    if seconds < min * chars {
        return Err(format!(
            "{seconds:.2} s of audio for {chars} characters is too short (truncated?)"
        ));
    }
    if seconds > max * chars + 2.0 {
        return Err(format!(
            "{seconds:.2} s of audio for {chars} characters is too long (runaway?)"
        ));
    }
    Ok(())
}
