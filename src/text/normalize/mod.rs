//! Mandarin text normalisation for TTS: digits, symbols and units become the
//! words a Mandarin newsreader says (2019年 → 二零一九年, 56.66% →
//! 百分之五十六点六六), so that espeak-ng and other engines never see an
//! ASCII digit. Chinese punctuation is kept (it drives pauses), Latin words
//! are kept, and Chinese numerals already in the text are left alone.
//!
//! Pipeline (shared/reference/zh_text.md §3): full-width digits and letters
//! → ASCII; then a left-to-right scan that, at each number, tries numeric
//! dates and year ranges, clock times, digit strings (phones, IDs, IPs,
//! hotlines), then money, percent, fractions, ratios and scores, units,
//! ordinals, N年, and plain decimals/cardinals; between two numbers a range
//! sign reads 到 (比 for a score) and a math operator its word; a space
//! between a Chinese character and a number goes. Files: `cardinal.rs`
//! (number reading), `scan.rs` (char helpers), `words.rs` (word lists),
//! `dates.rs` (numeric dates), `patterns.rs` (times, digit strings),
//! `score.rs` (scores and counts), `quantity.rs` (everything read as a
//! quantity), `latin.rs` (Latin tokens, and whether a segment is foreign).
//!
//! Disputed conventions (zh_text.md §4), as chosen here:
//!
//! | topic | choice | example |
//! |---|---|---|
//! | 200 | 二百 everywhere | 222.98万 → 二百二十二点九八万 |
//! | 2 before 千/万/亿 | 两 only at the start of a number | 2000 → 两千, 20000 → 两万, 一亿二千… |
//! | 2 + measure word | 两 (list in `words::MEASURE_WORDS`); 二 in ordinals, months, days, lines, floors, fractions, decimals, 二两 | 2个 → 两个, 每2年 → 每两年, 第2天 → 第二天 |
//! | N年 | number after 近/约/历经/成立/…, or (4 digits) before 多/余; digits for 4 digits, a leading 0, 公元…, or a month after; other 1–3 digit N年 are numbers (20年后, 70年来, 90年代, 50年) | 2019年 → 二零一九年, 近20年 → 近二十年, 约有2000年 → 两千年 |
//! | times | 两点, 零X分, :00 dropped, 9:30 → 九点三十分 | 2:02 → 两点零二分, 11:00 → 十一点 |
//! | am/pm | 上午/下午 in front | 8:00 a.m. → 上午八点 |
//! | negative percent | 负百分之 | -98% → 负百分之九十八 |
//! | negative temperature | 零下…摄氏度 | -10°C → 零下十摄氏度 |
//! | trailing zeros | kept, except in money (36.00元 → 三十六元, 14.60元 → 十四点六元) | 5.0 → 五点零 |
//! | 幺 vs 一 | 幺 for mobiles, service numbers, numbers after phone cues and road numbers; 一 for landlines and IDs | 13501234567 → 幺三五…, 010-64035547 → 零一零… |
//! | bare integers | cardinal; digits only with a cue (电话, 尾号, 编号, “…”号, 国道, 985工程, listed service numbers standing alone) | 10076 → 一万零七十六 |
//! | 号 vs 日 | keep 号 | 31号 → 三十一号 |
//! | ￥ | 元 | ￥5 → 五元 |
//! | numeric dates | with a 4-digit year, a 2-digit year before month and day, or a zero-padded field; otherwise a range or decimal | 12-23 → 十二到二十三, 12.9 → 十二点九, 08-08 → 八月八日 |
//! | 零 before 十万 | 零一十万 | 10000100000 → 一百亿零一十万 |
//! | COVID-19 | a '-' after a letter is kept, not a minus | COVID-19 → COVID-十九 |
//! | numeric dates, year last | day first unless only the second field can be a day | 08-09-2008 → 二零零八年九月八日 |
//! | scores | 比 with a cue (比分, 战胜, 对, vs …), a result after (2-1胜) or a name before and nothing after | 中国1-2 → 中国一比二, 拉齐奥 2/2 → 拉齐奥二比二 |
//! | hotlines | 幺, digit by digit, unless a count follows or precedes | 给12315打个电话 → 幺二三幺五, 110人 → 一百一十人 |
//! | eight digits alone | a phone number when not round | 27930122 → 二七九三零一二二, 10010000 → 一千零一万 |
//!
//! Why hand-written rules and not WeTextProcessing's FSTs (wetext-rs): these
//! rules pass the dev set (see `dev_set_accuracy`, which fails under 97 %),
//! while WeTP 1.2.0 has the known bugs of §4 (五月两日, 第两天, 12.9英寸 →
//! 十二月九日, the ， in 12块5，34.5元 dropped, every bare 11-digit number read
//! as a mobile, COVID负十九); and there are no FST files to ship or crates to add.

mod cardinal;
mod dates;
mod latin;
mod patterns;
mod quantity;
mod scan;
mod score;
mod words;

pub use latin::has_foreign_word;
use patterns::Hit;
use scan::{digits_at, halfwidth, is_digit_at, parse_num, prev};
use words::{COMPARISONS, OPERATORS, RANGE_SEPS};

use super::spans::SpanMap;

/// Rewrite a Mandarin sentence into its spoken form: no ASCII digit remains; Chinese punctuation is kept; Latin words stay intact (LED, GDP, iPad); letters mixed with digits change only the digits (5G → 五G).
pub fn normalize_zh(text: &str) -> String {
    normalize_zh_mapped(text).0
}

/// As [`normalize_zh`], with where each stretch of the spoken form came
/// from: a rewritten number (with the unit or 年 read with it) is one piece.
pub(crate) fn normalize_zh_mapped(text: &str) -> (String, SpanMap) {
    let c: Vec<char> = text.chars().map(halfwidth).collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut map = SpanMap::default();
    let said = |out: &mut String, map: &mut SpanMap, read: usize, s: &str| {
        out.push_str(s);
        map.push(read, s.chars().count());
    };
    let mut i = 0;
    // Where the last number read began, while the scan is right after it.
    let mut after_number: Option<usize> = None;
    while i < c.len() {
        if let Some(start) = after_number {
            if let Some((end, s)) = between_numbers(&c, start, i) {
                said(&mut out, &mut map, end - i, &s);
                i = end;
                after_number = None;
                continue;
            }
        }
        if padding(&c, i) {
            map.push(1, 0);
            i += 1;
            continue;
        }
        match match_at(&c, i) {
            Some((end, s)) => {
                said(&mut out, &mut map, end - i, &s);
                after_number = Some(i);
                i = end;
            }
            None => {
                // 10万-20万: a range may follow a 万/亿 suffix too.
                after_number = after_number.filter(|_| matches!(c[i], '万' | '亿'));
                out.push(c[i]);
                map.keep(1);
                i += 1;
            }
        }
    }
    (out, map)
}

/// A space between a Chinese character and a number (拉齐奥 2/2, 共 3 人):
/// nothing to a listener, so it goes.
fn padding(c: &[char], i: usize) -> bool {
    let han = |ch: Option<&char>| ch.is_some_and(|&ch| crate::text::is_han(ch));
    let number = |j: usize| {
        is_digit_at(c, j) || (matches!(c.get(j), Some('-' | '+')) && is_digit_at(c, j + 1))
    };
    let before = i.checked_sub(1);
    c[i] == ' '
        && before.is_some_and(|b| {
            (han(c.get(b)) && number(i + 1)) || (is_digit_at(c, b) && han(c.get(i + 1)))
        })
}

/// A number-like token starting at `i`, read.
fn match_at(c: &[char], i: usize) -> Hit {
    let ch = c[i];
    let after_alnum = prev(c, i).is_some_and(|p| p.is_ascii_alphanumeric());
    if ch.is_ascii_digit() {
        return dates::numeric_date(c, i)
            .or_else(|| dates::year_last(c, i))
            .or_else(|| dates::short_date(c, i))
            .or_else(|| dates::year_range(c, i))
            .or_else(|| dates::era_year(c, i))
            .or_else(|| patterns::clock_time(c, i))
            .or_else(|| patterns::digit_string(c, i))
            .or_else(|| quantity::quantity(c, i, false));
    }
    if after_alnum {
        return None;
    }
    let number_next =
        is_digit_at(c, i + 1) || (c.get(i + 1) == Some(&'.') && is_digit_at(c, i + 2));
    match ch {
        '-' | '−' | '－' if number_next => quantity::quantity(c, i + 1, true),
        '±' if number_next => {
            quantity::quantity(c, i + 1, false).map(|(e, s)| (e, format!("正负{s}")))
        }
        '+' if number_next => country_code(c, i),
        // -百分之1: a minus before a number written in words.
        '-' if scan::starts(c, i + 1, "百分之") => Some((i + 1, "负".to_string())),
        _ if number_next && comparison(c, i).is_some() => {
            let (op, word) = comparison(c, i)?;
            quantity::quantity(c, i + op.chars().count(), false)
                .map(|(e, s)| (e, format!("{word}{s}")))
        }
        '.' if is_digit_at(c, i + 1) => quantity::quantity(c, i, false),
        _ if ch.is_ascii_alphabetic() => {
            latin::latin_token(c, i).or_else(|| quantity::currency(c, i))
        }
        '$' | '€' | '£' | '₩' | '￥' | '¥' => quantity::currency(c, i),
        _ => None,
    }
}

/// A comparison sign at `i` (票数≥100万): (the sign, its word).
fn comparison(c: &[char], i: usize) -> Option<(&'static str, &'static str)> {
    COMPARISONS
        .iter()
        .copied()
        .find(|(op, _)| scan::starts(c, i, op))
}

/// `+86 18544139121`, `+86-10-…`: the country code digit by digit, its
/// `+` and the space after it dropped.
fn country_code(c: &[char], i: usize) -> Hit {
    let (code, e) = digits_at(c, i + 1, 1, 3)?;
    let phone = matches!(c.get(e), Some(' ' | '-')) && is_digit_at(c, e + 1);
    phone.then(|| (e + 1, cardinal::read_digits(&code, false)))
}

/// Right after the number begun at `start`: a range sign (到, or 比 for a
/// score), or a math operator with optional spaces.
fn between_numbers(c: &[char], start: usize, i: usize) -> Hit {
    if RANGE_SEPS.contains(&c[i]) && is_digit_at(c, i + 1) {
        let end = parse_num(c, i + 1).map_or(i + 1, |n| n.end);
        let score = c[i] == '-' && score::score_around(c, start, end, false);
        return Some((i + 1, if score { "比" } else { "到" }.to_string()));
    }
    let skip = |mut j: usize| {
        while c.get(j) == Some(&' ') {
            j += 1;
        }
        j
    };
    let j = skip(i);
    let (op, word) = OPERATORS.iter().find(|(op, _)| scan::starts(c, j, op))?;
    let k = skip(j + op.chars().count());
    let number_next = is_digit_at(c, k) || (c.get(k) == Some(&'-') && is_digit_at(c, k + 1));
    number_next.then(|| (k, word.to_string()))
}

#[cfg(test)]
mod public_tests;
#[cfg(test)]
mod tests;
