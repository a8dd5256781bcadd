//! Atomic file replacement: write beside the target, fsync, rename. The
//! one implementation for published files and cached clips alike.

use std::io::Write;
use std::path::Path;

use tempfile::{NamedTempFile, TempPath};

/// Published files are readable by everyone (a web server, a playout
/// system), like files any program writes with the usual umask.
#[cfg(unix)]
fn make_readable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn make_readable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

/// tempfile adds the random temporary name to its errors; the user knows
/// the folder (the caller names it), so keep only the system's reason.
fn without_temp_name(error: std::io::Error) -> std::io::Error {
    let text = error.to_string();
    match text.split_once(" at path ") {
        Some((reason, _)) => std::io::Error::new(error.kind(), reason.to_owned()),
        None => error,
    }
}

/// Replace `path` with `bytes`; readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = NamedTempFile::new_in(dir).map_err(without_temp_name)?;
    make_readable(file.path())?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Replace `path` only if its contents differ (its modification time then
/// stays); returns whether it was written.
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes)?;
    Ok(true)
}

/// Remove temporary files an interrupted build left in `dir` (hidden
/// `.tmp…` and `.NAME.….tmp` files); returns how many.
pub fn remove_leftovers(dir: &Path) -> usize {
    remove_files_named(dir, |name| {
        name.starts_with('.') && (name.starts_with(".tmp") || name.ends_with(".tmp"))
    })
}

/// Remove the files directly in `dir` whose names `matches`; returns how
/// many were removed.
pub fn remove_files_named(dir: &Path, matches: impl Fn(&str) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|entry| matches(&entry.file_name().to_string_lossy()))
        .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
        .count()
}

/// A temporary file beside `path` for a writer that streams; persist it onto
/// `path` when complete (it is deleted if dropped).
pub fn temp_file_in(path: &Path) -> std::io::Result<TempPath> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(without_temp_name)?
        .into_temp_path();
    make_readable(&temp)?;
    Ok(temp)
}

/// Rename a finished temporary file onto `path` unless `path` already
/// holds the same bytes (its modification time then stays and the
/// temporary file is deleted); returns whether it was written. Compares
/// piece by piece, so a large file is never read whole into memory.
pub fn persist_if_changed(temp: TempPath, path: &Path) -> std::io::Result<bool> {
    if same_contents(&temp, path).unwrap_or(false) {
        return Ok(false);
    }
    std::fs::File::open(&temp)?.sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(true)
}

fn same_contents(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let (mut a, mut b) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    if a.metadata()?.len() != b.metadata()?.len() {
        return Ok(false);
    }
    let (mut x, mut y) = (vec![0; 1 << 16], vec![0; 1 << 16]);
    loop {
        let n = a.read(&mut x)?;
        if n == 0 {
            return Ok(true);
        }
        b.read_exact(&mut y[..n])?;
        if x[..n] != y[..n] {
            return Ok(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_file_replaces_only_different_contents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("show.epub");
        let temp_with = |bytes: &[u8]| {
            let temp = temp_file_in(&path).unwrap();
            std::fs::write(&temp, bytes).unwrap();
            temp
        };
        assert!(persist_if_changed(temp_with(b"one"), &path).unwrap());
        assert!(!persist_if_changed(temp_with(b"one"), &path).unwrap());
        assert!(persist_if_changed(temp_with(b"two"), &path).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn replaces_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn published_files_are_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.xml");
        write_atomic(&path, b"x").unwrap();
        let temp = temp_file_in(&dir.path().join("a.wav")).unwrap();
        for file in [path.as_path(), &temp] {
            assert_eq!(
                std::fs::metadata(file).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn errors_name_no_random_temporary_file() {
        let error = temp_file_in(Path::new("/proc/no-such-dir/a.wav")).unwrap_err();
        assert_eq!(error.to_string(), "No such file or directory (os error 2)");
    }

    #[test]
    fn leftovers_of_an_interrupted_build_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            ".tmpAbC123",
            ".liuzhou.wav.x1y2.tmp",
            "liuzhou.wav",
            ".hidden",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert_eq!(remove_leftovers(dir.path()), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".hidden", "liuzhou.wav"]);
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
