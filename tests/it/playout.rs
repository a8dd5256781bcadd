//! Into the playout system: the AES46 `cart` chunk every episode WAV
//! carries, read back by an independent reader (python-cart-chunk), and
//! `briefcast deliver` to a watch folder and to LibreTime and AzuraCast
//! (test doubles, named as such: neither can run here).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use base64::Engine;

use crate::support::playout::{python_cart, text, AzuraCastDouble, LibreTimeDouble};
use crate::support::recorder::Recorder;
use crate::support::{FakeService, Project};

const ADA: &str = "+++\nspeaker = \"Ada\"\ntitle = \"Morning bulletin\"\n+++\n\nFirst sentence here.\n\n## Weather\n\nRain later. And that was the news.\n";
// A title of 30 three-byte characters: 90 bytes, past the 64 a field holds.
const LONG: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"提高站位强化领导提高站位强化领导提高站位强化领导提高站位强化\"\n+++\n\n第一句话。\n";

fn project(service: &FakeService, extra: &str) -> Project {
    let project = Project::new();
    project
        .openai_config(
            &service.url(),
            &[("Ada", "ada"), ("柳州市", "liuzhou")],
            "sentence-pause-ms = 100\nannounce = false",
        )
        .write("scripts/01-ada.md", ADA)
        .write("scripts/02-liuzhou.md", LONG);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    let config = config.replacen(
        "[show]\n",
        "[show]\nbase-url = \"https://radio.example/audio\"\n",
        1,
    );
    project.write("voices.toml", &format!("{config}\n{extra}"));
    project
}

const PLAYOUT: &str = "[playout]\ncategory = \"NEWS\"\nclient = \"Radio Rauschen\"\nclassification = \"speech\"\nuser-def = \"morning\"\nair-start = \"2024-05-02 06:00\"\nair-end = \"2024-05-02 09:30\"\n";

#[test]
fn every_episode_carries_a_cart_chunk_an_independent_reader_reads() {
    let service = FakeService::start(48_000);
    let project = project(&service, PLAYOUT);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wav = project.path("audio/ada.wav");
    let bytes = project.read("audio/ada.wav");
    let chunks = briefcast::audio::wav::read_chunks(&bytes).unwrap();
    let ids: Vec<&str> = chunks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(&ids[..3], ["fmt ", "cart", "data"], "{ids:?}");
    let cart = python_cart(&wav);
    assert_eq!(text(&cart, "version"), "0101");
    assert_eq!(text(&cart, "title"), "Morning bulletin");
    assert_eq!(text(&cart, "artist"), "Ada");
    assert_eq!(text(&cart, "cart"), "ada");
    assert_eq!(text(&cart, "client"), "Radio Rauschen");
    assert_eq!(text(&cart, "category"), "NEWS");
    assert_eq!(text(&cart, "class"), "speech");
    assert_eq!(text(&cart, "out_cue"), "And that was the news.");
    assert_eq!(text(&cart, "start_date"), "2024/05/02");
    assert_eq!(text(&cart, "start_time"), "06:00:00");
    assert_eq!(text(&cart, "end_date"), "2024/05/02");
    assert_eq!(text(&cart, "end_time"), "09:30:00");
    assert_eq!(text(&cart, "producer_id"), "briefcast");
    assert_eq!(text(&cart, "producer_vers"), env!("CARGO_PKG_VERSION"));
    assert_eq!(text(&cart, "user_defined"), "morning");
    // The loudness (-16 LUFS by default) as a 16-bit sample value.
    let level = cart["dwLevelReference"].as_i64().unwrap();
    assert!((5100..5300).contains(&level), "{level}");
    // python-cart-chunk reads one 8-byte timer: the first, SEGs, where the
    // speech ends, before the end of the file.
    let timer = cart["post_timer"].as_str().unwrap();
    assert_eq!(&timer[..8], "53454773"); // "SEGs"
    let value: Vec<u8> = (8..16)
        .step_by(2)
        .map(|i| u8::from_str_radix(&timer[i..i + 2], 16).unwrap())
        .collect();
    let seg = u32::from_le_bytes(value.try_into().unwrap());
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    let episode = &manifest["episodes"]["ada"];
    let last = episode["segments"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let spoken_end = last["start-frame"].as_u64().unwrap() + last["frames"].as_u64().unwrap();
    assert_eq!(u64::from(seg), spoken_end);
    assert!(spoken_end <= episode["total-frames"].as_u64().unwrap());
    // It models the 8 timers as one: its url starts 56 bytes early, in
    // our zero timers and reserved bytes.
    let url = cart["url"].as_str().unwrap();
    assert!(url[..112].bytes().all(|b| b == b'0'), "{url}");
    assert!(text(&serde_json::json!({"u": url[112..].to_owned()}), "u")
        .starts_with("https://radio.example/audio/ada.wav"));
    // Our reader agrees, with all four timers.
    let ours = briefcast::audio::cart::read_cart(&chunks[1].data).unwrap();
    assert_eq!(ours.url, "https://radio.example/audio/ada.wav");
    let usages: Vec<&[u8]> = ours.timers.iter().map(|(u, _)| &u[..]).collect();
    assert_eq!(usages, [&b"SEGs"[..], b"SEGe", b"AUDs", b"AUDe"]);
    assert_eq!(ours.tag_text, "Morning bulletin\r\nWeather\r\n");

    // Over-long UTF-8 is cut on a character boundary, never past the field.
    let long = python_cart(&project.path("audio/liuzhou.wav"));
    let title = text(&long, "title");
    assert_eq!(title, "提高站位强化领导提高站位强化领导提高站位强"); // 21 × 3 = 63 bytes
    assert_eq!(text(&long, "artist"), "柳州市");

    // ffprobe still reads the chapters.
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(&wav)
        .output()
        .unwrap();
    let probe: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let titles: Vec<&str> = probe["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["tags"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Morning bulletin", "Weather"]);

    // Rebuilt without edits: byte for byte the same.
    std::fs::remove_file(&wav).unwrap();
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(project.read("audio/ada.wav"), bytes);
}

fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_watch_folder_never_shows_half_a_file_and_gets_each_change_once() {
    let service = FakeService::start(48_000);
    let project = project(
        &service,
        "[deliver.studio]\nkind = \"folder\"\npath = \"share/watch\"\n",
    );
    std::fs::create_dir_all(project.path("share/watch")).unwrap();
    let run = project.run(&["build", "--no-deliver"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(names_in(&project.path("share/watch")).is_empty());
    let expected = [
        ("2024-05-01-ada.wav", project.read("audio/ada.wav")),
        ("2024-05-01-liuzhou.wav", project.read("audio/liuzhou.wav")),
    ];
    // A killed delivery's leftover: only a hidden temporary name.
    let leftover = project.path("share/watch/.briefcast-delivery-2024-05-01-ada.wav.k1ll3d.tmp");
    std::fs::write(&leftover, &expected[0].1[..100]).unwrap();

    // An importer polling the folder while the delivery runs.
    let watch = project.path("share/watch");
    let done = Arc::new(AtomicBool::new(false));
    let observer = {
        let (done, watch, expected) = (Arc::clone(&done), watch.clone(), expected.clone());
        std::thread::spawn(move || {
            let mut seen = 0usize;
            loop {
                // One last look after the delivery ended.
                let finished = done.load(Ordering::SeqCst);
                for name in names_in(&watch).into_iter().filter(|n| !n.starts_with('.')) {
                    let Ok(bytes) = std::fs::read(watch.join(&name)) else {
                        continue;
                    };
                    let want = &expected.iter().find(|(n, _)| *n == name).unwrap().1;
                    assert!(
                        bytes == *want,
                        "{name}: {} of {} bytes under the final name",
                        bytes.len(),
                        want.len()
                    );
                    seen += 1;
                }
                if finished {
                    break;
                }
            }
            seen
        })
    };
    let run = project.run(&["deliver"]);
    done.store(true, Ordering::SeqCst);
    let seen = observer.join().expect("the observer saw only whole files");
    assert!(seen >= 2, "the observer saw the delivered files");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("studio (folder): 2 delivered, 0 unchanged, 0 failed"),
        "{}",
        run.stdout
    );
    assert_eq!(
        names_in(&watch),
        ["2024-05-01-ada.wav", "2024-05-01-liuzhou.wav"]
    );
    for (name, bytes) in &expected {
        assert_eq!(&std::fs::read(watch.join(name)).unwrap(), bytes);
    }

    // Unchanged: not delivered again (the importer took the files away).
    for (name, _) in &expected {
        std::fs::remove_file(watch.join(name)).unwrap();
    }
    let run = project.run(&["deliver", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json[0]["unchanged"], serde_json::json!(["ada", "liuzhou"]));
    assert!(names_in(&watch).is_empty());

    // One episode changed: only it goes, once, at the end of the build.
    project.write(
        "scripts/01-ada.md",
        &ADA.replace("Rain later.", "Sun later."),
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("studio (folder): 1 delivered, 1 unchanged, 0 failed"),
        "{}",
        run.stderr
    );
    assert_eq!(names_in(&watch), ["2024-05-01-ada.wav"]);
    assert_eq!(
        std::fs::read(watch.join("2024-05-01-ada.wav")).unwrap(),
        project.read("audio/ada.wav")
    );
}

#[test]
fn a_missing_watch_folder_fails_the_target_and_keeps_the_rest() {
    let service = FakeService::start(48_000);
    let project = project(
        &service,
        "[deliver.studio]\nkind = \"folder\"\npath = \"unmounted\"\n",
    );
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not there (is the share mounted?)"),
        "{}",
        run.stderr
    );
    assert!(project.exists("audio/ada.wav"));
}

#[test]
fn libretime_gets_each_changed_episode_once_and_the_old_upload_goes() {
    let key = "lt-secret-key-1234";
    let libretime = LibreTimeDouble::start(key);
    let service = FakeService::start(48_000);
    let extra = format!(
        "[deliver.libretime]\nkind = \"libretime\"\nurl = \"{}\"\napi-key-env = \"LT_KEY\"\n",
        libretime.recorder.url("")
    );
    let project = project(&service, &extra);
    let early = project.run(&["build"]);
    assert_eq!(early.code, 2, "{}", early.stderr);
    assert!(
        early.stderr.contains("api-key-env = LT_KEY is not set"),
        "{}",
        early.stderr
    );
    assert_eq!(
        service.requests(),
        0,
        "nothing synthesised for a build that cannot deliver"
    );
    let run = project.run_with(&["build", "--no-deliver"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let missing = project.run(&["deliver"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("api-key-env = LT_KEY is not set"),
        "{}",
        missing.stderr
    );

    let run = project.run_with(&["deliver"], &[("LT_KEY", key)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("libretime (libretime): 2 delivered"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(key) && !run.stderr.contains(key));
    let uploads = libretime.uploads.lock().unwrap().clone();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0].name, "2024-05-01-ada.wav");
    assert_eq!(uploads[0].bytes, project.read("audio/ada.wav"));
    let requests = libretime.recorder.requests();
    assert!(requests
        .iter()
        .all(|r| r.method == "POST" && r.uri == "/rest/media"));

    let again = project.run_with(&["deliver"], &[("LT_KEY", key)]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(libretime.recorder.requests().len(), 2, "nothing sent twice");

    project.write(
        "scripts/01-ada.md",
        &ADA.replace("Rain later.", "Sun later."),
    );
    let run = project.run_with(&["build"], &[("LT_KEY", key)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = libretime.recorder.requests();
    let tail: Vec<(String, String)> = requests[2..]
        .iter()
        .map(|r| (r.method.clone(), r.uri.clone()))
        .collect();
    assert_eq!(
        tail,
        [
            ("POST".into(), "/rest/media".into()),
            ("DELETE".into(), "/rest/media/101".into())
        ]
    );

    // A wrong key: LibreTime's 401, one line, exit 1, the key not shown.
    let wrong = project.run_with(&["deliver"], &[("LT_KEY", "not-the-key-5678")]);
    assert_eq!(
        wrong.code, 0,
        "nothing changed, nothing sent: {}",
        wrong.stderr
    );
    project.write("scripts/01-ada.md", ADA);
    let wrong = project.run_with(&["build"], &[("LT_KEY", "not-the-key-5678")]);
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains("HTTP 401: ERROR: Incorrect API key."),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("not-the-key-5678"));
}

#[test]
fn azuracast_gets_the_files_in_its_folder_and_playlist() {
    let key = "az-secret-key-9876";
    let azuracast = AzuraCastDouble::start(key, "1");
    let service = FakeService::start(48_000);
    let extra = format!(
        "[deliver.azura]\nkind = \"azuracast\"\nurl = \"{}\"\napi-key-env = \"AZ_KEY\"\nstation = \"1\"\nfolder = \"news\"\nplaylist = 3\n",
        azuracast.recorder.url("")
    );
    let project = project(&service, &extra);
    let run = project.run_with(&["build"], &[("AZ_KEY", key)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("azura (azuracast): 2 delivered"),
        "{}",
        run.stderr
    );
    let uploads = azuracast.uploads.lock().unwrap().clone();
    let names: Vec<&str> = uploads.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        ["news/2024-05-01-ada.wav", "news/2024-05-01-liuzhou.wav"]
    );
    assert_eq!(uploads[1].bytes, project.read("audio/liuzhou.wav"));
    let requests = azuracast.recorder.requests();
    let calls: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.clone(), r.uri.clone()))
        .collect();
    assert_eq!(calls[0], ("POST".into(), "/api/station/1/files".into()));
    assert_eq!(
        calls[1],
        (
            "PUT".into(),
            format!(
                "/api/station/1/file/{}",
                7 + "news/2024-05-01-ada.wav".len()
            )
        )
    );
    assert_eq!(requests[1].json(), serde_json::json!({"playlists": [3]}));
    assert_eq!(requests[0].header("content-type"), "application/json");
    let again = project.run_with(&["deliver"], &[("AZ_KEY", key)]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(azuracast.recorder.requests().len(), 4, "nothing sent twice");
    let base64 = base64::engine::general_purpose::STANDARD.encode(project.read("audio/ada.wav"));
    assert_eq!(requests[0].json()["file"], base64);
}

#[test]
fn a_redirect_to_another_origin_never_carries_the_key() {
    let key = "redirect-secret-4321";
    let elsewhere = Recorder::start(std::time::Duration::ZERO, |_, _| {
        (200, "application/json", b"{\"id\":1}".to_vec(), vec![])
    });
    let to = elsewhere.url("/upload");
    let station = Recorder::start(std::time::Duration::ZERO, move |_, _| {
        (307, "text/plain", vec![], vec![("location", to.clone())])
    });
    let service = FakeService::start(48_000);
    // AzuraCast's JSON upload could be sent again on a redirect: the
    // redirect policy refuses the other origin. LibreTime's multipart
    // upload is never sent again on a redirect.
    let extra = format!(
        "[deliver.azura]\nkind = \"azuracast\"\nurl = \"{url}\"\napi-key-env = \"KEY\"\nstation = \"1\"\n\n[deliver.lt]\nkind = \"libretime\"\nurl = \"{url}\"\napi-key-env = \"KEY\"\n",
        url = station.url("")
    );
    let project = project(&service, &extra);
    let run = project.run_with(&["build"], &[("KEY", key)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("azura: redirected from http://127.0.0.1:")
            && run
                .stderr
                .contains("another origin; the key is not sent there"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("lt: HTTP 307: a redirect, which an upload is not sent on to"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(key) && !run.stdout.contains(key));
    assert!(
        elsewhere.requests().is_empty(),
        "the other origin got a request"
    );
    assert_eq!(
        station.requests().len(),
        4,
        "each upload once, none retried"
    );
    assert!(project.exists("audio/ada.wav"), "the build's files stay");
}

#[test]
fn a_rate_limited_upload_is_retried_and_delivered_once() {
    let key = "lt-secret-key-1234";
    let libretime = LibreTimeDouble::start_busy(key, 2);
    let service = FakeService::start(48_000);
    let extra = format!(
        "[deliver.libretime]\nkind = \"libretime\"\nurl = \"{}\"\napi-key-env = \"LT_KEY\"\nretries = 3\n",
        libretime.recorder.url("")
    );
    let project = project(&service, &extra);
    let run = project.run_with(&["build"], &[("LT_KEY", key)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        libretime.recorder.requests().len(),
        4,
        "two refused, two taken"
    );
    let names: Vec<String> = libretime
        .uploads
        .lock()
        .unwrap()
        .iter()
        .map(|u| u.name.clone())
        .collect();
    assert_eq!(names, ["2024-05-01-ada.wav", "2024-05-01-liuzhou.wav"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&project.read("audio/manifest.json")).unwrap();
    let delivered = &manifest["deliveries"]["libretime"];
    assert_eq!(delivered["ada"]["id"], "101");
    assert_eq!(delivered["liuzhou"]["id"], "102");
}

#[test]
fn bad_playout_and_deliver_values_are_refused_with_their_line() {
    let service = FakeService::start(48_000);
    for (extra, line, message) in [
        ("[playout]\nair-start = \"07.12.2026\"\n", "air-start", "is not a yyyy-mm-dd or yyyy-mm-dd hh:mm[:ss] time"),
        ("[deliver.studio]\nkind = \"folder\"\nformat = \"mp3\"\npath = \"w\"\n", "format", "is not among [publish] formats"),
        ("[deliver.studio]\nkind = \"folder\"\npath = \"w\"\nname = \"{date}.wav\"\n", "name", "needs {slug}"),
        ("[deliver.lt]\nkind = \"libretime\"\nurl = \"https://lt.example\"\napi-key-env = \"sk-live-abc123!\"\n", "api-key-env", "never the key itself"),
        ("[deliver.az]\nkind = \"azuracast\"\nurl = \"https://az.example\"\napi-key-env = \"K\"\npath = \"x\"\n", "path", "path is not a key of azuracast targets"),
    ] {
        let project = project(&service, extra);
        let run = project.run(&["deliver"]);
        assert_eq!(run.code, 2, "{extra}: {}", run.stderr);
        let text = String::from_utf8(project.read("voices.toml")).unwrap();
        let want = text.lines().position(|l| l.starts_with(line)).unwrap() + 1;
        assert!(run.stderr.contains(&format!("voices.toml:{want}:")), "{extra}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{extra}: {}", run.stderr);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(!project.exists("audio"), "nothing written");
    }
}
