//! Publishing for podcast apps and listeners: transcripts, chapters, MP3
//! with ID3 chapters, the RSS feed, and the manifest's file list.

use crate::support::{FakeService, Project};

const LIUZHOU: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n第一句话。第二句话！\n\n第二段，含有 a < b & c --> d。\n\n## 第二章\n\n最后一句？\n";
const OTHER: &str = "+++\nspeaker = \"Other\"\ntitle = \"Other talk\"\n+++\n\nOne sentence here. Another one there.\n";

fn project(service: &FakeService, publish: &str) -> Project {
    let project = Project::new();
    project
        .openai_config(
            &service.url(),
            &[("柳州市", "liuzhou"), ("Other", "other")],
            "sentence-pause-ms = 100",
        )
        .write("scripts/01-liuzhou.md", LIUZHOU)
        .write("scripts/02-other.md", OTHER);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write("voices.toml", &format!("{config}\n{publish}\n"));
    project
}

fn json(project: &Project, file: &str) -> serde_json::Value {
    serde_json::from_slice(&project.read(file)).unwrap()
}

/// `HH:MM:SS.mmm` (VTT) or `HH:MM:SS,mmm` (SRT) → milliseconds, strictly.
fn parse_time(text: &str, separator: char) -> u64 {
    let bytes = text.as_bytes();
    assert_eq!(bytes.len(), 12, "{text}");
    assert!(
        bytes[2] == b':' && bytes[5] == b':' && bytes[8] == separator as u8,
        "{text}"
    );
    let number = |range: std::ops::Range<usize>| {
        text[range]
            .parse::<u64>()
            .unwrap_or_else(|_| panic!("{text}"))
    };
    let (h, m, s, ms) = (number(0..2), number(3..5), number(6..8), number(9..12));
    assert!(m < 60 && s < 60, "{text}");
    ((h * 60 + m) * 60 + s) * 1000 + ms
}

/// Cues of a WebVTT file, checked against the grammar: (id, start, end, text).
fn vtt_cues(text: &str) -> Vec<(String, u64, u64, String)> {
    let mut blocks = text.split("\n\n");
    assert_eq!(blocks.next().unwrap().lines().next(), Some("WEBVTT"));
    let mut cues = Vec::new();
    for block in blocks.map(str::trim).filter(|b| !b.is_empty()) {
        if block.starts_with("NOTE") {
            assert!(!block.contains("-->"), "{block}");
            continue;
        }
        let lines: Vec<&str> = block.lines().collect();
        let (id, timing, payload) = (lines[0], lines[1], lines[2..].join("\n"));
        let (start, end) = timing
            .split_once(" --> ")
            .unwrap_or_else(|| panic!("{block}"));
        let (start, end) = (parse_time(start, '.'), parse_time(end, '.'));
        assert!(end > start, "{block}");
        assert!(!payload.contains("-->"), "{block}");
        let stripped = payload
            .replace("&amp;", "")
            .replace("&lt;", "")
            .replace("&gt;", "");
        let stripped = stripped.trim_start_matches("<v ").replace("</v>", "");
        assert!(!stripped.contains('&'), "raw & in {payload}");
        cues.push((id.to_owned(), start, end, payload));
    }
    cues
}

#[test]
fn transcripts_and_chapters_match_the_assembled_timing() {
    let service = FakeService::start(48_000);
    let project = project(&service, "");
    assert_eq!(project.run(&["build"]).code, 0);
    let manifest = json(&project, "audio/manifest.json");
    let segments = manifest["episodes"]["liuzhou"]["segments"]
        .as_array()
        .unwrap();
    let ms = |frames: u64| (frames * 1000 + 24_000) / 48_000;

    let vtt = String::from_utf8(project.read("audio/liuzhou.vtt")).unwrap();
    let cues = vtt_cues(&vtt);
    assert_eq!(cues.len(), segments.len());
    for (cue, segment) in cues.iter().zip(segments) {
        let start = segment["start-frame"].as_u64().unwrap();
        let end = start + segment["frames"].as_u64().unwrap();
        assert_eq!(cue.0, segment["id"].as_str().unwrap());
        assert_eq!((cue.1, cue.2), (ms(start), ms(end)), "{}", cue.3);
    }
    assert!(
        cues.iter()
            .any(|c| c.3 == "<v 柳州市>第二段，含有 a &lt; b &amp; c --&gt; d。</v>"),
        "{vtt}"
    );

    let srt = String::from_utf8(project.read("audio/liuzhou.srt")).unwrap();
    let blocks: Vec<&str> = srt.trim().split("\n\n").collect();
    assert_eq!(blocks.len(), segments.len());
    for (n, (block, cue)) in blocks.iter().zip(&cues).enumerate() {
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines[0], (n + 1).to_string());
        let (start, end) = lines[1].split_once(" --> ").unwrap();
        assert_eq!(
            (parse_time(start, ','), parse_time(end, ',')),
            (cue.1, cue.2)
        );
    }

    // Podcasting 2.0 chapters 1.2.0 field rules.
    let chapters = json(&project, "audio/liuzhou.chapters.json");
    assert_eq!(chapters["version"], "1.2.0");
    let list = chapters["chapters"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let mut previous = -1.0;
    for chapter in list {
        let start = chapter["startTime"]
            .as_f64()
            .expect("startTime is a number");
        assert!(start >= 0.0 && start > previous);
        assert!(chapter["title"].is_string(), "titles are never null");
        if let Some(end) = chapter["endTime"].as_f64() {
            assert!(end > start);
        }
        previous = start;
    }
}

#[test]
fn mp3_decodes_to_the_episode_length_with_id3_chapters() {
    let service = FakeService::start(48_000);
    let project = project(
        &service,
        "[publish]\nformats = [\"wav\", \"mp3\"]\nmp3-bitrate = 64",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = json(&project, "audio/manifest.json");
    let total = manifest["episodes"]["liuzhou"]["total-frames"]
        .as_u64()
        .unwrap() as i64;

    let mp3 = project.read("audio/liuzhou.mp3");
    let mut decoder = minimp3::Decoder::new(std::io::Cursor::new(&mp3));
    let mut decoded = 0i64;
    while let Ok(frame) = decoder.next_frame() {
        assert_eq!(frame.sample_rate, 48_000);
        decoded += (frame.data.len() / frame.channels) as i64;
    }
    // Encoder delay and padding (and the LAME info frame minimp3 plays as
    // silence) add at most a few frames around the episode.
    assert!(
        (decoded - total).abs() <= 3 * 1152,
        "decoded {decoded}, episode {total}"
    );

    let tag = id3::Tag::read_from_path(project.path("audio/liuzhou.mp3")).unwrap();
    use id3::TagLike;
    assert_eq!(tag.title(), Some("柳州的讲话"));
    assert_eq!(tag.album(), Some("Test show"));
    let chapters: Vec<(String, u32)> = tag
        .chapters()
        .map(|c| {
            (
                c.frames
                    .iter()
                    .find_map(|f| f.content().text())
                    .unwrap()
                    .to_owned(),
                c.start_time,
            )
        })
        .collect();
    let markers = &manifest["episodes"]["liuzhou"]["chapters"];
    let start_ms = (markers[1]["start-frame"].as_u64().unwrap() * 1000 / 48_000) as u32;
    assert_eq!(
        chapters,
        [
            ("柳州的讲话".to_owned(), 0),
            ("第二章".to_owned(), start_ms)
        ]
    );
    assert_eq!(tag.tables_of_contents().count(), 1);
}

#[test]
fn the_feed_lists_every_episode_with_exact_enclosures_and_stable_guids() {
    let service = FakeService::start(48_000);
    let project = project(&service, "");
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &config.replace(
            "date = \"2024-05-01\"",
            "date = \"2024-05-01\"\nbase-url = \"https://radio.example/briefings/\"",
        ),
    );
    assert_eq!(project.run(&["build"]).code, 0);

    let items = |project: &Project| {
        let text = String::from_utf8(project.read("audio/feed.xml")).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let rss = doc.root_element();
        assert_eq!(rss.tag_name().name(), "rss");
        assert_eq!(
            rss.lookup_namespace_uri(Some("itunes")),
            Some("http://www.itunes.com/dtds/podcast-1.0.dtd")
        );
        assert_eq!(
            rss.lookup_namespace_uri(Some("podcast")),
            Some("https://podcastindex.org/namespace/1.0")
        );
        doc.descendants()
            .filter(|n| n.has_tag_name("item"))
            .map(|item| {
                let child = |name: &str| item.children().find(|c| c.has_tag_name(name)).unwrap();
                let enclosure = child("enclosure");
                let transcripts = item
                    .children()
                    .filter(|c| c.tag_name().name() == "transcript")
                    .count();
                (
                    child("guid").text().unwrap().to_owned(),
                    enclosure.attribute("url").unwrap().to_owned(),
                    enclosure
                        .attribute("length")
                        .unwrap()
                        .parse::<u64>()
                        .unwrap(),
                    transcripts,
                )
            })
            .collect::<Vec<_>>()
    };
    let first = items(&project);
    assert_eq!(first.len(), 2);
    for (_, url, length, transcripts) in &first {
        let name = url
            .strip_prefix("https://radio.example/briefings/")
            .unwrap();
        assert_eq!(
            *length,
            project.read(&format!("audio/{name}")).len() as u64,
            "{url}"
        );
        assert_eq!(*transcripts, 2);
    }

    project.write(
        "scripts/01-liuzhou.md",
        &LIUZHOU.replace("最后一句？", "最后一句改了？"),
    );
    assert_eq!(project.run(&["build"]).code, 0);
    let second = items(&project);
    assert_eq!(
        second.iter().map(|i| &i.0).collect::<Vec<_>>(),
        first.iter().map(|i| &i.0).collect::<Vec<_>>(),
        "guids are stable"
    );

    std::fs::remove_file(project.path("scripts/02-other.md")).unwrap();
    assert_eq!(project.run(&["build"]).code, 0);
    let third = items(&project);
    assert_eq!(third.len(), 1, "no item for a removed speaker");
    assert!(third[0].1.ends_with("/liuzhou.wav"));
}

#[test]
fn the_manifest_lists_every_published_file_with_its_size_and_hash() {
    let service = FakeService::start(48_000);
    let project = project(&service, "");
    assert_eq!(project.run(&["build"]).code, 0);
    let manifest = json(&project, "audio/manifest.json");
    let mut listed: Vec<serde_json::Value> = manifest["show_files"].as_array().unwrap().clone();
    for episode in manifest["episodes"].as_object().unwrap().values() {
        listed.extend(episode["files"].as_array().unwrap().iter().cloned());
    }
    let mut names: Vec<String> = listed
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    for file in &listed {
        let bytes = project.read(&format!("audio/{}", file["name"].as_str().unwrap()));
        assert_eq!(file["bytes"].as_u64().unwrap(), bytes.len() as u64);
        assert_eq!(
            file["blake3"].as_str().unwrap(),
            blake3::hash(&bytes).to_hex().as_str()
        );
    }
    names.push("manifest.json".into());
    names.sort();
    let mut on_disk: Vec<String> = project.outputs().into_iter().map(|(n, _, _)| n).collect();
    on_disk.sort();
    assert_eq!(names, on_disk, "every file in audio/ is listed");
}
