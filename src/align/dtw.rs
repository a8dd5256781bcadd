//! Dynamic time warping of a clip's frames against a reference's, inside
//! a band around the straight line from the first pair to the last.
//!
//! The band keeps the work and memory linear in the length: for a clip of
//! `n` frames it holds `n · (2w + 1)` one-byte steps (`w` = [`band`]: a
//! tenth of the length, so about 7 MB for a minute of voiced audio) and
//! two rows of costs. Each step may advance the clip, the reference or
//! both, a diagonal step weighing its pair twice (Sakoe and Chiba's
//! symmetric pattern) and a step advancing one alone paying [`STRETCH`]
//! besides, since the reference is read at the clip's pace; the cost of a
//! pair is the cosine distance of their feature vectors (as aeneas's),
//! which compares spectral shapes, not how far a frame is from the mean.

/// Half-width of the band in frames for sequences of `n` and `m` frames:
/// a tenth of the longer one, at least 0.2 s and at most 10 s, since two
/// readings of one text drift apart locally (a slower phrase) but follow
/// the same line overall.
pub(super) fn band(n: usize, m: usize) -> usize {
    (n.max(m) / 10).clamp(20, 1_000)
}

/// What a step that holds one reading still while the other moves costs,
/// beyond its pair: the reference is read at the clip's pace
/// (`reference_speed`), so the path should stay near the diagonal, and a
/// run of such steps (one reading's syllable stretched over several of
/// the other's, which lets the path slip a syllable among similar ones)
/// must buy a clearly better match. In cosine distance (0 to 2), where
/// matching frames of two voices typically score 0.1 to 0.5. Measured in
/// BENCHMARKS.md §14: 0 gave a p95 of 151 ms on Mandarin espeak-ng
/// clips, 0.3 gave 82, 0.6 and 1.0 both 44.
const STRETCH: f32 = 0.6;

const DIAGONAL: u8 = 0;
const CLIP_ONLY: u8 = 1;
const REFERENCE_ONLY: u8 = 2;

/// The best warping path, seen from the reference: for each reference
/// frame, the first and the last clip frame it is paired with.
pub(super) struct Path {
    pub(super) first: Vec<usize>,
    pub(super) last: Vec<usize>,
    /// The path's cost per pair (every path weighs `n + m` pairs): how
    /// unlike the two readings are where they are paired.
    pub(super) cost: f32,
}

/// The best warping path of `clip` against `reference`, which hold `dims`
/// values per frame; both must have at least one frame.
pub(super) fn warp(clip: &[f32], reference: &[f32], dims: usize) -> Path {
    let n = clip.len() / dims;
    let m = reference.len() / dims;
    assert!(n > 0 && m > 0, "warping needs a frame on each side");
    let w = band(n, m);
    let width = 2 * w + 1;
    // Columns of row i: lo(i)..=hi(i), around the straight line.
    let centre = |i: usize| {
        if n == 1 {
            0
        } else {
            ((i as u64 * (m as u64 - 1) + (n as u64 - 1) / 2) / (n as u64 - 1)) as usize
        }
    };
    let lo = |i: usize| centre(i).saturating_sub(w);
    let hi = |i: usize| (centre(i) + w).min(m - 1);
    let norms = |frames: &[f32]| -> Vec<f32> {
        frames
            .chunks_exact(dims)
            .map(|v| v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6))
            .collect()
    };
    let (clip_norms, reference_norms) = (norms(clip), norms(reference));
    let distance = |i: usize, j: usize| -> f32 {
        let a = &clip[i * dims..(i + 1) * dims];
        let b = &reference[j * dims..(j + 1) * dims];
        let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        1.0 - dot / (clip_norms[i] * reference_norms[j])
    };

    let mut steps = vec![DIAGONAL; n * width];
    let mut previous = vec![f32::INFINITY; width];
    let mut current = vec![f32::INFINITY; width];
    for i in 0..n {
        let (row_lo, row_hi) = (lo(i), hi(i));
        current.fill(f32::INFINITY);
        let prev_lo = if i > 0 { lo(i - 1) } else { 0 };
        let prev_hi = if i > 0 { hi(i - 1) } else { 0 };
        let above = |j: usize, previous: &[f32]| {
            if i > 0 && j >= prev_lo && j <= prev_hi {
                previous[j - prev_lo]
            } else {
                f32::INFINITY
            }
        };
        for j in row_lo..=row_hi {
            let cost = distance(i, j);
            // A diagonal step counts its pair twice, so every path from the
            // first pair to the last weighs n + m pairs: none is cheaper
            // merely for being straighter.
            let (best, step) = if i == 0 && j == 0 {
                (cost, DIAGONAL)
            } else {
                let diagonal = if j > 0 {
                    above(j - 1, &previous) + cost
                } else {
                    f32::INFINITY
                };
                let clip_only = above(j, &previous) + STRETCH;
                let reference_only = if j > row_lo {
                    current[j - 1 - row_lo] + STRETCH
                } else {
                    f32::INFINITY
                };
                if diagonal <= clip_only && diagonal <= reference_only {
                    (diagonal, DIAGONAL)
                } else if clip_only <= reference_only {
                    (clip_only, CLIP_ONLY)
                } else {
                    (reference_only, REFERENCE_ONLY)
                }
            };
            current[j - row_lo] = best + cost;
            steps[i * width + (j - row_lo)] = step;
        }
        std::mem::swap(&mut previous, &mut current);
    }

    let cost = previous[m - 1 - lo(n - 1)] / (n + m) as f32;
    let mut first = vec![usize::MAX; m];
    let mut last = vec![0; m];
    let (mut i, mut j) = (n - 1, m - 1);
    loop {
        first[j] = first[j].min(i);
        last[j] = last[j].max(i);
        if i == 0 && j == 0 {
            break;
        }
        match steps[i * width + (j - lo(i))] {
            DIAGONAL => {
                i -= 1;
                j -= 1;
            }
            CLIP_ONLY => i -= 1,
            _ => j -= 1,
        }
    }
    Path { first, last, cost }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-dimensional "features", one direction per value: the path must
    /// pair equal values (the distance compares directions).
    fn frames(values: &[f32]) -> Vec<f32> {
        values
            .iter()
            .flat_map(|&v| [(v / 10.0).cos(), (v / 10.0).sin()])
            .collect()
    }

    #[test]
    fn a_stretched_sequence_maps_each_value_to_its_copies() {
        // The clip holds each reference value for a different number of frames.
        let reference = frames(&[0.0, 5.0, 10.0, 15.0, 20.0]);
        let clip = frames(&[0.0, 0.0, 5.0, 10.0, 10.0, 10.0, 10.0, 15.0, 20.0, 20.0]);
        let path = warp(&clip, &reference, 2);
        assert_eq!(path.first, vec![0, 2, 3, 7, 8]);
        assert_eq!(path.last, vec![1, 2, 6, 7, 9]);
    }

    #[test]
    fn a_compressed_sequence_maps_several_reference_frames_to_one() {
        let reference = frames(&[0.0, 0.0, 0.0, 7.0, 7.0, 3.0]);
        let clip = frames(&[0.0, 7.0, 3.0]);
        let path = warp(&clip, &reference, 2);
        assert_eq!(path.first, vec![0, 0, 0, 1, 1, 2]);
        assert_eq!(path.last, path.first);
    }

    #[test]
    fn memory_stays_linear_in_length() {
        // A minute against a minute: the band, not the square, bounds the steps.
        let w = band(6_000, 6_000);
        assert!(6_000 * (2 * w + 1) <= 12_100_000, "band {w}");
        assert_eq!(band(100, 90), 20);
    }
}
