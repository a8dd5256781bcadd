//! The files of one episode, one row each in [`OUTPUTS`]: the WAV the
//! audio stage writes, the text sidecars rendered from the plan and the
//! timing once the audio is assembled (chapters JSON, WebVTT by sentence
//! and by word, SRT, Audacity labels), and the audio encoded from the WAV's very samples
//! while they are written (MP3 with ID3 chapters).
//!
//! A new output format is a renderer in its own file and a row here. The
//! caller decides when each kind is written: text first, then the WAV,
//! then the encoded files, so the previous episode stays until the new one
//! is whole.

use std::path::Path;

use anyhow::{Context, Result};

use super::{captions, chapters, mp3, temp_file_in, word_captions, write_atomic};
use crate::config::{PublishConfig, PublishFormat, ShowConfig};
use crate::model::{EpisodePlan, EpisodeTiming};

/// What an output is rendered from.
pub struct Episode<'a> {
    pub plan: &'a EpisodePlan,
    pub timing: &'a EpisodeTiming,
    pub show: &'a ShowConfig,
}

/// One output format of an episode, written as `<slug>.<extension>`.
pub struct Output {
    pub extension: &'static str,
    /// The `[publish] formats` entry naming it (an audio format); `None`
    /// for the sidecars, which are always written.
    pub format: Option<PublishFormat>,
    /// The MIME type of an audio format, for the feed's enclosure.
    pub mime: Option<&'static str>,
    pub render: Render,
}

pub enum Render {
    /// The episode WAV, written by the audio stage while it assembles.
    Wav,
    /// Text rendered once the audio is assembled.
    Text(fn(&Episode) -> String),
    /// Audio encoded from the WAV's samples as they are written, into the
    /// temporary file at the path given.
    Encoded(fn(&Episode, &PublishConfig, &Path) -> Result<Box<dyn Encoder>>),
}

/// An encoder fed the WAV's samples (mono, ±1 full scale) in order.
pub trait Encoder {
    fn write(&mut self, samples: &[f32]) -> Result<()>;
    /// Every sample has been written: complete the file.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// Every output of an episode; the manifest lists them in this order.
pub const OUTPUTS: &[Output] = &[
    Output {
        extension: "wav",
        format: Some(PublishFormat::Wav),
        mime: Some("audio/wav"),
        render: Render::Wav,
    },
    Output {
        extension: "chapters.json",
        format: None,
        mime: None,
        render: Render::Text(chapters_json),
    },
    Output {
        extension: "vtt",
        format: None,
        mime: None,
        render: Render::Text(webvtt),
    },
    Output {
        extension: "words.vtt",
        format: None,
        mime: None,
        render: Render::Text(words_webvtt),
    },
    Output {
        extension: "srt",
        format: None,
        mime: None,
        render: Render::Text(srt),
    },
    Output {
        extension: "labels.txt",
        format: None,
        mime: None,
        render: Render::Text(audacity_labels),
    },
    Output {
        extension: "mp3",
        format: Some(PublishFormat::Mp3),
        mime: Some("audio/mpeg"),
        render: Render::Encoded(mp3::encoder),
    },
];

impl Output {
    /// Whether `[publish]` asks for it: the WAV and the sidecars always.
    pub fn enabled(&self, publish: &PublishConfig) -> bool {
        match (&self.render, self.format) {
            (Render::Encoded(_), Some(format)) => publish.formats.contains(&format),
            _ => true,
        }
    }

    /// The audio file the feed's items enclose: the last audio format
    /// listed (an EPUB is a file of the whole show, not an episode's).
    pub fn enclosure(publish: &PublishConfig) -> &'static Output {
        publish
            .formats
            .iter()
            .rev()
            .find_map(|format| {
                OUTPUTS
                    .iter()
                    .find(|o| o.mime.is_some() && o.format == Some(*format))
            })
            .unwrap_or(&OUTPUTS[0])
    }
}

fn chapters_json(episode: &Episode) -> String {
    chapters::chapters_json(episode.plan, episode.timing, &episode.show.title)
}

fn webvtt(episode: &Episode) -> String {
    captions::webvtt(episode.plan, episode.timing)
}

fn words_webvtt(episode: &Episode) -> String {
    word_captions::words_webvtt(episode.plan, episode.timing)
}

fn srt(episode: &Episode) -> String {
    captions::srt(episode.plan, episode.timing)
}

fn audacity_labels(episode: &Episode) -> String {
    captions::audacity_labels(episode.plan, episode.timing)
}

/// Writes every text output of the episode, in table order; returns their names.
pub fn write_text_outputs(episode: &Episode, out_dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for output in OUTPUTS {
        let Render::Text(render) = output.render else {
            continue;
        };
        let name = format!("{}.{}", episode.plan.slug, output.extension);
        let path = out_dir.join(&name);
        write_atomic(&path, render(episode).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        names.push(name);
    }
    Ok(names)
}

/// The encoded outputs of one episode while its WAV is written, each into
/// a temporary file until [`Encoding::persist`].
pub struct Encoding {
    running: Vec<(String, Box<dyn Encoder>)>,
    /// (output, file name, temporary file), in table order.
    files: Vec<(&'static Output, String, tempfile::TempPath)>,
}

impl Encoding {
    /// Starts every encoded output `[publish]` asks for; the timing is final.
    pub fn start(episode: &Episode, publish: &PublishConfig, out_dir: &Path) -> Result<Encoding> {
        let mut encoding = Encoding {
            running: Vec::new(),
            files: Vec::new(),
        };
        for output in OUTPUTS.iter().filter(|o| o.enabled(publish)) {
            let Render::Encoded(start) = output.render else {
                continue;
            };
            let name = format!("{}.{}", episode.plan.slug, output.extension);
            let path = out_dir.join(&name);
            let temp = temp_file_in(&path)
                .with_context(|| format!("cannot write in {}", out_dir.display()))?;
            let encoder = start(episode, publish, &temp)
                .with_context(|| format!("encoding {}", path.display()))?;
            encoding
                .running
                .push((format!("encoding {}", path.display()), encoder));
            encoding.files.push((output, name, temp));
        }
        Ok(encoding)
    }

    pub fn write(&mut self, samples: &[f32]) -> Result<()> {
        for (context, encoder) in &mut self.running {
            encoder.write(samples).context(context.clone())?;
        }
        Ok(())
    }

    pub fn finish(&mut self) -> Result<()> {
        for (context, encoder) in self.running.drain(..) {
            encoder.finish().context(context)?;
        }
        Ok(())
    }

    /// What is being written beside the WAV, for progress: `WAV + MP3`.
    pub fn label(&self) -> String {
        let mut label = "WAV".to_owned();
        for (output, _, _) in &self.files {
            label.push_str(" + ");
            label.push_str(&output.extension.to_ascii_uppercase());
        }
        label
    }

    /// Renames each finished file into place, in table order; returns their names.
    pub fn persist(self, out_dir: &Path) -> Result<Vec<String>> {
        let mut names = Vec::new();
        for (_, name, temp) in self.files {
            let path = out_dir.join(&name);
            temp.persist(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            names.push(name);
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(formats: &[PublishFormat]) -> PublishConfig {
        PublishConfig {
            formats: formats.to_vec(),
            ..PublishConfig::default()
        }
    }

    #[test]
    fn the_feed_encloses_the_last_format_listed() {
        let enclosure = |formats: &[PublishFormat]| {
            let output = Output::enclosure(&publish(formats));
            (output.extension, output.mime)
        };
        use PublishFormat::{Epub, Mp3, Wav};
        assert_eq!(enclosure(&[Wav, Mp3]), ("mp3", Some("audio/mpeg")));
        assert_eq!(enclosure(&[Wav, Mp3, Epub]), ("mp3", Some("audio/mpeg")));
        assert_eq!(enclosure(&[Mp3, Epub, Wav]), ("wav", Some("audio/wav")));
        assert_eq!(enclosure(&[Mp3, Wav]), ("wav", Some("audio/wav")));
        assert_eq!(enclosure(&[]), ("wav", Some("audio/wav")));
    }

    #[test]
    fn encoded_formats_are_written_when_listed_and_the_rest_always() {
        let written = |formats: &[PublishFormat]| -> Vec<&str> {
            let publish = publish(formats);
            OUTPUTS
                .iter()
                .filter(|o| o.enabled(&publish))
                .map(|o| o.extension)
                .collect()
        };
        assert_eq!(
            written(&[PublishFormat::Wav]),
            [
                "wav",
                "chapters.json",
                "vtt",
                "words.vtt",
                "srt",
                "labels.txt"
            ]
        );
        assert_eq!(
            written(&[PublishFormat::Wav, PublishFormat::Mp3]),
            [
                "wav",
                "chapters.json",
                "vtt",
                "words.vtt",
                "srt",
                "labels.txt",
                "mp3"
            ]
        );
    }
}
