//! The show as an EPUB 3 with Media Overlays, from a real `briefcast build`
//! with the embedded espeak-ng service, validated by the real epubcheck
//! (Debian's package, installed by `dev/setup.d/60-epubcheck.sh`): no
//! error, no warning. Also: the book carries the episodes' very MP3s, an
//! unchanged rebuild leaves it untouched, and asking for `epub` without
//! `mp3` is refused before anything is written. Until the text stage fills
//! in every segment's words, a build's book is timed by sentence; a book of
//! the same episodes with timed words (every hanzi a word with its pinyin,
//! every Latin word one) goes through epubcheck too.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use briefcast::config::ShowConfig;
use briefcast::model::{EpisodePlan, EpisodeTiming, SegmentWord, Span};
use briefcast::publish::{epub::write_epub, Manifest};

use crate::support::Project;

const EPUBCHECK: &str = "/usr/share/java/epubcheck.jar";

fn project(formats: &str) -> Project {
    let project = Project::new();
    project
        .write(
            "voices.toml",
            &format!(
                "[show]\ntitle = \"广西新闻 <测试>\"\nlanguage = \"zh-CN\"\nauthor = \"广西电台\"\n\
                 description = \"每周讲话 & 新闻\"\ndate = \"2024-05-01\"\n\n\
                 [audio]\nsentence-pause-ms = 100\n\n[publish]\nformats = {formats}\nmp3-bitrate = 64\n\n\
                 [services.local]\nkind = \"embedded\"\n\n\
                 [voices.zh]\nservice = \"local\"\nvoice = \"cmn-latn-pinyin\"\n\n\
                 [voices.en]\nservice = \"local\"\nvoice = \"en-us\"\nnormalize = \"none\"\n\n\
                 [speakers]\n\"柳州市\" = {{ voice = \"zh\", slug = \"liuzhou\" }}\n\
                 \"Ann\" = {{ voice = \"en\", slug = \"ann\" }}\n"
            ),
        )
        .write(
            "scripts/01-liuzhou.md",
            "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n\
             2019年，柳州很好。大家好！\n\n## 第二章\n\n花儿开了。\n",
        )
        .write(
            "scripts/02-ann.md",
            "+++\nspeaker = \"Ann\"\ntitle = \"A short talk\"\n+++\n\nGood morning. We keep going & growing.\n",
        );
    project
}

pub(crate) fn epubcheck(book: &Path) -> (bool, String) {
    assert!(
        Path::new(EPUBCHECK).is_file() && Command::new("java").arg("-version").output().is_ok(),
        "the EPUB test needs epubcheck and Java (apt-get install -y epubcheck).\nInstall with: dev/setup"
    );
    let out = Command::new("java")
        .args(["-jar", EPUBCHECK])
        .arg(book)
        .output()
        .expect("run epubcheck");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), log)
}

fn entry(book: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut bytes = Vec::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in the book"))
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn the_built_epub_passes_epubcheck_without_a_warning() {
    let project = project("[\"wav\", \"mp3\", \"epub\"]");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let (ok, log) = epubcheck(&project.path("audio/show.epub"));
    println!("{log}");
    assert!(ok, "epubcheck failed:\n{log}");
    assert!(
        log.contains("No errors or warnings detected"),
        "epubcheck reported something:\n{log}"
    );
    for bad in ["ERROR", "WARNING", "FATAL"] {
        assert!(!log.contains(bad), "epubcheck: {bad}\n{log}");
    }

    // The book carries the episodes' very MP3s and speaks of them.
    let book = project.read("audio/show.epub");
    for slug in ["liuzhou", "ann"] {
        assert_eq!(
            entry(&book, &format!("EPUB/audio/{slug}.mp3")),
            project.read(&format!("audio/{slug}.mp3")),
            "{slug}"
        );
    }
    let opf = String::from_utf8(entry(&book, "EPUB/package.opf")).unwrap();
    assert!(
        opf.contains("<dc:title>广西新闻 &lt;测试&gt;</dc:title>"),
        "{opf}"
    );
    assert!(opf.contains("<dc:creator>广西电台</dc:creator>"), "{opf}");
    assert!(
        opf.contains("<dc:description>每周讲话 &amp; 新闻</dc:description>"),
        "{opf}"
    );
    let chapter = String::from_utf8(entry(&book, "EPUB/text/liuzhou.xhtml")).unwrap();
    assert!(chapter.contains("<h2 id=\"c2\">第二章</h2>"), "{chapter}");
    assert!(
        chapter.contains("<ruby>2019<rp>(</rp><rt aria-hidden=\"true\">èr líng yī jiǔ</rt>"),
        "shown as written, under its reading: {chapter}"
    );

    let page = String::from_utf8(project.read("audio/index.html")).unwrap();
    assert!(
        page.contains("<a href=\"show.epub\" download>"),
        "the page links the book"
    );

    // Listed with the show's files; an unchanged rebuild leaves it alone.
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    let listed = manifest["show_files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "show.epub")
        .expect("show.epub in show_files")
        .clone();
    assert_eq!(listed["bytes"].as_u64().unwrap(), book.len() as u64);
    let before = std::fs::metadata(project.path("audio/show.epub"))
        .unwrap()
        .modified()
        .unwrap();
    let again = project.run(&["build", "--quiet"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(project.read("audio/show.epub"), book, "same bytes");
    let after = std::fs::metadata(project.path("audio/show.epub"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "not rewritten");
}

#[test]
fn epub_without_mp3_is_refused_in_one_line() {
    let project = project("[\"wav\", \"epub\"]");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "briefcast: voices.toml:12:1: [publish] formats has epub, which carries the episodes' MP3s: \
         add \"mp3\" (EPUB readers play MP3 or AAC, not WAV)"
    );
    assert!(!project.exists("audio/show.epub"));
}

/// The episodes of a build, each segment given words: every hanzi one
/// (read `ni3`, the tone varied so every mark appears), every run of Latin
/// letters one, with the segment's time shared out among them.
fn worded(manifest: &Manifest) -> Vec<(EpisodePlan, EpisodeTiming)> {
    let mut episodes: Vec<_> = manifest
        .episodes
        .iter()
        .map(|(slug, entry)| (entry.plan(slug), entry.timing()))
        .collect();
    episodes.sort_by_key(|(plan, _)| plan.order);
    for (plan, timing) in &mut episodes {
        timing.words.clear();
        let spans = timing.segments.clone();
        for (segment, span) in plan
            .chapters
            .iter_mut()
            .flat_map(|c| c.segments.iter_mut())
            .zip(spans)
        {
            let chars: Vec<char> = segment.text.chars().collect();
            let mut words = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                let han = ('\u{4e00}'..='\u{9fff}').contains(&chars[i]);
                let end = if han {
                    i + 1
                } else if chars[i].is_ascii_alphanumeric() {
                    (i..chars.len())
                        .find(|&j| !chars[j].is_ascii_alphanumeric())
                        .unwrap_or(chars.len())
                } else {
                    i += 1;
                    continue;
                };
                let pinyin = if han {
                    vec![format!("ni{}", words.len() % 5 + 1)]
                } else {
                    vec![]
                };
                words.push(SegmentWord {
                    written: i..end,
                    spoken: chars[i..end].iter().collect(),
                    sent: i..end,
                    pinyin,
                });
                i = end;
            }
            let n = words.len().max(1) as u64;
            let share = span.frames / n;
            timing.words.push(
                (0..words.len() as u64)
                    .map(|k| Span {
                        start: span.start + k * share,
                        frames: share,
                    })
                    .collect(),
            );
            segment.words = words;
        }
    }
    episodes
}

#[test]
fn a_book_timed_word_by_word_passes_epubcheck_too() {
    let project = project("[\"wav\", \"mp3\", \"epub\"]");
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = Manifest::load(&project.path("audio"));
    let episodes = worded(&manifest);
    let words: usize = episodes
        .iter()
        .map(|(_, t)| t.words.iter().map(Vec::len).sum::<usize>())
        .sum();
    assert!(words > 20, "{words} words");

    let dir = tempfile::tempdir().unwrap();
    for (plan, _) in &episodes {
        let name = format!("{}.mp3", plan.slug);
        std::fs::copy(
            project.path(&format!("audio/{name}")),
            dir.path().join(&name),
        )
        .unwrap();
    }
    let show = ShowConfig {
        title: "逐词".into(),
        ..ShowConfig::default()
    };
    assert!(write_epub(&show, "2024-05-01", &episodes, dir.path()).unwrap());
    let (ok, log) = epubcheck(&dir.path().join("show.epub"));
    println!("{log}");
    assert!(
        ok && log.contains("No errors or warnings detected"),
        "epubcheck:\n{log}"
    );

    let book = std::fs::read(dir.path().join("show.epub")).unwrap();
    let smil = String::from_utf8(entry(&book, "EPUB/smil/liuzhou.smil")).unwrap();
    let pars = smil.matches("<par ").count();
    let liuzhou: usize = episodes[0].1.words.iter().map(Vec::len).sum();
    assert_eq!(pars, liuzhou, "a par per word:\n{smil}");
    let chapter = String::from_utf8(entry(&book, "EPUB/text/liuzhou.xhtml")).unwrap();
    assert!(
        chapter.contains("<rt aria-hidden=\"true\">nǐ</rt>"),
        "{chapter}"
    );
    assert!(chapter.contains("<span id=\"s1w1\">"), "{chapter}");
}
