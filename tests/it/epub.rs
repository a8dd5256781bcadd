//! The show as an EPUB 3 with Media Overlays, from a real `briefcast build`
//! with the embedded espeak-ng service, validated by the real epubcheck
//! (Debian's package, installed by `dev/setup.d/60-epubcheck.sh`): no
//! error, no warning. Also: the book carries the episodes' very MP3s, an
//! unchanged rebuild leaves it untouched, and asking for `epub` without
//! `mp3` is refused before anything is written.

use std::io::Read;
use std::path::Path;
use std::process::Command;

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

fn epubcheck(book: &Path) -> (bool, String) {
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
    assert!(chapter.contains("2019年"), "shown as written: {chapter}");

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
