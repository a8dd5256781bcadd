//! `[playout]`: what the episode WAV's AES46 `cart` chunk says that is not
//! derived from the episode (its title, speaker, slug, timers and level
//! are): the category and client a playout system files it under, the air
//! window it may be played in, free text for the station's own use.

use serde::{Deserialize, Serialize};

/// Bytes a cart text field holds.
const FIELD: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct PlayoutConfig {
    /// Category (`NEWS`, `PSA`, `TALK`, …); empty by default.
    pub category: String,
    /// Classification or auxiliary key.
    pub classification: String,
    /// Client (the producer or programme the station files it under).
    pub client: String,
    /// Out cue; by default the last words spoken.
    pub out_cue: Option<String>,
    /// Free text for the playout system (`UserDef`).
    pub user_def: String,
    /// The air window: `yyyy-mm-dd` or `yyyy-mm-dd hh:mm[:ss]`, local
    /// station time; no window by default.
    pub air_start: Option<String>,
    pub air_end: Option<String>,
}

/// The air window as the cart chunk writes it: (`yyyy/mm/dd`, `hh:mm:ss`)
/// for start and end; empty strings where none is set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AirWindow {
    pub start_date: String,
    pub start_time: String,
    pub end_date: String,
    pub end_time: String,
}

impl PlayoutConfig {
    /// Checks every value; the error names the key.
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        for (key, value) in [
            ("category", &self.category),
            ("classification", &self.classification),
            ("client", &self.client),
            ("user-def", &self.user_def),
        ]
        .into_iter()
        .chain(self.out_cue.as_ref().map(|v| ("out-cue", v)))
        {
            if value.len() > FIELD {
                return Err((
                    key,
                    format!(
                        "[playout] {key} is {} bytes; the cart chunk's field holds {FIELD} (UTF-8)",
                        value.len()
                    ),
                ));
            }
            if value.contains('\0') {
                return Err((key, format!("[playout] {key} holds a NUL character")));
            }
        }
        let mut moments = Vec::new();
        for (key, value, end) in [
            ("air-start", &self.air_start, false),
            ("air-end", &self.air_end, true),
        ] {
            if let Some(value) = value {
                let moment = parse_moment(value, end).ok_or_else(|| {
                    (key, format!(
                        "[playout] {key} = \"{value}\" is not a yyyy-mm-dd or yyyy-mm-dd hh:mm[:ss] time"
                    ))
                })?;
                moments.push(moment);
            }
        }
        if let [start, end] = moments.as_slice() {
            if end <= start {
                return Err((
                    "air-end",
                    "[playout] air-end must come after air-start".into(),
                ));
            }
        }
        Ok(())
    }

    /// The air window (validated values).
    pub fn air_window(&self) -> AirWindow {
        let part = |value: &Option<String>, end| {
            value
                .as_deref()
                .and_then(|v| parse_moment(v, end))
                .map(|(date, time)| (date.replace('-', "/"), time))
                .unwrap_or_default()
        };
        let (start_date, start_time) = part(&self.air_start, false);
        let (end_date, end_time) = part(&self.air_end, true);
        AirWindow {
            start_date,
            start_time,
            end_date,
            end_time,
        }
    }
}

/// (`yyyy-mm-dd`, `hh:mm:ss`); a date alone starts at 00:00:00 or, for an
/// end, lasts to 23:59:59.
fn parse_moment(text: &str, end: bool) -> Option<(String, String)> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    if !crate::util::is_iso_date(date) {
        return None;
    }
    let time = match time {
        None if end => "23:59:59".to_owned(),
        None => "00:00:00".to_owned(),
        Some(time) => {
            let parts: Vec<&str> = time.split(':').collect();
            let numbers: Vec<u32> = parts
                .iter()
                .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                .filter_map(|p| p.parse().ok())
                .collect();
            match numbers.as_slice() {
                [h, m] if numbers.len() == parts.len() && *h < 24 && *m < 60 => {
                    format!("{h:02}:{m:02}:00")
                }
                [h, m, s] if numbers.len() == parts.len() && *h < 24 && *m < 60 && *s < 60 => {
                    format!("{h:02}:{m:02}:{s:02}")
                }
                _ => return None,
            }
        }
    };
    Some((date.to_owned(), time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn air_window_forms() {
        let playout = PlayoutConfig {
            air_start: Some("2026-12-07 06:00".into()),
            air_end: Some("2026-12-08".into()),
            ..PlayoutConfig::default()
        };
        playout.validate().unwrap();
        let window = playout.air_window();
        assert_eq!(
            (window.start_date.as_str(), window.start_time.as_str()),
            ("2026/12/07", "06:00:00")
        );
        assert_eq!(
            (window.end_date.as_str(), window.end_time.as_str()),
            ("2026/12/08", "23:59:59")
        );
        assert_eq!(PlayoutConfig::default().air_window(), AirWindow::default());
        for bad in [
            "2026-13-01",
            "07.12.2026",
            "2026-12-07 25:00",
            "2026-12-07 6:00",
        ] {
            let playout = PlayoutConfig {
                air_start: Some(bad.into()),
                ..PlayoutConfig::default()
            };
            assert_eq!(playout.validate().unwrap_err().0, "air-start", "{bad}");
        }
        let backwards = PlayoutConfig {
            air_start: Some("2026-12-07 09:00".into()),
            air_end: Some("2026-12-07 06:00".into()),
            ..PlayoutConfig::default()
        };
        assert_eq!(backwards.validate().unwrap_err().0, "air-end");
        let long = PlayoutConfig {
            category: "新闻".repeat(11),
            ..PlayoutConfig::default()
        };
        let (key, message) = long.validate().unwrap_err();
        assert_eq!(key, "category");
        assert!(message.contains("66 bytes"), "{message}");
    }
}
