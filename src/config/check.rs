//! `[check]`: how `briefcast check` listens to the clips — the thresholds a
//! segment must meet, and the transcription service (`[check.services.NAME]`,
//! its own kinds, separate from the speech services) that hears them.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct CheckConfig {
    /// The transcription service to use, one of `[check.services.*]`.
    pub service: Option<String>,
    /// Highest character error rate a Mandarin segment may have.
    pub max_cer: f64,
    /// Highest word error rate an English segment may have.
    pub max_wer: f64,
    pub services: BTreeMap<String, TranscriberConfig>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        Self {
            service: None,
            max_cer: 0.15,
            max_wer: 0.20,
            services: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TranscriberKind {
    /// POST /v1/audio/transcriptions (OpenAI, faster-whisper-server,
    /// speaches, LocalAI): multipart `file`, `model`, `language`; JSON `text`.
    Openai,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TranscriberConfig {
    pub kind: TranscriberKind,
    /// Endpoint; a bare origin gets `/v1/audio/transcriptions`.
    pub url: String,
    #[serde(default = "default_model")]
    pub model: String,
    /// Name of the environment variable holding the API key (never the key).
    pub api_key_env: Option<String>,
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    #[serde(default = "default_retries")]
    pub retries: u32,
}

fn default_model() -> String {
    "whisper-1".into()
}
fn default_concurrency() -> usize {
    2
}
fn default_timeout_ms() -> u64 {
    120_000
}
fn default_retries() -> u32 {
    2
}

impl CheckConfig {
    /// The configured transcription service, by name.
    pub fn transcriber(&self) -> Option<(&str, &TranscriberConfig)> {
        let name = self.service.as_deref()?;
        self.services
            .get_key_value(name)
            .map(|(n, c)| (n.as_str(), c))
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        for (key, value) in [("max-cer", self.max_cer), ("max-wer", self.max_wer)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(format!("[check] {key} = {value} must lie in 0..1"));
            }
        }
        if let Some(name) = &self.service {
            if !self.services.contains_key(name) {
                let known: Vec<&str> = self.services.keys().map(String::as_str).collect();
                let known = if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                };
                return Err(format!(
                    "[check] service = \"{name}\" is not defined under [check.services] (known: {known})"
                ));
            }
        }
        for (name, service) in &self.services {
            let at = |message: &str| format!("[check.services.{name}] {message}");
            if !(service.url.starts_with("http://") || service.url.starts_with("https://")) {
                return Err(at("url must start with http:// or https://"));
            }
            if service.concurrency == 0 {
                return Err(at("concurrency must be at least 1"));
            }
            if service.timeout_ms == 0 {
                return Err(at("timeout-ms must be at least 1"));
            }
        }
        Ok(())
    }
}
