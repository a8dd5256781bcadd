//! `briefcast cache gc`: remove clips no script references any more.
//!
//! Deletes only what it can prove is briefcast's: files of the cache's own
//! layout (`xx/<key>.wav|pcm` and `.tmp…` leftovers) in a folder carrying
//! briefcast's `CACHEDIR.TAG`, never a cache that overlaps the scripts or
//! output folder, and only while it holds the cache's lock, so a running
//! build's files are never touched.
//!
//! A shared cache (`s3://…`) is collected by the same rules: only objects
//! of the layout under a prefix carrying the marker; as other machines'
//! builds hold no lock here, a clip stored within the last day is kept
//! (it may belong to another machine's newer scripts), and a lease only
//! once it has expired.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};

use super::Project;
use crate::tts::{CacheEntry, Catalog, RemoteCache, RemoteEntry};

#[derive(Debug, Default)]
pub struct GcReport {
    /// Local files, or object URLs in the shared cache.
    pub removed: Vec<String>,
    /// How many of them are clips (or temporaries), not word times.
    pub unreferenced: usize,
    pub bytes: u64,
    pub kept: usize,
}

/// A shared clip younger than this is kept whatever the scripts here say.
const SHARED_GRACE: Duration = Duration::from_secs(24 * 3600);

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
    if cache.dir().exists() {
        collect_local(catalog, &referenced, dry_run, &mut report)?;
    }
    if let Some(remote) = cache.remote() {
        let runtime = crate::util::runtime()?;
        runtime.block_on(collect_shared(remote, &referenced, dry_run, &mut report))?;
    }
    Ok(report)
}

fn collect_local(
    catalog: &Catalog,
    referenced: &BTreeSet<String>,
    dry_run: bool,
    report: &mut GcReport,
) -> Result<()> {
    let cache = catalog.cache();
    if !cache.is_marked() {
        bail!(
            "{} is not a briefcast cache (it has no CACHEDIR.TAG written by briefcast); nothing removed. A build marks the cache it uses",
            cache.dir().display()
        );
    }
    let entries = cache.entries().context("reading the cache")?;
    for entry in entries {
        match &entry {
            CacheEntry::Clip { key, .. } if referenced.contains(key) => {
                report.kept += 1;
                continue;
            }
            CacheEntry::Words { key, .. } if referenced.contains(key) => continue,
            CacheEntry::Words { .. } => {}
            _ => report.unreferenced += 1,
        }
        let path = entry.path().to_owned();
        report.bytes += path.metadata().map_or(0, |m| m.len());
        if !dry_run {
            fs_err::remove_file(&path).context("removing a cached clip")?;
        }
        report.removed.push(path.display().to_string());
    }
    Ok(())
}

async fn collect_shared(
    remote: &RemoteCache,
    referenced: &BTreeSet<String>,
    dry_run: bool,
    report: &mut GcReport,
) -> Result<()> {
    if !remote.is_marked().await? {
        bail!(
            "{} is not a briefcast cache (it has no CACHEDIR.TAG written by briefcast); nothing removed there",
            remote.url()
        );
    }
    let now = SystemTime::now();
    for entry in remote.entries().await? {
        let bytes = match &entry {
            RemoteEntry::Clip { key, .. } if referenced.contains(key) => {
                report.kept += 1;
                continue;
            }
            RemoteEntry::Clip { stored, .. }
                if now.duration_since(*stored).unwrap_or_default() < SHARED_GRACE =>
            {
                report.kept += 1;
                continue;
            }
            RemoteEntry::Clip { bytes, .. } => *bytes,
            RemoteEntry::Lease(_) if !remote.is_expired(&entry).await? => continue,
            RemoteEntry::Lease(_) => 0,
        };
        report.bytes += bytes;
        if !dry_run {
            remote.remove(&entry).await?;
        }
        let bucket = remote
            .url()
            .split('/')
            .take(3)
            .collect::<Vec<_>>()
            .join("/");
        report.removed.push(format!("{bucket}/{}", entry.path()));
        report.unreferenced += 1;
    }
    Ok(())
}
