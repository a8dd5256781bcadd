//! The pipeline: the one module that knows every stage.
//!
//! `build` runs script → text → tts → audio → publish: it loads the
//! configuration and scripts, plans one episode per speaker, asks the
//! synthesizer for every clip (each distinct text once, in parallel within
//! each service's limits), and assembles an episode the moment its last
//! clip is stored, while other requests are still in flight. Each stage is
//! handed only its own section of the configuration.

mod plan;
mod show;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use tokio::task::JoinSet;

use crate::audio::{self, ClipFile};
use crate::config::Config;
use crate::model::{EpisodePlan, Segment};
use crate::progress::Reporter;
use crate::publish;
use crate::script;
use crate::tts::{Cache, ClipKey, ClipRequest, Synthesizer, Validator};

pub use plan::{plan_episodes, PlanError};
pub use show::print_plan;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub config: PathBuf,
    /// Build only this speaker (name or slug).
    pub only: Option<String>,
    /// At most this many requests in flight across all services.
    pub jobs: Option<usize>,
}

/// What a build did; `failures` non-empty means exit code 1.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub written: Vec<PathBuf>,
    pub requested: usize,
    pub failures: Vec<String>,
}

/// Configuration, scripts and episode plans: everything before any request.
pub struct Project {
    pub config: Config,
    pub episodes: Vec<EpisodePlan>,
}

impl Project {
    pub fn load(config_path: &Path, only: Option<&str>) -> Result<Project> {
        let config = Config::load(config_path)?;
        let scripts = config.resolve(&config.paths.scripts);
        let speeches = script::load_dir(&scripts)?;
        let mut episodes = plan_episodes(&config, speeches)?;
        if let Some(only) = only {
            episodes.retain(|e| e.speaker == only || e.slug == only);
            if episodes.is_empty() {
                bail!(
                    "--only {only}: no speaker or slug of that name in {}",
                    scripts.display()
                );
            }
        }
        Ok(Project { config, episodes })
    }

    fn request(&self, segment: &Segment) -> ClipRequest {
        let voice = &self.config.voices[&segment.voice];
        ClipRequest {
            service: voice.service.get_ref().clone(),
            voice: voice.voice.clone(),
            speed: voice.speed,
            text: segment.spoken.clone(),
        }
    }
}

/// Load, synthesise, assemble and publish.
pub fn build(options: &BuildOptions, reporter: Arc<dyn Reporter>) -> Result<BuildReport> {
    let project = Project::load(&options.config, options.only.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(Arc::new(project), options.jobs, reporter))
}

/// Where one segment's clip goes: episode index, segment index.
type Slot = (usize, usize);

async fn run(
    project: Arc<Project>,
    jobs: Option<usize>,
    reporter: Arc<dyn Reporter>,
) -> Result<BuildReport> {
    let config = &project.config;
    let out_dir = config.resolve(&config.paths.output);
    fs_err::create_dir_all(&out_dir).context("cannot create the output folder")?;
    let used: Vec<&str> = project
        .episodes
        .iter()
        .flat_map(|e| e.segments())
        .map(|s| config.voices[&s.voice].service.get_ref().as_str())
        .collect();
    let validator: Validator = Arc::new(audio::check_clip);
    let cache = Cache::new(config.resolve(&config.paths.cache));
    let synth =
        Arc::new(Synthesizer::start(&config.services, &used, cache, validator, jobs).await?);

    let mut clips: Vec<Vec<Option<ClipFile>>> = Vec::new();
    let mut pending: BTreeMap<ClipKey, (ClipRequest, Vec<Slot>)> = BTreeMap::new();
    for (e, episode) in project.episodes.iter().enumerate() {
        let mut slots = Vec::new();
        for (i, segment) in episode.segments().enumerate() {
            let request = project.request(segment);
            match synth.cached(&request)? {
                Some(clip) => slots.push(Some(ClipFile {
                    path: clip.path,
                    format: clip.format,
                })),
                None => {
                    slots.push(None);
                    let key = synth.key(&request)?;
                    pending
                        .entry(key)
                        .or_insert_with(|| (request, Vec::new()))
                        .1
                        .push((e, i));
                }
            }
        }
        let ready = slots.iter().filter(|s| s.is_some()).count();
        reporter.episode(&episode.slug, slots.len(), ready);
        clips.push(slots);
    }

    let mut report = BuildReport {
        requested: pending.len(),
        ..BuildReport::default()
    };
    let mut failed: Vec<Vec<String>> = vec![Vec::new(); project.episodes.len()];
    let mut assemblies = JoinSet::new();
    let spawn_assembly = |assemblies: &mut JoinSet<_>, e: usize, clips: Vec<ClipFile>| {
        let project = Arc::clone(&project);
        let out_dir = out_dir.clone();
        assemblies.spawn_blocking(move || {
            let episode = &project.episodes[e];
            (e, write_episode(&project.config, episode, &clips, &out_dir))
        });
    };
    for (e, slots) in clips.iter().enumerate() {
        if let Some(ready) = complete(slots) {
            spawn_assembly(&mut assemblies, e, ready);
        }
    }

    let mut fetches = JoinSet::new();
    for (_, (request, slots)) in pending {
        let synth = Arc::clone(&synth);
        fetches.spawn(async move {
            let result = synth.fetch(&request).await;
            (slots, result)
        });
    }
    while let Some(joined) = fetches.join_next().await {
        let (slots, result) = joined.context("a synthesis task panicked")?;
        for (e, i) in slots {
            let episode = &project.episodes[e];
            match &result {
                Ok(clip) => {
                    clips[e][i] = Some(ClipFile {
                        path: clip.path.clone(),
                        format: clip.format,
                    });
                    reporter.advance(&episode.slug);
                    if failed[e].is_empty() {
                        if let Some(ready) = complete(&clips[e]) {
                            spawn_assembly(&mut assemblies, e, ready);
                        }
                    }
                }
                Err(error) => {
                    let segment = episode.segments().nth(i).expect("slot in range");
                    failed[e].push(format!("{}: {error}", segment.describe()));
                }
            }
        }
    }

    while let Some(joined) = assemblies.join_next().await {
        let (e, result) = joined.context("an assembly task panicked")?;
        let slug = &project.episodes[e].slug;
        match result {
            Ok((path, summary)) => {
                reporter.done(slug, &summary);
                report.written.push(path);
            }
            Err(error) => {
                let message = format!("{slug}: {error:#}");
                reporter.done(slug, "not written");
                report.failures.push(message);
            }
        }
    }
    for (e, mut messages) in failed.into_iter().enumerate() {
        if messages.is_empty() {
            continue;
        }
        let slug = &project.episodes[e].slug;
        reporter.done(
            slug,
            &format!(
                "not written: {} segment(s) failed; the previous file is kept",
                messages.len()
            ),
        );
        messages.sort();
        report.failures.extend(messages);
    }
    report.written.sort();
    Ok(report)
}

/// All clips of an episode, if every one is stored.
fn complete(slots: &[Option<ClipFile>]) -> Option<Vec<ClipFile>> {
    slots.iter().cloned().collect()
}

/// Assemble into a temporary file, write the sidecars, then rename the WAV
/// into place: the previous episode stays until the new one is whole.
fn write_episode(
    config: &Config,
    episode: &EpisodePlan,
    clips: &[ClipFile],
    out_dir: &Path,
) -> Result<(PathBuf, String)> {
    let wav_path = publish::output_path(out_dir, &episode.slug, "wav");
    let temp = publish::temp_file_in(&wav_path)
        .with_context(|| format!("cannot write in {}", out_dir.display()))?;
    let info = audio::wav::InfoTags {
        title: episode.title.clone(),
        artist: episode.speaker.clone(),
        software: concat!("briefcast ", env!("CARGO_PKG_VERSION")).to_owned(),
        created: None,
        comment: Some(config.show.title.clone()),
    };
    let timing = audio::assemble(episode, clips, &config.audio, &info, &temp)?;
    let chapters_path = publish::output_path(out_dir, &episode.slug, "chapters.json");
    publish::write_atomic(
        &chapters_path,
        publish::chapters_json(episode, &timing, &config.show.title).as_bytes(),
    )
    .with_context(|| format!("cannot write {}", chapters_path.display()))?;
    temp.persist(&wav_path)
        .with_context(|| format!("cannot write {}", wav_path.display()))?;
    let seconds = timing.total_frames / u64::from(timing.rate);
    let summary = format!(
        "{} ({}:{:02}, {} chapters)",
        wav_path.display(),
        seconds / 60,
        seconds % 60,
        timing.chapters.len()
    );
    Ok((wav_path, summary))
}
