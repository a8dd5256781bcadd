//! A clip's word times, from the best source there is: the table the
//! embedded service writes into its clips (the engine's own times); else
//! an alignment stored beside the clip by an earlier build; else a new
//! alignment of the clip with the embedded espeak-ng reading the same
//! text at the clip's pace in two voices, whichever the clip resembles
//! more (`align_clip`), stored for the next build. A clip is aligned once.

use anyhow::{Context, Result};

use crate::align::{self, Audio, Reference};
use crate::audio::{self, ClipFile};
use crate::model::{ClipWord, Segment};
use crate::tts::{self, Cache, ClipKey};

/// Where a clip's word times came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The engine that made it.
    Engine,
    /// An alignment made before, read from the cache.
    Stored,
    /// An alignment made now.
    Aligned,
}

/// The word times of `segment`'s clip, and where they came from.
pub(super) fn clip_words(
    cache: &Cache,
    segment: &Segment,
    key: &ClipKey,
    clip: &ClipFile,
) -> Result<(Vec<ClipWord>, Source)> {
    let bytes = fs_err::read(&clip.path).context("reading the clip")?;
    if let Some(words) = audio::clip_words(&bytes, segment.spoken.chars().count()) {
        return Ok((words, Source::Engine));
    }
    if let Some(words) = cache.read_words(key) {
        return Ok((words, Source::Stored));
    }
    let decoded = audio::decode_clip(&bytes, clip.format).context("decoding the clip")?;
    let clip_audio = Audio {
        samples: &decoded.samples,
        rate: decoded.rate,
    };
    let words = align_clip(&segment.spoken, clip_audio)?;
    // A failure to store costs only a later alignment.
    let _ = cache.write_words(key, &words);
    Ok((words, Source::Aligned))
}

/// The espeak-ng voice variants a clip is compared with: the language's
/// own voice and a high one (`+f3`). Each clip is aligned with the reading
/// it resembles most (`align::align_best`): a high voice against a low
/// reading slips more (BENCHMARKS.md §14).
const REFERENCE_VARIANTS: [&str; 2] = ["", "+f3"];

/// The word times of a clip saying `sent` (the text its service was
/// sent), by aligning it with the embedded espeak-ng's readings of the
/// same text, each read at the clip's pace of speech.
pub fn align_clip(sent: &str, clip: Audio<'_>) -> Result<Vec<ClipWord>> {
    let language = reference_voice(sent);
    let mut readings = Vec::new();
    for variant in REFERENCE_VARIANTS {
        let voice = format!("{language}{variant}");
        let speak = |speed: f32| {
            tts::speak_words(sent, &voice, speed)
                .with_context(|| format!("reading it with espeak-ng {voice}"))
        };
        // The reference read at the clip's pace warps least (BENCHMARKS.md §14).
        let first = speak(1.0)?;
        let speed = align::reference_speed(clip, audio_of(&first)).context("aligning it")?;
        readings.push(if (speed - 1.0).abs() > SAME_SPEED {
            speak(speed)?
        } else {
            first
        });
    }
    let references: Vec<Reference<'_>> = readings
        .iter()
        .map(|r| Reference {
            audio: audio_of(r),
            words: &r.words,
        })
        .collect();
    align::align_best(clip, &references).context("aligning it")
}

/// How far from 1 the reference's speed may be and the first reading
/// still serve.
const SAME_SPEED: f32 = 0.02;

/// The espeak-ng voice that reads a segment's sent text as the reference:
/// Mandarin for hanzi, espeak-ng's pinyin reader for pinyin with tone
/// digits, English otherwise.
pub fn reference_voice(sent: &str) -> &'static str {
    if sent.chars().any(crate::text::is_han) {
        "cmn"
    } else if has_tone_digits(sent) {
        "cmn-latn-pinyin"
    } else {
        "en-us"
    }
}

/// Whether most lower-case words end in a tone digit (`li4 yong4`; a
/// spelled `L E D` among them does not count).
fn has_tone_digits(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
        .collect();
    let toned = words
        .iter()
        .filter(|w| w.ends_with(|c: char| ('1'..='5').contains(&c)))
        .count();
    !words.is_empty() && toned * 2 > words.len()
}

fn audio_of(spoken: &tts::Spoken) -> Audio<'_> {
    Audio {
        samples: &spoken.samples,
        rate: spoken.rate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_reads_the_language_of_the_sent_text() {
        assert_eq!(reference_voice("利用LED屏"), "cmn");
        assert_eq!(reference_voice("li4 yong4 L E D ping2"), "cmn-latn-pinyin");
        assert_eq!(reference_voice("yin2hang2 hang2zhang3"), "cmn-latn-pinyin");
        assert_eq!(reference_voice("In 2019, 56% agreed."), "en-us");
    }
}
