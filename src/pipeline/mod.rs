//! The pipeline: the one module that knows every stage.
//!
//! `build` runs script → text → tts → audio → publish: it loads the
//! configuration and scripts, has text plan one episode per speaker (the
//! voice, slug and settings it reads from the configuration), leaves alone
//! every episode whose fingerprint and files match the manifest, asks the
//! synthesizer for the missing clips (each distinct text once, in parallel
//! within each service's limits), assembles an episode the moment its
//! last clip is stored, and delivers new or changed episodes to the
//! `[deliver.*]` targets. Each stage gets only its own configuration section.

mod arrivals;
mod build;
mod check;
mod clip_words;
mod deliver;
mod doctor;
mod episode;
mod gc;
mod guard;
mod import;
mod plan_report;
mod shard;
mod speakers;
mod voicing;
mod word_times;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::{Config, MandarinForm, ServiceConfig};
use crate::model::{EpisodePlan, Segment};
use crate::script;
use crate::tts::{self, Cache, Catalog, ClipRequest, RemoteCache};

pub use build::{build, BuildOptions, BuildReport};
pub use check::{check, last_check, voice_language, CheckOptions, CheckRun};
pub use clip_words::{align_clip, reference_voice};
pub use deliver::{check_keys, deliver, deliver_all, DeliverOptions, TargetReport};
pub use doctor::{doctor, DoctorReport, Tools, VoiceProbe};
pub use gc::{collect_garbage, GcReport};
pub use guard::{check_cache_folder, lock_cache, lock_cache_for_share, lock_for_build};
pub use import::{import, ImportOptions};
pub use plan_report::{plan_json, plan_text};
pub use shard::{share_keys, Shard};
pub use speakers::{plan_episodes, PlanError};
pub use voicing::{readings_for, spoken_form_for, spoken_without_project};

/// Configuration, scripts and episode plans: everything before any request.
pub struct Project {
    pub config: Config,
    pub episodes: Vec<EpisodePlan>,
    /// The creation date written into metadata: `[show] date`, else the
    /// newest script's modification date.
    pub created: String,
    /// `--only`: the speaker (name or slug) to build; others are left alone.
    pub only: Option<String>,
    /// Voices speaking their fallback because their neural model is not
    /// installed here.
    pub substitutes: Vec<Substitute>,
    /// What the scripts held that is not read (`file:line: …`).
    pub warnings: Vec<String>,
    /// The object store shared with other machines (`[paths] cache = "s3://…"`).
    pub remote: Option<RemoteCache>,
}

/// A voice spoken by its fallback: `[voices.NAME]` wanted `wanted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitute {
    pub voice: String,
    pub wanted: String,
    pub spoken: String,
}

impl Substitute {
    /// The one line a build prints for all of them.
    pub fn notice(substitutes: &[Substitute]) -> Option<String> {
        let list: Vec<String> = substitutes
            .iter()
            .map(|s| format!("{} ({} → {})", s.voice, s.wanted, s.spoken))
            .collect();
        (!list.is_empty()).then(|| {
            format!(
                "briefcast: notice: neural voices are not installed, so {} speak their fallback; `briefcast voices install` installs them (about 200 MB) and the next build re-synthesises those episodes",
                list.join(", ")
            )
        })
    }
}

impl Project {
    pub fn load(config_path: &Path, only: Option<&str>) -> Result<Project> {
        let mut config = Config::load(config_path)?;
        let substitutes = use_installed_voices(&mut config);
        use_mandarin_voices(&mut config);
        let scripts = config.resolve(&config.paths.scripts);
        let speeches = script::load_dir(&scripts)?;
        let warnings = speeches.iter().flat_map(|s| s.warnings.clone()).collect();
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
        let created = match &config.show.date {
            Some(date) => date.clone(),
            None => script::newest_modification(&scripts)
                .map_or_else(String::new, crate::util::civil_date),
        };
        let remote = match config.cache_url() {
            Some(url) => Some(
                RemoteCache::open(url)
                    .with_context(|| format!("{}: [paths] cache", config_path.display()))?,
            ),
            None => None,
        };
        Ok(Project {
            config,
            episodes,
            created,
            only: only.map(str::to_owned),
            substitutes,
            warnings,
            remote,
        })
    }

    pub fn output_dir(&self) -> PathBuf {
        self.config.resolve(&self.config.paths.output)
    }

    pub fn cache(&self) -> Cache {
        let dir = self.config.cache_dir();
        match &self.remote {
            Some(remote) => Cache::with_remote(dir, remote.clone()),
            None => Cache::new(dir),
        }
    }

    /// What the tts stage is asked for one segment.
    pub fn request(&self, segment: &Segment) -> ClipRequest {
        let voice = &self.config.voices[&segment.voice];
        ClipRequest {
            service: voice.service.get_ref().clone(),
            voice: voice.voice.clone(),
            speed: voice.speed,
            text: segment.spoken.clone(),
        }
    }

    /// The services the planned episodes use.
    pub fn used_services(&self) -> Vec<&str> {
        let mut used: Vec<&str> = self
            .episodes
            .iter()
            .flat_map(|e| e.segments())
            .map(|s| self.config.voices[&s.voice].service.get_ref().as_str())
            .collect();
        used.sort_unstable();
        used.dedup();
        used
    }

    /// The synthesizer a build requests clips from, after the checks that
    /// stop a build before any request: the shared cache marked, neural
    /// voices installed, Mandarin voices probed.
    pub async fn synthesizer(&self, jobs: Option<usize>) -> Result<tts::Synthesizer> {
        if let Some(remote) = &self.remote {
            remote.mark().await?;
        }
        self.check_voices_installed()?;
        self.probe_voices()?;
        let validator = tts::Validator {
            response: crate::audio::check_clip,
            stored: crate::audio::check_stored_clip,
        };
        Ok(tts::Synthesizer::start(
            &self.config.services,
            &self.used_services(),
            self.cache(),
            validator,
            jobs,
        )
        .await?)
    }

    /// A neural voice whose model or runtime is missing stops the build
    /// before any request, with the command that installs it.
    pub fn check_voices_installed(&self) -> Result<()> {
        for voice in self.config.voices.values() {
            let service = self.config.services.get(voice.service.get_ref());
            if service.is_some_and(ServiceConfig::is_embedded) {
                tts::embedded::check_installed(&voice.voice, &Default::default())?;
            }
        }
        Ok(())
    }

    /// Refuse, before any request, an embedded Mandarin voice that reads
    /// what it would be sent by English rules.
    pub fn probe_voices(&self) -> Result<()> {
        let used = self.used_services();
        for (name, voice) in &self.config.voices {
            let service = voice.service.get_ref();
            let embedded = self.config.services[service].is_embedded();
            let lower = voice.voice.to_ascii_lowercase();
            let lower = lower.strip_prefix("espeak:").unwrap_or(&lower);
            if !embedded
                || !used.contains(&service.as_str())
                || !(lower.starts_with("cmn") || lower.starts_with("zh"))
            {
                continue;
            }
            let sample = match self.config.mandarin_for(voice) {
                MandarinForm::Pinyin => "ni3 hao3，shi4 jie4。",
                MandarinForm::Hanzi => "你好，世界。",
            };
            tts::embedded::probe_mandarin(&voice.voice, sample)
                .with_context(|| format!("[voices.{name}]"))?;
        }
        Ok(())
    }

    /// Keys and cache paths without starting anything: for `plan` and `cache gc`.
    pub fn catalog(&self) -> Catalog {
        let espeak =
            tts::embedded::espeak_version().unwrap_or_else(|_| "espeak-ng (not installed)".into());
        Catalog::new(&self.config.services, &espeak, self.cache())
    }
}

/// Each embedded voice with a `fallback` whose neural model or runtime is
/// not installed here speaks the fallback instead.
pub(crate) fn use_installed_voices(config: &mut Config) -> Vec<Substitute> {
    let neural = tts::embedded::NeuralOptions::default();
    let mut substitutes = Vec::new();
    for (name, voice) in config.voices.iter_mut() {
        let Some(fallback) = &voice.fallback else {
            continue;
        };
        let embedded = config
            .services
            .get(voice.service.get_ref())
            .is_some_and(ServiceConfig::is_embedded);
        if embedded && tts::embedded::check_installed(&voice.voice, &neural).is_err() {
            substitutes.push(Substitute {
                voice: name.clone(),
                wanted: std::mem::replace(&mut voice.voice, fallback.clone()),
                spoken: fallback.clone(),
            });
            voice.speed = voice.fallback_speed.unwrap_or(voice.speed);
        }
    }
    substitutes
}

/// The embedded service's `cmn` voices become `cmn-latn-pinyin` (see
/// `tts::embedded::mandarin_voice`), with one notice naming them.
fn use_mandarin_voices(config: &mut Config) {
    let mut mapped = Vec::new();
    for (name, voice) in config.voices.iter_mut() {
        let embedded = config
            .services
            .get(voice.service.get_ref())
            .is_some_and(ServiceConfig::is_embedded);
        if let Some(working) = embedded
            .then(|| tts::embedded::mandarin_voice(&voice.voice))
            .flatten()
        {
            mapped.push(format!("{name} ({} → {working})", voice.voice));
            voice.voice = working;
        }
    }
    if !mapped.is_empty() {
        eprintln!(
            "briefcast: notice: espeak-ng's cmn reads Mandarin by English rules, so voices {} use cmn-latn-pinyin; write that voice in voices.toml to silence this",
            mapped.join(", ")
        );
    }
}
