//! Audio: the only place that decodes, resamples and writes samples.
//!
//! Decodes each clip a service returned (any common WAV layout, or declared
//! raw PCM), mixes to mono, resamples to the episode rate and streams the
//! episode to disk with pauses and chapter markers, one clip in memory at a
//! time. It makes no network calls and decides nothing about text.

mod assemble;
pub mod decode;
mod resample;
pub mod wav;

pub use assemble::{assemble, AssembleError, ClipFile};
pub use assemble::{check_clip, decode_clip};
pub use resample::resample;
