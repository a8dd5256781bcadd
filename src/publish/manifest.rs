//! `audio/manifest.json`: what the last build produced, per episode.
//!
//! Each episode records the fingerprint of everything that shaped it (clip
//! keys, pauses, titles, assembly settings), its files with sizes and
//! hashes, and its segments with their clip keys, positions and timed
//! words (`words.rs`). A build
//! whose fingerprint matches and whose files are intact leaves the episode
//! alone: same bytes, same modification time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::words::WordEntry;
use crate::model::{ChapterPlan, EpisodePlan, EpisodeTiming, Pause, Segment, SourcePos, Span};

/// Bumped when the manifest's shape changes; an older file is ignored.
pub const MANIFEST_VERSION: u32 = 3;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub episodes: BTreeMap<String, EpisodeEntry>,
    /// Files that belong to the whole show (feed, page and its assets).
    #[serde(default)]
    pub show_files: Vec<FileEntry>,
    /// What `briefcast deliver` put where: per target, per episode.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deliveries: BTreeMap<String, BTreeMap<String, DeliveryEntry>>,
}

/// One episode delivered to one target: the content hash sent (the same
/// hash is not sent again), the name it has there and the id the target
/// gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryEntry {
    pub name: String,
    pub blake3: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EpisodeEntry {
    /// Position in the show.
    pub order: usize,
    pub speaker: String,
    pub title: String,
    pub fingerprint: String,
    /// The creation date written into the episode (`yyyy-mm-dd`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub created: String,
    pub settings: serde_json::Value,
    pub rate: u32,
    pub total_frames: u64,
    pub duration_seconds: f64,
    pub loudness: Option<LoudnessEntry>,
    /// The voices heard in the episode, with their licences.
    #[serde(default)]
    pub voices: Vec<VoiceEntry>,
    pub files: Vec<FileEntry>,
    pub chapters: Vec<ChapterEntry>,
    pub segments: Vec<SegmentEntry>,
    /// Where the build that wrote it got its clips.
    #[serde(default)]
    pub clips: ClipCounts,
}

/// An episode's clips by what they cost the build that wrote it: paid
/// requests, copies from the shared cache, and clips this machine had.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClipCounts {
    pub requested: usize,
    pub copied: usize,
    pub cached: usize,
}

/// One voice of an episode: `[voices.NAME]`, the service and voice it
/// spoke with, and the licence of the model behind it where briefcast
/// runs it (the embedded service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct VoiceEntry {
    pub name: String,
    pub service: String,
    pub voice: String,
    pub licence: Option<String>,
}

/// The episode's loudness as written, and the gain that got it there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoudnessEntry {
    pub integrated_lufs: f64,
    pub range_lu: f64,
    pub true_peak_dbtp: f64,
    pub max_momentary_lufs: f64,
    pub max_short_term_lufs: f64,
    pub gain_db: f64,
    /// The true-peak ceiling kept the gain below the loudness target.
    pub ceiling_limited: bool,
    /// What the true-peak limiter did (absent when it is off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limiter: Option<LimiterEntry>,
}

/// The true-peak limiter's work on one episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LimiterEntry {
    /// The largest gain reduction, dB.
    pub max_reduction_db: f64,
    /// How long the gain was reduced (by more than 0.01 dB) in all, seconds.
    pub limited_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChapterEntry {
    pub title: String,
    pub start_frame: u64,
    pub frames: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub blake3: String,
}

impl EpisodeEntry {
    /// The episode as it was built: what the published files describe.
    pub fn plan(&self, slug: &str) -> EpisodePlan {
        let mut chapters: Vec<ChapterPlan> = self
            .chapters
            .iter()
            .map(|c| ChapterPlan {
                title: c.title.clone(),
                segments: Vec::new(),
            })
            .collect();
        for s in &self.segments {
            if let Some(chapter) = chapters.get_mut(s.chapter) {
                let words = super::words::located(s).into_iter().map(|(w, _)| w);
                chapter.segments.push(Segment {
                    id: s.id.clone(),
                    text: s.text.clone(),
                    spoken: s.spoken.clone(),
                    voice: s.voice.clone(),
                    source: SourcePos {
                        path: PathBuf::new(),
                        line: 0,
                    },
                    pause_after: s.pause,
                    announcement: s.announcement,
                    words: words.collect(),
                });
            }
        }
        EpisodePlan {
            order: self.order,
            speaker: self.speaker.clone(),
            slug: slug.to_owned(),
            title: self.title.clone(),
            chapters,
        }
    }

    /// Where chapters, segments and their words landed, as recorded.
    pub fn timing(&self) -> EpisodeTiming {
        EpisodeTiming {
            words: self
                .segments
                .iter()
                .map(|s| {
                    super::words::located(s)
                        .into_iter()
                        .map(|(_, span)| span)
                        .collect()
                })
                .collect(),
            rate: self.rate,
            total_frames: self.total_frames,
            chapters: self
                .chapters
                .iter()
                .map(|c| Span {
                    start: c.start_frame,
                    frames: c.frames,
                })
                .collect(),
            segments: self
                .segments
                .iter()
                .map(|s| Span {
                    start: s.start_frame,
                    frames: s.frames,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SegmentEntry {
    pub id: String,
    /// Index of its chapter in `chapters`.
    pub chapter: usize,
    pub pause: Pause,
    pub announcement: bool,
    pub text: String,
    pub spoken: String,
    pub voice: String,
    pub key: String,
    pub start_frame: u64,
    pub frames: u64,
    pub start_seconds: f64,
    /// Its words where the build knew their times, in order.
    pub words: Vec<WordEntry>,
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
    /// Every recorded file is present with its recorded size and blake3
    /// hash (a file damaged in place keeps its size; hashing runs at
    /// gigabytes per second, so checking costs little beside a rebuild).
    pub fn files_intact(&self, dir: &Path) -> bool {
        self.files.iter().all(|f| {
            let path = dir.join(&f.name);
            let sized = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == f.bytes);
            sized && file_entry(dir, &f.name).is_ok_and(|now| now.blake3 == f.blake3)
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
            order: 0,
            speaker: "柳州市".into(),
            title: "t".into(),
            fingerprint: "f".into(),
            created: "2026-12-07".into(),
            settings: serde_json::json!({"sample-rate": 48000}),
            rate: 48_000,
            total_frames: 72_000,
            duration_seconds: 1.5,
            loudness: None,
            voices: vec![VoiceEntry {
                name: "liuzhou".into(),
                service: "local".into(),
                voice: "kokoro:jm_kumo".into(),
                licence: Some("Apache-2.0".into()),
            }],
            files: vec![file_entry(dir.path(), "a.wav").unwrap()],
            chapters: vec![],
            segments: vec![],
            clips: ClipCounts {
                requested: 1,
                copied: 2,
                cached: 3,
            },
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
