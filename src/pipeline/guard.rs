//! What a build or `cache gc` checks before it touches a file: that the
//! cache is a folder of its own, and that no other run uses the cache or
//! the output folder (an OS lock, held until the run ends or dies).

use std::path::Path;

use anyhow::{bail, Context, Result};

use super::Project;
use crate::util::{lock_folders, overlap, FolderLock};

/// The cache must neither equal, contain nor sit inside the scripts or
/// output folder: `cache gc` deletes inside it.
pub fn check_cache_folder(project: &Project) -> Result<()> {
    let config = &project.config;
    let cache = config.cache_dir();
    let others = [
        ("scripts", config.resolve(&config.paths.scripts)),
        ("output", config.resolve(&config.paths.output)),
    ];
    for (what, folder) in others {
        if overlap(&cache, &folder) {
            bail!(
                "the cache folder {} overlaps the {what} folder {}: give the cache a folder of its own ([paths] cache)",
                cache.display(),
                folder.display(),
            );
        }
    }
    Ok(())
}

/// Wait for (or, without `wait`, refuse) another run on these folders.
fn lock(folders: &[&Path], wait: bool) -> Result<FolderLock> {
    let notice = |folder: &Path| {
        eprintln!(
            "briefcast: another briefcast run is using {}; waiting for it to finish",
            folder.display()
        )
    };
    Ok(lock_folders(folders, wait, &notice)?)
}

/// For a build: the cache (created and marked) and the output folder
/// (created), locked in that order.
pub fn lock_for_build(project: &Project, wait: bool) -> Result<FolderLock> {
    let cache = marked_cache(project)?;
    let out_dir = project.output_dir();
    if out_dir.exists() && !out_dir.is_dir() {
        bail!("output folder {} is a file", out_dir.display());
    }
    fs_err::create_dir_all(&out_dir).context("cannot create the output folder")?;
    lock(&[cache.dir(), &out_dir], wait)
}

/// For a sharded build: the local cache (created and marked) alone; no
/// output is written.
pub fn lock_cache_for_share(project: &Project, wait: bool) -> Result<FolderLock> {
    let cache = marked_cache(project)?;
    lock(&[cache.dir()], wait)
}

/// The project's cache folder, checked, created and marked.
fn marked_cache(project: &Project) -> Result<crate::tts::Cache> {
    check_cache_folder(project)?;
    let cache = project.cache();
    cache
        .mark()
        .with_context(|| format!("cannot create the cache folder {}", cache.dir().display()))?;
    Ok(cache)
}

/// For `cache gc`: the cache alone, if it exists.
pub fn lock_cache(project: &Project, wait: bool) -> Result<Option<FolderLock>> {
    check_cache_folder(project)?;
    let cache = project.cache();
    if !cache.dir().is_dir() {
        return Ok(None);
    }
    lock(&[cache.dir()], wait).map(Some)
}
