//! A segment's timed words in the manifest, and back: each word with its
//! written form, what it is said as, its pinyin and where it is heard in
//! the episode. The show files (page, feed, EPUB) are rendered from the
//! manifest, so what is recorded here is all they know of words.
//!
//! Pinyin is recorded as the front end gives it, one syllable with a tone
//! digit each (`er4`, `ling2`, `lv4`, `de5`): the manifest is read by
//! programs (the show files, a station's own tools, a voice that reads
//! pinyin), and digits are plain ASCII, name the neutral tone outright and
//! are what pinyin voices and dictionaries take; `text::tone_marks` gives
//! people the marks.

use serde::{Deserialize, Serialize};

use super::SegmentEntry;
use crate::model::{Segment, SegmentWord, Span};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WordEntry {
    /// As written in the script (`2019年`).
    pub written: String,
    /// As heard (`二零一九年`).
    pub spoken: String,
    /// One syllable with a tone digit per Han syllable heard; empty for a
    /// word with no Han character.
    pub pinyin: Vec<String>,
    pub start_frame: u64,
    pub frames: u64,
}

/// The entries of a segment's words, given where each is heard; none when
/// the timing does not give every word a span (a build whose services gave
/// no word times): the segment is then shown as a whole.
pub(super) fn word_entries(segment: &Segment, spans: Option<&Vec<Span>>) -> Vec<WordEntry> {
    let Some(spans) = spans.filter(|s| s.len() == segment.words.len()) else {
        return Vec::new();
    };
    segment
        .words
        .iter()
        .zip(spans)
        .map(|(word, span)| WordEntry {
            written: chars(&segment.text, &word.written),
            spoken: word.spoken.clone(),
            pinyin: word.pinyin.clone(),
            start_frame: span.start,
            frames: span.frames,
        })
        .collect()
}

/// The segment's words and their spans as recorded, each found again in
/// the texts in order (a word's written form after the previous word's, its
/// spoken form likewise in the spoken text). Words are separated only by
/// punctuation and spaces, so the first match is the word; from a word that
/// is not there (a hand-edited manifest) on, the rest are left out, and the
/// text shows as plain text.
pub(super) fn located(segment: &SegmentEntry) -> Vec<(SegmentWord, Span)> {
    let (text, spoken): (Vec<char>, Vec<char>) = (
        segment.text.chars().collect(),
        segment.spoken.chars().collect(),
    );
    let (mut at_text, mut at_spoken) = (0, 0);
    let mut out = Vec::new();
    for word in &segment.words {
        let written: Vec<char> = word.written.chars().collect();
        let Some(start) = find(&text, &written, at_text) else {
            break;
        };
        let said: Vec<char> = word.spoken.chars().collect();
        let sent = match find(&spoken, &said, at_spoken) {
            Some(s) => s..s + said.len(),
            None => at_spoken..at_spoken,
        };
        at_text = start + written.len();
        at_spoken = sent.end;
        out.push((
            SegmentWord {
                written: start..at_text,
                spoken: word.spoken.clone(),
                sent,
                pinyin: word.pinyin.clone(),
            },
            Span {
                start: word.start_frame,
                frames: word.frames,
            },
        ));
    }
    out
}

/// The first place at or after `from` where `needle` (not empty) stands.
fn find(haystack: &[char], needle: &[char], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

fn chars(text: &str, range: &std::ops::Range<usize>) -> String {
    text.chars().skip(range.start).take(range.len()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Pause, SourcePos};

    fn word(
        written: std::ops::Range<usize>,
        spoken: &str,
        sent: std::ops::Range<usize>,
        pinyin: &[&str],
    ) -> SegmentWord {
        SegmentWord {
            written,
            spoken: spoken.into(),
            sent,
            pinyin: pinyin.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// 2019年，LED灯亮了。 read 二零一九年，LED灯亮了。
    fn segment() -> Segment {
        Segment {
            id: "a/1/1/1/1".into(),
            text: "2019年，LED灯亮了。".into(),
            spoken: "二零一九年，LED灯亮了。".into(),
            voice: "v".into(),
            source: SourcePos {
                path: "s.md".into(),
                line: 1,
            },
            pause_after: Pause::End,
            announcement: false,
            words: vec![
                word(
                    0..5,
                    "二零一九年",
                    0..5,
                    &["er4", "ling2", "yi1", "jiu3", "nian2"],
                ),
                word(6..9, "LED", 6..9, &[]),
                word(9..10, "灯", 9..10, &["deng1"]),
                word(10..12, "亮了", 10..12, &["liang4", "le5"]),
            ],
        }
    }

    fn entry(segment: &Segment, words: Vec<WordEntry>) -> SegmentEntry {
        SegmentEntry {
            id: segment.id.clone(),
            chapter: 0,
            pause: segment.pause_after,
            announcement: false,
            text: segment.text.clone(),
            spoken: segment.spoken.clone(),
            voice: segment.voice.clone(),
            key: "k".into(),
            start_frame: 0,
            frames: 100,
            start_seconds: 0.0,
            words,
        }
    }

    #[test]
    fn words_round_trip_through_the_manifest() {
        let segment = segment();
        let spans: Vec<Span> = (0..4)
            .map(|i| Span {
                start: 1000 * i + 7,
                frames: 900,
            })
            .collect();
        let words = word_entries(&segment, Some(&spans));
        assert_eq!(
            words[0],
            WordEntry {
                written: "2019年".into(),
                spoken: "二零一九年".into(),
                pinyin: ["er4", "ling2", "yi1", "jiu3", "nian2"]
                    .map(String::from)
                    .to_vec(),
                start_frame: 7,
                frames: 900,
            }
        );
        assert_eq!(words[1].written, "LED");
        let json = serde_json::to_value(&words[3]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"written": "亮了", "spoken": "亮了", "pinyin": ["liang4", "le5"], "start-frame": 3007, "frames": 900})
        );
        let back = located(&entry(&segment, words));
        let (got_words, got_spans): (Vec<_>, Vec<_>) = back.into_iter().unzip();
        assert_eq!(got_words, segment.words);
        assert_eq!(got_spans, spans);
    }

    #[test]
    fn untimed_words_are_not_recorded() {
        let segment = segment();
        assert!(word_entries(&segment, None).is_empty());
        let short = vec![Span::default(); 3];
        assert!(word_entries(&segment, Some(&short)).is_empty());
    }

    #[test]
    fn a_word_not_in_the_text_ends_the_list() {
        let segment = segment();
        let spans = vec![Span::default(); 4];
        let mut words = word_entries(&segment, Some(&spans));
        words[2].written = "灯笼".into();
        let back = located(&entry(&segment, words));
        assert_eq!(back.len(), 2);
        assert_eq!(back[1].0.written, 6..9);
    }
}
