//! `[services.NAME]`: one text-to-speech endpoint each, of one kind.
//!
//! Every kind shares the limits (concurrency, requests per minute, length,
//! timeout, retries) and the plausibility bounds for returned audio; the
//! other keys belong to one kind and are refused elsewhere, so a typo or a
//! key meant for another kind is an error rather than silently ignored.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::PcmSample;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    /// briefcast's own espeak-ng server, started on 127.0.0.1 for the build.
    Embedded,
    /// POST /v1/audio/speech (OpenAI and the local servers that copy it).
    Openai,
    /// Azure AI Speech: SSML POST to {region}.tts.speech.microsoft.com.
    Azure,
    /// Google Cloud text:synthesize, LINEAR16 in base64 JSON.
    Google,
    /// MaryTTS /process.
    Marytts,
    /// Any other HTTP service, described by templates.
    Template,
}

impl ServiceKind {
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::Embedded => "embedded",
            ServiceKind::Openai => "openai",
            ServiceKind::Azure => "azure",
            ServiceKind::Google => "google",
            ServiceKind::Marytts => "marytts",
            ServiceKind::Template => "template",
        }
    }

    /// The speeds a service of this kind takes, as its API documents them
    /// (the embedded espeak-ng clamps its rate outside 0.46–2.9).
    pub fn speeds(self) -> std::ops::RangeInclusive<f32> {
        match self {
            ServiceKind::Openai | ServiceKind::Google | ServiceKind::Template => 0.25..=4.0,
            ServiceKind::Azure => 0.5..=2.0,
            ServiceKind::Embedded => 0.5..=2.5,
            // MaryTTS has no speed parameter.
            ServiceKind::Marytts => 1.0..=1.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseFormat {
    Wav,
    /// Raw signed 16-bit little-endian mono at `sample-rate`.
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

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServiceConfig {
    pub kind: ServiceKind,
    /// Endpoint; not used by `embedded`. For `openai` a bare origin gets
    /// `/v1/audio/speech`; for `azure` it replaces the one made from `region`.
    pub url: Option<String>,
    /// Name of the environment variable holding the API key (never the key).
    pub api_key_env: Option<String>,
    pub concurrency: Option<usize>,
    /// Token bucket: at most this many requests start per minute.
    pub requests_per_minute: Option<u32>,
    /// How long one request may take; see [`ServiceConfig::timeout_ms`].
    pub timeout_ms: Option<u64>,
    /// Longest text one request may carry, in characters…
    pub max_chars: Option<usize>,
    /// …and in UTF-8 bytes (Google counts bytes).
    pub max_bytes: Option<usize>,
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// A `Retry-After` asking for longer than this fails the segment at once.
    #[serde(default = "default_max_retry_after_ms")]
    pub max_retry_after_ms: u64,
    /// Plausible clip length per character of text sent, in seconds: a
    /// shorter clip is truncated, a longer one has run away.
    #[serde(default = "default_min_seconds_per_char")]
    pub min_seconds_per_char: f64,
    #[serde(default = "default_max_seconds_per_char")]
    pub max_seconds_per_char: f64,
    /// Whether the same request always gives the same sound (espeak-ng
    /// does; many neural voices do not). `build --check --retake N` asks a
    /// non-deterministic service again for a clip that failed the check.
    #[serde(default = "default_deterministic")]
    pub deterministic: bool,

    /// openai: model and style instructions.
    pub model: Option<String>,
    pub instructions: Option<String>,
    /// openai and template: wav (default) or raw pcm at `sample-rate`.
    pub response_format: Option<ResponseFormat>,
    /// Rate of raw PCM, or the rate asked of google.
    pub sample_rate: Option<u32>,
    /// Layout of raw PCM answers (template): channels and sample format.
    #[serde(default = "default_pcm_channels")]
    pub pcm_channels: u16,
    #[serde(default = "default_pcm_sample")]
    pub pcm_sample: PcmSample,
    /// google: send the key as `Authorization: Bearer` (an OAuth access
    /// token) instead of `X-Goog-Api-Key`.
    #[serde(default)]
    pub bearer: bool,
    /// azure region (e.g. eastasia) and output format.
    pub region: Option<String>,
    pub output_format: Option<String>,
    /// azure xml:lang, google languageCode, marytts LOCALE, template {lang}.
    pub language: Option<String>,

    /// template: how to ask.
    pub method: Option<HttpMethod>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    pub body_kind: Option<BodyKind>,
    /// template form or JSON fields, or the text body.
    #[serde(default)]
    pub form: BTreeMap<String, String>,
    pub json: Option<toml::Table>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    /// template: how to read the answer.
    pub response: Option<ResponseKind>,
    pub audio_path: Option<String>,
    /// A JSON path whose presence means failure even under HTTP 200.
    pub error_path: Option<String>,
}

fn default_pcm_channels() -> u16 {
    1
}
fn default_pcm_sample() -> PcmSample {
    PcmSample::S16le
}
/// Retries beyond this turn a dead service into a build that never ends.
const MAX_RETRIES: u32 = 100;

fn default_retries() -> u32 {
    4
}
fn default_max_retry_after_ms() -> u64 {
    300_000
}
fn default_min_seconds_per_char() -> f64 {
    0.02
}
fn default_max_seconds_per_char() -> f64 {
    2.0
}
fn default_deterministic() -> bool {
    true
}

impl ServiceConfig {
    /// The configured timeout, else one minute for a remote service and ten
    /// for the embedded one, whose neural voices read a long sentence for
    /// minutes on a small machine that is busy with other work.
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms.unwrap_or(match self.kind {
            ServiceKind::Embedded => 600_000,
            _ => 60_000,
        })
    }

    /// Requests in flight at once: the configured value, else 4 for remote
    /// services and one per core for the embedded one.
    pub fn effective_concurrency(&self) -> usize {
        self.concurrency.unwrap_or(match self.kind {
            ServiceKind::Embedded => std::thread::available_parallelism().map_or(2, |n| n.get()),
            _ => 4,
        })
    }

    /// Characters per request: the configured value or the kind's documented limit.
    pub fn effective_max_chars(&self) -> usize {
        self.max_chars.unwrap_or(match self.kind {
            ServiceKind::Embedded => 200,
            ServiceKind::Openai => 4096,
            ServiceKind::Azure | ServiceKind::Marytts | ServiceKind::Template => 1000,
            ServiceKind::Google => 5000,
        })
    }

    /// Bytes per request: Google's documented 5000, else no byte limit.
    pub fn effective_max_bytes(&self) -> usize {
        self.max_bytes.unwrap_or(match self.kind {
            ServiceKind::Google => 5000,
            _ => usize::MAX,
        })
    }

    /// The format of a successful answer's audio.
    pub fn pcm(&self) -> bool {
        self.response_format == Some(ResponseFormat::Pcm)
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        if self.concurrency == Some(0) {
            return Err("concurrency must be at least 1".into());
        }
        if self.requests_per_minute == Some(0) {
            return Err("requests-per-minute must be at least 1".into());
        }
        if self.timeout_ms == Some(0) {
            return Err("timeout-ms must be at least 1".into());
        }
        if self.max_chars == Some(0) || self.max_bytes == Some(0) {
            return Err("max-chars and max-bytes must be at least 1".into());
        }
        if !(self.min_seconds_per_char >= 0.0
            && self.max_seconds_per_char > self.min_seconds_per_char)
        {
            return Err(
                "min-seconds-per-char must be at least 0 and below max-seconds-per-char".into(),
            );
        }
        let kind = self.kind;
        let only = |present: bool, key: &str, kinds: &[ServiceKind]| {
            if present && !kinds.contains(&kind) {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                return Err(format!(
                    "`{key}` is for kind {}, not {}",
                    names.join(" or "),
                    kind.name()
                ));
            }
            Ok(())
        };
        use ServiceKind::*;
        only(self.model.is_some(), "model", &[Openai, Embedded])?;
        only(self.instructions.is_some(), "instructions", &[Openai])?;
        only(
            self.response_format.is_some(),
            "response-format",
            &[Openai, Template],
        )?;
        only(self.region.is_some(), "region", &[Azure])?;
        only(self.output_format.is_some(), "output-format", &[Azure])?;
        only(
            self.sample_rate.is_some(),
            "sample-rate",
            &[Openai, Google, Template],
        )?;
        only(self.bearer, "bearer", &[Google])?;
        let layout = self.pcm_channels != 1 || self.pcm_sample != PcmSample::S16le;
        only(layout, "pcm-channels and pcm-sample", &[Template])?;
        // The layouts the decoder takes: anything else could only fail later.
        use crate::model::{PLAUSIBLE_CHANNELS, PLAUSIBLE_RATES};
        if !PLAUSIBLE_CHANNELS.contains(&self.pcm_channels) {
            return Err(format!(
                "pcm-channels must be {} to {}",
                PLAUSIBLE_CHANNELS.start(),
                PLAUSIBLE_CHANNELS.end()
            ));
        }
        if let Some(rate) = self.sample_rate.filter(|r| !PLAUSIBLE_RATES.contains(r)) {
            return Err(format!(
                "sample-rate = {rate} is no rate a speech service sends ({} to {})",
                PLAUSIBLE_RATES.start(),
                PLAUSIBLE_RATES.end()
            ));
        }
        if self.retries > MAX_RETRIES {
            return Err(format!(
                "retries = {} is more than a build can wait for (at most {MAX_RETRIES})",
                self.retries
            ));
        }
        let template_keys = [
            (self.method.is_some(), "method"),
            (!self.headers.is_empty(), "headers"),
            (!self.query.is_empty(), "query"),
            (self.body_kind.is_some(), "body-kind"),
            (!self.form.is_empty(), "form"),
            (self.json.is_some(), "json"),
            (self.body.is_some(), "body"),
            (self.content_type.is_some(), "content-type"),
            (self.response.is_some(), "response"),
            (self.audio_path.is_some(), "audio-path"),
            (self.error_path.is_some(), "error-path"),
        ];
        for (present, key) in template_keys {
            only(present, key, &[Template])?;
        }
        match kind {
            Embedded => {}
            Azure if self.url.is_none() && self.region.is_none() => {
                return Err("needs a region (e.g. region = \"eastasia\") or a url".into())
            }
            Azure => {}
            Google => {}
            _ if self.url.is_none() => return Err("needs a url".into()),
            _ => {}
        }
        if kind == Template {
            if self.response == Some(ResponseKind::JsonBase64) && self.audio_path.is_none() {
                return Err(
                    "response = \"json-base64\" needs audio-path (e.g. \"Response.Audio\")".into(),
                );
            }
            let body = match self.body_kind {
                Some(BodyKind::Form) => !self.form.is_empty(),
                Some(BodyKind::Json) => self.json.is_some(),
                Some(BodyKind::Text) => self.body.is_some(),
                None => !self.form.is_empty() || self.json.is_some() || self.body.is_some(),
            };
            if self.body_kind.is_some() && !body {
                return Err("body-kind names a body that is not given (form, json or body)".into());
            }
        }
        if (self.pcm() || kind == Google)
            && kind != Openai
            && self.sample_rate.is_none()
            && kind != Google
        {
            return Err("response-format = \"pcm\" needs sample-rate".into());
        }
        Ok(())
    }
}
