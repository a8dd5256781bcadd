//! Judging a service's answer by its bytes, and giving up on a service
//! whose answers show it is misconfigured.
//!
//! Audio is recognised by its magic (RIFF/WAVE, RF64) or, where raw PCM was
//! declared, by not being text or compressed audio; the Content-Type only
//! explains a rejection (Piper's own server labels its WAVs `text/html`).
//! [`Streak`] watches one endpoint of a service: when its answers to the
//! first [`GIVE_UP_AFTER`] segments are all the same unusable one (same
//! HTTP status, same kind of body) and none worked, a retry there cannot
//! help, so the endpoint is given up with a description that names the
//! answer and the likely fix. The pool rests such an endpoint while others
//! answer, and gives the service up when every endpoint is given up, in one
//! message ([`misconfigured`]). Attempts are counted as they come back, so
//! retries of the first segments do not delay the verdict.

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::TtsError;
use crate::model::ClipFormat;
use crate::util::{describe, sniff, BodyKind};

/// Segments in a row with the same unusable answer that mark a service as
/// misconfigured.
pub const GIVE_UP_AFTER: usize = 3;

/// Whether `body` is audio in `format`, whatever `content_type` says; if
/// not, what arrived, in one printable line with a hint.
pub(crate) fn judge(body: &[u8], content_type: &str, format: ClipFormat) -> Result<(), String> {
    let kind = sniff(body);
    let usable = match format {
        ClipFormat::Wav => kind.is_wav(),
        // Raw samples have no magic: anything that is not text or another
        // container is taken as the declared layout (a WAV's header wins).
        ClipFormat::Pcm { .. } => kind.is_wav() || kind == BodyKind::Binary,
    };
    if usable {
        return Ok(());
    }
    let expected = match format {
        ClipFormat::Wav => "a WAV file",
        ClipFormat::Pcm { .. } => "raw PCM audio",
    };
    let hint = match (kind, format) {
        (k, _) if k.is_compressed_audio() => {
            "; briefcast reads WAV or raw PCM: ask the service for WAV (response-format, output-format or the request's format field)"
        }
        (BodyKind::Binary, ClipFormat::Wav) => {
            "; if the service sends raw samples, declare them: response-format = \"pcm\" with its sample-rate"
        }
        _ => "",
    };
    Err(format!(
        "expected {expected}, got {}{hint}",
        describe(body, content_type)
    ))
}

/// The shape of an unusable answer, for telling "the same again" apart.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Signature {
    status: u16,
    body: BodyKind,
}

impl Signature {
    /// The signature of an error a retry cannot fix; `None` for transient
    /// ones (timeouts, resets, 429, 5xx) and for audio that was merely bad.
    fn of(error: &TtsError) -> Option<Signature> {
        match error {
            TtsError::Http { status, body, .. } if !error.is_retryable() => Some(Signature {
                status: *status,
                body: *body,
            }),
            TtsError::NotAudio { status, body, .. } => Some(Signature {
                status: *status,
                body: *body,
            }),
            _ => None,
        }
    }

    /// What to change, for the message (`None` where the answer's own
    /// description already says it).
    fn fix(&self) -> Option<&'static str> {
        Some(match self.status {
            401 | 403 => "check the API key (api-key-env) and that it may use this model and voice",
            404 | 405 => "check the service's url: it has no such endpoint (OpenAI-style services answer at /v1/audio/speech, Piper at /synthesize)",
            415 => "check the request's content type (body-kind, content-type)",
            400 | 422 => "check the fields this service expects (kind, model, voice, response-format, the request template)",
            _ if self.body.is_compressed_audio() || self.body == BodyKind::Binary => return None,
            _ if self.body.is_text() || self.body == BodyKind::Empty => "check the service's url and kind: it answers, but not with speech",
            _ => "check the service's configuration in voices.toml",
        })
    }
}

/// Whether `error` is an answer a retry at the same endpoint cannot change
/// (a wrong status or a body that is not audio, not a transient failure).
pub(crate) fn unusable(error: &TtsError) -> bool {
    Signature::of(error).is_some()
}

/// The message giving `service` up: each endpoint (its URL, or `None` for
/// a service of one URL) with its description from [`Streak::failure`].
pub(crate) fn misconfigured(service: &str, endpoints: &[(Option<&str>, String)]) -> String {
    let why = match endpoints {
        [(None, why)] => why.clone(),
        _ => {
            let each: Vec<String> = endpoints
                .iter()
                .map(|(url, why)| format!("{}: {why}", url.unwrap_or("?")))
                .collect();
            format!(
                "none of its {} endpoints answers with speech ({})",
                endpoints.len(),
                each.join("; ")
            )
        }
    };
    format!("service {service} is misconfigured: {why}. Nothing more was sent to it")
}

#[derive(Debug, Default)]
struct State {
    /// A clip came back usable: the endpoint works, whatever fails later
    /// (until its next success, a given-up endpoint that works again is
    /// simply working).
    worked: bool,
    last: Option<Signature>,
    /// The segments (their texts) that got `last`.
    segments: BTreeSet<String>,
    gave_up: Option<String>,
}

/// One endpoint's first answers, and whether it has been given up.
#[derive(Debug, Default)]
pub(crate) struct Streak {
    state: Mutex<State>,
}

impl Streak {
    /// Why the endpoint was given up, if it was: send nothing more to it.
    pub(crate) fn given_up(&self) -> Option<String> {
        self.lock().gave_up.clone()
    }

    /// A usable clip came back: the endpoint works.
    pub(crate) fn success(&self) {
        let mut state = self.lock();
        state.worked = true;
        state.gave_up = None;
    }

    /// Counts one attempt's error for the segment `text`; once
    /// [`GIVE_UP_AFTER`] segments in a row got the same unusable answer,
    /// why the endpoint is given up ("its first 3 answers were all …").
    pub(crate) fn failure(&self, text: &str, error: &TtsError) -> Option<String> {
        let mut state = self.lock();
        if state.worked || state.gave_up.is_some() {
            return state.gave_up.clone();
        }
        let signature = Signature::of(error)?;
        if state.last.as_ref() != Some(&signature) {
            state.segments.clear();
        }
        state.segments.insert(text.to_owned());
        if state.segments.len() >= GIVE_UP_AFTER {
            let answer = match error {
                TtsError::Http {
                    status, message, ..
                } => format!("HTTP {status}: {message}"),
                TtsError::NotAudio { answer, .. } => answer.clone(),
                other => other.to_string(),
            };
            let fix = signature
                .fix()
                .map_or_else(String::new, |fix| format!("; {fix}"));
            state.gave_up = Some(format!(
                "its first {GIVE_UP_AFTER} answers were all {answer}{fix}"
            ));
        }
        state.last = Some(signature);
        state.gave_up.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PcmSample;

    const WAV_HEAD: &[u8] = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0";

    #[test]
    fn bytes_win_over_labels() {
        assert_eq!(
            judge(WAV_HEAD, "text/html; charset=utf-8", ClipFormat::Wav),
            Ok(())
        );
        let pcm = ClipFormat::Pcm {
            rate: 22_050,
            channels: 1,
            sample: PcmSample::S16le,
        };
        assert_eq!(judge(&[1, 0, 0xFE, 0xFF], "text/plain", pcm), Ok(()));
        assert_eq!(judge(WAV_HEAD, "", pcm), Ok(()));
        let html = judge(
            b"<html><body>Not here</body></html>",
            "audio/wav",
            ClipFormat::Wav,
        );
        assert_eq!(
            html.unwrap_err(),
            "expected a WAV file, got an HTML page (audio/wav), 34 bytes: \"Not here\""
        );
        let json = judge(br#"{"error":"x"}"#, "application/json", pcm).unwrap_err();
        assert!(
            json.starts_with("expected raw PCM audio, got JSON"),
            "{json}"
        );
        let mp3 = judge(b"ID3\x04\0\0\0", "audio/mpeg", ClipFormat::Wav).unwrap_err();
        assert!(mp3.contains("ask the service for WAV"), "{mp3}");
        let raw = judge(&[1, 0, 0xFE, 0xFF], "audio/L16", ClipFormat::Wav).unwrap_err();
        assert!(raw.contains("response-format = \"pcm\""), "{raw}");
    }

    fn not_audio(body: BodyKind) -> TtsError {
        TtsError::NotAudio {
            service: "piper".into(),
            status: 200,
            body,
            answer: format!("expected a WAV file, got {}", body.name()),
        }
    }

    fn http(status: u16) -> TtsError {
        TtsError::Http {
            service: "cloud".into(),
            status,
            body: BodyKind::Json,
            message: "Invalid key".into(),
        }
    }

    #[test]
    fn the_same_unusable_answer_three_times_gives_up() {
        let streak = Streak::default();
        let html = not_audio(BodyKind::Html);
        assert_eq!(streak.failure("a", &html), None);
        // A retry of the same segment is not another segment.
        assert_eq!(streak.failure("a", &html), None);
        assert_eq!(streak.failure("b", &html), None);
        let why = streak.failure("c", &html).unwrap();
        assert_eq!(streak.given_up(), Some(why.clone()));
        assert_eq!(
            misconfigured("piper", &[(None, why.clone())]),
            "service piper is misconfigured: its first 3 answers were all expected a WAV file, got an HTML page; check the service's url and kind: it answers, but not with speech. Nothing more was sent to it"
        );
        let not_found = Streak::default();
        for text in ["a", "b"] {
            assert_eq!(not_found.failure(text, &http(404)), None);
        }
        let missing = not_found.failure("c", &http(404)).unwrap();
        assert_eq!(
            misconfigured("pool", &[(Some("http://a/x"), why), (Some("http://b/x"), missing)]),
            "service pool is misconfigured: none of its 2 endpoints answers with speech (http://a/x: its first 3 answers were all expected a WAV file, got an HTML page; check the service's url and kind: it answers, but not with speech; http://b/x: its first 3 answers were all HTTP 404: Invalid key; check the service's url: it has no such endpoint (OpenAI-style services answer at /v1/audio/speech, Piper at /synthesize)). Nothing more was sent to it"
        );
    }

    #[test]
    fn a_given_up_endpoint_that_answers_again_works() {
        let streak = Streak::default();
        for text in ["a", "b", "c"] {
            streak.failure(text, &http(404));
        }
        assert!(streak.given_up().is_some());
        assert!(streak.failure("d", &http(404)).is_some(), "still given up");
        streak.success();
        assert_eq!(streak.given_up(), None);
        assert_eq!(streak.failure("e", &http(404)), None);
        assert!(unusable(&http(404)));
        assert!(unusable(&not_audio(BodyKind::Html)));
        assert!(!unusable(&http(503)));
    }

    #[test]
    fn auth_failures_name_the_key() {
        let streak = Streak::default();
        for text in ["a", "b"] {
            assert_eq!(streak.failure(text, &http(401)), None);
        }
        let message = streak.failure("c", &http(401)).unwrap();
        assert!(
            message.contains("HTTP 401: Invalid key; check the API key"),
            "{message}"
        );
    }

    #[test]
    fn different_answers_transient_errors_and_a_success_never_give_up() {
        let streak = Streak::default();
        let timeout = TtsError::Timeout {
            service: "s".into(),
            timeout_ms: 10,
        };
        for n in 0..5 {
            assert_eq!(streak.failure(&n.to_string(), &http(503)), None);
            assert_eq!(streak.failure(&n.to_string(), &timeout), None);
        }
        assert_eq!(streak.failure("a", &http(404)), None);
        assert_eq!(streak.failure("b", &http(404)), None);
        assert_eq!(streak.failure("c", &http(400)), None);
        assert_eq!(streak.failure("d", &http(404)), None);
        streak.success();
        for n in 0..5 {
            assert_eq!(streak.failure(&n.to_string(), &http(404)), None);
        }
        assert_eq!(streak.given_up(), None);
    }
}
