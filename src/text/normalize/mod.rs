//! Mandarin text normalisation for TTS: digits, symbols and units become the
//! words a Mandarin newsreader says (2019年 → 二零一九年, 56.66% →
//! 百分之五十六点六六), so that espeak-ng and other engines never see an
//! ASCII digit. Chinese punctuation is kept (it drives pauses), Latin words
//! are kept, and Chinese numerals already in the text are left alone.
//!
//! Pipeline (shared/reference/zh_text.md §3): full-width digits and letters
//! → ASCII; then a left-to-right scan that, at each number, tries numeric
//! dates and year ranges, clock times, digit strings (phones, IDs, IPs),
//! then money, percent, fractions, ratios, units, ordinals, N年, and plain
//! decimals/cardinals; between two numbers a range sign reads 到 and a math
//! operator its word. Files: `cardinal.rs` (number reading), `scan.rs`
//! (char helpers), `words.rs` (word lists), `patterns.rs` (dates, times,
//! digit strings), `quantity.rs` (everything read as a quantity).
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
//! | numeric dates | only with a 4-digit year; otherwise a range or decimal | 12-23 → 十二到二十三, 12.9 → 十二点九 |
//! | 零 before 十万 | 零一十万 | 10000100000 → 一百亿零一十万 |
//! | COVID-19 | a '-' after a letter is kept, not a minus | COVID-19 → COVID-十九 |
//!
//! Why hand-written rules and not WeTextProcessing's FSTs (wetext-rs): these
//! rules pass the dev set (see `dev_set_accuracy`, which fails under 97 %),
//! while WeTP 1.2.0 has the known bugs of §4 (五月两日, 第两天, 12.9英寸 →
//! 十二月九日, the ， in 12块5，34.5元 dropped, every bare 11-digit number read
//! as a mobile, COVID负十九); and there are no FST files to ship or crates to add.

mod cardinal;
mod patterns;
mod quantity;
mod scan;
mod words;

use patterns::Hit;
use scan::{halfwidth, is_digit_at, prev, starts};
use words::{OPERATORS, RANGE_SEPS, WHITELIST};

/// Rewrite a Mandarin sentence into its spoken form: no ASCII digit remains; Chinese punctuation is kept; Latin words stay intact (LED, GDP, iPad); letters mixed with digits change only the digits (5G → 五G).
pub fn normalize_zh(text: &str) -> String {
    let c: Vec<char> = text.chars().map(halfwidth).collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut i = 0;
    let mut after_number = false;
    while i < c.len() {
        if after_number {
            if let Some((end, s)) = between_numbers(&c, i) {
                out += &s;
                i = end;
                after_number = false;
                continue;
            }
        }
        match match_at(&c, i) {
            Some((end, s)) => {
                out += &s;
                i = end;
                after_number = true;
            }
            None => {
                // 10万-20万: a range may follow a 万/亿 suffix too.
                after_number = after_number && matches!(c[i], '万' | '亿');
                out.push(c[i]);
                i += 1;
            }
        }
    }
    out
}

/// A number-like token starting at `i`, read.
fn match_at(c: &[char], i: usize) -> Hit {
    let ch = c[i];
    let after_alnum = prev(c, i).is_some_and(|p| p.is_ascii_alphanumeric());
    if ch.is_ascii_digit() {
        return patterns::numeric_date(c, i)
            .or_else(|| patterns::year_range(c, i))
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
        '.' if is_digit_at(c, i + 1) => quantity::quantity(c, i, false),
        _ if ch.is_ascii_alphabetic() => whitelist(c, i).or_else(|| quantity::currency(c, i)),
        '$' | '€' | '£' | '₩' | '￥' | '¥' => quantity::currency(c, i),
        _ => None,
    }
}

/// Right after a number: a range sign (到, or 比 for a score), or a math operator with optional spaces.
fn between_numbers(c: &[char], i: usize) -> Hit {
    if RANGE_SEPS.contains(&c[i]) && is_digit_at(c, i + 1) {
        let score = c[i] == '-' && patterns::score_context(c, i);
        return Some((i + 1, if score { "比" } else { "到" }.to_string()));
    }
    let skip = |mut j: usize| {
        while c.get(j) == Some(&' ') {
            j += 1;
        }
        j
    };
    let j = skip(i);
    let word = OPERATORS.iter().find(|(op, _)| c.get(j) == Some(op))?.1;
    let k = skip(j + 1);
    let number_next = is_digit_at(c, k) || (c.get(k) == Some(&'-') && is_digit_at(c, k + 1));
    number_next.then(|| (k, word.to_string()))
}

/// Fixed readings of a few Latin tokens: O2O → O to O.
fn whitelist(c: &[char], i: usize) -> Hit {
    WHITELIST.iter().find_map(|(tok, word)| {
        let e = i + tok.chars().count();
        let whole = starts(c, i, tok) && !c.get(e).is_some_and(|ch| ch.is_ascii_alphanumeric());
        whole.then(|| (e, word.to_string()))
    })
}

#[cfg(test)]
mod tests;
