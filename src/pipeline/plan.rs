//! From speeches to episode plans: group by speaker, choose voice and slug,
//! cut paragraphs into segments that fit the voice's service.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{Config, LexiconEntry, MandarinForm, NormalizeSetting};
use crate::model::{ChapterPlan, EpisodePlan, Pause, Segment, SourcePos, Speech};
use crate::text;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}: speaker “{speaker}” has no voice: add it to [speakers] in voices.toml (voices: {known})")]
    NoVoice {
        path: PathBuf,
        speaker: String,
        known: String,
    },
    #[error("speakers “{first}” and “{second}” both get the file name “{slug}”: set a different `slug` for one of them in [speakers]")]
    DuplicateSlug {
        slug: String,
        first: String,
        second: String,
    },
    #[error("[speakers] “{speaker}”: slug “{slug}” may only hold a-z, 0-9, - and _")]
    BadSlug { speaker: String, slug: String },
    #[error(
        "speaker “{speaker}” has no letters a file name can use: set `slug` for it in [speakers]"
    )]
    EmptySlug { speaker: String },
}

/// One episode per speaker, in show order (lowest `order`, then file name).
pub fn plan_episodes(
    config: &Config,
    speeches: Vec<Speech>,
) -> Result<Vec<EpisodePlan>, PlanError> {
    let mut by_speaker: BTreeMap<String, Vec<Speech>> = BTreeMap::new();
    for speech in speeches {
        by_speaker
            .entry(speech.speaker.clone())
            .or_default()
            .push(speech);
    }
    let mut groups: Vec<Vec<Speech>> = by_speaker.into_values().collect();
    for group in &mut groups {
        group.sort_by_key(show_position);
    }
    groups.sort_by_key(|g| show_position(&g[0]));

    let mut slugs: BTreeMap<String, String> = BTreeMap::new();
    let mut episodes = Vec::new();
    for speeches in groups {
        let first = &speeches[0];
        let speaker = first.speaker.clone();
        let entry = config
            .speakers
            .get(&speaker)
            .ok_or_else(|| PlanError::NoVoice {
                path: first.path.clone(),
                speaker: speaker.clone(),
                known: config.voices.keys().cloned().collect::<Vec<_>>().join(", "),
            })?;
        let slug = match entry.slug() {
            Some(slug) if text::is_valid_slug(slug) => slug.to_owned(),
            Some(slug) => {
                return Err(PlanError::BadSlug {
                    speaker,
                    slug: slug.to_owned(),
                })
            }
            None => text::slugify(&speaker),
        };
        if slug.is_empty() {
            return Err(PlanError::EmptySlug { speaker });
        }
        if let Some(other) = slugs.insert(slug.clone(), speaker.clone()) {
            return Err(PlanError::DuplicateSlug {
                slug,
                first: other,
                second: speaker,
            });
        }
        episodes.push(plan_episode(
            config,
            &speeches,
            entry.voice(),
            slug,
            episodes.len(),
        ));
    }
    Ok(episodes)
}

fn show_position(speech: &Speech) -> (i64, PathBuf) {
    (speech.order.unwrap_or(i64::MAX), speech.path.clone())
}

/// What a line is sent as without any project: the defaults of a Chinese
/// show for a line with Chinese characters, of an English one otherwise.
pub fn spoken_without_project(line: &str) -> String {
    let language = if line.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        "zh-CN"
    } else {
        "en"
    };
    let text = format!("[show]\nlanguage = \"{language}\"\n");
    let config = Config::parse(&text, Path::new("(defaults)"), PathBuf::from("."))
        .expect("the defaults are valid");
    speaker_for(&config, None)(line)
}

/// The function turning written text into what a voice is sent; without a
/// voice, the show's default normalisation, hanzi and the global lexicon.
pub fn speaker_for(config: &Config, voice: Option<&str>) -> impl Fn(&str) -> String {
    let (normalize, form, lexicon) = voicing(config, voice);
    move |written: &str| text::spoken_form(written, normalize, form, &lexicon)
}

/// Cut a paragraph into (written, spoken) segments for a voice. Where the
/// cuts fall is decided on the hanzi form, so that a pinyin voice (sent
/// about five letters per character) gets the same sentence-sized segments.
fn segments_for(
    config: &Config,
    voice: &str,
    paragraph: &str,
    limit: text::Limit,
) -> Vec<(String, String)> {
    let (normalize, form, lexicon) = voicing(config, Some(voice));
    let hanzi = |w: &str| text::spoken_form(w, normalize, text::Form::Hanzi, &lexicon);
    let pieces = text::segment_spoken(paragraph, limit, &hanzi);
    match form {
        text::Form::Hanzi => pieces,
        text::Form::Pinyin | text::Form::PinyinWords => pieces
            .into_iter()
            .map(|(written, _)| {
                let spoken = text::spoken_form(&written, normalize, form, &lexicon);
                (written, spoken)
            })
            .collect(),
    }
}

/// The function giving the words and readings of written text for a voice
/// (pinyin syllables with tone digits, separated by spaces).
pub fn readings_for(config: &Config, voice: Option<&str>) -> impl Fn(&str) -> String {
    let (normalize, _, lexicon) = voicing(config, voice);
    move |written: &str| text::render_readings(&text::readings(written, normalize, &lexicon))
}

fn voicing(config: &Config, voice: Option<&str>) -> (text::Normalize, text::Form, text::Lexicon) {
    let voice = voice.map(|name| &config.voices[name]);
    let setting = match voice {
        Some(voice) => config.normalize_for(voice),
        None => config.default_normalize(),
    };
    let normalize = match setting {
        NormalizeSetting::Zh => text::Normalize::Zh,
        NormalizeSetting::None => text::Normalize::None,
    };
    let form = match voice.map(|v| (v, config.mandarin_for(v))) {
        Some((v, MandarinForm::Pinyin)) if is_kokoro(&v.voice) => text::Form::PinyinWords,
        Some((_, MandarinForm::Pinyin)) => text::Form::Pinyin,
        _ => text::Form::Hanzi,
    };
    let empty = Default::default();
    let own = voice.map_or(&empty, |v| &v.lexicon);
    let lexicon = text::Lexicon::merged(&lexicon_entries(&config.lexicon), &lexicon_entries(own));
    (normalize, form, lexicon)
}

fn lexicon_entries(entries: &BTreeMap<String, LexiconEntry>) -> BTreeMap<String, text::Entry> {
    entries
        .iter()
        .map(|(word, entry)| {
            let entry = match entry {
                LexiconEntry::Say(spoken) => text::Entry::Say(spoken.clone()),
                LexiconEntry::Reading(reading) => text::Entry::Pinyin(
                    reading
                        .pinyin
                        .split_whitespace()
                        .map(|s| s.replace('ü', "v"))
                        .collect(),
                ),
            };
            (word.clone(), entry)
        })
        .collect()
}

fn plan_episode(
    config: &Config,
    speeches: &[Speech],
    voice: &str,
    slug: String,
    order: usize,
) -> EpisodePlan {
    let service = &config.services[config.voices[voice].service.get_ref()];
    let limit = text::Limit {
        max_chars: service.effective_max_chars(),
        max_bytes: service.effective_max_bytes(),
    };
    let announcer = config.audio.announcer.as_deref().unwrap_or(voice);
    let announce_service = &config.services[config.voices[announcer].service.get_ref()];
    let announce_limit = text::Limit {
        max_chars: announce_service.effective_max_chars(),
        max_bytes: announce_service.effective_max_bytes(),
    };
    let speaker = speeches[0].speaker.clone();
    let mut chapters = Vec::new();
    for (s, speech) in speeches.iter().enumerate() {
        for (c, chapter) in speech.chapters.iter().enumerate() {
            let mut segments = Vec::new();
            let source = |line| SourcePos {
                path: speech.path.clone(),
                line,
            };
            if config.audio.announce {
                let line = if s == 0 && c == 0 {
                    config.announcement(&speaker, &speech.title, speech.subtitle.as_deref())
                } else {
                    chapter.title.clone()
                };
                let pieces = segments_for(config, announcer, &line, announce_limit);
                for (n, (written, spoken)) in pieces.into_iter().enumerate() {
                    segments.push(Segment {
                        id: format!("{slug}/{}/{}/0/{}", s + 1, c + 1, n + 1),
                        text: written,
                        spoken,
                        voice: announcer.to_owned(),
                        source: source(chapter.line),
                        pause_after: Pause::Announcement,
                        announcement: true,
                    });
                }
            }
            for (p, paragraph) in chapter.paragraphs.iter().enumerate() {
                let pieces = segments_for(config, voice, &paragraph.text, limit);
                let count = pieces.len();
                for (n, (written, spoken)) in pieces.into_iter().enumerate() {
                    let pause_after = if n + 1 < count {
                        Pause::Sentence
                    } else if p + 1 < chapter.paragraphs.len() {
                        Pause::Paragraph
                    } else {
                        Pause::Chapter
                    };
                    segments.push(Segment {
                        id: format!("{slug}/{}/{}/{}/{}", s + 1, c + 1, p + 1, n + 1),
                        text: written,
                        spoken,
                        voice: voice.to_owned(),
                        source: source(paragraph.line),
                        pause_after,
                        announcement: false,
                    });
                }
            }
            chapters.push(ChapterPlan {
                title: chapter.title.clone(),
                segments,
            });
        }
    }
    if let Some(last) = chapters.last_mut().and_then(|c| c.segments.last_mut()) {
        last.pause_after = Pause::End;
    }
    let title = speeches
        .iter()
        .map(|s| s.title.as_str())
        .collect::<Vec<_>>()
        .join(" / ");
    EpisodePlan {
        order,
        speaker,
        slug,
        title,
        chapters,
    }
}

/// The embedded service's Kokoro voices (`kokoro:NAME`).
fn is_kokoro(voice: &str) -> bool {
    voice.to_ascii_lowercase().starts_with("kokoro:")
}
