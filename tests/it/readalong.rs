//! The read-along page in a real browser: builds a small page (two episodes,
//! silent WAVs of the right length) and drives it in headless Chromium with
//! `tests/browser/readalong.mjs` (playwright-core), which checks the
//! speakers' play buttons, chapter links, highlighting, keyboard control
//! and text size through the DOM; and a page with timed words, driven by
//! `tests/browser/words.mjs`: the word lit at a set time and while
//! playing, pinyin shown and hidden (and remembered), clicking and keys on
//! words, speed, the live region.
//! Missing tools fail the test with the command that installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use briefcast::model::{
    ChapterPlan, EpisodePlan, EpisodeTiming, Pause, Segment, SegmentWord, SourcePos, Span,
};
use briefcast::publish::page::{assets, index_html, PageEpisode};

const RATE: u32 = 24_000;
const CHROMIUM: &str = "/usr/bin/chromium";

/// (chapter title, sentences) per chapter; sentence lengths vary with the text.
fn episode(
    slug: &str,
    speaker: &str,
    chapters: &[(&str, &[&str])],
) -> (EpisodePlan, EpisodeTiming) {
    let (mut plan_chapters, mut chapter_spans, mut segment_spans) = (vec![], vec![], vec![]);
    let mut at: u64 = RATE as u64 / 2; // a spoken announcement first
    for (c, (title, sentences)) in chapters.iter().enumerate() {
        let chapter_start = at;
        at += RATE as u64 * 3 / 4; // the chapter title is read out
        let mut segments = vec![];
        for (s, text) in sentences.iter().enumerate() {
            // Frame counts that are not whole milliseconds, to exercise rounding.
            let frames = RATE as u64 * (2 + text.chars().count() as u64 % 3) + 37 * (s as u64 + 1);
            segment_spans.push(Span { start: at, frames });
            at += frames + RATE as u64 / 3;
            let last = s + 1 == sentences.len();
            segments.push(Segment {
                id: format!("{slug}/1/{}/1/{}", c + 1, s + 1),
                text: text.to_string(),
                spoken: text.to_string(),
                voice: "test".into(),
                source: SourcePos {
                    path: PathBuf::from("scripts/test.md"),
                    line: c + 1,
                },
                pause_after: match (last, c + 1 == chapters.len(), s % 3 == 2) {
                    (true, true, _) => Pause::End,
                    (true, false, _) => Pause::Chapter,
                    (false, _, true) => Pause::Paragraph,
                    _ => Pause::Sentence,
                },
                announcement: false,
                words: Vec::new(),
            });
        }
        at += RATE as u64 / 2;
        chapter_spans.push(Span {
            start: chapter_start,
            frames: at - chapter_start,
        });
        plan_chapters.push(ChapterPlan {
            title: title.to_string(),
            segments,
        });
    }
    let plan = EpisodePlan {
        order: 0,
        speaker: speaker.into(),
        slug: slug.into(),
        title: format!("{speaker}的讲话"),
        chapters: plan_chapters,
    };
    let timing = EpisodeTiming {
        words: Vec::new(),
        rate: RATE,
        total_frames: at,
        chapters: chapter_spans,
        segments: segment_spans,
    };
    (plan, timing)
}

fn silent_wav(path: &Path, frames: u64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for _ in 0..frames {
        w.write_sample(0i16).expect("write wav");
    }
    w.finalize().expect("finalize wav");
}

fn require_tools(root: &Path) {
    let mut missing = vec![];
    if Command::new("node")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        missing.push("node (apt-get install -y nodejs npm)");
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push("/usr/bin/chromium (apt-get install -y chromium)");
    }
    if !root
        .join("tests/browser/node_modules/playwright-core")
        .is_dir()
    {
        missing.push("playwright-core (npm ci --prefix tests/browser)");
    }
    assert!(
        missing.is_empty(),
        "the read-along browser test needs: {}.\nInstall with: dev/setup",
        missing.join(", ")
    );
}

#[test]
fn read_along_page_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    require_tools(root);

    let one = episode(
        "liuzhou",
        "柳州市",
        &[
            (
                "柳州合力谱写民族团结新篇章",
                &[
                    "柳州是一座多民族聚居的城市。",
                    "近年来，全市上下凝心聚力。",
                    "成绩来之不易。",
                ],
            ),
            (
                "提高站位，强化领导",
                &[
                    "市委把民族团结摆在突出位置。",
                    "各级部门分工明确。",
                    "2023年投入资金增长12%。",
                ],
            ),
            (
                "<深化> “交往交流交融” & more",
                &["各族群众像石榴籽一样紧紧抱在一起。", "We keep going."],
            ),
        ],
    );
    let two = episode(
        "nanning",
        "南宁市",
        &[
            ("开篇", &["南宁欢迎你。", "谢谢大家。"]),
            ("结语", &["再见。"]),
        ],
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let mut episodes = vec![];
    let mut expect = vec![];
    for (plan, timing) in [&one, &two] {
        silent_wav(
            &dir.path().join(format!("{}.wav", plan.slug)),
            timing.total_frames,
        );
        std::fs::write(dir.path().join(format!("{}.vtt", plan.slug)), "WEBVTT\n").unwrap();
        episodes.push(PageEpisode {
            plan,
            timing,
            audio_file: format!("{}.wav", plan.slug),
            vtt_file: format!("{}.vtt", plan.slug),
        });
        // What the page must show, for the script to compare with the DOM.
        let ms = |f: u64| (f * 1000 + timing.rate as u64 / 2) / timing.rate as u64;
        expect.push(serde_json::json!({
            "slug": plan.slug,
            "speaker": plan.speaker,
            "chapters": plan.chapters.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
            "chapterStartsMs": timing.chapters.iter().map(|s| ms(s.start)).collect::<Vec<_>>(),
            "sentences": plan.segments().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            "sentenceStartsMs": timing.segments.iter().map(|s| ms(s.start)).collect::<Vec<_>>(),
        }));
    }
    let html = index_html("广西新闻 <测试>", "zh-CN", &episodes, None);
    std::fs::write(dir.path().join("index.html"), html).unwrap();
    for (name, contents) in assets() {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    std::fs::write(
        dir.path().join("expect.json"),
        serde_json::json!({ "title": "广西新闻 <测试>", "episodes": expect }).to_string(),
    )
    .unwrap();

    // Kept after the run so a person can look at the page.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readalong.png");
    let _ = std::fs::remove_file(&shot);
    browser_checks(
        root,
        "tests/browser/readalong.mjs",
        &dir.path().join("index.html"),
        &shot,
    );
    let png = std::fs::read(&shot).unwrap_or_default();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 1000,
        "no screenshot at {}",
        shot.display()
    );
}

/// (written, spoken, pinyin) of each word of a sentence, and its text.
type Sentence = (
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

/// One episode of timed words: each word half a second, a tenth of a
/// second between words, 0.6 s between sentences.
fn worded_episode(sentences: &[Sentence]) -> (EpisodePlan, EpisodeTiming, serde_json::Value) {
    let rate = RATE as u64;
    let (mut segments, mut segment_spans, mut word_spans, mut expect_words) =
        (vec![], vec![], vec![], vec![]);
    let mut at = rate / 2;
    for (s, (text, words)) in sentences.iter().enumerate() {
        let chars: Vec<char> = text.chars().collect();
        let (mut from, mut seg_words, mut spans) = (0, vec![], vec![]);
        let start = at;
        for (written, spoken, pinyin) in words.iter() {
            let w: Vec<char> = written.chars().collect();
            let i = (from..chars.len())
                .find(|&i| chars[i..].starts_with(&w))
                .expect("word in its sentence");
            from = i + w.len();
            seg_words.push(SegmentWord {
                written: i..from,
                spoken: spoken.to_string(),
                sent: 0..0,
                pinyin: pinyin.split_whitespace().map(String::from).collect(),
            });
            spans.push(Span {
                start: at,
                frames: rate / 2,
            });
            at += rate / 2 + rate / 10;
        }
        let end = at;
        segment_spans.push(Span {
            start,
            frames: end - start,
        });
        let ms = |f: u64| (f * 1000 + rate / 2) / rate;
        for (word, span) in words.iter().zip(&spans) {
            expect_words.push(serde_json::json!({
                "text": word.0,
                "sentence": s,
                "startMs": ms(span.start),
                "endMs": ms(span.start + span.frames),
                "sentenceEndMs": ms(end),
            }));
        }
        word_spans.push(spans);
        segments.push(Segment {
            id: format!("w/1/1/1/{}", s + 1),
            text: text.to_string(),
            spoken: text.to_string(),
            voice: "test".into(),
            source: SourcePos {
                path: PathBuf::from("scripts/w.md"),
                line: 1,
            },
            pause_after: if s + 1 == sentences.len() {
                Pause::End
            } else {
                Pause::Sentence
            },
            announcement: false,
            words: seg_words,
        });
        at += rate * 6 / 10;
    }
    let plan = EpisodePlan {
        order: 0,
        speaker: "柳州市".into(),
        slug: "words".into(),
        title: "逐词朗读".into(),
        chapters: vec![ChapterPlan {
            title: "开篇".into(),
            segments,
        }],
    };
    let timing = EpisodeTiming {
        rate: RATE,
        total_frames: at,
        chapters: vec![Span {
            start: 0,
            frames: at,
        }],
        segments: segment_spans,
        words: word_spans,
    };
    (plan, timing, serde_json::Value::Array(expect_words))
}

#[test]
fn word_by_word_read_along_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    require_tools(root);
    let (plan, timing, mut words) = worded_episode(&[
        (
            "2019年，柳州很好。",
            &[
                ("2019年", "二零一九年", "er4 ling2 yi1 jiu3 nian2"),
                ("柳州", "柳州", "liu3 zhou1"),
                ("很", "很", "hen3"),
                ("好", "好", "hao3"),
            ],
        ),
        (
            "We keep going.",
            &[
                ("We", "We", ""),
                ("keep", "keep", ""),
                ("going", "going", ""),
            ],
        ),
        (
            "花儿开了！",
            &[("花儿", "花儿", "huar1"), ("开了", "开了", "kai1 le5")],
        ),
    ]);
    // What the page must put over each word: the reading as people read it.
    let ruby: [&[&str]; 9] = [
        &["èr líng yī jiǔ nián"],
        &["liǔ", "zhōu"],
        &["hěn"],
        &["hǎo"],
        &[],
        &[],
        &[],
        &["huār"],
        &["kāi", "le"],
    ];
    for (word, ruby) in words.as_array_mut().unwrap().iter_mut().zip(ruby) {
        word["ruby"] = serde_json::json!(ruby);
    }
    let pause = timing.segments[0].start + timing.segments[0].frames + RATE as u64 / 5;

    let dir = tempfile::tempdir().expect("temp dir");
    silent_wav(&dir.path().join("words.wav"), timing.total_frames);
    std::fs::write(dir.path().join("words.vtt"), "WEBVTT\n").unwrap();
    let episode = PageEpisode {
        plan: &plan,
        timing: &timing,
        audio_file: "words.wav".into(),
        vtt_file: "words.vtt".into(),
    };
    std::fs::write(
        dir.path().join("index.html"),
        index_html("逐词", "zh-CN", &[episode], Some("show.epub")),
    )
    .unwrap();
    for (name, contents) in assets() {
        std::fs::write(dir.path().join(name), contents).unwrap();
    }
    std::fs::write(
        dir.path().join("expect.json"),
        serde_json::json!({
            "slug": "words",
            "words": words,
            "sentences": ["2019年，柳州很好。", "We keep going.", "花儿开了！"],
            "probe": [2, 5, 8],
            "pauseMs": pause * 1000 / RATE as u64,
        })
        .to_string(),
    )
    .unwrap();

    // Kept after the run so a person can look at the page.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("readalong-words.png");
    browser_checks(
        root,
        "tests/browser/words.mjs",
        &dir.path().join("index.html"),
        &shot,
    );
}

/// Run a browser check script (node, the real Chromium) on `page`, saving
/// a screenshot at `shot`; its output is printed, and a failure fails.
fn browser_checks(root: &Path, script: &str, page: &Path, shot: &Path) {
    let out = Command::new("node")
        .arg(script)
        .arg(page)
        .arg(shot)
        .current_dir(root)
        .output()
        .expect("run node");
    let log = format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{log}");
    assert!(
        out.status.success(),
        "browser checks failed ({})\n{log}",
        out.status
    );
}
