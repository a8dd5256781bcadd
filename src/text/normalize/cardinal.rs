//! Reading numbers given as ASCII digits: cardinals (万/亿 grouping, 零 and
//! 一十 rules, 两 before a leading 千/万/亿), digit-by-digit strings (with 幺
//! on request) and decimals. Pure functions, no context.

const DIGIT: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
const PLACE: [&str; 4] = ["", "十", "百", "千"];

/// The reading of a non-negative integer given as ASCII digits.
pub(super) fn read_cardinal(digits: &str, liang: bool) -> String {
    let bytes: Vec<u8> = digits.bytes().filter(u8::is_ascii_digit).collect();
    let start = bytes.iter().take_while(|&&b| b == b'0').count();
    if start == bytes.len() {
        return DIGIT[0].to_string();
    }
    let mut s = read_section(&bytes[start..]);
    if let Some(rest) = s.strip_prefix("一十") {
        s = format!("十{rest}");
    }
    if liang {
        if let Some(rest) = s.strip_prefix('二') {
            if rest.starts_with(['千', '万', '亿']) {
                s = format!("两{rest}");
            }
        }
    }
    s
}

/// Digit-by-digit reading; `yao` reads 1 as 幺.
pub(super) fn read_digits(digits: &str, yao: bool) -> String {
    digits
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| {
            if d == 1 && yao {
                "幺"
            } else {
                DIGIT[d as usize]
            }
        })
        .collect()
}

/// `int` as a cardinal, then 点 and each digit of `frac` on its own.
pub(super) fn read_decimal(int: &str, frac: Option<&str>, liang: bool) -> String {
    let mut s = read_cardinal(int, liang);
    if let Some(f) = frac {
        s.push('点');
        s.push_str(&read_digits(f, false));
    }
    s
}

/// `d` has no leading zero and is not empty.
fn read_section(d: &[u8]) -> String {
    let n = d.len();
    if n > 8 {
        join(&d[..n - 8], "亿", &d[n - 8..])
    } else if n > 4 {
        join(&d[..n - 4], "万", &d[n - 4..])
    } else {
        read_group(d)
    }
}

/// High part + unit, then the low part; one 零 if the low part has leading zeros.
fn join(high: &[u8], unit: &str, low: &[u8]) -> String {
    let mut s = read_section(high) + unit;
    let zeros = low.iter().take_while(|&&b| b == b'0').count();
    if zeros < low.len() {
        if zeros > 0 {
            s.push('零');
        }
        s += &read_section(&low[zeros..]);
    }
    s
}

/// Up to four digits, a run of inner zeros read as one 零, trailing zeros silent.
fn read_group(d: &[u8]) -> String {
    let mut s = String::new();
    let mut pending_zero = false;
    for (k, &b) in d.iter().enumerate() {
        let v = (b - b'0') as usize;
        if v == 0 {
            pending_zero = true;
            continue;
        }
        if pending_zero {
            s.push('零');
            pending_zero = false;
        }
        s.push_str(DIGIT[v]);
        s.push_str(PLACE[d.len() - 1 - k]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_yi_shi_rules() {
        let cases = [
            ("0", "零"),
            ("10", "十"),
            ("11", "十一"),
            ("101", "一百零一"),
            ("1001", "一千零一"),
            ("1011", "一千零一十一"),
            ("10001", "一万零一"),
            ("50100", "五万零一百"),
            ("101111", "十万一千一百一十一"),
            ("1903971", "一百九十万三千九百七十一"),
            ("10001000", "一千万一千"),
            ("10100000", "一千零一十万"),
            ("100000001000", "一千亿零一千"),
            ("10000100000", "一百亿零一十万"),
            ("1000000000000", "一万亿"),
            ("10000000000000", "十万亿"),
            ("007", "七"),
        ];
        for (input, want) in cases {
            assert_eq!(read_cardinal(input, false), want, "{input}");
        }
    }

    #[test]
    fn liang_only_before_leading_qian_wan_yi() {
        assert_eq!(read_cardinal("2000", true), "两千");
        assert_eq!(read_cardinal("20000", true), "两万");
        assert_eq!(read_cardinal("200000000", true), "两亿");
        assert_eq!(read_cardinal("2000", false), "二千");
        assert_eq!(read_cardinal("200", true), "二百");
        assert_eq!(read_cardinal("2", true), "二");
        assert_eq!(read_cardinal("22000", true), "两万二千");
        assert_eq!(read_cardinal("12000", true), "一万二千");
    }

    #[test]
    fn digits_and_decimals() {
        assert_eq!(read_digits("2019", false), "二零一九");
        assert_eq!(read_digits("110", true), "幺幺零");
        assert_eq!(read_decimal("0", Some("8"), true), "零点八");
        assert_eq!(
            read_decimal("2391", Some("2318"), true),
            "两千三百九十一点二三一八"
        );
    }
}
