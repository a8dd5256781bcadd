//! Time-coded transcripts: WebVTT (`<slug>.vtt`), SubRip (`<slug>.srt`) and
//! an Audacity label track (`<slug>.labels.txt`).
//!
//! One cue per segment, timed from the frames the audio stage reports and
//! rounded to the millisecond; the written text (not the spoken form) is the
//! caption. Owns cue timing rules (end after start, no overlap) and each
//! format's escaping. It leaves file names and writing to `publish`, and
//! never looks at samples.

use std::fmt::Write as _;

use crate::model::{EpisodePlan, EpisodeTiming, Segment, Span};
use crate::util::frames_to_millis;

/// `(start_ms, end_ms)` of every segment cue: rounded to the nearest ms, each
/// cue at least 1 ms long and starting no earlier than the previous one ends.
fn cue_times(timing: &EpisodeTiming) -> Vec<(u64, u64)> {
    let mut previous_end = 0;
    timing
        .segments
        .iter()
        .map(|span| {
            let (start, end) = span_ms(span, timing.rate);
            let start = start.max(previous_end);
            let end = end.max(start + 1);
            previous_end = end;
            (start, end)
        })
        .collect()
}

fn span_ms(span: &Span, rate: u32) -> (u64, u64) {
    (
        frames_to_millis(span.start, rate),
        frames_to_millis(span.start + span.frames, rate),
    )
}

/// `HH:MM:SS` + `sep` + `mmm`; hours grow past two digits if they must.
pub(super) fn timestamp(ms: u64, sep: char) -> String {
    let (h, m, s) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    format!("{h:02}:{m:02}:{s:02}{sep}{:03}", ms % 1000)
}

/// One line of text: captions and labels never carry line breaks or tabs.
fn one_line(text: &str) -> String {
    text.split(['\n', '\r', '\t'])
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// WebVTT cue text escaping; with `>` escaped, `-->` cannot appear.
fn escape_vtt(text: &str) -> String {
    one_line(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// For places with no escaping at all (NOTE blocks, cue ids, SRT text).
fn no_arrow(text: &str) -> String {
    one_line(text).replace("-->", "->")
}

/// WebVTT with a `NOTE` before each chapter and a `<v speaker>` cue per segment.
pub fn webvtt(plan: &EpisodePlan, timing: &EpisodeTiming) -> String {
    webvtt_cues(plan, timing, &|_, segment, _| escape_vtt(&segment.text))
}

/// A cue's text, escaped, from `(n, segment, (start, end))`: `n` counts
/// segments from 0, times are in ms.
pub(super) type CueText<'a> = &'a dyn Fn(usize, &Segment, (u64, u64)) -> String;

/// WebVTT as [`webvtt`], each cue's text given by `text`.
pub(super) fn webvtt_cues(plan: &EpisodePlan, timing: &EpisodeTiming, text: CueText) -> String {
    let mut out = String::from("WEBVTT\n\n");
    let speaker = escape_vtt(&plan.speaker);
    let mut times = cue_times(timing).into_iter().enumerate();
    for (number, chapter) in plan.chapters.iter().enumerate() {
        let at = timing
            .chapters
            .get(number)
            .map_or(0, |span| span_ms(span, timing.rate).0);
        let title = no_arrow(&chapter.title);
        let stamp = timestamp(at, '.');
        let _ = writeln!(out, "NOTE chapter {} at {stamp}: {title}\n", number + 1);
        for (segment, (n, (start, end))) in chapter.segments.iter().zip(&mut times) {
            let text = text(n, segment, (start, end));
            let _ = writeln!(out, "{}", no_arrow(&segment.id));
            let _ = writeln!(out, "{} --> {}", timestamp(start, '.'), timestamp(end, '.'));
            if speaker.is_empty() {
                let _ = writeln!(out, "{text}\n");
            } else {
                let _ = writeln!(out, "<v {speaker}>{text}</v>\n");
            }
        }
    }
    out
}

/// SubRip: cues numbered from 1, `HH:MM:SS,mmm`, raw text (SRT has no escapes).
pub fn srt(plan: &EpisodePlan, timing: &EpisodeTiming) -> String {
    let mut out = String::new();
    let cues = plan.segments().zip(cue_times(timing));
    for (number, (segment, (start, end))) in cues.enumerate() {
        let _ = writeln!(out, "{}", number + 1);
        let _ = writeln!(out, "{} --> {}", timestamp(start, ','), timestamp(end, ','));
        let _ = writeln!(out, "{}\n", no_arrow(&segment.text));
    }
    out
}

/// Audacity label track: start\tend\ttitle per chapter, seconds with 6 decimals.
pub fn audacity_labels(plan: &EpisodePlan, timing: &EpisodeTiming) -> String {
    let seconds = |frames: u64| {
        let us = crate::util::frames_to_micros(frames, timing.rate);
        format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
    };
    let mut out = String::new();
    for (chapter, span) in plan.chapters.iter().zip(&timing.chapters) {
        let (start, end) = (seconds(span.start), seconds(span.start + span.frames));
        let _ = writeln!(out, "{start}\t{end}\t{}", one_line(&chapter.title));
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Pause, SourcePos};

    fn segment(id: &str, text: &str) -> Segment {
        Segment {
            id: id.into(),
            text: text.into(),
            spoken: text.into(),
            voice: "zh".into(),
            source: SourcePos {
                path: "scripts/01.md".into(),
                line: 1,
            },
            pause_after: Pause::Sentence,
            announcement: false,
            words: Vec::new(),
        }
    }

    fn span(start: u64, frames: u64) -> Span {
        Span { start, frames }
    }

    /// Two chapters, tricky text, times that need rounding (48 kHz).
    fn episode() -> (EpisodePlan, EpisodeTiming) {
        let chapter = |title: &str, segments| ChapterPlan {
            title: title.into(),
            segments,
        };
        let plan = EpisodePlan {
            order: 0,
            speaker: "柳州市 <A&B>".into(),
            slug: "liuzhou".into(),
            title: "标题".into(),
            chapters: vec![
                chapter("标题", vec![segment("lz/1/1/1/1", "a < b & c --> d")]),
                chapter(
                    "第二章 --> 2\tend",
                    vec![
                        segment("lz/1/2/1/1", "民族团结进步，100%。"),
                        segment("lz/1/2/1/2", "Line one\nline two > three"),
                    ],
                ),
            ],
        };
        let timing = EpisodeTiming {
            words: Vec::new(),
            rate: 48_000,
            total_frames: 3_600 * 48_000 + 200_000,
            chapters: vec![span(0, 72_024), span(72_024, 3_600 * 48_000 + 127_976)],
            segments: vec![
                span(0, 72_024),
                span(72_024, 71_976),
                span(3_600 * 48_000 + 100, 100_000),
            ],
        };
        (plan, timing)
    }

    pub(in crate::publish) fn parse_time(t: &str, sep: char) -> Option<u64> {
        let (hms, ms) = t.split_once(sep)?;
        let parts: Vec<&str> = hms.split(':').collect();
        let two = |p: &str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
        let ok = parts.len() == 3 && parts[0].len() >= 2 && two(parts[1]) && two(parts[2]);
        if !ok || ms.len() != 3 || !ms.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = |p: &str| p.parse::<u64>().ok();
        let (h, m, s) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
        (m < 60 && s < 60).then_some(((h * 60 + m) * 60 + s) * 1000 + n(ms)?)
    }

    /// Cue text: only `<v …>`/`</v>` tags, only `&amp; &lt; &gt;` escapes.
    pub(in crate::publish) fn check_vtt_text(line: &str) -> Result<(), String> {
        let mut rest = line;
        while let Some(i) = rest.find(['<', '&']) {
            let tail = &rest[i..];
            let len = if tail.starts_with("</v>") {
                4
            } else if tail.starts_with("<v ") {
                let close = tail.find('>').ok_or("unclosed <v")?;
                check_vtt_text(&tail[3..close])?;
                close + 1
            } else if let Some(e) = ["&amp;", "&lt;", "&gt;"]
                .iter()
                .find(|e| tail.starts_with(**e))
            {
                e.len()
            } else {
                return Err(format!("raw < or & in {line:?}"));
            };
            rest = &tail[len..];
        }
        Ok(())
    }

    /// A strict WebVTT checker for what this module writes; returns cue times.
    pub(in crate::publish) fn check_vtt(vtt: &str) -> Vec<(u64, u64)> {
        let body = vtt.strip_prefix("WEBVTT\n\n").expect("header + blank line");
        assert!(vtt.ends_with("\n\n"), "last block ends with a blank line");
        let mut cues = Vec::new();
        for block in body.trim_end_matches('\n').split("\n\n") {
            let lines: Vec<&str> = block.split('\n').collect();
            assert!(
                lines.iter().all(|l| !l.is_empty()),
                "empty line in {block:?}"
            );
            if lines[0].starts_with("NOTE") {
                assert!(!block.contains("-->"), "--> in a NOTE: {block:?}");
                continue;
            }
            assert!(lines.len() >= 3, "id, timing, text: {block:?}");
            assert!(!lines[0].contains("-->"), "id {:?}", lines[0]);
            let (start, end) = lines[1].split_once(" --> ").expect("timing line");
            let start = parse_time(start, '.').expect("start grammar");
            let end = parse_time(end, '.').expect("end grammar");
            assert!(end > start, "end after start in {block:?}");
            if let Some(&(_, previous_end)) = cues.last() {
                assert!(start >= previous_end, "cues overlap at {block:?}");
            }
            for text in &lines[2..] {
                assert!(!text.contains("-->"), "--> in cue text {text:?}");
                check_vtt_text(text).unwrap();
            }
            cues.push((start, end));
        }
        cues
    }

    #[test]
    fn webvtt_is_strictly_valid_and_exact() {
        let (plan, timing) = episode();
        let vtt = webvtt(&plan, &timing);
        let cues = check_vtt(&vtt);
        let hour = 3_600_000;
        assert_eq!(cues, [(0, 1501), (1501, 3000), (hour + 2, hour + 2085)]);
        assert!(vtt.contains("\nlz/1/1/1/1\n00:00:00.000 --> 00:00:01.501\n"));
        assert!(vtt.contains("<v 柳州市 &lt;A&amp;B&gt;>a &lt; b &amp; c --&gt; d</v>\n"));
        assert!(vtt.contains("民族团结进步，100%。</v>"));
        assert!(vtt.contains(">Line one line two &gt; three</v>"));
        assert!(vtt.contains("NOTE chapter 2 at 00:00:01.501: 第二章 -> 2 end\n"));
        assert!(vtt.contains("\n01:00:00.002 --> 01:00:02.085\n"));
        assert_eq!(vtt, webvtt(&plan, &timing), "deterministic");
    }

    #[test]
    fn cues_never_overlap_or_vanish() {
        let timing = EpisodeTiming {
            words: Vec::new(),
            rate: 44_100,
            segments: vec![span(0, 0), span(0, 10), span(30, 1)],
            ..EpisodeTiming::default()
        };
        assert_eq!(cue_times(&timing), [(0, 1), (1, 2), (2, 3)]);
    }

    #[test]
    fn srt_numbers_cues_with_comma_times() {
        let (plan, timing) = episode();
        let srt = srt(&plan, &timing);
        let blocks: Vec<&str> = srt.trim_end().split("\n\n").collect();
        assert_eq!(blocks.len(), 3);
        for (i, block) in blocks.iter().enumerate() {
            let lines: Vec<&str> = block.lines().collect();
            assert_eq!(lines[0], (i + 1).to_string());
            let (start, end) = lines[1].split_once(" --> ").unwrap();
            assert!(parse_time(start, ',').unwrap() < parse_time(end, ',').unwrap());
            assert_eq!(lines.len(), 3);
        }
        assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:01,501\na < b & c -> d\n\n2\n"));
        assert!(srt.contains("3\n01:00:00,002 --> 01:00:02,085\nLine one line two > three\n"));
    }

    #[test]
    fn labels_have_six_decimals_and_tabs() {
        let (plan, timing) = episode();
        assert_eq!(
            audacity_labels(&plan, &timing),
            "0.000000\t1.500500\t标题\n1.500500\t3604.166667\t第二章 --> 2 end\n"
        );
    }
}
