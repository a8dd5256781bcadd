//! A watch folder: the file is written under a hidden temporary name in
//! the folder itself (so on the same filesystem), flushed to disk, then
//! renamed onto its name, and the folder flushed; an importer polling the
//! folder sees no file or the whole file, never a part. A delivery killed
//! half-way leaves only its temporary, which the next delivery removes.

use std::io::Write;
use std::path::Path;

use super::{DeliverError, Placed};

/// The temporaries' prefix: only these are ever removed from the folder.
const PREFIX: &str = ".briefcast-delivery-";

pub(super) fn deliver(
    target: &str,
    dir: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<Placed, DeliverError> {
    let path = dir.join(name);
    let io = |source| DeliverError::Io {
        target: target.to_owned(),
        path: path.clone(),
        source,
    };
    let mut file = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(io)?;
    }
    file.write_all(bytes).map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    file.persist(&path).map_err(|e| io(e.error))?;
    // The rename itself reaches the disk with the folder.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(Placed {
        name: name.to_owned(),
        id: None,
        problem: None,
    })
}

/// Removes the temporaries an interrupted delivery left in `dir`; returns
/// how many.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    crate::util::remove_files_named(dir, |name| {
        name.starts_with(PREFIX) && name.ends_with(".tmp")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_renames_and_cleans_only_its_own_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".other.tmp"), b"not ours").unwrap();
        std::fs::write(dir.path().join(format!("{PREFIX}a.wav.x1.tmp")), b"half").unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()), 1);
        let placed = deliver("t", dir.path(), "a.wav", b"RIFF").unwrap();
        assert_eq!(placed.name, "a.wav");
        assert_eq!(std::fs::read(dir.path().join("a.wav")).unwrap(), b"RIFF");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".other.tmp", "a.wav"]);
        let missing = deliver("t", &dir.path().join("gone"), "a.wav", b"x").unwrap_err();
        assert!(
            missing.to_string().starts_with("t: cannot write "),
            "{missing}"
        );
    }
}
