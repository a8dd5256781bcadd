//! The `openai` request shape: POST JSON {model, input, voice, speed,
//! response_format} with a Bearer key, as OpenAI and the local servers that
//! copy it (Kokoro-FastAPI, openedai-speech, speaches) accept; briefcast's
//! embedded service speaks it too.

use reqwest::{Client, RequestBuilder};
use serde::Serialize;

use super::api::{Api, Identity, KindApi};
use super::ClipRequest;
use crate::config::{EmbeddedKeys, OpenAiKeys, ResponseFormat};
use crate::model::{ClipFormat, PcmSample};

#[derive(Debug, Serialize)]
struct SpeechBody<'a> {
    model: &'a str,
    input: &'a str,
    voice: &'a str,
    speed: f32,
    response_format: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    instructions: Option<&'a str>,
}

pub(crate) struct OpenAi {
    url: String,
    model: String,
    instructions: Option<String>,
    format: &'static str,
}

impl OpenAiKeys {
    fn pcm(&self) -> bool {
        self.response_format == Some(ResponseFormat::Pcm)
    }
}

impl KindApi for OpenAiKeys {
    fn endpoint(&self, url: Option<&str>) -> String {
        endpoint(url.unwrap_or_default())
    }

    fn api(&self, url: String) -> Box<dyn Api> {
        Box::new(OpenAi {
            url,
            model: self.model(),
            instructions: self.instructions.clone(),
            format: if self.pcm() { "pcm" } else { "wav" },
        })
    }

    /// Raw PCM is 16-bit mono at `sample-rate`, 24 kHz as OpenAI's is.
    fn clip_format(&self) -> ClipFormat {
        if self.pcm() {
            ClipFormat::Pcm {
                rate: self.sample_rate.unwrap_or(24_000),
                channels: 1,
                sample: PcmSample::S16le,
            }
        } else {
            ClipFormat::Wav
        }
    }

    fn model(&self) -> String {
        self.model.clone().unwrap_or_else(|| "tts-1".into())
    }

    fn identity(&self) -> Identity {
        Identity {
            model: self.model.clone(),
            instructions: self.instructions.clone(),
            sample_rate: self.sample_rate,
            ..Identity::default()
        }
    }
}

/// briefcast's own server speaks the same API; its URL is given at start.
impl KindApi for EmbeddedKeys {
    fn api(&self, url: String) -> Box<dyn Api> {
        Box::new(OpenAi {
            url,
            model: self.model(),
            instructions: None,
            format: "wav",
        })
    }

    fn model(&self) -> String {
        self.model.clone().unwrap_or_else(|| "espeak-ng".into())
    }

    fn identity(&self) -> Identity {
        Identity {
            model: self.model.clone(),
            ..Identity::default()
        }
    }
}

impl Api for OpenAi {
    fn request(&self, http: &Client, request: &ClipRequest, key: Option<&str>) -> RequestBuilder {
        let body = SpeechBody {
            model: &self.model,
            input: &request.text,
            voice: &request.voice,
            speed: request.speed,
            response_format: self.format,
            instructions: self.instructions.as_deref(),
        };
        let builder = http.post(&self.url).json(&body);
        match key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }
}

/// `https://host` or `https://host/` → `https://host/v1/audio/speech`; a URL
/// that already names a path is used as it is.
pub(super) fn endpoint(url: &str) -> String {
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.split_once("://").map_or(trimmed, |(_, rest)| rest);
    if after_scheme.contains('/') {
        trimmed.to_owned()
    } else {
        format!("{trimmed}/v1/audio/speech")
    }
}

/// The service's own words from an error body: OpenAI's `error.message`,
/// FastAPI's `detail`, a plain `message`, else the first line of text.
pub(super) fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
        for pointer in [
            "/error/message",
            "/detail/message",
            "/detail",
            "/message",
            "/error",
        ] {
            match json.pointer(pointer) {
                Some(serde_json::Value::String(s)) => return first_line(s),
                Some(v) if pointer == "/detail" && !v.is_null() => {
                    return first_line(&v.to_string())
                }
                _ => {}
            }
        }
    }
    match crate::util::sniff(body) {
        // An error page: its words, not its first tag.
        crate::util::BodyKind::Html | crate::util::BodyKind::Xml => crate::util::describe(body, ""),
        _ => first_line(&text),
    }
}

fn first_line(text: &str) -> String {
    crate::util::first_line(text, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            endpoint("https://api.openai.com"),
            "https://api.openai.com/v1/audio/speech"
        );
        assert_eq!(
            endpoint("http://127.0.0.1:8880/"),
            "http://127.0.0.1:8880/v1/audio/speech"
        );
        assert_eq!(endpoint("http://h/tts/speak"), "http://h/tts/speak");
    }

    #[test]
    fn error_messages_from_known_shapes() {
        assert_eq!(
            error_message(br#"{"error":{"message":"Invalid key","type":"x"}}"#),
            "Invalid key"
        );
        assert_eq!(error_message(br#"{"detail":"Not found"}"#), "Not found");
        assert_eq!(
            error_message(br#"{"detail":{"message":"bad voice"}}"#),
            "bad voice"
        );
        assert_eq!(
            error_message(b"\n<html>\n<body>Bad gateway</body>"),
            "an HTML page, 32 bytes: \"Bad gateway\""
        );
        assert_eq!(error_message(b""), "(empty body)");
    }
}
