//! Publishing: every file that lands in the output folder, written atomically.
//!
//! Owns file names and formats beside the episode WAV: Podcasting 2.0
//! chapters, WebVTT and SRT transcripts, Audacity labels, the MP3 with ID3
//! chapters, the podcast feed, the read-along page, and the build manifest;
//! and the temporary-file-then-rename discipline, so an interrupted build
//! leaves the previous good files untouched. It never changes samples.

pub mod captions;
mod chapters;
pub mod feed;
pub mod manifest;
pub mod mp3;
pub mod page;

pub use crate::util::{remove_leftovers, temp_file_in, write_atomic, write_if_changed};
pub use chapters::chapters_json;
pub use manifest::{EpisodeEntry, FileEntry, Manifest, SegmentEntry};
