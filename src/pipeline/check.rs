//! `briefcast check`: transcribe every clip the episodes are made of and
//! score it against the sentence it should say.
//!
//! Finds each segment's clip in the cache (what `build` stored), asks the
//! check stage for a transcript (cached per clip and model; a miss sends the
//! clip, re-encoded by the audio stage as 16 kHz WAV), scores it in the
//! voice's language with `text::normalize_zh` as the numeral reader, and
//! writes `audio/check.json`. A failing transcription service stops the
//! check with its error before anything is written; episodes are never
//! touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use tokio::task::JoinSet;

use super::Project;
use crate::audio;
use crate::check::{self, CheckReport, Language, SegmentCheck, Transcriber, CHECK_FILE};
use crate::config::{Config, NormalizeSetting};
use crate::model::Segment;
use crate::util::InternalContext;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub config: PathBuf,
    /// Check only this speaker (name or slug); others keep their last result.
    pub only: Option<String>,
}

/// What a check found. `service_error` set: nothing was written.
#[derive(Debug, Default)]
pub struct CheckRun {
    pub report: Option<CheckReport>,
    /// Segments checked in this run, in show order: (id, describe()).
    pub checked: Vec<(String, String)>,
    /// Segments without a clip in the cache (not built yet).
    pub missing: Vec<String>,
    pub requested: usize,
    pub service_error: Option<String>,
    pub written: Option<PathBuf>,
}

impl CheckRun {
    /// Exit code 1: a segment above its threshold, a missing clip, or a
    /// service that did not answer.
    pub fn failed(&self) -> bool {
        self.service_error.is_some()
            || !self.missing.is_empty()
            || self.checked.iter().any(|(id, _)| {
                self.report
                    .as_ref()
                    .is_some_and(|r| r.segments.get(id).is_some_and(|s| !s.passed))
            })
    }
}

/// The language a voice is heard in: Mandarin when its text is read with
/// Mandarin rules or its voice name says so, English when the name does,
/// else the show's language.
pub fn voice_language(config: &Config, voice: &str) -> Language {
    let Some(settings) = config.voices.get(voice) else {
        return show_language(config);
    };
    let name = settings.voice.to_ascii_lowercase();
    // `piper:en_US-joe-medium`, `espeak:cmn-latn-pinyin`: the engine aside.
    let name = name
        .split_once(':')
        .map_or(name.as_str(), |(_, voice)| voice);
    if name.starts_with("cmn") || name.starts_with("zh") || name.starts_with("yue") {
        return Language::Zh;
    }
    if name.starts_with("en") {
        return Language::En;
    }
    match config.normalize_for(settings) {
        NormalizeSetting::Zh => Language::Zh,
        NormalizeSetting::None => show_language(config),
    }
}

fn show_language(config: &Config) -> Language {
    let language = config.show.language.to_ascii_lowercase();
    if language.starts_with("zh") || language.starts_with("cmn") {
        Language::Zh
    } else {
        Language::En
    }
}

/// Where transcripts are cached: beside the clip cache (`.briefcast/transcripts`).
fn transcripts_dir(config: &Config) -> PathBuf {
    let clips = config.cache_dir();
    match clips.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.join("transcripts"),
        _ => clips.join("../transcripts"),
    }
}

/// The last check's report, if one was written and still parses.
pub fn last_check(out_dir: &Path) -> Option<CheckReport> {
    let text = fs_err::read_to_string(out_dir.join(CHECK_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

pub fn check(options: &CheckOptions) -> Result<CheckRun> {
    let project = Project::load(&options.config, options.only.as_deref())?;
    let runtime = crate::util::runtime()?;
    runtime.block_on(check_project(&project))
}

struct Job {
    id: String,
    clip_key: String,
    clip_path: PathBuf,
    format: crate::model::ClipFormat,
    language: Language,
}

pub(super) async fn check_project(project: &Project) -> Result<CheckRun> {
    let config = &project.config;
    let Some((name, settings)) = config.check.transcriber() else {
        bail!(
            "no transcription service is configured: add [check] service = \"NAME\" and a [check.services.NAME] section (kind = \"openai\", url = …) to voices.toml"
        );
    };
    let transcriber = Arc::new(Transcriber::new(name, settings, transcripts_dir(config))?);
    let catalog = project.catalog();
    let mut run = CheckRun::default();
    let mut heard: BTreeMap<String, String> = BTreeMap::new();
    let mut jobs = Vec::new();
    let mut segments: Vec<(&Segment, &str, Language)> = Vec::new();
    for episode in &project.episodes {
        for segment in episode.segments() {
            let language = voice_language(config, &segment.voice);
            let request = project.request(segment);
            let key = catalog.key(&request)?;
            let format = catalog.format(&request.service)?;
            let Some(path) = catalog.stored(&request)? else {
                run.missing.push(segment.describe());
                continue;
            };
            segments.push((segment, &episode.slug, language));
            run.checked.push((segment.id.clone(), segment.describe()));
            if heard.contains_key(key.as_str()) {
                continue;
            }
            match transcriber.cached(key.as_str(), language.code()) {
                Some(text) => {
                    heard.insert(key.to_string(), text);
                }
                None => {
                    heard.insert(key.to_string(), String::new());
                    jobs.push(Job {
                        id: segment.describe(),
                        clip_key: key.to_string(),
                        clip_path: path,
                        format,
                        language,
                    });
                }
            }
        }
    }

    let mut tasks = JoinSet::new();
    for job in jobs {
        let transcriber = Arc::clone(&transcriber);
        tasks.spawn(async move {
            let result = transcribe(&transcriber, &job).await;
            (job.clip_key, result)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        let (key, result) = joined.internal("a transcription task panicked")?;
        match result {
            Ok(text) => {
                heard.insert(key, text);
            }
            Err(error) => {
                tasks.abort_all();
                run.requested = transcriber.requests();
                run.service_error = Some(format!("{error:#}"));
                return Ok(run);
            }
        }
    }
    run.requested = transcriber.requests();

    let out_dir = project.output_dir();
    let mut results = match (&project.only, last_check(&out_dir)) {
        (Some(_), Some(last)) if last.model == transcriber.model() => {
            let checked: Vec<&str> = project.episodes.iter().map(|e| e.slug.as_str()).collect();
            let mut kept = last.segments;
            kept.retain(|_, s| !checked.contains(&s.episode.as_str()));
            kept
        }
        _ => BTreeMap::new(),
    };
    let thresholds = (config.check.max_cer, config.check.max_wer);
    for (segment, slug, language) in segments {
        let request = project.request(segment);
        let key = catalog.key(&request)?;
        let transcript = heard[key.as_str()].clone();
        let score = check::score(
            &segment.text,
            &transcript,
            language,
            crate::text::normalize_zh,
        );
        let score = (score * 1e4).round() / 1e4;
        let syllables = (language == Language::Zh).then(|| {
            let rate = check::syllable_rate(
                &segment.text,
                &transcript,
                crate::text::normalize_zh,
                crate::text::syllables,
            );
            (rate * 1e4).round() / 1e4
        });
        let threshold = match language {
            Language::Zh => thresholds.0,
            Language::En => thresholds.1,
        };
        let length = match language {
            Language::Zh => check::zh_form(&segment.text, crate::text::normalize_zh).len(),
            Language::En => check::en_words(&segment.text).len(),
        };
        results.insert(
            segment.id.clone(),
            SegmentCheck {
                episode: slug.to_owned(),
                voice: segment.voice.clone(),
                source: segment.source.to_string(),
                language: language.code().to_owned(),
                score,
                syllables,
                length,
                passed: score <= threshold,
                transcript,
            },
        );
    }
    let report = CheckReport::new(name, transcriber.model(), thresholds, results);
    fs_err::create_dir_all(&out_dir).context("cannot create the output folder")?;
    let path = out_dir.join(CHECK_FILE);
    crate::publish::write_atomic(&path, report.to_json().as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    run.written = Some(path);
    run.report = Some(report);
    Ok(run)
}

async fn transcribe(transcriber: &Transcriber, job: &Job) -> Result<String> {
    let (path, format) = (job.clip_path.clone(), job.format);
    let wav = tokio::task::spawn_blocking(move || {
        let bytes = fs_err::read(&path)?;
        audio::clip_for_listening(&bytes, format)
            .map_err(|reason| anyhow::anyhow!("{}: {reason}", path.display()))
    })
    .await
    .internal("a clip conversion panicked")?
    .with_context(|| format!("{}: cannot read its clip", job.id))?;
    Ok(transcriber
        .transcribe(&job.clip_key, wav, job.language.code())
        .await?)
}
