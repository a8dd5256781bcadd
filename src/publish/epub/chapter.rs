//! One episode in the EPUB: its XHTML chapter (the speaker, the speech
//! title, each chapter's heading and paragraphs, every sentence a `<span>`
//! with an id and, where the build knew their times, every word one too,
//! hanzi with pinyin over them) and its Media Overlay, a SMIL `<par>` per
//! word (per sentence where words have no times) pointing at the text and
//! at a clip of the episode's audio.
//!
//! Clips follow one another without gaps, each running to the next one's
//! start and the last to the episode's end, so a reading system plays the
//! episode as it was made, pauses included, and lights each word for as
//! long as it is the last one heard.

use std::fmt::Write;

use super::clock;
use crate::model::{EpisodePlan, EpisodeTiming, Pause};
use crate::publish::ruby::words_html;
use crate::util::{escape_xml, frames_to_millis};

/// An episode's two documents and what its overlay lasts.
pub(super) struct Chapter {
    pub(super) xhtml: String,
    pub(super) smil: String,
    /// The sum of the overlay's clips, ms: its `media:duration`.
    pub(super) duration_ms: u64,
}

/// Where the chapter finds its audio, and itself, from the SMIL's folder.
pub(super) struct Paths<'a> {
    pub(super) text: &'a str,
    pub(super) audio: &'a str,
}

pub(super) fn chapter(
    plan: &EpisodePlan,
    t: &EpisodeTiming,
    language: &str,
    paths: &Paths,
) -> Chapter {
    let (lang, speaker, title) = (
        escape_xml(language),
        escape_xml(&plan.speaker),
        escape_xml(&plan.title),
    );
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{lang}\" xml:lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <title>{speaker} · {title}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"../style.css\"/>\n</head>\n\
         <body>\n<section id=\"episode\" epub:type=\"chapter\" aria-labelledby=\"speaker\">\n\
         <h1 id=\"speaker\">{speaker}</h1>\n<p class=\"speech-title\">{title}</p>\n"
    );
    // (element id, start ms) of everything the overlay lights, in order.
    let mut clips: Vec<(String, u64)> = Vec::new();
    let ms = |frames| frames_to_millis(frames, t.rate);
    let mut n = 0;
    for (c, ch) in plan.chapters.iter().enumerate() {
        let _ = write!(
            x,
            "<h2 id=\"c{}\">{}</h2>\n<p>",
            c + 1,
            escape_xml(&ch.title)
        );
        let last = ch.segments.len().saturating_sub(1);
        for (j, seg) in ch.segments.iter().enumerate() {
            let span = t.segments.get(n).copied().unwrap_or_default();
            let words = t.words.get(n).filter(|w| w.len() == seg.words.len());
            n += 1;
            let id = format!("s{n}");
            let mut timed = Vec::new();
            let text = match words {
                Some(words) if !words.is_empty() => words_html(seg, &mut |w| {
                    timed.push((format!("{id}w{}", w + 1), ms(words[w].start)));
                    format!("<span id=\"{id}w{}\">", w + 1)
                }),
                _ => escape_xml(&seg.text),
            };
            if timed.is_empty() {
                clips.push((id.clone(), ms(span.start)));
            }
            clips.extend(timed);
            let _ = write!(x, "<span id=\"{id}\" class=\"seg\">{text}</span>");
            if j < last && seg.pause_after != Pause::Sentence {
                x.push_str("</p>\n<p>");
            }
        }
        x.push_str("</p>\n");
    }
    x.push_str("</section>\n</body>\n</html>\n");

    let mut smil = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <smil xmlns=\"http://www.w3.org/ns/SMIL\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         version=\"3.0\">\n<body>\n",
    );
    let _ = writeln!(
        smil,
        "<seq id=\"seq1\" epub:textref=\"{}#episode\" epub:type=\"chapter\">",
        escape_xml(paths.text)
    );
    let total = ms(t.total_frames);
    let (mut duration_ms, mut previous_end) = (0, 0);
    for (i, (id, start)) in clips.iter().enumerate() {
        // In order, never empty, each up to the next one's start.
        let begin = (*start).max(previous_end);
        let next = clips.get(i + 1).map_or(total, |(_, s)| *s);
        let end = next.max(begin + 1);
        previous_end = end;
        duration_ms += end - begin;
        let _ = writeln!(
            smil,
            "<par id=\"p{}\"><text src=\"{}#{id}\"/><audio src=\"{}\" clipBegin=\"{}\" clipEnd=\"{}\"/></par>",
            i + 1,
            escape_xml(paths.text),
            escape_xml(paths.audio),
            clock(begin),
            clock(end)
        );
    }
    smil.push_str("</seq>\n</body>\n</smil>\n");
    Chapter {
        xhtml: x,
        smil,
        duration_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Segment, SegmentWord, Span};

    fn seg(text: &str, pause_after: Pause, words: Vec<SegmentWord>) -> Segment {
        Segment::sample("s", text, pause_after, words)
    }

    fn word(written: std::ops::Range<usize>, pinyin: &[&str]) -> SegmentWord {
        SegmentWord {
            written,
            pinyin: pinyin.iter().map(|s| s.to_string()).collect(),
            ..SegmentWord::default()
        }
    }

    fn span(start: u64, frames: u64) -> Span {
        Span { start, frames }
    }

    #[test]
    fn words_and_untimed_sentences_each_get_a_par_with_contiguous_clips() {
        let plan = EpisodePlan {
            order: 0,
            speaker: "柳州<市>".into(),
            slug: "liuzhou".into(),
            title: "A & B".into(),
            chapters: vec![ChapterPlan {
                title: "一".into(),
                segments: vec![
                    seg(
                        "你好，LED。",
                        Pause::Paragraph,
                        vec![word(0..2, &["ni3", "hao3"]), word(3..6, &[])],
                    ),
                    seg("Untimed.", Pause::End, vec![]),
                ],
            }],
        };
        // 1 kHz: frames are ms.
        let timing = EpisodeTiming {
            rate: 1000,
            total_frames: 6000,
            chapters: vec![span(0, 6000)],
            segments: vec![span(500, 2000), span(3000, 1500)],
            words: vec![vec![span(500, 600), span(1300, 0)], vec![]],
        };
        let paths = Paths {
            text: "../text/liuzhou.xhtml",
            audio: "../audio/liuzhou.mp3",
        };
        let c = chapter(&plan, &timing, "zh-CN", &paths);
        assert!(c.xhtml.contains(
            "<h1 id=\"speaker\">柳州&lt;市&gt;</h1>\n<p class=\"speech-title\">A &amp; B</p>"
        ));
        assert!(c.xhtml.contains(
            "<span id=\"s1\" class=\"seg\"><span id=\"s1w1\"><ruby>你<rp>(</rp><rt aria-hidden=\"true\">nǐ</rt>"
        ), "{}", c.xhtml);
        assert!(c.xhtml.contains("，<span id=\"s1w2\">LED</span>。</span></p>\n<p><span id=\"s2\" class=\"seg\">Untimed.</span></p>"), "{}", c.xhtml);
        let pars: Vec<&str> = c.smil.lines().filter(|l| l.starts_with("<par")).collect();
        assert_eq!(
            pars,
            [
                "<par id=\"p1\"><text src=\"../text/liuzhou.xhtml#s1w1\"/><audio src=\"../audio/liuzhou.mp3\" clipBegin=\"0:00:00.500\" clipEnd=\"0:00:01.300\"/></par>",
                "<par id=\"p2\"><text src=\"../text/liuzhou.xhtml#s1w2\"/><audio src=\"../audio/liuzhou.mp3\" clipBegin=\"0:00:01.300\" clipEnd=\"0:00:03.000\"/></par>",
                "<par id=\"p3\"><text src=\"../text/liuzhou.xhtml#s2\"/><audio src=\"../audio/liuzhou.mp3\" clipBegin=\"0:00:03.000\" clipEnd=\"0:00:06.000\"/></par>",
            ]
        );
        assert_eq!(c.duration_ms, 5500);
        for doc in [&c.xhtml, &c.smil] {
            let options = roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            };
            roxmltree::Document::parse_with_options(doc, options).expect("well-formed XML");
        }
    }
}
