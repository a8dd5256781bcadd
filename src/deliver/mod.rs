//! Delivery: published episodes into the places a station's playout
//! system loads audio from.
//!
//! Given one `[deliver.NAME]` target (its own configuration only) and an
//! episode's file (name, bytes), puts it there: a watch folder (`folder`:
//! a hidden temporary name on the target filesystem, written, flushed,
//! renamed, so an importer never sees half a file), LibreTime's media
//! upload (`libretime`) or AzuraCast's station files API (`azuracast`).
//! Keys come from the environment, ride only to the configured origin
//! (`util::keyed_redirect_policy`) and are redacted from every message;
//! requests are retried as synthesis requests are (`util::retry`).
//! Deciding what is new or changed, and recording what was delivered, is
//! the pipeline's.

mod azuracast;
mod folder;
mod http;
mod libretime;

use std::path::PathBuf;

use crate::config::{DeliverConfig, DeliverKind};

pub use folder::remove_stale_temporaries;

#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error("[deliver.{target}] api-key-env = {var} is not set in the environment")]
    MissingKey { target: String, var: String },
    #[error("{target}: cannot write {}: {source}", path.display())]
    Io {
        target: String,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{target}: HTTP {status}: {message}")]
    Http {
        target: String,
        status: u16,
        message: String,
    },
    #[error("{target}: redirected from {from} to {to}, another origin; the key is not sent there (set url to the address that answers)")]
    CrossOriginRedirect {
        target: String,
        from: String,
        to: String,
    },
    #[error("{target}: no answer within {timeout_ms} ms")]
    Timeout { target: String, timeout_ms: u64 },
    #[error("{target}: {message}")]
    Network { target: String, message: String },
    #[error("{target}: unexpected answer: {reason}")]
    Answer { target: String, reason: String },
    #[error("{target}: cannot start an HTTP client: {message}")]
    Client { target: String, message: String },
}

impl DeliverError {
    fn is_retryable(&self) -> bool {
        match self {
            DeliverError::Http { status, .. } => crate::util::retry::is_retryable_status(*status),
            DeliverError::Timeout { .. } | DeliverError::Network { .. } => true,
            _ => false,
        }
    }
}

/// What a delivery left at the target: the name it has there, and the
/// id the server gave it (LibreTime, AzuraCast), to replace it next time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub name: String,
    pub id: Option<String>,
    /// What went wrong after the file was in (an earlier upload not
    /// removed, a playlist not set): the delivery stands and is recorded,
    /// the run still fails.
    pub problem: Option<String>,
}

/// One configured target, its key read from the environment.
pub struct Target {
    name: String,
    config: DeliverConfig,
    /// The watch folder, resolved against voices.toml's folder.
    folder: Option<PathBuf>,
    http: Option<http::Client>,
}

impl Target {
    /// Reads the key (an unset variable is an error before anything is
    /// sent) and starts the HTTP client of an API target.
    pub fn new(
        name: &str,
        config: &DeliverConfig,
        folder: Option<PathBuf>,
    ) -> Result<Target, DeliverError> {
        let http = match (config.kind, &config.api_key_env) {
            (DeliverKind::Folder, _) | (_, None) => None,
            (_, Some(var)) => {
                let key = std::env::var(var)
                    .ok()
                    .filter(|k| !k.is_empty())
                    .ok_or_else(|| DeliverError::MissingKey {
                        target: name.to_owned(),
                        var: var.clone(),
                    })?;
                Some(http::Client::new(name, config, key)?)
            }
        };
        Ok(Target {
            name: name.to_owned(),
            config: config.clone(),
            folder,
            http,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn kind(&self) -> DeliverKind {
        self.config.kind
    }

    /// Where a file of this name lands: its name, or for AzuraCast its
    /// path in the station's media (`folder/name`).
    pub fn place(&self, file_name: &str) -> String {
        match self.config.folder.as_deref().map(|f| f.trim_matches('/')) {
            Some(folder) if !folder.is_empty() && self.config.kind == DeliverKind::Azuracast => {
                format!("{folder}/{file_name}")
            }
            _ => file_name.to_owned(),
        }
    }

    /// Whether the key an API target needs is in the environment (checked
    /// before a build spends anything).
    pub fn check_key(name: &str, config: &DeliverConfig) -> Result<(), DeliverError> {
        match (config.kind, &config.api_key_env) {
            (DeliverKind::Folder, _) | (_, None) => Ok(()),
            (_, Some(var)) if std::env::var(var).is_ok_and(|k| !k.is_empty()) => Ok(()),
            (_, Some(var)) => Err(DeliverError::MissingKey {
                target: name.to_owned(),
                var: var.clone(),
            }),
        }
    }

    /// Puts `bytes` at the target under `file_name`; `previous` is what an
    /// earlier delivery of the same episode left there (replaced, not
    /// duplicated, where the target allows).
    pub async fn deliver(
        &self,
        file_name: &str,
        bytes: &[u8],
        previous: Option<&Placed>,
    ) -> Result<Placed, DeliverError> {
        match (self.config.kind, &self.folder, &self.http) {
            (DeliverKind::Folder, Some(dir), _) => {
                let (dir, name, bytes) = (dir.clone(), file_name.to_owned(), bytes.to_vec());
                let target = self.name.clone();
                tokio::task::spawn_blocking(move || folder::deliver(&target, &dir, &name, &bytes))
                    .await
                    .unwrap_or_else(|e| {
                        Err(DeliverError::Io {
                            target: self.name.clone(),
                            path: file_name.into(),
                            source: std::io::Error::other(e.to_string()),
                        })
                    })
            }
            (DeliverKind::Libretime, _, Some(client)) => {
                libretime::deliver(client, file_name, bytes, previous).await
            }
            (DeliverKind::Azuracast, _, Some(client)) => {
                azuracast::deliver(client, &self.config, file_name, bytes).await
            }
            _ => Err(DeliverError::Answer {
                target: self.name.clone(),
                reason: "the target is not configured for its kind".into(),
            }),
        }
    }
}
