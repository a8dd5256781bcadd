//! Installed neural voices and the ONNX Runtime library: the catalogue,
//! where installed packs live (the XDG data directory), the installer, and
//! how the runtime library is found (a configured path, `ORT_DYLIB_PATH`,
//! the installed copy).

mod catalogue;
mod install;

use std::path::{Path, PathBuf};

pub use catalogue::{Archive, Catalogue, FileEntry, Pack, Part, Source, Voice};
pub use install::{install, remove, Downloader, Progress};

#[derive(Debug, thiserror::Error)]
pub enum VoicesError {
    #[error("voice catalogue {origin}: {message}")]
    Catalogue { origin: String, message: String },
    #[error("no voice pack named {0:?} in the catalogue (see briefcast voices list)")]
    UnknownPack(String),
    #[error("{pack}: {file}: {message}")]
    Fetch {
        pack: String,
        file: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{what} is not installed: run `briefcast voices install {pack}`")]
    Missing { what: String, pack: String },
}

/// `$XDG_DATA_HOME/briefcast`, else `~/.local/share/briefcast`.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("briefcast");
    }
    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".local/share/briefcast")
}

/// Where a pack is installed (whether or not it is).
pub fn pack_dir(data: &Path, pack: &Pack) -> PathBuf {
    data.join("voices").join(&pack.dir)
}

/// Whether every file of the pack is in place (an install writes the
/// folder under a temporary name and renames it whole, so a folder under
/// its final name is complete).
pub fn is_installed(data: &Path, pack: &Pack) -> bool {
    let dir = pack_dir(data, pack);
    pack.files.iter().all(|f| dir.join(&f.name).is_file())
}

/// The installed pack's folder, or the error naming the install command.
pub fn installed_pack(data: &Path, pack: &Pack, what: &str) -> Result<PathBuf, VoicesError> {
    if is_installed(data, pack) {
        Ok(pack_dir(data, pack))
    } else {
        Err(VoicesError::Missing {
            what: what.to_owned(),
            pack: pack.name.clone(),
        })
    }
}

/// The ONNX Runtime library: `configured`, else `ORT_DYLIB_PATH`, else the
/// installed copy.
pub fn runtime_library(
    configured: Option<&Path>,
    catalogue: &Catalogue,
    data: &Path,
) -> Result<PathBuf, VoicesError> {
    let missing = |what: String| VoicesError::Missing {
        what,
        pack: catalogue
            .runtime()
            .map_or("onnxruntime".into(), |p| p.name.clone()),
    };
    if let Some(path) = configured {
        return path
            .is_file()
            .then(|| path.to_owned())
            .ok_or_else(|| missing(format!("the ONNX Runtime library {}", path.display())));
    }
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path.clone()).ok_or_else(|| {
            missing(format!(
                "the ONNX Runtime library {} (ORT_DYLIB_PATH)",
                path.display()
            ))
        });
    }
    let pack = catalogue
        .runtime()
        .ok_or_else(|| missing("the ONNX Runtime library".into()))?;
    let dir = installed_pack(data, pack, "the ONNX Runtime library")?;
    Ok(dir.join(&pack.files[0].name))
}
