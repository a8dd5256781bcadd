//! Podcasting 2.0 chapters (`<slug>.chapters.json`, version 1.2.0).

use serde::Serialize;

use crate::model::{EpisodePlan, EpisodeTiming};
use crate::util::frames_to_seconds;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChaptersFile<'a> {
    version: &'static str,
    title: &'a str,
    author: &'a str,
    podcast_name: &'a str,
    chapters: Vec<ChapterEntry<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChapterEntry<'a> {
    start_time: f64,
    end_time: f64,
    title: &'a str,
}

pub fn chapters_json(plan: &EpisodePlan, timing: &EpisodeTiming, show_title: &str) -> String {
    let chapters = plan
        .chapters
        .iter()
        .zip(&timing.chapters)
        .map(|(chapter, span)| ChapterEntry {
            start_time: frames_to_seconds(span.start, timing.rate),
            end_time: frames_to_seconds(span.start + span.frames, timing.rate),
            title: &chapter.title,
        })
        .collect();
    let file = ChaptersFile {
        version: "1.2.0",
        title: &plan.title,
        author: &plan.speaker,
        podcast_name: show_title,
        chapters,
    };
    let mut json = serde_json::to_string_pretty(&file).expect("plain data serialises");
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChapterPlan, Span};

    #[test]
    fn chapters_follow_the_timing() {
        let plan = EpisodePlan {
            order: 0,
            speaker: "柳州市".into(),
            slug: "liuzhou".into(),
            title: "标题".into(),
            chapters: vec![
                ChapterPlan {
                    title: "标题".into(),
                    segments: vec![],
                },
                ChapterPlan {
                    title: "第二章".into(),
                    segments: vec![],
                },
            ],
        };
        let timing = EpisodeTiming {
            words: Vec::new(),
            rate: 48_000,
            total_frames: 144_000,
            chapters: vec![
                Span {
                    start: 0,
                    frames: 72_024,
                },
                Span {
                    start: 72_024,
                    frames: 71_976,
                },
            ],
            segments: vec![],
        };
        let json: serde_json::Value =
            serde_json::from_str(&chapters_json(&plan, &timing, "Show")).unwrap();
        assert_eq!(json["version"], "1.2.0");
        assert_eq!(json["chapters"][0]["startTime"], 0.0);
        assert_eq!(json["chapters"][1]["startTime"], 1.501);
        assert_eq!(json["chapters"][1]["endTime"], 3.0);
        assert_eq!(json["chapters"][1]["title"], "第二章");
        assert_eq!(json["podcastName"], "Show");
    }
}
