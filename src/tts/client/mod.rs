//! The synthesizer: one segment in, one cached clip out.
//!
//! Holds one HTTP client, per service its endpoints ([`Pool`](super::pool::Pool): one or
//! several URLs, each with a slot semaphore of the service's `concurrency`)
//! and a token bucket (`requests-per-minute`), an optional global cap
//! (`--jobs`), the clip cache, and the check that decides whether returned
//! audio is usable. [`Synthesizer::fetch`] is the single segment → clip
//! step; everything above it only sees clips.

mod service;
mod shared;

pub use shared::describe_waits;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;

use super::api::{self, Api};
use super::cache::{Cache, ClipKey};
use super::catalog::Catalog;
use super::embedded::{self, EmbeddedServer};
use super::pool::{Judged, REST, REST_AFTER};
use super::response;
use super::{retry, TtsError};
use crate::config::ServiceConfig;
use crate::model::ClipFormat;
use crate::util::keyed_redirect_policy;
use service::{describe_wait, plausibility_chars, plausible, Service};

/// The most fetches a build has under way, however many slots its
/// services have: far below the usual limit of 1,024 open files.
const MAX_IN_FLIGHT: usize = 256;

/// How the synthesizer judges audio. Given by the pipeline, so this stage
/// needs no audio decoder.
#[derive(Debug, Clone, Copy)]
pub struct Validator {
    /// Whether a response body is usable audio (decodes, not empty or
    /// silent); its duration in seconds.
    pub response: fn(&[u8], ClipFormat) -> Result<f64, String>,
    /// Whether a stored clip, fully checked when it was stored, is still
    /// whole (its header and length agree); cheap, without decoding.
    pub stored: fn(&[u8], ClipFormat) -> Result<(), String>,
}

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
    /// Where this run got it.
    pub source: ClipSource,
}

/// Where a run got a clip: what it cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClipSource {
    /// This machine's cache had it.
    Local,
    /// Copied from the shared cache: another machine paid for it.
    Shared,
    /// Requested from its service in this run: paid for.
    Service,
}

pub struct Synthesizer {
    http: reqwest::Client,
    /// For services with an API key: no redirect to another origin.
    keyed_http: reqwest::Client,
    services: BTreeMap<String, Service>,
    jobs: Option<Semaphore>,
    jobs_limit: Option<usize>,
    catalog: Catalog,
    validate: Validator,
    /// Multiplies every wait; `BRIEFCAST_TIME_SCALE` shortens them in tests.
    time_scale: f64,
    /// Other machines' leases being waited on.
    waits: shared::Waits,
    /// Why nothing more is requested: a paid clip could not be stored.
    halted: OnceLock<String>,
    _embedded: Option<EmbeddedServer>,
}

impl Synthesizer {
    /// Resolve every used service (API keys from the environment, the
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
                let var = c.common.api_key_env.as_ref()?;
                let set = std::env::var(var).is_ok_and(|v| !v.is_empty());
                (!set).then(|| ((*name).clone(), var.clone()))
            })
            .collect();
        if !missing.is_empty() {
            return Err(TtsError::MissingKeys(missing));
        }
        let needs_embedded = configs.iter().any(|(_, c)| c.is_embedded());
        let (embedded, espeak) = if needs_embedded {
            let version = embedded::espeak_version()?;
            let server = embedded::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
            (Some(server), version)
        } else {
            (None, String::new())
        };
        let catalog = Catalog::new(all, &espeak, cache);
        let time_scale = std::env::var("BRIEFCAST_TIME_SCALE")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .unwrap_or(1.0);
        let rest = REST.mul_f64(time_scale);
        let services = configs
            .into_iter()
            .map(|(name, config)| {
                let urls = match &embedded {
                    Some(server) if config.is_embedded() => {
                        vec![format!("http://{}/v1/audio/speech", server.addr)]
                    }
                    _ => api::endpoints(config),
                };
                let service = Service::new(name, config, urls, rest, &catalog);
                (name.clone(), service)
            })
            .collect();
        let (http, keyed_http) = http_clients()?;
        Ok(Synthesizer {
            http,
            keyed_http,
            services,
            jobs: jobs.map(Semaphore::new),
            jobs_limit: jobs,
            catalog,
            validate,
            time_scale,
            waits: shared::Waits::default(),
            halted: OnceLock::new(),
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
        if let Err(reason) = (self.validate.stored)(&bytes, service.format) {
            tracing::warn!("cached clip {key} is unusable ({reason}); requesting it again");
            cache.remove(&key, service.format);
            return Ok(None);
        }
        Ok(Some(StoredClip {
            path: cache.path(&key, service.format),
            key,
            format: service.format,
            source: ClipSource::Local,
        }))
    }

    /// The segment → clip step: from the cache, or from the service with
    /// retries, stored the moment it arrives. A service given up as
    /// misconfigured is not asked again.
    pub async fn fetch(&self, request: &ClipRequest) -> Result<StoredClip, TtsError> {
        if let Some(clip) = self.cached(request)? {
            return Ok(clip);
        }
        let service = self.service(&request.service)?;
        if let Some(message) = service.pool.given_up() {
            return Err(TtsError::Misconfigured(message));
        }
        if let Some(reason) = self.halted.get() {
            return Err(TtsError::Halted(reason.clone()));
        }
        match self.catalog.cache().remote() {
            Some(remote) => self.fetch_shared(remote, service, request).await,
            None => self.fetch_with_retries(service, request, None).await,
        }
    }

    /// How many fetches a build should have under way at once: enough to
    /// keep every service slot busy with the next request queued behind
    /// it, and a bounded number waiting on the shared cache, whatever the
    /// number of missing clips. Each fetch holds at most one connection
    /// and one file.
    pub fn in_flight_limit(&self) -> usize {
        let slots: usize = self.services.values().map(|s| s.pool.capacity()).sum();
        let slots = self.jobs_limit.map_or(slots, |jobs| slots.min(jobs));
        (2 * slots + 8).min(MAX_IN_FLIGHT)
    }

    /// The other machines' leases this run waits on now.
    pub fn waits(&self) -> Vec<super::LeaseHolder> {
        let waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        waits.values().cloned().collect()
    }

    /// Stop sending requests: a clip paid for (or copied) could not be
    /// stored, so paying for more would throw money away.
    fn halt(&self, error: &TtsError) {
        let reason = format!("not requested: the clip cache cannot store clips ({error})");
        if self.halted.set(reason).is_ok() {
            tracing::error!("{error}; no further requests are sent");
        }
    }

    /// The messages of the services given up as misconfigured in this run.
    pub fn misconfigured(&self) -> BTreeMap<String, String> {
        self.services
            .iter()
            .filter_map(|(name, s)| Some((name.clone(), s.pool.given_up()?)))
            .collect()
    }

    /// Each endpoint rested in this run, with its service and why.
    pub fn rested(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (name, service) in &self.services {
            for (url, why) in service.pool.rested() {
                let url = service.redact(url);
                lines.push(format!("service {name}: {url} was rested: {why}"));
            }
        }
        lines
    }

    /// `gate`: with a shared cache, the lease taken just before sending.
    async fn fetch_with_retries(
        &self,
        service: &Service,
        request: &ClipRequest,
        gate: Option<&shared::Gate<'_>>,
    ) -> Result<StoredClip, TtsError> {
        let key = self.catalog.key(request)?;
        let mut attempt = 0;
        // The endpoint of the last attempt: a retry goes elsewhere.
        let mut endpoint = None;
        loop {
            if let Some(message) = service.pool.given_up() {
                return Err(TtsError::Misconfigured(message));
            }
            let (result, asked_wait) = self.attempt(service, request, &mut endpoint, gate).await;
            let at = endpoint.expect("an attempt picks an endpoint");
            let error = match result {
                Ok(audio) => match self.check_and_store(service, request, &key, audio).await {
                    Ok(path) => {
                        service.pool.success(at);
                        return Ok(StoredClip {
                            key,
                            path,
                            format: service.format,
                            source: ClipSource::Service,
                        });
                    }
                    Err(error @ TtsError::Cache { .. }) => {
                        self.halt(&error);
                        return Err(error);
                    }
                    Err(error) => error,
                },
                Err(error @ (TtsError::Elsewhere | TtsError::Halted(_))) => return Err(error),
                Err(error) => error,
            };
            let elsewhere = match service.pool.judge(&service.name, at, &request.text, &error) {
                Judged::GiveUp(message) => return Err(TtsError::Misconfigured(message)),
                judged => judged == Judged::Elsewhere,
            };
            if !(elsewhere || error.is_retryable()) || attempt >= service.retries {
                return Err(error);
            }
            // Another endpoint may answer with speech: no wait.
            let wait = match elsewhere {
                true => Duration::ZERO,
                false => service.wait_before_retry(&error, asked_wait, attempt)?,
            };
            tracing::debug!("{error}; attempt {} in {wait:?}", attempt + 2);
            tokio::time::sleep(wait.mul_f64(self.time_scale)).await;
            attempt += 1;
        }
    }

    /// Validates returned audio and stores it in the cache. Runs on a
    /// blocking thread (a decode and an `fsync`), after the request's slot
    /// is free for the next request.
    async fn check_and_store(
        &self,
        service: &Service,
        request: &ClipRequest,
        key: &ClipKey,
        audio: Vec<u8>,
    ) -> Result<PathBuf, TtsError> {
        let (check, cache, key, format) = (
            self.validate.response,
            self.catalog.cache().clone(),
            key.clone(),
            service.format,
        );
        let chars = plausibility_chars(&request.text);
        let bounds = service.seconds_per_char;
        let stored = tokio::task::spawn_blocking(move || {
            let checked =
                check(&audio, format).and_then(|seconds| plausible(seconds, chars, bounds));
            match checked {
                Ok(()) => Ok(cache
                    .write(&key, format, &audio)
                    .map_err(|source| TtsError::Cache {
                        path: cache.path(&key, format),
                        source,
                    })),
                Err(reason) => Err(reason),
            }
        })
        .await
        // Only a panic in the check ends the task early; it stays a panic.
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        match stored {
            Ok(written) => written,
            Err(reason) => Err(TtsError::Rejected {
                service: service.name.clone(),
                reason: service.redact(&reason),
            }),
        }
    }

    /// One request at the endpoint the pool chooses (another than
    /// `endpoint`, where the last attempt went, while one is healthy),
    /// holding a slot there only while it is on the wire: the audio bytes,
    /// or the error with the wait the server asked for.
    async fn attempt(
        &self,
        service: &Service,
        request: &ClipRequest,
        endpoint: &mut Option<usize>,
        gate: Option<&shared::Gate<'_>>,
    ) -> (Result<Vec<u8>, TtsError>, Option<Duration>) {
        let _global = match &self.jobs {
            Some(jobs) => Some(jobs.acquire().await.expect("never closed")),
            None => None,
        };
        let lease = service.pool.lease(*endpoint).await;
        *endpoint = Some(lease.index);
        // Given up while this request waited for its slot: send nothing.
        if let Some(message) = service.pool.given_up() {
            return (Err(TtsError::Misconfigured(message)), None);
        }
        if let Some(pace) = &service.pace {
            pace.until_ready().await;
        }
        if let Some(reason) = self.halted.get() {
            return (Err(TtsError::Halted(reason.clone())), None);
        }
        if let Some(gate) = gate {
            if let Err(error) = gate.before_send(service.format).await {
                return (Err(error), None);
            }
        }
        let answer = self.exchange(service, &*lease.endpoint.api, request).await;
        if lease.report(&answer.0) {
            tracing::warn!(
                "service {}: {} failed {REST_AFTER} times in a row; resting it for {}",
                service.name,
                service.redact(&lease.endpoint.url),
                describe_wait(service.rest)
            );
        }
        answer
    }

    /// One request to one endpoint and its answer.
    async fn exchange(
        &self,
        service: &Service,
        api: &dyn Api,
        request: &ClipRequest,
    ) -> (Result<Vec<u8>, TtsError>, Option<Duration>) {
        let http = match service.api_key {
            Some(_) => &self.keyed_http,
            None => &self.http,
        };
        let builder = api
            .request(http, request, service.api_key.as_deref())
            .timeout(service.timeout);
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return (Err(service.transport_error(e)), None),
        };
        let status = response.status();
        let asked_wait = retry::retry_after(response.headers(), SystemTime::now());
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !status.is_success() {
            let body = response::read_prefix(response, response::ERROR_BODY_LIMIT).await;
            let error = TtsError::Http {
                service: service.name.clone(),
                status: status.as_u16(),
                body: crate::util::sniff(&body),
                message: service.redact(&api.error_message(&body)),
            };
            return (Err(error), asked_wait);
        }
        let body = match service.read_audio(response, &request.text).await {
            Ok(body) => body,
            Err(error) => return (Err(error), None),
        };
        (
            service.audio_in(api, status.as_u16(), body, &content_type),
            None,
        )
    }
}

/// One client for keyless services, one that refuses cross-origin
/// redirects for services with a key.
fn http_clients() -> Result<(reqwest::Client, reqwest::Client), TtsError> {
    let builder =
        || reqwest::Client::builder().user_agent(concat!("briefcast/", env!("CARGO_PKG_VERSION")));
    let client_error = |e: reqwest::Error| TtsError::Client(e.to_string());
    let http = builder().build().map_err(client_error)?;
    let keyed = builder()
        .redirect(keyed_redirect_policy())
        .build()
        .map_err(client_error)?;
    Ok((http, keyed))
}
