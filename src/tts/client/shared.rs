//! Fetching through a cache shared by several machines (`[paths] cache =
//! "s3://…"`): the clip another machine stored, else this machine pays for
//! it under a lease, else it waits for the machine that holds the lease.
//!
//! The lease is taken at the moment of sending — after the request has its
//! service slot, so time spent queueing never eats into it — renewed while
//! the request and its retries run, and released (only if still this
//! process's) once the clip is in the store. A clip from the store is
//! checked like a service's answer; a damaged one is paid for once more
//! and replaced. A clip that cannot be copied into the local cache (a full
//! disk) fails clearly, with nothing sent, and stops further requests.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use object_store::UpdateVersion;
use tokio::task::JoinHandle;

use super::{plausibility_chars, plausible, Service, Synthesizer};
use crate::tts::cache::ClipKey;
use crate::tts::store::{HeldLease, Lease, LeaseHolder, RemoteCache, StoredObject};
use crate::tts::{ClipRequest, ClipSource, StoredClip, TtsError};

/// How long a lease lives without renewal (before `BRIEFCAST_TIME_SCALE`):
/// how long a crashed machine's keys stay blocked for the others.
const LEASE_TTL: Duration = Duration::from_secs(120);
/// How often a machine waiting for another's clip looks for it.
const POLL: Duration = Duration::from_millis(500);

/// What the store holds for a key.
enum Shared {
    /// A usable clip, now in the local cache too.
    Usable(StoredClip),
    /// A damaged object, at this version: to be replaced.
    Damaged(UpdateVersion),
    Missing,
}

impl Synthesizer {
    /// The shared path of [`Synthesizer::fetch`].
    pub(super) async fn fetch_shared(
        &self,
        remote: &RemoteCache,
        service: &Service,
        request: &ClipRequest,
    ) -> Result<StoredClip, TtsError> {
        let key = self.catalog.key(request)?;
        loop {
            let damaged = match self.shared_clip(remote, service, request, &key).await? {
                Shared::Usable(clip) => return Ok(clip),
                Shared::Damaged(version) => Some(version),
                Shared::Missing => None,
            };
            if let Some(holder) = remote.lease_holder(&key).await? {
                if !holder.is_stale() {
                    self.wait_for(remote, service, &key, holder).await?;
                    continue;
                }
            }
            let gate = Gate::new(remote, key.clone(), self.lease_ttl(), damaged.clone());
            let result = match self.fetch_with_retries(service, request, Some(&gate)).await {
                Ok(clip) => self.share(remote, service, request, clip, damaged).await,
                Err(error) => Err(error),
            };
            gate.release().await;
            match result {
                // Stored or leased by another machine while this one queued.
                Err(TtsError::Elsewhere) => continue,
                other => return other,
            }
        }
    }

    /// A lease's lifetime between renewals.
    fn lease_ttl(&self) -> Duration {
        LEASE_TTL
            .mul_f64(self.time_scale)
            .max(Duration::from_millis(300))
    }

    /// Waits while another machine's live lease on `key` lasts, until its
    /// clip is in the store or the lease is gone or stale; listed in
    /// [`Synthesizer::waits`] meanwhile.
    async fn wait_for(
        &self,
        remote: &RemoteCache,
        service: &Service,
        key: &ClipKey,
        holder: LeaseHolder,
    ) -> Result<(), TtsError> {
        let _listed = Waiting::list(&self.waits, key.clone(), holder);
        let poll = POLL.mul_f64(self.time_scale).max(Duration::from_millis(50));
        loop {
            tokio::time::sleep(poll).await;
            if remote.contains(key, service.format).await? {
                return Ok(());
            }
            match remote.lease_holder(key).await? {
                Some(holder) if !holder.is_stale() => Waiting::update(&self.waits, key, holder),
                _ => return Ok(()),
            }
        }
    }

    /// The store's clip for `key`, checked as carefully as a service's
    /// answer and copied into the local cache. A copy that cannot be
    /// written is an error (nothing is paid for what the store holds),
    /// and stops further requests.
    async fn shared_clip(
        &self,
        remote: &RemoteCache,
        service: &Service,
        request: &ClipRequest,
        key: &ClipKey,
    ) -> Result<Shared, TtsError> {
        let limit = service.body_limit(&request.text);
        let (bytes, version) = match remote.get_clip(key, service.format, limit).await? {
            None => return Ok(Shared::Missing),
            Some(StoredObject::Oversize { bytes, version }) => {
                tracing::warn!(
                    "shared clip {key} in {} is damaged ({bytes} bytes, more than its text can need); it will be replaced",
                    remote.url()
                );
                return Ok(Shared::Damaged(version));
            }
            Some(StoredObject::Found { bytes, version }) => (bytes, version),
        };
        let (check, format) = (self.validate.response, service.format);
        let (chars, bounds) = (plausibility_chars(&request.text), service.seconds_per_char);
        let (checked, bytes) = tokio::task::spawn_blocking(move || {
            let checked =
                check(&bytes, format).and_then(|seconds| plausible(seconds, chars, bounds));
            (checked, bytes)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        if let Err(reason) = checked {
            tracing::warn!(
                "shared clip {key} in {} is damaged ({reason}); it will be replaced",
                remote.url()
            );
            return Ok(Shared::Damaged(version));
        }
        let cache = self.catalog.cache();
        match cache.write(key, service.format, &bytes) {
            Ok(path) => Ok(Shared::Usable(StoredClip {
                key: key.clone(),
                path,
                format: service.format,
                source: ClipSource::Shared,
            })),
            Err(source) => {
                let error = TtsError::Cache {
                    path: cache.path(key, service.format),
                    source,
                };
                self.halt(&error);
                Err(error)
            }
        }
    }

    /// Store a clip just paid for in the shared cache (replacing the
    /// damaged object it was paid to replace); if another machine's clip
    /// got there first, use that one, so every machine assembles the same
    /// sound.
    async fn share(
        &self,
        remote: &RemoteCache,
        service: &Service,
        request: &ClipRequest,
        clip: StoredClip,
        damaged: Option<UpdateVersion>,
    ) -> Result<StoredClip, TtsError> {
        let bytes = fs_err::read(&clip.path).map_err(|source| TtsError::Cache {
            path: clip.path.clone(),
            source,
        })?;
        if remote.put_new(&clip.key, clip.format, &bytes).await? {
            return Ok(clip);
        }
        if let Some(damaged) = damaged {
            if remote
                .replace(&clip.key, clip.format, &bytes, damaged)
                .await?
            {
                tracing::info!(
                    "replaced the damaged shared clip {} in {}",
                    clip.key,
                    remote.url()
                );
                return Ok(clip);
            }
        }
        match self
            .shared_clip(remote, service, request, &clip.key)
            .await?
        {
            Shared::Usable(theirs) => Ok(StoredClip {
                source: ClipSource::Service,
                ..theirs
            }),
            Shared::Damaged(_) | Shared::Missing => Ok(clip),
        }
    }
}

/// The lease of one shared fetch, taken by the first attempt at the moment
/// it is about to send, renewed in the background until released.
pub(super) struct Gate<'a> {
    remote: &'a RemoteCache,
    key: ClipKey,
    ttl: Duration,
    /// The damaged object the request is to replace: its presence does not
    /// mean the clip is stored.
    damaged: Option<UpdateVersion>,
    held: Mutex<Option<Renewing>>,
}

struct Renewing {
    lease: Arc<tokio::sync::Mutex<HeldLease>>,
    task: JoinHandle<()>,
}

impl<'a> Gate<'a> {
    fn new(
        remote: &'a RemoteCache,
        key: ClipKey,
        ttl: Duration,
        damaged: Option<UpdateVersion>,
    ) -> Gate<'a> {
        Gate {
            remote,
            key,
            ttl,
            damaged,
            held: Mutex::new(None),
        }
    }

    /// Called with the request's slot in hand: `Ok` to send (the lease is
    /// this process's), [`TtsError::Elsewhere`] when the clip was stored or
    /// leased by another machine meanwhile.
    pub(super) async fn before_send(
        &self,
        format: crate::model::ClipFormat,
    ) -> Result<(), TtsError> {
        if self.lock().is_some() {
            return Ok(());
        }
        let lease = match self.remote.lease(&self.key, self.ttl).await? {
            Lease::Held(lease) => lease,
            Lease::Busy(_) => return Err(TtsError::Elsewhere),
        };
        // Looked at only now that the lease is held: a machine stores its
        // clip before it releases its lease, so a clip stored just before
        // this lease was taken is seen here.
        let stored = self.remote.version(&self.key, format).await?;
        if stored.is_some() && stored != self.damaged {
            self.remote.release(&lease).await?;
            return Err(TtsError::Elsewhere);
        }
        let lease = Arc::new(tokio::sync::Mutex::new(lease));
        let task = tokio::spawn(renew(
            self.remote.clone(),
            Arc::clone(&lease),
            self.key.clone(),
            self.ttl,
        ));
        *self.lock() = Some(Renewing { lease, task });
        Ok(())
    }

    /// Stop renewing and give the lease back, if one was taken.
    async fn release(self) {
        let Some(held) = self.lock().take() else {
            return;
        };
        held.task.abort();
        let _ = held.task.await;
        let lease = held.lease.lock().await;
        if let Err(error) = self.remote.release(&lease).await {
            // It expires on its own; the clip is stored or the request failed.
            tracing::warn!("cannot release the lease on clip {}: {error}", self.key);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Renewing>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Renews a lease every third of its lifetime until aborted.
async fn renew(
    remote: RemoteCache,
    lease: Arc<tokio::sync::Mutex<HeldLease>>,
    key: ClipKey,
    ttl: Duration,
) {
    loop {
        tokio::time::sleep(ttl / 3).await;
        let mut lease = lease.lock().await;
        match remote.renew(&mut lease, ttl).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!("the lease on clip {key} was taken over while its request ran");
                return;
            }
            Err(error) => tracing::warn!("cannot renew the lease on clip {key}: {error}"),
        }
    }
}

/// The other machines' leases this process waits on, by key.
pub(super) type Waits = Mutex<std::collections::BTreeMap<ClipKey, LeaseHolder>>;

/// A wait listed in [`Waits`] while it lasts.
struct Waiting<'a> {
    waits: &'a Waits,
    key: ClipKey,
}

impl<'a> Waiting<'a> {
    fn list(waits: &'a Waits, key: ClipKey, holder: LeaseHolder) -> Waiting<'a> {
        Waiting::update(waits, &key, holder);
        Waiting { waits, key }
    }

    fn update(waits: &Waits, key: &ClipKey, holder: LeaseHolder) {
        let mut waits = waits.lock().unwrap_or_else(|e| e.into_inner());
        waits.insert(key.clone(), holder);
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut waits = self.waits.lock().unwrap_or_else(|e| e.into_inner());
        waits.remove(&self.key);
    }
}

/// One line on what a build waits for: how many clips, held by whom,
/// until when (the latest expiry of each holder's leases).
pub fn describe_waits(holders: &[LeaseHolder]) -> Option<String> {
    if holders.is_empty() {
        return None;
    }
    let mut by_holder: std::collections::BTreeMap<&str, (usize, SystemTime)> =
        std::collections::BTreeMap::new();
    for lease in holders {
        let entry = by_holder.entry(&lease.holder).or_insert((0, lease.until));
        entry.0 += 1;
        entry.1 = entry.1.max(lease.until);
    }
    let parts: Vec<String> = by_holder
        .into_iter()
        .map(|(holder, (count, until))| {
            let unix = until
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            format!(
                "{count} held by {holder} until {}",
                crate::util::clock_utc(unix)
            )
        })
        .collect();
    Some(format!(
        "waiting for {} clip(s) other machines are making: {}",
        holders.len(),
        parts.join(", ")
    ))
}
