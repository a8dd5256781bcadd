//! The bad-input suite: every way a user can get scripts, voices.toml, the
//! output folder or a service's answers wrong. Each case starts from a
//! project that has built once, breaks one thing, and checks the exit code
//! (2 for input and configuration, 1 for a service's failure), the exact
//! one-line cause naming what the user knows (file, line, column, key,
//! segment), and that every earlier output file kept its bytes and
//! modification time. Some inputs look bad but are fine (a BOM, CRLF, a
//! 20 000-character paragraph, a speaker named like a path): those build.

use crate::support::fake::{tone, wav_bytes};
use crate::support::{FakeService, Project, Reply};

const PAUSES: &str = "sentence-pause-ms = 100\nannounce = false\nnormalize-loudness = false";
const LIUZHOU: &str = "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n第一句话。第二句话！\n\n## 第二章\n\n最后一句？\n";
const OTHER: &str =
    "+++\nspeaker = \"Other\"\ntitle = \"Other talk\"\n+++\n\nOne sentence here. Another one there.\n";

fn base(service: &FakeService) -> Project {
    let project = Project::new();
    project
        .openai_config(
            &service.url(),
            &[("柳州市", "liuzhou"), ("Other", "other")],
            PAUSES,
        )
        .write("scripts/01-liuzhou.md", LIUZHOU)
        .write("scripts/02-other.md", OTHER);
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    project
}

fn edit(project: &Project, file: &str, from: &str, to: &str) {
    let text = String::from_utf8(project.read(file)).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    project.write(file, &text.replacen(from, to, 1));
}

/// A failing case: `setup` breaks the project; the run exits with `code`
/// and prints exactly `message` (one line); no earlier output changes.
struct Case {
    name: &'static str,
    setup: fn(&Project, &FakeService),
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    code: i32,
    message: &'static str,
}

fn check(cases: &[Case]) {
    let service = FakeService::start(48_000);
    let mut wrong = Vec::new();
    for case in cases {
        service.default_reply(None);
        let project = base(&service);
        let before = project.outputs();
        (case.setup)(&project, &service);
        let mut args = vec!["build", "--quiet"];
        args.extend_from_slice(case.args);
        if case.args.first().is_some_and(|a| !a.starts_with('-')) {
            args = case.args.to_vec();
        }
        let run = project.run_with(&args, case.env);
        let stderr = run.stderr.trim_end_matches('\n');
        let path = project.dir.path().to_string_lossy().into_owned();
        let stderr = stderr.replace(&path, "$PROJECT");
        if run.code != case.code || stderr != case.message {
            wrong.push(format!(
                "{}: exit {} (want {}):\n  got:  {stderr:?}\n  want: {:?}",
                case.name, run.code, case.code, case.message
            ));
        }
        let one_line = !stderr.contains('\n') || stderr.starts_with("error: ");
        assert!(case.code != 2 || one_line, "{}: {stderr}", case.name);
        if project.path("audio").is_dir() {
            let after = project.outputs();
            for (name, bytes, modified) in &before {
                let kept = after
                    .iter()
                    .any(|(n, b, m)| n == name && b == bytes && m == modified);
                assert!(kept, "{}: {name} changed or went missing", case.name);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} case(s) wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn scripts() {
    check(&[
        Case {
            name: "invalid UTF-8",
            setup: |p, _| {
                let mut bytes = LIUZHOU.as_bytes().to_vec();
                bytes.splice(60..60, [0xE6, 0x9F]);
                std::fs::write(p.path("scripts/01-liuzhou.md"), bytes).unwrap();
            },
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md: not valid UTF-8 (first bad byte at offset 60)",
        },
        Case {
            name: "empty script",
            setup: |p, _| {
                p.write("scripts/01-liuzhou.md", "");
            },
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md: the script has no text to read",
        },
        Case {
            name: "front matter only",
            setup: |p, _| {
                p.write("scripts/01-liuzhou.md", "+++\nspeaker = \"柳州市\"\ntitle = \"柳州的讲话\"\n+++\n\n");
            },
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md: the script has no text to read",
        },
        Case {
            name: "no front matter",
            setup: |p, _| {
                p.write("scripts/01-liuzhou.md", "第一句话。\n");
            },
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md:1: a script starts with TOML front matter between `+++` lines (speaker, title)",
        },
        Case {
            name: "unclosed front matter",
            setup: |p, _| edit(p, "scripts/01-liuzhou.md", "+++\n\n", "\n"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md:1: the front matter opened here is never closed with `+++`",
        },
        Case {
            name: "unknown front-matter key",
            setup: |p, _| edit(p, "scripts/01-liuzhou.md", "title =", "author = \"x\"\ntitle ="),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md:3:1: front matter: unknown field `author`, expected one of `speaker`, `title`, `subtitle`, `order`",
        },
        Case {
            name: "missing title",
            setup: |p, _| edit(p, "scripts/01-liuzhou.md", "title = \"柳州的讲话\"\n", ""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md:2:1: front matter: missing field `title`",
        },
        Case {
            name: "front matter not TOML",
            setup: |p, _| edit(p, "scripts/01-liuzhou.md", "title = \"柳州的讲话\"", "title = 柳州"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md:3:9: front matter: string values must be quoted, expected literal string",
        },
        Case {
            name: "chapter with no text",
            setup: |p, _| edit(p, "scripts/01-liuzhou.md", "## 第二章\n", "## 空的一章\n\n## 第二章\n"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/01-liuzhou.md:8: chapter “空的一章” has no text",
        },
        Case {
            name: "speaker without a voice",
            setup: |p, _| edit(p, "scripts/02-other.md", "speaker = \"Other\"", "speaker = \"Nobody\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts/02-other.md: speaker “Nobody” has no voice: add it to [speakers] in voices.toml (voices: v)",
        },
        Case {
            name: "no scripts",
            setup: |p, _| {
                std::fs::remove_file(p.path("scripts/01-liuzhou.md")).unwrap();
                std::fs::remove_file(p.path("scripts/02-other.md")).unwrap();
            },
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: ./scripts: no scripts (*.md) found",
        },
        Case {
            name: "--only unknown",
            setup: |_, _| {},
            args: &["--only", "nobody"],
            env: &[],
            code: 2,
            message: "briefcast: --only nobody: no speaker or slug of that name in ./scripts",
        },
    ]);
}

#[test]
fn no_project_here_names_the_folder_and_the_two_ways_forward() {
    const MESSAGE: &str = "briefcast: no voices.toml in $PROJECT, so no project here: start one with `briefcast init`, or name a project's file with `--config PATH`";
    check(&[
        Case {
            name: "build without voices.toml",
            setup: |p, _| std::fs::remove_file(p.path("voices.toml")).unwrap(),
            args: &[],
            env: &[],
            code: 2,
            message: MESSAGE,
        },
        Case {
            name: "plan without voices.toml",
            setup: |p, _| std::fs::remove_file(p.path("voices.toml")).unwrap(),
            args: &["plan"],
            env: &[],
            code: 2,
            message: MESSAGE,
        },
        Case {
            name: "--config naming a missing file",
            setup: |_, _| {},
            args: &["plan", "--config", "elsewhere/show.toml"],
            env: &[],
            code: 2,
            message: "briefcast: no show.toml in $PROJECT/elsewhere, so no project here: start one with `briefcast init`, or name a project's file with `--config PATH`",
        },
    ]);
}

#[test]
fn configuration() {
    check(&[
        Case {
            name: "scripts folder missing",
            setup: |p, _| edit(p, "voices.toml", "[audio]", "[paths]\nscripts = \"texts\"\n\n[audio]"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: cannot read ./texts: failed to read directory `./texts`: No such file or directory (os error 2)",
        },
        Case {
            name: "malformed TOML",
            setup: |p, _| edit(p, "voices.toml", "voice = \"alloy\"", "voice = \"alloy"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:18:15: invalid basic string, expected `\"`",
        },
        Case {
            name: "unknown key",
            setup: |p, _| edit(p, "voices.toml", "slug = \"other\"", "slug = \"other\", slg = \"x\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:22:11: [speakers] \"Other\": unknown field `slg`, expected `voice` or `slug`",
        },
        Case {
            name: "unknown voice",
            setup: |p, _| edit(p, "voices.toml", "\"Other\" = { voice = \"v\"", "\"Other\" = { voice = \"w\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:22:11: [speakers] \"Other\" uses voice \"w\", which is not defined (known: v)",
        },
        Case {
            name: "fallback on a remote service",
            setup: |p, _| edit(p, "voices.toml", "service = \"fake\"", "service = \"fake\"\nfallback = \"en-us\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:18:1: [voices.v] fallback is for voices of the embedded service; \"fake\" is not one",
        },
        Case {
            name: "unknown service",
            setup: |p, _| edit(p, "voices.toml", "service = \"fake\"", "service = \"fak\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:17:11: [voices.v] service = \"fak\" is not defined (known: fake)",
        },
        Case {
            name: "duplicate slug",
            setup: |p, _| edit(p, "voices.toml", "slug = \"other\"", "slug = \"liuzhou\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: speakers “柳州市” and “Other” both get the file name “liuzhou”: set a different `slug` for one of them in [speakers]",
        },
        Case {
            name: "path-like slug",
            setup: |p, _| edit(p, "voices.toml", "slug = \"other\"", "slug = \"../../etc/passwd\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: [speakers] “Other”: slug “../../etc/passwd” may only hold a-z, 0-9, - and _",
        },
        Case {
            name: "negative pause",
            setup: |p, _| edit(p, "voices.toml", "sentence-pause-ms = 100", "sentence-pause-ms = -100"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:6:21: invalid value: integer `-100`, expected u32",
        },
        Case {
            name: "zero concurrency",
            setup: |p, _| edit(p, "voices.toml", "retries = 5", "retries = 5\nconcurrency = 0"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:14:1: [services.fake] concurrency must be at least 1",
        },
        Case {
            name: "negative concurrency",
            setup: |p, _| edit(p, "voices.toml", "retries = 5", "retries = 5\nconcurrency = -2"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:14:15: [services.fake] concurrency: invalid value: integer `-2`, expected usize",
        },
        Case {
            name: "zero jobs",
            setup: |_, _| {},
            args: &["--jobs", "0"],
            env: &[],
            code: 2,
            message: "error: invalid value '0' for '--jobs <N>': 0 is not in 1..=4294967295\n\nFor more information, try '--help'.",
        },
        Case {
            name: "sample rate out of range",
            setup: |p, _| edit(p, "voices.toml", "[audio]\n", "[audio]\nsample-rate = 1000000\n"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:6:1: [audio] sample-rate = 1000000 is not supported (use one of 22050, 24000, 32000, 44100, 48000, 96000)",
        },
        Case {
            name: "speed out of range",
            setup: |p, _| edit(p, "voices.toml", "voice = \"alloy\"", "voice = \"alloy\"\nspeed = 0"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:19:1: [voices.v] speed = 0 is out of range: openai services take 0.25 to 4",
        },
        Case {
            name: "speed beyond the service's range",
            setup: |p, _| edit(p, "voices.toml", "voice = \"alloy\"", "voice = \"alloy\"\nspeed = 4.5"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:19:1: [voices.v] speed = 4.5 is out of range: openai services take 0.25 to 4",
        },
        Case {
            name: "pcm at 0 Hz",
            setup: |p, _| edit(p, "voices.toml", "retries = 5", "retries = 5\nresponse-format = \"pcm\"\nsample-rate = 0"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:15:1: [services.fake] sample-rate = 0 is no rate a speech service sends (8000 to 96000)",
        },
        Case {
            name: "pcm at 4 GHz",
            setup: |p, _| edit(p, "voices.toml", "retries = 5", "retries = 5\nresponse-format = \"pcm\"\nsample-rate = 4000000000"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:15:1: [services.fake] sample-rate = 4000000000 is no rate a speech service sends (8000 to 96000)",
        },
        Case {
            name: "retries in the billions",
            setup: |p, _| edit(p, "voices.toml", "retries = 5", "retries = 4000000000"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:13:1: [services.fake] retries = 4000000000 is more than a build can wait for (at most 100)",
        },
        Case {
            name: "zero timeout",
            setup: |p, _| edit(p, "voices.toml", "timeout-ms = 5000", "timeout-ms = 0"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:14:1: [services.fake] timeout-ms must be at least 1",
        },
        Case {
            name: "bad date",
            setup: |p, _| edit(p, "voices.toml", "date = \"2024-05-01\"", "date = \"2024-13-01\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: voices.toml:3:1: [show] date = \"2024-13-01\" is not a yyyy-mm-dd date",
        },
        Case {
            name: "missing API key variable",
            setup: |p, _| edit(p, "voices.toml", "retries = 5", "retries = 5\napi-key-env = \"BRIEFCAST_BAD_INPUT_KEY\""),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: missing API key: service fake needs the environment variable BRIEFCAST_BAD_INPUT_KEY",
        },
        Case {
            name: "output folder is a file",
            setup: |p, _| edit(p, "voices.toml", "[audio]", "[paths]\noutput = \"voices.toml\"\n\n[audio]"),
            args: &[],
            env: &[],
            code: 2,
            message: "briefcast: output folder ./voices.toml is a file",
        },
    ]);
}

/// A tone WAV at 48 kHz with its header patched: (offset, little-endian bytes).
fn patched_wav(patches: &[(usize, &[u8])]) -> Vec<u8> {
    let mut wav = wav_bytes(&tone("最后一句变了？", 48_000), 48_000);
    for (at, bytes) in patches {
        wav[*at..*at + bytes.len()].copy_from_slice(bytes);
    }
    wav
}

/// The last segment changes, and every answer is `reply`.
fn answer(project: &Project, service: &FakeService, reply: Reply) {
    edit(
        project,
        "scripts/01-liuzhou.md",
        "最后一句？",
        "最后一句变了？",
    );
    service.default_reply(Some(reply));
}

#[test]
fn service_answers() {
    check(&[
        Case {
            name: "not a WAV",
            setup: |p, s| answer(p, s, Reply::Bytes("audio/wav", b"ID3\x03\0\0\0 not a wave".to_vec())),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: expected a WAV file, got MP3 audio (audio/wav), 18 bytes; briefcast reads WAV or raw PCM: ask the service for WAV (response-format, output-format or the request's format field)",
        },
        Case {
            name: "HTML under 200",
            setup: |p, s| answer(p, s, Reply::Html),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: expected a WAV file, got an HTML page (text/html), 45 bytes: \"Service maintenance\"",
        },
        Case {
            name: "empty body",
            setup: |p, s| answer(p, s, Reply::Bytes("audio/wav", Vec::new())),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: expected a WAV file, got an empty body (audio/wav), 0 bytes",
        },
        Case {
            name: "0 channels",
            setup: |p, s| answer(p, s, Reply::Bytes("audio/wav", patched_wav(&[(22, &[0, 0])]))),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: unusable audio: malformed WAV: fmt chunk declares 0 channels",
        },
        Case {
            name: "rate 0",
            setup: |p, s| answer(p, s, Reply::Bytes("audio/wav", patched_wav(&[(24, &[0, 0, 0, 0])]))),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: unusable audio: malformed WAV: fmt chunk declares a sample rate of 0 Hz",
        },
        Case {
            name: "2 GiB claimed, a few KiB sent",
            setup: |p, s| answer(p, s, Reply::Bytes("audio/wav", patched_wav(&[(40, &0x7FFE_FFFFu32.to_le_bytes())]))),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: unusable audio: WAV is truncated: the data chunk declares 2147418111 bytes but only 32640 arrived; the transfer was cut off, retry the request",
        },
        Case {
            name: "silent",
            setup: |p, s| answer(p, s, Reply::Silent),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: unusable audio: the clip is silent (peak -inf dBFS, below -60 dBFS); the service produced no speech for this text",
        },
        Case {
            name: "HTTP 400",
            setup: |p, s| answer(p, s, Reply::Status(400, None)),
            args: &[],
            env: &[],
            code: 1,
            message: "briefcast: 1 failure(s):\n  ./scripts/01-liuzhou.md:10 “最后一句变了？”: service fake: HTTP 400: fake failure 400",
        },
    ]);
}

/// Inputs that look wrong but are fine: they build.
fn builds(project: &Project) -> crate::support::project::Run {
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    run
}

#[test]
fn a_bom_and_crlf_line_ends_are_read_like_plain_lf() {
    let service = FakeService::start(48_000);
    let plain = base(&service);
    let variant = base(&service);
    variant.write(
        "scripts/01-liuzhou.md",
        &format!("\u{feff}{}", LIUZHOU.replace('\n', "\r\n")),
    );
    builds(&variant);
    let plan = |p: &Project| p.run(&["plan", "--json"]).stdout;
    assert_eq!(plan(&variant), plan(&plain));
    assert_eq!(
        variant.read("audio/liuzhou.wav"),
        plain.read("audio/liuzhou.wav")
    );
}

#[test]
fn a_20000_character_paragraph_without_punctuation_is_split_to_the_service_limit() {
    let service = FakeService::start(8_000);
    let project = base(&service);
    edit(
        &project,
        "voices.toml",
        "retries = 5",
        "retries = 5\nmax-chars = 300\nconcurrency = 8",
    );
    let words = [
        "团结", "进步", "发展", "和谐", "繁荣", "稳定", "民族", "家园",
    ];
    let paragraph: String = (0..10_000).map(|i| words[(i * 7 + i / 8) % 8]).collect();
    assert_eq!(paragraph.chars().count(), 20_000);
    edit(&project, "scripts/01-liuzhou.md", "最后一句？", &paragraph);
    let before = service.requests();
    builds(&project);
    let texts = &service.texts()[before..];
    assert!(texts.len() >= 20_000 / 300, "{} requests", texts.len());
    for text in texts {
        assert!(
            text.chars().count() <= 300,
            "{} characters",
            text.chars().count()
        );
    }
    let (_, parts) = texts
        .iter()
        .fold((0, 0), |(n, c), t| (n + 1, c + t.chars().count()));
    assert!(parts >= 20_000, "every character was sent");
}

#[test]
fn speaker_names_like_paths_get_plain_slugs_and_write_only_inside_audio() {
    let service = FakeService::start(48_000);
    let project = Project::new();
    project
        .openai_config(&service.url(), &[], PAUSES)
        .write(
            "scripts/01-a.md",
            &OTHER.replace("Other", "../../etc/passwd"),
        )
        .write("scripts/02-b.md", &OTHER.replace("Other", "a/b"));
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    project.write(
        "voices.toml",
        &format!("{config}\"../../etc/passwd\" = \"v\"\n\"a/b\" = \"v\"\n"),
    );
    builds(&project);
    let mut names: Vec<String> = project.outputs().into_iter().map(|f| f.0).collect();
    names.retain(|n| n.ends_with(".wav"));
    assert_eq!(names, ["a-b.wav", "etc-passwd.wav"]);
    let mut top: Vec<String> = std::fs::read_dir(project.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    assert_eq!(top, [".briefcast", "audio", "scripts", "voices.toml"]);
    assert!(!project.dir.path().parent().unwrap().join("etc").exists());
}

#[test]
fn a_wav_claiming_4_gib_of_data_is_read_to_the_end_of_its_body() {
    let service = FakeService::start(48_000);
    let project = base(&service);
    answer(
        &project,
        &service,
        Reply::Bytes("audio/wav", patched_wav(&[(40, &u32::MAX.to_le_bytes())])),
    );
    builds(&project);
    service.default_reply(None);
    let reference = base(&service);
    edit(
        &reference,
        "scripts/01-liuzhou.md",
        "最后一句？",
        "最后一句变了？",
    );
    builds(&reference);
    assert_eq!(
        project.read("audio/liuzhou.wav"),
        reference.read("audio/liuzhou.wav")
    );
}

#[test]
fn a_read_only_output_folder_fails_and_keeps_the_files() {
    let service = FakeService::start(48_000);
    let project = base(&service);
    let before = project.outputs();
    edit(
        &project,
        "scripts/01-liuzhou.md",
        "最后一句？",
        "最后一句变了？",
    );
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // Root ignores permissions: run briefcast as `nobody` then, with
    // everything but audio/ open to it.
    let root = std::fs::metadata("/proc/self").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    let open = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let mut command = crate::support::briefcast();
    command
        .args(["build", "--quiet"])
        .current_dir(project.dir.path())
        .env("BRIEFCAST_TIME_SCALE", "0.01");
    if root.unwrap() {
        let mut stack = vec![project.dir.path().to_owned()];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                open(&path, 0o777);
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else {
                open(&path, 0o666);
            }
        }
        command.uid(65534).gid(65534);
    }
    let audio = project.path("audio");
    open(&audio, 0o555);
    let output = command.output().unwrap();
    open(&audio, 0o755);
    let run = crate::support::project::Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(
        run.stderr,
        "briefcast: 1 failure(s):\n  liuzhou: cannot write in ./audio: Permission denied (os error 13)\n"
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(project.outputs(), before);
}

#[test]
fn an_episode_too_long_for_a_wav_fails_before_any_of_it_is_written() {
    // 2000 times one 8-second clip (synthesised once): 4.4 hours, 4.6 GB
    // at 96 kHz and 24 bits, past the 4 GiB a RIFF file can hold.
    let service = FakeService::start(96_000);
    let project = Project::new();
    let paragraph = format!("{}。", "长".repeat(390));
    let body = vec![paragraph.as_str(); 2000].join("\n\n");
    project
        .openai_config(
            &service.url(),
            &[("柳州市", "liuzhou")],
            "sample-rate = 96000\nbit-depth = 24\nnormalize-loudness = false\nannounce = false\nsentence-pause-ms = 0\nparagraph-pause-ms = 0",
        )
        .write(
            "scripts/01-liuzhou.md",
            &format!("+++\nspeaker = \"柳州市\"\ntitle = \"很长\"\n+++\n\n{body}\n"),
        );
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("too long for a WAV file")
            && run.stderr.matches("too long").count() == 1,
        "{}",
        run.stderr
    );
    assert_eq!(service.requests(), 1);
    let written: u64 = std::fs::read_dir(project.path("audio"))
        .map(|dir| dir.map(|e| e.unwrap().metadata().unwrap().len()).sum())
        .unwrap_or(0);
    assert!(written < 1 << 20, "{written} bytes written to audio/");
}

/// A 64 KiB tmpfs mounted at a new folder, unmounted when dropped.
struct SmallDisk(tempfile::TempDir);

impl SmallDisk {
    fn mount() -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "the disk-full test mounts a 64 KiB tmpfs and needs root (CI runs as root)"
        );
        SmallDisk(dir)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn a_full_disk_is_named_once_with_the_folder_and_loses_no_clip() {
    let service = FakeService::start(48_000);
    let disk = SmallDisk::mount();
    let project = Project::new();
    project
        .openai_config(&service.url(), &[("柳州市", "liuzhou")], PAUSES)
        .write("scripts/01-liuzhou.md", LIUZHOU);
    let config = String::from_utf8(project.read("voices.toml")).unwrap();
    let out = disk.0.path().join("audio");
    project.write(
        "voices.toml",
        &config.replace(
            "[show]\n",
            &format!("[paths]\noutput = \"{}\"\n\n[show]\n", out.display()),
        ),
    );
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = format!(
        "liuzhou: cannot write the episode WAV in {}: No space left on device",
        out.display()
    );
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("No space left").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(!out.join("liuzhou.wav").exists());
    // The clips were stored outside the full disk: nothing is asked again.
    let requested = service.requests();
    drop(disk);
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(service.requests(), requested);
}

#[test]
fn a_manifest_that_cannot_be_written_is_an_internal_failure_exit_3() {
    let service = FakeService::start(48_000);
    let project = base(&service);
    let wav = project.read("audio/liuzhou.wav");
    // A folder where the manifest goes: the episodes are rebuilt (the
    // manifest reads as empty), but the manifest itself cannot be renamed
    // into place. Not the user's input: exit 3, not 2.
    std::fs::remove_file(project.path("audio/manifest.json")).unwrap();
    std::fs::create_dir(project.path("audio/manifest.json")).unwrap();
    std::fs::write(project.path("audio/manifest.json/keep"), b"x").unwrap();
    let run = project.run(&["build", "--quiet"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("briefcast: cannot write ./audio/manifest.json: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert_eq!(project.read("audio/liuzhou.wav"), wav);
}
