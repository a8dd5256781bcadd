//! `briefcast cache gc`: remove clips no script references any more.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Project;
use crate::tts::Catalog;

#[derive(Debug, Default)]
pub struct GcReport {
    pub removed: Vec<PathBuf>,
    pub bytes: u64,
    pub kept: usize,
}

/// Every file in the cache whose key no current segment uses (and leftover
/// temporary files); deleted unless `dry_run`.
pub fn collect_garbage(project: &Project, catalog: &Catalog, dry_run: bool) -> Result<GcReport> {
    let mut referenced = BTreeSet::new();
    for segment in project.episodes.iter().flat_map(|e| e.segments()) {
        referenced.insert(catalog.key(&project.request(segment))?.to_string());
    }
    let mut report = GcReport::default();
    let root = catalog.cache().dir();
    let Ok(shards) = std::fs::read_dir(root) else {
        return Ok(report);
    };
    let mut files = Vec::new();
    for shard in shards.flatten().filter(|e| e.path().is_dir()) {
        let entries = fs_err::read_dir(shard.path()).context("reading the cache")?;
        files.extend(entries.flatten().map(|e| e.path()));
    }
    files.sort();
    for path in files {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if referenced.contains(stem) {
            report.kept += 1;
            continue;
        }
        report.bytes += path.metadata().map_or(0, |m| m.len());
        if !dry_run {
            fs_err::remove_file(&path).context("removing a cached clip")?;
        }
        report.removed.push(path);
    }
    Ok(report)
}
