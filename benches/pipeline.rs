//! `cargo bench`: the pipeline's performance against the goals in
//! BENCHMARKS.md, printed as a table.
//!
//! Everything runs the real library (`briefcast::pipeline::build`, with a
//! reporter that only notes when things happen) on temporary projects,
//! against an in-process OpenAI-compatible fake service that answers after
//! a configurable latency with a small deterministic WAV (a tone padded
//! with silence, its length proportional to the text). Sections, in order:
//!
//! 1. `sched`: 400 segments, 200 ms per request, concurrency 1/4/8/16;
//!    wall time against N·L/C, when the last clip arrived and when the
//!    episode was written (then the feed, page and manifest). Concurrency
//!    1 is the sequential baseline.
//! 2. `rebuild`: a 2000-segment project (4 speakers × 500), all cached:
//!    a no-op rebuild, then one edited sentence.
//! 3. `assembly`: all-cached builds in a child process (this binary run
//!    with `--child-build CONFIG`), which reports its CPU time and peak
//!    resident memory (`VmHWM`); the cache is filled directly, so the
//!    child only assembles and publishes.
//! 4. `serve`: the embedded espeak-ng service, 1/2/4/8 concurrent clients.
//! 5. `seed`: the shipped show (its scripts and voices.toml, the real
//!    embedded espeak-ng service): the loudness of its episodes by our
//!    meter and by ffmpeg's, then all-cached rebuilds in a child process,
//!    WAV + MP3 (as shipped) and WAV only, against real time.
//! 6. `seedsched`: the shipped scripts against the fake service at 200 ms a
//!    request, concurrency 8: wall time against N·L/C, WAV only and WAV + MP3.
//! 7. `plan`: `plan` of one script of 1 to 8 MB, which must grow linearly.
//! 8. `mp3q`: LAME's quality settings on a shipped episode: encoding speed
//!    and how far the decoded MP3 is from the WAV (a listening-free measure).
//!
//! `cargo bench -- sched serve` runs only the named sections;
//! `--prepare SECONDS RATE` leaves a cache-filled project for a profiler
//! and prints its folder.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use briefcast::pipeline::{build, BuildOptions, Project};
use briefcast::progress::{Reporter, Silent};

#[path = "../tests/it/support/dev.rs"]
mod dev;

/// Common Chinese characters the generated sentences are made of.
const POOL: &str = concat!(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你能而子那得着下自之年过发后里如家多经么去法学",
    "都同现当没动面起看定天还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点",
    "正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先",
    "海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必",
    "场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品",
    "住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议",
);

/// A deterministic, unique sentence of `chars` pool characters and a full stop.
fn sentence(index: usize, chars: usize) -> String {
    let pool: Vec<char> = POOL.chars().collect();
    let n = pool.len();
    let mut out: String = [index / (n * n) % n, index / n % n, index % n]
        .iter()
        .map(|&i| pool[i])
        .collect();
    let mut state = (index as u64).wrapping_mul(6364136223846793005) ^ 0x9e3779b97f4a7c15;
    while out.chars().count() < chars {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push(pool[(state >> 33) as usize % n]);
    }
    out.push('。');
    out
}

/// A mono 16-bit WAV for `text`: 80 ms of silence, a tone `ms_per_char`
/// per character long whose pitch follows the text, 80 ms of silence.
fn clip(text: &str, rate: u32, ms_per_char: u64) -> Vec<u8> {
    let chars = text.chars().count() as u64;
    let tone = (rate as u64 * ms_per_char * chars / 1000) as usize;
    let pad = rate as usize * 80 / 1000;
    let hash = text
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
    let hz = 150.0 + (hash % 300) as f32;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut cursor = std::io::Cursor::new(Vec::with_capacity(44 + 2 * (tone + 2 * pad)));
    let mut writer = hound::WavWriter::new(&mut cursor, spec).expect("in memory");
    for i in 0..tone + 2 * pad {
        let sample = if (pad..pad + tone).contains(&i) {
            let t = i as f32 / rate as f32;
            // A little vibrato so the loudness meter sees something speech-like.
            (2.0 * std::f32::consts::PI * hz * t + (7.0 * t).sin()).sin() * 9000.0
        } else {
            0.0
        };
        writer.write_sample(sample as i16).expect("in memory");
    }
    writer.finalize().expect("in memory");
    cursor.into_inner()
}

/// The fake OpenAI-compatible service, on its own thread and runtime.
struct Fake {
    url: String,
    requests: Arc<AtomicUsize>,
    latency_ms: Arc<AtomicU64>,
}

impl Fake {
    fn start(rate: u32, ms_per_char: u64) -> Fake {
        let requests = Arc::new(AtomicUsize::new(0));
        let latency_ms = Arc::new(AtomicU64::new(0));
        let state = (Arc::clone(&requests), Arc::clone(&latency_ms));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = Router::new()
                    .route(
                        "/v1/audio/speech",
                        post(
                            move |State((count, latency)): State<(
                                Arc<AtomicUsize>,
                                Arc<AtomicU64>,
                            )>,
                                  Json(body): Json<serde_json::Value>| async move {
                                count.fetch_add(1, Ordering::SeqCst);
                                let ms = latency.load(Ordering::SeqCst);
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                                let text = body["input"].as_str().unwrap_or_default();
                                (
                                    [("content-type", "audio/wav")],
                                    clip(text, rate, ms_per_char),
                                )
                            },
                        ),
                    )
                    .with_state(state);
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().expect("fake service started");
        Fake {
            url: format!("http://{addr}"),
            requests,
            latency_ms,
        }
    }

    fn set_latency(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::SeqCst);
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// A project in a temporary folder: `speakers` episodes of `segments`
/// sentences of `chars` characters each, five sentences a paragraph, a
/// chapter every 50 sentences, one voice on the fake at `url`.
fn project(
    url: &str,
    concurrency: usize,
    speakers: usize,
    segments: usize,
    chars: usize,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    let mut config = format!(
        "[show]\ntitle = \"Bench show\"\ndate = \"2024-05-01\"\n\n[audio]\nannounce = false\n\n\
         [services.fake]\nkind = \"openai\"\nurl = \"{url}\"\nconcurrency = {concurrency}\n\
         retries = 2\ntimeout-ms = 60000\n\n[voices.v]\nservice = \"fake\"\nvoice = \"alloy\"\n\n[speakers]\n"
    );
    for s in 0..speakers {
        let name = format!("讲话人{}", ["甲", "乙", "丙", "丁"][s % 4]);
        config.push_str(&format!(
            "\"{name}\" = {{ voice = \"v\", slug = \"s{s}\" }}\n"
        ));
        let mut text = format!(
            "+++\nspeaker = \"{name}\"\ntitle = \"标题{}\"\n+++\n",
            sentence(s, 6)
        );
        for i in 0..segments {
            if i > 0 && i % 50 == 0 {
                text.push_str(&format!(
                    "\n## 章节{}\n",
                    sentence(1_000_000 + s * 1000 + i, 6)
                ));
            }
            text.push_str(if i % 5 == 0 { "\n" } else { "" });
            text.push_str(&sentence(s * 100_000 + i, chars));
            text.push_str(if i % 5 == 4 { "\n" } else { "" });
        }
        std::fs::write(dir.path().join(format!("scripts/{s:02}.md")), text).unwrap();
    }
    std::fs::write(dir.path().join("voices.toml"), config).unwrap();
    dir
}

/// Store every segment's clip straight into the cache (no requests).
fn prefill(dir: &Path, rate: u32, ms_per_char: u64) {
    let project = Project::load(&dir.join("voices.toml"), None).expect("project loads");
    let catalog = project.catalog();
    for segment in project.episodes.iter().flat_map(|e| e.segments()) {
        let request = project.request(segment);
        let key = catalog.key(&request).unwrap();
        let format = catalog.format(&request.service).unwrap();
        let bytes = clip(&request.text, rate, ms_per_char);
        catalog.cache().write(&key, format, &bytes).unwrap();
    }
}

/// A reporter that notes when the last clip arrived and when the last
/// episode was written (then the feed, page and manifest follow).
#[derive(Default)]
struct Moments {
    last_clip: std::sync::Mutex<Option<Instant>>,
    last_episode: std::sync::Mutex<Option<Instant>>,
}

impl Reporter for Moments {
    fn episode(&self, _: &str, _: usize, _: usize) {}
    fn advance(&self, _: &str) {
        *self.last_clip.lock().unwrap() = Some(Instant::now());
    }
    fn done(&self, _: &str, _: &str) {
        *self.last_episode.lock().unwrap() = Some(Instant::now());
    }
    fn note(&self, _: &str) {}
}

/// Build in this process; (wall seconds, requests the build made).
fn timed_build(dir: &Path) -> (f64, usize) {
    let timed = timed_build_split(dir);
    (timed.wall, timed.requested)
}

/// Seconds from the start of a build.
struct Timed {
    wall: f64,
    last_clip: f64,
    last_episode: f64,
    requested: usize,
}

/// Build in this process, noting when things happened.
fn timed_build_split(dir: &Path) -> Timed {
    let options = BuildOptions {
        config: dir.join("voices.toml"),
        ..BuildOptions::default()
    };
    let moments = Arc::new(Moments::default());
    let start = Instant::now();
    let report = build(&options, Arc::clone(&moments) as Arc<dyn Reporter>).expect("build runs");
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let wall = start.elapsed().as_secs_f64();
    let since = |moment: &std::sync::Mutex<Option<Instant>>| {
        moment
            .lock()
            .unwrap()
            .map_or(0.0, |t| (t - start).as_secs_f64())
    };
    Timed {
        wall,
        last_clip: since(&moments.last_clip),
        last_episode: since(&moments.last_episode),
        requested: report.requested,
    }
}

fn sched() {
    const N: usize = 400;
    const L: u64 = 200;
    println!("\n## 1. Scheduling: N = {N} segments, L = {L} ms per request");
    println!("| C | wall s | ideal N·L/C s | ratio | last clip at s | episode written at s | speed-up over sequential (C = 1) |");
    println!("|---|---|---|---|---|---|---|");
    let fake = Fake::start(24_000, 20);
    fake.set_latency(L);
    let mut sequential = None;
    for c in [1, 4, 8, 16] {
        let dir = project(&fake.url, c, 1, N, 12);
        let before = fake.requests();
        let timed = timed_build_split(dir.path());
        assert_eq!(fake.requests() - before, N);
        let ideal = (N as u64 * L) as f64 / 1000.0 / c as f64;
        let wall = timed.wall;
        let base = *sequential.get_or_insert(wall);
        println!(
            "| {c} | {wall:.2} | {ideal:.2} | {:.3} | {:.2} | {:.2} | {:.2}× |",
            wall / ideal,
            timed.last_clip,
            timed.last_episode,
            base / wall
        );
    }
}

fn rebuild() {
    println!("\n## 2–3. Rebuild of a 2000-segment project (4 speakers × 500, all cached)");
    let fake = Fake::start(24_000, 250);
    let dir = project(&fake.url, 4, 4, 500, 16);
    prefill(dir.path(), 24_000, 250);
    let (first, requested) = timed_build(dir.path());
    assert_eq!(requested, 0);
    println!("first build from a filled cache (setup): {first:.2} s");
    println!("| case | wall s | requests |");
    println!("|---|---|---|");
    let before = fake.requests();
    let (wall, _) = timed_build(dir.path());
    println!(
        "| no-op rebuild | {wall:.3} | {} |",
        fake.requests() - before
    );
    // Change one sentence of the third speaker.
    let script = dir.path().join("scripts/02.md");
    let text = std::fs::read_to_string(&script).unwrap();
    let old = sentence(2 * 100_000 + 123, 16);
    std::fs::write(&script, text.replacen(&old, &sentence(9_999_999, 16), 1)).unwrap();
    let before = fake.requests();
    let (wall, _) = timed_build(dir.path());
    println!(
        "| one edit (L = 0) | {wall:.3} | {} |",
        fake.requests() - before
    );
}

/// What a child build reports.
struct ChildRun {
    user: f64,
    system: f64,
    peak_kb: u64,
    wall: f64,
}

fn child_build(dir: &Path) -> ChildRun {
    let start = Instant::now();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--child-build")
        .arg(dir.join("voices.toml"))
        .output()
        .expect("child runs");
    let wall = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut fields = stdout.split_whitespace().map(|f| f.parse::<f64>().unwrap());
    let mut next = || fields.next().unwrap();
    ChildRun {
        user: next(),
        system: next(),
        peak_kb: next() as u64,
        wall,
    }
}

/// In the child: build, then print user and system CPU seconds and VmHWM in kB.
fn child_main(config: &str) {
    let options = BuildOptions {
        config: PathBuf::from(config),
        ..BuildOptions::default()
    };
    let report = build(&options, Arc::new(Silent)).expect("build runs");
    assert!(
        report.failures.is_empty() && report.requested == 0,
        "{report:?}"
    );
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime (fields 14 and 15 of stat) in clock ticks of 1/100 s.
    let seconds = |field: &str| field.parse::<f64>().unwrap() / 100.0;
    let (user, system) = (seconds(fields[11]), seconds(fields[12]));
    println!("{user} {system} {}", peak_memory_kib());
}

/// Runs of each shorter assembly row: CPU time on a shared virtual machine
/// varies by tens of percent with its neighbours' load, and the least of a
/// few runs is the one least disturbed.
const REPEATS: usize = 3;

fn assembly() {
    println!("\n## 4. Assembly from cached clips to a 48 kHz episode (child process, all cached)");
    println!(
        "Rows up to 1 h are the run with the least CPU of {REPEATS}; the 10-hour row runs once."
    );
    println!(
        "| clips | episode | segments | CPU s (user + system) | wall s | × real time per core | peak RSS MB |"
    );
    println!("|---|---|---|---|---|---|---|");
    // 40-character sentences at 250 ms a character: 10.16 s clips.
    for (rate, hours) in [
        (22_050, 0.25),
        (24_000, 0.25),
        (24_000, 1.0),
        (24_000, 10.0),
    ] {
        let segments = (hours * 3600.0 / 10.16_f64).round() as usize;
        let dir = project("http://127.0.0.1:9", 1, 1, segments, 40);
        prefill(dir.path(), rate, 250);
        let repeats = if hours > 1.0 { 1 } else { REPEATS };
        let run = (0..repeats)
            .map(|_| {
                // Without its output the episode is assembled again.
                let _ = std::fs::remove_dir_all(dir.path().join("audio"));
                child_build(dir.path())
            })
            .min_by(|a, b| (a.user + a.system).total_cmp(&(b.user + b.system)))
            .expect("at least one run");
        let wav = hound::WavReader::open(dir.path().join("audio/s0.wav")).unwrap();
        let seconds = wav.duration() as f64 / wav.spec().sample_rate as f64;
        let cpu = run.user + run.system;
        println!(
            "| {:.2} kHz | {:.2} h | {segments} | {cpu:.2} ({:.2} + {:.2}) | {:.2} | {:.0}× | {:.1} |",
            rate as f64 / 1000.0,
            seconds / 3600.0,
            run.user,
            run.system,
            run.wall,
            seconds / cpu,
            run.peak_kb as f64 / 1024.0
        );
    }
}

fn serve() {
    const TEXT: &str =
        "柳州市坚持以铸牢中华民族共同体意识为主线，推动民族团结进步创建工作走深走实。";
    const N: usize = 96;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "\n## 5. Embedded service (espeak-ng): {N} requests of a {}-character sentence, {cores} cores, \
         at most {cores} espeak-ng processes (the `serve` default)",
        TEXT.chars().count()
    );
    println!("| clients | wall s | sentences/s | seconds of speech per second |");
    println!("|---|---|---|---|");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = briefcast::tts::embedded::start(([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let url = format!("http://{}/v1/audio/speech", server.addr);
        let http = reqwest::Client::new();
        let body = serde_json::json!({"input": TEXT, "voice": "cmn", "speed": 1.0});
        // One request first, so espeak-ng's data is in the page cache for every row.
        say(&http, &url, &body).await;
        for clients in [1, 2, 4, 8] {
            let (wall, speech) = say_many(&http, &url, &body, clients, N).await;
            println!(
                "| {clients} | {wall:.2} | {:.1} | {:.0} |",
                N as f64 / wall,
                speech / wall
            );
        }
    });
}

/// Only the side-by-side of `neural` (which runs it too), for profiling.
fn kokoro_onnx() {
    use briefcast::text::{spoken_form, Form, Lexicon, Normalize};
    let pinyin = spoken_form(
        NEURAL_ZH,
        Normalize::Zh,
        Form::PinyinWords,
        &Lexicon::default(),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = briefcast::tts::embedded::start(([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let url = format!("http://{}/v1/audio/speech", server.addr);
        let http = reqwest::Client::new();
        kokoro_side_by_side(&http, &url, "zm_yunxi", &pinyin, NEURAL_N).await;
    });
}

/// The Mandarin sentence of `neural`, and how many times each row says it.
const NEURAL_ZH: &str =
    "柳州市坚持以铸牢中华民族共同体意识为主线，推动民族团结进步创建工作走深走实。";
const NEURAL_N: usize = 8;

/// Real-time factor of each engine of the embedded service: the seconds of
/// computing per second of speech, with as many clients as cores, after
/// one request per voice that starts the engine (reported apart), and the
/// process's peak memory after each engine.
fn neural() {
    use briefcast::text::{spoken_form, Form, Lexicon, Normalize};
    const ZH: &str = NEURAL_ZH;
    const EN: &str = "The station plays the whole bulletin at noon, with every chapter marked for the listeners.";
    const N: usize = NEURAL_N;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let lexicon = Lexicon::default();
    let pinyin = spoken_form(ZH, Normalize::Zh, Form::PinyinWords, &lexicon);
    let espeak_pinyin = spoken_form(ZH, Normalize::Zh, Form::Pinyin, &lexicon);
    println!(
        "\n## Neural engines: {N} sentences per voice, {cores} clients, after the first request (which loads the model)"
    );
    println!("| voice | text | first request s | RTF | sentences/s | peak memory MiB |");
    println!("|---|---|---|---|---|---|");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = briefcast::tts::embedded::start(([127, 0, 0, 1], 0).into())
            .await
            .unwrap();
        let url = format!("http://{}/v1/audio/speech", server.addr);
        let http = reqwest::Client::new();
        for (voice, label, text) in [
            ("kokoro:jm_kumo", "Mandarin (pinyin)", pinyin.as_str()),
            ("kokoro:zm_yunxi", "Mandarin (pinyin)", pinyin.as_str()),
            ("piper:en_US-joe-medium", "English", EN),
            (
                "cmn-latn-pinyin",
                "Mandarin (pinyin)",
                espeak_pinyin.as_str(),
            ),
        ] {
            let body = serde_json::json!({"input": text, "voice": voice, "speed": 1.0});
            // The first request loads the model.
            let first = Instant::now();
            let probe = http.post(&url).json(&body).send().await.unwrap();
            if !probe.status().is_success() {
                let why = probe.text().await.unwrap_or_default();
                println!("| {voice} | {label} | not run: {} | | | |", why.trim());
                continue;
            }
            probe.bytes().await.unwrap();
            let first = first.elapsed().as_secs_f64();
            let (wall, speech) = say_many(&http, &url, &body, cores, N).await;
            println!(
                "| {voice} | {label} | {first:.2} | {:.3} | {:.2} | {:.0} |",
                wall / speech,
                N as f64 / wall,
                peak_memory_kib() as f64 / 1024.0
            );
        }
        kokoro_side_by_side(&http, &url, "zm_yunxi", &pinyin, N).await;
    });
}

/// The same Kokoro voice, sentence, model file and style vector through
/// briefcast's embedded service and through kokoro-onnx (Python, the same
/// ONNX Runtime library; `benches/kokoro-onnx.py` in the venv of
/// `dev/setup.d/50-kokoro-onnx.sh`), in rounds that alternate the two so
/// both see the same load: `n` sentences from 1 and from 2 clients each
/// round, after a first clip on each side that is also compared sample by
/// sample. Each row is the median of the rounds, with their range.
async fn kokoro_side_by_side(
    http: &reqwest::Client,
    url: &str,
    voice: &str,
    pinyin: &str,
    n: usize,
) {
    use briefcast::tts::embedded::{kokoro_phonemes, Available, NeuralOptions};
    use std::io::{BufRead, BufReader, Write};
    const ROUNDS: usize = 3;
    println!(
        "\n## Kokoro side by side: kokoro:{voice} and kokoro-onnx, the same phonemes, model and style vector; {n} sentences per row, median of {ROUNDS} alternating rounds"
    );
    println!("| runner | clients | RTF | RTF range | sentences/s |");
    println!("|---|---:|---:|---|---:|");
    let not_run = |why: &str| println!("| kokoro-onnx | | not run: {why} | | |");
    let available = Available::find("kokoro", &NeuralOptions::default());
    let dirs = match available.paths(voice) {
        Ok((_, dirs)) => dirs.clone(),
        Err(why) => return not_run(&why),
    };
    let python = dev::dev_cache().join("kokoro-onnx/venv/bin/python");
    if !python.is_file() {
        return not_run(&format!(
            "no kokoro-onnx venv at {} (run dev/setup)",
            python.display()
        ));
    }
    let phonemes = match kokoro_phonemes(pinyin).await {
        Ok(p) => p,
        Err(e) => return not_run(&format!("no phonemes: {e:?}")),
    };
    let work = tempfile::tempdir().unwrap();
    let samples = work.path().join("kokoro-onnx.f32");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/kokoro-onnx.py");
    let mut child = match std::process::Command::new(&python)
        .arg(&script)
        .arg(dirs.model.join("kokoro.onnx"))
        .arg(dirs.model.join("vocab.json"))
        .arg(dirs.voice.join(format!("{voice}.bin")))
        .arg(&phonemes)
        .arg(&samples)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => return not_run(&format!("cannot run {}: {e}", python.display())),
    };
    let mut to_python = child.stdin.take().unwrap();
    let mut from_python = BufReader::new(child.stdout.take().unwrap());
    let mut read_json = move || -> Option<serde_json::Value> {
        let mut line = String::new();
        from_python.read_line(&mut line).ok()?;
        serde_json::from_str(&line).ok()
    };
    let Some(started) = read_json() else {
        let status = child.wait().ok();
        return not_run(&format!("benches/kokoro-onnx.py failed ({status:?})"));
    };
    let body =
        serde_json::json!({"input": pinyin, "voice": format!("kokoro:{voice}"), "speed": 1.0});
    let wav = http.post(url).json(&body).send().await.unwrap();
    let wav = wav.bytes().await.unwrap();
    println!(
        "(kokoro-onnx {}, onnxruntime {}, first clip {:.2} s; phonemes: {phonemes}; {})",
        started["kokoro_onnx"].as_str().unwrap_or("?"),
        started["onnxruntime"].as_str().unwrap_or("?"),
        started["first_s"].as_f64().unwrap_or(f64::NAN),
        same_clip(&wav, &samples)
    );
    let mut rtf: std::collections::BTreeMap<(&str, usize), Vec<(f64, f64)>> = Default::default();
    for _ in 0..ROUNDS {
        for clients in [1, 2] {
            let (wall, speech) = say_many(http, url, &body, clients, n).await;
            rtf.entry(("briefcast", clients))
                .or_default()
                .push((wall, speech));
            writeln!(to_python, "{clients} {n}").unwrap();
            let Some(done) = read_json() else {
                return not_run("benches/kokoro-onnx.py stopped");
            };
            let (wall, speech) = (
                done["wall_s"].as_f64().unwrap(),
                done["speech_s"].as_f64().unwrap(),
            );
            rtf.entry(("kokoro-onnx", clients))
                .or_default()
                .push((wall, speech));
        }
    }
    drop(to_python);
    let _ = child.wait();
    // Two at once must give the first clip's bytes too.
    let at_once = (0..2).map(|_| async { http.post(url).json(&body).send().await?.bytes().await });
    let same = futures::future::join_all(at_once)
        .await
        .into_iter()
        .all(|b| b.is_ok_and(|b| b == wav));
    println!(
        "(two requests at once: {} bytes as the first clip)",
        if same { "the same" } else { "NOT the same" }
    );
    for ((runner, clients), runs) in rtf {
        let mut rtfs: Vec<f64> = runs.iter().map(|(wall, speech)| wall / speech).collect();
        rtfs.sort_by(f64::total_cmp);
        let median = rtfs[rtfs.len() / 2];
        let mut walls: Vec<f64> = runs.iter().map(|(wall, _)| *wall).collect();
        walls.sort_by(f64::total_cmp);
        println!(
            "| {runner} | {clients} | {median:.3} | {:.3}–{:.3} | {:.2} |",
            rtfs[0],
            rtfs[rtfs.len() - 1],
            n as f64 / walls[walls.len() / 2]
        );
    }
}

/// Whether briefcast's WAV holds kokoro-onnx's float samples (raw
/// little-endian f32 in `samples`) as briefcast writes them to 16 bits.
fn same_clip(wav: &[u8], samples: &Path) -> String {
    let ours: Vec<i16> = match hound::WavReader::new(std::io::Cursor::new(wav)) {
        Ok(reader) => reader.into_samples::<i16>().map(|s| s.unwrap()).collect(),
        Err(e) => return format!("briefcast's clip unreadable: {e}"),
    };
    let theirs: Vec<i16> = std::fs::read(samples)
        .unwrap_or_default()
        .chunks_exact(4)
        .map(|b| {
            let s = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            let s = if s.is_finite() { s } else { 0.0 };
            (s.clamp(-1.0, 1.0) * 32767.0).round() as i16
        })
        .collect();
    if ours.len() != theirs.len() {
        return format!(
            "clips of different lengths: {} and {} samples",
            ours.len(),
            theirs.len()
        );
    }
    let differ = ours.iter().zip(&theirs).filter(|(a, b)| a != b).count();
    let most = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
        .max()
        .unwrap_or(0);
    if differ == 0 {
        format!("the same {} samples on both sides", ours.len())
    } else {
        format!(
            "{differ} of {} samples differ, by at most {most} in 32767",
            ours.len()
        )
    }
}

/// This process's peak resident memory (`VmHWM`), in KiB.
fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// `n` requests of `body` from `clients` clients at once: wall seconds and
/// seconds of speech returned.
async fn say_many(
    http: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
    clients: usize,
    n: usize,
) -> (f64, f64) {
    let left = Arc::new(AtomicUsize::new(n));
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (http, url, body, left) = (
                http.clone(),
                url.to_owned(),
                body.clone(),
                Arc::clone(&left),
            );
            tokio::spawn(async move {
                let mut speech = 0.0;
                while left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    speech += say(&http, &url, &body).await;
                }
                speech
            })
        })
        .collect();
    let mut speech = 0.0;
    for task in tasks {
        speech += task.await.unwrap();
    }
    (start.elapsed().as_secs_f64(), speech)
}

/// One request to the embedded service; the seconds of speech it returned.
async fn say(http: &reqwest::Client, url: &str, body: &serde_json::Value) -> f64 {
    let response = http.post(url).json(body).send().await.unwrap();
    assert!(response.status().is_success());
    let wav = response.bytes().await.unwrap();
    briefcast::audio::check_clip(&wav, briefcast::model::ClipFormat::Wav).expect("usable speech")
}

/// Polyphone accuracy of the Mandarin front end on the CPP test sample,
/// beside reading each character by its most common reading.
fn polyphone() {
    let tsv = include_str!("../tests/fixtures/zh_polyphone_cpp.tsv");
    let start = Instant::now();
    let score = briefcast::text::polyphone_score(tsv);
    let percent = |n: usize| 100.0 * n as f64 / score.total as f64;
    println!(
        "\n## polyphones: CPP test sample, {} sentences",
        score.total
    );
    println!("| reader | correct | accuracy |\n|---|---|---|");
    println!(
        "| character only (most common reading) | {} | {:.1} % |",
        score.char_only,
        percent(score.char_only)
    );
    println!(
        "| front end (jieba words, phrase readings) | {} | {:.1} % |",
        score.correct,
        percent(score.correct)
    );
    println!(
        "({:.2} s including loading the dictionaries)",
        start.elapsed().as_secs_f64()
    );
}

/// `plan` of one speech of 1, 2, 4 and 8 MB in sentence-long paragraphs:
/// loading, segmenting and keying should grow linearly with the script.
fn plan_scaling() {
    println!("\n## plan: one script of many paragraphs (load, segment, key; no requests)");
    println!("| script | segments | time | per MB |\n|---|---:|---:|---:|");
    for mb in [1usize, 2, 4, 8] {
        // 40 pool characters and a full stop: 123 bytes a sentence.
        let segments = mb * 1024 * 1024 / 123;
        let dir = project("http://127.0.0.1:9", 1, 1, segments, 40);
        let bytes = std::fs::metadata(dir.path().join("scripts/00.md"))
            .unwrap()
            .len();
        let start = Instant::now();
        let project = Project::load(&dir.path().join("voices.toml"), None).expect("project");
        let catalog = project.catalog();
        let plan = briefcast::pipeline::plan_json(&project, &catalog, None).expect("plan");
        let seconds = start.elapsed().as_secs_f64();
        std::hint::black_box(plan);
        let size = bytes as f64 / (1024.0 * 1024.0);
        println!(
            "| {size:.1} MB | {segments} | {seconds:.2} s | {:.2} s |",
            seconds / size
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child-build") {
        return child_main(&args[i + 1]);
    }
    // For profiling: a kept, cache-filled project of this many seconds at this rate.
    if let [flag, seconds, rate] = &args[..] {
        if flag == "--prepare" {
            let segments = (seconds.parse::<f64>().unwrap() / 10.16).round() as usize;
            let dir = project("http://127.0.0.1:9", 1, 1, segments, 40);
            prefill(dir.path(), rate.parse().unwrap(), 250);
            return println!("{}", dir.keep().display());
        }
    }
    let wanted: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| wanted.is_empty() || wanted.contains(&name);
    let start = Instant::now();
    let sections: [(&str, fn()); 11] = [
        ("sched", sched),
        ("rebuild", rebuild),
        ("assembly", assembly),
        ("serve", serve),
        ("neural", neural),
        ("kokoro-onnx", kokoro_onnx),
        ("polyphone", polyphone),
        ("plan", plan_scaling),
        ("seed", seed),
        ("seedsched", seed_sched),
        ("mp3q", mp3_quality),
    ];
    for (name, section) in sections {
        if run(name) {
            section();
        }
    }
    println!("\nwhole suite: {:.0} s", start.elapsed().as_secs_f64());
}

/// The shipped show (scripts and voices.toml) in a temporary folder, with
/// `[publish] formats` replaced when given.
fn shipped(formats: Option<&str>) -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut config = std::fs::read_to_string(root.join("voices.toml")).unwrap();
    if let Some(formats) = formats {
        config = config.replace(
            "formats = [\"wav\", \"mp3\"]",
            &format!("formats = {formats}"),
        );
    }
    std::fs::write(dir.path().join("voices.toml"), config).unwrap();
    copy_scripts(dir.path());
    dir
}

fn copy_scripts(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.join("scripts")).unwrap();
    for entry in std::fs::read_dir(root.join("scripts")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("scripts").join(path.file_name().unwrap())).unwrap();
    }
}

/// Seconds of audio in the WAVs of `dir/audio`.
fn audio_seconds(dir: &Path) -> f64 {
    wavs(dir)
        .iter()
        .map(|path| {
            let wav = hound::WavReader::open(path).unwrap();
            wav.duration() as f64 / wav.spec().sample_rate as f64
        })
        .sum()
}

fn wavs(dir: &Path) -> Vec<PathBuf> {
    let mut wavs: Vec<PathBuf> = std::fs::read_dir(dir.join("audio"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    wavs.sort();
    wavs
}

/// ffmpeg's ebur128 (dual mono, true peak): integrated LUFS and dBTP.
fn ffmpeg_loudness(path: &Path) -> (f64, f64) {
    let output = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-af", "ebur128=dualmono=true:peak=true", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs");
    let log = String::from_utf8_lossy(&output.stderr);
    let summary = &log[log.rfind("Summary:").expect("summary")..];
    let value = |label: &str| {
        summary
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(label))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .expect("value")
    };
    (value("I:"), value("Peak:"))
}

fn seed() {
    println!("\n## Seed: the shipped show with espeak-ng, all cached");
    let dir = shipped(None);
    let (first, requested) = timed_build(dir.path());
    println!("first build with synthesis (setup): {first:.1} s, {requested} requests");
    println!("| episode | duration s | LUFS (ours) | dBTP (ours) | LUFS (ffmpeg) | dBTP (ffmpeg) | gain dB | limiter max dB | MP3 dBTP (ffmpeg) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("audio/manifest.json")).unwrap())
            .unwrap();
    for wav in wavs(dir.path()) {
        let slug = wav.file_stem().unwrap().to_str().unwrap();
        let entry = &manifest["episodes"][slug];
        let l = &entry["loudness"];
        let (lufs, peak) = ffmpeg_loudness(&wav);
        let (_, mp3_peak) = ffmpeg_loudness(&wav.with_extension("mp3"));
        println!(
            "| {slug} | {:.1} | {} | {} | {lufs:.1} | {peak:.1} | {} | {} | {mp3_peak:.1} |",
            entry["duration-seconds"].as_f64().unwrap(),
            l["integrated-lufs"],
            l["true-peak-dbtp"],
            l["gain-db"],
            l["limiter"]["max-reduction-db"],
        );
    }
    let wav_only = dir.path().join("wav-only.toml");
    let config = std::fs::read_to_string(dir.path().join("voices.toml")).unwrap();
    std::fs::write(
        &wav_only,
        config.replace("formats = [\"wav\", \"mp3\"]", "formats = [\"wav\"]"),
    )
    .unwrap();
    println!("Least wall time of {REPEATS} all-cached builds in a child process:");
    println!("| formats | audio s | wall s | CPU s (user + system) | × real time (wall) |");
    println!("|---|---|---|---|---|");
    for (name, config) in [
        ("WAV + MP3", dir.path().join("voices.toml")),
        ("WAV", wav_only),
    ] {
        let run = (0..REPEATS)
            .map(|_| {
                let _ = std::fs::remove_dir_all(dir.path().join("audio"));
                child_build_with(&config)
            })
            .min_by(|a, b| a.wall.total_cmp(&b.wall))
            .expect("runs");
        let seconds = audio_seconds(dir.path());
        println!(
            "| {name} | {seconds:.0} | {:.2} | {:.2} ({:.2} + {:.2}) | {:.0}× |",
            run.wall,
            run.user + run.system,
            run.user,
            run.system,
            seconds / run.wall
        );
    }
}

fn seed_sched() {
    const L: u64 = 200;
    const C: usize = 8;
    println!("\n## Seed against a {L} ms service at concurrency {C}");
    println!("| formats | N | wall s | ideal N·L/C s | ratio | last clip at s |");
    println!("|---|---|---|---|---|---|");
    let fake = Fake::start(24_000, 250);
    fake.set_latency(L);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = std::fs::read_to_string(root.join("voices.toml")).unwrap();
    let speakers = &shipped[shipped.find("[speakers]").unwrap()..];
    for formats in ["[\"wav\"]", "[\"wav\", \"mp3\"]"] {
        let dir = tempfile::tempdir().unwrap();
        copy_scripts(dir.path());
        let mut config = format!(
            "[show]\ntitle = \"Bench show\"\nlanguage = \"zh-CN\"\ndate = \"2024-05-01\"\n\n\
             [publish]\nformats = {formats}\n\n[services.fake]\nkind = \"openai\"\nurl = \"{}\"\n\
             concurrency = {C}\nretries = 2\ntimeout-ms = 60000\n\n",
            fake.url
        );
        for voice in ["liuzhou", "xianan", "youyiguan", "wangxianpo"] {
            config.push_str(&format!(
                "[voices.{voice}]\nservice = \"fake\"\nvoice = \"{voice}\"\n\n"
            ));
        }
        config.push_str(speakers);
        std::fs::write(dir.path().join("voices.toml"), config).unwrap();
        let before = fake.requests();
        let timed = timed_build_split(dir.path());
        let n = fake.requests() - before;
        let ideal = (n as u64 * L) as f64 / 1000.0 / C as f64;
        println!(
            "| {formats} | {n} | {:.2} | {ideal:.2} | {:.3} | {:.2} |",
            timed.wall,
            timed.wall / ideal,
            timed.last_clip
        );
    }
}

fn child_build_with(config: &Path) -> ChildRun {
    let start = Instant::now();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--child-build")
        .arg(config)
        .output()
        .expect("child runs");
    let wall = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let mut fields = stdout.split_whitespace().map(|f| f.parse::<f64>().unwrap());
    let mut next = || fields.next().unwrap();
    ChildRun {
        user: next(),
        system: next(),
        peak_kb: next() as u64,
        wall,
    }
}

/// LAME's qualities on the longest shipped episode: CPU seconds to encode
/// it, and the decoded MP3's distance from the WAV: SNR, and the
/// noise-to-signal ratio in the band podcast speech lives in.
fn mp3_quality() {
    use briefcast::publish::mp3::{encode_mp3, Id3Info, Mp3Options};
    println!("\n## MP3: LAME quality at 96 kbit/s on the longest shipped episode");
    let dir = shipped(Some("[\"wav\"]"));
    timed_build(dir.path());
    let wav = wavs(dir.path())
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let reader = hound::WavReader::open(&wav).unwrap();
    let rate = reader.spec().sample_rate;
    let samples: Vec<f32> = reader
        .into_samples::<i32>()
        .map(|s| s.unwrap() as f32 / 32768.0)
        .collect();
    let seconds = samples.len() as f64 / rate as f64;
    println!("{} ({seconds:.0} s)", wav.display());
    println!("| quality | encode CPU s | × real time | SNR dB | segmental SNR dB |");
    println!("|---|---|---|---|---|");
    for quality in [0, 2, 3, 5, 7, 9] {
        let out = dir.path().join(format!("q{quality}.mp3"));
        let options = Mp3Options {
            bitrate_kbps: 96,
            quality,
        };
        let mut blocks = samples.chunks(8192).map(<[f32]>::to_vec);
        let start = cpu_seconds();
        encode_mp3(
            rate,
            &mut || blocks.next(),
            &out,
            &options,
            &Id3Info::default(),
        )
        .unwrap();
        let cpu = cpu_seconds() - start;
        // ffmpeg trims LAME's delay and padding from the Info frame.
        let pcm = std::process::Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&out)
            .args(["-f", "f32le", "-acodec", "pcm_f32le", "-"])
            .output()
            .unwrap()
            .stdout;
        let decoded: Vec<f32> = pcm
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        assert_eq!(decoded.len(), samples.len(), "gapless decode");
        let (snr, segmental) = snr(&samples, &decoded, rate as usize / 50);
        println!(
            "| {quality} | {cpu:.2} | {:.0}× | {snr:.2} | {segmental:.2} |",
            seconds / cpu
        );
    }
}

/// Whole-signal SNR, and the mean SNR of the 20 ms frames that carry speech
/// (above −50 dBFS), clamped to −10..35 dB as segmental SNR is.
fn snr(reference: &[f32], decoded: &[f32], frame: usize) -> (f64, f64) {
    let energy = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>();
    let diff = |a: &[f32], b: &[f32]| {
        energy(&mut a.iter().zip(b).map(|(x, y)| f64::from(*x) - f64::from(*y)))
    };
    let signal = energy(&mut reference.iter().map(|&x| f64::from(x)));
    let whole = 10.0 * (signal / diff(reference, decoded)).log10();
    let frames: Vec<f64> = reference
        .chunks(frame)
        .zip(decoded.chunks(frame))
        .filter_map(|(a, b)| {
            let s = energy(&mut a.iter().map(|&x| f64::from(x)));
            (s / a.len() as f64 > 1e-5)
                .then(|| (10.0 * (s / diff(a, b).max(1e-12)).log10()).clamp(-10.0, 35.0))
        })
        .collect();
    (whole, frames.iter().sum::<f64>() / frames.len() as f64)
}

/// This process's user + system CPU seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / 100.0
}
