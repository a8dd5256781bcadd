//! Publishing: every file that lands in the output folder, written atomically.
//!
//! Owns file names, sidecar formats (Podcasting 2.0 chapters), the build
//! manifest, and the temporary-file-then-rename discipline, so an
//! interrupted build leaves the previous good files untouched. It never
//! changes samples.

mod atomic;
mod chapters;
mod dates;
pub mod manifest;

pub use atomic::{temp_file_in, write_atomic};
pub use chapters::chapters_json;
pub use dates::{civil_date, is_iso_date};
pub use manifest::{EpisodeEntry, FileEntry, Manifest, SegmentEntry};

use std::path::{Path, PathBuf};

/// `audio/<slug>.<extension>`.
pub fn output_path(dir: &Path, slug: &str, extension: &str) -> PathBuf {
    dir.join(format!("{slug}.{extension}"))
}
