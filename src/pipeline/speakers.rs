//! Which episodes the scripts make: one per speaker, in show order, each
//! with the voice and file name (slug) `[speakers]` gives it; the segments
//! themselves are planned by `text::plan_episode`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::voicing::plan_voice;
use crate::config::Config;
use crate::model::{EpisodePlan, Speech};
use crate::text::{self, Announcements};

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}: speaker “{speaker}” has no voice: add it to [speakers] in voices.toml (voices: {known})")]
    NoVoice {
        path: PathBuf,
        speaker: String,
        known: String,
    },
    #[error("speakers “{first}” and “{second}” both get the file name “{slug}”: set a different `slug` for one of them in [speakers]")]
    DuplicateSlug {
        slug: String,
        first: String,
        second: String,
    },
    #[error("[speakers] “{speaker}”: slug “{slug}” may only hold a-z, 0-9, - and _")]
    BadSlug { speaker: String, slug: String },
    #[error(
        "speaker “{speaker}” has no letters a file name can use: set `slug` for it in [speakers]"
    )]
    EmptySlug { speaker: String },
}

/// One episode per speaker, in show order (lowest `order`, then file name).
pub fn plan_episodes(
    config: &Config,
    speeches: Vec<Speech>,
) -> Result<Vec<EpisodePlan>, PlanError> {
    let mut by_speaker: BTreeMap<String, Vec<Speech>> = BTreeMap::new();
    for speech in speeches {
        by_speaker
            .entry(speech.speaker.clone())
            .or_default()
            .push(speech);
    }
    let mut groups: Vec<Vec<Speech>> = by_speaker.into_values().collect();
    for group in &mut groups {
        group.sort_by_key(show_position);
    }
    groups.sort_by_key(|g| show_position(&g[0]));

    let mut slugs: BTreeMap<String, String> = BTreeMap::new();
    let mut episodes = Vec::new();
    for speeches in groups {
        let first = &speeches[0];
        let speaker = first.speaker.clone();
        let entry = config
            .speakers
            .get(&speaker)
            .ok_or_else(|| PlanError::NoVoice {
                path: first.path.clone(),
                speaker: speaker.clone(),
                known: config.voices.keys().cloned().collect::<Vec<_>>().join(", "),
            })?;
        let slug = match entry.slug() {
            Some(slug) if text::is_valid_slug(slug) => slug.to_owned(),
            Some(slug) => {
                return Err(PlanError::BadSlug {
                    speaker,
                    slug: slug.to_owned(),
                })
            }
            None => text::slugify(&speaker),
        };
        if slug.is_empty() {
            return Err(PlanError::EmptySlug { speaker });
        }
        if let Some(other) = slugs.insert(slug.clone(), speaker.clone()) {
            return Err(PlanError::DuplicateSlug {
                slug,
                first: other,
                second: speaker,
            });
        }
        let voice = plan_voice(config, entry.voice());
        let announcer = config.audio.announce.then(|| {
            plan_voice(
                config,
                config.audio.announcer.as_deref().unwrap_or(&voice.name),
            )
        });
        let opening = |speaker: &str, title: &str, subtitle: Option<&str>| {
            config.announcement(speaker, title, subtitle)
        };
        let announcements = announcer.as_ref().map(|voice| Announcements {
            voice,
            opening: &opening,
        });
        episodes.push(text::plan_episode(
            &speeches,
            &voice,
            announcements.as_ref(),
            slug,
            episodes.len(),
        ));
    }
    Ok(episodes)
}

fn show_position(speech: &Speech) -> (i64, PathBuf) {
    (speech.order.unwrap_or(i64::MAX), speech.path.clone())
}
