//! What the episode WAV says of itself: its RIFF `INFO` tags (title,
//! artist, software, date, the show as comment) and its BWF `bext` chunk
//! (description, originator, date, coding history; the loudness is filled
//! in by the audio stage from its measurement).

use crate::model::{Bext, EpisodePlan, InfoTags};

/// The `INFO` tags and `bext` chunk of `episode`'s WAV, written at
/// `sample_rate` Hz and `bit_depth` bits, created on `created`.
pub fn wav_tags(
    episode: &EpisodePlan,
    show_title: &str,
    created: &str,
    sample_rate: u32,
    bit_depth: u16,
) -> (InfoTags, Bext) {
    let software = concat!("briefcast ", env!("CARGO_PKG_VERSION"));
    let info = InfoTags {
        title: episode.title.clone(),
        artist: episode.speaker.clone(),
        software: software.to_owned(),
        created: Some(created.to_owned()).filter(|c| !c.is_empty()),
        comment: Some(show_title.to_owned()),
    };
    let bext = Bext {
        description: format!("{} - briefcast episode", episode.slug),
        originator: "briefcast".into(),
        originator_reference: format!("briefcast-{}", episode.slug)
            .chars()
            .take(32)
            .collect(),
        origination_date: created.to_owned(),
        origination_time: "00:00:00".into(),
        time_reference: 0,
        loudness: None,
        coding_history: format!("A=PCM,F={sample_rate},W={bit_depth},M=mono,T={software}\r\n"),
    };
    (info, bext)
}
