//! The espeak-ng engine: espeak-ng's library (`espeak_lib`), one
//! synthesis at a time, each answer with its words' times.
//!
//! The voice is checked against espeak-ng's own voice list (and to be a
//! plain name) before it is used; the list, the version and the Mandarin
//! probe still come from the espeak-ng program. A synthesis that overruns
//! its time limit is stopped from the library's callback.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::process::Command;

use super::engine::{Engine, Failure, Synthesis};
use super::espeak_lib::{self, EspeakError};
use crate::tts::TtsError;

/// Voice names espeak-ng lists: languages (`cmn`, `en-us`, and the codes
/// in "Other Languages") and variants (`f3`, `klatt`), all lowercase.
#[derive(Debug, Default)]
pub struct VoiceList {
    languages: BTreeSet<String>,
    variants: BTreeSet<String>,
}

impl VoiceList {
    /// Ask espeak-ng for its voices and variants.
    pub async fn load() -> Result<VoiceList, TtsError> {
        let list = |arg: &'static str| async move {
            let output = Command::new("espeak-ng")
                .arg(arg)
                .stdin(Stdio::null())
                .output()
                .await
                .map_err(|_| TtsError::EspeakMissing)?;
            if !output.status.success() {
                return Err(TtsError::EspeakMissing);
            }
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        };
        Ok(VoiceList::parse(
            &list("--voices").await?,
            &list("--voices=variant").await?,
        ))
    }

    /// From the tables `espeak-ng --voices` and `--voices=variant` print.
    pub fn parse(voices: &str, variants: &str) -> VoiceList {
        let mut list = VoiceList::default();
        for line in voices.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if let Some(language) = fields.get(1) {
                list.languages.insert(language.to_ascii_lowercase());
            }
            for other in line.split('(').skip(1) {
                if let Some(code) = other.split_whitespace().next() {
                    list.languages.insert(code.to_ascii_lowercase());
                }
            }
        }
        for line in variants.lines().skip(1) {
            if let Some(name) = line.split_whitespace().find_map(|f| f.strip_prefix("!v/")) {
                list.variants.insert(name.to_ascii_lowercase());
            }
        }
        list
    }

    /// `cmn` or `cmn+f3`, each part in the list (and a plain name: no option
    /// can slip through).
    pub fn contains(&self, voice: &str) -> bool {
        if !is_plain_voice_name(voice) {
            return false;
        }
        let lower = voice.to_ascii_lowercase();
        let (language, variant) = match lower.split_once('+') {
            Some((language, variant)) => (language, Some(variant)),
            None => (lower.as_str(), None),
        };
        self.languages.contains(language) && variant.is_none_or(|v| self.variants.contains(v))
    }
}

/// The espeak-ng voice that speaks Mandarin for a configured name, when it
/// is not the name itself: `cmn` (and its aliases `zh`, `zh-cmn`) reads
/// Latin letters, and on Debian's build most hanzi, by English rules, so it
/// becomes `cmn-latn-pinyin`, keeping a variant (`cmn+f3` →
/// `cmn-latn-pinyin+f3`).
pub fn mandarin_voice(voice: &str) -> Option<String> {
    let (prefix, voice) = match voice.strip_prefix("espeak:") {
        Some(rest) => ("espeak:", rest),
        None => ("", voice),
    };
    let (language, variant) = match voice.split_once('+') {
        Some((language, variant)) => (language, Some(variant)),
        None => (voice, None),
    };
    if !matches!(
        language.to_ascii_lowercase().as_str(),
        "cmn" | "zh" | "zh-cmn"
    ) {
        return None;
    }
    Some(match variant {
        Some(variant) => format!("{prefix}{PINYIN_VOICE}+{variant}"),
        None => format!("{prefix}{PINYIN_VOICE}"),
    })
}

/// espeak-ng's Mandarin voice that reads pinyin with tone digits.
pub const PINYIN_VOICE: &str = "cmn-latn-pinyin";

/// Refuse a voice that reads `sample` (Mandarin as it will be sent) by
/// English rules: espeak-ng's phoneme output (`-q -x`) marks a switch to
/// English with `(en)`.
pub fn probe_mandarin(voice: &str, sample: &str) -> Result<(), TtsError> {
    use std::io::Write;
    let voice = voice.strip_prefix("espeak:").unwrap_or(voice);
    if !is_plain_voice_name(voice) {
        return Err(TtsError::EnglishVoice {
            voice: voice.to_owned(),
            heard: "not a voice name".into(),
        });
    }
    let mut child = std::process::Command::new("espeak-ng")
        .args(["-q", "-x", "-v", voice])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| TtsError::EspeakMissing)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(sample.as_bytes())
            .map_err(|_| TtsError::EspeakMissing)?;
    }
    let output = child
        .wait_with_output()
        .map_err(|_| TtsError::EspeakMissing)?;
    let phonemes = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || phonemes.contains("(en)") || phonemes.trim().is_empty() {
        let heard: String = phonemes.split_whitespace().collect::<Vec<_>>().join(" ");
        return Err(TtsError::EnglishVoice {
            voice: voice.to_owned(),
            heard: heard.chars().take(60).collect(),
        });
    }
    Ok(())
}

/// The espeak-ng version line, or the error telling the user how to get it.
pub fn espeak_version() -> Result<String, TtsError> {
    let output = std::process::Command::new("espeak-ng")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|_| TtsError::EspeakMissing)?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.split("Data at").next().unwrap_or("").trim().to_owned();
    if !output.status.success() || version.is_empty() {
        return Err(TtsError::EspeakMissing);
    }
    Ok(version)
}

/// espeak-ng's library as an engine.
pub struct Espeak {
    voices: VoiceList,
}

impl Espeak {
    pub fn new(voices: VoiceList) -> Espeak {
        Espeak { voices }
    }
}

impl Engine for Espeak {
    fn name(&self) -> &'static str {
        "espeak"
    }

    fn program(&self) -> &'static str {
        "espeak-ng"
    }

    fn check_voice(&self, voice: &str) -> Result<(), String> {
        if self.voices.contains(voice) {
            Ok(())
        } else {
            Err(format!(
                "voice {voice:?} is not an espeak-ng voice (see espeak-ng --voices)"
            ))
        }
    }

    fn synthesize<'a>(&'a self, text: &'a str, voice: &'a str, speed: f32) -> Synthesis<'a> {
        Box::pin(speak(text.to_owned(), voice.to_owned(), speed))
    }
}

/// Letters, digits and `_ + -`, not starting with `-`: no option injection.
pub(super) fn is_plain_voice_name(voice: &str) -> bool {
    !voice.is_empty()
        && voice.len() <= 64
        && !voice.starts_with('-')
        && voice
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
}

/// Sets its flag when dropped: the synthesis it belongs to stops.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// One synthesis on a blocking thread, stopped when the future is dropped
/// (as the server does when it overruns its time limit): a WAV with a
/// `bcwd` chunk of its words.
async fn speak(text: String, voice: String, speed: f32) -> Result<Vec<u8>, Failure> {
    let stop = Arc::new(AtomicBool::new(false));
    let _stop = StopOnDrop(Arc::clone(&stop));
    let spoken =
        tokio::task::spawn_blocking(move || espeak_lib::speak(&text, &voice, speed, &stop))
            .await
            .map_err(|e| Failure::Other(format!("espeak-ng stopped: {e}")))?;
    let pcm = match spoken {
        Ok(pcm) => pcm,
        Err(EspeakError::Stopped) => return Err(Failure::TimedOut),
        Err(e @ EspeakError::Voice(_)) => return Err(Failure::BadInput(e.to_string())),
        Err(e) => return Err(Failure::Other(e.to_string())),
    };
    super::clip::wav_i16(&pcm.samples, pcm.rate, &pcm.words).map_err(Failure::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmn_maps_to_the_pinyin_voice_keeping_its_variant() {
        assert_eq!(mandarin_voice("cmn").as_deref(), Some("cmn-latn-pinyin"));
        assert_eq!(
            mandarin_voice("cmn+f3").as_deref(),
            Some("cmn-latn-pinyin+f3")
        );
        assert_eq!(mandarin_voice("zh").as_deref(), Some("cmn-latn-pinyin"));
        assert_eq!(mandarin_voice("cmn-latn-pinyin+f3"), None);
        assert_eq!(mandarin_voice("en-us"), None);
        assert_eq!(
            mandarin_voice("espeak:cmn+m3").as_deref(),
            Some("espeak:cmn-latn-pinyin+m3")
        );
        assert_eq!(mandarin_voice("espeak:cmn-latn-pinyin"), None);
    }

    #[test]
    fn a_voice_reading_mandarin_by_english_rules_is_refused() {
        let refused = probe_mandarin("cmn", "你好，世界。")
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("\"cmn\"") && refused.contains("cmn-latn-pinyin"),
            "{refused}"
        );
        probe_mandarin("cmn-latn-pinyin", "ni3 hao3，shi4 jie4。").unwrap();
        probe_mandarin("cmn-latn-pinyin+f3", "ni3 hao3，shi4 jie4。").unwrap();
    }

    #[test]
    fn voice_names_that_could_be_options_are_refused() {
        for good in ["cmn", "cmn+f3", "en-us", "zh_yue", "cmn-latn-pinyin"] {
            assert!(is_plain_voice_name(good), "{good}");
        }
        for bad in ["", "--path=/tmp", "-v", "cmn f3", "../x", "cmn;rm", "a\nb"] {
            assert!(!is_plain_voice_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn voices_are_checked_against_the_list() {
        let voices = "Pty Language       Age/Gender VoiceName          File                 Other Languages\n 5  cmn             --/M      Chinese_(Mandarin) sit/cmn              (zh-cmn 5)(zh 5)\n 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)\n";
        let variants = "Pty Language       Age/Gender VoiceName          File                 Other Languages\n 5  variant         --/M      Alex               !v/Alex\n 5  variant         --/F      f3                 !v/f3\n";
        let list = VoiceList::parse(voices, variants);
        for good in ["cmn", "cmn+f3", "en-us", "EN-US", "zh", "zh-cmn", "en+alex"] {
            assert!(list.contains(good), "{good}");
        }
        for bad in [
            "--path=/tmp",
            "-v",
            "xx",
            "cmn+f9",
            "cmn+",
            "sit/cmn",
            "cmn f3",
            "",
        ] {
            assert!(!list.contains(bad), "{bad:?}");
        }
    }
}
