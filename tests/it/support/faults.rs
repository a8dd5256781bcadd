//! A fault-injecting, OpenAI-compatible fake TTS service.
//!
//! Deterministic given a seed: whether attempt `n` of a text fails, and how,
//! is a hash of (seed, text, n), never of arrival order, so a build with any
//! concurrency meets the same faults. Speaks raw HTTP/1.1 (one request per
//! connection) so it can also reset connections and stall mid-request.
//! Faults: 500, 503, 429 with `Retry-After`, a connection reset, a stall
//! past the client's timeout, HTML under 200, a WAV truncated mid-data, an
//! all-silent WAV. Every other answer is [`tone`](super::fake::tone) of the
//! text, the same clip [`FakeService`](super::FakeService) returns.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::fake::{tone, wav_bytes};

/// What a request got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Clip,
    Status500,
    Status503,
    TooMany429,
    Reset,
    Stall,
    Html,
    Truncated,
    Silent,
}

/// Every fault, in the order the hash picks from.
pub const FAULTS: [Outcome; 8] = [
    Outcome::Status500,
    Outcome::Status503,
    Outcome::TooMany429,
    Outcome::Reset,
    Outcome::Stall,
    Outcome::Html,
    Outcome::Truncated,
    Outcome::Silent,
];

/// How often and how the service fails.
#[derive(Debug, Clone)]
pub struct FaultPlan {
    pub seed: u64,
    /// Share of texts whose first attempt fails.
    pub first: f64,
    /// Share of texts whose second and third attempts fail (never later
    /// ones: with 3+ retries every such text gets its clip).
    pub later: f64,
    /// Share of texts that fail on every attempt.
    pub hopeless: f64,
    /// Only texts containing this are hopeless (None: any text may be).
    pub hopeless_marker: Option<String>,
    /// How long a stall lasts before the (too late) clip is sent.
    pub stall: Duration,
    /// Every answer waits this long first.
    pub latency: Duration,
    /// The faults to pick from (default: all of [`FAULTS`]).
    pub kinds: Vec<Outcome>,
}

impl FaultPlan {
    /// A service that never fails.
    pub fn clean() -> FaultPlan {
        FaultPlan {
            seed: 0,
            first: 0.0,
            later: 0.0,
            hopeless: 0.0,
            hopeless_marker: None,
            stall: Duration::from_secs(2),
            latency: Duration::ZERO,
            kinds: FAULTS.to_vec(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Record {
    pub text: String,
    pub attempt: u32,
    pub outcome: Outcome,
    pub authorization: Option<String>,
}

struct Inner {
    plan: FaultPlan,
    attempts: BTreeMap<String, u32>,
    log: Vec<Record>,
    /// Echo the Authorization header back in every error body.
    echo_key: bool,
}

#[derive(Clone)]
pub struct FaultService {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

/// splitmix64 over the seed and the bytes of each part.
pub fn mix(seed: u64, parts: &[&[u8]]) -> u64 {
    let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut step = |x: u64| {
        h = h.wrapping_add(x).wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        h = z ^ (z >> 31);
    };
    for part in parts {
        step(part.len() as u64);
        for chunk in part.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            step(u64::from_le_bytes(word));
        }
    }
    h
}

fn unit(seed: u64, parts: &[&[u8]]) -> f64 {
    (mix(seed, parts) >> 11) as f64 / (1u64 << 53) as f64
}

impl FaultPlan {
    /// Whether this text fails on every attempt.
    pub fn is_hopeless(&self, text: &str) -> bool {
        self.hopeless_marker
            .as_deref()
            .is_none_or(|m| text.contains(m))
            && unit(self.seed, &[b"hopeless", text.as_bytes()]) < self.hopeless
    }

    /// What attempt `attempt` (0-based) of `text` gets.
    pub fn outcome(&self, text: &str, attempt: u32) -> Outcome {
        let n = attempt.to_le_bytes();
        let rate = match attempt {
            _ if self.is_hopeless(text) => 1.0,
            0 => self.first,
            1 | 2 => self.later,
            _ => 0.0,
        };
        if unit(self.seed, &[b"fails", text.as_bytes(), &n]) >= rate {
            return Outcome::Clip;
        }
        let pick = mix(self.seed, &[b"kind", text.as_bytes(), &n]) % self.kinds.len() as u64;
        self.kinds[pick as usize]
    }
}

impl FaultService {
    /// Start on 127.0.0.1 with an ephemeral port; clips at `rate` Hz.
    pub fn start(rate: u32, plan: FaultPlan) -> FaultService {
        let inner = Arc::new(Mutex::new(Inner {
            plan,
            attempts: BTreeMap::new(),
            log: Vec::new(),
            echo_key: false,
        }));
        let shared = Arc::clone(&inner);
        let addr = super::serve_in_background(move |listener| async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let inner = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _ = serve(stream, inner, rate).await;
                });
            }
        });
        FaultService { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replace the plan; attempts are counted afresh and the log cleared.
    pub fn set_plan(&self, plan: FaultPlan) {
        let mut inner = self.inner.lock().unwrap();
        inner.plan = plan;
        inner.attempts.clear();
        inner.log.clear();
    }

    /// Error bodies quote the `Authorization` header they got.
    pub fn echo_key(&self, on: bool) {
        self.inner.lock().unwrap().echo_key = on;
    }

    /// Every request so far, in arrival order.
    pub fn log(&self) -> Vec<Record> {
        self.inner.lock().unwrap().log.clone()
    }

    /// Forget the log (attempt counts are kept).
    pub fn clear_log(&self) {
        self.inner.lock().unwrap().log.clear();
    }

    /// Texts requested so far, sorted, with duplicates.
    pub fn texts(&self) -> Vec<String> {
        let mut texts: Vec<String> = self.log().into_iter().map(|r| r.text).collect();
        texts.sort();
        texts
    }

    /// How many requests got each outcome.
    pub fn outcomes(&self) -> BTreeMap<Outcome, usize> {
        let mut counts = BTreeMap::new();
        for record in self.log() {
            *counts.entry(record.outcome).or_default() += 1;
        }
        counts
    }
}

/// Reads one request, answers it as the plan says, closes the connection.
async fn serve(mut stream: TcpStream, inner: Arc<Mutex<Inner>>, rate: u32) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body: serde_json::Value =
        serde_json::from_slice(&buf[head_end..head_end + length]).unwrap_or_default();
    let text = body["input"].as_str().unwrap_or_default().to_owned();
    let authorization = header("authorization");
    let (outcome, plan, echo) = {
        let mut inner = inner.lock().unwrap();
        let attempt = {
            let count = inner.attempts.entry(text.clone()).or_insert(0);
            *count += 1;
            *count - 1
        };
        let outcome = inner.plan.outcome(&text, attempt);
        inner.log.push(Record {
            text: text.clone(),
            attempt,
            outcome,
            authorization: authorization.clone(),
        });
        (outcome, inner.plan.clone(), inner.echo_key)
    };
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let quoted = if echo {
        format!(
            " (you sent {})",
            authorization.as_deref().unwrap_or("no key")
        )
    } else {
        String::new()
    };
    let json_error = |code: u16| {
        serde_json::json!({"error": {"message": format!("fake failure {code}{quoted}"), "type": "server_error"}})
            .to_string()
            .into_bytes()
    };
    let (status, content_type, extra, bytes): (&str, String, &str, Vec<u8>) = match outcome {
        Outcome::Clip => (
            "200 OK",
            "audio/wav".into(),
            "",
            wav_bytes(&tone(&text, rate), rate),
        ),
        Outcome::Silent => (
            "200 OK",
            "audio/wav".into(),
            "",
            wav_bytes(&vec![0; rate as usize], rate),
        ),
        Outcome::Truncated => {
            let mut bytes = wav_bytes(&tone(&text, rate), rate);
            bytes.truncate(bytes.len() / 2);
            ("200 OK", "audio/wav".into(), "", bytes)
        }
        Outcome::Html => (
            "200 OK",
            "text/html".into(),
            "",
            format!("<html><body>Service maintenance{quoted}</body></html>").into_bytes(),
        ),
        Outcome::Status500 => (
            "500 Internal Server Error",
            "application/json".into(),
            "",
            json_error(500),
        ),
        Outcome::Status503 => (
            "503 Service Unavailable",
            "application/json".into(),
            "",
            json_error(503),
        ),
        Outcome::TooMany429 => (
            "429 Too Many Requests",
            "application/json".into(),
            "Retry-After: 1\r\n",
            json_error(429),
        ),
        Outcome::Reset => {
            // SO_LINGER 0: closing sends RST instead of FIN.
            #[allow(deprecated)] // linger 0 never blocks: it resets at once
            stream.set_linger(Some(Duration::ZERO))?;
            drop(stream);
            return Ok(());
        }
        Outcome::Stall => {
            tokio::time::sleep(plan.stall).await;
            (
                "200 OK",
                "audio/wav".into(),
                "",
                wav_bytes(&tone(&text, rate), rate),
            )
        }
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        bytes.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.write_all(&bytes).await?;
    stream.shutdown().await
}

/// Audio settings that keep assembly quick: 24 kHz (the fakes' rate, so
/// nothing is resampled), no announcements, no loudness pass.
pub const QUICK_AUDIO: &str = "sample-rate = 24000\nsentence-pause-ms = 100\nparagraph-pause-ms = 200\nchapter-pause-ms = 300\nannounce = false\nnormalize-loudness = false";

/// The fixture's speakers: (name, slug).
pub const SPEAKERS: [(&str, &str); 3] = [
    ("甲方代表", "jia"),
    ("乙方代表", "yi"),
    ("丙方代表", "bing"),
];

const SUBJECTS: [&str; 6] = ["我们", "大家", "各族群众", "社区干部", "志愿者们", "老师们"];
const VERBS: [&str; 6] = [
    "共同建设",
    "一起守护",
    "认真学习",
    "积极推动",
    "用心维护",
    "努力发展",
];
const OBJECTS: [&str; 6] = [
    "美好家园",
    "民族团结",
    "乡村振兴",
    "文化传承",
    "生态环境",
    "和谐社会",
];

/// Sentence `i` (0..216) of the fixture, distinct for every `i`; `variant`
/// (any text without digits) is woven in so another variant is new text.
pub fn sentence(i: usize, variant: &str) -> String {
    let end = ["。", "！", "？"][i % 3];
    format!(
        "{}{variant}{}{}{end}",
        SUBJECTS[i % 6],
        VERBS[(i / 6) % 6],
        OBJECTS[(i / 36) % 6]
    )
}

/// One script per speaker, `per_speaker` sentences each (3 chapters of
/// paragraphs of 4 sentences); every sentence is a segment.
pub fn fixture_scripts(per_speaker: usize, variant: &str) -> Vec<(String, String)> {
    SPEAKERS
        .iter()
        .enumerate()
        .map(|(s, (speaker, slug))| {
            let mut text =
                format!("+++\nspeaker = \"{speaker}\"\ntitle = \"{speaker}的发言\"\n+++\n\n");
            let per_chapter = per_speaker.div_ceil(3);
            for i in 0..per_speaker {
                if i > 0 && i % per_chapter == 0 {
                    text.push_str(&format!(
                        "\n\n## 第{}部分\n\n",
                        ["一", "二", "三", "四"][i / per_chapter]
                    ));
                } else if i > 0 && i % 4 == 0 {
                    text.push_str("\n\n");
                }
                text.push_str(&sentence(s * per_speaker + i, variant));
            }
            text.push('\n');
            (format!("scripts/0{}-{slug}.md", s + 1), text)
        })
        .collect()
}

/// voices.toml: one openai-kind service at `url`, one voice, the fixture's speakers.
pub fn fault_config(url: &str, service: &str) -> String {
    let mut text = format!(
        "[show]\ntitle = \"Fault show\"\ndate = \"2024-05-01\"\n\n[audio]\n{QUICK_AUDIO}\n\n[services.fake]\nkind = \"openai\"\nurl = \"{url}\"\n{service}\n\n[voices.v]\nservice = \"fake\"\nvoice = \"alloy\"\n\n[speakers]\n"
    );
    for (speaker, slug) in SPEAKERS {
        text.push_str(&format!(
            "\"{speaker}\" = {{ voice = \"v\", slug = \"{slug}\" }}\n"
        ));
    }
    text
}

/// Write the fixture into `project` (config and scripts).
pub fn write_fixture(
    project: &super::Project,
    url: &str,
    service: &str,
    per_speaker: usize,
    variant: &str,
) {
    project.write("voices.toml", &fault_config(url, service));
    for (path, text) in fixture_scripts(per_speaker, variant) {
        project.write(&path, &text);
    }
}

/// From `briefcast plan --json`: (every distinct spoken text, those not cached).
pub fn planned_texts(project: &super::Project) -> (Vec<String>, Vec<String>) {
    let run = project.run(&["plan", "--json"]);
    assert_eq!(run.code, 0, "plan: {}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut all = Vec::new();
    let mut missing = Vec::new();
    for episode in plan["episodes"].as_array().unwrap() {
        for chapter in episode["chapters"].as_array().unwrap() {
            for segment in chapter["segments"].as_array().unwrap() {
                let spoken = segment["spoken"].as_str().unwrap().to_owned();
                if !segment["cached"].as_bool().unwrap() {
                    missing.push(spoken.clone());
                }
                all.push(spoken);
            }
        }
    }
    for list in [&mut all, &mut missing] {
        list.sort();
        list.dedup();
    }
    (all, missing)
}

/// Every file under `dir` (recursively), relative names sorted, with bytes.
pub fn files_under(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Checks that a published file parses by its kind; panics naming it if not.
pub fn assert_parses(name: &str, bytes: &[u8]) {
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "wav" => {
            let clip = briefcast::audio::decode::decode_wav(bytes)
                .unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
            assert!(!clip.samples.is_empty(), "{name} is empty");
            let reader = hound::WavReader::new(std::io::Cursor::new(bytes))
                .unwrap_or_else(|e| panic!("{name}: hound: {e}"));
            let frames = reader.duration() as usize;
            let read = reader.into_samples::<i32>().map_while(Result::ok).count();
            assert_eq!(read, frames, "{name}: data shorter than its header says");
        }
        "json" => {
            serde_json::from_slice::<serde_json::Value>(bytes)
                .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        }
        "xml" | "rss" => {
            let text = std::str::from_utf8(bytes).unwrap();
            roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        "vtt" => assert!(
            bytes.starts_with(b"WEBVTT"),
            "{name} does not start with WEBVTT"
        ),
        "srt" | "txt" | "html" | "css" | "js" => {
            std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        _ => panic!("{name}: unexpected file in the output"),
    }
}
