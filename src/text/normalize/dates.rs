//! Numeric dates, tried first at a digit: year first (2008-08-08,
//! 2008.08), year last (08-08-2008, 08-2008), zero-padded month and day
//! (08-08), two-digit years (12/2/2), year ranges (2019-2020年) and years
//! with an era (2934ad). Each returns the end of what it consumed and its
//! reading, or None to let the next matcher try.
//!
//! A date needs a shape no range or decimal has: a 4-digit year, a
//! two-digit year before two more fields, or a zero-padded field (08-08
//! is a date, 12-23 stays a range and 12.9 a decimal).

use super::cardinal::{read_cardinal, read_digits};
use super::patterns::Hit;
use super::scan::*;
use super::score::counted_after;
use super::words::*;

fn value(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn month_ok(m: &str) -> bool {
    (1..=12).contains(&value(m))
}

fn day_ok(d: &str) -> bool {
    (1..=31).contains(&value(d))
}

/// A year a month-year date can have (1900–2099): 10-2000元 stays a range.
fn plausible_year(y: &str) -> bool {
    (1900..=2099).contains(&value(y))
}

/// Nothing after `e` continues the number: no digit, no `.5`, no count
/// (元, 人, %), so 2008.08元 stays an amount.
fn ends_number(c: &[char], e: usize) -> bool {
    let continued = matches!(c.get(e), Some('.' | '-' | '/')) && is_digit_at(c, e + 1);
    !(is_digit_at(c, e) || continued || counted_after(c, e))
}

fn ymd(y: &str, m: &str, d: Option<&str>) -> String {
    let mut s = format!("{}年{}月", read_digits(y, false), read_cardinal(m, false));
    if let Some(d) = d {
        s += &format!("{}日", read_cardinal(d, false));
    }
    s
}

/// 2008-08-08, 2008/8/8, 2008.08.08, 2019·2·10 → 二零零八年八月八日;
/// 2008-08, 2002/01, and 2008.08 with a two-digit month and nothing after
/// it → …年…月.
pub(super) fn numeric_date(c: &[char], i: usize) -> Hit {
    let (y, ye) = digits_at(c, i, 4, 4)?;
    let sep = *c.get(ye)?;
    if !matches!(sep, '-' | '/' | '.' | '·') {
        return None;
    }
    let (m, me) = digits_at(c, ye + 1, 1, 2)?;
    if !month_ok(&m) {
        return None;
    }
    if c.get(me) == Some(&sep) {
        let (d, de) = digits_at(c, me + 1, 1, 2)?;
        return day_ok(&d).then(|| (de, ymd(&y, &m, Some(&d))));
    }
    let dotted = sep == '.' && m.len() == 2 && plausible_year(&y) && ends_number(c, me);
    (matches!(sep, '-' | '/') || dotted).then(|| (me, ymd(&y, &m, None)))
}

/// Year last: 08-08-2008, 8/8/2008 (day first, as in most of the world,
/// unless only the second field can be a day: 12/25/2008); 08-2008,
/// 08/2008, 08.2008 (a two-digit month before a plausible year).
pub(super) fn year_last(c: &[char], i: usize) -> Hit {
    let (a, ae) = digits_at(c, i, 1, 2)?;
    let sep = *c.get(ae)?;
    if !matches!(sep, '-' | '/' | '.') {
        return None;
    }
    let (b, be) = digits_at(c, ae + 1, 1, 4)?;
    if b.len() == 4 {
        // 12.2008 could be a decimal; 08.2008 cannot.
        let dotted_ok = sep != '.' || a.starts_with('0');
        let month_year =
            a.len() == 2 && dotted_ok && month_ok(&a) && plausible_year(&b) && ends_number(c, be);
        return month_year.then(|| (be, ymd(&b, &a, None)));
    }
    if c.get(be) != Some(&sep) || b.len() > 2 {
        return None;
    }
    let (y, ye) = digits_at(c, be + 1, 4, 4)?;
    let (d, m) = if value(&a) <= 12 && value(&b) > 12 {
        (&b, &a)
    } else {
        (&a, &b)
    };
    (month_ok(m) && day_ok(d) && ends_number(c, ye)).then(|| (ye, ymd(&y, m, Some(d))))
}

/// 08-08, 08/08, 08.08, 12-05 → 八月八日 (a zero-padded field makes it a
/// date; with a dot, only a zero-padded month: 10.05 is a decimal);
/// 12/2/2, 12.2.3 → 一二年二月二日 (a two-digit year before month and day).
pub(super) fn short_date(c: &[char], i: usize) -> Hit {
    let (a, ae) = digits_at(c, i, 2, 2)?;
    let sep = *c.get(ae)?;
    if !matches!(sep, '-' | '/' | '.') || prev(c, i).is_some_and(|p| p.is_ascii_alphanumeric()) {
        return None;
    }
    let (b, be) = digits_at(c, ae + 1, 1, 2)?;
    if c.get(be) == Some(&sep) && sep != '-' {
        let (d, de) = digits_at(c, be + 1, 1, 2)?;
        let date = month_ok(&b) && day_ok(&d) && ends_number(c, de);
        return date.then(|| (de, ymd(&a, &b, Some(&d))));
    }
    // 10.05 is a decimal; 08.08 cannot be one, and 12-05 is no range.
    let padded = b.len() == 2 && (a.starts_with('0') || (b.starts_with('0') && sep != '.'));
    (padded && month_ok(&a) && day_ok(&b) && ends_number(c, be)).then(|| {
        let reading = format!(
            "{}月{}日",
            read_cardinal(&a, false),
            read_cardinal(&b, false)
        );
        (be, reading)
    })
}

/// 2019-2020年, 2019~2020赛季 → 二零一九到二零二零年.
pub(super) fn year_range(c: &[char], i: usize) -> Hit {
    let (a, ae) = digits_at(c, i, 4, 4)?;
    let word = match c.get(ae)? {
        '至' => "至",
        sep if RANGE_SEPS.contains(sep) || *sep == '到' => "到",
        _ => return None,
    };
    let (b, be) = digits_at(c, ae + 1, 4, 4)?;
    starts_any(c, be, YEAR_RANGE_AFTER)?;
    Some((
        be,
        format!("{}{word}{}", read_digits(&a, false), read_digits(&b, false)),
    ))
}

/// 2934ad, 2934 A.D. → 公元二九三四年; 2334bc, 1234b.c. → 公元前二三三四年.
pub(super) fn era_year(c: &[char], i: usize) -> Hit {
    let e = run_end(c, i);
    let j = if c.get(e) == Some(&' ') { e + 1 } else { e };
    let lower: String = c[j..c.len().min(j + 4)]
        .iter()
        .map(|ch| ch.to_ascii_lowercase())
        .collect();
    let (tok, era) = [
        ("a.d.", "公元"),
        ("b.c.", "公元前"),
        ("ad", "公元"),
        ("bc", "公元前"),
    ]
    .into_iter()
    .find(|(tok, _)| lower.starts_with(tok))?;
    let end = j + tok.len();
    let glued = is_letter_at(c, end) || prev(c, i).is_some_and(|p| p.is_ascii_alphanumeric());
    (!glued && e - i <= 4).then(|| {
        (
            end,
            format!("{era}{}年", read_digits(&text(c, i, e), false)),
        )
    })
}
