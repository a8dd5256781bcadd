//! Files for the whole show, rendered from the manifest so they describe
//! exactly the episodes on disk: the podcast feed and the read-along page.

use std::path::Path;

use anyhow::{Context, Result};

use crate::config::{Config, PublishFormat};
use crate::publish::feed::{self, Channel, Item};
use crate::publish::manifest::file_entry;
use crate::publish::page::{self, PageEpisode};
use crate::publish::{self, EpisodeEntry, Manifest};

/// Write feed.xml, index.html and the page's assets where they changed;
/// returns a warning for the person running the build, if any.
pub fn write_show_files(
    config: &Config,
    manifest: &mut Manifest,
    out_dir: &Path,
    created: &str,
) -> Result<Option<String>> {
    let mut episodes: Vec<(&String, &EpisodeEntry)> = manifest.episodes.iter().collect();
    episodes.sort_by_key(|(slug, entry)| (entry.order, (*slug).clone()));
    let plans: Vec<_> = episodes
        .iter()
        .map(|(slug, entry)| (entry.plan(slug), entry.timing()))
        .collect();
    let mp3 = config.publish.formats.last() == Some(&PublishFormat::Mp3);
    let (extension, mime) = if mp3 {
        ("mp3", "audio/mpeg")
    } else {
        ("wav", "audio/wav")
    };

    let page_episodes: Vec<PageEpisode> = plans
        .iter()
        .map(|(plan, timing)| PageEpisode {
            plan,
            timing,
            audio_file: format!("{}.{extension}", plan.slug),
            vtt_file: format!("{}.vtt", plan.slug),
        })
        .collect();
    let mut files = vec![(
        "index.html".to_owned(),
        page::index_html(&config.show.title, &config.show.language, &page_episodes),
    )];
    files.extend(
        page::assets()
            .iter()
            .map(|(name, text)| ((*name).to_owned(), (*text).to_owned())),
    );

    let pub_date = crate::util::unix_from_date(created).unwrap_or(0);
    let items: Vec<Item> = episodes
        .iter()
        .map(|(slug, entry)| {
            let enclosure = format!("{slug}.{extension}");
            let length = entry
                .files
                .iter()
                .find(|f| f.name == enclosure)
                .map_or(0, |f| f.bytes);
            Item {
                title: entry.title.clone(),
                speaker: entry.speaker.clone(),
                guid: guid(config, slug),
                pub_date_unix: pub_date,
                enclosure_file: enclosure,
                enclosure_length: length,
                enclosure_type: mime.to_owned(),
                duration_seconds: entry.duration_seconds.round() as u64,
                chapters_file: format!("{slug}.chapters.json"),
                vtt_file: format!("{slug}.vtt"),
                srt_file: format!("{slug}.srt"),
                description: config.announcement(&entry.speaker, &entry.title, None),
            }
        })
        .collect();
    let channel = Channel {
        title: config.show.title.clone(),
        description: config
            .show
            .description
            .clone()
            .unwrap_or_else(|| config.show.title.clone()),
        language: config.show.language.clone(),
        author: config.show.author.clone(),
        base_url: config.show.base_url.clone(),
        image: config.show.image.clone(),
    };
    files.push((feed::FEED_FILE.to_owned(), feed::rss(&channel, &items)));

    let mut entries = Vec::new();
    for (name, contents) in &files {
        let path = out_dir.join(name);
        publish::write_if_changed(&path, contents.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        entries.push(
            file_entry(out_dir, name).with_context(|| format!("cannot read {}", path.display()))?,
        );
    }
    manifest.show_files = entries;
    Ok(config
        .show
        .base_url
        .is_none()
        .then(|| "feed.xml uses relative URLs: set [show] base-url in voices.toml to where audio/ is published".to_owned()))
}

/// A guid that stays the same across rebuilds of the same speaker's episode.
fn guid(config: &Config, slug: &str) -> String {
    let hash = blake3::hash(format!("{}\u{1f}{slug}", config.show.title).as_bytes());
    format!("briefcast-{slug}-{}", &hash.to_hex()[..12])
}
