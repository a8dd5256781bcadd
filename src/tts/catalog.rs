//! What identifies each service's sound, and so every clip's key and its
//! place in the cache. Pure bookkeeping: no requests, no keys read.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::cache::{Cache, ClipKey};
use super::{api, ClipRequest, TtsError};
use crate::config::ServiceConfig;
use crate::model::ClipFormat;

/// Part of every embedded clip's key: what its answers carry. `words1`:
/// the words' times in a `bcwd` chunk, so clips stored before it (with
/// none) are made again.
const EMBEDDED_VERSION: &str = "words1";

#[derive(Debug, Clone)]
struct Entry {
    /// Kind, endpoint (a pool's first: whichever endpoint answers, the
    /// clip is the same) and sound-shaping settings (or espeak-ng's
    /// version): never a secret.
    identity: String,
    model: String,
    format: ClipFormat,
    embedded: bool,
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
                let kind = api::kind_api(&config.kind);
                let identity = if config.is_embedded() {
                    format!("embedded {EMBEDDED_VERSION} {espeak}")
                } else {
                    api::identity(config, &api::endpoint(config))
                };
                let model = kind.model();
                let format = kind.clip_format();
                (
                    name.clone(),
                    Entry {
                        identity,
                        model,
                        format,
                        embedded: config.is_embedded(),
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

    pub fn format(&self, service: &str) -> Result<ClipFormat, TtsError> {
        Ok(self.entry(service)?.format)
    }

    /// The content key of a request's clip: everything that changes the sound.
    pub fn key(&self, request: &ClipRequest) -> Result<ClipKey, TtsError> {
        let entry = self.entry(&request.service)?;
        // A neural voice of the embedded service sounds like its model.
        let identity = match (
            entry.embedded,
            super::embedded::model_identity(&request.voice),
        ) {
            (true, Some(model)) => format!("embedded {EMBEDDED_VERSION} {model}"),
            _ => entry.identity.clone(),
        };
        let format = match entry.format {
            ClipFormat::Wav => "wav".to_owned(),
            ClipFormat::Pcm {
                rate,
                channels,
                sample,
            } => format!("pcm {sample:?} {rate} {channels}"),
        };
        Ok(ClipKey::from_fields(&[
            &identity,
            &entry.model,
            &request.voice,
            &format!("{:.3}", request.speed),
            &format,
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
