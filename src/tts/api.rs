//! The request and answer shapes of every service kind, behind two traits:
//! [`KindApi`] (where a kind is asked, its audio format, what of its keys
//! changes the sound) and [`Api`] (the request for a clip, the audio in an
//! answer). Each kind implements both in its own file; [`kind_api`] is the
//! one place that lists them.

use std::collections::BTreeMap;

use reqwest::{Client, RequestBuilder};

use super::ClipRequest;
use crate::config::{BodyKind, HttpMethod, ServiceConfig, ServiceKind};
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
        super::openai::error_message(body)
    }
}

/// What the tts stage does with one kind's keys.
pub(crate) trait KindApi {
    /// The endpoint asked, from the configured `url` (if any).
    fn endpoint(&self, url: Option<&str>) -> String {
        url.unwrap_or_default().to_owned()
    }

    /// The request shape for a service at `url`.
    fn api(&self, url: String) -> Box<dyn Api>;

    /// The format of a successful answer's audio.
    fn clip_format(&self) -> ClipFormat {
        ClipFormat::Wav
    }

    /// The model name a request carries (empty where the API has none).
    fn model(&self) -> String {
        String::new()
    }

    /// The keys besides the endpoint that change the sound.
    fn identity(&self) -> Identity {
        Identity::default()
    }
}

/// The one list of kinds on the tts side.
pub(crate) fn kind_api(kind: &ServiceKind) -> &dyn KindApi {
    match kind {
        ServiceKind::Embedded(keys) => keys,
        ServiceKind::Openai(keys) => keys,
        ServiceKind::Azure(keys) => keys,
        ServiceKind::Google(keys) => keys,
        ServiceKind::Marytts(keys) => keys,
        ServiceKind::Template(keys) => keys,
    }
}

/// The endpoint a service is known by: its first (the embedded one is
/// given its URL). A pool's clips are keyed by it alone, as if it were
/// the only one, so a pool may grow without changing a key.
pub(crate) fn endpoint(config: &ServiceConfig) -> String {
    kind_api(&config.kind).endpoint(config.common.url.as_ref().map(|urls| urls.first()))
}

/// Every endpoint a service is asked at, in the order listed: the kind's
/// own (azure's from its region, google's default) when none is.
pub(crate) fn endpoints(config: &ServiceConfig) -> Vec<String> {
    let kind = kind_api(&config.kind);
    match config.common.urls() {
        [] => vec![kind.endpoint(None)],
        urls => urls.iter().map(|url| kind.endpoint(Some(url))).collect(),
    }
}

/// Keys that shape a service's sound, each kind filling in its own: the
/// clip key is made from all of them, so it stays the same for a service
/// whatever kind-specific keys others have (never a secret: templates hold
/// `{key}`, not the key).
#[derive(Debug, Default)]
pub(crate) struct Identity {
    pub(crate) model: Option<String>,
    pub(crate) instructions: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) output_format: Option<String>,
    pub(crate) sample_rate: Option<u32>,
    pub(crate) method: Option<HttpMethod>,
    pub(crate) query: BTreeMap<String, String>,
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body_kind: Option<BodyKind>,
    pub(crate) form: BTreeMap<String, String>,
    pub(crate) json: Option<toml::Table>,
    pub(crate) body: Option<String>,
}

/// Everything besides voice, speed and text that changes a service's sound.
pub(crate) fn identity(config: &ServiceConfig, url: &str) -> String {
    let id = kind_api(&config.kind).identity();
    let parts = [
        config.kind.name().to_owned(),
        url.to_owned(),
        format!("{:?}", id.model),
        format!("{:?}", id.instructions),
        format!("{:?}", id.language),
        format!("{:?}", id.output_format),
        format!("{:?}", id.sample_rate),
        format!("{:?} {:?} {:?}", id.method, id.query, id.headers),
        format!(
            "{:?} {:?} {:?} {:?}",
            id.body_kind, id.form, id.json, id.body
        ),
    ];
    parts.join("\u{1f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(text: &str) -> ServiceConfig {
        toml::from_str(text).expect("a service")
    }

    /// The identity is part of every clip key: these strings are what the
    /// flat configuration of earlier versions gave, so caches stay valid.
    #[test]
    fn identities_are_those_of_earlier_versions() {
        let openai = service("kind = \"openai\"\nurl = \"http://h\"\nmodel = \"tts-1-hd\"\nsample-rate = 24000\nresponse-format = \"pcm\"");
        assert_eq!(
            identity(&openai, &endpoint(&openai))
                .split('\u{1f}')
                .collect::<Vec<_>>(),
            [
                "openai",
                "http://h/v1/audio/speech",
                "Some(\"tts-1-hd\")",
                "None",
                "None",
                "None",
                "Some(24000)",
                "None {} {}",
                "None {} None None"
            ]
        );
        let template = service(
            "kind = \"template\"\nurl = \"http://h/tts\"\nmethod = \"POST\"\nlanguage = \"zh\"\nquery = { v = \"{voice}\" }\nform = { t = \"{text}\" }",
        );
        assert_eq!(
            identity(&template, &endpoint(&template))
                .split('\u{1f}')
                .collect::<Vec<_>>(),
            [
                "template",
                "http://h/tts",
                "None",
                "None",
                "Some(\"zh\")",
                "None",
                "None",
                "Some(Post) {\"v\": \"{voice}\"} {}",
                "None {\"t\": \"{text}\"} None None"
            ]
        );
        // A pool is keyed by its first endpoint, as if it were alone.
        let pool = service("kind = \"openai\"\nurl = [\"http://h\", \"http://h2:8880\"]\nmodel = \"tts-1-hd\"\nsample-rate = 24000\nresponse-format = \"pcm\"");
        assert_eq!(
            identity(&pool, &endpoint(&pool)),
            identity(&openai, &endpoint(&openai))
        );
        assert_eq!(
            endpoints(&pool),
            ["http://h/v1/audio/speech", "http://h2:8880/v1/audio/speech"]
        );
        let azure = service(
            "kind = \"azure\"\nregion = \"eastasia\"\noutput-format = \"raw-16khz-16bit-mono-pcm\"",
        );
        assert_eq!(
            endpoint(&azure),
            "https://eastasia.tts.speech.microsoft.com/cognitiveservices/v1"
        );
        assert_eq!(endpoints(&azure), [endpoint(&azure)]);
        let google = service("kind = \"google\"");
        assert_eq!(
            endpoints(&google),
            ["https://texttospeech.googleapis.com/v1/text:synthesize"]
        );
        assert_eq!(
            kind_api(&azure.kind).clip_format(),
            ClipFormat::Pcm {
                rate: 16_000,
                channels: 1,
                sample: crate::model::PcmSample::S16le
            }
        );
    }
}
