//! Numbers read by what surrounds them: money with a currency sign, percent
//! (and 12-15% ranges), fractions, ratios and scores, Latin units, ordinals,
//! N年, money words, leading-zero strings, 两 before measure words, and
//! finally plain decimals and cardinals. `neg` is a '-' already consumed.

use super::cardinal::{read_cardinal, read_decimal, read_digits};
use super::patterns::Hit;
use super::scan::*;
use super::words::*;

fn is_percent(c: &[char], i: usize) -> bool {
    matches!(c.get(i), Some('%' | '％'))
}

/// Plain reading of a parsed number; `liang` as in `read_cardinal`.
fn read(n: &Num, liang: bool) -> String {
    read_decimal(&n.int, n.frac.as_deref(), liang)
}

/// Money amounts drop trailing decimal zeros: 36.00 → 三十六, 14.60 → 十四点六.
fn read_money(n: &Num) -> String {
    let frac = n
        .frac
        .as_deref()
        .map(|f| f.trim_end_matches('0'))
        .filter(|f| !f.is_empty());
    read_decimal(&n.int, frac, true)
}

/// A Latin unit at `j` that is not glued to more letters: (written form, reading).
/// One space may come before a unit that is not a single ASCII letter (3 kg, 5 ℃).
fn unit_at(c: &[char], j: usize) -> Option<(usize, &'static str, &'static str)> {
    let spaced = c.get(j) == Some(&' ');
    let j = if spaced { j + 1 } else { j };
    let (u, word) = UNITS.iter().copied().find(|(u, _)| {
        let e = j + u.chars().count();
        let glued = is_letter_at(c, e) || (u.ends_with(['2', '3']) && is_digit_at(c, e));
        let loose = spaced && u.len() == 1;
        starts(c, j, u) && !glued && !loose
    })?;
    Some((j + u.chars().count(), u, word))
}

/// Is the number at `i` part of a Latin token (G20, iPhone 5s)? Then no units.
fn latin_before(c: &[char], i: usize) -> bool {
    let b = skip_back(c, i, &[' ']);
    b > 0 && c[b - 1].is_ascii_alphabetic()
}

/// $13.5 → 十三点五美元, HKD13.5 → 十三点五港元, $1.5万 → 一点五万美元.
pub(super) fn currency(c: &[char], i: usize) -> Hit {
    let &(sym, word) = CURRENCY_PREFIX.iter().find(|(s, _)| starts(c, i, s))?;
    let mut j = i + sym.chars().count();
    while c.get(j) == Some(&' ') {
        j += 1;
    }
    if !is_digit_at(c, j) {
        return None;
    }
    let n = parse_num(c, j)?;
    let mut end = n.end;
    let mut suffix = String::new();
    while let Some(&ch) = c
        .get(end)
        .filter(|ch| matches!(ch, '万' | '亿' | '千' | '百'))
    {
        suffix.push(ch);
        end += 1;
    }
    Some((end, format!("{}{suffix}{word}", read_money(&n))))
}

/// The number at `i` (a digit, or '.' before digits) and what it is bound to.
pub(super) fn quantity(c: &[char], i: usize, neg: bool) -> Hit {
    let n = parse_num(c, i)?;
    let sign = if neg { "负" } else { "" };
    let after = n.end;
    let next = c.get(after).copied();
    // 12-15%, 12至15% → 百分之十二到/至百分之十五
    if let Some(sep) = next.filter(|s| RANGE_SEPS.contains(s) || matches!(s, '至' | '到')) {
        if let Some(m) = parse_num(c, after + 1).filter(|m| is_percent(c, m.end)) {
            let word = if sep == '至' { "至" } else { "到" };
            let (a, b) = (read(&n, false), read(&m, false));
            return Some((m.end + 1, format!("{sign}百分之{a}{word}百分之{b}")));
        }
    }
    if is_percent(c, after) {
        return Some((after + 1, format!("{sign}百分之{}", read(&n, false))));
    }
    if next == Some('/') && n.frac.is_none() {
        if let Some((d, de)) = digits_at(c, after + 1, 1, 12) {
            let (den, num) = (read_cardinal(&d, false), read_cardinal(&n.int, false));
            return Some((de, format!("{sign}{den}分之{num}")));
        }
    }
    if matches!(next, Some(':' | '：')) && n.frac.is_none() {
        let mut terms = vec![read(&n, true)];
        let mut end = after;
        while matches!(c.get(end), Some(':' | '：')) {
            let Some(m) = parse_num(c, end + 1) else {
                break;
            };
            terms.push(read(&m, true));
            end = m.end;
        }
        if terms.len() > 1 {
            return Some((end, format!("{sign}{}", terms.join("比"))));
        }
    }
    if !latin_before(c, i) {
        if let Some((end, u, word)) = unit_at(c, after) {
            let num = read(&n, true);
            if let Some(per) = per_unit_prefix(u) {
                return Some((end, format!("{per}{sign}{num}{word}")));
            }
            let sign = if neg && word.ends_with('度') {
                "零下"
            } else {
                sign
            };
            return Some((end, format!("{sign}{num}{word}")));
        }
    }
    Some((after, format!("{sign}{}", in_chinese_context(c, i, &n))))
}

/// Reading decided by the Chinese text around the number.
fn in_chinese_context(c: &[char], i: usize, n: &Num) -> String {
    let after = n.end;
    if prev(c, i) == Some('第') {
        return read(n, false);
    }
    if n.frac.is_none() && c.get(after) == Some(&'年') {
        return year(c, i, n);
    }
    if n.frac.is_some() && starts_any(c, after, MONEY_WORDS).is_some() {
        return read_money(n);
    }
    if n.frac.is_none() && n.int.len() > 1 && n.int.starts_with('0') {
        return match c.get(after) {
            Some('月' | '日' | '号' | '时' | '点' | '分' | '秒') => {
                read_cardinal(&n.int, false)
            }
            _ => read_digits(&n.int, false),
        };
    }
    counted(c, n)
}

/// Cardinal or decimal, with 两 for a bare 2 before a measure word (两个, 两万, but 二千克).
fn counted(c: &[char], n: &Num) -> String {
    let measured =
        starts_any(c, n.end, MEASURE_WORDS).is_some() && starts_any(c, n.end, QIAN_UNITS).is_none();
    if n.frac.is_none() && n.int == "2" && measured {
        return "两".to_string();
    }
    read(n, true)
}

/// N年: digits for 4-digit years, leading zeros, 公元…, or a month after;
/// a number (duration) after 近/约/历经/成立…, for 4 digits + 多/余, and for 1–3 digits otherwise.
fn year(c: &[char], i: usize, n: &Num) -> String {
    let s = n.int.as_str();
    let after_nian = n.end + 1;
    let digits = read_digits(s, false);
    if ends_any(c, i, YEAR_DIGITS_BEFORE) || (s.len() > 1 && s.starts_with('0')) {
        return digits;
    }
    if ends_any(c, i, YEAR_NUMBER_BEFORE) {
        return counted(c, n);
    }
    if s.len() == 4 {
        return match starts_any(c, after_nian, FOUR_DIGIT_NUMBER_AFTER) {
            Some(_) => counted(c, n),
            None => digits,
        };
    }
    let month_follows =
        digits_at(c, after_nian, 1, 2).is_some_and(|(_, e)| c.get(e) == Some(&'月'));
    if month_follows {
        digits
    } else {
        counted(c, n)
    }
}
