//! Calendar dates for metadata, from Unix time, without a clock: every date
//! briefcast writes comes from its inputs so rebuilds are byte-identical.

/// `yyyy-mm-dd` (UTC) of a Unix timestamp (days-from-civil, inverted).
pub fn civil_date(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `hh:mm:ss UTC` of a Unix timestamp, for telling a person when.
pub fn clock_utc(unix_seconds: i64) -> String {
    let seconds = unix_seconds.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02} UTC",
        seconds / 3_600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// Unix seconds at midnight UTC of a `yyyy-mm-dd` date.
pub fn unix_from_date(text: &str) -> Option<i64> {
    if !is_iso_date(text) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some((era * 146_097 + day_of_era - 719_468) * 86_400)
}

/// Whether `text` is a plausible `yyyy-mm-dd`.
pub fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&d.parse::<u32>().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(clock_utc(951_782_400 + 3_723), "01:02:03 UTC");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_714_571_100), "2024-05-01");
        assert_eq!(civil_date(-86_400), "1969-12-31");
    }

    #[test]
    fn dates_round_trip() {
        for unix in [0, 951_782_400, 1_714_521_600, -86_400] {
            assert_eq!(unix_from_date(&civil_date(unix)), Some(unix));
        }
        assert_eq!(unix_from_date("2024-13-01"), None);
    }

    #[test]
    fn iso_dates() {
        assert!(is_iso_date("2024-05-01"));
        for bad in [
            "2024-5-1",
            "24-05-01",
            "2024-13-01",
            "2024-05-00",
            "2024/05/01",
            "",
        ] {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }
}
