//! Publishing: every file that lands in the output folder, written atomically.
//!
//! Owns file names and sidecar formats (Podcasting 2.0 chapters for now) and
//! the temporary-file-then-rename discipline, so an interrupted build leaves
//! the previous good files untouched. It never changes samples.

mod atomic;
mod chapters;

pub use atomic::{temp_file_in, write_atomic};
pub use chapters::chapters_json;

use std::path::{Path, PathBuf};

/// `audio/<slug>.<extension>`.
pub fn output_path(dir: &Path, slug: &str, extension: &str) -> PathBuf {
    dir.join(format!("{slug}.{extension}"))
}
