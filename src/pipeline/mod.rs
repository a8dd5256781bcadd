//! The pipeline: the one module that knows every stage.
//!
//! `build` runs script → text → tts → audio → publish: it loads the
//! configuration and scripts, plans one episode per speaker, leaves alone
//! every episode whose fingerprint and files match the manifest, asks the
//! synthesizer for the missing clips (each distinct text once, in parallel
//! within each service's limits), and assembles an episode the moment its
//! last clip is stored. Each stage gets only its own configuration section.

mod build;
mod check;
mod doctor;
mod episode;
mod gc;
mod guard;
mod import;
mod plan;
mod show;
mod show_files;

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::config::Config;
use crate::model::{EpisodePlan, Segment};
use crate::script;
use crate::tts::{self, Cache, Catalog, ClipRequest};

pub use build::{build, BuildOptions, BuildReport};
pub use check::{check, last_check, voice_language, CheckOptions, CheckRun};
pub use doctor::{doctor, DoctorReport, Tools, VoiceProbe};
pub use gc::{collect_garbage, GcReport};
pub use guard::{check_cache_folder, lock_cache, lock_for_build};
pub use import::{import, ImportOptions};
pub use plan::{plan_episodes, speaker_for, spoken_without_project, PlanError};
pub use show::{plan_json, plan_text};

/// Configuration, scripts and episode plans: everything before any request.
pub struct Project {
    pub config: Config,
    pub episodes: Vec<EpisodePlan>,
    /// The creation date written into metadata: `[show] date`, else the
    /// newest script's modification date.
    pub created: String,
    /// `--only`: the speaker (name or slug) to build; others are left alone.
    pub only: Option<String>,
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
        let created = match &config.show.date {
            Some(date) => date.clone(),
            None => script::newest_modification(&scripts)
                .map_or_else(String::new, crate::util::civil_date),
        };
        Ok(Project {
            config,
            episodes,
            created,
            only: only.map(str::to_owned),
        })
    }

    pub fn output_dir(&self) -> PathBuf {
        self.config.resolve(&self.config.paths.output)
    }

    pub fn cache(&self) -> Cache {
        Cache::new(self.config.resolve(&self.config.paths.cache))
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

    /// Keys and cache paths without starting anything: for `plan` and `cache gc`.
    pub fn catalog(&self) -> Catalog {
        let espeak =
            tts::embedded::espeak_version().unwrap_or_else(|_| "espeak-ng (not installed)".into());
        Catalog::new(&self.config.services, &espeak, self.cache())
    }
}
