//! `briefcast cache gc`: remove clips no script references any more.
//!
//! Deletes only what it can prove is briefcast's: files of the cache's own
//! layout (`xx/<key>.wav|pcm` and `.tmp…` leftovers) in a folder carrying
//! briefcast's `CACHEDIR.TAG`, never a cache that overlaps the scripts or
//! output folder, and only while it holds the cache's lock, so a running
//! build's files are never touched.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::Project;
use crate::tts::{CacheEntry, Catalog};

#[derive(Debug, Default)]
pub struct GcReport {
    pub removed: Vec<PathBuf>,
    pub bytes: u64,
    pub kept: usize,
}

/// Every clip in the cache whose key no current segment uses (and leftover
/// temporary files); deleted unless `dry_run`. The caller holds the lock.
pub fn collect_garbage(project: &Project, catalog: &Catalog, dry_run: bool) -> Result<GcReport> {
    super::check_cache_folder(project)?;
    let mut referenced = BTreeSet::new();
    for segment in project.episodes.iter().flat_map(|e| e.segments()) {
        referenced.insert(catalog.key(&project.request(segment))?.to_string());
    }
    let mut report = GcReport::default();
    let cache = catalog.cache();
    if !cache.dir().exists() {
        return Ok(report);
    }
    if !cache.is_marked() {
        bail!(
            "{} is not a briefcast cache (it has no CACHEDIR.TAG written by briefcast); nothing removed. A build marks the cache it uses",
            cache.dir().display()
        );
    }
    let entries = cache.entries().context("reading the cache")?;
    for entry in entries {
        if let CacheEntry::Clip { key, .. } = &entry {
            if referenced.contains(key) {
                report.kept += 1;
                continue;
            }
        }
        let path = entry.path().to_owned();
        report.bytes += path.metadata().map_or(0, |m| m.len());
        if !dry_run {
            fs_err::remove_file(&path).context("removing a cached clip")?;
        }
        report.removed.push(path);
    }
    Ok(report)
}
