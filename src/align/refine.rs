//! After the warping: boundaries moved to a pause when one is close, then
//! made consistent.
//!
//! A warping path is only as sharp as its frames and the two voices'
//! likeness, but a pause in the clip is unmistakable: a word that starts
//! within [`SNAP_SECONDS`] of where the clip's speech resumes after a
//! silence starts there, and a word that ends that close to where speech
//! stops ends there. Pauses are found in 5 ms blocks (finer than the
//! features' 25 ms windows, which hear an onset half a window early) and
//! must last [`MIN_PAUSE_SECONDS`]: shorter silences are stop closures.
//! A word carried onto the start of a pause longer than any closure
//! ([`LONG_PAUSE_SECONDS`]) starts where the sound resumes. Then starts
//! are put in order, every end between its start and the next word's
//! start, and everything inside the clip.

use crate::model::ClipWord;

/// How far a boundary may move to the edge of a pause.
pub(super) const SNAP_SECONDS: f64 = 0.040;
/// The shortest silence no word starts at the beginning of: longer than
/// any stop consonant's closure (a word may start with one).
const LONG_PAUSE_SECONDS: f64 = 0.100;
/// The shortest silence that counts as a pause: shorter ones are the
/// closures of stop consonants, inside words as often as between them.
const MIN_PAUSE_SECONDS: f64 = 0.050;
/// Blocks the pause edges are found in: 5 ms of 16 kHz audio.
const BLOCK: usize = 80;
const BLOCK_SECONDS: f64 = BLOCK as f64 / super::features::RATE as f64;
/// A stretch this far below the recording's speech level is silent.
const SILENCE_BELOW_SPEECH_DB: f32 = 30.0;
/// A stretch under this level is silent whatever the speech level.
const SILENCE_FLOOR_DB: f32 = -60.0;

/// Which of `level_db` (a recording's frames or blocks, dBFS) are silent.
pub(super) fn silent_frames(level_db: &[f32]) -> Vec<bool> {
    let speech = speech_level(level_db);
    level_db
        .iter()
        .map(|&l| l < SILENCE_FLOOR_DB || l < speech - SILENCE_BELOW_SPEECH_DB)
        .collect()
}

/// The level loud speech reaches: the 90th percentile.
fn speech_level(level_db: &[f32]) -> f32 {
    let mut sorted = level_db.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted
        .get(sorted.len() * 9 / 10)
        .copied()
        .unwrap_or(f32::NEG_INFINITY)
}

/// Where a clip's pauses are: the times (seconds) speech resumes after
/// one (`onsets`) and stops before one (`offsets`), to 5 ms; and each
/// pause inside the clip as (offset, onset).
pub(super) struct Pauses {
    onsets: Vec<f64>,
    offsets: Vec<f64>,
    inside: Vec<(f64, f64)>,
}

impl Pauses {
    /// The pauses of 16 kHz mono `samples`. The clip's edges count as
    /// pauses: speech that starts after silence at the start has an onset.
    pub(super) fn find(samples: &[f32]) -> Pauses {
        let levels: Vec<f32> = samples
            .chunks(BLOCK)
            .map(|block| {
                let power = block
                    .iter()
                    .filter(|s| s.is_finite())
                    .map(|&s| (s as f64) * (s as f64))
                    .sum::<f64>()
                    / BLOCK as f64;
                (10.0 * (power + 1e-12).log10()) as f32
            })
            .collect();
        let silent = silent_frames(&levels);
        let shortest = (MIN_PAUSE_SECONDS / BLOCK_SECONDS).round() as usize;
        let mut pauses = Pauses {
            onsets: Vec::new(),
            offsets: Vec::new(),
            inside: Vec::new(),
        };
        let mut k = 0;
        while k < silent.len() {
            if !silent[k] {
                k += 1;
                continue;
            }
            let first = k;
            while k < silent.len() && silent[k] {
                k += 1;
            }
            let at_edge = first == 0 || k == silent.len();
            if k - first < shortest && !at_edge {
                continue;
            }
            if first > 0 {
                pauses.offsets.push(first as f64 * BLOCK_SECONDS);
            }
            if k < silent.len() {
                pauses.onsets.push(k as f64 * BLOCK_SECONDS);
            }
            if !at_edge {
                let span = (first as f64 * BLOCK_SECONDS, k as f64 * BLOCK_SECONDS);
                pauses.inside.push(span);
            }
        }
        pauses
    }
}

fn nearest(times: &[f64], to: f64) -> Option<f64> {
    times
        .iter()
        .copied()
        .filter(|t| (t - to).abs() <= SNAP_SECONDS)
        .min_by(|a, b| (a - to).abs().total_cmp(&(b - to).abs()))
}

/// `words` snapped to the clip's `pauses` and made consistent within a
/// clip of `duration` seconds.
pub(super) fn refine(mut words: Vec<ClipWord>, pauses: &Pauses, duration: f64) -> Vec<ClipWord> {
    for word in &mut words {
        if let Some(onset) = nearest(&pauses.onsets, word.start) {
            word.start = onset;
        }
        // No word starts in a long pause or just as one begins: the
        // warping skips the clip's silences, so a word carried a frame
        // early lands on the sound before a pause, not after it.
        if let Some(&(_, onset)) = pauses.inside.iter().find(|&&(offset, onset)| {
            onset - offset >= LONG_PAUSE_SECONDS
                && offset - SNAP_SECONDS <= word.start
                && word.start < onset
        }) {
            word.start = onset;
        }
        if let Some(offset) = nearest(&pauses.offsets, word.end) {
            word.end = offset;
        }
        // A word does not run on through a pause that ends where it does
        // (a reference word ends where the next begins, so a pause the
        // clip makes and the reference does not would land inside it).
        if let Some(&(offset, _)) = pauses.inside.iter().find(|&&(offset, onset)| {
            word.start < offset && offset < word.end && onset >= word.end - SNAP_SECONDS
        }) {
            word.end = offset;
        }
    }
    consistent(&mut words, duration);
    words
}

/// Starts in order, each end between its start and the next start, all
/// inside `0..=duration`.
pub(super) fn consistent(words: &mut [ClipWord], duration: f64) {
    let mut floor = 0.0f64;
    for word in words.iter_mut() {
        word.start = word.start.clamp(floor, duration);
        floor = word.start;
    }
    for k in 0..words.len() {
        let next = words.get(k + 1).map_or(duration, |w| w.start);
        let word = &mut words[k];
        word.end = word.end.clamp(word.start, next.max(word.start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start: f64, end: f64) -> ClipWord {
        ClipWord {
            from: 0,
            to: 1,
            start,
            end,
        }
    }

    /// 16 kHz audio: a tone where `speech` says, silence elsewhere.
    fn tone(seconds: f64, speech: &[(f64, f64)]) -> Vec<f32> {
        (0..(seconds * 16_000.0) as usize)
            .map(|i| {
                let t = i as f64 / 16_000.0;
                let on = speech.iter().any(|&(a, b)| a <= t && t < b);
                if on {
                    0.3 * (2.0 * std::f64::consts::PI * 220.0 * t).sin() as f32
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn boundaries_near_a_pause_move_to_its_edges_and_far_ones_stay() {
        // Speech to 0.30 s, a pause to 0.50 s, a 20 ms gap (a closure, not
        // a pause) at 0.75 s, speech to the end at 1 s.
        let audio = tone(1.0, &[(0.0, 0.30), (0.50, 0.75), (0.77, 1.0)]);
        let pauses = Pauses::find(&audio);
        assert_eq!((pauses.onsets.len(), pauses.offsets.len()), (1, 1));
        let words = vec![word(0.0, 0.27), word(0.53, 0.76), word(0.78, 1.0)];
        let out = refine(words, &pauses, 1.0);
        assert!((out[0].end - 0.30).abs() < 1e-6, "{out:?}");
        assert!((out[1].start - 0.50).abs() < 1e-6, "{out:?}");
        assert_eq!((out[1].end, out[2].start), (0.76, 0.78));
    }

    #[test]
    fn a_word_ends_before_a_pause_it_would_run_through() {
        let audio = tone(1.0, &[(0.0, 0.30), (0.50, 1.0)]);
        let pauses = Pauses::find(&audio);
        // The first word's end was carried to the second word's start.
        let out = refine(vec![word(0.0, 0.50), word(0.50, 1.0)], &pauses, 1.0);
        assert!((out[0].end - 0.30).abs() < 1e-6, "{out:?}");
    }

    #[test]
    fn a_word_carried_onto_the_start_of_a_long_pause_starts_after_it() {
        // A 0.2 s pause at 0.30 s; a 60 ms closure at 0.70 s.
        let audio = tone(1.0, &[(0.0, 0.30), (0.50, 0.70), (0.76, 1.0)]);
        let pauses = Pauses::find(&audio);
        let words = vec![word(0.0, 0.25), word(0.27, 0.69), word(0.70, 1.0)];
        let out = refine(words, &pauses, 1.0);
        assert!((out[1].start - 0.50).abs() < 1e-6, "{out:?}");
        // A word may begin with a stop consonant's silence.
        assert!((out[2].start - 0.70).abs() < 1e-6, "{out:?}");
    }

    #[test]
    fn silence_at_the_clip_edges_counts_as_a_pause() {
        let audio = tone(1.0, &[(0.2, 0.8)]);
        let pauses = Pauses::find(&audio);
        assert_eq!((pauses.onsets.len(), pauses.offsets.len()), (1, 1));
        assert!((pauses.onsets[0] - 0.2).abs() < 1e-6, "{:?}", pauses.onsets);
        assert!(
            (pauses.offsets[0] - 0.8).abs() < 1e-6,
            "{:?}",
            pauses.offsets
        );
    }

    #[test]
    fn overlaps_disorder_and_overruns_are_removed() {
        let mut words = vec![word(-0.1, 0.5), word(0.4, 0.9), word(0.3, 1.4)];
        consistent(&mut words, 1.2);
        let bounds: Vec<(f64, f64)> = words.iter().map(|w| (w.start, w.end)).collect();
        assert_eq!(bounds, vec![(0.0, 0.4), (0.4, 0.4), (0.4, 1.2)]);
    }

    #[test]
    fn quiet_frames_are_silent_relative_to_the_speech() {
        let mut levels = vec![-20.0f32; 20];
        levels[3] = -45.0; // 25 dB down: a soft sound, not silence
        levels[4] = -55.0; // 35 dB down
        levels[5] = -90.0;
        let silent = silent_frames(&levels);
        assert_eq!(silent[2..7], [false, false, true, true, false]);
    }
}
