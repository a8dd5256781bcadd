//! Matchers tried at a digit after the dates (`dates.rs`): clock times and
//! digit strings (IP addresses, landlines, mobiles, cue-marked codes,
//! service and road numbers). Each returns the end of what it consumed and
//! its reading, or None to let the next one try.

use super::cardinal::{read_cardinal, read_digits};
use super::scan::*;
use super::score::{counted_after, score_context};
use super::words::*;

/// (end of the consumed text, its reading)
pub(super) type Hit = Option<(usize, String)>;

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
    if let Some(hit) = hyphenated_phone(c, i) {
        return Some(hit);
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
    let service = SERVICE_NUMBERS.contains(&s.as_str()) || service_shaped(&s);
    let count = counted_after(c, e)
        || ends_any(c, i, COUNT_BEFORE)
        || matches!(c.get(e), Some('.' | ',' | ':' | '/' | '-' | '~'))
        || matches!(prev(c, i), Some('.' | '-' | '+' | '/' | ':'));
    if service && (alone || starts_any(c, e, SERVICE_AFTER).is_some() || !count) {
        return digits(true);
    }
    // A number of eight digits alone on its line, not round (fewer than
    // three zeros), is a city phone number without its area code.
    if alone && s.len() == 8 && s.bytes().filter(|&b| b == b'0').count() < 3 {
        return digits(false);
    }
    None
}

/// `400-810-8888`, `138-1234-5678`: a number in groups of 3, 3–4 and 4
/// digits (a 400/800 line or a mobile) is read digit by digit with 幺,
/// without its hyphens.
fn hyphenated_phone(c: &[char], i: usize) -> Hit {
    let (a, ae) = digits_at(c, i, 3, 3)?;
    let sep = *c.get(ae).filter(|s| matches!(s, '-' | ' '))?;
    let (b, be) = digits_at(c, ae + 1, 3, 4)?;
    if c.get(be) != Some(&sep) {
        return None;
    }
    let (d, de) = digits_at(c, be + 1, 4, 4)?;
    let shaped = a.starts_with('1') || a == "400" || a == "800";
    let more = c.get(de) == Some(&sep) && is_digit_at(c, de + 1);
    let whole = !(is_digit_at(c, de) || more);
    (shaped && whole).then(|| (de, read_digits(&format!("{a}{b}{d}"), true)))
}

/// Hotlines by their shape: 95xxx (banks, insurers), 96xxx (city
/// services), 123xx (government), five digits not ending in 00 (95000 is
/// a count).
fn service_shaped(s: &str) -> bool {
    s.len() == 5
        && (s.starts_with("95") || s.starts_with("96") || s.starts_with("123"))
        && !s.ends_with("00")
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
