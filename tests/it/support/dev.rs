#![allow(dead_code)] // each real-server test uses what it needs
//! Where `dev/setup` installed what the tests run beyond Debian packages:
//! real third-party servers and model files, below one cache folder.

use std::path::PathBuf;

/// `$BRIEFCAST_DEV_CACHE`, else `$XDG_CACHE_HOME/briefcast-dev`, else
/// `~/.cache/briefcast-dev`: the same rule as `dev/setup`.
pub fn dev_cache() -> PathBuf {
    if let Some(dir) = std::env::var_os("BRIEFCAST_DEV_CACHE").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
        });
    base.join("briefcast-dev")
}

/// A path below the cache that `dev/setup` must have made; a missing one
/// fails the test with the command that installs it.
pub fn installed(relative: &str) -> PathBuf {
    let path = dev_cache().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run dev/setup (it installs the tests' servers and models)",
        path.display()
    );
    path
}
