//! A segment's text as markup with its words: each word in an element of
//! the caller's (the page's timed `<span>`, the EPUB's `<span id>`), hanzi
//! with their pinyin over them in `<ruby>` (tone marks), the punctuation
//! and spaces between words as plain text. Shared by the read-along page
//! and the EPUB, so both show a word the same way.
//!
//! A word said as written, or all hanzi (a lexicon respelling), with a
//! syllable per hanzi gets one ruby per character (柳 liǔ, 州 zhōu), its
//! other characters plain; a word the normaliser rewrote (`2019年`
//! said 二零一九年) or whose syllables do not match its characters one to
//! one (花儿 huār) shows as written with its whole reading over it. The
//! pinyin is hidden from screen readers, which read the characters.
//! Markup is valid HTML and XHTML alike.

use std::ops::Range;

use crate::model::{Segment, SegmentWord};
use crate::text::{is_han, tone_marks};
use crate::util::escape_xml;

/// The segment's written text with its words marked up: `open(i)` is the
/// start tag of word `i` (of `segment.words`), closed with `</span>`.
/// Words out of order or outside the text are left as plain text; with no
/// words the text is plain.
pub(super) fn words_html(segment: &Segment, open: &mut dyn FnMut(usize) -> String) -> String {
    let text: Vec<char> = segment.text.chars().collect();
    let plain = |range: Range<usize>| escape_xml(&text[range].iter().collect::<String>());
    let mut out = String::new();
    let mut at = 0;
    for (i, word) in segment.words.iter().enumerate() {
        let Range { start, end } = word.written;
        if start < at || end > text.len() || start >= end {
            continue;
        }
        out.push_str(&plain(at..start));
        out.push_str(&open(i));
        out.push_str(&ruby(&text[start..end], word));
        out.push_str("</span>");
        at = end;
    }
    out.push_str(&plain(at..text.len()));
    out
}

/// One word as written, with its reading over its hanzi.
fn ruby(written: &[char], word: &SegmentWord) -> String {
    let shown: String = written.iter().collect();
    if word.pinyin.is_empty() {
        return escape_xml(&shown);
    }
    // One syllable per character: the word is said as written (or, all
    // hanzi, as the lexicon respells them), with as many syllables as hanzi.
    let hanzi = written.iter().filter(|c| is_han(**c)).count();
    let one_each = hanzi == word.pinyin.len() && (shown == word.spoken || hanzi == written.len());
    if !one_each {
        let reading: Vec<String> = word.pinyin.iter().map(|s| tone_marks(s)).collect();
        return annotate(&escape_xml(&shown), &reading.join(" "));
    }
    let mut syllables = word.pinyin.iter();
    let mut out = String::new();
    for c in written {
        match is_han(*c).then(|| syllables.next()).flatten() {
            Some(syllable) => out.push_str(&annotate(&c.to_string(), &tone_marks(syllable))),
            None => out.push_str(&escape_xml(&c.to_string())),
        }
    }
    out
}

fn annotate(base: &str, reading: &str) -> String {
    format!(
        "<ruby>{base}<rp>(</rp><rt aria-hidden=\"true\">{}</rt><rp>)</rp></ruby>",
        escape_xml(reading)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pause;

    fn word(written: Range<usize>, spoken: &str, pinyin: &[&str]) -> SegmentWord {
        SegmentWord {
            written,
            spoken: spoken.into(),
            sent: 0..0,
            pinyin: pinyin.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn segment(text: &str, words: Vec<SegmentWord>) -> Segment {
        Segment::sample("a", text, Pause::End, words)
    }

    fn tags(i: usize) -> String {
        format!("<span id=\"w{i}\">")
    }

    #[test]
    fn hanzi_get_pinyin_one_each_and_punctuation_stays_plain() {
        let seg = segment(
            "柳州，T恤<好>。",
            vec![
                word(0..2, "柳州", &["liu3", "zhou1"]),
                word(3..5, "T恤", &["xu4"]),
            ],
        );
        assert_eq!(
            words_html(&seg, &mut tags),
            "<span id=\"w0\"><ruby>柳<rp>(</rp><rt aria-hidden=\"true\">liǔ</rt><rp>)</rp></ruby>\
             <ruby>州<rp>(</rp><rt aria-hidden=\"true\">zhōu</rt><rp>)</rp></ruby></span>，\
             <span id=\"w1\">T<ruby>恤<rp>(</rp><rt aria-hidden=\"true\">xù</rt><rp>)</rp></ruby></span>\
             &lt;好&gt;。"
        );
    }

    #[test]
    fn a_rewritten_word_shows_as_written_under_its_spoken_reading() {
        let seg = segment(
            "2019年花儿LED",
            vec![
                word(
                    0..5,
                    "二零一九年",
                    &["er4", "ling2", "yi1", "jiu3", "nian2"],
                ),
                word(5..7, "花儿", &["huar1"]),
                word(7..10, "LED", &[]),
            ],
        );
        assert_eq!(
            words_html(&seg, &mut tags),
            "<span id=\"w0\"><ruby>2019年<rp>(</rp><rt aria-hidden=\"true\">èr líng yī jiǔ nián</rt><rp>)</rp></ruby></span>\
             <span id=\"w1\"><ruby>花儿<rp>(</rp><rt aria-hidden=\"true\">huār</rt><rp>)</rp></ruby></span>\
             <span id=\"w2\">LED</span>"
        );
    }

    #[test]
    fn a_lexicon_respelling_keeps_a_syllable_over_each_character() {
        let seg = segment("重镇", vec![word(0..2, "众镇", &["zhong4", "zhen4"])]);
        assert_eq!(
            words_html(&seg, &mut tags),
            "<span id=\"w0\"><ruby>重<rp>(</rp><rt aria-hidden=\"true\">zhòng</rt><rp>)</rp></ruby>\
             <ruby>镇<rp>(</rp><rt aria-hidden=\"true\">zhèn</rt><rp>)</rp></ruby></span>"
        );
    }

    #[test]
    fn without_words_or_with_broken_ones_the_text_is_plain() {
        assert_eq!(words_html(&segment("a < b", vec![]), &mut tags), "a &lt; b");
        let broken = segment(
            "好的",
            vec![
                word(1..2, "的", &["de5"]),
                word(0..1, "好", &["hao3"]),
                word(1..9, "x", &[]),
            ],
        );
        assert_eq!(
            words_html(&broken, &mut tags),
            "好<span id=\"w0\"><ruby>的<rp>(</rp><rt aria-hidden=\"true\">de</rt><rp>)</rp></ruby></span>"
        );
    }
}
