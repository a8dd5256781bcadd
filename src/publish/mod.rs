//! Publishing: every file that lands in the output folder, written atomically.
//!
//! Owns file names and formats beside the episode WAV: Podcasting 2.0
//! chapters, WebVTT (by sentence, and by word in `word_captions.rs`) and
//! SRT transcripts, Audacity labels, the MP3 with ID3 chapters (one table
//! of them, [`OUTPUTS`] in `outputs.rs`), the WAV's own tags, the files of
//! the whole show (`show.rs`: the podcast feed, the read-along page, the
//! EPUB with Media Overlays), and the build manifest and an episode's entry
//! in it with its timed words (`words.rs`); and the
//! temporary-file-then-rename discipline, so an interrupted build leaves
//! the previous good files untouched. It never changes samples. It is given
//! its own settings (`[publish]`, `[show]`, the creation date), never the
//! whole configuration.

pub mod captions;
mod chapters;
pub mod epub;
pub mod feed;
pub mod manifest;
pub mod mp3;
mod outputs;
pub mod page;
mod record;
mod ruby;
mod show;
mod wav_tags;
mod word_captions;
mod words;

pub use crate::util::{remove_leftovers, temp_file_in, write_atomic, write_if_changed};
pub use chapters::chapters_json;
pub use manifest::{ClipCounts, DeliveryEntry, EpisodeEntry, FileEntry, Manifest, SegmentEntry};
pub use outputs::{write_text_outputs, Encoder, Encoding, Episode, Output, Render, OUTPUTS};
pub use record::{episode_entry, Written};
pub use show::write_show_files;
pub use wav_tags::{cart_tags, wav_tags};
pub use words::WordEntry;
