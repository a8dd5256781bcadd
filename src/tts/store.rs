//! The shared clip cache on object storage: `[paths] cache =
//! "s3://bucket/prefix"` (or `gs://`, `az://`), through `object_store`.
//!
//! Objects have the local cache's layout under the prefix
//! (`<2 hex>/<key>.<wav|pcm>`, and the `CACHEDIR.TAG` marker). Clips are
//! written create-only (a conditional put, `If-None-Match: *` on S3), so
//! when two machines race for one key the store keeps one clip and both
//! use it; an object is visible only once it is whole. A clip read from
//! the store is checked like a service's answer; a damaged one is replaced
//! by a conditional overwrite (`If-Match` its version), so the network pays
//! for it once.
//!
//! Leases: at the moment it sends a request, a machine takes a lease on the
//! clip's key — a create-only object `leases/<key>` naming its holder
//! (`host:pid:start`) and its expiry — renews it (a conditional overwrite
//! of its own version) while the request runs, and releases it only if it
//! still names this process. A machine finding a live lease waits for the
//! clip instead. A lease whose expiry passed, or whose holder is a process
//! of this machine that no longer runs, is stale: it is taken over by a
//! conditional overwrite of the version read, so two machines never take
//! over the same lease. Credentials come from
//! each store's standard environment variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_ENDPOINT`, `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_ACCOUNT_NAME`,
//! …), never from voices.toml.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload, UpdateVersion};

use super::cache::{ClipKey, MARKER, MARKER_TEXT};
use crate::model::ClipFormat;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cache {url}: {message}")]
    Open { url: String, message: String },
    #[error("cache {url}: {source}")]
    Request {
        url: String,
        source: object_store::Error,
    },
}

/// A bucket (and prefix) holding clips.
#[derive(Debug, Clone)]
pub struct RemoteCache {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    url: String,
}

/// What taking a lease found.
#[derive(Debug)]
pub enum Lease {
    /// This process holds it until it releases it (or it expires).
    Held(HeldLease),
    /// Another holder's live lease.
    Busy(LeaseHolder),
}

/// A lease this process holds: where it is and the version it last wrote.
#[derive(Debug, Clone)]
pub struct HeldLease {
    path: ObjectPath,
    version: UpdateVersion,
}

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseHolder {
    /// `host:pid:start` of the holding process.
    pub holder: String,
    pub until: SystemTime,
}

impl LeaseHolder {
    /// Read from a lease object's body, `holder expiry-in-unix-ms`; an
    /// unreadable one counts as expired, so a damaged lease cannot block a
    /// key for ever.
    fn parse(body: &[u8]) -> LeaseHolder {
        let text = String::from_utf8_lossy(body);
        let mut words = text.split_whitespace();
        let holder = crate::util::printable(words.next().unwrap_or("?"));
        let millis = words
            .next()
            .and_then(|m| m.parse::<u64>().ok())
            .unwrap_or(0);
        LeaseHolder {
            holder,
            until: UNIX_EPOCH + Duration::from_millis(millis),
        }
    }

    /// Expired, or held by a process of this machine that is gone (a
    /// killed build): free to take over at once.
    pub fn is_stale(&self) -> bool {
        self.until <= SystemTime::now() || crate::util::is_gone(&self.holder)
    }

    /// Whether this process holds it.
    fn is_mine(&self) -> bool {
        self.holder == *identity()
    }
}

/// A clip as the store holds it.
#[derive(Debug)]
pub enum StoredObject {
    /// Its bytes and the version they are.
    Found {
        bytes: Vec<u8>,
        version: UpdateVersion,
    },
    /// Larger than any clip of its text can be: damaged, not read.
    Oversize { bytes: u64, version: UpdateVersion },
}

impl RemoteCache {
    /// Open `s3://bucket/prefix` (or `gs://`, `az://`) with the store's
    /// credentials from the environment. Sends nothing yet.
    pub fn open(url: &str) -> Result<RemoteCache, StoreError> {
        let open_error = |message: String| StoreError::Open {
            url: url.to_owned(),
            message,
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| open_error(e.to_string()))?;
        let bucket = parsed.host_str().unwrap_or_default();
        if bucket.is_empty() {
            return Err(open_error("names no bucket".into()));
        }
        let store: Arc<dyn ObjectStore> = match parsed.scheme() {
            "s3" => Arc::new(
                object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .with_conditional_put(object_store::aws::S3ConditionalPut::ETagMatch)
                    .build()
                    .map_err(|e| open_error(e.to_string()))?,
            ),
            "gs" => Arc::new(
                object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| open_error(e.to_string()))?,
            ),
            "az" => Arc::new(
                object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_container_name(bucket)
                    .build()
                    .map_err(|e| open_error(e.to_string()))?,
            ),
            other => return Err(open_error(format!("{other}:// is not an object store"))),
        };
        let prefix = ObjectPath::from(parsed.path().trim_matches('/'));
        Ok(RemoteCache {
            store,
            prefix,
            url: url.to_owned(),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    fn request_error(&self, source: object_store::Error) -> StoreError {
        StoreError::Request {
            url: self.url.clone(),
            source,
        }
    }

    fn child(&self, parts: &[&str]) -> ObjectPath {
        parts
            .iter()
            .fold(self.prefix.clone(), |path, part| path.child(*part))
    }

    fn clip_path(&self, key: &ClipKey, format: ClipFormat) -> ObjectPath {
        let name = format!("{key}.{}", format.extension());
        self.child(&[&key.as_str()[..2], &name])
    }

    fn lease_path(&self, key: &ClipKey) -> ObjectPath {
        self.child(&["leases", key.as_str()])
    }

    /// Whether the store has a clip for the key (its bytes are not read).
    pub async fn contains(&self, key: &ClipKey, format: ClipFormat) -> Result<bool, StoreError> {
        match self.store.head(&self.clip_path(key, format)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(self.request_error(e)),
        }
    }

    /// The version of the stored clip, if the store has one.
    pub async fn version(
        &self,
        key: &ClipKey,
        format: ClipFormat,
    ) -> Result<Option<UpdateVersion>, StoreError> {
        match self.store.head(&self.clip_path(key, format)).await {
            Ok(meta) => Ok(Some(UpdateVersion {
                e_tag: meta.e_tag,
                version: meta.version,
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.request_error(e)),
        }
    }

    /// The stored clip with its version, if the store has it; one larger
    /// than `limit` bytes is not read.
    pub async fn get_clip(
        &self,
        key: &ClipKey,
        format: ClipFormat,
        limit: u64,
    ) -> Result<Option<StoredObject>, StoreError> {
        let found = match self.store.get(&self.clip_path(key, format)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.request_error(e)),
        };
        let version = UpdateVersion {
            e_tag: found.meta.e_tag.clone(),
            version: found.meta.version.clone(),
        };
        if found.meta.size > limit {
            return Ok(Some(StoredObject::Oversize {
                bytes: found.meta.size,
                version,
            }));
        }
        let bytes = found.bytes().await.map_err(|e| self.request_error(e))?;
        Ok(Some(StoredObject::Found {
            bytes: bytes.to_vec(),
            version,
        }))
    }

    async fn get_path(&self, path: &ObjectPath) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get_versioned(path).await?.map(|(bytes, _)| bytes))
    }

    async fn get_versioned(
        &self,
        path: &ObjectPath,
    ) -> Result<Option<(Vec<u8>, UpdateVersion)>, StoreError> {
        match self.store.get(path).await {
            Ok(found) => {
                let version = UpdateVersion {
                    e_tag: found.meta.e_tag.clone(),
                    version: found.meta.version.clone(),
                };
                let bytes = found.bytes().await.map_err(|e| self.request_error(e))?;
                Ok(Some((bytes.to_vec(), version)))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.request_error(e)),
        }
    }

    /// Store a clip unless the key is taken: `Ok(true)` when this one was
    /// stored, `Ok(false)` when another machine's already was.
    pub async fn put_new(
        &self,
        key: &ClipKey,
        format: ClipFormat,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        let created = self
            .put_if(
                &self.clip_path(key, format),
                bytes.to_vec(),
                PutMode::Create,
            )
            .await?;
        Ok(created.is_some())
    }

    /// Replace a damaged clip, unless it changed since it was read (another
    /// machine replaced it first): `Ok(true)` when this one was stored.
    pub async fn replace(
        &self,
        key: &ClipKey,
        format: ClipFormat,
        bytes: &[u8],
        damaged: UpdateVersion,
    ) -> Result<bool, StoreError> {
        let path = self.clip_path(key, format);
        let replaced = self
            .put_if(&path, bytes.to_vec(), PutMode::Update(damaged))
            .await?;
        Ok(replaced.is_some())
    }

    async fn create(&self, path: &ObjectPath, bytes: Vec<u8>) -> Result<bool, StoreError> {
        Ok(self.put_if(path, bytes, PutMode::Create).await?.is_some())
    }

    /// A conditional put: the version written, or `None` when the
    /// condition failed (the object exists, changed, or is gone).
    async fn put_if(
        &self,
        path: &ObjectPath,
        bytes: Vec<u8>,
        mode: PutMode,
    ) -> Result<Option<UpdateVersion>, StoreError> {
        let options = PutOptions {
            mode,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(path, PutPayload::from(bytes), options)
            .await
        {
            Ok(put) => Ok(Some(UpdateVersion {
                e_tag: put.e_tag,
                version: put.version,
            })),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. }
                | object_store::Error::NotFound { .. },
            ) => Ok(None),
            Err(e) => Err(self.request_error(e)),
        }
    }

    /// Who holds the lease on a key, if anyone (it is not taken).
    pub async fn lease_holder(&self, key: &ClipKey) -> Result<Option<LeaseHolder>, StoreError> {
        let found = self.get_path(&self.lease_path(key)).await?;
        Ok(found.map(|body| LeaseHolder::parse(&body)))
    }

    /// Take the lease on a key for `ttl`, or learn who holds it until when.
    /// A stale lease is taken over with a conditional overwrite of the
    /// version read, so of two machines taking it over one wins.
    pub async fn lease(&self, key: &ClipKey, ttl: Duration) -> Result<Lease, StoreError> {
        let path = self.lease_path(key);
        let mut last = None;
        for _ in 0..3 {
            if let Some(version) = self.put_if(&path, lease_body(ttl), PutMode::Create).await? {
                return Ok(Lease::Held(HeldLease { path, version }));
            }
            let Some((found, version)) = self.get_versioned(&path).await? else {
                // Released between the two requests: try again.
                continue;
            };
            let holder = LeaseHolder::parse(&found);
            if !holder.is_stale() {
                return Ok(Lease::Busy(holder));
            }
            let mode = PutMode::Update(version);
            if let Some(version) = self.put_if(&path, lease_body(ttl), mode).await? {
                tracing::info!(
                    "took over the stale lease on clip {key} (held by {})",
                    holder.holder
                );
                return Ok(Lease::Held(HeldLease { path, version }));
            }
            last = Some(holder);
        }
        // Another machine took it over at the same moment: wait on it.
        Ok(Lease::Busy(last.unwrap_or_else(|| LeaseHolder {
            holder: "another machine".into(),
            until: SystemTime::now() + ttl,
        })))
    }

    /// Extend a held lease to `ttl` from now; `Ok(false)` when it is no
    /// longer this process's (it expired and was taken over).
    pub async fn renew(&self, lease: &mut HeldLease, ttl: Duration) -> Result<bool, StoreError> {
        let mode = PutMode::Update(lease.version.clone());
        match self.put_if(&lease.path, lease_body(ttl), mode).await? {
            Some(version) => {
                lease.version = version;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Give a lease back (the clip is stored, or the request failed), if
    /// it still names this process: another's lease is never removed.
    pub async fn release(&self, lease: &HeldLease) -> Result<(), StoreError> {
        let Some(found) = self.get_path(&lease.path).await? else {
            return Ok(());
        };
        if LeaseHolder::parse(&found).is_mine() {
            self.delete(&lease.path).await?;
        }
        Ok(())
    }

    async fn delete(&self, path: &ObjectPath) -> Result<(), StoreError> {
        match self.store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.request_error(e)),
        }
    }

    /// Put briefcast's marker at the prefix (if it has none yet).
    pub async fn mark(&self) -> Result<(), StoreError> {
        self.create(&self.child(&[MARKER]), MARKER_TEXT.as_bytes().to_vec())
            .await
            .map(|_| ())
    }

    /// Whether the prefix carries briefcast's marker.
    pub async fn is_marked(&self) -> Result<bool, StoreError> {
        let found = self.get_path(&self.child(&[MARKER])).await?;
        Ok(found.is_some_and(|text| text == MARKER_TEXT.as_bytes()))
    }

    /// Every object of the cache's own layout under the prefix: clips with
    /// their key, and expired leases. Anything else is not listed.
    pub async fn entries(&self) -> Result<Vec<RemoteEntry>, StoreError> {
        let listed: Vec<_> = self
            .store
            .list(Some(&self.prefix))
            .try_collect()
            .await
            .map_err(|e| self.request_error(e))?;
        let mut entries = Vec::new();
        for meta in listed {
            let Some(relative) = meta.location.prefix_match(&self.prefix) else {
                continue;
            };
            let parts: Vec<String> = relative.map(|p| p.as_ref().to_owned()).collect();
            match parts.as_slice() {
                [shard, name] if shard == "leases" && super::cache::is_clip_key(name) => {
                    entries.push(RemoteEntry::Lease(meta.location));
                }
                [shard, _] if shard == "leases" => {}
                [shard, name] => {
                    if let Some(key) =
                        super::cache::clip_key(name).filter(|k| k.starts_with(shard.as_str()))
                    {
                        entries.push(RemoteEntry::Clip {
                            key: key.to_owned(),
                            path: meta.location.clone(),
                            bytes: meta.size,
                            stored: meta.last_modified.into(),
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(entries)
    }

    /// Remove one listed object.
    pub async fn remove(&self, entry: &RemoteEntry) -> Result<(), StoreError> {
        self.delete(entry.path()).await
    }

    /// Whether a listed lease is stale (expired, or a killed holder's).
    pub async fn is_expired(&self, lease: &RemoteEntry) -> Result<bool, StoreError> {
        let found = self.get_path(lease.path()).await?;
        Ok(found.is_some_and(|body| LeaseHolder::parse(&body).is_stale()))
    }
}

/// An object of the remote cache's layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteEntry {
    Clip {
        key: String,
        path: ObjectPath,
        bytes: u64,
        stored: SystemTime,
    },
    Lease(ObjectPath),
}

impl RemoteEntry {
    pub fn path(&self) -> &ObjectPath {
        match self {
            RemoteEntry::Clip { path, .. } | RemoteEntry::Lease(path) => path,
        }
    }
}

/// This process, as its leases name it: `host:pid:start`.
fn identity() -> &'static String {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(crate::util::process_identity)
}

/// A lease's body: its holder and its expiry in Unix milliseconds.
fn lease_body(ttl: Duration) -> Vec<u8> {
    let expires = SystemTime::now() + ttl;
    format!("{} {}\n", identity(), unix_millis(expires)).into_bytes()
}

fn unix_millis(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_bodies_carry_their_expiry_and_damage_means_expired() {
        let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let body = format!("machine:42 {}\n", unix_millis(at));
        let holder = LeaseHolder::parse(body.as_bytes());
        assert_eq!(holder.until, at);
        assert_eq!(holder.holder, "machine:42");
        assert!(holder.is_stale(), "2023 is past");
        assert_eq!(LeaseHolder::parse(b"garbage").until, UNIX_EPOCH);
        let mine = LeaseHolder::parse(&lease_body(Duration::from_secs(60)));
        assert!(mine.is_mine() && !mine.is_stale());
    }

    #[test]
    fn remote_caches_need_a_bucket_and_keep_the_local_layout() {
        let error = RemoteCache::open("s3:///prefix").unwrap_err().to_string();
        assert_eq!(error, "cache s3:///prefix: names no bucket");
        let cache = RemoteCache::open("s3://clips-bucket/shows/morning/").unwrap();
        let key = ClipKey::from_fields(&["x"]);
        let path = cache.clip_path(&key, ClipFormat::Wav);
        assert_eq!(
            path.as_ref(),
            format!("shows/morning/{}/{key}.wav", &key.as_str()[..2])
        );
        assert_eq!(
            cache.lease_path(&key).as_ref(),
            format!("shows/morning/leases/{key}")
        );
    }
}
