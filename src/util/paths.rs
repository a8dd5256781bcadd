//! Comparing folders the way the file system sees them: `..`, `.` and
//! symbolic links resolved, whether or not the folder exists yet.

use std::path::{Component, Path, PathBuf};

/// The absolute, link-free form of `path`: each prefix that exists
/// canonicalised, `.` and `..` resolved on the way, missing parts appended.
pub fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut real = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            part => {
                real.push(part);
                if let Ok(resolved) = real.canonicalize() {
                    real = resolved;
                }
            }
        }
    }
    real
}

/// Whether one folder equals or contains the other.
pub fn overlap(a: &Path, b: &Path) -> bool {
    let (a, b) = (real_path(a), real_path(b));
    a.starts_with(&b) || b.starts_with(&a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_overlap_through_dots_and_missing_parts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("scripts")).unwrap();
        assert!(overlap(&root.join("scripts/.."), &root.join("scripts")));
        assert!(overlap(&root.join("audio/cache"), &root.join("audio")));
        assert!(overlap(&root.join("x/../audio"), &root.join("audio/new")));
        assert!(!overlap(
            &root.join(".briefcast/cache"),
            &root.join("audio")
        ));
        assert!(!overlap(&root.join("audio2"), &root.join("audio")));
    }
}
