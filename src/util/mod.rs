//! Helpers that belong to no stage: every stage may use them, and they use
//! no stage. One home for each, so copies cannot drift apart.

mod atomic;
mod body;
mod dates;
mod errors;
mod escape;
mod location;
mod lock;
mod paths;
mod process;
mod read;
mod redact;
mod redirect;
mod resample;
pub mod retry;
mod simplified;
mod slots;
mod time;

pub use atomic::{
    persist_if_changed, remove_files_named, remove_leftovers, temp_file_in, write_atomic,
    write_if_changed,
};
pub use body::{clipped, describe, first_line, printable, sniff, BodyKind};
pub use dates::{civil_date, clock_utc, is_iso_date, unix_from_date};
pub use errors::{anyhow_chain, error_chain, is_internal, runtime, Internal, InternalContext};
pub use escape::escape_xml;
pub use location::line_column;
pub use lock::{lock_folders, FolderLock, LockError};
pub use paths::{overlap, real_path};
pub use process::{host_name, is_gone, process_identity};
pub use read::read_regular;
pub use redact::Redactor;
pub use redirect::{cross_origin, keyed_redirect_policy, CrossOrigin, TransportFailure};
pub use resample::{resample, ResampleError};
pub use simplified::{same_name, to_simplified};
pub use slots::{Slot, Slots};
pub use time::{frames_to_micros, frames_to_millis, frames_to_seconds};
