//! `briefcast plan`: the structure a build would produce, without requests.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Project;

/// Every episode with its voice and service, its chapters with segment and
/// character counts, and the characters each service would be sent.
pub fn print_plan(project: &Project) -> String {
    let config = &project.config;
    let mut out = String::new();
    let mut per_service: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for episode in &project.episodes {
        let voice_name = episode.segments().next().map_or("", |s| s.voice.as_str());
        let voice = &config.voices[voice_name];
        let service = voice.service.get_ref();
        let _ = writeln!(
            out,
            "{} → {}.wav  (voice {voice_name}: {} on {service})",
            episode.speaker, episode.slug, voice.voice
        );
        let _ = writeln!(out, "  {}", episode.title);
        let (mut segments, mut chars) = (0, 0);
        for (n, chapter) in episode.chapters.iter().enumerate() {
            let count = chapter.segments.len();
            let length: usize = chapter
                .segments
                .iter()
                .map(|s| s.spoken.chars().count())
                .sum();
            let _ = writeln!(
                out,
                "  {:>2}. {}  [{count} segments, {length} chars]",
                n + 1,
                chapter.title
            );
            segments += count;
            chars += length;
        }
        let _ = writeln!(out, "      {segments} segments, {chars} characters\n");
        let entry = per_service.entry(service.as_str()).or_default();
        entry.0 += segments;
        entry.1 += chars;
    }
    let _ = writeln!(out, "characters per service:");
    for (service, (segments, chars)) in per_service {
        let _ = writeln!(out, "  {service}: {segments} segments, {chars} characters");
    }
    out
}
