//! Cutting a sentence that is too long for one TTS request (zh_text.md
//! §6.3): at the best clause punctuation first, merging greedily, and as a
//! last resort hard at the limit without splitting a number or a word.

use std::ops::Range;

use super::scan::{is_joiner, is_punct, is_word_char, Scan};
use super::Limit;

/// Chunk points for over-long sentences, best first (level 0 is the terminators).
const CLAUSE_MARKS: [&str; 3] = ["；：;:", "，,﹐", "、"];

/// Levels tried by `chunk` before cutting hard.
const LEVELS: usize = 1 + CLAUSE_MARKS.len();

/// Cut one sentence that does not fit `limit` into chunks that do (zh_text.md §6.3): first at ；; ：: then at ，, then at 、 (and for English at `;` `:` `,`), merging greedily so chunks are as long as fit; a tail that is very short (< ~10 chars) is merged into the previous chunk if it still fits; punctuation stays on the left chunk; never cut inside 《》 or “…” unless the quoted part alone does not fit; never cut inside a number (digits, decimal point, %, digit groups) or a Latin word. A sentence with no usable punctuation (e.g. 20 000 characters without any) is cut hard at the limit, but backing off so no number or Latin word is split (if a single word is itself longer than the limit, cut it anyway). A sentence that fits is returned as one chunk unchanged.
///
/// Terminators inside a quote that is too long (。！？ and ……) are tried before ；：.
/// Greedy merging already leaves no short tail that would still fit. Chunks are
/// trimmed; a blank sentence gives no chunk. A single character larger than
/// `max_bytes` is returned alone, since it cannot be cut.
pub fn fit_to_limit(sentence: &str, limit: Limit) -> Vec<String> {
    if sentence.trim().is_empty() {
        return Vec::new();
    }
    if limit.fits(sentence) {
        return vec![sentence.to_string()];
    }
    chunk(sentence, limit, 0)
        .into_iter()
        .map(|r| sentence[r].trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Byte ranges of `piece` that each fit `limit` (where possible), cutting at
/// punctuation of `level` first and at finer levels only inside pieces that
/// still do not fit, then merging neighbours greedily.
fn chunk(piece: &str, limit: Limit, level: usize) -> Vec<Range<usize>> {
    if limit.fits(piece.trim()) {
        let whole = 0..piece.len();
        return vec![whole];
    }
    if level == LEVELS {
        return Scan::new(piece).hard_cut(limit);
    }
    let mut chunks = Vec::new();
    let mut start = 0;
    let cuts = Scan::new(piece).cut_points(level, limit);
    for cut in cuts.into_iter().chain([piece.len()]) {
        let sub = chunk(&piece[start..cut], limit, level + 1);
        chunks.extend(sub.into_iter().map(|r| r.start + start..r.end + start));
        start = cut;
    }
    merge_greedy(piece, chunks, limit)
}

/// Join neighbouring ranges while the joined text still fits.
fn merge_greedy(text: &str, ranges: Vec<Range<usize>>, limit: Limit) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if limit.fits(text[last.start..r.end].trim()) => last.end = r.end,
            _ => out.push(r),
        }
    }
    out
}

impl Scan<'_> {
    /// If a chunk may end after the clause mark at `i`: where the next chunk starts.
    fn clause_mark_end(&self, i: usize, marks: &str) -> Option<usize> {
        let c = self.char_at(i)?;
        // An ASCII mark must be followed by a space or non-ASCII text: not 1,000 or 10:30.
        let ascii_glued = c.is_ascii()
            && self
                .char_at(i + 1)
                .is_some_and(|n| n.is_ascii() && !n.is_whitespace());
        if !marks.contains(c) || ascii_glued || i <= self.first || self.is_opener(i - 1) {
            return None;
        }
        let end = self.skip_closers(i + 1);
        match self.char_at(end) {
            Some(next) if is_punct(next) => None,
            _ => Some(end),
        }
    }

    /// Byte offsets where a chunk may end, at one level (0: terminators and
    /// ellipses, then `CLAUSE_MARKS`), outside quotes that fit.
    fn cut_points(&self, level: usize, limit: Limit) -> Vec<usize> {
        let n = self.chars.len();
        let mut cuts = Vec::new();
        let mut i = 0;
        while i < n {
            let (next, end) = if level == 0 {
                match self.terminator_cluster(i) {
                    Some((end, ends)) => (end, ends.then_some(end)),
                    None => (i + 1, None),
                }
            } else {
                (i + 1, self.clause_mark_end(i, CLAUSE_MARKS[level - 1]))
            };
            if let Some(end) = end.filter(|&e| e < n && !self.blocked(self.byte(e), limit)) {
                cuts.push(self.byte(end));
            }
            i = next;
        }
        cuts
    }

    /// Whether a hard cut may fall between characters `k - 1` and `k`.
    fn safe_break(&self, k: usize, limit: Limit) -> bool {
        let (a, b) = (self.chars[k - 1].1, self.chars[k].1);
        let before = k.checked_sub(2).and_then(|j| self.char_at(j));
        let after = self.char_at(k + 1);
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let in_token = (is_word_char(a) && is_word_char(b))
            || (a.is_ascii_digit() && !b.is_whitespace())
            || (is_joiner(a) && before.is_some_and(is_word_char) && is_word_char(b))
            || (a.is_ascii_digit() && b.is_whitespace() && digit(after))
            || (a.is_whitespace() && digit(before) && b.is_ascii_digit());
        !in_token
            && !self.is_closer(k)
            && !is_punct(b)
            && !self.is_opener(k - 1)
            && !self.blocked(self.byte(k), limit)
    }

    /// Index after the longest run from `start` that fits `limit`.
    fn longest_fit(&self, start: usize, limit: Limit) -> usize {
        let (mut chars, mut bytes, mut k) = (0, 0, start);
        while let Some(c) = self.char_at(k) {
            if chars + 1 > limit.max_chars || bytes + c.len_utf8() > limit.max_bytes {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
            k += 1;
        }
        k
    }

    /// Cut into parts that fit, of about equal length, each ending at a safe
    /// break; a single token longer than the limit is cut anyway.
    fn hard_cut(&self, limit: Limit) -> Vec<Range<usize>> {
        let n = self.chars.len();
        let mut out = Vec::new();
        let mut start = 0;
        while start < n {
            if self.chars[start].1.is_whitespace() {
                start += 1;
                continue;
            }
            let longest = self.longest_fit(start, limit);
            let end = if longest == n {
                n
            } else {
                // Aim at equal parts, so no tiny tail is left, and take the
                // safe break nearest to that aim.
                let (rest, fit) = (n - start, (longest - start).max(1));
                let aim = start + rest.div_ceil(rest.div_ceil(fit));
                (0..=fit)
                    .flat_map(|d| [aim.checked_sub(d), Some(aim + d)])
                    .flatten()
                    .find(|&k| k > start && k <= longest && self.safe_break(k, limit))
                    .unwrap_or(longest.max(start + 1))
            };
            out.push(self.byte(start)..self.byte(end));
            start = end;
        }
        out
    }
}
