//! Which episodes the scripts make: one per speaker, in show order, each
//! with the voice and file name (slug) `[speakers]` gives it; the segments
//! themselves are planned by `text::plan_episode`. A speaker's name in
//! traditional characters is the same speaker as its simplified twin.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::voicing::plan_voice;
use crate::config::Config;
use crate::model::{EpisodePlan, Speech};
use crate::text::{self, Announcements};
use crate::util;

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
    // A speaker printed in traditional characters (田紅旗) is the one
    // written in simplified (田红旗): one episode, one [speakers] entry.
    let mut by_speaker: BTreeMap<String, Vec<Speech>> = BTreeMap::new();
    for speech in speeches {
        by_speaker
            .entry(util::to_simplified(&speech.speaker))
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
        let (key, entry) = config
            .speakers
            .get_key_value(&speaker)
            .or_else(|| {
                let mut same = config.speakers.iter();
                same.find(|(name, _)| util::same_name(name, &speaker))
            })
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
            None => text::slugify(key),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Chapter, Paragraph};
    use std::path::Path;

    fn speech(path: &str, speaker: &str) -> Speech {
        let paragraph = Paragraph {
            text: "中國新型政黨制度有利於團結。".into(),
            line: 3,
        };
        Speech {
            path: path.into(),
            speaker: speaker.into(),
            title: "發言".into(),
            subtitle: None,
            order: None,
            chapters: vec![Chapter {
                title: "發言".into(),
                line: 1,
                paragraphs: vec![paragraph],
            }],
            warnings: Vec::new(),
        }
    }

    #[test]
    fn a_speaker_in_traditional_characters_gets_the_simplified_entry() {
        let text = "[show]\ntitle = \"S\"\nlanguage = \"zh-CN\"\n[services.local]\nkind = \"embedded\"\n\
                    [voices.a]\nservice = \"local\"\nvoice = \"cmn\"\n\
                    [voices.b]\nservice = \"local\"\nvoice = \"cmn\"\n\
                    [speakers]\n\"田红旗\" = { voice = \"b\", slug = \"tian\" }\n\"林毅夫\" = \"a\"\n";
        let config = Config::parse(text, Path::new("voices.toml"), ".".into()).unwrap();
        let speeches = vec![
            speech("1.md", "田紅旗"),
            speech("2.md", "林毅夫"),
            speech("3.md", "田红旗"),
        ];
        let plans = plan_episodes(&config, speeches).unwrap();
        let got: Vec<(&str, &str)> = plans
            .iter()
            .map(|p| (p.speaker.as_str(), p.slug.as_str()))
            .collect();
        assert_eq!(got, [("田紅旗", "tian"), ("林毅夫", "lin-yi-fu")]);
        let unknown = plan_episodes(&config, vec![speech("4.md", "劉永好")]).unwrap_err();
        assert!(
            unknown.to_string().contains("“劉永好” has no voice"),
            "{unknown}"
        );
    }
}
