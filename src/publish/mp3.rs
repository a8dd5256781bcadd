//! MP3 export for podcast apps (`<slug>.mp3`): CBR mono MPEG-1 Layer III
//! through LAME, with an ID3v2.4 tag (title, artist, album, comment, and
//! `CHAP`/`CTOC` chapters) and a LAME "Info" frame so players know the exact
//! length and trim the encoder delay and padding (gapless).
//!
//! Streams: samples arrive in blocks and leave as MP3 frames, so memory stays
//! flat however long the episode. It writes to the path it is given and leaves
//! atomic replacement to the caller (`temp_file_in` then persist); it never
//! changes samples (no gain, no resampling: the rate must be one MP3 takes).
//! [`encoder`] is its row in the episode outputs (`outputs.rs`).

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use id3::frame::{Chapter, Comment, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};
use mp3lame_encoder::{Bitrate, Builder, FlushGap, Mode, MonoPcm, Quality, VbrMode};

use super::outputs::{Encoder, Episode};
use crate::config::PublishConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mp3Options {
    /// Constant bitrate in kbit/s: 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256 or 320.
    pub bitrate_kbps: u32,
    /// LAME's algorithm quality, 0 (best, slowest) to 9 (fastest).
    pub quality: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Id3Info {
    pub title: String,
    pub artist: String,
    pub album: String,
    pub comment: String,
    /// `(title, start ms, end ms)` in playing order.
    pub chapters: Vec<(String, u32, u32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum Mp3Error {
    #[error("MP3 needs a sample rate of 44100 or 48000 Hz, not {0}")]
    Rate(u32),
    #[error("{0} kbit/s is not an MP3 bitrate (use 32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256 or 320)")]
    Bitrate(u32),
    #[error("MP3 quality {0} is not one of LAME's 0..9")]
    Quality(u8),
    #[error("the MP3 encoder refused its settings: {0}")]
    Setup(String),
    #[error("the MP3 encoder failed: {0}")]
    Encode(String),
    #[error("cannot build the ID3 tag: {0}")]
    Tag(#[from] id3::Error),
    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Samples handed to LAME at once: bounds the output buffer whatever the block size.
const CHUNK: usize = 16_384;

fn bitrate(kbps: u32) -> Result<Bitrate, Mp3Error> {
    Ok(match kbps {
        32 => Bitrate::Kbps32,
        40 => Bitrate::Kbps40,
        48 => Bitrate::Kbps48,
        64 => Bitrate::Kbps64,
        80 => Bitrate::Kbps80,
        96 => Bitrate::Kbps96,
        112 => Bitrate::Kbps112,
        128 => Bitrate::Kbps128,
        160 => Bitrate::Kbps160,
        192 => Bitrate::Kbps192,
        224 => Bitrate::Kbps224,
        256 => Bitrate::Kbps256,
        320 => Bitrate::Kbps320,
        other => return Err(Mp3Error::Bitrate(other)),
    })
}

fn quality(q: u8) -> Result<Quality, Mp3Error> {
    Ok(match q {
        0 => Quality::Best,
        1 => Quality::SecondBest,
        2 => Quality::NearBest,
        3 => Quality::VeryNice,
        4 => Quality::Nice,
        5 => Quality::Good,
        6 => Quality::Decent,
        7 => Quality::Ok,
        8 => Quality::SecondWorst,
        9 => Quality::Worst,
        other => return Err(Mp3Error::Quality(other)),
    })
}

/// ID3v2.4: TIT2, TPE1, TALB, COMM, then `CHAP` chp1.. (each with a TIT2) and
/// one top-level ordered `CTOC` listing them.
fn id3_tag(info: &Id3Info) -> Tag {
    let mut tag = Tag::new();
    tag.set_title(info.title.as_str());
    tag.set_artist(info.artist.as_str());
    tag.set_album(info.album.as_str());
    if !info.comment.is_empty() {
        tag.add_frame(Comment {
            lang: "und".into(),
            description: String::new(),
            text: info.comment.clone(),
        });
    }
    let mut elements = Vec::new();
    for (number, (title, start, end)) in info.chapters.iter().enumerate() {
        let element_id = format!("chp{}", number + 1);
        elements.push(element_id.clone());
        tag.add_frame(Chapter {
            element_id,
            start_time: *start,
            end_time: *end,
            // All ones: "use the times", per the ID3v2 chapter addendum.
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![Frame::text("TIT2", title.as_str())],
        });
    }
    if !elements.is_empty() {
        tag.add_frame(TableOfContents {
            element_id: "toc".into(),
            top_level: true,
            ordered: true,
            elements,
            frames: vec![Frame::text("TIT2", info.album.as_str())],
        });
    }
    tag
}

/// Encode mono f32 samples pulled in blocks from `next_block` (returns
/// None at the end); see [`Mp3Writer`].
pub fn encode_mp3(
    rate: u32,
    next_block: &mut dyn FnMut() -> Option<Vec<f32>>,
    out: &Path,
    options: &Mp3Options,
    info: &Id3Info,
) -> Result<(), Mp3Error> {
    let mut writer = Mp3Writer::create(rate, out, options, info)?;
    while let Some(block) = next_block() {
        writer.write(&block)?;
    }
    writer.finish()
}

/// A streaming MP3 file: samples pushed in blocks of any size at `rate`
/// (44100 or 48000) leave as MP3 frames.
///
/// Layout: ID3v2.4 tag (TIT2, TPE1, TALB, COMM, CHAP frames chp1.. with
/// TIT2 sub-frames and a top-level ordered CTOC), the LAME Info frame
/// (filled in by [`Mp3Writer::finish`]), the audio frames.
pub struct Mp3Writer {
    encoder: mp3lame_encoder::Encoder,
    file: BufWriter<File>,
    tag_len: u64,
    buffer: Vec<u8>,
    path: PathBuf,
}

/// An [`Mp3Writer`] on a thread of its own: the writing pass hands it
/// blocks and goes on, so an episode's WAV and MP3 use two cores (the
/// last episode of a build no longer waits on LAME alone). The MP3 is the
/// same bytes: one thread encodes the blocks in order.
pub struct Mp3Encoder {
    blocks: Option<std::sync::mpsc::SyncSender<Vec<f32>>>,
    thread: Option<std::thread::JoinHandle<Result<(), Mp3Error>>>,
}

/// Blocks in flight between the writing pass and the encoder.
const QUEUED_BLOCKS: usize = 16;

impl Mp3Encoder {
    pub fn spawn(mut writer: Mp3Writer) -> Mp3Encoder {
        let (blocks, received) = std::sync::mpsc::sync_channel::<Vec<f32>>(QUEUED_BLOCKS);
        let thread = std::thread::spawn(move || {
            for block in received {
                writer.write(&block)?;
            }
            writer.finish()
        });
        Mp3Encoder {
            blocks: Some(blocks),
            thread: Some(thread),
        }
    }

    /// Queues `samples` (mono, ±1 full scale); an error of the encoder
    /// comes back here or from [`Mp3Encoder::finish`].
    pub fn write(&mut self, samples: &[f32]) -> Result<(), Mp3Error> {
        let sent = match &self.blocks {
            Some(blocks) => blocks.send(samples.to_vec()).is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            self.join()
        }
    }

    /// Waits for the encoder to flush and complete the file.
    pub fn finish(mut self) -> Result<(), Mp3Error> {
        self.join()
    }

    fn join(&mut self) -> Result<(), Mp3Error> {
        self.blocks = None;
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(Mp3Error::Encode("the encoder thread panicked".into()))),
            None => Err(Mp3Error::Encode("the encoder has stopped".into())),
        }
    }
}

impl Drop for Mp3Encoder {
    fn drop(&mut self) {
        // An abandoned episode: stop the thread; its file is a temporary one.
        self.blocks = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn encode_err(e: mp3lame_encoder::EncodeError) -> Mp3Error {
    Mp3Error::Encode(e.to_string())
}

impl Mp3Writer {
    pub fn create(
        rate: u32,
        out: &Path,
        options: &Mp3Options,
        info: &Id3Info,
    ) -> Result<Mp3Writer, Mp3Error> {
        if rate != 44_100 && rate != 48_000 {
            return Err(Mp3Error::Rate(rate));
        }
        let setup = |e: mp3lame_encoder::BuildError| Mp3Error::Setup(e.to_string());
        let mut builder = Builder::new().ok_or_else(|| Mp3Error::Setup("out of memory".into()))?;
        builder.set_num_channels(1).map_err(setup)?;
        builder.set_sample_rate(rate).map_err(setup)?;
        builder.set_mode(Mode::Mono).map_err(setup)?;
        builder.set_vbr_mode(VbrMode::Off).map_err(setup)?;
        builder
            .set_brate(bitrate(options.bitrate_kbps)?)
            .map_err(setup)?;
        builder
            .set_quality(quality(options.quality)?)
            .map_err(setup)?;
        builder.set_to_write_vbr_tag(true).map_err(setup)?;
        let encoder = builder.build().map_err(setup)?;

        let mut tag = Vec::new();
        id3_tag(info).write_to(&mut tag, Version::Id3v24)?;
        let mut writer = Mp3Writer {
            encoder,
            file: BufWriter::new(File::create(out).map_err(|source| Mp3Error::Io {
                path: out.to_path_buf(),
                source,
            })?),
            tag_len: tag.len() as u64,
            buffer: Vec::new(),
            path: out.to_path_buf(),
        };
        writer.file.write_all(&tag).map_err(|e| writer.io(e))?;
        Ok(writer)
    }

    fn io(&self, source: std::io::Error) -> Mp3Error {
        Mp3Error::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Encodes `samples` (mono, ±1 full scale).
    pub fn write(&mut self, samples: &[f32]) -> Result<(), Mp3Error> {
        // LAME's first output frame is an empty Info frame, completed in `finish`.
        for chunk in samples.chunks(CHUNK) {
            self.buffer.clear();
            self.buffer
                .reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
            self.encoder
                .encode_to_vec(MonoPcm(chunk), &mut self.buffer)
                .map_err(encode_err)?;
            self.file.write_all(&self.buffer).map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    /// Flushes the encoder, completes the Info frame and syncs the file.
    pub fn finish(mut self) -> Result<(), Mp3Error> {
        self.buffer.clear();
        self.buffer
            .reserve(mp3lame_encoder::max_required_buffer_size(0));
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.buffer)
            .map_err(encode_err)?;
        self.file.write_all(&self.buffer).map_err(|e| self.io(e))?;

        self.buffer.clear();
        self.buffer.reserve(self.encoder.lame_tag_size());
        if self
            .encoder
            .lame_tag_encode_to_vec(&mut self.buffer)
            .is_some()
        {
            let start = SeekFrom::Start(self.tag_len);
            self.file.seek(start).map_err(|e| self.io(e))?;
            self.file.write_all(&self.buffer).map_err(|e| self.io(e))?;
        }
        let path = self.path;
        let io = |source| Mp3Error::Io {
            path: path.clone(),
            source,
        };
        let file = self.file.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)
    }
}

/// The MP3 row of the episode outputs: an encoder into `temp` at
/// `[publish]`'s bitrate and quality, with the episode's ID3 tags and chapters.
pub fn encoder(
    episode: &Episode,
    publish: &PublishConfig,
    temp: &Path,
) -> anyhow::Result<Box<dyn Encoder>> {
    let options = Mp3Options {
        bitrate_kbps: publish.mp3_bitrate,
        quality: publish.mp3_quality,
    };
    let info = id3_info(episode);
    let writer = Mp3Writer::create(episode.timing.rate, temp, &options, &info)?;
    Ok(Box::new(Mp3Encoder::spawn(writer)))
}

impl Encoder for Mp3Encoder {
    fn write(&mut self, samples: &[f32]) -> anyhow::Result<()> {
        Ok(Mp3Encoder::write(self, samples)?)
    }

    fn finish(self: Box<Self>) -> anyhow::Result<()> {
        Ok(Mp3Encoder::finish(*self)?)
    }
}

fn id3_info(episode: &Episode) -> Id3Info {
    let timing = episode.timing;
    let ms = |frames: u64| crate::util::frames_to_millis(frames, timing.rate) as u32;
    Id3Info {
        title: episode.plan.title.clone(),
        artist: episode.plan.speaker.clone(),
        album: episode.show.title.clone(),
        comment: episode.show.description.clone().unwrap_or_default(),
        chapters: episode
            .plan
            .chapters
            .iter()
            .zip(&timing.chapters)
            .map(|(c, span)| {
                (
                    c.title.clone(),
                    ms(span.start),
                    ms(span.start + span.frames),
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 48_000;
    const SECONDS: usize = 3;

    /// 3 s of a 440 Hz tone in 1000-sample blocks, chapters at 0, 1 and 2 s.
    fn encode_tone(path: &Path) {
        let mut produced = 0;
        let mut blocks = || {
            let n = 1_000.min(RATE as usize * SECONDS - produced);
            let block: Vec<f32> = (produced..produced + n)
                .map(|i| 0.3 * (i as f32 * 440.0 * std::f32::consts::TAU / RATE as f32).sin())
                .collect();
            produced += n;
            (n > 0).then_some(block)
        };
        let info = Id3Info {
            title: "柳州 & 合力".into(),
            artist: "柳州市".into(),
            album: "Test Show".into(),
            comment: "made by briefcast".into(),
            chapters: vec![
                ("开篇".into(), 0, 1000),
                ("Two: <second>".into(), 1000, 2000),
                ("第三章".into(), 2000, 3000),
            ],
        };
        let options = Mp3Options {
            bitrate_kbps: 64,
            quality: 2,
        };
        encode_mp3(RATE, &mut blocks, path, &options, &info).unwrap();
    }

    /// Encoder delay and padding from the LAME extension of the Info frame.
    fn lame_delay_padding(bytes: &[u8]) -> (usize, usize) {
        let at = bytes
            .windows(4)
            .position(|w| w == b"Info")
            .expect("Info frame");
        assert_eq!(&bytes[at + 120..at + 124], b"LAME", "LAME extension");
        let d = &bytes[at + 141..at + 144];
        let delay = (usize::from(d[0]) << 4) | usize::from(d[1] >> 4);
        let padding = (usize::from(d[1] & 0x0F) << 8) | usize::from(d[2]);
        (delay, padding)
    }

    #[test]
    fn tone_round_trips_with_chapters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tone.mp3");
        encode_tone(&path);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"ID3\x04\x00"), "ID3v2.4 first");

        // minimp3 knows nothing of the Info frame: it decodes it as one frame
        // of silence. Every other frame carries 1152 samples, which LAME tells
        // apart as `delay` leading + the input + `padding` trailing samples.
        let mut decoder = minimp3::Decoder::new(std::io::Cursor::new(&bytes));
        let mut decoded = Vec::new();
        loop {
            match decoder.next_frame() {
                Ok(frame) => {
                    assert_eq!((frame.sample_rate, frame.channels), (RATE as i32, 1));
                    assert_eq!(frame.bitrate, 64);
                    decoded.push(frame.data.len());
                }
                Err(minimp3::Error::Eof) => break,
                Err(e) => panic!("decode: {e:?}"),
            }
        }
        assert!(decoded.iter().all(|&n| n == 1152));
        let (delay, padding) = lame_delay_padding(&bytes);
        let input = RATE as usize * SECONDS;
        assert_eq!((decoded.len() - 1) * 1152, delay + input + padding);
        assert!(
            delay + padding < 2 * 1152,
            "delay {delay} + padding {padding}"
        );

        let tag = Tag::read_from_path(&path).unwrap();
        assert_eq!(tag.version(), Version::Id3v24);
        assert_eq!(tag.title(), Some("柳州 & 合力"));
        assert_eq!(tag.artist(), Some("柳州市"));
        assert_eq!(tag.album(), Some("Test Show"));
        assert_eq!(tag.comments().next().unwrap().text, "made by briefcast");
        let chapters: Vec<_> = tag
            .chapters()
            .map(|c| {
                let title = c.frames[0].content().text().unwrap().to_string();
                (c.element_id.clone(), title, c.start_time, c.end_time)
            })
            .collect();
        assert_eq!(
            chapters,
            [
                ("chp1".to_string(), "开篇".to_string(), 0, 1000),
                ("chp2".into(), "Two: <second>".into(), 1000, 2000),
                ("chp3".into(), "第三章".into(), 2000, 3000),
            ]
        );
        let toc = tag.tables_of_contents().next().unwrap();
        assert!(toc.top_level && toc.ordered);
        assert_eq!(toc.elements, ["chp1", "chp2", "chp3"]);
    }

    #[test]
    fn ffprobe_sees_chapters_and_exact_duration() {
        let ffprobe = std::process::Command::new("ffprobe")
            .arg("-version")
            .output();
        if !ffprobe.is_ok_and(|o| o.status.success()) {
            eprintln!("ffprobe not found; skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tone.mp3");
        encode_tone(&path);
        let args = [
            "-v",
            "error",
            "-show_chapters",
            "-show_format",
            "-of",
            "json",
        ];
        let output = std::process::Command::new("ffprobe")
            .args(args)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let chapters = json["chapters"].as_array().unwrap();
        let got: Vec<(&str, &str)> = chapters
            .iter()
            .map(|c| {
                (
                    c["tags"]["title"].as_str().unwrap(),
                    c["start_time"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("开篇", "0.000000"),
                ("Two: <second>", "1.000000"),
                ("第三章", "2.000000")
            ]
        );
        // ffprobe's duration counts whole frames from the Info frame (delay
        // and padding included): at most one frame over the input.
        let duration: f64 = json["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let over = duration - SECONDS as f64;
        assert!(
            (0.0..=1152.0 / RATE as f64 + 1e-6).contains(&over),
            "{duration}"
        );
        assert_eq!(json["format"]["tags"]["title"], "柳州 & 合力");
        // Decoding trims LAME's delay and padding: exactly the input's samples.
        let pcm = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&path)
            .args(["-f", "s16le", "-acodec", "pcm_s16le", "-"])
            .output();
        match pcm {
            Ok(pcm) if pcm.status.success() => {
                assert_eq!(pcm.stdout.len() / 2, RATE as usize * SECONDS)
            }
            _ => eprintln!("ffmpeg not found; gapless decode not checked"),
        }
    }

    #[test]
    fn refuses_rates_and_bitrates_mp3_lacks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.mp3");
        let mut none = || None;
        let info = Id3Info::default();
        let ok = Mp3Options {
            bitrate_kbps: 128,
            quality: 5,
        };
        let err = encode_mp3(22_050, &mut none, &path, &ok, &info).unwrap_err();
        assert!(matches!(err, Mp3Error::Rate(22_050)));
        let bad = Mp3Options {
            bitrate_kbps: 100,
            quality: 5,
        };
        let err = encode_mp3(RATE, &mut none, &path, &bad, &info).unwrap_err();
        assert!(matches!(err, Mp3Error::Bitrate(100)));
        let slow = Mp3Options {
            bitrate_kbps: 128,
            quality: 10,
        };
        let err = encode_mp3(RATE, &mut none, &path, &slow, &info).unwrap_err();
        assert!(matches!(err, Mp3Error::Quality(10)));
        encode_mp3(RATE, &mut none, &path, &ok, &info).expect("empty input still encodes");
    }
}
