//! Helpers that belong to no stage: every stage may use them, and they use
//! no stage. One home for each, so copies cannot drift apart.

mod body;
mod dates;
mod escape;
mod location;
mod slots;
mod time;

pub use body::{clipped, describe, first_line, printable, sniff, BodyKind};
pub use dates::{civil_date, is_iso_date, unix_from_date};
pub use escape::escape_xml;
pub use location::line_column;
pub use slots::{Slot, Slots};
pub use time::{frames_to_millis, frames_to_seconds};
