//! Scores and counts: whether `2-1`, `2:1`, `2/2` is a game's score (read
//! 比) rather than a range or a fraction, and whether a number is a count
//! (a measure word or unit follows), which no score or service number is.
//!
//! A score needs a cue in its clause (比分, 战胜, 对, vs …), a result right
//! after it (2-1胜), or a team's name right before it with nothing after
//! (中国1-2, 拉齐奥 2/2); a count after it (1-2个月) makes it a range
//! whatever the cue.

use super::scan::*;
use super::words::*;
use crate::text::is_han;

/// A score cue in the clause before `i` (比分, 战胜 …; 以 only right before).
pub(super) fn score_context(c: &[char], i: usize) -> bool {
    let clause = clause_before(c, i, 12);
    ends(c, i, "以") || SCORE_CUES.iter().any(|w| *w != "以" && clause.contains(w))
}

/// Is `c[start..end]` (two numbers and a sign between them) a score? With
/// `spaced`, a team name must be followed by a space (拉齐奥 2/2): a slash
/// right after a word is a fraction (仅剩1/3).
pub(super) fn score_around(c: &[char], start: usize, end: usize, spaced: bool) -> bool {
    if counted_after(c, end) {
        return false;
    }
    // 对 (中国队对日本队2-1) only here: before a clock time it is no cue.
    let versus = clause_before(c, start, 12).contains('对');
    if versus || score_context(c, start) || starts_any(c, end, SCORE_AFTER).is_some() {
        return true;
    }
    let name_end = match (spaced, prev(c, start)) {
        (true, Some(' ')) => start - 1,
        (true, _) => return false,
        (false, Some(' ')) => start - 1,
        (false, _) => start,
    };
    let team = prev(c, name_end).is_some_and(|p| is_han(p) && !NOT_TEAM.contains(&p));
    team && clause_ends(c, end)
}

/// End of text or of a clause at `i`.
fn clause_ends(c: &[char], i: usize) -> bool {
    c.get(i).is_none_or(|ch| {
        CLAUSE_END.contains(ch) || ch.is_whitespace() || "。、）)”\"".contains(*ch)
    })
}

/// Does a count follow at `e` (个, 人, 年, 元, %, a Latin unit, 以上 …)?
pub(super) fn counted_after(c: &[char], e: usize) -> bool {
    let j = if c.get(e) == Some(&' ') { e + 1 } else { e };
    starts_any(c, j, MEASURE_WORDS).is_some()
        || starts_any(c, j, COUNT_AFTER).is_some()
        || starts_any(c, j, MONEY_WORDS).is_some()
        || UNITS
            .iter()
            .any(|(u, _)| starts(c, j, u) && !is_letter_at(c, j + u.chars().count()))
}
