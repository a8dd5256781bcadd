//! Numbers read by what surrounds them: money with a currency sign, percent
//! (and 12-15% ranges), fractions, ratios and scores, Latin units, ordinals,
//! N年, money words, leading-zero strings, 两 before measure words, and
//! finally plain decimals and cardinals. `neg` is a '-' already consumed.

use super::cardinal::{read_cardinal, read_decimal, read_digits};
use super::patterns::Hit;
use super::scan::*;
use super::score::score_around;
use super::words::*;

/// 百分之 for `%`, 千分之 for `‰`, 万分之 for `‱`.
fn per_part(c: &[char], i: usize) -> Option<&'static str> {
    match c.get(i)? {
        '%' | '％' => Some("百分之"),
        '‰' => Some("千分之"),
        '‱' => Some("万分之"),
        _ => None,
    }
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
    let &(sym, word) = CURRENCIES.iter().find(|(s, _)| starts(c, i, s))?;
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
    // RMB500元: the money word is written too, so the currency goes first.
    if starts_any(c, end, MONEY_WORDS).is_some() {
        return Some((end, format!("{word}{}{suffix}", read_money(&n))));
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
        if let Some(m) = parse_num(c, after + 1) {
            if let Some(per) = per_part(c, m.end) {
                let word = if sep == '至' { "至" } else { "到" };
                let (a, b) = (read(&n, false), read(&m, false));
                return Some((m.end + 1, format!("{sign}{per}{a}{word}{per}{b}")));
            }
        }
    }
    if let Some(per) = per_part(c, after) {
        return Some((after + 1, format!("{sign}{per}{}", read(&n, false))));
    }
    if let Some(hit) = slash(c, i, &n, sign) {
        return Some(hit);
    }
    if let Some((end, word)) = currency_after(c, after) {
        return Some((end, format!("{sign}{}{word}", read_money(&n))));
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

/// `1/2`, `1 / 2` → 二分之一; `拉齐奥 2/2`, `比分2/2` → 二比二.
fn slash(c: &[char], i: usize, n: &Num, sign: &str) -> Hit {
    if n.frac.is_some() {
        return None;
    }
    let spaces = |mut j: usize| {
        while c.get(j) == Some(&' ') {
            j += 1;
        }
        j
    };
    let at = spaces(n.end);
    if c.get(at) != Some(&'/') {
        return None;
    }
    let (d, de) = digits_at(c, spaces(at + 1), 1, 12)?;
    if sign.is_empty() && score_around(c, i, de, true) {
        let (a, b) = (read_cardinal(&n.int, false), read_cardinal(&d, false));
        return Some((de, format!("{a}比{b}")));
    }
    let (den, num) = (read_cardinal(&d, false), read_cardinal(&n.int, false));
    Some((de, format!("{sign}{den}分之{num}")))
}

/// A currency code or sign right after an amount (`5 USD`, `100$`), not
/// glued to more letters: (its end, its name).
fn currency_after(c: &[char], after: usize) -> Option<(usize, &'static str)> {
    let j = if c.get(after) == Some(&' ') {
        after + 1
    } else {
        after
    };
    CURRENCIES.iter().find_map(|&(code, word)| {
        let e = j + code.chars().count();
        let glued = is_letter_at(c, e) || is_digit_at(c, e);
        (starts(c, j, code) && !glued).then_some((e, word))
    })
}

/// The second number of 第1-2名: an ordinal too (第一到二名).
fn ordinal_range(c: &[char], i: usize) -> bool {
    let Some(sep) = i.checked_sub(1).filter(|&s| RANGE_SEPS.contains(&c[s])) else {
        return false;
    };
    let mut a = sep;
    while a > 0 && c[a - 1].is_ascii_digit() {
        a -= 1;
    }
    a < sep && prev(c, a) == Some('第')
}

/// Reading decided by the Chinese text around the number.
fn in_chinese_context(c: &[char], i: usize, n: &Num) -> String {
    let after = n.end;
    if prev(c, i) == Some('第') || ordinal_range(c, i) {
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
