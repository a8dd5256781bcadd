//! One episode from stored clips to published files, and the fingerprint
//! that tells whether it needs doing at all.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::audio::{self, Assembled, ClipFile, EpisodeMeta, Tap, TapError};
use crate::config::{Config, PublishFormat};
use crate::model::{EpisodePlan, EpisodeTiming};
use crate::progress::Reporter;
use crate::publish::manifest::{file_entry, ChapterEntry, LimiterEntry, LoudnessEntry, VoiceEntry};
use crate::publish::{self, captions, mp3, EpisodeEntry, SegmentEntry};
use crate::tts::ClipKey;
use crate::util::{Slot, Slots};

/// Bump when assembly or publishing changes the bytes written for the same inputs.
const ASSEMBLY_VERSION: &str = "briefcast assembly 3";

/// A hash of everything that shapes an episode's files: clip keys and
/// pauses in order, titles, audio and publish settings, intro and outro,
/// and the assembly version.
pub fn fingerprint(
    config: &Config,
    episode: &EpisodePlan,
    keys: &[ClipKey],
    created: &str,
) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut field = |text: &str| {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    };
    field(ASSEMBLY_VERSION);
    field(&serde_json::to_string(&config.audio).expect("plain data"));
    field(&format!("{:?}", config.publish));
    for edge in [&config.audio.intro, &config.audio.outro]
        .into_iter()
        .flatten()
    {
        let bytes = std::fs::read(config.resolve(edge)).unwrap_or_default();
        field(blake3::hash(&bytes).to_hex().as_str());
    }
    field(&config.show.title);
    field(created);
    field(&episode.speaker);
    field(&episode.title);
    let mut keys = keys.iter();
    for chapter in &episode.chapters {
        field(&chapter.title);
        for (segment, key) in chapter.segments.iter().zip(keys.by_ref()) {
            field(key.as_str());
            field(&format!("{:?}", segment.pause_after));
            field(&segment.text);
        }
    }
    hasher.finalize().to_hex().to_string()
}

/// Whether a miss of the loudness target is an error (`--strict-loudness`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Strictness {
    pub loudness: bool,
}

/// Assemble into a temporary file, write the sidecars, then rename the WAV
/// into place: the previous episode stays until the new one is whole.
/// `clips` may block until the next clip arrives (see [`audio::assemble`]).
// One call per episode from `build`'s scheduler, which holds each of these apart.
#[allow(clippy::too_many_arguments)]
pub fn write_episode(
    config: &Config,
    episode: &EpisodePlan,
    clips: impl IntoIterator<Item = ClipFile>,
    keys: &[ClipKey],
    out_dir: &Path,
    created: &str,
    strict: Strictness,
    reporter: &dyn Reporter,
) -> Result<EpisodeEntry> {
    let slug = &episode.slug;
    let wav_path = out_dir.join(format!("{slug}.wav"));
    let temp = publish::temp_file_in(&wav_path)
        .with_context(|| format!("cannot write in {}", out_dir.display()))?;
    let meta = episode_meta(config, episode, created);
    let mut tap = Publishing {
        config,
        episode,
        out_dir,
        reporter,
        mp3: None,
        mp3_temp: None,
        written: 0,
        reported: 0,
        total: 0,
        rate: config.audio.sample_rate,
        slot: None,
    };
    let assembled = audio::assemble(episode, clips, &config.audio, &meta, &temp, &mut tap)?;
    if strict.loudness && config.audio.normalize_loudness {
        let miss = (assembled.achieved.integrated_lufs - config.audio.loudness).abs();
        if miss > 1.0 {
            bail!(
                "loudness {:.1} LUFS misses the target {:.1} LUFS by {miss:.1} LU (under the true-peak ceiling {} dBTP); the previous file is kept",
                assembled.achieved.integrated_lufs,
                config.audio.loudness,
                config.audio.true_peak
            );
        }
    }
    let timing = &assembled.timing;
    let mut names = vec![format!("{slug}.wav")];
    let sidecars = [
        (
            "chapters.json",
            publish::chapters_json(episode, timing, &config.show.title),
        ),
        ("vtt", captions::webvtt(episode, timing)),
        ("srt", captions::srt(episode, timing)),
        ("labels.txt", captions::audacity_labels(episode, timing)),
    ];
    for (extension, contents) in sidecars {
        let name = format!("{slug}.{extension}");
        let path = out_dir.join(&name);
        publish::write_atomic(&path, contents.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        names.push(name);
    }
    temp.persist(&wav_path)
        .with_context(|| format!("cannot write {}", wav_path.display()))?;
    if let Some(mp3_temp) = tap.mp3_temp.take() {
        let name = format!("{slug}.mp3");
        let path = out_dir.join(&name);
        mp3_temp
            .persist(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        names.push(name);
    }
    let files = names
        .iter()
        .map(|name| file_entry(out_dir, name))
        .collect::<std::io::Result<_>>()
        .context("cannot read back the written files")?;
    Ok(entry(config, episode, keys, created, &assembled, files))
}

fn episode_meta(config: &Config, episode: &EpisodePlan, created: &str) -> EpisodeMeta {
    let software = concat!("briefcast ", env!("CARGO_PKG_VERSION"));
    let edge = |path: &Option<std::path::PathBuf>| {
        path.as_ref().map(|p| ClipFile {
            path: config.resolve(p),
            format: crate::model::ClipFormat::Wav,
        })
    };
    let audio = &config.audio;
    EpisodeMeta {
        info: audio::wav::InfoTags {
            title: episode.title.clone(),
            artist: episode.speaker.clone(),
            software: software.to_owned(),
            created: Some(created.to_owned()).filter(|c| !c.is_empty()),
            comment: Some(config.show.title.clone()),
        },
        bext: audio::bext::Bext {
            description: format!("{} - briefcast episode", episode.slug),
            originator: "briefcast".into(),
            originator_reference: format!("briefcast-{}", episode.slug)
                .chars()
                .take(32)
                .collect(),
            origination_date: created.to_owned(),
            origination_time: "00:00:00".into(),
            time_reference: 0,
            loudness: None,
            coding_history: format!(
                "A=PCM,F={},W={},M=mono,T={software}\r\n",
                audio.sample_rate, audio.bit_depth
            ),
        },
        intro: edge(&audio.intro),
        outro: edge(&audio.outro),
    }
}

/// Pass two's other outputs: the MP3, encoded from the very samples the
/// WAV gets, and the progress of the writing; it holds one of the
/// per-core slots while it runs, so episodes write in parallel up to the
/// number of cores.
struct Publishing<'a> {
    config: &'a Config,
    episode: &'a EpisodePlan,
    out_dir: &'a Path,
    reporter: &'a dyn Reporter,
    mp3: Option<mp3::Mp3Encoder>,
    mp3_temp: Option<tempfile::TempPath>,
    written: u64,
    reported: u64,
    total: u64,
    rate: u32,
    slot: Option<Slot<'static>>,
}

impl Tap for Publishing<'_> {
    fn start(&mut self, timing: &EpisodeTiming) -> Result<(), TapError> {
        // Called again when the episode is written again: the slot stays.
        if self.slot.is_none() {
            self.slot = Some(Slots::per_core().acquire());
        }
        self.written = 0;
        self.total = timing.total_frames;
        let config = self.config;
        if config.publish.formats.contains(&PublishFormat::Mp3) {
            let path = self.out_dir.join(format!("{}.mp3", self.episode.slug));
            let temp = publish::temp_file_in(&path)
                .with_context(|| format!("cannot write in {}", self.out_dir.display()))?;
            let options = mp3::Mp3Options {
                bitrate_kbps: config.publish.mp3_bitrate,
                quality: config.publish.mp3_quality,
            };
            let info = id3_info(config, self.episode, timing);
            let writer = mp3::Mp3Writer::create(timing.rate, &temp, &options, &info)
                .with_context(|| format!("encoding {}", path.display()))?;
            self.mp3 = Some(mp3::Mp3Encoder::spawn(writer));
            self.mp3_temp = Some(temp);
        }
        self.progress();
        Ok(())
    }

    fn write(&mut self, samples: &[f32]) -> Result<(), TapError> {
        if let Some(mp3) = &mut self.mp3 {
            mp3.write(samples).map_err(|e| self.context(e))?;
        }
        self.written += samples.len() as u64;
        // Every 5 s of audio: often enough for a bar, rare enough to cost nothing.
        if self.written - self.reported >= 5 * u64::from(self.rate) {
            self.progress();
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), TapError> {
        if let Some(mp3) = self.mp3.take() {
            mp3.finish().map_err(|e| self.context(e))?;
        }
        self.progress();
        self.slot = None;
        Ok(())
    }
}

impl Publishing<'_> {
    fn progress(&mut self) {
        self.reported = self.written;
        let seconds = |frames| crate::util::frames_to_seconds(frames, self.rate);
        let what = if self.mp3.is_some() || self.mp3_temp.is_some() {
            "WAV + MP3"
        } else {
            "WAV"
        };
        self.reporter.writing(
            &self.episode.slug,
            what,
            seconds(self.written),
            seconds(self.total),
        );
    }

    fn context(&self, error: mp3::Mp3Error) -> TapError {
        let path = self.out_dir.join(format!("{}.mp3", self.episode.slug));
        anyhow::Error::new(error)
            .context(format!("encoding {}", path.display()))
            .into()
    }
}

fn id3_info(config: &Config, episode: &EpisodePlan, timing: &EpisodeTiming) -> mp3::Id3Info {
    let ms = |frames: u64| crate::util::frames_to_millis(frames, timing.rate) as u32;
    mp3::Id3Info {
        title: episode.title.clone(),
        artist: episode.speaker.clone(),
        album: config.show.title.clone(),
        comment: config.show.description.clone().unwrap_or_default(),
        chapters: episode
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

fn entry(
    config: &Config,
    episode: &EpisodePlan,
    keys: &[ClipKey],
    created: &str,
    assembled: &Assembled,
    files: Vec<publish::FileEntry>,
) -> EpisodeEntry {
    let timing = &assembled.timing;
    let loudness = (!assembled.achieved.is_silent()).then(|| LoudnessEntry {
        integrated_lufs: round2(assembled.achieved.integrated_lufs),
        range_lu: round2(assembled.achieved.range_lu),
        true_peak_dbtp: round2(assembled.achieved.true_peak_dbtp),
        max_momentary_lufs: round2(assembled.achieved.max_momentary_lufs),
        max_short_term_lufs: round2(assembled.achieved.max_short_term_lufs),
        gain_db: round2(assembled.gain_db.unwrap_or(0.0)),
        ceiling_limited: assembled.ceiling_limited,
        limiter: assembled.limiter.map(|l| LimiterEntry {
            max_reduction_db: round2(l.max_reduction_db),
            limited_seconds: round2(crate::util::frames_to_seconds(
                l.limited_samples,
                timing.rate,
            )),
        }),
    });
    EpisodeEntry {
        order: 0,
        speaker: episode.speaker.clone(),
        title: episode.title.clone(),
        fingerprint: fingerprint(config, episode, keys, created),
        settings: serde_json::to_value(&config.audio).expect("plain data"),
        rate: timing.rate,
        total_frames: timing.total_frames,
        duration_seconds: crate::util::frames_to_seconds(timing.total_frames, timing.rate),
        loudness,
        voices: episode_voices(config, episode),
        files,
        chapters: episode
            .chapters
            .iter()
            .zip(&timing.chapters)
            .map(|(c, span)| ChapterEntry {
                title: c.title.clone(),
                start_frame: span.start,
                frames: span.frames,
            })
            .collect(),
        segments: episode
            .chapters
            .iter()
            .enumerate()
            .flat_map(|(c, chapter)| chapter.segments.iter().map(move |s| (c, s)))
            .zip(keys)
            .zip(&timing.segments)
            .map(|(((chapter, segment), key), span)| SegmentEntry {
                id: segment.id.clone(),
                chapter,
                pause: segment.pause_after,
                announcement: segment.announcement,
                text: segment.text.clone(),
                spoken: segment.spoken.clone(),
                voice: segment.voice.clone(),
                key: key.to_string(),
                start_frame: span.start,
                frames: span.frames,
                start_seconds: crate::util::frames_to_seconds(span.start, timing.rate),
            })
            .collect(),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// `m:ss` for messages.
pub fn minutes(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    format!("{}:{:02}", whole / 60, whole % 60)
}

/// The voices heard in `episode`, each once, with the licence of the
/// embedded service's model behind it.
fn episode_voices(config: &Config, episode: &EpisodePlan) -> Vec<VoiceEntry> {
    let names: std::collections::BTreeSet<&str> =
        episode.segments().map(|s| s.voice.as_str()).collect();
    names
        .into_iter()
        .map(|name| {
            let voice = &config.voices[name];
            let service = voice.service.get_ref();
            let embedded = config.services[service].is_embedded();
            VoiceEntry {
                name: name.to_owned(),
                service: service.clone(),
                voice: voice.voice.clone(),
                licence: embedded
                    .then(|| crate::tts::embedded::voice_licence(&voice.voice))
                    .flatten(),
            }
        })
        .collect()
}
