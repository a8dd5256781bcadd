//! A pool with one bad endpoint: an endpoint that answers at once, but not
//! with speech (a web page under 200, a 404 for a wrong URL), is rested
//! and the build completes at the healthy one, the summary naming the
//! rested endpoint; only when every endpoint is bad is the service given up
//! as misconfigured. The healthy endpoint, and the 404 of a wrong URL, are
//! a real `briefcast serve` with espeak-ng; the web page comes from the
//! fake service, which is told to answer every request with one (a fault
//! no real speech service produces on demand).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Stdio};

use crate::support::{FakeService, Project, Reply};

/// `briefcast serve` on an ephemeral port, stopped when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn served() -> Served {
    let mut child = crate::support::briefcast()
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve says where it listens").unwrap();
        if let Some(rest) = line.split(" on http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so the server never blocks on it.
    std::thread::spawn(move || lines.for_each(drop));
    Served { child, addr }
}

/// Twelve short sentences read by one speaker through the pool at `urls`.
fn project(urls: &[String]) -> Project {
    let urls: Vec<String> = urls.iter().map(|u| format!("\"{u}\"")).collect();
    let project = Project::new();
    project.write(
        "voices.toml",
        &format!(
            "[show]\ntitle = \"Show\"\ndate = \"2024-05-01\"\n\n[audio]\nannounce = false\nnormalize-loudness = false\n\n[services.pool]\nkind = \"openai\"\nurl = [{}]\nconcurrency = 4\nretries = 5\ntimeout-ms = 20000\n\n[voices.v]\nservice = \"pool\"\nvoice = \"en-us\"\n\n[speakers]\n\"Ann\" = {{ voice = \"v\", slug = \"ann\" }}\n",
            urls.join(", ")
        ),
    );
    let sentences: Vec<String> = (1..=12)
        .map(|i| format!("This is sentence number {i} of the report."))
        .collect();
    project.write(
        "scripts/ann.md",
        &format!(
            "+++\nspeaker = \"Ann\"\ntitle = \"Ann reports\"\n+++\n\n{}\n",
            sentences.join(" ")
        ),
    );
    project
}

const PAGE: &str = "its first 3 answers were all expected a WAV file, got an HTML page (text/html), 45 bytes: \"Service maintenance\"; check the service's url and kind: it answers, but not with speech";
const NOT_FOUND: &str = "its first 3 answers were all HTTP 404: no such endpoint; POST /v1/audio/speech; check the service's url: it has no such endpoint (OpenAI-style services answer at /v1/audio/speech, Piper at /synthesize)";

#[test]
fn an_endpoint_answering_web_pages_is_rested_and_the_build_completes_at_the_other() {
    let healthy = served();
    let page = FakeService::start(22_050);
    page.default_reply(Some(Reply::Html));
    // Listed first: ties go to it, so it gets its share of the first requests.
    let bad = format!("{}/v1/audio/speech", page.url());
    let good = format!("http://{}/v1/audio/speech", healthy.addr);
    let project = project(&[bad.clone(), good]);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(project.exists("audio/ann.wav"));
    let rested = format!("briefcast: warning: service pool: {bad} was rested: {PAGE}\n");
    assert!(run.stderr.contains(&rested), "{rested}\n{}", run.stderr);
    assert!(!run.stderr.contains("misconfigured"), "{}", run.stderr);
    assert!(page.requests() >= 3, "{} requests", page.requests());
}

#[test]
fn an_endpoint_at_a_wrong_url_is_rested_and_the_build_completes_at_the_right_one() {
    // One real server: the right URL and a wrong one, which answers 404.
    let server = served();
    let wrong = format!("http://{}/v2/audio/speech", server.addr);
    let right = format!("http://{}/v1/audio/speech", server.addr);
    let project = project(&[wrong.clone(), right]);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(project.exists("audio/ann.wav"));
    let rested = format!("briefcast: warning: service pool: {wrong} was rested: {NOT_FOUND}\n");
    assert!(run.stderr.contains(&rested), "{rested}\n{}", run.stderr);
}

#[test]
fn when_every_endpoint_is_bad_the_service_is_given_up_naming_each() {
    let server = served();
    let page = FakeService::start(22_050);
    page.default_reply(Some(Reply::Html));
    let bad = format!("{}/v1/audio/speech", page.url());
    let wrong = format!("http://{}/v2/audio/speech", server.addr);
    let project = project(&[bad.clone(), wrong.clone()]);
    let run = project.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!project.exists("audio/ann.wav"));
    let message = format!(
        "briefcast: 1 failure(s):\n  service pool is misconfigured: none of its 2 endpoints answers with speech ({bad}: {PAGE}; {wrong}: {NOT_FOUND}). Nothing more was sent to it (not written: ann)\n"
    );
    assert!(run.stderr.ends_with(&message), "{message}\n{}", run.stderr);
    // Given up, nothing more is sent: retried to the end, the 12 segments
    // would each have asked the page three times of their six attempts.
    assert!(page.requests() < 12, "{} requests", page.requests());
}
