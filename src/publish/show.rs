//! Files for the whole show, rendered from the manifest so they describe
//! exactly the episodes on disk: the podcast feed, the read-along page and
//! its assets, and the EPUB when `[publish] formats` lists it, each
//! written only where it changed.

use std::path::Path;

use anyhow::{Context, Result};

use super::epub;
use super::feed::{self, Channel, Item};
use super::manifest::file_entry;
use super::outputs::Output;
use super::page::{self, PageEpisode};
use super::{write_if_changed, EpisodeEntry, Manifest};
use crate::config::{PublishConfig, PublishFormat, ShowConfig};

/// Write feed.xml, index.html, the page's assets and show.epub where they changed,
/// and list them in the manifest. `describe` gives an item's description
/// from its speaker and title; `created` is the episodes' date.
pub fn write_show_files(
    show: &ShowConfig,
    publish: &PublishConfig,
    manifest: &mut Manifest,
    out_dir: &Path,
    created: &str,
    describe: &dyn Fn(&str, &str) -> String,
) -> Result<()> {
    let mut episodes: Vec<(&String, &EpisodeEntry)> = manifest.episodes.iter().collect();
    episodes.sort_by_key(|(slug, entry)| (entry.order, (*slug).clone()));
    let plans: Vec<_> = episodes
        .iter()
        .map(|(slug, entry)| (entry.plan(slug), entry.timing()))
        .collect();
    let enclosure = Output::enclosure(publish);
    let extension = enclosure.extension;
    let mime = enclosure.mime.expect("an audio format");

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
        page::index_html(&show.title, &show.language, &page_episodes),
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
                guid: guid(&show.title, slug),
                pub_date_unix: pub_date,
                enclosure_file: enclosure,
                enclosure_length: length,
                enclosure_type: mime.to_owned(),
                duration_seconds: entry.duration_seconds.round() as u64,
                chapters_file: format!("{slug}.chapters.json"),
                vtt_file: format!("{slug}.vtt"),
                srt_file: format!("{slug}.srt"),
                description: describe(&entry.speaker, &entry.title),
            }
        })
        .collect();
    let channel = Channel {
        title: show.title.clone(),
        description: show
            .description
            .clone()
            .unwrap_or_else(|| show.title.clone()),
        language: show.language.clone(),
        author: show.author.clone(),
        base_url: show.base_url.clone(),
        image: show.image.clone(),
    };
    files.push((feed::FEED_FILE.to_owned(), feed::rss(&channel, &items)));

    let mut entries = Vec::new();
    for (name, contents) in &files {
        let path = out_dir.join(name);
        write_if_changed(&path, contents.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        entries.push(
            file_entry(out_dir, name).with_context(|| format!("cannot read {}", path.display()))?,
        );
    }
    let book = out_dir.join(epub::EPUB_FILE);
    if publish.formats.contains(&PublishFormat::Epub) {
        epub::write_epub(show, created, &plans, out_dir)?;
        entries.push(
            file_entry(out_dir, epub::EPUB_FILE)
                .with_context(|| format!("cannot read {}", book.display()))?,
        );
    } else if book.exists() {
        // No longer asked for: a stale book would describe other episodes.
        fs_err::remove_file(&book)?;
    }
    manifest.show_files = entries;
    Ok(())
}

/// A guid that stays the same across rebuilds of the same speaker's episode.
fn guid(show_title: &str, slug: &str) -> String {
    let hash = blake3::hash(format!("{show_title}\u{1f}{slug}").as_bytes());
    format!("briefcast-{slug}-{}", &hash.to_hex()[..12])
}
