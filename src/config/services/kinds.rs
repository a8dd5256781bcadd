//! The keys each kind of service alone takes, one struct per kind, and
//! what configuration knows of each kind ([`Kind`]): its name, the speeds
//! its API documents, its defaults and the checks of its keys. A new kind
//! is a struct and an `impl Kind` here, a variant of
//! [`ServiceKind`](super::ServiceKind), and its request shape in `tts/`.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::Deserialize;

use super::{keys_of, Common, KeyError, Kind};
use crate::model::PcmSample;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EmbeddedKeys {
    /// The model name sent (default `espeak-ng`); the voice name picks the engine.
    pub model: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct OpenAiKeys {
    /// Model (default `tts-1`) and style instructions.
    pub model: Option<String>,
    pub instructions: Option<String>,
    /// wav (default) or raw pcm at `sample-rate` (default 24000).
    pub response_format: Option<ResponseFormat>,
    pub sample_rate: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AzureKeys {
    /// The region (e.g. eastasia) the endpoint is made from, unless `url` is set.
    pub region: Option<String>,
    pub output_format: Option<String>,
    /// xml:lang of the SSML.
    pub language: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GoogleKeys {
    /// The rate asked for.
    pub sample_rate: Option<u32>,
    /// Send the key as `Authorization: Bearer` (an OAuth access token)
    /// instead of `X-Goog-Api-Key`.
    #[serde(default)]
    pub bearer: bool,
    /// languageCode.
    pub language: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MaryTtsKeys {
    /// LOCALE.
    pub language: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TemplateKeys {
    /// wav (default) or raw pcm at `sample-rate`, laid out as
    /// `pcm-channels` and `pcm-sample`.
    pub response_format: Option<ResponseFormat>,
    pub sample_rate: Option<u32>,
    #[serde(default = "default_pcm_channels")]
    pub pcm_channels: u16,
    #[serde(default = "default_pcm_sample")]
    pub pcm_sample: PcmSample,
    /// What `{lang}` stands for.
    pub language: Option<String>,
    /// How to ask.
    pub method: Option<HttpMethod>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    pub body_kind: Option<BodyKind>,
    /// Form or JSON fields, or the text body.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    pub json: Option<toml::Table>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    /// How to read the answer.
    pub response: Option<ResponseKind>,
    pub audio_path: Option<String>,
    /// A JSON path whose presence means failure even under HTTP 200.
    pub error_path: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseFormat {
    Wav,
    /// Raw PCM at `sample-rate`.
    Pcm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    Form,
    Json,
    /// The `body` string as it is (XML-escaped placeholders when the
    /// content type is XML).
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseKind {
    /// The body is the audio.
    Audio,
    /// The body is JSON with base64 audio at `audio-path`.
    JsonBase64,
}

fn default_pcm_channels() -> u16 {
    1
}
fn default_pcm_sample() -> PcmSample {
    PcmSample::S16le
}
impl Kind for EmbeddedKeys {
    fn name(&self) -> &'static str {
        "embedded"
    }
    /// espeak-ng clamps its rate outside 0.46–2.9.
    fn speeds(&self) -> RangeInclusive<f32> {
        0.5..=2.5
    }
    fn max_chars(&self) -> usize {
        200
    }
    /// Its neural voices read a long sentence for minutes on a small
    /// machine that is busy with other work.
    fn timeout_ms(&self) -> u64 {
        600_000
    }
    /// One per core.
    fn concurrency(&self) -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }
    fn keys(&self) -> &'static [&'static str] {
        keys_of::<Self>()
    }
    fn validate(&self, common: &Common) -> Result<(), KeyError> {
        match common.url {
            Some(_) => Err((
                Some("url"),
                "`url` is not for kind embedded: briefcast starts it on 127.0.0.1".into(),
            )),
            None => Ok(()),
        }
    }
}

impl Kind for OpenAiKeys {
    fn name(&self) -> &'static str {
        "openai"
    }
    fn speeds(&self) -> RangeInclusive<f32> {
        0.25..=4.0
    }
    fn max_chars(&self) -> usize {
        4096
    }
    fn keys(&self) -> &'static [&'static str] {
        keys_of::<Self>()
    }
    fn validate(&self, common: &Common) -> Result<(), KeyError> {
        needs_url(common)?;
        plausible_rate(self.sample_rate)
    }
}

impl Kind for AzureKeys {
    fn name(&self) -> &'static str {
        "azure"
    }
    fn speeds(&self) -> RangeInclusive<f32> {
        0.5..=2.0
    }
    fn max_chars(&self) -> usize {
        1000
    }
    fn keys(&self) -> &'static [&'static str] {
        keys_of::<Self>()
    }
    fn validate(&self, common: &Common) -> Result<(), KeyError> {
        if common.url.is_none() && self.region.is_none() {
            return Err((
                None,
                "needs a region (e.g. region = \"eastasia\") or a url".into(),
            ));
        }
        Ok(())
    }
}

impl Kind for GoogleKeys {
    fn name(&self) -> &'static str {
        "google"
    }
    fn speeds(&self) -> RangeInclusive<f32> {
        0.25..=4.0
    }
    fn max_chars(&self) -> usize {
        5000
    }
    /// Google's documented limit is 5000 bytes.
    fn max_bytes(&self) -> usize {
        5000
    }
    fn keys(&self) -> &'static [&'static str] {
        keys_of::<Self>()
    }
    fn validate(&self, _common: &Common) -> Result<(), KeyError> {
        plausible_rate(self.sample_rate)
    }
}

impl Kind for MaryTtsKeys {
    fn name(&self) -> &'static str {
        "marytts"
    }
    /// MaryTTS has no speed parameter.
    fn speeds(&self) -> RangeInclusive<f32> {
        1.0..=1.0
    }
    fn max_chars(&self) -> usize {
        1000
    }
    fn keys(&self) -> &'static [&'static str] {
        keys_of::<Self>()
    }
    fn validate(&self, common: &Common) -> Result<(), KeyError> {
        needs_url(common)
    }
}

impl Kind for TemplateKeys {
    fn name(&self) -> &'static str {
        "template"
    }
    fn speeds(&self) -> RangeInclusive<f32> {
        0.25..=4.0
    }
    fn max_chars(&self) -> usize {
        1000
    }
    fn keys(&self) -> &'static [&'static str] {
        keys_of::<Self>()
    }
    fn validate(&self, common: &Common) -> Result<(), KeyError> {
        needs_url(common)?;
        // The layouts the decoder takes: anything else could only fail later.
        use crate::model::PLAUSIBLE_CHANNELS;
        if !PLAUSIBLE_CHANNELS.contains(&self.pcm_channels) {
            return Err((
                Some("pcm-channels"),
                format!(
                    "pcm-channels must be {} to {}",
                    PLAUSIBLE_CHANNELS.start(),
                    PLAUSIBLE_CHANNELS.end()
                ),
            ));
        }
        plausible_rate(self.sample_rate)?;
        if self.response == Some(ResponseKind::JsonBase64) && self.audio_path.is_none() {
            return Err((
                Some("response"),
                "response = \"json-base64\" needs audio-path (e.g. \"Response.Audio\")".into(),
            ));
        }
        let body = match self.body_kind {
            Some(BodyKind::Form) => !self.form.is_empty(),
            Some(BodyKind::Json) => self.json.is_some(),
            Some(BodyKind::Text) => self.body.is_some(),
            None => true,
        };
        if !body {
            return Err((
                Some("body-kind"),
                "body-kind names a body that is not given (form, json or body)".into(),
            ));
        }
        if self.response_format == Some(ResponseFormat::Pcm) && self.sample_rate.is_none() {
            return Err((
                Some("response-format"),
                "response-format = \"pcm\" needs sample-rate".into(),
            ));
        }
        Ok(())
    }
}

fn needs_url(common: &Common) -> Result<(), KeyError> {
    match common.url {
        Some(_) => Ok(()),
        None => Err((None, "needs a url".into())),
    }
}

/// A rate the decoder would refuse could only fail later.
fn plausible_rate(rate: Option<u32>) -> Result<(), KeyError> {
    use crate::model::PLAUSIBLE_RATES;
    match rate.filter(|r| !PLAUSIBLE_RATES.contains(r)) {
        Some(rate) => Err((
            Some("sample-rate"),
            format!(
                "sample-rate = {rate} is no rate a speech service sends ({} to {})",
                PLAUSIBLE_RATES.start(),
                PLAUSIBLE_RATES.end()
            ),
        )),
        None => Ok(()),
    }
}
