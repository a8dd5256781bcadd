//! Writing the episode WAV: streamed mono PCM plus chapter markers and INFO tags.
//!
//! Owns: [`EpisodeWriter`] (hound writes `fmt `/`data`, with any head chunks such as AES46 `cart` put
//! between them; on finish this module pads an odd `data`, appends
//! `cue `, `LIST`/`adtl` (all `labl`, then `ltxt`), `LIST`/`INFO` and any extra chunks such as a later
//! BWF `bext`, then patches the RIFF size), the pure chunk builders, and a small strict chunk/marker
//! reader for verification. Layout rules follow shared/reference/formats.md §1–§2 (every chunk at an even
//! offset, cue frame index in both `dwPosition` and `dwSampleOffset`, `cue ` before `adtl`).
//!
//! Leaves alone: decoding service responses (`decode.rs`), resampling, loudness, and the temp-file rename.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A chapter: one cue point plus a `labl` title and an `ltxt` region of `length_frames`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapterMark {
    pub start_frame: u32,
    pub length_frames: u32,
    pub title: String,
}

pub use crate::model::InfoTags;

/// A top-level chunk as read back: `offset` is where its payload starts (the header is 8 bytes before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiffChunk {
    pub id: String,
    pub offset: usize,
    pub data: Vec<u8>,
}

/// A cue point as read back, joined with its `labl` title and `ltxt` length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadMarker {
    pub id: u32,
    pub start_frame: u32,
    pub title: String,
    pub length_frames: Option<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("cannot write the episode WAV in {}: {source}", folder(path))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the episode WAV in {}: {source}", folder(path))]
    Hound { path: PathBuf, source: hound::Error },
    #[error("unsupported episode bit depth {0}: use 16 or 24")]
    UnsupportedBits(u16),
    #[error("episode sample rate must be above 0 Hz")]
    ZeroRate,
    #[error("the episode is too long for a WAV file: {bytes} bytes of audio, past the 4 GiB a RIFF file can hold; split it into more speeches{}", if *bits > 16 { " or write it at bit-depth = 16" } else { "" })]
    TooLong { bytes: u64, bits: u16 },
    #[error("chapter {index} ({title:?}) {reason}")]
    BadChapter {
        index: usize,
        title: String,
        reason: String,
    },
    #[error("not a valid RIFF/WAVE file: {0}")]
    Malformed(String),
}

/// The folder of a file being written: its own name is a temporary one.
fn folder(path: &Path) -> std::path::Display<'_> {
    path.parent().unwrap_or(path).display()
}

/// Largest `data` payload accepted; the rest of the 4 GiB is kept for the header and trailing chunks.
const MAX_DATA_BYTES: u64 = u32::MAX as u64 - (16 << 20);

/// Streams 16-bit (or 24-bit) mono PCM to `path` (the caller passes a temporary path and renames it when done).
pub struct EpisodeWriter {
    path: PathBuf,
    writer: hound::WavWriter<BufWriter<File>>,
    bits: u16,
    frames: u64,
    /// Chunks between `fmt ` and `data`: (id, payload offset, payload length).
    head: Vec<([u8; 4], u64, usize)>,
    /// Head payloads to write over their first version when finishing.
    rewrites: Vec<(u64, Vec<u8>)>,
}

/// Whether `frames` of mono audio at `bits` fit in one RIFF WAV: asked
/// before writing, so a too-long episode fails before gigabytes are written.
pub fn check_fits(frames: u64, bits: u16) -> Result<(), WavError> {
    let bytes = frames.saturating_mul(u64::from(bits / 8));
    if bytes > MAX_DATA_BYTES {
        return Err(WavError::TooLong { bytes, bits });
    }
    Ok(())
}

impl EpisodeWriter {
    pub fn create(path: &Path, rate: u32, bits: u16) -> Result<Self, WavError> {
        Self::create_with_head(path, rate, bits, &[])
    }

    /// Like [`Self::create`], with `head` chunks (e.g. AES46 `cart`, which
    /// readers look for before `data`) between `fmt ` and `data`; a head
    /// chunk's payload may be rewritten, at the same length, before
    /// finishing ([`Self::rewrite_head`]).
    pub fn create_with_head(
        path: &Path,
        rate: u32,
        bits: u16,
        head: &[(&[u8; 4], Vec<u8>)],
    ) -> Result<Self, WavError> {
        if !matches!(bits, 16 | 24) {
            return Err(WavError::UnsupportedBits(bits));
        }
        if rate == 0 {
            return Err(WavError::ZeroRate);
        }
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: bits,
            sample_format: hound::SampleFormat::Int,
        };
        // hound's own header, with the head chunks put in before `data`;
        // hound then appends the samples after them.
        let mut header = std::io::Cursor::new(Vec::new());
        hound::WavWriter::new(&mut header, spec)
            .and_then(hound::WavWriter::finalize)
            .map_err(hound_err(path))?;
        let header = header.into_inner();
        let (fmt, data) = header.split_at(header.len() - 8);
        let mut bytes = fmt.to_vec();
        let mut placed = Vec::new();
        for (id, payload) in head {
            placed.push((**id, bytes.len() as u64 + 8, payload.len()));
            bytes.extend(chunk(id, payload));
        }
        bytes.extend_from_slice(data);
        let io = |source| WavError::Io {
            path: path.into(),
            source,
        };
        std::fs::write(path, &bytes).map_err(io)?;
        let writer = hound::WavWriter::append(path).map_err(hound_err(path))?;
        Ok(Self {
            path: path.into(),
            writer,
            bits,
            frames: 0,
            head: placed,
            rewrites: Vec::new(),
        })
    }

    /// Replaces the payload of head chunk `id` when finishing; the new
    /// payload must have the length of the first.
    pub fn rewrite_head(&mut self, id: &[u8; 4], payload: Vec<u8>) -> Result<(), WavError> {
        match self.head.iter().find(|(found, _, _)| found == id) {
            Some(&(_, offset, len)) if len == payload.len() => {
                self.rewrites.push((offset, payload));
                Ok(())
            }
            _ => Err(WavError::Malformed(format!(
                "no {} head chunk of {} bytes to rewrite",
                String::from_utf8_lossy(id),
                payload.len()
            ))),
        }
    }

    /// Appends samples (f32 in [-1, 1], clamped, NaN as 0; scaled by full scale − 1 and rounded, no dither).
    pub fn write(&mut self, samples: &[f32]) -> Result<(), WavError> {
        let full = f64::from((1i32 << (self.bits - 1)) - 1);
        let quantized: Vec<i32> = samples
            .iter()
            .map(|&s| {
                let v = if s.is_nan() { 0.0 } else { f64::from(s) };
                (v.clamp(-1.0, 1.0) * full).round() as i32
            })
            .collect();
        self.write_quantized(&quantized)
    }

    /// Appends samples already quantized to the file's bit depth (e.g. dithered).
    pub fn write_quantized(&mut self, samples: &[i32]) -> Result<(), WavError> {
        check_fits(self.frames + samples.len() as u64, self.bits)?;
        if self.bits == 16 && samples.iter().all(|&v| i16::try_from(v).is_ok()) {
            // 16-bit, the usual depth: one buffered write per block.
            let mut block = self.writer.get_i16_writer(samples.len() as u32);
            for &v in samples {
                block.write_sample(v as i16);
            }
            block.flush().map_err(hound_err(&self.path))?;
        } else {
            // hound checks every sample's range here.
            for &v in samples {
                self.writer.write_sample(v).map_err(hound_err(&self.path))?;
            }
        }
        self.frames += samples.len() as u64;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Finalises the file with chapters and INFO tags; returns the total frames. See [`Self::finish_with`].
    pub fn finish(self, chapters: &[ChapterMark], info: &InfoTags) -> Result<u64, WavError> {
        self.finish_with(chapters, info, &[])
    }

    /// Finalises: pads an odd `data`, appends `cue ` + `LIST`/`adtl` (only if there are chapters),
    /// `LIST`/`INFO`, then each of `extra_chunks` (e.g. `(b"bext", payload)`, padded here), and patches
    /// the RIFF size. Chapters must start in order and lie inside the audio.
    pub fn finish_with(
        self,
        chapters: &[ChapterMark],
        info: &InfoTags,
        extra_chunks: &[(&[u8; 4], Vec<u8>)],
    ) -> Result<u64, WavError> {
        check_chapters(chapters, self.frames)?;
        let (path, frames, rewrites) = (self.path, self.frames, self.rewrites);
        self.writer.finalize().map_err(hound_err(&path))?;
        let io = |source| WavError::Io {
            path: path.clone(),
            source,
        };
        let mut opts = OpenOptions::new();
        let mut f = opts.read(true).write(true).open(&path).map_err(io)?;
        let mut tail = Vec::new();
        if f.seek(SeekFrom::End(0)).map_err(io)? % 2 == 1 {
            tail.push(0); // hound never pads the data chunk
        }
        if !chapters.is_empty() {
            tail.extend(cue_chunk(chapters));
            tail.extend(adtl_list(chapters));
        }
        tail.extend(info_list(info));
        for (id, payload) in extra_chunks {
            tail.extend(chunk(id, payload));
        }
        f.write_all(&tail).map_err(io)?;
        for (offset, payload) in &rewrites {
            f.seek(SeekFrom::Start(*offset)).map_err(io)?;
            f.write_all(payload).map_err(io)?;
        }
        let len = f.seek(SeekFrom::End(0)).map_err(io)?;
        let riff_size = u32::try_from(len - 8).map_err(|_| WavError::TooLong {
            bytes: len,
            bits: self.bits,
        })?;
        f.seek(SeekFrom::Start(4)).map_err(io)?;
        f.write_all(&riff_size.to_le_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok(frames)
    }
}

fn hound_err(path: &Path) -> impl Fn(hound::Error) -> WavError + '_ {
    |source| WavError::Hound {
        path: path.into(),
        source,
    }
}

fn check_chapters(chapters: &[ChapterMark], frames: u64) -> Result<(), WavError> {
    let mut prev = 0;
    for (i, c) in chapters.iter().enumerate() {
        let end = u64::from(c.start_frame) + u64::from(c.length_frames);
        let reason = if c.start_frame < prev {
            format!("starts at frame {} before the previous chapter (frame {prev}); chapters must be in order", c.start_frame)
        } else if end > frames {
            format!("ends at frame {end}, past the end of the audio ({frames} frames)")
        } else {
            prev = c.start_frame;
            continue;
        };
        return Err(WavError::BadChapter {
            index: i + 1,
            title: c.title.clone(),
            reason,
        });
    }
    Ok(())
}

/// One RIFF chunk: id, u32 LE payload size, payload, and a 0 pad byte (not counted) if the size is odd.
pub fn chunk(id: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(payload.len() + 9);
    v.extend_from_slice(id);
    v.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    v.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        v.push(0);
    }
    v
}

/// NUL-terminated text; interior NULs are dropped (readers would cut the text there).
fn zstr(s: &str) -> Vec<u8> {
    s.bytes().filter(|&b| b != 0).chain([0]).collect()
}

/// `cue ` chunk: ids 1..N, frame index in both `dwPosition` and `dwSampleOffset`, `fccChunk` = `data`.
pub fn cue_chunk(chapters: &[ChapterMark]) -> Vec<u8> {
    let mut p = (chapters.len() as u32).to_le_bytes().to_vec();
    for (id, c) in (1u32..).zip(chapters) {
        let pos = c.start_frame.to_le_bytes();
        for field in [id.to_le_bytes(), pos, *b"data", [0; 4], [0; 4], pos] {
            p.extend_from_slice(&field);
        }
    }
    chunk(b"cue ", &p)
}

/// `LIST`/`adtl`: every `labl` (UTF-8 title) first, then one `ltxt` region (`rgn `, no text) per chapter.
pub fn adtl_list(chapters: &[ChapterMark]) -> Vec<u8> {
    let mut p = b"adtl".to_vec();
    for (id, c) in (1u32..).zip(chapters) {
        let body = [&id.to_le_bytes()[..], &zstr(&c.title)].concat();
        p.extend(chunk(b"labl", &body));
    }
    for (id, c) in (1u32..).zip(chapters) {
        let len = c.length_frames.to_le_bytes();
        let body = [&id.to_le_bytes()[..], &len, b"rgn ", &[0; 8]].concat();
        p.extend(chunk(b"ltxt", &body));
    }
    chunk(b"LIST", &p)
}

/// `LIST`/`INFO` with INAM, IART, ISFT, ICRD, ICMT (in that order; empty values left out).
pub fn info_list(info: &InfoTags) -> Vec<u8> {
    let fields = [
        (b"INAM", Some(&info.title)),
        (b"IART", Some(&info.artist)),
        (b"ISFT", Some(&info.software)),
        (b"ICRD", info.created.as_ref()),
        (b"ICMT", info.comment.as_ref()),
    ];
    let mut p = b"INFO".to_vec();
    for (id, value) in fields {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            p.extend(chunk(id, &zstr(v)));
        }
    }
    chunk(b"LIST", &p)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..)?.get(..4)?.try_into().ok()?))
}

/// (id, payload offset, payload) of one chunk found by [`walk`].
type Sub<'a> = (&'a [u8], usize, &'a [u8]);

/// Walks padded sub-chunks of `b` starting at `pos`; strict: a chunk running past the end is an error.
fn walk(b: &[u8], mut pos: usize) -> Result<Vec<Sub<'_>>, WavError> {
    let mut out = Vec::new();
    while pos < b.len() {
        let (Some(id), Some(size)) = (b.get(pos..).and_then(|s| s.get(..4)), u32_at(b, pos + 4))
        else {
            let why = format!("chunk header cut off at offset {pos}");
            return Err(WavError::Malformed(why));
        };
        let start = pos + 8;
        let Some(data) = b.get(start..).and_then(|s| s.get(..size as usize)) else {
            let (id, left) = (String::from_utf8_lossy(id), b.len() - start);
            let why = format!("chunk {id:?} at offset {pos} claims {size} bytes, {left} present");
            return Err(WavError::Malformed(why));
        };
        out.push((id, start, data));
        pos = start + size as usize + (size as usize & 1);
    }
    Ok(out)
}

/// Every top-level chunk of a RIFF/WAVE file (to the end of the input, ignoring the RIFF size), for verification.
pub fn read_chunks(bytes: &[u8]) -> Result<Vec<RiffChunk>, WavError> {
    if bytes.get(..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WAVE") {
        return Err(WavError::Malformed("missing RIFF/WAVE header".into()));
    }
    let to_chunk = |(id, offset, data): Sub| {
        let (id, data) = (String::from_utf8_lossy(id).into(), data.to_vec());
        RiffChunk { id, offset, data }
    };
    Ok(walk(bytes, 12)?.into_iter().map(to_chunk).collect())
}

/// Cue points in file order, with titles from `labl` and lengths from `ltxt` (any `LIST`/`adtl`).
pub fn read_markers(bytes: &[u8]) -> Result<Vec<ReadMarker>, WavError> {
    let chunks = read_chunks(bytes)?;
    let Some(cue) = chunks.iter().find(|c| c.id == "cue ") else {
        return Ok(Vec::new());
    };
    let n = u32_at(&cue.data, 0).unwrap_or(0) as usize;
    let points = cue.data.get(4..).unwrap_or_default().chunks_exact(24);
    let to_marker = |p: &[u8]| {
        let (id, start_frame) = (u32_at(p, 0).unwrap_or(0), u32_at(p, 20).unwrap_or(0));
        let (title, length_frames) = (String::new(), None);
        ReadMarker {
            id,
            start_frame,
            title,
            length_frames,
        }
    };
    let mut markers: Vec<ReadMarker> = points.take(n).map(to_marker).collect();
    if markers.len() != n {
        let why = format!("cue chunk declares {n} points but holds {}", markers.len());
        return Err(WavError::Malformed(why));
    }
    let adtl = |c: &&RiffChunk| c.id == "LIST" && c.data.starts_with(b"adtl");
    for list in chunks.iter().filter(adtl) {
        for (id, _, sub) in walk(&list.data, 4)? {
            let Some(m) = markers.iter_mut().find(|m| Some(m.id) == u32_at(sub, 0)) else {
                continue;
            };
            match id {
                b"labl" => {
                    let text = sub.get(4..).unwrap_or_default();
                    let text = text.split(|&b| b == 0).next().unwrap_or_default();
                    m.title = String::from_utf8_lossy(text).into();
                }
                b"ltxt" => m.length_frames = u32_at(sub, 4),
                _ => {}
            }
        }
    }
    Ok(markers)
}

#[cfg(test)]
#[path = "wav_tests.rs"]
mod tests;
