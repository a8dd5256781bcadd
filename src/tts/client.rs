//! The synthesizer: one segment in, one cached clip out.
//!
//! Holds one HTTP client, a slot semaphore per service (its `concurrency`),
//! an optional global cap (`--jobs`), the clip cache and the check that
//! decides whether returned audio is usable. [`Synthesizer::fetch`] is the
//! single segment → clip step; everything above it only sees clips.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;

use super::cache::{Cache, ClipKey};
use super::catalog::Catalog;
use super::embedded::{self, EmbeddedServer};
use super::{openai, retry, TtsError};
use crate::config::{ServiceConfig, ServiceKind};
use crate::model::ClipFormat;

/// Decides whether a response body is usable audio (decodes, not empty or
/// silent). Given by the pipeline, so this stage needs no audio decoder.
pub type Validator = Arc<dyn Fn(&[u8], ClipFormat) -> Result<(), String> + Send + Sync>;

/// What to say, with which voice, on which service.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipRequest {
    pub service: String,
    pub voice: String,
    pub speed: f32,
    /// The exact text sent.
    pub text: String,
}

/// A usable clip in the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredClip {
    pub key: ClipKey,
    pub path: PathBuf,
    pub format: ClipFormat,
    /// True when no request was made for it in this run.
    pub from_cache: bool,
}

struct Service {
    name: String,
    url: String,
    model: String,
    api_key: Option<String>,
    format: ClipFormat,
    timeout: Duration,
    retries: u32,
    slots: Semaphore,
}

pub struct Synthesizer {
    http: reqwest::Client,
    services: BTreeMap<String, Service>,
    jobs: Option<Semaphore>,
    catalog: Catalog,
    validate: Validator,
    /// Multiplies every wait; `BRIEFCAST_TIME_SCALE` shortens them in tests.
    time_scale: f64,
    _embedded: Option<EmbeddedServer>,
}

impl Synthesizer {
    /// Resolve every configured service (API keys from the environment, the
    /// embedded server started if a service needs it). Fails before any
    /// request is made when a key is missing or espeak-ng is absent.
    pub async fn start(
        all: &BTreeMap<String, ServiceConfig>,
        used: &[&str],
        cache: Cache,
        validate: Validator,
        jobs: Option<usize>,
    ) -> Result<Synthesizer, TtsError> {
        let configs: Vec<(&String, &ServiceConfig)> = all
            .iter()
            .filter(|(name, _)| used.contains(&name.as_str()))
            .collect();
        let missing: Vec<(String, String)> = configs
            .iter()
            .filter_map(|(name, c)| {
                let var = c.api_key_env.as_ref()?;
                let set = std::env::var(var).is_ok_and(|v| !v.is_empty());
                (!set).then(|| ((*name).clone(), var.clone()))
            })
            .collect();
        if !missing.is_empty() {
            return Err(TtsError::MissingKeys(missing));
        }
        let needs_embedded = configs.iter().any(|(_, c)| c.kind == ServiceKind::Embedded);
        let (embedded, espeak) = if needs_embedded {
            let version = embedded::espeak_version().await?;
            let server = embedded::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
            (Some(server), version)
        } else {
            (None, String::new())
        };
        let catalog = Catalog::new(all, &espeak, cache);
        let services = configs
            .into_iter()
            .map(|(name, config)| {
                let url = match config.kind {
                    ServiceKind::Embedded => {
                        let addr = embedded.as_ref().map(|s| s.addr).expect("server started");
                        format!("http://{addr}/v1/audio/speech")
                    }
                    ServiceKind::Openai => {
                        openai::endpoint(config.url.as_deref().unwrap_or_default())
                    }
                };
                let service = Service::new(name, config, url, &catalog);
                (name.clone(), service)
            })
            .collect();
        let http = reqwest::Client::builder()
            .user_agent(concat!("briefcast/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TtsError::Client(e.to_string()))?;
        let time_scale = std::env::var("BRIEFCAST_TIME_SCALE")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .unwrap_or(1.0);
        Ok(Synthesizer {
            http,
            services,
            jobs: jobs.map(Semaphore::new),
            catalog,
            validate,
            time_scale,
            _embedded: embedded,
        })
    }

    fn service(&self, name: &str) -> Result<&Service, TtsError> {
        self.services
            .get(name)
            .ok_or_else(|| TtsError::UnknownService(name.to_owned()))
    }

    /// Keys, formats and cache paths of every configured service.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The clip if it is already in the cache and usable (a corrupt entry is
    /// removed and reported as absent).
    pub fn cached(&self, request: &ClipRequest) -> Result<Option<StoredClip>, TtsError> {
        let service = self.service(&request.service)?;
        let key = self.catalog.key(request)?;
        let cache = self.catalog.cache();
        let Some(bytes) = cache.read(&key, service.format) else {
            return Ok(None);
        };
        if let Err(reason) = (self.validate)(&bytes, service.format) {
            tracing::warn!("cached clip {key} is unusable ({reason}); requesting it again");
            cache.remove(&key, service.format);
            return Ok(None);
        }
        Ok(Some(StoredClip {
            path: cache.path(&key, service.format),
            key,
            format: service.format,
            from_cache: true,
        }))
    }

    /// The segment → clip step: from the cache, or from the service with
    /// retries, stored the moment it arrives.
    pub async fn fetch(&self, request: &ClipRequest) -> Result<StoredClip, TtsError> {
        if let Some(clip) = self.cached(request)? {
            return Ok(clip);
        }
        let service = self.service(&request.service)?;
        let key = self.catalog.key(request)?;
        let cache = self.catalog.cache();
        let mut attempt = 0;
        loop {
            let (result, asked_wait) = self.attempt(service, request).await;
            let error = match result {
                Ok(bytes) => {
                    let path = cache
                        .write(&key, service.format, &bytes)
                        .map_err(|source| TtsError::Cache {
                            path: cache.path(&key, service.format),
                            source,
                        })?;
                    return Ok(StoredClip {
                        key,
                        path,
                        format: service.format,
                        from_cache: false,
                    });
                }
                Err(error) => error,
            };
            if !error.is_retryable() || attempt >= service.retries {
                return Err(error);
            }
            let wait = asked_wait.unwrap_or_else(|| retry::backoff(attempt));
            tracing::debug!("{error}; attempt {} in {wait:?}", attempt + 2);
            tokio::time::sleep(wait.mul_f64(self.time_scale)).await;
            attempt += 1;
        }
    }

    /// One request: returns the checked audio bytes, or the error with the
    /// wait the server asked for.
    async fn attempt(
        &self,
        service: &Service,
        request: &ClipRequest,
    ) -> (Result<Vec<u8>, TtsError>, Option<Duration>) {
        let _global = match &self.jobs {
            Some(jobs) => Some(jobs.acquire().await.expect("never closed")),
            None => None,
        };
        let _slot = service.slots.acquire().await.expect("never closed");
        let body = openai::SpeechBody {
            model: &service.model,
            input: &request.text,
            voice: &request.voice,
            speed: request.speed,
            response_format: match service.format {
                ClipFormat::Wav => "wav",
                ClipFormat::PcmS16 { .. } => "pcm",
            },
        };
        let mut builder = self
            .http
            .post(&service.url)
            .timeout(service.timeout)
            .json(&body);
        if let Some(key) = &service.api_key {
            builder = builder.bearer_auth(key);
        }
        let net_error = |e: reqwest::Error| service.transport_error(e);
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return (Err(net_error(e)), None),
        };
        let status = response.status();
        let asked_wait = retry::retry_after(response.headers(), SystemTime::now());
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let bytes = match response.bytes().await {
            Ok(b) => b.to_vec(),
            Err(e) => return (Err(net_error(e)), asked_wait),
        };
        if !status.is_success() {
            let message = service.redact(&openai::error_message(&bytes));
            let error = TtsError::Http {
                service: service.name.clone(),
                status: status.as_u16(),
                message,
            };
            return (Err(error), asked_wait);
        }
        let result = if content_type.starts_with("text/") || content_type.contains("json") {
            Err(format!(
                "expected audio, got {content_type}: {}",
                openai::first_line(&String::from_utf8_lossy(&bytes))
            ))
        } else {
            (self.validate)(&bytes, service.format)
        };
        match result {
            Ok(()) => (Ok(bytes), None),
            Err(reason) => (
                Err(TtsError::Rejected {
                    service: service.name.clone(),
                    reason: service.redact(&reason),
                }),
                None,
            ),
        }
    }
}

impl Service {
    fn new(name: &str, config: &ServiceConfig, url: String, catalog: &Catalog) -> Service {
        Service {
            name: name.to_owned(),
            url,
            model: catalog.model(name).expect("configured").to_owned(),
            api_key: config
                .api_key_env
                .as_ref()
                .and_then(|var| std::env::var(var).ok()),
            format: catalog.format(name).expect("configured"),
            timeout: Duration::from_millis(config.timeout_ms),
            retries: config.retries,
            slots: Semaphore::new(config.effective_concurrency()),
        }
    }

    fn transport_error(&self, error: reqwest::Error) -> TtsError {
        if error.is_timeout() {
            return TtsError::Timeout {
                service: self.name.clone(),
                timeout_ms: self.timeout.as_millis() as u64,
            };
        }
        let mut message = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            message = format!("{message}: {cause}");
            source = cause.source();
        }
        TtsError::Network {
            service: self.name.clone(),
            message: self.redact(&message),
        }
    }

    /// A service may echo the key back; it never reaches a message.
    fn redact(&self, text: &str) -> String {
        match &self.api_key {
            Some(key) if key.len() >= 4 => text.replace(key.as_str(), "[redacted]"),
            _ => text.to_owned(),
        }
    }
}
