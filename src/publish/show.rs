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

    let with_book = publish.formats.contains(&PublishFormat::Epub);
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
        page::index_html(
            &show.title,
            &show.language,
            &page_episodes,
            with_book.then_some(epub::EPUB_FILE),
        ),
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
    if with_book {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Pause, SegmentWord, Span};
    use crate::publish::manifest::{ChapterEntry, ClipCounts};
    use crate::publish::{SegmentEntry, WordEntry};

    /// One episode as the manifest records it, with two timed words.
    fn manifest() -> Manifest {
        let word = |written: &str, spoken: &str, pinyin: &[&str], start| WordEntry {
            written: written.into(),
            spoken: spoken.into(),
            pinyin: pinyin.iter().map(|s| s.to_string()).collect(),
            start_frame: start,
            frames: 12_000,
        };
        let entry = EpisodeEntry {
            order: 0,
            speaker: "柳州市".into(),
            title: "讲话".into(),
            fingerprint: "f".into(),
            created: String::new(),
            settings: serde_json::json!({}),
            rate: 24_000,
            total_frames: 72_000,
            duration_seconds: 3.0,
            loudness: None,
            voices: vec![],
            files: vec![],
            chapters: vec![ChapterEntry {
                title: "开篇".into(),
                start_frame: 0,
                frames: 72_000,
            }],
            segments: vec![SegmentEntry {
                id: "liuzhou/1/1/1/1".into(),
                chapter: 0,
                pause: Pause::End,
                announcement: false,
                text: "2019年，柳州。".into(),
                spoken: "二零一九年，柳州。".into(),
                voice: "v".into(),
                key: "k".into(),
                start_frame: 12_000,
                frames: 48_000,
                start_seconds: 0.5,
                words: vec![
                    word(
                        "2019年",
                        "二零一九年",
                        &["er4", "ling2", "yi1", "jiu3", "nian2"],
                        12_000,
                    ),
                    word("柳州", "柳州", &["liu3", "zhou1"], 36_000),
                ],
            }],
            clips: ClipCounts::default(),
        };
        let mut manifest = Manifest::default();
        manifest.episodes.insert("liuzhou".into(), entry);
        manifest
    }

    #[test]
    fn the_page_shows_the_words_the_manifest_records() {
        let entry = &manifest().episodes["liuzhou"];
        let (plan, timing) = (entry.plan("liuzhou"), entry.timing());
        let words = &plan.chapters[0].segments[0].words;
        assert_eq!(
            words[0],
            SegmentWord {
                written: 0..5,
                spoken: "二零一九年".into(),
                sent: 0..5,
                pinyin: ["er4", "ling2", "yi1", "jiu3", "nian2"]
                    .map(String::from)
                    .to_vec(),
            }
        );
        assert_eq!(words[1].written, 6..8);
        assert_eq!(words[1].sent, 6..8);
        assert_eq!(
            timing.words,
            [vec![
                Span {
                    start: 12_000,
                    frames: 12_000
                },
                Span {
                    start: 36_000,
                    frames: 12_000
                }
            ]]
        );

        let dir = tempfile::tempdir().unwrap();
        let mut manifest = manifest();
        let show = ShowConfig::default();
        let publish = PublishConfig::default();
        write_show_files(
            &show,
            &publish,
            &mut manifest,
            dir.path(),
            "2024-05-01",
            &|_, _| String::new(),
        )
        .unwrap();
        let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
        assert!(
            page.contains(
                "<span class=\"w\" data-start=\"0.500\" data-end=\"1.000\"><ruby>2019年<rp>(</rp>\
             <rt aria-hidden=\"true\">èr líng yī jiǔ nián</rt><rp>)</rp></ruby></span>，\
             <span class=\"w\" data-start=\"1.500\" data-end=\"2.000\"><ruby>柳<rp>(</rp>"
            ),
            "{page}"
        );
        let names: Vec<&str> = manifest
            .show_files
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["index.html", "readalong.css", "readalong.js", "feed.xml"]
        );
    }
}
