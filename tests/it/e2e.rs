//! End to end with the real embedded espeak-ng service on the shipped
//! scripts and voices.toml.

use std::path::Path;

use briefcast::audio::wav::read_markers;

use crate::support::playout::{python_cart, text};
use crate::support::Project;

/// The shipped project, copied so the build writes into a temporary folder.
fn shipped_project() -> Project {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::new();
    project.write(
        "voices.toml",
        &std::fs::read_to_string(root.join("voices.toml")).unwrap(),
    );
    for entry in std::fs::read_dir(root.join("scripts")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap();
        project.write(
            &format!("scripts/{name}"),
            &std::fs::read_to_string(&path).unwrap(),
        );
    }
    project
}

#[test]
fn shipped_scripts_become_four_chaptered_episodes_with_espeak() {
    let project = shipped_project();
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let speeches = briefcast::script::load_dir(&project.path("scripts")).unwrap();
    assert_eq!(speeches.len(), 4);
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    crate::word_timing::assert_every_word_timed(&manifest);
    // The same words, timed, in the page, the captions and the book.
    let page = String::from_utf8(project.read("audio/index.html")).unwrap();
    let words: usize = manifest["episodes"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|e| e["segments"].as_array().unwrap())
        .map(|s| s["words"].as_array().unwrap().len())
        .sum();
    assert_eq!(page.matches("<span class=\"w\"").count(), words);
    assert!(page.contains("<rt"), "pinyin over the hanzi");
    let captions = String::from_utf8(project.read("audio/liuzhou.words.vtt")).unwrap();
    let stamps = captions.matches("<00:").count();
    assert!(
        stamps > 100,
        "{stamps} word timestamps in liuzhou.words.vtt"
    );
    let (valid, log) = crate::epub::epubcheck(&project.path("audio/show.epub"));
    assert!(valid && log.contains("No errors or warnings"), "{log}");
    for (speech, slug) in speeches
        .iter()
        .zip(["liuzhou", "xianan", "youyiguan", "wangxianpo"])
    {
        let wav = project.read(&format!("audio/{slug}.wav"));
        let reader = hound::WavReader::new(std::io::Cursor::new(&wav)).unwrap();
        assert_eq!(reader.spec().sample_rate, 48_000, "{slug}");
        let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();

        let markers = read_markers(&wav).unwrap();
        let titles: Vec<&str> = markers.iter().map(|m| m.title.as_str()).collect();
        let expected: Vec<&str> = speech.chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, expected, "{slug}");
        for marker in &markers {
            let start = marker.start_frame as usize;
            let end = start + marker.length_frames.unwrap() as usize;
            let chapter = &samples[start..end];
            let rms = (chapter.iter().map(|&s| (s as f64).powi(2)).sum::<f64>()
                / chapter.len() as f64)
                .sqrt();
            assert!(
                rms > 300.0,
                "{slug} chapter “{}” is near silent (rms {rms:.0})",
                marker.title
            );
        }
        // The cart chunk a playout system reads, by an independent reader.
        let cart = python_cart(&project.path(&format!("audio/{slug}.wav")));
        let title = briefcast::audio::cart::fit(&speech.title, 64);
        assert_eq!(text(&cart, "title"), title, "{slug}");
        assert_eq!(text(&cart, "artist"), speech.speaker, "{slug}");
        assert_eq!(text(&cart, "cart"), slug);
        assert_eq!(text(&cart, "version"), "0101");
        if let Some(chapters) = ffprobe_chapters(&project.path(&format!("audio/{slug}.wav"))) {
            assert_eq!(chapters, expected, "{slug}: ffprobe -show_chapters");
        }

        // The level a station measures: ffmpeg's own EBU R128 meter.
        let (integrated, true_peak) = ffmpeg_ebur128(&project.path(&format!("audio/{slug}.wav")));
        assert!(
            (integrated + 16.0).abs() <= 0.5,
            "{slug}: ffmpeg measures {integrated} LUFS"
        );
        assert!(
            true_peak <= -1.0,
            "{slug}: ffmpeg measures a true peak of {true_peak} dBTP"
        );
    }
}

#[test]
fn without_neural_voices_the_shipped_voices_speak_espeak_and_say_so_once() {
    let project = shipped_project();
    // Not --quiet: the notice is part of the build summary.
    let run = project.run(&["build", "--only", "liuzhou"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let notices: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("neural voices are not installed"))
        .collect();
    assert_eq!(notices.len(), 1, "{}", run.stderr);
    for voice in [
        "liuzhou (kokoro:zm_yunxi → cmn-latn-pinyin+f3)",
        "wangxianpo (kokoro:zf_xiaoyi → cmn-latn-pinyin+f3)",
        "`briefcast voices install`",
    ] {
        assert!(notices[0].contains(voice), "{}", notices[0]);
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    assert_eq!(
        manifest["episodes"]["liuzhou"]["voices"],
        serde_json::json!([{
            "name": "liuzhou",
            "service": "local",
            "voice": "cmn-latn-pinyin+f3",
            "licence": "GPL-3.0-or-later (espeak-ng)"
        }])
    );
}

/// Integrated loudness (LUFS) and true peak (dBTP) of a mono file as
/// ffmpeg's ebur128 filter measures it played on two speakers
/// (`dualmono=true`, `peak=true`).
fn ffmpeg_ebur128(path: &Path) -> (f64, f64) {
    let output = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-af", "ebur128=dualmono=true:peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs (dev/setup installs it)");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "ffmpeg failed: {log}");
    let summary = &log[log.rfind("Summary:").expect("an ebur128 summary")..];
    let value = |label: &str| -> f64 {
        let line = summary
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {summary}"));
        line[label.len()..]
            .split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("cannot read {line}"))
    };
    (value("I:"), value("Peak:"))
}

/// Chapter titles as ffprobe reads them, when ffprobe is installed (.ci/run installs it).
fn ffprobe_chapters(path: &Path) -> Option<Vec<String>> {
    let output = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(path)
        .output()
        .ok()?;
    assert!(
        output.status.success(),
        "ffprobe failed on {}",
        path.display()
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    Some(
        json["chapters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["tags"]["title"].as_str().unwrap().to_owned())
            .collect(),
    )
}

#[test]
fn serve_answers_openai_requests_with_a_wav() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = crate::support::briefcast()
        .args(["serve", "--addr", &addr])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let result = runtime.block_on(async {
        let client = reqwest::Client::new();
        let url = format!("http://{addr}/v1/audio/speech");
        for _ in 0..50 {
            let body = serde_json::json!({"model": "espeak-ng", "input": "你好，世界。", "voice": "cmn", "speed": 1.0});
            if let Ok(response) = client.post(&url).json(&body).send().await {
                let bad = client
                    .post(&url)
                    .json(&serde_json::json!({"input": "x", "voice": "--path=/tmp"}))
                    .send()
                    .await
                    .unwrap();
                return (response.status().as_u16(), response.bytes().await.unwrap().to_vec(), bad.status().as_u16());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("serve did not start on {addr}");
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let (status, body, bad_status) = result;
    assert_eq!(status, 200);
    let clip = briefcast::audio::decode::decode_wav(&body).unwrap();
    assert!(briefcast::audio::decode::validate(&clip).unwrap() > 0.5);
    assert_eq!(bad_status, 400);
}
