//! The checks a parsed voices.toml must pass as a whole (every number in
//! range, every reference resolving), and [`At`]: where in the file a
//! refused value stands, for the message.

use std::ops::Range;

use super::voices::check_reading;
use super::{Config, LexiconEntry, PublishFormat, SAMPLE_RATES};

impl Config {
    pub(super) fn validate(&self) -> Result<(), (At, String)> {
        let audio_key = |key: &str, message: String| (At::key(&["audio"], key), message);
        let publish_key = |key: &str, message: String| (At::key(&["publish"], key), message);
        let audio = &self.audio;
        if !SAMPLE_RATES.contains(&audio.sample_rate) {
            return Err(audio_key("sample-rate", format!(
                "[audio] sample-rate = {} is not supported (use one of 22050, 24000, 32000, 44100, 48000, 96000)",
                audio.sample_rate
            )));
        }
        if !matches!(audio.bit_depth, 16 | 24) {
            return Err(audio_key(
                "bit-depth",
                format!("[audio] bit-depth = {} must be 16 or 24", audio.bit_depth),
            ));
        }
        if !(-70.0..=0.0).contains(&audio.loudness) || !(-20.0..=0.0).contains(&audio.true_peak) {
            let key = if (-70.0..=0.0).contains(&audio.loudness) {
                "true-peak"
            } else {
                "loudness"
            };
            return Err(audio_key(
                key,
                format!(
                "[audio] loudness = {} LUFS and true-peak = {} dBTP must lie in -70..0 and -20..0",
                audio.loudness, audio.true_peak
            ),
            ));
        }
        if !(-120.0..0.0).contains(&audio.trim_threshold_db) {
            return Err(audio_key(
                "trim-threshold-db",
                format!(
                    "[audio] trim-threshold-db = {} must be below 0 dBFS",
                    audio.trim_threshold_db
                ),
            ));
        }
        let publish = &self.publish;
        if publish.formats.contains(&PublishFormat::Epub)
            && !publish.formats.contains(&PublishFormat::Mp3)
        {
            return Err(publish_key(
                "formats",
                "[publish] formats has epub, which carries the episodes' MP3s: add \"mp3\" (EPUB readers play MP3 or AAC, not WAV)".into(),
            ));
        }
        if publish.formats.contains(&PublishFormat::Mp3) {
            if !matches!(audio.sample_rate, 44_100 | 48_000) {
                return Err(audio_key("sample-rate", format!(
                    "[publish] formats has mp3, which needs [audio] sample-rate 44100 or 48000 (not {})",
                    audio.sample_rate
                )));
            }
            if ![32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
                .contains(&publish.mp3_bitrate)
            {
                return Err(publish_key(
                    "mp3-bitrate",
                    format!(
                        "[publish] mp3-bitrate = {} is not an MP3 bitrate (e.g. 64, 96, 128)",
                        publish.mp3_bitrate
                    ),
                ));
            }
            if publish.mp3_quality > 9 {
                return Err(publish_key(
                    "mp3-quality",
                    format!(
                    "[publish] mp3-quality = {} must lie in 0..9 (0 best and slowest, 9 fastest)",
                    publish.mp3_quality
                ),
                ));
            }
        }
        if let Some(voice) = audio
            .announcer
            .as_ref()
            .filter(|v| !self.voices.contains_key(*v))
        {
            return Err(audio_key(
                "announcer",
                format!(
                    "[audio] announcer = \"{voice}\" is not a voice (known: {})",
                    known(self.voices.keys())
                ),
            ));
        }
        if let Some(date) = &self.show.date {
            if !crate::util::is_iso_date(date) {
                return Err((
                    At::key(&["show"], "date"),
                    format!("[show] date = \"{date}\" is not a yyyy-mm-dd date"),
                ));
            }
        }
        for (name, service) in &self.services {
            service.validate().map_err(|(key, message)| {
                let place = match key {
                    Some(key) => At::key(&["services", name], key),
                    None => At::table(&["services", name]),
                };
                (place, format!("[services.{name}] {message}"))
            })?;
        }
        self.check
            .validate()
            .map_err(|message| (At::table(&["check"]), message))?;
        self.playout
            .validate()
            .map_err(|(key, message)| (At::key(&["playout"], key), message))?;
        for (name, target) in &self.deliver {
            target
                .validate(&self.publish.formats)
                .map_err(|(key, message)| {
                    let place = match key {
                        Some(key) => At::key(&["deliver", name], key),
                        None => At::table(&["deliver", name]),
                    };
                    (place, format!("[deliver.{name}] {message}"))
                })?;
        }
        for (name, voice) in &self.voices {
            let service = voice.service.get_ref();
            if !self.services.contains_key(service) {
                return Err((
                    At::Span(voice.service.span()),
                    format!(
                        "[voices.{name}] service = \"{service}\" is not defined (known: {})",
                        known(self.services.keys())
                    ),
                ));
            }
            if voice.fallback.is_some() && !self.services[service].is_embedded() {
                return Err((At::key(&["voices", name], "fallback"), format!(
                    "[voices.{name}] fallback is for voices of the embedded service; \"{service}\" is not one"
                )));
            }
            if voice.fallback_speed.is_some() && voice.fallback.is_none() {
                return Err((
                    At::key(&["voices", name], "fallback-speed"),
                    format!("[voices.{name}] fallback-speed needs a fallback"),
                ));
            }
            let kind = self.services[service].kind.spec();
            let speeds = kind.speeds();
            let bad_speed = std::iter::once(("speed", voice.speed))
                .chain(voice.fallback_speed.map(|s| ("fallback-speed", s)))
                .find(|(_, s)| !speeds.contains(s));
            if let Some((key, speed)) = bad_speed {
                let range = if speeds.start() == speeds.end() {
                    format!(
                        "{} services have no speed setting; leave it at 1",
                        kind.name()
                    )
                } else {
                    format!(
                        "{} services take {} to {}",
                        kind.name(),
                        speeds.start(),
                        speeds.end()
                    )
                };
                return Err((
                    At::key(&["voices", name], key),
                    format!("[voices.{name}] {key} = {speed} is out of range: {range}"),
                ));
            }
        }
        let lexicons = std::iter::once((vec!["lexicon"], &self.lexicon)).chain(
            self.voices
                .iter()
                .map(|(name, v)| (vec!["voices", name.as_str(), "lexicon"], &v.lexicon)),
        );
        for (path, lexicon) in lexicons {
            for (word, entry) in lexicon {
                if let LexiconEntry::Reading(reading) = entry {
                    check_reading(word, &reading.pinyin).map_err(|message| {
                        let section = path.join(".");
                        (
                            At::key(&path, word),
                            format!("[{section}] \"{word}\": {message}"),
                        )
                    })?;
                }
            }
        }
        for (speaker, entry) in &self.speakers {
            if !self.voices.contains_key(&entry.voice) {
                return Err((
                    At::Span(entry.span.clone()),
                    format!(
                        "[speakers] \"{speaker}\" uses voice \"{}\", which is not defined (known: {})",
                        entry.voice,
                        known(self.voices.keys())
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// Where a refused value stands in voices.toml: a span the parser gave,
/// or a key (or table) by its path, found in the document only when a
/// message is made.
pub(super) enum At {
    Nowhere,
    Span(Range<usize>),
    /// A table's path and a key in it; the table itself when the key is
    /// not written (a default is at fault).
    Key(Vec<String>, Option<String>),
}

impl At {
    pub(super) fn key(path: &[&str], key: &str) -> At {
        At::Key(
            path.iter().map(|p| (*p).to_owned()).collect(),
            Some(key.to_owned()),
        )
    }

    pub(super) fn table(path: &[&str]) -> At {
        At::Key(path.iter().map(|p| (*p).to_owned()).collect(), None)
    }

    /// The byte offset in `text`, if the place is in it.
    pub(super) fn offset(&self, text: &str) -> Option<usize> {
        match self {
            At::Nowhere => None,
            At::Span(span) => Some(span.start),
            At::Key(path, key) => {
                let document = toml_edit::Document::parse(text).ok()?;
                let mut item = document.as_item();
                for part in path {
                    item = item.get(part)?;
                }
                let table = item.as_table_like()?;
                key.as_deref()
                    .and_then(|key| table.key(key)?.span())
                    .or_else(|| item.span())
                    .map(|span| span.start)
            }
        }
    }
}

impl From<Option<Range<usize>>> for At {
    fn from(span: Option<Range<usize>>) -> At {
        span.map_or(At::Nowhere, At::Span)
    }
}

pub(super) fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
