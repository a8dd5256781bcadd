//! Phonemes from espeak-ng: `espeak-ng -q --ipa` for the neural engines,
//! clause by clause with the clause's punctuation kept (espeak-ng drops it
//! from its IPA output, but the models pause and intone by it), and the
//! mapping from espeak-ng's English IPA to Kokoro's symbols.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use super::engine::Failure;

/// The tie espeak-ng is asked to put inside multi-letter phonemes.
pub(super) const TIE: char = '^';

/// Marks that end a clause, kept as they are in the phoneme string.
fn is_clause_mark(c: char) -> bool {
    matches!(c, ',' | '.' | '!' | '?' | ';' | ':')
}

/// `text` cut after each clause mark: `("Hi", ",")`, `(" you", ".")`.
pub(super) fn clauses(text: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if is_clause_mark(c) {
            out.push((&text[start..at], &text[at..at + c.len_utf8()]));
            start = at + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push((&text[start..], ""));
    }
    out
}

/// espeak-ng's IPA for `text` in `voice` (checked by the caller to be a
/// plain name), each clause's mark after its phonemes; `tie` puts
/// [`TIE`] inside multi-letter phonemes.
pub(super) async fn espeak_ipa(text: &str, voice: &str, tie: bool) -> Result<String, Failure> {
    let mut out = String::new();
    for (words, mark) in clauses(text) {
        if words.chars().any(char::is_alphanumeric) {
            let ipa = run(words, voice, tie).await?;
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            out.push_str(&ipa);
        }
        out.push_str(mark);
    }
    Ok(out)
}

/// espeak-ng's IPA (with ties) of each of `lines` said alone: the lines
/// of its output, empty ones left out (a line that says nothing gives
/// none, so callers compare the counts).
pub(super) async fn espeak_ipa_lines(lines: &[&str], voice: &str) -> Result<Vec<String>, Failure> {
    let text: Vec<String> = lines.iter().map(|l| l.replace('\n', " ")).collect();
    let output = output(&text.join("\n"), voice, true).await?;
    Ok(output
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect())
}

async fn run(text: &str, voice: &str, tie: bool) -> Result<String, Failure> {
    let text = output(text, voice, tie).await?;
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What `espeak-ng -q --ipa` prints for `text`.
async fn output(text: &str, voice: &str, tie: bool) -> Result<String, Failure> {
    let mut command = Command::new("espeak-ng");
    command.args(["-q", "--ipa", "-v", voice]);
    if tie {
        command.arg(format!("--tie={TIE}"));
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start espeak-ng: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("espeak-ng has no stdin")?;
    stdin
        .write_all(text.as_bytes())
        .await
        .map_err(|e| format!("writing to espeak-ng: {e}"))?;
    drop(stdin);
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| format!("espeak-ng failed: {e}"))?;
    if !output.status.success() {
        return Err(Failure::Other(format!(
            "espeak-ng failed ({})",
            output.status
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// espeak-ng's American English IPA (with ties) in Kokoro's symbols: its
/// diphthongs as one letter (`a^ɪ` → `I`, `o^ʊ` → `O`), no length marks,
/// `ɚ` as `əɹ`, syllabic consonants with `ᵊ` before them.
pub(super) fn kokoro_english(ipa: &str) -> String {
    const REPLACE: [(&str, &str); 23] = [
        ("ʔˌn\u{329}", "tᵊn"),
        ("ʔn\u{329}", "tᵊn"),
        ("a^ɪ", "I"),
        ("a^ʊ", "W"),
        ("d^ʒ", "ʤ"),
        ("e^ɪ", "A"),
        ("t^ʃ", "ʧ"),
        ("ɔ^ɪ", "Y"),
        ("ə^l", "ᵊl"),
        ("o^ʊ", "O"),
        ("ʔn", "tᵊn"),
        ("ʲO", "jO"),
        ("\u{303}", ""),
        ("e", "A"),
        ("r", "ɹ"),
        ("x", "k"),
        ("ç", "k"),
        ("ɐ", "ə"),
        ("ɚ", "əɹ"),
        ("ɬ", "l"),
        ("ʔ", "t"),
        ("ʲ", ""),
        ("o", "ɔ"),
    ];
    let mut ps = ipa.to_owned();
    for (from, to) in REPLACE {
        ps = ps.replace(from, to);
    }
    // A syllabic consonant (`n̩`) is spoken with a schwa before it.
    let mut out = String::with_capacity(ps.len());
    let mut chars = ps.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{329}') {
            chars.next();
            out.push('ᵊ');
        }
        out.push(c);
    }
    out.replace("ɜːɹ", "ɜɹ")
        .replace("ɜː", "ɜɹ")
        .replace("ɪə", "iə")
        .replace(['ː', TIE], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_keep_their_marks() {
        assert_eq!(
            clauses("Hello world, this is Joe. How are you"),
            vec![
                ("Hello world", ","),
                (" this is Joe", "."),
                (" How are you", "")
            ]
        );
        assert_eq!(clauses("ni3 hao3!"), vec![("ni3 hao3", "!")]);
    }

    #[test]
    fn english_ipa_becomes_kokoros_symbols() {
        // espeak-ng -q --ipa --tie=^ -v en-us: "Hello world, this is Joe. How are you?"
        let ipa = "həlˈo^ʊ wˈɜːld, ðɪs ɪz d^ʒˈo^ʊ. hˈa^ʊ ɑː^ɹ juː?";
        assert_eq!(kokoro_english(ipa), "həlˈO wˈɜɹld, ðɪs ɪz ʤˈO. hˈW ɑɹ ju?");
        assert_eq!(kokoro_english("bˈʌʔn\u{329}"), "bˈʌtᵊn");
        assert_eq!(kokoro_english("ˈa^ɪ lˈa^ɪk tʃˈe^ɪnd^ʒ"), "ˈI lˈIk tʃˈAnʤ");
    }
}
