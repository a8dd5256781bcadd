//! Which word of a Piper request each IPA character says: the text's words
//! (runs between spaces, punctuation at their edges left out) and
//! espeak-ng's IPA of the whole text shared out among them by aligning it
//! with each word's IPA said alone (`kokoro_words::attribute`, the same
//! alignment Kokoro's English runs use).

use std::ops::Range;

use super::engine::Failure;
use super::{ipa, kokoro_words};

/// The words of a request and, per char of its IPA, its word.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Words {
    pub ranges: Vec<Range<usize>>,
    pub owner: Vec<Option<usize>>,
}

/// The words of `text` (character ranges): runs of non-space characters
/// without the punctuation at their edges; runs with no letter or digit
/// are none.
pub(super) fn text_words(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at].is_whitespace() {
            at += 1;
            continue;
        }
        let start = at;
        while at < chars.len() && !chars[at].is_whitespace() {
            at += 1;
        }
        let (mut from, mut to) = (start, at);
        while from < to && !chars[from].is_alphanumeric() {
            from += 1;
        }
        while to > from && !chars[to - 1].is_alphanumeric() {
            to -= 1;
        }
        if from < to {
            words.push(from..to);
        }
    }
    words
}

/// `text`'s words and the word of each char of `ipa` (espeak-ng's IPA of
/// the text in `language`, a plain name).
pub(super) async fn attribute(text: &str, ipa: &str, language: &str) -> Result<Words, Failure> {
    let ranges = text_words(text);
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<String> = ranges
        .iter()
        .map(|r| chars[r.clone()].iter().collect())
        .collect();
    let run: Vec<&str> = words.iter().map(String::as_str).collect();
    let alone = if run.len() > 1 {
        let lines = ipa::espeak_ipa_lines(&run, language).await?;
        (lines.len() == run.len()).then_some(lines)
    } else {
        None
    };
    let owner = if run.is_empty() {
        vec![None; ipa.chars().count()]
    } else {
        kokoro_words::attribute(ipa, &run, alone.as_deref())
    };
    Ok(Words { ranges, owner })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_between_spaces_without_their_punctuation() {
        assert_eq!(
            text_words("Hello world, this is “Joe”. — 2019!"),
            vec![0..5, 6..11, 13..17, 18..20, 22..25, 30..34]
        );
    }

    #[tokio::test]
    async fn each_ipa_char_goes_to_its_word() {
        let text = "Hello world, of the sea.";
        let ipa = ipa::espeak_ipa(text, "en-us", false).await.unwrap();
        let words = attribute(text, &ipa, "en-us").await.unwrap();
        assert_eq!(words.owner.len(), ipa.chars().count());
        let mut last = 0;
        for word in 0..words.ranges.len() {
            let at = words.owner.iter().position(|&o| o == Some(word));
            let at = at.unwrap_or_else(|| panic!("word {word} says nothing in {ipa}: {words:?}"));
            assert!(at >= last);
            last = at;
        }
    }
}
