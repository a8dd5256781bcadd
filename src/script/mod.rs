//! Scripts: finding them, reading them, and importing raw pasted pages.
//!
//! Owns the script format (TOML front matter between `+++` lines, then
//! Markdown whose headings start chapters) and turns each file into a
//! [`Speech`](crate::model::Speech). It never splits sentences or rewrites
//! text; that is the `text` stage's work.

pub mod import;
mod parse;
pub mod source;
pub mod speaker;

pub use parse::{load_dir, newest_modification, parse_script, ScriptError};
