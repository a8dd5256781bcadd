//! What identifies each service's sound, and so every clip's key and its
//! place in the cache. Pure bookkeeping: no requests, no keys read.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::cache::{Cache, ClipKey};
use super::{openai, ClipRequest, TtsError};
use crate::config::{ResponseFormat, ServiceConfig, ServiceKind};
use crate::model::ClipFormat;

#[derive(Debug, Clone)]
struct Entry {
    /// Kind and endpoint (or espeak-ng's version): never a secret.
    identity: String,
    model: String,
    format: ClipFormat,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    entries: BTreeMap<String, Entry>,
    cache: Cache,
}

impl Catalog {
    /// `espeak` is espeak-ng's version line: a new espeak-ng sounds different,
    /// so it is part of the embedded service's identity.
    pub fn new(configs: &BTreeMap<String, ServiceConfig>, espeak: &str, cache: Cache) -> Catalog {
        let entries = configs
            .iter()
            .map(|(name, config)| {
                let (identity, default_model) = match config.kind {
                    ServiceKind::Embedded => (format!("embedded {espeak}"), "espeak-ng"),
                    ServiceKind::Openai => (
                        format!(
                            "openai {}",
                            openai::endpoint(config.url.as_deref().unwrap_or_default())
                        ),
                        "tts-1",
                    ),
                };
                let format = match config.response_format {
                    ResponseFormat::Wav => ClipFormat::Wav,
                    ResponseFormat::Pcm => ClipFormat::PcmS16 { rate: 24_000 },
                };
                let model = config.model.clone().unwrap_or_else(|| default_model.into());
                (
                    name.clone(),
                    Entry {
                        identity,
                        model,
                        format,
                    },
                )
            })
            .collect();
        Catalog { entries, cache }
    }

    fn entry(&self, service: &str) -> Result<&Entry, TtsError> {
        self.entries
            .get(service)
            .ok_or_else(|| TtsError::UnknownService(service.to_owned()))
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    pub fn model(&self, service: &str) -> Result<&str, TtsError> {
        Ok(&self.entry(service)?.model)
    }

    pub fn format(&self, service: &str) -> Result<ClipFormat, TtsError> {
        Ok(self.entry(service)?.format)
    }

    /// The content key of a request's clip: everything that changes the sound.
    pub fn key(&self, request: &ClipRequest) -> Result<ClipKey, TtsError> {
        let entry = self.entry(&request.service)?;
        Ok(ClipKey::from_fields(&[
            &entry.identity,
            &entry.model,
            &request.voice,
            &format!("{:.3}", request.speed),
            match entry.format {
                ClipFormat::Wav => "wav",
                ClipFormat::PcmS16 { .. } => "pcm_s16le",
            },
            &request.text,
        ]))
    }

    /// Where the request's clip is stored, if it is (existence only; the
    /// synthesizer checks that it decodes before using it).
    pub fn stored(&self, request: &ClipRequest) -> Result<Option<PathBuf>, TtsError> {
        let path = self
            .cache
            .path(&self.key(request)?, self.format(&request.service)?);
        Ok(path.is_file().then_some(path))
    }
}
