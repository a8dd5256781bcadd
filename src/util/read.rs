//! Reading an input file safely: only a regular file (a FIFO would block
//! the run, `/dev/zero` would fill memory), and no more than a limit.

use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// The bytes of the regular file at `path`, if it holds at most `limit`.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let not_regular = || {
        Error::new(
            ErrorKind::InvalidInput,
            "not a regular file (a FIFO, device or folder); only regular files are read",
        )
    };
    // Checked before opening: opening a FIFO blocks until a writer comes.
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!(
                "larger than {} MiB, the most read from one file",
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(read_regular(&path, 5).unwrap(), b"hello");
        assert!(read_regular(&path, 4)
            .unwrap_err()
            .to_string()
            .contains("larger"));
        assert!(read_regular(dir.path(), 5).is_err());
        #[cfg(unix)]
        assert!(read_regular(Path::new("/dev/zero"), 5)
            .unwrap_err()
            .to_string()
            .contains("not a regular file"));
    }
}
