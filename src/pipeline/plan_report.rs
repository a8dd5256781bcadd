//! `briefcast plan`: the structure a build would produce, what is cached,
//! and what would be sent, without sending anything.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;
use serde::Serialize;

use super::{Project, Shard};
use crate::tts::Catalog;

#[derive(Serialize)]
pub struct PlanJson {
    pub show: String,
    /// `plan --shard I/N`: only the segments whose clips that share holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    pub episodes: Vec<EpisodeJson>,
    /// Per service: segments and characters still to be requested.
    pub services: BTreeMap<String, ServiceJson>,
}

#[derive(Serialize)]
pub struct EpisodeJson {
    pub speaker: String,
    pub slug: String,
    pub title: String,
    pub voice: String,
    pub service: String,
    pub segments: usize,
    pub cached: usize,
    pub to_request: usize,
    pub chapters: Vec<ChapterJson>,
}

#[derive(Serialize)]
pub struct ChapterJson {
    pub title: String,
    pub segments: Vec<SegmentJson>,
}

#[derive(Serialize)]
pub struct SegmentJson {
    pub id: String,
    pub source: String,
    pub text: String,
    pub spoken: String,
    /// Pinyin readings of the text (tone digits, tone changes applied),
    /// whatever form the voice is sent.
    pub pinyin: String,
    pub voice: String,
    pub service: String,
    pub key: String,
    pub cached: bool,
}

/// A service's share: `characters` count what it is sent (for a pinyin
/// voice, the pinyin), which is what a paid service bills;
/// `text_characters` count the same sentences as written.
#[derive(Serialize, Default)]
pub struct ServiceJson {
    pub segments: usize,
    pub characters: usize,
    pub text_characters: usize,
    pub to_request: usize,
    pub characters_to_send: usize,
    pub text_characters_to_send: usize,
    /// briefcast's own service: nothing is billed.
    pub embedded: bool,
}

/// The plan as data (what `plan --json` prints).
/// With `shard`, only the segments whose clips that share synthesises.
pub fn plan_json(project: &Project, catalog: &Catalog, shard: Option<Shard>) -> Result<PlanJson> {
    let share = match shard {
        Some(shard) => Some(super::share_keys(project, catalog, shard)?),
        None => None,
    };
    let mut services: BTreeMap<String, ServiceJson> = BTreeMap::new();
    let mut episodes = Vec::new();
    let mut readers = BTreeMap::new();
    for episode in &project.episodes {
        let mut chapters = Vec::new();
        let (mut cached_count, mut total) = (0, 0);
        for chapter in &episode.chapters {
            let mut segments = Vec::new();
            for segment in &chapter.segments {
                let request = project.request(segment);
                let key = catalog.key(&request)?.to_string();
                if share.as_ref().is_some_and(|keys| !keys.contains(&key)) {
                    continue;
                }
                let cached = catalog.stored(&request)?.is_some();
                let chars = segment.spoken.chars().count();
                let written = segment.text.chars().count();
                let service =
                    services
                        .entry(request.service.clone())
                        .or_insert_with(|| ServiceJson {
                            embedded: project.config.services[&request.service].is_embedded(),
                            ..ServiceJson::default()
                        });
                service.segments += 1;
                service.characters += chars;
                service.text_characters += written;
                if !cached {
                    service.to_request += 1;
                    service.characters_to_send += chars;
                    service.text_characters_to_send += written;
                }
                cached_count += usize::from(cached);
                total += 1;
                segments.push(SegmentJson {
                    id: segment.id.clone(),
                    source: segment.source.to_string(),
                    text: segment.text.clone(),
                    spoken: segment.spoken.clone(),
                    pinyin: readers.entry(segment.voice.clone()).or_insert_with(|| {
                        Box::new(super::readings_for(&project.config, Some(&segment.voice)))
                            as Box<dyn Fn(&str) -> String>
                    })(&segment.text),
                    voice: segment.voice.clone(),
                    key,
                    service: request.service,
                    cached,
                });
            }
            chapters.push(ChapterJson {
                title: chapter.title.clone(),
                segments,
            });
        }
        let voice = episode.segments().next().map_or("", |s| s.voice.as_str());
        episodes.push(EpisodeJson {
            speaker: episode.speaker.clone(),
            slug: episode.slug.clone(),
            title: episode.title.clone(),
            voice: voice.to_owned(),
            service: project.config.voices[voice].service.get_ref().clone(),
            segments: total,
            cached: cached_count,
            to_request: total - cached_count,
            chapters,
        });
    }
    Ok(PlanJson {
        show: project.config.show.title.clone(),
        share: shard.map(|s| s.to_string()),
        episodes,
        services,
    })
}

/// The plan for a person: each episode with its voice, chapters, segment and
/// character counts and cache state, then what each service would be sent.
pub fn plan_text(plan: &PlanJson) -> String {
    let mut out = String::new();
    if let Some(share) = &plan.share {
        let _ = writeln!(
            out,
            "share {share}: the segments whose clips `build --shard {share}` synthesises\n"
        );
    }
    for episode in &plan.episodes {
        let _ = writeln!(
            out,
            "{} → {}.wav  (voice {} on {})",
            episode.speaker, episode.slug, episode.voice, episode.service
        );
        let _ = writeln!(out, "  {}", episode.title);
        for (n, chapter) in plan_chapters(episode).iter().enumerate() {
            let (title, count, written, sent) = chapter;
            let _ = writeln!(
                out,
                "  {:>2}. {title}  [{count} segments, {written} characters as written, {sent} as sent]",
                n + 1
            );
        }
        let _ = writeln!(
            out,
            "      {} segments: {} cached, {} to request\n",
            episode.segments, episode.cached, episode.to_request
        );
    }
    let _ = writeln!(
        out,
        "to send (a paid service bills the characters as sent; the embedded service bills nothing):"
    );
    for (name, service) in &plan.services {
        let billed = if service.embedded {
            " (embedded: nothing billed)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {name}{billed}: {} of {} segments; {} of {} characters as written, {} of {} as sent",
            service.to_request,
            service.segments,
            service.text_characters_to_send,
            service.text_characters,
            service.characters_to_send,
            service.characters
        );
    }
    out
}

/// Each chapter's title, segments, and characters as written and as sent.
fn plan_chapters(episode: &EpisodeJson) -> Vec<(&str, usize, usize, usize)> {
    episode
        .chapters
        .iter()
        .map(|c| {
            let count = |text: fn(&SegmentJson) -> &str| -> usize {
                c.segments.iter().map(|s| text(s).chars().count()).sum()
            };
            (
                c.title.as_str(),
                c.segments.len(),
                count(|s| &s.text),
                count(|s| &s.spoken),
            )
        })
        .collect()
}
