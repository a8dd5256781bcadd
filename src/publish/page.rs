//! The read-along page (`audio/index.html`): a large play button per
//! speaker at the top (an icon and the name, for listeners who read
//! poorly), the text size, speed and pinyin switches, then one player per
//! episode, its chapter list, and the full text sentence by sentence and
//! word by word (`page/transcript.rs`), hanzi with pinyin over them; the
//! sentence and the word being spoken are highlighted while the audio
//! plays, and a hidden live region tells screen readers each new sentence.
//!
//! Owns the markup and the two static files beside it (`readalong.css`,
//! `readalong.js`, see [`assets`]). Works opened from disk (`file://`): every
//! sentence and word carries its start and end in seconds as data
//! attributes, exactly the millisecond values the `.vtt` cues use, so the
//! script never fetches anything. Writing the files is left to the caller; the output depends only
//! on the arguments, so the same episodes give byte-identical pages.

use std::fmt::Write;

mod transcript;

use crate::model::{EpisodePlan, EpisodeTiming};
use crate::util::{escape_xml, frames_to_millis};

/// One episode as the page shows it; file names are relative to the page.
pub struct PageEpisode<'a> {
    pub plan: &'a EpisodePlan,
    pub timing: &'a EpisodeTiming,
    pub audio_file: String,
    pub vtt_file: String,
}

/// The static files the page links to, to be written beside `index.html`.
pub fn assets() -> &'static [(&'static str, &'static str)] {
    &[
        ("readalong.css", include_str!("assets/readalong.css")),
        ("readalong.js", include_str!("assets/readalong.js")),
    ]
}

/// Interface words, in the page's language (Chinese for `zh*`, else English):
/// episodes, chapters, duration, download, no audio, transcript, text size,
/// smaller, larger, help, play.
const ZH: [&str; 11] = [
    "节目",
    "章节",
    "时长",
    "下载音频",
    "此浏览器无法播放音频。",
    "文稿",
    "文字大小",
    "缩小文字",
    "放大文字",
    "按下面的大按钮收听。点击句子或词语即从那里播放。空格键：播放/暂停；左右方向键：上一句/下一句；Shift 加左右方向键：上一个词/下一个词。",
    "播放",
];
const EN: [&str; 11] = [
    "Episodes",
    "Chapters",
    "Duration",
    "Download audio",
    "This browser cannot play the audio.",
    "Transcript",
    "Text size",
    "Smaller text",
    "Larger text",
    "Press a big button to listen. Click a sentence or a word to play from there. Space: play/pause; Left/Right arrows: previous/next sentence; Shift with Left/Right: previous/next word.",
    "Play",
];

/// The controls' words, as above: the pinyin switch, what it does, speed,
/// the live region's name, and the e-book's link.
const ZH_CONTROLS: [&str; 5] = [
    "拼音",
    "显示或隐藏拼音",
    "语速",
    "正在朗读",
    "下载电子书（EPUB，可边听边读）",
];
const EN_CONTROLS: [&str; 5] = [
    "Pinyin",
    "Show or hide pinyin",
    "Speed",
    "Now reading",
    "Download the e-book (EPUB, reads aloud)",
];

/// The speeds offered; slower ones keep the voice's pitch.
const SPEEDS: [&str; 4] = ["0.5", "0.75", "1", "1.25"];

/// The play button's icon: a circle with a triangle, or two bars while
/// its episode plays (the CSS shows one of them).
const ICON: &str =
    "<svg class=\"icon\" viewBox=\"0 0 48 48\" aria-hidden=\"true\" focusable=\"false\">\
    <circle cx=\"24\" cy=\"24\" r=\"23\"/><path class=\"play\" d=\"M19 13v22l17-11z\"/>\
    <path class=\"pause\" d=\"M15 14h7v20h-7zM26 14h7v20h-7z\"/></svg>";

/// The whole `index.html`. `language` is a BCP 47 tag such as `zh-CN`;
/// `book` is the show's EPUB beside the page, when there is one.
pub fn index_html(
    show_title: &str,
    language: &str,
    episodes: &[PageEpisode],
    book: Option<&str>,
) -> String {
    let zh = language.to_ascii_lowercase().starts_with("zh");
    let w = if zh { &ZH } else { &EN };
    let [list, _, _, _, _, _, size, smaller, larger, help, play] = w;
    let [pinyin, pinyin_about, speed, now, ebook] = if zh { &ZH_CONTROLS } else { &EN_CONTROLS };
    let (lang, show) = (escape_xml(language), escape_xml(show_title));
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{show}</title>\n<link rel=\"stylesheet\" href=\"readalong.css\">\n\
         <script src=\"readalong.js\" defer></script>\n</head>\n<body>\n\
         <header class=\"site\">\n<h1>{show}</h1>\n<div class=\"controls\">\n\
         <div class=\"textsize\" role=\"group\" aria-label=\"{size}\">\
         <button type=\"button\" data-step=\"-1\" aria-label=\"{smaller}\">A−</button>\
         <button type=\"button\" data-step=\"1\" aria-label=\"{larger}\">A+</button></div>\n\
         <div class=\"speed\" role=\"group\" aria-label=\"{speed}\">"
    );
    for rate in SPEEDS {
        let _ = write!(
            h,
            "<button type=\"button\" data-rate=\"{rate}\" aria-pressed=\"{}\">{rate}×</button>",
            rate == "1"
        );
    }
    h.push_str("</div>\n");
    if has_pinyin(episodes) {
        let _ = writeln!(
            h,
            "<button type=\"button\" class=\"pinyin\" aria-pressed=\"true\" \
             title=\"{pinyin_about}\">{pinyin}</button>"
        );
    }
    let _ = write!(h, "</div>\n<p class=\"help\">{help}</p>\n");
    if let Some(book) = book {
        let book = escape_xml(book);
        let _ = writeln!(
            h,
            "<p class=\"book\"><a href=\"{book}\" download>{ebook}</a></p>"
        );
    }
    let _ = writeln!(h, "<nav class=\"speakers\" aria-label=\"{list}\"><ul>");
    for ep in episodes {
        let (slug, speaker, title) = (
            escape_xml(&ep.plan.slug),
            escape_xml(&ep.plan.speaker),
            escape_xml(&ep.plan.title),
        );
        let length = clock(ep.timing.total_frames, ep.timing.rate);
        let _ = writeln!(
            h,
            "<li><button type=\"button\" class=\"listen\" data-episode=\"{slug}\" \
             aria-pressed=\"false\">{ICON}<span class=\"name\"><span class=\"hidden\">{play} \
             </span>{speaker}</span><span class=\"about\">{title} · {length}</span></button></li>"
        );
    }
    h.push_str("</ul></nav>\n</header>\n<main>\n");
    for ep in episodes {
        episode(&mut h, ep, &lang, w);
    }
    let _ = write!(
        h,
        "<p class=\"hidden\" id=\"now-reading\" aria-live=\"polite\" aria-label=\"{now}\"></p>\n\
         </main>\n</body>\n</html>\n"
    );
    h
}

/// Whether any word on the page has pinyin to show or hide.
fn has_pinyin(episodes: &[PageEpisode]) -> bool {
    episodes.iter().any(|ep| {
        ep.plan
            .segments()
            .any(|s| s.words.iter().any(|w| !w.pinyin.is_empty()))
    })
}

fn episode(h: &mut String, ep: &PageEpisode, lang: &str, w: &[&str; 11]) {
    let [_, chapters, duration, download, no_audio, transcript, ..] = w;
    let (plan, t) = (ep.plan, ep.timing);
    let (slug, speaker, title) = (
        escape_xml(&plan.slug),
        escape_xml(&plan.speaker),
        escape_xml(&plan.title),
    );
    let (audio, vtt) = (escape_xml(&ep.audio_file), escape_xml(&ep.vtt_file));
    let (total, clock_total) = (ms(t.total_frames, t.rate), clock(t.total_frames, t.rate));
    let _ = write!(
        h,
        "<section class=\"episode\" id=\"{slug}\" aria-labelledby=\"{slug}-speaker\">\n\
         <h2 id=\"{slug}-speaker\">{speaker}</h2>\n<p class=\"speech-title\">{title}</p>\n\
         <p class=\"meta\">{duration} <time datetime=\"PT{total}S\">{clock_total}</time> · \
         <a href=\"{audio}\" download>{download}</a></p>\n\
         <div class=\"player\"><audio controls preload=\"metadata\" src=\"{audio}\" \
         aria-label=\"{speaker} · {title}\"><track kind=\"captions\" src=\"{vtt}\" \
         srclang=\"{lang}\" label=\"{transcript}\">{no_audio}</audio></div>\n\
         <nav class=\"chapters\" aria-label=\"{chapters} · {speaker}\"><ol>\n"
    );
    for (i, (ch, span)) in plan.chapters.iter().zip(&t.chapters).enumerate() {
        let (n, at, name) = (i + 1, ms(span.start, t.rate), escape_xml(&ch.title));
        let shown = clock(span.start, t.rate);
        let _ = writeln!(
            h,
            "<li><a href=\"#{slug}-c{n}\" data-start=\"{at}\">{name}</a> \
             <span class=\"at\">{shown}</span></li>"
        );
    }
    let _ = writeln!(
        h,
        "</ol></nav>\n<div class=\"transcript\" aria-label=\"{transcript}\">"
    );
    transcript::transcript(h, plan, t, &slug);
    h.push_str("</div>\n</section>\n");
}

/// Seconds with exactly three decimals, for data attributes.
fn ms(frames: u64, rate: u32) -> String {
    let m = frames_to_millis(frames, rate);
    format!("{}.{:03}", m / 1000, m % 1000)
}

/// `mm:ss` (minutes keep counting past 59), whole seconds as players show them.
fn clock(frames: u64, rate: u32) -> String {
    let s = frames_to_millis(frames, rate) / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Pause, Segment, Span};

    fn seg(id: &str, text: &str, pause_after: Pause) -> Segment {
        Segment::sample(id, text, pause_after, Vec::new())
    }

    fn page() -> String {
        let plan = EpisodePlan {
            order: 0,
            speaker: "柳州<市>".into(),
            slug: "liu\"zhou".into(),
            title: "A & B".into(),
            chapters: vec![ChapterPlan {
                title: "第'一'章".into(),
                segments: vec![
                    seg("a", "一句。", Pause::Paragraph),
                    seg("b", "<script>x</script>", Pause::End),
                ],
            }],
        };
        let timing = EpisodeTiming {
            words: Vec::new(),
            rate: 48_000,
            total_frames: 48_000 * 75 + 24_000,
            chapters: vec![Span {
                start: 0,
                frames: 48_000 * 75,
            }],
            segments: vec![
                Span {
                    start: 24,
                    frames: 47_975,
                },
                Span {
                    start: 96_000,
                    frames: 100,
                },
            ],
        };
        let ep = PageEpisode {
            plan: &plan,
            timing: &timing,
            audio_file: "liu zhou&.wav".into(),
            vtt_file: "liuzhou.vtt".into(),
        };
        index_html("Show <1>", "zh-CN", &[ep], None)
    }

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            escape_xml(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
        let h = page();
        assert!(h.contains("<h1>Show &lt;1&gt;</h1>"));
        assert!(h.contains("<h2 id=\"liu&quot;zhou-speaker\">柳州&lt;市&gt;</h2>"));
        assert!(h.contains("src=\"liu zhou&amp;.wav\""));
        assert!(h.contains("<track kind=\"captions\" src=\"liuzhou.vtt\" srclang=\"zh-CN\""));
        assert!(h.contains(">&lt;script&gt;x&lt;/script&gt;</span>"));
        assert!(h.contains("第&apos;一&apos;章"));
        assert!(!h.contains("<script>x"));
    }

    #[test]
    fn times_are_vtt_milliseconds() {
        assert_eq!(ms(24, 48_000), "0.001"); // 0.5 ms rounds up
        assert_eq!(ms(23, 48_000), "0.000");
        assert_eq!(ms(48_000 * 3 + 4_800, 48_000), "3.100");
        assert_eq!(frames_to_millis(1, 3), 333);
        assert_eq!(clock(48_000 * 76 - 25, 48_000), "01:15");
        assert_eq!(clock(3600 * 8_000, 8_000), "60:00");
        let h = page();
        assert!(h.contains("data-start=\"0.001\" data-end=\"1.000\">一句。</span></p>\n<p>"));
        assert!(h.contains("data-start=\"2.000\" data-end=\"2.002\">"));
        assert!(h.contains("<time datetime=\"PT75.500S\">01:15</time>"));
        assert!(h.contains("<a href=\"#liu&quot;zhou-c1\" data-start=\"0.000\">"));
        assert_eq!(h, page(), "deterministic");
    }

    #[test]
    fn each_speaker_has_a_labelled_play_button_at_the_top() {
        let h = page();
        let button = h.find("<button type=\"button\" class=\"listen\"").unwrap();
        assert!(button < h.find("<section").unwrap(), "before the episodes");
        assert!(
            h.contains("data-episode=\"liu&quot;zhou\" aria-pressed=\"false\"><svg class=\"icon\"")
        );
        assert!(h.contains(
            "<span class=\"name\"><span class=\"hidden\">播放 </span>柳州&lt;市&gt;</span>\
             <span class=\"about\">A &amp; B · 01:15</span></button>"
        ));
    }

    #[test]
    fn speed_buttons_a_live_region_and_the_pinyin_switch_only_with_pinyin() {
        let h = page();
        assert!(h.contains(
            "<div class=\"speed\" role=\"group\" aria-label=\"语速\">\
             <button type=\"button\" data-rate=\"0.5\" aria-pressed=\"false\">0.5×</button>"
        ));
        assert!(h.contains("data-rate=\"1\" aria-pressed=\"true\">1×</button>"));
        assert!(h.contains("<p class=\"hidden\" id=\"now-reading\" aria-live=\"polite\""));
        assert!(!h.contains("class=\"pinyin\""), "no word has pinyin");

        let mut plan = EpisodePlan {
            order: 0,
            speaker: "甲".into(),
            slug: "a".into(),
            title: "t".into(),
            chapters: vec![ChapterPlan {
                title: "一".into(),
                segments: vec![seg("a", "好。", Pause::End)],
            }],
        };
        plan.chapters[0].segments[0].words = vec![crate::model::SegmentWord {
            written: 0..1,
            spoken: "好".into(),
            sent: 0..1,
            pinyin: vec!["hao3".into()],
        }];
        let timing = EpisodeTiming::default();
        let ep = PageEpisode {
            plan: &plan,
            timing: &timing,
            audio_file: "a.mp3".into(),
            vtt_file: "a.vtt".into(),
        };
        let h = index_html("S", "en", &[ep], Some("show.epub"));
        assert!(h.contains(
            "<button type=\"button\" class=\"pinyin\" aria-pressed=\"true\" \
             title=\"Show or hide pinyin\">Pinyin</button>"
        ));
        assert!(h.contains(
            "<p class=\"book\"><a href=\"show.epub\" download>Download the e-book (EPUB, reads aloud)</a></p>"
        ));
        assert!(!page().contains("class=\"book\""), "no book, no link");
    }
}
