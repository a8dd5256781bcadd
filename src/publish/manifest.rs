//! `audio/manifest.json`: what the last build produced, per episode.
//!
//! Each episode records the fingerprint of everything that shaped it (clip
//! keys, pauses, titles, assembly settings), its files with sizes and
//! hashes, and its segments with their clip keys and positions. A build
//! whose fingerprint matches and whose files are intact leaves the episode
//! alone: same bytes, same modification time.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// Bumped when the manifest's shape changes; an older file is ignored.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub episodes: BTreeMap<String, EpisodeEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EpisodeEntry {
    pub speaker: String,
    pub title: String,
    pub fingerprint: String,
    pub settings: serde_json::Value,
    pub duration_seconds: f64,
    pub files: Vec<FileEntry>,
    pub segments: Vec<SegmentEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub blake3: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SegmentEntry {
    pub id: String,
    pub text: String,
    pub spoken: String,
    pub voice: String,
    pub key: String,
    pub start_frame: u64,
    pub frames: u64,
    pub start_seconds: f64,
}

impl Manifest {
    /// The manifest in `dir`, or an empty one when it is absent, unreadable
    /// or from another version (everything is then re-assembled, nothing
    /// re-requested: clips live in the cache).
    pub fn load(dir: &Path) -> Manifest {
        let path = dir.join("manifest.json");
        let Ok(text) = fs_err::read_to_string(&path) else {
            return Manifest::default();
        };
        match serde_json::from_str::<Manifest>(&text) {
            Ok(m) if m.version == MANIFEST_VERSION => m,
            Ok(_) => Manifest::default(),
            Err(e) => {
                tracing::warn!(
                    "{}: unreadable ({e}); episodes will be re-assembled",
                    path.display()
                );
                Manifest::default()
            }
        }
    }

    /// Write the manifest unless the file already says exactly this.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let mut manifest = self.clone();
        manifest.version = MANIFEST_VERSION;
        let mut json = serde_json::to_string_pretty(&manifest).expect("plain data serialises");
        json.push('\n');
        let path = dir.join("manifest.json");
        if std::fs::read(&path).is_ok_and(|old| old == json.as_bytes()) {
            return Ok(());
        }
        super::write_atomic(&path, json.as_bytes())
    }
}

impl EpisodeEntry {
    /// Every recorded file is present with its recorded size.
    pub fn files_intact(&self, dir: &Path) -> bool {
        self.files.iter().all(|f| {
            std::fs::metadata(dir.join(&f.name)).is_ok_and(|m| m.is_file() && m.len() == f.bytes)
        })
    }
}

/// Size and blake3 hash of a written file.
pub fn file_entry(dir: &Path, name: &str) -> std::io::Result<FileEntry> {
    let path = dir.join(name);
    let mut hasher = blake3::Hasher::new();
    let bytes = std::io::copy(&mut fs_err::File::open(&path)?, &mut hasher)?;
    Ok(FileEntry {
        name: name.to_owned(),
        bytes,
        blake3: hasher.finalize().to_hex().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.wav"), b"RIFF....").unwrap();
        let entry = EpisodeEntry {
            speaker: "柳州市".into(),
            title: "t".into(),
            fingerprint: "f".into(),
            settings: serde_json::json!({"sample-rate": 48000}),
            duration_seconds: 1.5,
            files: vec![file_entry(dir.path(), "a.wav").unwrap()],
            segments: vec![],
        };
        let mut manifest = Manifest::default();
        manifest.episodes.insert("a".into(), entry);
        manifest.save(dir.path()).unwrap();
        let loaded = Manifest::load(dir.path());
        assert_eq!(loaded.episodes, manifest.episodes);
        assert!(loaded.episodes["a"].files_intact(dir.path()));
        std::fs::write(dir.path().join("a.wav"), b"RIFF").unwrap();
        assert!(!loaded.episodes["a"].files_intact(dir.path()));
    }

    #[test]
    fn a_corrupt_manifest_is_treated_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manifest.json"), b"{not json").unwrap();
        assert_eq!(Manifest::load(dir.path()), Manifest::default());
    }
}
