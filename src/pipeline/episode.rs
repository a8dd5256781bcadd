//! One episode from stored clips to published files, and the fingerprint
//! that tells whether it needs doing at all.
//!
//! Orchestration only: the temporary WAV, the assembly, the strict-loudness
//! check and the order files are put in place; what each file holds is
//! `publish`'s (its table of episode outputs, the WAV's tags, the manifest
//! entry).

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::audio::{self, ClipFile, EpisodeMeta, Tap, TapError};
use crate::config::Config;
use crate::model::{EpisodePlan, EpisodeTiming};
use crate::progress::Reporter;
use crate::publish::manifest::{file_entry, VoiceEntry};
use crate::publish::{self, EpisodeEntry};
use crate::tts::{Cache, ClipKey};

use super::word_times;
use crate::util::{Slot, Slots};

/// Bump when assembly or publishing changes the bytes written for the same inputs.
const ASSEMBLY_VERSION: &str = "briefcast assembly 5";

/// A hash of everything that shapes an episode's files: clip keys and
/// pauses in order, each segment's words (their readings shape the page
/// and captions even where the clip is the same), titles, audio, publish and playout settings, the
/// base URL (the cart chunk's URL), intro and outro,
/// and the assembly version.
pub(super) fn fingerprint(
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
    field(&format!("{:?}", config.playout));
    field(config.show.base_url.as_deref().unwrap_or(""));
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
            field(&format!("{:?}", segment.words));
        }
    }
    hasher.finalize().to_hex().to_string()
}

/// Whether a miss of the loudness target is an error (`--strict-loudness`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Strictness {
    pub loudness: bool,
}

/// Assemble into a temporary file, write the sidecars, then rename the WAV
/// into place, then the encoded files: the previous episode stays until
/// the new one is whole. `clips` may block until the next clip arrives
/// (see [`audio::assemble`]).
// One call per episode from `build`'s scheduler, which holds each of these apart.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_episode(
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
        encoding: None,
        written: 0,
        reported: 0,
        total: 0,
        rate: config.audio.sample_rate,
        slot: None,
    };
    let mut stored = Vec::new();
    let clips = clips.into_iter().inspect(|clip| stored.push(clip.clone()));
    let mut assembled = audio::assemble(episode, clips, &config.audio, &meta, &temp, &mut tap)?;
    let cache = Cache::new(config.cache_dir());
    assembled.timing.words =
        word_times::episode_words(&cache, episode, keys, &stored, &assembled, reporter);
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
    let outputs = publish::Episode {
        plan: episode,
        timing: &assembled.timing,
        show: &config.show,
    };
    let mut names = vec![format!("{slug}.wav")];
    names.extend(publish::write_text_outputs(&outputs, out_dir)?);
    temp.persist(&wav_path)
        .with_context(|| format!("cannot write {}", wav_path.display()))?;
    if let Some(encoding) = tap.encoding.take() {
        names.extend(encoding.persist(out_dir)?);
    }
    let files = names
        .iter()
        .map(|name| file_entry(out_dir, name))
        .collect::<std::io::Result<_>>()
        .context("cannot read back the written files")?;
    let mut entry = publish::episode_entry(publish::Written {
        plan: episode,
        keys: keys.iter().map(ToString::to_string).collect(),
        assembled: &assembled,
        fingerprint: fingerprint(config, episode, keys, created),
        settings: serde_json::to_value(&config.audio).expect("plain data"),
        voices: episode_voices(config, episode),
        files,
    });
    entry.created = created.to_owned();
    Ok(entry)
}

fn episode_meta(config: &Config, episode: &EpisodePlan, created: &str) -> EpisodeMeta {
    let edge = |path: &Option<std::path::PathBuf>| {
        path.as_ref().map(|p| ClipFile {
            path: config.resolve(p),
            format: crate::model::ClipFormat::Wav,
        })
    };
    let audio = &config.audio;
    let (info, bext) = publish::wav_tags(
        episode,
        &config.show.title,
        created,
        audio.sample_rate,
        audio.bit_depth,
    );
    let cart = publish::cart_tags(episode, &config.playout, config.show.base_url.as_deref());
    EpisodeMeta {
        info,
        bext,
        cart: Some(cart),
        intro: edge(&audio.intro),
        outro: edge(&audio.outro),
    }
}

/// Pass two's other outputs: the encoded formats, from the very samples
/// the WAV gets, and the progress of the writing; it holds one of the
/// per-core slots while it runs, so episodes write in parallel up to the
/// number of cores.
struct Publishing<'a> {
    config: &'a Config,
    episode: &'a EpisodePlan,
    out_dir: &'a Path,
    reporter: &'a dyn Reporter,
    encoding: Option<publish::Encoding>,
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
        let outputs = publish::Episode {
            plan: self.episode,
            timing,
            show: &self.config.show,
        };
        self.encoding = Some(publish::Encoding::start(
            &outputs,
            &self.config.publish,
            self.out_dir,
        )?);
        self.progress();
        Ok(())
    }

    fn write(&mut self, samples: &[f32]) -> Result<(), TapError> {
        if let Some(encoding) = &mut self.encoding {
            encoding.write(samples)?;
        }
        self.written += samples.len() as u64;
        // Every 5 s of audio: often enough for a bar, rare enough to cost nothing.
        if self.written - self.reported >= 5 * u64::from(self.rate) {
            self.progress();
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), TapError> {
        if let Some(encoding) = &mut self.encoding {
            encoding.finish()?;
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
        let what = self
            .encoding
            .as_ref()
            .map_or_else(|| "WAV".to_owned(), publish::Encoding::label);
        self.reporter.writing(
            &self.episode.slug,
            &what,
            seconds(self.written),
            seconds(self.total),
        );
    }
}

/// `m:ss` for messages.
pub(super) fn minutes(seconds: f64) -> String {
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
