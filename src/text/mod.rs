//! Text: from a paragraph as written to the segments a voice will say.
//!
//! Pure functions only (no IO, no async): sentence segmentation and cutting
//! to a service's length limit, ASCII slugs for file names. It knows nothing
//! of services, files or audio.

mod segment;
mod slug;

pub use segment::{fit_to_limit, segment_paragraph, split_sentences, Limit};
pub use slug::{is_valid_slug, slugify};
