//! The shared clip cache on object storage: `[paths] cache =
//! "s3://bucket/prefix"` (or `gs://`, `az://`), through `object_store`.
//!
//! Objects have the local cache's layout under the prefix
//! (`<2 hex>/<key>.<wav|pcm>`, and the `CACHEDIR.TAG` marker). Clips are
//! written create-only (a conditional put, `If-None-Match: *` on S3), so
//! when two machines race for one key the store keeps one clip and both
//! use it; an object is visible only once it is whole. Before paying for
//! a clip another machine may be paying for, a machine takes a lease on
//! its key: a create-only object `leases/<key>` naming its holder and its
//! expiry. A machine finding a live lease waits for the clip instead; a
//! crashed holder's lease expires and is taken over. Credentials come from
//! each store's standard environment variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_ENDPOINT`, `GOOGLE_SERVICE_ACCOUNT`, `AZURE_STORAGE_ACCOUNT_NAME`,
//! …), never from voices.toml.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};

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
    /// This machine holds it until it releases it (or it expires).
    Held(ObjectPath),
    /// Another holder's lease, live until this instant.
    Busy(SystemTime),
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

    /// The stored clip, if the store has it.
    pub async fn get(
        &self,
        key: &ClipKey,
        format: ClipFormat,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.get_path(&self.clip_path(key, format)).await
    }

    async fn get_path(&self, path: &ObjectPath) -> Result<Option<Vec<u8>>, StoreError> {
        match self.store.get(path).await {
            Ok(found) => {
                let bytes = found.bytes().await.map_err(|e| self.request_error(e))?;
                Ok(Some(bytes.to_vec()))
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
        self.create(&self.clip_path(key, format), bytes.to_vec())
            .await
    }

    async fn create(&self, path: &ObjectPath, bytes: Vec<u8>) -> Result<bool, StoreError> {
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match self
            .store
            .put_opts(path, PutPayload::from(bytes), options)
            .await
        {
            Ok(_) => Ok(true),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => Ok(false),
            Err(e) => Err(self.request_error(e)),
        }
    }

    /// Take the lease on a key for `ttl`, or learn who holds it until when.
    /// An expired lease (its holder crashed or hung) is removed and taken.
    pub async fn lease(&self, key: &ClipKey, ttl: Duration) -> Result<Lease, StoreError> {
        let path = self.lease_path(key);
        for _ in 0..3 {
            let expires = SystemTime::now() + ttl;
            let body = format!("{} {}\n", holder(), unix_millis(expires));
            if self.create(&path, body.into_bytes()).await? {
                return Ok(Lease::Held(path));
            }
            let Some(found) = self.get_path(&path).await? else {
                // Released between the two requests: try again.
                continue;
            };
            let expiry = lease_expiry(&found);
            if expiry > SystemTime::now() {
                return Ok(Lease::Busy(expiry));
            }
            tracing::info!("taking over the expired lease on clip {key}");
            self.delete(&path).await?;
        }
        // Another machine took it over at the same moment: wait on it.
        Ok(Lease::Busy(SystemTime::now() + ttl))
    }

    /// Give a lease back (the clip is stored, or the request failed).
    pub async fn release(&self, lease: &ObjectPath) -> Result<(), StoreError> {
        self.delete(lease).await
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

    /// Whether a listed lease has expired (a crashed holder's).
    pub async fn is_expired(&self, lease: &RemoteEntry) -> Result<bool, StoreError> {
        let found = self.get_path(lease.path()).await?;
        Ok(found.is_some_and(|body| lease_expiry(&body) <= SystemTime::now()))
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

/// Who holds a lease: the machine and the process, for a person reading
/// the bucket.
fn holder() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!("{host}:{}", std::process::id())
}

fn unix_millis(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// A lease body is `holder expiry-in-unix-ms`; an unreadable one counts as
/// expired, so a damaged lease cannot block a key for ever.
fn lease_expiry(body: &[u8]) -> SystemTime {
    let text = String::from_utf8_lossy(body);
    let millis = text
        .split_whitespace()
        .nth(1)
        .and_then(|m| m.parse::<u64>().ok())
        .unwrap_or(0);
    UNIX_EPOCH + Duration::from_millis(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_bodies_carry_their_expiry_and_damage_means_expired() {
        let at = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let body = format!("machine:42 {}\n", unix_millis(at));
        assert_eq!(lease_expiry(body.as_bytes()), at);
        assert_eq!(lease_expiry(b"garbage"), UNIX_EPOCH);
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
