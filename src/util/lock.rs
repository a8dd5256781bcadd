//! One build at a time: an exclusive OS lock (`flock`) on the folders a
//! build writes (the cache and the output folder). The kernel releases it
//! when the process ends, however it ends, so a crash never leaves a stale
//! lock behind. The folders themselves are locked: no lock file appears
//! among the published files.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

/// Held for as long as it lives.
#[derive(Debug)]
pub struct FolderLock {
    _held: Vec<File>,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another briefcast run is using {}; try again when it has finished (or drop --no-wait to wait for it)", .0.display())]
    Busy(PathBuf),
    #[error("cannot lock {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Locks every folder in order (callers pass them in one fixed order, so two
/// runs never deadlock). With `wait`, a folder another process holds is
/// waited for, after `on_wait` is told which one; without, that is an error.
pub fn lock_folders(
    folders: &[&Path],
    wait: bool,
    on_wait: &dyn Fn(&Path),
) -> Result<FolderLock, LockError> {
    let mut held = Vec::new();
    for folder in folders {
        let io = |source| LockError::Io {
            path: folder.to_path_buf(),
            source,
        };
        let file = File::open(folder).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) if wait => {
                on_wait(folder);
                file.lock().map_err(io)?;
            }
            Err(TryLockError::WouldBlock) => return Err(LockError::Busy(folder.to_path_buf())),
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
        held.push(file);
    }
    Ok(FolderLock { _held: held })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_a_folder_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_folders(&[dir.path()], false, &|_| {}).unwrap();
        let second = lock_folders(&[dir.path()], false, &|_| {});
        assert!(matches!(second, Err(LockError::Busy(_))), "{second:?}");
        drop(first);
        assert!(lock_folders(&[dir.path()], false, &|_| {}).is_ok());
    }
}
