//! The espeak-ng engine: the espeak-ng program, one process per request.
//!
//! Text reaches espeak-ng on stdin, never on its command line; the voice is
//! checked against espeak-ng's own voice list (and to be a plain name)
//! before it becomes an argument.

use std::collections::BTreeSet;
use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use super::engine::{Engine, Failure, Synthesis};
use crate::tts::TtsError;

/// espeak-ng's speaking rate at speed 1.0, in words per minute.
const BASE_WPM: f32 = 175.0;
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

/// The espeak-ng program as an engine: one process per request.
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
        Box::pin(run_espeak(text, voice, speed))
    }
}

/// Letters, digits and `_ + -`, not starting with `-`: no option injection.
fn is_plain_voice_name(voice: &str) -> bool {
    !voice.is_empty()
        && voice.len() <= 64
        && !voice.starts_with('-')
        && voice
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
}

/// One espeak-ng process; killed (kill_on_drop) when the future is dropped,
/// as the server does when it overruns its time limit.
async fn run_espeak(text: &str, voice: &str, speed: f32) -> Result<Vec<u8>, Failure> {
    let wpm = (BASE_WPM * speed).round().clamp(80.0, 500.0) as u32;
    let mut child = Command::new("espeak-ng")
        .args(["-b", "1", "-v", voice, "-s", &wpm.to_string(), "--stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start espeak-ng: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("espeak-ng has no stdin")?;
    let run = async move {
        stdin
            .write_all(text.as_bytes())
            .await
            .map_err(|e| format!("writing to espeak-ng: {e}"))?;
        drop(stdin);
        child
            .wait_with_output()
            .await
            .map_err(|e| format!("espeak-ng failed: {e}"))
    };
    let output = run.await?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Failure::Other(format!(
            "espeak-ng failed ({}): {}",
            output.status,
            stderr.lines().next().unwrap_or("").trim()
        )));
    }
    let mut wav = output.stdout;
    patch_stream_sizes(&mut wav);
    Ok(wav)
}

/// espeak-ng writes placeholder RIFF/data sizes when writing to a pipe; set
/// the real ones so every WAV reader accepts the answer.
fn patch_stream_sizes(wav: &mut [u8]) {
    if wav.len() < 12 || &wav[..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return;
    }
    let riff_size = (wav.len() - 8) as u32;
    wav[4..8].copy_from_slice(&riff_size.to_le_bytes());
    let mut at = 12;
    while at + 8 <= wav.len() {
        let size =
            u32::from_le_bytes([wav[at + 4], wav[at + 5], wav[at + 6], wav[at + 7]]) as usize;
        if &wav[at..at + 4] == b"data" {
            let data_size = (wav.len() - at - 8) as u32;
            wav[at + 4..at + 8].copy_from_slice(&data_size.to_le_bytes());
            return;
        }
        at += 8 + size + (size & 1);
    }
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

    #[test]
    fn stream_sizes_are_patched() {
        let mut wav = Vec::new();
        wav.extend_from_slice(b"RIFF\xf0\xff\xff\x7fWAVEfmt \x10\0\0\0");
        wav.extend_from_slice(&[1, 0, 1, 0, 0x22, 0x56, 0, 0, 0x44, 0xac, 0, 0, 2, 0, 16, 0]);
        wav.extend_from_slice(b"data\xf0\xff\xff\x7f");
        wav.extend_from_slice(&[1, 0, 2, 0, 3, 0]);
        patch_stream_sizes(&mut wav);
        assert_eq!(
            u32::from_le_bytes(wav[4..8].try_into().unwrap()),
            wav.len() as u32 - 8
        );
        assert_eq!(u32::from_le_bytes(wav[40..44].try_into().unwrap()), 6);
    }
}
