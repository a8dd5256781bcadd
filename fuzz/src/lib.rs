//! The fuzzed entry points, shared by the libFuzzer targets and the stable
//! smoke loop: each must return (Ok or Err), never panic, for any bytes.

use std::path::Path;

use briefcast::script::ScriptError;
use briefcast::text::{segment_spoken, Lexicon, Limit, Normalize};

/// A script file's bytes → a speech, then its sentences.
pub fn script_parser(data: &[u8]) {
    if let Ok(speech) = briefcast::script::parse_script(data, Path::new("fuzz.md")) {
        for chapter in &speech.chapters {
            for paragraph in &chapter.paragraphs {
                let speak =
                    |t: &str| briefcast::text::spoken_form(t, Normalize::Zh, &Lexicon::default());
                for (_, spoken) in segment_spoken(&paragraph.text, Limit::chars(40), &speak) {
                    assert!(spoken.chars().count() <= 40 || !spoken.contains(' '));
                }
            }
        }
    }
}

/// A pasted page → scripts and the report.
pub fn importer(data: &[u8]) {
    if let Ok(report) = briefcast::script::import::import_page(data) {
        let files: Vec<String> = report
            .speeches
            .iter()
            .enumerate()
            .map(|(i, speech)| briefcast::script::import::render_script(speech, i + 1))
            .collect();
        let _ = briefcast::script::import::render_report(&report, &files);
        // A rendered script parses again, or fails only on what the report
        // flagged and kept (a heading or a speech with no text).
        for (i, text) in files.iter().enumerate() {
            match briefcast::script::parse_script(text.as_bytes(), Path::new("x.md")) {
                Ok(_) | Err(ScriptError::EmptyChapter { .. } | ScriptError::Empty { .. }) => {}
                Err(e) => panic!("rendered script {i} does not parse: {e}\n{text}"),
            }
        }
    }
}

/// A service's answer → samples, and the clip check the build uses.
pub fn wav_decoder(data: &[u8]) {
    let _ = briefcast::audio::decode::decode_wav(data);
    let _ = briefcast::audio::check_clip(data, briefcast::model::ClipFormat::Wav);
}
