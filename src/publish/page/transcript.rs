//! An episode's text on the read-along page: a heading per chapter, its
//! paragraphs, and each sentence a focusable `<span class="seg">` with its
//! start and end; inside it every timed word a `<span class="w">` with its
//! own, hanzi with pinyin over them (`publish::ruby`). A segment whose
//! words have no times shows its text as a whole, as a sentence.

use std::fmt::Write;

use super::ms;
use crate::model::{EpisodePlan, EpisodeTiming, Pause};
use crate::publish::ruby::words_html;
use crate::util::escape_xml;

/// The chapters of `plan`, their sentences and words, timed by `t`.
pub(super) fn transcript(h: &mut String, plan: &EpisodePlan, t: &EpisodeTiming, slug: &str) {
    let mut spans = t.segments.iter();
    let mut n = 0;
    for (i, ch) in plan.chapters.iter().enumerate() {
        let (c, name) = (i + 1, escape_xml(&ch.title));
        let _ = write!(h, "<h3 id=\"{slug}-c{c}\" tabindex=\"-1\">{name}</h3>\n<p>");
        let last = ch.segments.len().saturating_sub(1);
        for (j, seg) in ch.segments.iter().enumerate() {
            let span = spans.next().copied().unwrap_or_default();
            let (start, end) = (ms(span.start, t.rate), ms(span.start + span.frames, t.rate));
            let words = t.words.get(n).filter(|w| w.len() == seg.words.len());
            n += 1;
            let text = match words {
                Some(words) if !words.is_empty() => words_html(seg, &mut |w| {
                    let s = words[w];
                    let (from, to) = (ms(s.start, t.rate), ms(s.start + s.frames, t.rate));
                    format!("<span class=\"w\" data-start=\"{from}\" data-end=\"{to}\">")
                }),
                _ => escape_xml(&seg.text),
            };
            let _ = write!(
                h,
                "<span class=\"seg\" id=\"{slug}-s{n}\" tabindex=\"0\" data-start=\"{start}\" \
                 data-end=\"{end}\">{text}</span>"
            );
            if j < last && seg.pause_after != Pause::Sentence {
                h.push_str("</p>\n<p>");
            }
        }
        h.push_str("</p>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Segment, SegmentWord, Span};

    fn plan(words: Vec<SegmentWord>) -> EpisodePlan {
        let seg = |text: &str, words| Segment::sample("s", text, Pause::Sentence, words);
        EpisodePlan {
            order: 0,
            speaker: "甲".into(),
            slug: "a".into(),
            title: "t".into(),
            chapters: vec![ChapterPlan {
                title: "一".into(),
                segments: vec![seg("你好，LED。", words), seg("再见。", vec![])],
            }],
        }
    }

    fn word(written: std::ops::Range<usize>, pinyin: &[&str]) -> SegmentWord {
        SegmentWord {
            written,
            spoken: String::new(),
            sent: 0..0,
            pinyin: pinyin.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn timing(words: Vec<Vec<Span>>) -> EpisodeTiming {
        let span = |start, frames| Span { start, frames };
        EpisodeTiming {
            rate: 1000,
            total_frames: 5000,
            chapters: vec![span(0, 5000)],
            segments: vec![span(100, 2000), span(2500, 1000)],
            words,
        }
    }

    #[test]
    fn every_timed_word_is_a_span_with_its_times() {
        let plan = plan(vec![word(0..2, &["ni3", "hao3"]), word(3..6, &[])]);
        let timing = timing(vec![
            vec![
                Span {
                    start: 100,
                    frames: 650,
                },
                Span {
                    start: 1250,
                    frames: 500,
                },
            ],
            vec![],
        ]);
        let mut h = String::new();
        transcript(&mut h, &plan, &timing, "a");
        assert!(h.contains(
            "<span class=\"seg\" id=\"a-s1\" tabindex=\"0\" data-start=\"0.100\" data-end=\"2.100\">\
             <span class=\"w\" data-start=\"0.100\" data-end=\"0.750\"><ruby>你<rp>(</rp>\
             <rt aria-hidden=\"true\">nǐ</rt><rp>)</rp></ruby><ruby>好<rp>(</rp>\
             <rt aria-hidden=\"true\">hǎo</rt><rp>)</rp></ruby></span>，\
             <span class=\"w\" data-start=\"1.250\" data-end=\"1.750\">LED</span>。</span>"
        ), "{h}");
        assert!(h.contains("data-end=\"3.500\">再见。</span>"), "{h}");
    }

    #[test]
    fn words_without_times_show_the_sentence_as_written() {
        let plan = plan(vec![word(0..2, &["ni3", "hao3"]), word(3..6, &[])]);
        for words in [vec![], vec![vec![Span::default()], vec![]]] {
            let mut h = String::new();
            transcript(&mut h, &plan, &timing(words), "a");
            assert!(h.contains("data-end=\"2.100\">你好，LED。</span>"), "{h}");
            assert!(!h.contains("class=\"w\""), "{h}");
        }
    }
}
