//! The clip cache: every clip a service returned, stored under its content key.
//!
//! A key is a blake3 hash over everything that changes the sound (service
//! identity, model, voice, speed, the exact text sent, the response format),
//! never over secrets. Clips are written to a temporary file and renamed the
//! moment they arrive, so a paid request survives any crash after it.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::ClipFormat;

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
}

impl Cache {
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
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
        let mut file = tempfile::NamedTempFile::new_in(folder)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }

    /// Remove a stored clip (a corrupt entry about to be replaced).
    pub fn remove(&self, key: &ClipKey, format: ClipFormat) {
        let _ = fs_err::remove_file(self.path(key, format));
    }
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
