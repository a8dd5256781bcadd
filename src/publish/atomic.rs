//! Atomic file replacement: write beside the target, fsync, rename.

use std::io::Write;
use std::path::Path;

use tempfile::{NamedTempFile, TempPath};

/// Replace `path` with `bytes`; readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file beside `path` for a writer that streams; persist it onto
/// `path` when complete (it is deleted if dropped).
pub fn temp_file_in(path: &Path) -> std::io::Result<TempPath> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    Ok(tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?
        .into_temp_path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_unpersisted_temp_file_disappears() {
        let dir = tempfile::tempdir().unwrap();
        let temp = temp_file_in(&dir.path().join("x.wav")).unwrap();
        assert!(temp.exists());
        drop(temp);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
