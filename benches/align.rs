//! `cargo bench --bench align`: how close the forced aligner
//! (`briefcast::align`) puts each word's start to where it really is, on
//! clips whose exact word times are known, beside aeneas (aeneas-ng, the
//! long-standing MFCC + DTW aligner) on the same clips and words.
//!
//! The clips are the embedded engines' own, treated as if a remote service
//! had sent only their audio: espeak-ng in a voice variant and speed other
//! than the reference's (its word events give the exact times), and
//! Kokoro and Piper (their duration predictors', read from the embedded
//! service's `bcwd` chunk) when the service reports them. Text: sentences
//! of the shipped show (`scripts/`, Mandarin, read as pinyin as the
//! embedded voices read it) and of `dev/bench-english` (English). Each
//! clip is aligned as a build aligns it (`pipeline::align_clip`: the
//! embedded espeak-ng's readings of the same text at the clip's pace, in
//! two voices, the one the clip resembles most used), so the espeak-ng
//! clips are read in a voice variant neither reference uses.
//!
//! aeneas runs in one Python process (`benches/aeneas-align.py`, the venv
//! of `dev/setup.d/60-aeneas.sh`) on the same WAV and the same words, one
//! per line, twice: with its defaults and with settings for words (10 ms
//! frames, non-speech masked, each boundary moved to where the next
//! word's sound begins, the leading silence detected).
//!
//! Printed: per language and engine, the words compared, the median and
//! 95th percentile of |aligned start − exact start| in ms, the mean signed
//! error, and the alignment time per minute of audio. `ALIGN_AENEAS=0`
//! leaves aeneas out; `ALIGN_TSV=FILE` appends every word's exact and
//! aligned start to FILE.

#[path = "../tests/it/support/dev.rs"]
mod dev;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use briefcast::align::Audio;
use briefcast::model::ClipWord;
use briefcast::text::{split_sentences, spoken_form, Form, Lexicon, Normalize};
use briefcast::tts::speak_words;

/// Sentences per language.
const SENTENCES: usize = 12;

/// One clip to align: its text, its samples and exact words, and those of
/// its words the references say too (the ones compared).
struct Case {
    text: String,
    clip: Recording,
    words: Vec<ClipWord>,
}

impl Case {
    /// The clip's words that espeak-ng's own reading of `text` has too
    /// (same characters): the two may split a text differently.
    fn new(text: &str, clip: Recording) -> Case {
        let reading = speak_words(text, briefcast::pipeline::reference_voice(text), 1.0).unwrap();
        let words = clip
            .words
            .iter()
            .filter(|w| {
                reading
                    .words
                    .iter()
                    .any(|r| (r.from, r.to) == (w.from, w.to))
            })
            .copied()
            .collect();
        Case {
            text: text.to_owned(),
            clip,
            words,
        }
    }

    fn audio(&self) -> Audio<'_> {
        Audio {
            samples: &self.clip.samples,
            rate: self.clip.rate,
        }
    }
}

struct Recording {
    samples: Vec<f32>,
    rate: u32,
    words: Vec<ClipWord>,
}

/// The errors (seconds) of one method on one group of clips.
#[derive(Default)]
struct Errors {
    signed: Vec<f64>,
    /// The worst words: error, the word, its exact start.
    worst: Vec<(f64, String, f64)>,
    seconds_aligned: f64,
    seconds_of_audio: f64,
    failed: usize,
}

impl Errors {
    fn row(&self, label: &str) -> String {
        let mut abs: Vec<f64> = self.signed.iter().map(|e| e.abs() * 1000.0).collect();
        abs.sort_by(f64::total_cmp);
        let pick = |q: f64| {
            abs.get(((abs.len() as f64 - 1.0) * q).round() as usize)
                .copied()
        };
        let mean = self.signed.iter().sum::<f64>() / self.signed.len().max(1) as f64 * 1000.0;
        let per_minute = self.seconds_aligned / (self.seconds_of_audio / 60.0).max(1e-9);
        format!(
            "| {label} | {} | {} | {} | {mean:+.0} | {per_minute:.2} |{}",
            abs.len(),
            pick(0.5).map_or("–".into(), |v| format!("{v:.0}")),
            pick(0.95).map_or("–".into(), |v| format!("{v:.0}")),
            if self.failed > 0 {
                format!(" {} clips failed", self.failed)
            } else {
                String::new()
            }
        )
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The script files in `dir`, in name order.
fn scripts(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

/// Up to `n` sentences of `chars` characters from script `files`, spread
/// over the files (front matter, headings and comments left out).
fn sentences(files: &[PathBuf], chars: std::ops::RangeInclusive<usize>, n: usize) -> Vec<String> {
    let per_file = n.div_ceil(files.len());
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let body = text.splitn(3, "+++").nth(2).unwrap_or(&text);
        let mut taken = 0;
        for line in body.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with("<!--") {
                continue;
            }
            for sentence in split_sentences(line) {
                if chars.contains(&sentence.chars().count()) && taken < per_file {
                    out.push(sentence);
                    taken += 1;
                }
            }
        }
    }
    out.truncate(n);
    out
}

fn spoken(text: &str, voice: &str, speed: f32) -> Recording {
    let s = speak_words(text, voice, speed).unwrap_or_else(|e| panic!("{voice}: {e}"));
    Recording {
        samples: s.samples,
        rate: s.rate,
        words: s.words,
    }
}

fn briefcast_errors(cases: &[Case]) -> Errors {
    let mut errors = Errors::default();
    for case in cases {
        let started = Instant::now();
        let found = briefcast::pipeline::align_clip(&case.text, case.audio());
        errors.seconds_aligned += started.elapsed().as_secs_f64();
        errors.seconds_of_audio += case.clip.samples.len() as f64 / case.clip.rate as f64;
        let Ok(found) = found else {
            errors.failed += 1;
            continue;
        };
        let found: Vec<ClipWord> = case
            .words
            .iter()
            .filter_map(|e| found.iter().find(|f| (f.from, f.to) == (e.from, e.to)))
            .copied()
            .collect();
        if found.len() != case.words.len() {
            errors.failed += 1;
            continue;
        }
        let chars: Vec<char> = case.text.chars().collect();
        for (f, e) in found.iter().zip(&case.words) {
            let error = f.start - e.start;
            errors.signed.push(error);
            let word: String = chars[e.from..e.to].iter().collect();
            errors.worst.push((error, word, e.start));
        }
        if let Some(path) = std::env::var_os("ALIGN_TSV") {
            append_tsv(Path::new(&path), case, &case.words, &found);
        }
    }
    errors
}

/// One line per word to `path`: the text before the word (since the
/// previous one), the word, its exact and its aligned start (seconds).
fn append_tsv(path: &Path, case: &Case, exact: &[ClipWord], found: &[ClipWord]) {
    use std::io::Write;
    let chars: Vec<char> = case.text.chars().collect();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    let mut previous = 0;
    for (e, f) in exact.iter().zip(found) {
        let before: String = chars[previous.min(e.from)..e.from].iter().collect();
        let word: String = chars[e.from..e.to].iter().collect();
        writeln!(file, "{before:?}\t{word}\t{:.4}\t{:.4}", e.start, f.start).unwrap();
        previous = e.to;
    }
}

/// aeneas's settings: its defaults, and the best for words found in its
/// documentation.
const AENEAS_RUNS: [(&str, &str, &str); 2] = [
    ("aeneas, defaults", "", ""),
    (
        "aeneas, word settings",
        "mfcc_window_length=0.025|mfcc_window_shift=0.010|mfcc_mask_nonspeech=True",
        "task_adjust_boundary_algorithm=beforenext|task_adjust_boundary_beforenext_value=0.000|is_audio_file_detect_head_max=1.000",
    ),
];

/// aeneas on every case, or why it did not run.
fn aeneas_errors(
    cases: &[Case],
    language: &str,
    rconf: &str,
    task: &str,
) -> Result<Errors, String> {
    let python = dev::dev_cache().join("aeneas/venv/bin/python");
    if !python.exists() {
        return Err(format!(
            "no aeneas venv at {} (run dev/setup)",
            python.display()
        ));
    }
    let work = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    let mut exact_starts = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        let exact = &case.words;
        let wav = work.path().join(format!("{k}.wav"));
        let bytes = briefcast::audio::samples_to_wav(&case.clip.samples, case.clip.rate).unwrap();
        std::fs::write(&wav, bytes).unwrap();
        let chars: Vec<char> = case.text.chars().collect();
        let lines: Vec<String> = exact
            .iter()
            .map(|w| chars[w.from..w.to].iter().collect())
            .collect();
        let txt = work.path().join(format!("{k}.txt"));
        std::fs::write(&txt, lines.join("\n") + "\n").unwrap();
        let voice = if language == "cmn" {
            // Debian's espeak-ng reads `cmn` by English rules; the pinyin
            // voice reads the pinyin words Mandarin.
            "tts_voice_code=cmn-latn-pinyin"
        } else {
            ""
        };
        jobs.push(serde_json::json!({
            "audio": wav, "text": txt, "language": language, "rconf": voice,
        }));
        exact_starts.push((
            exact.iter().map(|w| w.start).collect::<Vec<f64>>(),
            case.clip.samples.len() as f64 / case.clip.rate as f64,
        ));
    }
    let spec = work.path().join("jobs.json");
    let body = serde_json::json!({"rconf": rconf, "task": task, "jobs": jobs});
    std::fs::write(&spec, body.to_string()).unwrap();
    let output = Command::new(&python)
        .arg(root().join("benches/aeneas-align.py"))
        .arg(&spec)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "aeneas failed: {}",
            stderr.lines().last().unwrap_or("")
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut errors = Errors::default();
    for (line, (exact, seconds)) in stdout.lines().skip(1).zip(&exact_starts) {
        let answer: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let begins: Vec<f64> = answer["begins"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        errors.seconds_aligned += answer["seconds"].as_f64().unwrap_or(0.0);
        errors.seconds_of_audio += seconds;
        if begins.len() != exact.len() {
            errors.failed += 1;
            continue;
        }
        errors
            .signed
            .extend(begins.iter().zip(exact).map(|(b, e)| b - e));
    }
    Ok(errors)
}

/// espeak-ng clips of `texts` in `voice` at `speed`.
fn espeak_cases(texts: &[String], voice: &str, speed: f32) -> Vec<Case> {
    texts
        .iter()
        .map(|text| Case::new(text, spoken(text, voice, speed)))
        .collect()
}

/// Clips of an embedded neural voice with their exact words from the
/// embedded service, if it reports them; else why not.
fn neural_cases(texts: &[String], voice: &str) -> Result<Vec<Case>, String> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let server = briefcast::tts::embedded::start(([127, 0, 0, 1], 0).into())
            .await
            .map_err(|e| e.to_string())?;
        let url = format!("http://{}/v1/audio/speech", server.addr);
        let http = reqwest::Client::new();
        let mut cases = Vec::new();
        for text in texts {
            let body = serde_json::json!({"input": text, "voice": voice, "speed": 1.0, "response_format": "wav"});
            let response = http.post(&url).json(&body).send().await.map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                let why = response.text().await.unwrap_or_default();
                return Err(why.trim().to_owned());
            }
            let bytes = response.bytes().await.map_err(|e| e.to_string())?;
            let words = briefcast::audio::clip_words::clip_words(&bytes, text.chars().count())
                .filter(|w| !w.is_empty())
                .ok_or("the service sends no word times for this voice")?;
            let clip = briefcast::audio::decode_clip(&bytes, briefcast::model::ClipFormat::Wav)
                .map_err(|e| e.to_string())?;
            let recording = Recording {
                samples: clip.samples,
                rate: clip.rate,
                words,
            };
            cases.push(Case::new(text, recording));
        }
        Ok(cases)
    })
}

/// A data folder with the neural voices installed from the wheels
/// dev/setup fetched (as the tests do), or why not.
fn install_voices() -> Result<tempfile::TempDir, String> {
    let wheels = dev::dev_cache().join("voices/wheels");
    if !wheels.join(".complete").exists() {
        return Err("no voice wheels (run dev/setup)".into());
    }
    let data = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_briefcast"))
        .args(["voices", "install", "--from"])
        .arg(&wheels)
        .env("XDG_DATA_HOME", data.path())
        .env_remove("ORT_DYLIB_PATH")
        .output()
        .map_err(|e| e.to_string())?;
    if !status.status.success() {
        return Err(String::from_utf8_lossy(&status.stderr).trim().to_owned());
    }
    Ok(data)
}

fn report(group: &str, language: &str, cases: &[Case]) {
    let words: usize = cases.iter().map(|c| c.words.len()).sum();
    let seconds: f64 = cases
        .iter()
        .map(|c| c.clip.samples.len() as f64 / c.clip.rate as f64)
        .sum();
    println!(
        "\n### {group}: {} clips, {words} words, {seconds:.0} s of audio",
        cases.len()
    );
    println!("| aligner | words | median ms | p95 ms | mean signed ms | s per minute of audio |");
    println!("|---|---|---|---|---|---|");
    let ours = briefcast_errors(cases);
    println!("{}", ours.row("briefcast"));
    if std::env::var_os("ALIGN_WORST").is_some() {
        let mut worst = ours.worst.clone();
        worst.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
        for (error, word, start) in worst.iter().take(15) {
            eprintln!("  {:+.0} ms  {word:?} at {start:.2} s", error * 1000.0);
        }
    }
    if std::env::var_os("ALIGN_AENEAS").is_some_and(|v| v == "0") {
        return;
    }
    for (label, rconf, task) in AENEAS_RUNS {
        match aeneas_errors(cases, language, rconf, task) {
            Ok(errors) => println!("{}", errors.row(label)),
            Err(why) => println!("| {label} | not run: {why} | | | | |"),
        }
    }
}

fn main() {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runs = |name: &str| wanted.is_empty() || wanted.iter().any(|w| name.contains(w.as_str()));
    let lexicon = Lexicon::default();
    let zh = sentences(&scripts(&root().join("scripts")), 12..=60, SENTENCES);
    let mut english = scripts(&root().join("dev/bench-english/scripts"));
    english.push(root().join("src/cmd/init/example.en.md"));
    let en = sentences(&english, 20..=200, SENTENCES);
    let pinyin: Vec<String> = zh
        .iter()
        .map(|s| spoken_form(s, Normalize::Zh, Form::Pinyin, &lexicon))
        .collect();
    let pinyin_words: Vec<String> = zh
        .iter()
        .map(|s| spoken_form(s, Normalize::Zh, Form::PinyinWords, &lexicon))
        .collect();
    println!("# Forced alignment: word-start error against exact times");
    if runs("espeak") {
        let cases = espeak_cases(&pinyin, "cmn-latn-pinyin+f4", 0.85);
        report(
            "Mandarin, espeak-ng cmn-latn-pinyin+f4 at 0.85",
            "cmn",
            &cases,
        );
        let cases = espeak_cases(&en, "en-us+f4", 0.85);
        report("English, espeak-ng en-us+f4 at 0.85", "eng", &cases);
    }
    let neural: Vec<_> = [
        (
            "Mandarin, Kokoro zf_xiaobei",
            "cmn",
            "kokoro:zf_xiaobei",
            &pinyin_words,
        ),
        (
            "Mandarin, Kokoro zm_yunxi",
            "cmn",
            "kokoro:zm_yunxi",
            &pinyin_words,
        ),
        ("English, Kokoro af_heart", "eng", "kokoro:af_heart", &en),
        (
            "English, Kokoro am_michael",
            "eng",
            "kokoro:am_michael",
            &en,
        ),
        (
            "English, Piper en_US-joe-medium",
            "eng",
            "piper:en_US-joe-medium",
            &en,
        ),
    ]
    .into_iter()
    .filter(|group| runs(group.2))
    .collect();
    if neural.is_empty() {
        return;
    }
    match install_voices() {
        Err(why) => println!("\n### Kokoro and Piper: not run: {why}"),
        Ok(data) => {
            // The embedded service finds the voices through XDG_DATA_HOME.
            std::env::set_var("XDG_DATA_HOME", data.path());
            for (group, language, voice, texts) in neural {
                match neural_cases(texts, voice) {
                    Ok(cases) => report(group, language, &cases),
                    Err(why) => println!("\n### {group}: not run: {why}"),
                }
            }
        }
    }
}
