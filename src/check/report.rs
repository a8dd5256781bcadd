//! `audio/check.json`: what was heard, per segment, and the aggregates per
//! episode and per voice. Deterministic: maps are sorted, nothing depends
//! on the clock, so the same clips and transcripts give the same file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Language;

pub const CHECK_FILE: &str = "check.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckReport {
    /// The transcription service and model that listened.
    pub service: String,
    pub model: String,
    pub max_cer: f64,
    pub max_wer: f64,
    pub episodes: BTreeMap<String, Aggregate>,
    pub voices: BTreeMap<String, Aggregate>,
    /// By segment id.
    pub segments: BTreeMap<String, SegmentCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SegmentCheck {
    pub episode: String,
    pub voice: String,
    /// `file:line` of the sentence.
    pub source: String,
    pub language: String,
    /// CER (Mandarin) or WER (English), 0..1.
    pub score: f64,
    /// Mandarin: the toned-syllable error rate, 0..1, which forgives
    /// homophones (the sounds a listener heard, see [`super::syllable_rate`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syllables: Option<f64>,
    /// Characters (Mandarin) or words (English) in the reference: the
    /// weight of this segment in the aggregates.
    pub length: usize,
    pub passed: bool,
    /// What the transcription service heard.
    pub transcript: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Aggregate {
    /// Error rate over all segments, weighted by their reference length.
    pub score: f64,
    /// The syllable error rate over the Mandarin segments, weighted alike.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syllables: Option<f64>,
    pub segments: usize,
    pub failed: usize,
}

impl CheckReport {
    /// A report of `segments`, with the aggregates computed from them.
    pub fn new(
        service: &str,
        model: &str,
        (max_cer, max_wer): (f64, f64),
        segments: BTreeMap<String, SegmentCheck>,
    ) -> CheckReport {
        let mut report = CheckReport {
            service: service.to_owned(),
            model: model.to_owned(),
            max_cer,
            max_wer,
            episodes: BTreeMap::new(),
            voices: BTreeMap::new(),
            segments,
        };
        report.episodes = aggregate(&report.segments, |s| &s.episode);
        report.voices = aggregate(&report.segments, |s| &s.voice);
        report
    }

    /// The threshold a language's segments must meet.
    pub fn threshold(&self, language: Language) -> f64 {
        match language {
            Language::Zh => self.max_cer,
            Language::En => self.max_wer,
        }
    }

    pub fn failed(&self) -> impl Iterator<Item = (&String, &SegmentCheck)> {
        self.segments.iter().filter(|(_, s)| !s.passed)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("plain data serialises");
        text.push('\n');
        text
    }
}

fn aggregate(
    segments: &BTreeMap<String, SegmentCheck>,
    group: impl Fn(&SegmentCheck) -> &String,
) -> BTreeMap<String, Aggregate> {
    #[derive(Default)]
    struct Sums {
        score: Weighted,
        syllables: Weighted,
        entry: Aggregate,
    }
    let mut sums: BTreeMap<String, Sums> = BTreeMap::new();
    for segment in segments.values() {
        let sum = sums.entry(group(segment).clone()).or_default();
        let length = segment.length.max(1);
        sum.score.add(segment.score, length);
        if let Some(rate) = segment.syllables {
            sum.syllables.add(rate, length);
        }
        sum.entry.segments += 1;
        sum.entry.failed += usize::from(!segment.passed);
    }
    sums.into_iter()
        .map(|(name, sum)| {
            let mut entry = sum.entry;
            entry.score = sum.score.mean().unwrap_or(0.0);
            entry.syllables = sum.syllables.mean();
            (name, entry)
        })
        .collect()
}

/// A mean weighted by reference lengths.
#[derive(Default)]
struct Weighted {
    sum: f64,
    weight: usize,
}

impl Weighted {
    fn add(&mut self, value: f64, weight: usize) {
        self.sum += value * weight as f64;
        self.weight += weight;
    }

    /// Rounded to four places; `None` when nothing was added.
    fn mean(&self) -> Option<f64> {
        (self.weight > 0).then(|| (self.sum / self.weight as f64 * 1e4).round() / 1e4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(
        episode: &str,
        voice: &str,
        score: f64,
        length: usize,
        passed: bool,
    ) -> SegmentCheck {
        SegmentCheck {
            episode: episode.into(),
            voice: voice.into(),
            source: "scripts/a.md:3".into(),
            language: "zh".into(),
            score,
            syllables: Some(score / 2.0),
            length,
            passed,
            transcript: String::new(),
        }
    }

    #[test]
    fn aggregates_weigh_segments_by_their_length() {
        let segments = BTreeMap::from([
            ("a/1".to_owned(), segment("a", "v", 0.0, 30, true)),
            ("a/2".to_owned(), segment("a", "w", 1.0, 10, false)),
            ("b/1".to_owned(), segment("b", "v", 0.5, 10, false)),
        ]);
        let report = CheckReport::new("whisper", "whisper-1", (0.15, 0.2), segments);
        assert_eq!(report.episodes["a"].score, 0.25);
        assert_eq!(report.episodes["a"].failed, 1);
        assert_eq!(report.episodes["b"].segments, 1);
        assert_eq!(report.voices["v"].score, 0.125);
        assert_eq!(report.episodes["a"].syllables, Some(0.125));
        assert_eq!(report.voices["v"].syllables, Some(0.0625));
        assert_eq!(report.failed().count(), 2);
        let back: CheckReport = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(back, report);
    }
}
