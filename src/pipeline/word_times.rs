//! Where each word of an episode is heard: a clip's word times (from the
//! engine that made it, or from aligning it with a reference reading) are
//! matched to the segment's words by the characters of the sent text they
//! cover, then moved into the episode: the clip's trimmed head taken off,
//! the segment's place added, each word kept inside its segment and after
//! the word before it.
//!
//! A word no clip time covers (a service that said nothing for it, an
//! alignment that failed) gets its share of the gap around it by the
//! length of its sent text, so every word of the script has a time.

use super::clip_words::clip_words;
use crate::audio::ClipFile;
use crate::model::{Assembled, ClipWord, EpisodePlan, SegmentWord, Span};
use crate::progress::Reporter;
use crate::tts::{Cache, ClipKey};

/// Where every word of `episode` is heard, per segment: from each clip's
/// word times (`clips` and `keys` in segment order) and where the audio
/// stage put it. A clip whose times cannot be had is said in a note, and
/// its words are timed by length.
pub(super) fn episode_words(
    cache: &Cache,
    episode: &EpisodePlan,
    keys: &[ClipKey],
    clips: &[ClipFile],
    assembled: &Assembled,
    reporter: &dyn Reporter,
) -> Vec<Vec<Span>> {
    let timing = &assembled.timing;
    episode
        .segments()
        .enumerate()
        .map(|(i, segment)| {
            let (Some(span), Some(lead)) = (timing.segments.get(i), assembled.leads.get(i)) else {
                return Vec::new();
            };
            let heard = match (keys.get(i), clips.get(i)) {
                (Some(key), Some(clip)) => clip_words(cache, segment, key, clip)
                    .map(|(words, _)| words)
                    .unwrap_or_else(|e| {
                        reporter.note(&format!(
                            "{}: its words are timed by their length: {e:#}",
                            segment.describe()
                        ));
                        Vec::new()
                    }),
                _ => Vec::new(),
            };
            place(&segment.words, &heard, *span, *lead, timing.rate)
        })
        .collect()
}

/// The episode spans of `words`, given the clip's word times `clip` (in
/// seconds of the clip), where the segment lies (`span`, in frames), the
/// frames trimmed from the clip's head (`lead`) and the episode's rate.
pub(super) fn place(
    words: &[SegmentWord],
    clip: &[ClipWord],
    span: Span,
    lead: u64,
    rate: u32,
) -> Vec<Span> {
    let heard: Vec<Option<(f64, f64)>> = words
        .iter()
        .map(|word| {
            clip.iter()
                .filter(|c| c.from < word.sent.end && word.sent.start < c.to)
                .fold(None, |acc: Option<(f64, f64)>, c| {
                    Some(acc.map_or((c.start, c.end), |(s, e)| (s.min(c.start), e.max(c.end))))
                })
        })
        .collect();
    let clip_seconds = (span.frames + lead) as f64 / f64::from(rate);
    let lead_seconds = lead as f64 / f64::from(rate);
    let times = fill_gaps(words, &heard, lead_seconds, clip_seconds);
    let frame = |t: f64| {
        let at = (t * f64::from(rate)).round() as i64 - lead as i64;
        span.start + at.clamp(0, span.frames as i64) as u64
    };
    let mut spans: Vec<Span> = Vec::with_capacity(words.len());
    for (start, end) in times {
        let mut start = frame(start);
        if let Some(last) = spans.last_mut() {
            start = start.max(last.start);
            let last_end = last.start + last.frames;
            last.frames = last_end.min(start) - last.start;
        }
        let end = frame(end).max(start);
        spans.push(Span {
            start,
            frames: end - start,
        });
    }
    spans
}

/// Every word's (start, end) in seconds of the clip: its own where it has
/// one, else a share of the gap between its timed neighbours (or the
/// heard part of the clip) by the length of its sent text.
fn fill_gaps(
    words: &[SegmentWord],
    heard: &[Option<(f64, f64)>],
    first: f64,
    last: f64,
) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        if let Some(time) = heard[i] {
            out.push(time);
            i += 1;
            continue;
        }
        let run_end = (i..words.len())
            .find(|&j| heard[j].is_some())
            .unwrap_or(words.len());
        let from = out.last().map_or(first, |&(_, end)| end);
        let to = heard
            .get(run_end)
            .copied()
            .flatten()
            .map_or(last, |(start, _)| start)
            .max(from);
        let weight = |w: &SegmentWord| w.sent.len().max(1) as f64;
        let total: f64 = words[i..run_end].iter().map(weight).sum();
        let mut at = from;
        for word in &words[i..run_end] {
            let next = at + (to - from) * weight(word) / total;
            out.push((at, next));
            at = next;
        }
        i = run_end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(sent: std::ops::Range<usize>) -> SegmentWord {
        SegmentWord {
            sent,
            ..SegmentWord::default()
        }
    }

    fn span(start: u64, frames: u64) -> Span {
        Span { start, frames }
    }

    fn clip_word(from: usize, to: usize, start: f64, end: f64) -> ClipWord {
        ClipWord {
            from,
            to,
            start,
            end,
        }
    }

    #[test]
    fn clip_times_move_into_the_episode_past_the_trimmed_head() {
        // 1 kHz for round numbers; the segment starts at frame 5000 and its
        // clip's first 100 frames were trimmed.
        let words = [word(0..2), word(3..5)];
        let clip = [clip_word(0, 2, 0.1, 0.5), clip_word(3, 5, 0.6, 1.0)];
        let segment = span(5000, 1000);
        let spans = place(&words, &clip, segment, 100, 1000);
        assert_eq!(spans, [span(5000, 400), span(5500, 400)]);
    }

    #[test]
    fn several_clip_words_in_one_word_make_one_time_and_times_stay_in_the_segment() {
        // Pinyin syllables timed one by one, one written word of two.
        let words = [word(0..9), word(10..14)];
        let clip = [
            clip_word(0, 4, 0.0, 0.2),
            clip_word(5, 9, 0.2, 0.45),
            clip_word(10, 14, 0.45, 3.0),
        ];
        let segment = span(0, 1000);
        let spans = place(&words, &clip, segment, 0, 1000);
        assert_eq!(spans, [span(0, 450), span(450, 550)]);
    }

    #[test]
    fn untimed_words_share_the_gap_by_their_length() {
        let words = [word(0..2), word(2..4), word(4..8), word(8..10)];
        let clip = [clip_word(0, 2, 0.0, 0.2), clip_word(8, 10, 0.8, 1.0)];
        let segment = span(0, 1000);
        let spans = place(&words, &clip, segment, 0, 1000);
        assert_eq!(
            spans,
            [span(0, 200), span(200, 200), span(400, 400), span(800, 200),]
        );
        let none = place(&words, &[], segment, 0, 1000);
        assert_eq!(none[0], span(0, 200));
        assert_eq!(none[3], span(800, 200));
    }

    #[test]
    fn overlapping_times_are_made_to_follow_each_other() {
        let words = [word(0..1), word(1..2)];
        let clip = [clip_word(0, 1, 0.0, 0.6), clip_word(1, 2, 0.5, 0.4)];
        let spans = place(&words, &clip, span(0, 1000), 0, 1000);
        assert_eq!(spans, [span(0, 500), span(500, 0)]);
    }
}
