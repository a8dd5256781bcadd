//! The show as an EPUB 3 with Media Overlays (`show.epub`, with
//! `[publish] formats` listing `epub`): a file of the whole show like the
//! feed and the page, rendered from the manifest. One XHTML chapter per
//! episode (`epub/chapter.rs`) with a SMIL overlay timing every word
//! against the episode's MP3, which the book carries (MP3 is an EPUB core
//! media type, WAV is not: the configuration asks for `mp3` beside `epub`).
//!
//! Package metadata comes from `[show]`: title, language, author,
//! description, the episodes' date (also the book's `dcterms:modified`),
//! and an identifier derived from the title, so rebuilds keep it. Each
//! overlay's `media:duration` and their total are given, and
//! `media:active-class` names the class reading systems put on the word
//! being read (styled like the page's highlight). The archive is written
//! the same way every time (entries in one order, one fixed date): the
//! mimetype first and stored, text compressed, audio stored; an unchanged
//! show leaves the file untouched.

mod chapter;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::config::ShowConfig;
use crate::model::{EpisodePlan, EpisodeTiming};
use crate::util::{escape_xml, is_iso_date, persist_if_changed, temp_file_in};
use chapter::{chapter, Paths};

/// The book's file name in the output folder.
pub const EPUB_FILE: &str = "show.epub";

/// The class reading systems give the element being read aloud.
const ACTIVE_CLASS: &str = "-epub-media-overlay-active";

const STYLE: &str = "body { line-height: 1.9; }\n\
h1 { font-size: 1.6em; margin-bottom: 0.2em; }\n\
h2 { font-size: 1.25em; margin-top: 1.5em; }\n\
.speech-title { font-weight: bold; }\n\
rt { font-size: 0.55em; }\n\
.-epub-media-overlay-active { background-color: #ffe14d; color: #000; }\n";

/// Writes `show.epub` into `out_dir` from the episodes (in show order),
/// each `<slug>.mp3` beside it; returns whether the file changed.
pub fn write_epub(
    show: &ShowConfig,
    created: &str,
    episodes: &[(EpisodePlan, EpisodeTiming)],
    out_dir: &Path,
) -> Result<bool> {
    let path = out_dir.join(EPUB_FILE);
    let temp =
        temp_file_in(&path).with_context(|| format!("cannot write in {}", out_dir.display()))?;
    let file =
        std::fs::File::create(&temp).with_context(|| format!("cannot write {}", path.display()))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let (stored, deflated) = options();
    let entry = |zip: &mut ZipWriter<_>, name: &str, text: &str| -> Result<()> {
        zip.start_file(name, deflated)?;
        zip.write_all(text.as_bytes())?;
        Ok(())
    };

    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    entry(&mut zip, "META-INF/container.xml", CONTAINER)?;
    let mut durations = Vec::new();
    for (plan, timing) in episodes {
        let slug = &plan.slug;
        let paths = Paths {
            text: &format!("../text/{slug}.xhtml"),
            audio: &format!("../audio/{slug}.mp3"),
        };
        let ch = chapter(plan, timing, &show.language, &paths);
        entry(&mut zip, &format!("EPUB/text/{slug}.xhtml"), &ch.xhtml)?;
        entry(&mut zip, &format!("EPUB/smil/{slug}.smil"), &ch.smil)?;
        durations.push(ch.duration_ms);
    }
    entry(&mut zip, "EPUB/nav.xhtml", &nav(show, episodes))?;
    entry(&mut zip, "EPUB/style.css", STYLE)?;
    entry(
        &mut zip,
        "EPUB/package.opf",
        &package(show, created, episodes, &durations),
    )?;
    for (plan, _) in episodes {
        let mp3 = out_dir.join(format!("{}.mp3", plan.slug));
        let mut audio =
            std::fs::File::open(&mp3).with_context(|| format!("cannot read {}", mp3.display()))?;
        zip.start_file(format!("EPUB/audio/{}.mp3", plan.slug), stored)?;
        std::io::copy(&mut audio, &mut zip)
            .with_context(|| format!("cannot read {}", mp3.display()))?;
    }
    zip.finish()?
        .into_inner()
        .map_err(|e| e.into_error())?
        .sync_all()?;
    persist_if_changed(temp, &path).with_context(|| format!("cannot write {}", path.display()))
}

/// (stored, deflated) entries, dated 1980-01-01 so the bytes never change
/// with the clock.
fn options() -> (SimpleFileOptions, SimpleFileOptions) {
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    (
        stored,
        stored.compression_method(CompressionMethod::Deflated),
    )
}

const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n\
<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n\
</rootfiles>\n</container>\n";

/// A SMIL clock value, `H:MM:SS.mmm`.
fn clock(ms: u64) -> String {
    let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    format!("{h}:{m:02}:{s:02}.{:03}", ms % 1000)
}

/// The package document: metadata, every file, the reading order.
fn package(
    show: &ShowConfig,
    created: &str,
    episodes: &[(EpisodePlan, EpisodeTiming)],
    durations: &[u64],
) -> String {
    let date = if is_iso_date(created) {
        created
    } else {
        "1970-01-01"
    };
    let id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("briefcast:{}", show.title).as_bytes(),
    );
    let lang = escape_xml(&show.language);
    let mut p = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" \
         unique-identifier=\"book-id\" xml:lang=\"{lang}\">\n\
         <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
         <dc:identifier id=\"book-id\">urn:uuid:{id}</dc:identifier>\n\
         <dc:title>{}</dc:title>\n<dc:language>{lang}</dc:language>\n<dc:date>{date}</dc:date>\n\
         <meta property=\"dcterms:modified\">{date}T00:00:00Z</meta>\n",
        escape_xml(&show.title)
    );
    if let Some(author) = &show.author {
        let _ = writeln!(p, "<dc:creator>{}</dc:creator>", escape_xml(author));
    }
    if let Some(about) = &show.description {
        let _ = writeln!(p, "<dc:description>{}</dc:description>", escape_xml(about));
    }
    for ((plan, _), ms) in episodes.iter().zip(durations) {
        let _ = writeln!(
            p,
            "<meta property=\"media:duration\" refines=\"#smil-{}\">{}</meta>",
            plan.slug,
            clock(*ms)
        );
    }
    let _ = write!(
        p,
        "<meta property=\"media:duration\">{}</meta>\n\
         <meta property=\"media:active-class\">{ACTIVE_CLASS}</meta>\n</metadata>\n<manifest>\n\
         <item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n\
         <item id=\"style\" href=\"style.css\" media-type=\"text/css\"/>\n",
        clock(durations.iter().sum())
    );
    for (plan, _) in episodes {
        let slug = &plan.slug;
        let _ = write!(
            p,
            "<item id=\"text-{slug}\" href=\"text/{slug}.xhtml\" media-type=\"application/xhtml+xml\" \
             media-overlay=\"smil-{slug}\"/>\n\
             <item id=\"smil-{slug}\" href=\"smil/{slug}.smil\" media-type=\"application/smil+xml\"/>\n\
             <item id=\"audio-{slug}\" href=\"audio/{slug}.mp3\" media-type=\"audio/mpeg\"/>\n"
        );
    }
    p.push_str("</manifest>\n<spine>\n");
    for (plan, _) in episodes {
        let _ = writeln!(p, "<itemref idref=\"text-{}\"/>", plan.slug);
    }
    p.push_str("</spine>\n</package>\n");
    p
}

/// The table of contents: each episode (speaker · title) and its chapters.
fn nav(show: &ShowConfig, episodes: &[(EpisodePlan, EpisodeTiming)]) -> String {
    let (lang, title) = (escape_xml(&show.language), escape_xml(&show.title));
    let mut n = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n\
         </head>\n<body>\n<nav epub:type=\"toc\" id=\"toc\">\n<h1>{title}</h1>\n<ol>\n"
    );
    for (plan, _) in episodes {
        let href = format!("text/{}.xhtml", plan.slug);
        let _ = write!(
            n,
            "<li><a href=\"{href}\">{} · {}</a>",
            escape_xml(&plan.speaker),
            escape_xml(&plan.title)
        );
        if !plan.chapters.is_empty() {
            n.push_str("\n<ol>\n");
            for (c, ch) in plan.chapters.iter().enumerate() {
                let _ = writeln!(
                    n,
                    "<li><a href=\"{href}#c{}\">{}</a></li>",
                    c + 1,
                    escape_xml(&ch.title)
                );
            }
            n.push_str("</ol>\n");
        }
        n.push_str("</li>\n");
    }
    n.push_str("</ol>\n</nav>\n</body>\n</html>\n");
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Pause, Segment, Span};

    fn episode(slug: &str, seconds: u64) -> (EpisodePlan, EpisodeTiming) {
        let segment = Segment::sample(format!("{slug}/1"), "第一句。", Pause::End, Vec::new());
        let plan = EpisodePlan {
            order: 0,
            speaker: format!("{slug} & co"),
            slug: slug.into(),
            title: "讲话".into(),
            chapters: vec![ChapterPlan {
                title: "开篇".into(),
                segments: vec![segment],
            }],
        };
        let timing = EpisodeTiming {
            rate: 1000,
            total_frames: seconds * 1000,
            chapters: vec![Span {
                start: 0,
                frames: seconds * 1000,
            }],
            segments: vec![Span {
                start: 250,
                frames: 1000,
            }],
            words: vec![vec![]],
        };
        (plan, timing)
    }

    #[test]
    fn the_archive_opens_with_a_stored_mimetype_and_is_rewritten_only_when_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let show = ShowConfig {
            title: "广西 <新闻>".into(),
            author: Some("电台".into()),
            ..ShowConfig::default()
        };
        let episodes = vec![episode("liuzhou", 3), episode("nanning", 2)];
        for (plan, _) in &episodes {
            std::fs::write(
                dir.path().join(format!("{}.mp3", plan.slug)),
                plan.slug.as_bytes(),
            )
            .unwrap();
        }
        assert!(write_epub(&show, "2024-05-01", &episodes, dir.path()).unwrap());
        let path = dir.path().join(EPUB_FILE);
        let bytes = std::fs::read(&path).unwrap();
        // OCF: the first local header is `mimetype`, stored, no extra field.
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(&bytes[8..10], [0, 0], "stored");
        assert_eq!(
            &bytes[26..30],
            [8, 0, 0, 0],
            "name length 8, no extra field"
        );
        assert_eq!(&bytes[30..58], b"mimetypeapplication/epub+zip");

        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        assert_eq!(read("EPUB/audio/nanning.mp3"), "nanning");
        let opf = read("EPUB/package.opf");
        assert!(
            opf.contains("<dc:title>广西 &lt;新闻&gt;</dc:title>"),
            "{opf}"
        );
        assert!(opf.contains("<dc:creator>电台</dc:creator>"));
        assert!(opf.contains("<meta property=\"dcterms:modified\">2024-05-01T00:00:00Z</meta>"));
        // Each overlay runs from its first clip to the episode's end.
        assert!(
            opf.contains("refines=\"#smil-liuzhou\">0:00:02.750</meta>"),
            "{opf}"
        );
        assert!(
            opf.contains("refines=\"#smil-nanning\">0:00:01.750</meta>"),
            "{opf}"
        );
        assert!(
            opf.contains("<meta property=\"media:duration\">0:00:04.500</meta>"),
            "{opf}"
        );
        assert!(opf.contains("media-overlay=\"smil-liuzhou\""));
        let nav = read("EPUB/nav.xhtml");
        assert!(
            nav.contains("<li><a href=\"text/nanning.xhtml\">nanning &amp; co · 讲话</a>"),
            "{nav}"
        );
        assert!(
            nav.contains("<li><a href=\"text/nanning.xhtml#c1\">开篇</a></li>"),
            "{nav}"
        );
        for doc in [opf, nav, read("META-INF/container.xml")] {
            let options = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            };
            roxmltree::Document::parse_with_options(&doc, options).expect("well-formed");
        }

        assert!(
            !write_epub(&show, "2024-05-01", &episodes, dir.path()).unwrap(),
            "same bytes"
        );
        assert!(write_epub(&show, "2024-05-02", &episodes, dir.path()).unwrap());
        let files = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 3, "the book and two MP3s, no temporary file");
    }

    #[test]
    fn a_missing_mp3_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_epub(
            &ShowConfig::default(),
            "2024-05-01",
            &[episode("a", 1)],
            dir.path(),
        )
        .unwrap_err();
        assert!(format!("{error:#}").contains("a.mp3"), "{error:#}");
        assert!(!dir.path().join(EPUB_FILE).exists());
    }
}
