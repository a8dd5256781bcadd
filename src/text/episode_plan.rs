//! From one speaker's speeches to the plan of their episode: each paragraph
//! cut into segments that fit the voice's service, each with its stable id
//! (`slug/speech/chapter/paragraph/n`), its spoken form and the pause after
//! it; spoken announcements (paragraph 0) before each chapter when asked.
//!
//! Takes only plain settings ([`Voicing`], [`PlanVoice`],
//! [`Announcements`]); which voice a speaker has, and its service's limit,
//! is the caller's to find out.

use super::{
    readings, render_readings, segment_spoken, segment_words, spoken_form, Form, Lexicon, Limit,
    Normalize,
};
use crate::model::{ChapterPlan, EpisodePlan, Pause, Segment, SegmentWord, SourcePos, Speech};

/// How a voice's text is prepared: normalisation, the form Mandarin
/// reaches it in, and its lexicon (the global one with its own entries).
#[derive(Debug, Clone, PartialEq)]
pub struct Voicing {
    pub normalize: Normalize,
    pub form: Form,
    pub lexicon: Lexicon,
}

impl Voicing {
    /// What the voice is sent for `written`.
    pub fn spoken(&self, written: &str) -> String {
        spoken_form(written, self.normalize, self.form, &self.lexicon)
    }

    /// The words and readings of `written` (pinyin syllables with tone
    /// digits, separated by spaces), whatever form the voice is sent.
    pub fn readings(&self, written: &str) -> String {
        render_readings(&readings(written, self.normalize, &self.lexicon))
    }

    /// The words of `written` as this voice says them.
    pub fn words(&self, written: &str) -> Vec<SegmentWord> {
        segment_words(written, self.normalize, self.form, &self.lexicon)
    }

    /// Cut a paragraph into (written, spoken) segments. Where the cuts fall
    /// is decided on the hanzi form, so that a pinyin voice (sent about five
    /// letters per character) gets the same sentence-sized segments.
    pub fn segments(&self, paragraph: &str, limit: Limit) -> Vec<(String, String)> {
        let hanzi = |w: &str| spoken_form(w, self.normalize, Form::Hanzi, &self.lexicon);
        let pieces = segment_spoken(paragraph, limit, &hanzi);
        match self.form {
            Form::Hanzi => pieces,
            Form::Pinyin | Form::PinyinWords => pieces
                .into_iter()
                .map(|(written, _)| {
                    let spoken = self.spoken(&written);
                    (written, spoken)
                })
                .collect(),
        }
    }
}

/// A voice as a plan uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanVoice {
    /// The voice's name, recorded in each of its segments.
    pub name: String,
    pub voicing: Voicing,
    /// Its service's limit for one request.
    pub limit: Limit,
}

/// Spoken announcements: the episode's opening line before its first
/// chapter, each later chapter's title before that chapter.
pub struct Announcements<'a> {
    pub voice: &'a PlanVoice,
    /// The opening line for the first speech's speaker, title and subtitle.
    pub opening: &'a dyn Fn(&str, &str, Option<&str>) -> String,
}

/// The episode of `speeches` (one speaker's, in show order), read by
/// `voice`; its position in the show is `order`.
pub fn plan_episode(
    speeches: &[Speech],
    voice: &PlanVoice,
    announcements: Option<&Announcements>,
    slug: String,
    order: usize,
) -> EpisodePlan {
    let speaker = speeches[0].speaker.clone();
    let mut chapters = Vec::new();
    for (s, speech) in speeches.iter().enumerate() {
        for (c, chapter) in speech.chapters.iter().enumerate() {
            let mut segments = Vec::new();
            let source = |line| SourcePos {
                path: speech.path.clone(),
                line,
            };
            if let Some(announcements) = announcements {
                let line = if s == 0 && c == 0 {
                    (announcements.opening)(&speaker, &speech.title, speech.subtitle.as_deref())
                } else {
                    chapter.title.clone()
                };
                let announcer = announcements.voice;
                let pieces = announcer.voicing.segments(&line, announcer.limit);
                for (n, (written, spoken)) in pieces.into_iter().enumerate() {
                    let words = announcer.voicing.words(&written);
                    segments.push(Segment {
                        id: format!("{slug}/{}/{}/0/{}", s + 1, c + 1, n + 1),
                        text: written,
                        spoken,
                        voice: announcer.name.clone(),
                        source: source(chapter.line),
                        pause_after: Pause::Announcement,
                        announcement: true,
                        words,
                    });
                }
            }
            for (p, paragraph) in chapter.paragraphs.iter().enumerate() {
                let pieces = voice.voicing.segments(&paragraph.text, voice.limit);
                let count = pieces.len();
                for (n, (written, spoken)) in pieces.into_iter().enumerate() {
                    let pause_after = if n + 1 < count {
                        Pause::Sentence
                    } else if p + 1 < chapter.paragraphs.len() {
                        Pause::Paragraph
                    } else {
                        Pause::Chapter
                    };
                    let words = voice.voicing.words(&written);
                    segments.push(Segment {
                        id: format!("{slug}/{}/{}/{}/{}", s + 1, c + 1, p + 1, n + 1),
                        text: written,
                        spoken,
                        voice: voice.name.clone(),
                        source: source(paragraph.line),
                        pause_after,
                        announcement: false,
                        words,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Chapter, Paragraph};

    fn voice(name: &str, limit: usize) -> PlanVoice {
        PlanVoice {
            name: name.to_owned(),
            voicing: Voicing {
                normalize: Normalize::None,
                form: Form::Hanzi,
                lexicon: Lexicon::default(),
            },
            limit: Limit::chars(limit),
        }
    }

    fn speech(path: &str, title: &str, chapters: &[(&str, &[&str])]) -> Speech {
        Speech {
            path: path.into(),
            speaker: "Ann".into(),
            title: title.into(),
            subtitle: None,
            order: None,
            chapters: chapters
                .iter()
                .enumerate()
                .map(|(c, (title, paragraphs))| Chapter {
                    title: (*title).to_owned(),
                    line: 10 * (c + 1),
                    paragraphs: paragraphs
                        .iter()
                        .enumerate()
                        .map(|(p, text)| Paragraph {
                            text: (*text).to_owned(),
                            line: 10 * (c + 1) + 2 * (p + 1),
                        })
                        .collect(),
                })
                .collect(),
            warnings: Vec::new(),
        }
    }

    /// The plan of `speeches` by voice `v`, announced by voice `host` with
    /// `speaker: title`.
    fn announced(speeches: &[Speech], slug: &str) -> EpisodePlan {
        let announcer = voice("host", 100);
        let opening = |speaker: &str, title: &str, _: Option<&str>| format!("{speaker}: {title}");
        let announcements = Announcements {
            voice: &announcer,
            opening: &opening,
        };
        plan_episode(
            speeches,
            &voice("v", 100),
            Some(&announcements),
            slug.into(),
            0,
        )
    }

    fn owned((id, text, pause): (&str, &str, Pause)) -> (String, String, Pause) {
        (id.to_owned(), text.to_owned(), pause)
    }

    fn summary(plan: &EpisodePlan) -> Vec<(String, String, Pause)> {
        plan.segments()
            .map(|s| (s.id.clone(), s.text.clone(), s.pause_after))
            .collect()
    }

    #[test]
    fn segments_are_numbered_by_speech_chapter_paragraph_and_piece_with_their_pauses() {
        let speeches = [
            speech(
                "a.md",
                "First",
                &[("Intro", &["One. Two.", "Three."]), ("Later", &["Four."])],
            ),
            speech("b.md", "Second", &[("Only", &["Five."])]),
        ];
        let plan = plan_episode(&speeches, &voice("v", 6), None, "ann".into(), 3);
        assert_eq!(
            summary(&plan),
            [
                ("ann/1/1/1/1", "One.", Pause::Sentence),
                ("ann/1/1/1/2", "Two.", Pause::Paragraph),
                ("ann/1/1/2/1", "Three.", Pause::Chapter),
                ("ann/1/2/1/1", "Four.", Pause::Chapter),
                ("ann/2/1/1/1", "Five.", Pause::End),
            ]
            .map(owned)
        );
        assert_eq!(plan.title, "First / Second");
        assert_eq!((plan.order, plan.speaker.as_str()), (3, "Ann"));
        let chapters: Vec<&str> = plan.chapters.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(chapters, ["Intro", "Later", "Only"]);
        let first = plan.segments().next().unwrap();
        assert_eq!(
            (first.source.to_string(), first.voice.as_str()),
            ("a.md:12".into(), "v")
        );
        assert!(plan.segments().all(|s| !s.announcement));
    }

    #[test]
    fn announcements_open_each_chapter_as_paragraph_zero_in_the_announcers_voice() {
        let speeches = [speech(
            "a.md",
            "Title",
            &[("Intro", &["Words."]), ("Next", &["More."])],
        )];
        let plan = announced(&speeches, "ann");
        assert_eq!(
            summary(&plan),
            [
                ("ann/1/1/0/1", "Ann: Title", Pause::Announcement),
                ("ann/1/1/1/1", "Words.", Pause::Chapter),
                ("ann/1/2/0/1", "Next", Pause::Announcement),
                ("ann/1/2/1/1", "More.", Pause::End),
            ]
            .map(owned)
        );
        let announced: Vec<(&str, bool, String)> = plan
            .segments()
            .map(|s| (s.voice.as_str(), s.announcement, s.source.to_string()))
            .collect();
        assert_eq!(announced[0], ("host", true, "a.md:10".into()));
        assert_eq!(announced[1], ("v", false, "a.md:12".into()));
        assert_eq!(announced[2], ("host", true, "a.md:20".into()));
    }

    #[test]
    fn the_last_segment_ends_the_episode_even_when_it_is_an_announcement() {
        let speeches = [speech(
            "a.md",
            "Title",
            &[("Intro", &["Words."]), ("Empty", &[])],
        )];
        let plan = announced(&speeches, "a");
        let last = plan.segments().last().unwrap();
        assert_eq!(
            (last.id.as_str(), last.pause_after),
            ("a/1/2/0/1", Pause::End)
        );
    }

    #[test]
    fn pinyin_voices_are_cut_where_the_hanzi_would_be() {
        let hanzi = voice("h", 8);
        let pinyin = PlanVoice {
            voicing: Voicing {
                normalize: Normalize::Zh,
                form: Form::Pinyin,
                ..hanzi.voicing.clone()
            },
            ..hanzi.clone()
        };
        let speeches = [speech("a.md", "T", &[("C", &["你好世界。我们来了。"])])];
        let cut = |voice: &PlanVoice| -> Vec<String> {
            plan_episode(&speeches, voice, None, "a".into(), 0)
                .segments()
                .map(|s| s.text.clone())
                .collect()
        };
        assert_eq!(cut(&hanzi), ["你好世界。", "我们来了。"]);
        assert_eq!(cut(&pinyin), cut(&hanzi));
        let plan = plan_episode(&speeches, &pinyin, None, "a".into(), 0);
        assert_eq!(
            plan.segments().next().unwrap().spoken,
            pinyin.voicing.spoken("你好世界。")
        );
    }
}
