//! Word-level WebVTT (`<slug>.words.vtt`): the sentence cues of
//! `captions.rs`, each word of a cue preceded by the time it is heard
//! (`<00:00:01.250>`, karaoke style), so a player can light up the words
//! as they are spoken.
//!
//! WebVTT asks a cue's timestamps to lie strictly after its start, strictly
//! before its end and strictly after each other: a word heard at the cue's
//! start, in the same millisecond as the word before it, or at or after the
//! cue's end carries no timestamp of its own (it lights up with the text
//! before it). A cue whose words have no times is the sentence as written.

use crate::model::{EpisodePlan, EpisodeTiming, Segment, Span};
use crate::util::frames_to_millis;

use super::captions::{timestamp, webvtt_cues};

/// The whole `.words.vtt`.
pub(super) fn words_webvtt(plan: &EpisodePlan, timing: &EpisodeTiming) -> String {
    webvtt_cues(plan, timing, &|n, segment, cue| {
        let words = timing
            .words
            .get(n)
            .filter(|w| w.len() == segment.words.len())
            .map_or(&[][..], |w| &w[..]);
        karaoke(segment, words, timing.rate, cue)
    })
}

/// A cue's text with a timestamp before each word that can carry one.
fn karaoke(segment: &Segment, spans: &[Span], rate: u32, (start, end): (u64, u64)) -> String {
    let text: Vec<char> = segment.text.chars().collect();
    let plain = |from: usize, to: usize| escape(&text[from..to].iter().collect::<String>());
    let mut out = String::new();
    let (mut at, mut last) = (0, start);
    for (word, span) in segment.words.iter().zip(spans) {
        let (from, to) = (word.written.start, word.written.end);
        if from < at || to > text.len() || from >= to {
            continue;
        }
        out.push_str(&plain(at, from));
        let heard = frames_to_millis(span.start, rate);
        if heard > last && heard < end {
            out.push('<');
            out.push_str(&timestamp(heard, '.'));
            out.push('>');
            last = heard;
        }
        out.push_str(&plain(from, to));
        at = to;
    }
    out.push_str(&plain(at, text.len()));
    out
}

/// Cue text escaping for a piece of a line: no line breaks or tabs, `&`,
/// `<` and `>` as references (so `-->` cannot appear). Spaces are kept:
/// they separate the words of a sentence.
fn escape(piece: &str) -> String {
    piece
        .replace(['\n', '\r', '\t'], " ")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Pause, SegmentWord};
    use crate::publish::captions::tests::{check_vtt, parse_time};

    fn segment(text: &str, words: &[std::ops::Range<usize>]) -> Segment {
        Segment::sample(
            format!("s/{}", text.chars().count()),
            text,
            Pause::Sentence,
            words
                .iter()
                .map(|r| SegmentWord {
                    written: r.clone(),
                    ..SegmentWord::default()
                })
                .collect(),
        )
    }

    fn span(start: u64, frames: u64) -> Span {
        Span { start, frames }
    }

    /// 1 kHz frames are milliseconds.
    fn episode() -> (EpisodePlan, EpisodeTiming) {
        let plan = EpisodePlan {
            order: 0,
            speaker: "Ann & Bo".into(),
            slug: "a".into(),
            title: "t".into(),
            chapters: vec![ChapterPlan {
                title: "One".into(),
                segments: vec![
                    segment(
                        "We say a < b, loudly.",
                        &[0..2, 3..6, 7..8, 9..10, 11..12, 14..20],
                    ),
                    segment("柳州市欢迎你。", &[0..3, 3..5, 5..6]),
                    segment("No words here.", &[]),
                ],
            }],
        };
        let timing = EpisodeTiming {
            rate: 1000,
            total_frames: 9000,
            chapters: vec![span(0, 9000)],
            segments: vec![span(1000, 2000), span(3500, 1500), span(6000, 1000)],
            words: vec![
                // "We" at the cue's start; "a" and "<" in one ms; "loudly" after the end.
                vec![
                    span(1000, 200),
                    span(1250, 200),
                    span(1600, 100),
                    span(1600, 100),
                    span(1800, 100),
                    span(3000, 400),
                ],
                vec![span(3600, 600), span(4200, 400), span(4650, 300)],
                vec![],
            ],
        };
        (plan, timing)
    }

    /// Every cue's timestamps, checked against WebVTT's rules, then the
    /// file without them checked by the sentence captions' strict checker.
    fn check_words_vtt(vtt: &str) -> Vec<Vec<u64>> {
        let mut all = Vec::new();
        let mut stripped = String::new();
        let mut cue: Option<(u64, u64)> = None;
        for line in vtt.split('\n') {
            if let Some((a, b)) = line.split_once(" --> ") {
                cue = Some((parse_time(a, '.').unwrap(), parse_time(b, '.').unwrap()));
                all.push(Vec::new());
                stripped.push_str(line);
            } else if let (Some((start, end)), false) = (cue, line.is_empty()) {
                let mut rest = line;
                let mut last = start;
                while let Some(i) = rest.find("<0") {
                    stripped.push_str(&rest[..i]);
                    let close = rest[i..].find('>').unwrap() + i;
                    let t = parse_time(&rest[i + 1..close], '.').expect("timestamp grammar");
                    assert!(t > last && t < end, "{t} not in ({last}, {end}): {line}");
                    last = t;
                    all.last_mut().unwrap().push(t);
                    rest = &rest[close + 1..];
                }
                stripped.push_str(rest);
            } else {
                cue = None;
                stripped.push_str(line);
            }
            stripped.push('\n');
        }
        stripped.pop();
        check_vtt(&stripped);
        all
    }

    #[test]
    fn each_word_gets_its_time_where_webvtt_allows_one() {
        let (plan, timing) = episode();
        let vtt = words_webvtt(&plan, &timing);
        assert_eq!(
            check_words_vtt(&vtt),
            [vec![1250, 1600, 1800], vec![3600, 4200, 4650], vec![]]
        );
        assert!(
            vtt.contains(
                "<v Ann &amp; Bo>We <00:00:01.250>say <00:00:01.600>a &lt; \
             <00:00:01.800>b, loudly.</v>\n"
            ),
            "{vtt}"
        );
        assert!(
            vtt.contains(
                "<v Ann &amp; Bo><00:00:03.600>柳州市<00:00:04.200>欢迎<00:00:04.650>你。</v>"
            ),
            "{vtt}"
        );
        assert!(
            vtt.contains("\n00:00:06.000 --> 00:00:07.000\n<v Ann &amp; Bo>No words here.</v>\n")
        );
        // The same cues as the sentence captions.
        let plain = super::super::captions::webvtt(&plan, &timing);
        let lines = |v: &str| {
            v.lines()
                .filter(|l| l.contains("-->"))
                .map(String::from)
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&vtt), lines(&plain));
    }

    #[test]
    fn without_word_times_the_words_file_is_the_sentence_file() {
        let (plan, mut timing) = episode();
        timing.words.clear();
        assert_eq!(
            words_webvtt(&plan, &timing),
            super::super::captions::webvtt(&plan, &timing)
        );
    }
}
