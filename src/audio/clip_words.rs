//! The `bcwd` chunk: the words of a clip and where each is heard, carried
//! inside the clip's WAV by the embedded service (its engines know their
//! words' times) and read back by the pipeline from the stored bytes.
//!
//! Owns: [`with_words`] (a WAV with the chunk put before `data`) and
//! [`clip_words`] (the table read back, or nothing). The reader trusts no
//! byte: it walks at most [`MAX_CHUNKS`] chunks, reads a table of at most
//! [`MAX_WORDS`] rows whose size must match its count exactly, and drops
//! the whole table if any word falls outside the text or the audio or
//! comes before the one it follows.
//!
//! Layout (little-endian), the chunk `bcwd` before `data`:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 2 | version, 1 |
//! | 2 | 2 | reserved, 0 |
//! | 4 | 4 | n, the number of words |
//! | 8 + 16·i | 4 | word i's first character (char offset in the text the clip was made from) |
//! | 12 + 16·i | 4 | the character after its last |
//! | 16 + 16·i | 4 | its first frame (from the first frame of `data`) |
//! | 20 + 16·i | 4 | the frame after its last |
//!
//! The payload is 8 + 16·n bytes; words are in text order, each starting
//! at or after the previous one's end, in characters and in frames.
//!
//! Leaves alone: how engines find the times, matching them to a segment's
//! words (the pipeline).

use crate::model::ClipWord;

/// The chunk's id.
pub const CHUNK_ID: &[u8; 4] = b"bcwd";
/// The layout version written and read.
const VERSION: u16 = 1;
/// Rows read at most: more than any request's text has words.
pub const MAX_WORDS: usize = 65_536;
/// Chunks walked at most before `data`.
pub const MAX_CHUNKS: usize = 64;

/// `wav` (a RIFF/WAVE file with its `fmt ` before `data`) with a `bcwd`
/// chunk of `words` before its `data` chunk and the RIFF size set; seconds
/// become frames at the file's rate. `None` if `wav` has no `fmt ` and
/// `data` to put it by.
pub fn with_words(wav: &[u8], words: &[ClipWord]) -> Option<Vec<u8>> {
    let layout = layout(wav)?;
    let rate = f64::from(layout.rate);
    let frame = |seconds: f64| (seconds * rate).round().clamp(0.0, f64::from(u32::MAX)) as u32;
    let mut payload = Vec::with_capacity(8 + 16 * words.len());
    payload.extend_from_slice(&VERSION.to_le_bytes());
    payload.extend_from_slice(&0u16.to_le_bytes());
    payload.extend_from_slice(&(words.len() as u32).to_le_bytes());
    for word in words {
        for value in [
            word.from as u32,
            word.to as u32,
            frame(word.start),
            frame(word.end),
        ] {
            payload.extend_from_slice(&value.to_le_bytes());
        }
    }
    let chunk = super::wav::chunk(CHUNK_ID, &payload);
    let mut out = Vec::with_capacity(wav.len() + chunk.len());
    out.extend_from_slice(&wav[..layout.data_header]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&wav[layout.data_header..]);
    let riff = u32::try_from(out.len() - 8).unwrap_or(u32::MAX);
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    Some(out)
}

/// The words of a clip made from a text of `text_chars` characters, as
/// its `bcwd` chunk says, in seconds from the clip's first sample; `None`
/// when the clip has no such chunk or an implausible one.
pub fn clip_words(bytes: &[u8], text_chars: usize) -> Option<Vec<ClipWord>> {
    let layout = layout(bytes)?;
    let table = layout.words?;
    let version = u16::from_le_bytes(table.get(0..2)?.try_into().ok()?);
    let count = u32::from_le_bytes(table.get(4..8)?.try_into().ok()?) as usize;
    if version != VERSION || count > MAX_WORDS || table.len() != 8 + 16 * count {
        return None;
    }
    let rate = f64::from(layout.rate);
    let mut words = Vec::with_capacity(count);
    let (mut last_to, mut last_end) = (0u32, 0u32);
    for row in table[8..].chunks_exact(16) {
        let field = |i: usize| u32::from_le_bytes([row[i], row[i + 1], row[i + 2], row[i + 3]]);
        let (from, to, start, end) = (field(0), field(4), field(8), field(12));
        let plausible = from >= last_to
            && from < to
            && to as usize <= text_chars
            && start >= last_end
            && start <= end
            && u64::from(end) <= layout.frames;
        if !plausible {
            return None;
        }
        (last_to, last_end) = (to, end);
        words.push(ClipWord {
            from: from as usize,
            to: to as usize,
            start: f64::from(start) / rate,
            end: f64::from(end) / rate,
        });
    }
    Some(words)
}

/// What the two functions need of a WAV file.
struct Layout<'a> {
    rate: u32,
    /// Frames of `data` present.
    frames: u64,
    /// Where the `data` chunk's header starts.
    data_header: usize,
    /// The `bcwd` payload, if one comes before `data`.
    words: Option<&'a [u8]>,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The chunks up to `data`: at most [`MAX_CHUNKS`], none read past the end.
fn layout(bytes: &[u8]) -> Option<Layout<'_>> {
    if bytes.get(..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
        return None;
    }
    let (mut format, mut words) = (None, None);
    let mut pos = 12usize;
    for _ in 0..MAX_CHUNKS {
        let id = bytes.get(pos..pos.checked_add(4)?)?;
        let size = u32_at(bytes, pos + 4)? as usize;
        let start = pos + 8;
        if id == b"data" {
            let (rate, block) = format?;
            let present = bytes.len() - start;
            // A streamed (placeholder) size means "to the end".
            let length = if size == 0 || size >= 0x7FFF_0000 {
                present
            } else {
                size.min(present)
            };
            return Some(Layout {
                rate,
                frames: (length / block) as u64,
                data_header: pos,
                words,
            });
        }
        let payload = bytes.get(start..start.checked_add(size)?)?;
        match id {
            b"fmt " => {
                let rate = u32_at(payload, 4)?;
                let block = usize::from(u16::from_le_bytes(payload.get(12..14)?.try_into().ok()?));
                if rate == 0 || block == 0 {
                    return None;
                }
                format = Some((rate, block));
            }
            _ if id == CHUNK_ID => words = Some(payload),
            _ => {}
        }
        pos = start.checked_add(size)?.checked_add(size & 1)?;
    }
    None
}

#[cfg(test)]
#[path = "clip_words_tests.rs"]
mod tests;
