//! What `briefcast doctor` asks of the local tools behind the embedded
//! service: which espeak-ng voices are installed, and whether a voice reads
//! a text in its own language or switches to English for it.

use std::process::{Command, Stdio};

/// Every voice name espeak-ng lists (`espeak-ng --voices`), empty when it is
/// not installed.
pub fn espeak_voices() -> Vec<String> {
    let Ok(output) = Command::new("espeak-ng")
        .arg("--voices")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().nth(1).map(str::to_owned))
        .collect()
}

/// Whether espeak-ng, reading `text` with `voice`, switches to English
/// (its phoneme output marks that `(en)`): what Debian's `cmn` voice does
/// with most hanzi, reading them as English-spelled pinyin. `None` when
/// espeak-ng cannot be run.
pub fn espeak_switches_to_english(voice: &str, text: &str) -> Option<bool> {
    let output = Command::new("espeak-ng")
        .args(["-q", "-x", "-v", voice, text])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| switches_to_english(&String::from_utf8_lossy(&output.stdout)))
}

fn switches_to_english(phonemes: &str) -> bool {
    phonemes.contains("(en)")
}

/// The ONNX Runtime library neural voices load, if one is found:
/// `ORT_DYLIB_PATH`, else one the dynamic linker knows.
pub fn onnx_runtime() -> Option<String> {
    if let Some(path) = std::env::var_os("ORT_DYLIB_PATH") {
        let path = std::path::PathBuf::from(path);
        if path.is_file() {
            return Some(path.display().to_string());
        }
    }
    let output = Command::new("ldconfig")
        .arg("-p")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find(|l| l.contains("libonnxruntime.so"))
        .and_then(|l| l.rsplit(" => ").next())
        .map(|p| p.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_switches_are_read_from_the_phonemes() {
        assert!(switches_to_english("(en)nI55Tr'i:55 h,eI55@55Tr'i:55"));
        assert!(!switches_to_english("n'i35 X'Au214"));
    }
}
