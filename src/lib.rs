//! briefcast turns speech texts into broadcast-ready audio: scripts are cut
//! into sentence-sized segments, each is synthesised by a configurable
//! text-to-speech HTTP service, and the clips are stitched into one
//! chaptered episode per speaker. See DESIGN in the README for the stages.

#![warn(unreachable_pub)]

pub mod align;
pub mod audio;
pub mod check;
pub mod cli;
mod cmd;
pub mod config;
pub mod deliver;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod publish;
pub mod script;
pub mod text;
pub mod tts;
pub mod util;
