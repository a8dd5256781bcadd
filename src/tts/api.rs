//! The request and answer shapes of every service kind, behind one trait:
//! the client only asks "the request for this clip" and "the audio in this
//! answer". Each kind lives in its own file.

use reqwest::{Client, RequestBuilder};

use super::{azure, google, marytts, openai, template, ClipRequest};
use crate::config::{ServiceConfig, ServiceKind};
use crate::model::ClipFormat;

pub(crate) trait Api: Send + Sync {
    /// The HTTP request for one clip; `key` is the API key, if any.
    fn request(&self, http: &Client, request: &ClipRequest, key: Option<&str>) -> RequestBuilder;

    /// The audio in a successful (2xx) answer, or why there is none. By
    /// default the body is the audio; whether it really is audio is judged
    /// from its bytes afterwards, whatever `content_type` says.
    fn audio(&self, body: Vec<u8>, _content_type: &str) -> Result<Vec<u8>, String> {
        Ok(body)
    }

    /// The service's own words from an error body.
    fn error_message(&self, body: &[u8]) -> String {
        openai::error_message(body)
    }
}

/// The endpoint a service is asked at (the embedded one is given its URL).
pub(crate) fn endpoint(config: &ServiceConfig) -> String {
    let url = config.url.clone().unwrap_or_default();
    match config.kind {
        ServiceKind::Embedded => url,
        ServiceKind::Openai => openai::endpoint(&url),
        ServiceKind::Azure => azure::endpoint(config),
        ServiceKind::Google => google::endpoint(config),
        ServiceKind::Marytts => marytts::endpoint(&url),
        ServiceKind::Template => url,
    }
}

/// The format of a successful answer's audio.
pub(crate) fn clip_format(config: &ServiceConfig) -> ClipFormat {
    match config.kind {
        ServiceKind::Azure => azure::clip_format(config),
        _ if config.pcm() => ClipFormat::Pcm {
            rate: config.sample_rate.unwrap_or(24_000),
            channels: config.pcm_channels,
            sample: config.pcm_sample,
        },
        _ => ClipFormat::Wav,
    }
}

/// The request shape for a service at `url`.
pub(crate) fn api_for(config: &ServiceConfig, url: String) -> Box<dyn Api> {
    match config.kind {
        ServiceKind::Embedded | ServiceKind::Openai => Box::new(openai::OpenAi::new(config, url)),
        ServiceKind::Azure => Box::new(azure::Azure::new(config, url)),
        ServiceKind::Google => Box::new(google::Google::new(config, url)),
        ServiceKind::Marytts => Box::new(marytts::MaryTts::new(config, url)),
        ServiceKind::Template => Box::new(template::Template::new(config, url)),
    }
}

/// Everything besides voice, speed and text that changes a service's sound
/// (never a secret: templates hold `{key}`, not the key).
pub(crate) fn identity(config: &ServiceConfig, url: &str) -> String {
    let parts = [
        config.kind.name().to_owned(),
        url.to_owned(),
        format!("{:?}", config.model),
        format!("{:?}", config.instructions),
        format!("{:?}", config.language),
        format!("{:?}", config.output_format),
        format!("{:?}", config.sample_rate),
        format!(
            "{:?} {:?} {:?}",
            config.method, config.query, config.headers
        ),
        format!(
            "{:?} {:?} {:?} {:?}",
            config.body_kind, config.form, config.json, config.body
        ),
    ];
    parts.join("\u{1f}")
}
