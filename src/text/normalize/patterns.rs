//! Matchers tried first at a digit, in this order: numeric dates, year
//! ranges, clock times, digit strings (IP addresses, landlines, mobiles,
//! cue-marked codes, service and road numbers). Each returns the end of
//! what it consumed and its reading, or None to let the next one try.

use super::cardinal::{read_cardinal, read_digits};
use super::scan::*;
use super::words::*;

/// (end of the consumed text, its reading)
pub(super) type Hit = Option<(usize, String)>;

/// 2008-08-08, 2008/8/8, 2008.08.08, 2019·2·10 → 二零零八年八月八日; 2008-08, 2002/01 → …年…月.
/// Only with a 4-digit year, so 12-23 stays a range and 12.9 a decimal.
pub(super) fn numeric_date(c: &[char], i: usize) -> Hit {
    let (y, ye) = digits_at(c, i, 4, 4)?;
    let sep = *c.get(ye)?;
    if !matches!(sep, '-' | '/' | '.' | '·') {
        return None;
    }
    let (m, me) = digits_at(c, ye + 1, 1, 2)?;
    if !(1..=12).contains(&m.parse::<u32>().ok()?) {
        return None;
    }
    let ym = format!("{}年{}月", read_digits(&y, false), read_cardinal(&m, false));
    if c.get(me) == Some(&sep) {
        let (d, de) = digits_at(c, me + 1, 1, 2)?;
        let day_ok = (1..=31).contains(&d.parse::<u32>().ok()?);
        return day_ok.then(|| (de, format!("{ym}{}日", read_cardinal(&d, false))));
    }
    matches!(sep, '-' | '/').then_some((me, ym))
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

/// A score cue in the clause before `i` (比分, 战胜 …; 以 only right before).
pub(super) fn score_context(c: &[char], i: usize) -> bool {
    let clause = clause_before(c, i, 12);
    ends(c, i, "以") || SCORE_CUES.iter().any(|w| *w != "以" && clause.contains(w))
}

/// H:MM and H:MM:SS (also with ：): 两点 for 2, 零X分, :00 dropped, am/pm → 上午/下午 in front.
pub(super) fn clock_time(c: &[char], i: usize) -> Hit {
    if score_context(c, i) {
        return None;
    }
    let (h, he) = digits_at(c, i, 1, 2)?;
    let colon = *c.get(he)?;
    if colon != ':' && colon != '：' {
        return None;
    }
    let (m, me) = digits_at(c, he + 1, 2, 2)?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 24 || m > 59 {
        return None;
    }
    let mut end = me;
    let mut sec = 0;
    if c.get(me) == Some(&colon) {
        if let Some((s, se)) = digits_at(c, me + 1, 2, 2) {
            sec = s.parse().ok().filter(|s| *s <= 59)?;
            end = se;
        }
    }
    let mut out = if h == 2 {
        "两".to_string()
    } else {
        read_cardinal(&h.to_string(), false)
    };
    out.push('点');
    if m > 0 || sec > 0 {
        if m < 10 {
            out.push('零');
        }
        if m > 0 {
            out += &read_cardinal(&m.to_string(), false);
        }
        out.push('分');
    }
    if sec > 0 {
        out += &read_cardinal(&sec.to_string(), false);
        out.push('秒');
    }
    let (end, half_day) = am_pm(c, end);
    match half_day {
        Some(w) if !ends_any(c, i, &["上午", "下午", "早上", "晚上", "凌晨", "中午"]) => {
            Some((end, format!("{w}{out}")))
        }
        _ => Some((end, out)),
    }
}

/// An optional " a.m." / "pm" after a time: (new end, 上午/下午).
fn am_pm(c: &[char], end: usize) -> (usize, Option<&'static str>) {
    let mut j = end;
    while c.get(j) == Some(&' ') {
        j += 1;
    }
    let lower: String = c[j..c.len().min(j + 4)]
        .iter()
        .map(|ch| ch.to_ascii_lowercase())
        .collect();
    for (tok, word) in [
        ("a.m.", "上午"),
        ("p.m.", "下午"),
        ("am", "上午"),
        ("pm", "下午"),
    ] {
        let n = tok.len();
        if lower.starts_with(tok) && !is_letter_at(c, j + n) {
            return (j + n, Some(word));
        }
    }
    (end, None)
}

/// Strings read digit by digit: IP addresses, landlines (一), mobiles (幺), 90后,
/// 985工程, road numbers, “26314”号, numbers after a phone/ID cue, service numbers.
pub(super) fn digit_string(c: &[char], i: usize) -> Hit {
    let e = run_end(c, i);
    let s = text(c, i, e);
    if c.get(e) == Some(&'.') && is_digit_at(c, e + 1) {
        return dotted_code(c, i);
    }
    if s.starts_with('0') && (3..=4).contains(&s.len()) && c.get(e) == Some(&'-') {
        if let Some((t, te)) = digits_at(c, e + 1, 7, 8) {
            return Some((te, read_digits(&s, false) + &read_digits(&t, false)));
        }
    }
    let digits = |yao| Some((e, read_digits(&s, yao)));
    let b = s.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && prev(c, i) != Some('第') {
        return digits(true);
    }
    if b.len() == 2 && b[1] == b'0' && c.get(e) == Some(&'后') {
        return digits(false);
    }
    if NAMED_CODES.contains(&s.as_str()) && starts_any(c, e, NAMED_CODE_AFTER).is_some() {
        return digits(false);
    }
    if starts_any(c, e, ROAD_WORDS).is_some() {
        return digits(true);
    }
    if matches!(prev(c, i), Some('“' | '"'))
        && matches!(c.get(e), Some('”' | '"'))
        && c.get(e + 1) == Some(&'号')
    {
        return digits(false);
    }
    let cue_end = skip_back(c, i, CUE_FILLERS);
    if s.len() >= 3 && ends_any(c, cue_end, PHONE_CUES) {
        return digits(true);
    }
    if s.len() >= 3 && ends_any(c, cue_end, ID_CUES) {
        return digits(false);
    }
    // Codes: a leading zero (备05023036号), or four or more digits glued to
    // Latin letters (sp20241122); a date or time word after a short one
    // makes it a date (02月).
    let glued = prev(c, i).is_some_and(|p| p.is_ascii_alphabetic()) && s.len() >= 4;
    let zero_led = s.len() >= 2 && s.starts_with('0');
    let dated = c
        .get(e)
        .is_some_and(|n| "年月日号时点分秒.:：-/".contains(*n));
    if ((glued || zero_led) && !dated) || (zero_led && s.len() >= 4 && c.get(e) != Some(&'年')) {
        return digits(false);
    }
    let alone =
        c[..i].iter().all(|ch| ch.is_whitespace()) && c[e..].iter().all(|ch| ch.is_whitespace());
    if SERVICE_NUMBERS.contains(&s.as_str()) && (alone || starts_any(c, e, SERVICE_AFTER).is_some())
    {
        return digits(true);
    }
    None
}

/// Three or more dot-separated digit groups: 127.0.0.1 → 一二七点零点零点一.
fn dotted_code(c: &[char], i: usize) -> Hit {
    let mut parts = Vec::new();
    let mut j = i;
    loop {
        let k = run_end(c, j);
        parts.push(read_digits(&text(c, j, k), false));
        j = k;
        if !(c.get(j) == Some(&'.') && is_digit_at(c, j + 1)) {
            break;
        }
        j += 1;
    }
    (parts.len() >= 3).then(|| (j, parts.join("点")))
}
