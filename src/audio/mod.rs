//! Audio: the only place that decodes and writes samples (resampling, with
//! rubato, is `util::resample`, which the aligner uses too).
//!
//! Decodes each clip a service returned (any common WAV layout, or declared
//! raw PCM), mixes to mono, resamples to the episode rate, trims silent
//! edges, and streams the episode to disk with pauses, chapter markers,
//! EBU R128 loudness normalisation with a true-peak limiter, dither and
//! BWF and AES46 `cart` metadata, one clip in memory at a time. It makes no network calls
//! and decides nothing about text.

mod assemble;
pub mod bext;
pub mod cart;
pub mod clip_words;
pub mod decode;
pub mod dither;
pub mod limiter;
mod listen;
pub mod loudness;
mod speechlike;
pub mod trim;
pub mod wav;

pub use crate::util::{resample, ResampleError};
pub use assemble::{
    assemble, check_clip, check_stored_clip, decode_clip, AssembleError, Assembled, ClipFile,
    EpisodeMeta, NoTap, Tap, TapError,
};
pub use clip_words::clip_words;
pub use listen::{clip_for_listening, samples_to_wav, LISTEN_RATE};

/// Streams an episode WAV back as mono f32 blocks (for encoders that
/// publish it in another format), one block in memory at a time.
pub struct WavBlocks {
    reader: hound::WavReader<std::io::BufReader<std::fs::File>>,
    scale: f32,
}

impl WavBlocks {
    pub fn open(path: &std::path::Path) -> Result<WavBlocks, hound::Error> {
        let reader = hound::WavReader::open(path)?;
        let scale = 1.0 / (1u32 << (reader.spec().bits_per_sample - 1)) as f32;
        Ok(WavBlocks { reader, scale })
    }

    /// The next block of up to 16384 samples; None at the end (or on a read error).
    pub fn next_block(&mut self) -> Option<Vec<f32>> {
        let scale = self.scale;
        let block: Vec<f32> = self
            .reader
            .samples::<i32>()
            .take(16_384)
            .map_while(Result::ok)
            .map(|s| s as f32 * scale)
            .collect();
        (!block.is_empty()).then_some(block)
    }
}
