//! Comparing folders the way the file system sees them: `..`, `.` and
//! symbolic links resolved, whether or not the folder exists yet.

use std::path::{Component, Path, PathBuf};

/// The absolute, link-free form of `path`: its longest existing ancestor
/// canonicalised, the rest appended with `.` and `..` resolved.
pub fn real_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break existing.to_owned(),
        }
    };
    let mut real = base;
    for name in rest.into_iter().rev() {
        match Path::new(&name).components().next() {
            Some(Component::ParentDir) => {
                real.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => real.push(name),
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
