//! The clip cache: every clip a service returned, stored under its content key.
//!
//! A key is a blake3 hash over everything that changes the sound (service
//! identity, model, voice, speed, the exact text sent, the response format),
//! never over secrets. Clips are written to a temporary file and renamed the
//! moment they arrive, so a paid request survives any crash after it.
//!
//! The layout is `<root>/<first two hex digits>/<key>.<wav|pcm>`, and the
//! root carries a `CACHEDIR.TAG` (the Cache Directory Tagging convention,
//! so backup tools skip it) naming briefcast. `cache gc` deletes only in a
//! folder with that marker, and only files of that layout.

use std::fmt;
use std::path::{Path, PathBuf};

use super::store::RemoteCache;
use crate::model::{ClipFormat, ClipWord};

/// A clip's content address (64 hex digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClipKey(String);

impl ClipKey {
    /// Hashes the fields in order, each length-prefixed so no two field
    /// lists can produce the same byte stream.
    pub fn from_fields(fields: &[&str]) -> ClipKey {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"briefcast clip v1");
        for field in fields {
            hasher.update(&(field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        ClipKey(hasher.finalize().to_hex().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClipKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// The shared store this folder is a read-through copy of, if any.
    remote: Option<RemoteCache>,
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir, remote: None }
    }

    /// A local folder in front of a shared object store.
    pub fn with_remote(dir: PathBuf, remote: RemoteCache) -> Cache {
        Cache {
            dir,
            remote: Some(remote),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn remote(&self) -> Option<&RemoteCache> {
        self.remote.as_ref()
    }

    /// Where a clip with this key and format lives (whether or not it exists).
    pub fn path(&self, key: &ClipKey, format: ClipFormat) -> PathBuf {
        self.dir
            .join(&key.0[..2])
            .join(format!("{}.{}", key.0, format.extension()))
    }

    /// The stored bytes, if present.
    pub fn read(&self, key: &ClipKey, format: ClipFormat) -> Option<Vec<u8>> {
        fs_err::read(self.path(key, format)).ok()
    }

    /// Where the aligned word times of a clip with this key live: beside
    /// the clip, removed with it. (An embedded engine's clip carries its
    /// own times; a remote service's are found by alignment, once.)
    pub fn words_path(&self, key: &ClipKey) -> PathBuf {
        self.dir
            .join(&key.0[..2])
            .join(format!("{}.{WORDS_EXTENSION}", key.0))
    }

    /// The word times stored for a clip, if there are any and they read.
    pub fn read_words(&self, key: &ClipKey) -> Option<Vec<ClipWord>> {
        let bytes = fs_err::read(self.words_path(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Store a clip's word times atomically.
    pub fn write_words(&self, key: &ClipKey, words: &[ClipWord]) -> std::io::Result<()> {
        let path = self.words_path(key);
        fs_err::create_dir_all(path.parent().expect("cache paths have a parent"))?;
        let json = serde_json::to_vec(words).expect("plain data");
        crate::util::write_atomic(&path, &json)
    }

    /// Store bytes atomically: temporary file in the same folder, fsync, rename.
    pub fn write(
        &self,
        key: &ClipKey,
        format: ClipFormat,
        bytes: &[u8],
    ) -> std::io::Result<PathBuf> {
        let path = self.path(key, format);
        let folder = path.parent().expect("cache paths have a parent");
        fs_err::create_dir_all(folder)?;
        crate::util::write_atomic(&path, bytes)?;
        Ok(path)
    }

    /// Create the cache folder with its marker (if it has none yet).
    pub fn mark(&self) -> std::io::Result<()> {
        fs_err::create_dir_all(&self.dir)?;
        if !self.is_marked() {
            crate::util::write_atomic(&self.dir.join(MARKER), MARKER_TEXT.as_bytes())?;
        }
        Ok(())
    }

    /// Whether the folder carries briefcast's marker.
    pub fn is_marked(&self) -> bool {
        std::fs::read(self.dir.join(MARKER)).is_ok_and(|text| text == MARKER_TEXT.as_bytes())
    }

    /// Every file of the cache's own layout: clips (with their key) and the
    /// temporary files an interrupted write left. Anything else in the
    /// folder, whoever put it there, is not listed.
    pub fn entries(&self) -> std::io::Result<Vec<CacheEntry>> {
        let mut entries = Vec::new();
        let Ok(shards) = fs_err::read_dir(&self.dir) else {
            return Ok(entries);
        };
        for shard in shards.flatten() {
            let shard_name = shard.file_name().to_string_lossy().into_owned();
            let is_shard = shard_name.len() == 2 && shard_name.bytes().all(is_lower_hex);
            if !is_shard || !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            for file in fs_err::read_dir(shard.path())?.flatten() {
                if !file.file_type().is_ok_and(|t| t.is_file()) {
                    continue;
                }
                let name = file.file_name().to_string_lossy().into_owned();
                let path = file.path();
                if let Some(key) = clip_key(&name).filter(|k| k.starts_with(&shard_name)) {
                    let key = key.to_owned();
                    entries.push(if name.ends_with(WORDS_EXTENSION) {
                        CacheEntry::Words { key, path }
                    } else {
                        CacheEntry::Clip { key, path }
                    });
                } else if is_temporary(&name) {
                    entries.push(CacheEntry::Temporary(path));
                }
            }
        }
        entries.sort_by(|a, b| a.path().cmp(b.path()));
        Ok(entries)
    }

    /// Remove a stored clip (a corrupt entry about to be replaced), and
    /// the word times found in it.
    pub fn remove(&self, key: &ClipKey, format: ClipFormat) {
        let _ = fs_err::remove_file(self.path(key, format));
        let _ = fs_err::remove_file(self.words_path(key));
    }
}

/// The marker file in a cache's root.
pub(super) const MARKER: &str = "CACHEDIR.TAG";
pub(super) const MARKER_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by briefcast: the folder holds\n\
# its clip cache. `briefcast cache gc` only deletes clips in a folder with\n\
# this file. See https://bford.info/cachedir/\n";

/// A file of the cache's layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheEntry {
    Clip {
        key: String,
        path: PathBuf,
    },
    /// A clip's aligned word times, beside it.
    Words {
        key: String,
        path: PathBuf,
    },
    /// A hidden `.tmp…` file a killed write left behind.
    Temporary(PathBuf),
}

impl CacheEntry {
    pub fn path(&self) -> &Path {
        match self {
            CacheEntry::Clip { path, .. }
            | CacheEntry::Words { path, .. }
            | CacheEntry::Temporary(path) => path,
        }
    }
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// The extension of a clip's aligned word times.
const WORDS_EXTENSION: &str = "words.json";

/// `<64 lowercase hex>.wav`, `.pcm` or `.words.json` → the key.
pub(super) fn clip_key(name: &str) -> Option<&str> {
    let (stem, extension) = name.split_once('.')?;
    (is_clip_key(stem) && matches!(extension, "wav" | "pcm" | WORDS_EXTENSION)).then_some(stem)
}

/// 64 lowercase hex digits.
pub(super) fn is_clip_key(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(is_lower_hex)
}

/// The names [`crate::util::write_atomic`] gives its temporary files.
fn is_temporary(name: &str) -> bool {
    name.len() == 10 && name.starts_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_every_field_and_on_field_boundaries() {
        let a = ClipKey::from_fields(&["openai", "alloy", "你好"]);
        assert_eq!(a, ClipKey::from_fields(&["openai", "alloy", "你好"]));
        assert_ne!(a, ClipKey::from_fields(&["openai", "alloy", "你好。"]));
        assert_ne!(
            ClipKey::from_fields(&["ab", "c"]),
            ClipKey::from_fields(&["a", "bc"])
        );
        assert_eq!(a.as_str().len(), 64);
    }

    #[test]
    fn write_then_read_round_trips_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("cache"));
        let key = ClipKey::from_fields(&["x"]);
        assert!(cache.read(&key, ClipFormat::Wav).is_none());
        let path = cache.write(&key, ClipFormat::Wav, b"RIFF").unwrap();
        assert_eq!(cache.read(&key, ClipFormat::Wav).unwrap(), b"RIFF");
        let siblings: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(siblings.len(), 1);
        assert!(cache
            .read(
                &key,
                ClipFormat::Pcm {
                    rate: 24_000,
                    channels: 1,
                    sample: crate::model::PcmSample::S16le
                }
            )
            .is_none());
    }
}
