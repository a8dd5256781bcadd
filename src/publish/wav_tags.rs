//! What the episode WAV says of itself: its RIFF `INFO` tags (title,
//! artist, software, date, the show as comment) and its BWF `bext` chunk
//! (description, originator, date, coding history; the loudness is filled
//! in by the audio stage from its measurement) and its AES46 `cart` chunk
//! (what a playout system files and cues it by).

use crate::config::PlayoutConfig;
use crate::model::{Bext, Cart, EpisodePlan, InfoTags};

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

/// The AES46 `cart` fields of `episode`'s WAV: its title, the speaker as
/// artist, the slug as cut id, `[playout]`'s category, client, air window
/// and text, briefcast as producer, the last words spoken as out cue, the
/// published WAV's address (with `[show] base-url`) as URL and the
/// chapter titles, one a line, as tag text. The timers and the level
/// reference are the audio stage's.
pub fn cart_tags(episode: &EpisodePlan, playout: &PlayoutConfig, base_url: Option<&str>) -> Cart {
    let window = playout.air_window();
    let last_words = episode
        .segments()
        .last()
        .map(|s| out_cue(&s.text))
        .unwrap_or_default();
    let tag_text: String = episode
        .chapters
        .iter()
        .map(|c| format!("{}\r\n", c.title))
        .collect();
    Cart {
        title: episode.title.clone(),
        artist: episode.speaker.clone(),
        cut_id: episode.slug.clone(),
        client_id: playout.client.clone(),
        category: playout.category.clone(),
        classification: playout.classification.clone(),
        out_cue: playout.out_cue.clone().unwrap_or(last_words),
        start_date: window.start_date,
        start_time: window.start_time,
        end_date: window.end_date,
        end_time: window.end_time,
        producer_app_id: "briefcast".into(),
        producer_app_version: env!("CARGO_PKG_VERSION").into(),
        user_def: playout.user_def.clone(),
        level_reference: 0,
        timers: Vec::new(),
        url: base_url.map_or_else(String::new, |base| {
            format!("{}/{}.wav", base.trim_end_matches('/'), episode.slug)
        }),
        tag_text,
    }
}

/// The end of `text` that fits the 64-byte out-cue field: its last words,
/// starting on a character (and, where there are spaces, a word) boundary.
fn out_cue(text: &str) -> String {
    let text = text.trim();
    let mut start = text.len().saturating_sub(64);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let tail = &text[start..];
    match tail.find(' ') {
        Some(space) if start > 0 && space + 1 < tail.len() => tail[space + 1..].to_owned(),
        _ => tail.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_cue_is_the_last_words() {
        assert_eq!(out_cue("Short and done. "), "Short and done.");
        let long = "word ".repeat(20) + "and that was the news.";
        let cue = out_cue(&long);
        assert!(
            cue.len() <= 64 && cue.ends_with("that was the news."),
            "{cue}"
        );
        assert!(cue.starts_with("word"), "{cue}");
        let han = "提高站位".repeat(10);
        let cue = out_cue(&han);
        assert_eq!(cue.len(), 63);
        assert!(han.ends_with(&cue));
    }
}
