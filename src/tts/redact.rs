//! Keeping an API key out of every message, in every encoding it can take
//! on the way: raw, percent-encoded (in a URL, upper or lower hex, any mix
//! of encoded and plain characters), form-encoded (`+` for a space), JSON
//! (`\/`) and base64 (standard or URL-safe, with or without padding).

use base64::Engine;

const REDACTED: &str = "[redacted]";

/// Replaces every form of one secret.
#[derive(Debug, Clone)]
pub(crate) struct Redactor {
    key: Vec<u8>,
    /// Forms matched literally (base64 and JSON escapes).
    literal: Vec<String>,
}

impl Redactor {
    /// Nothing to hide for no key or one too short to be a real key (it
    /// would blank out ordinary words).
    pub(crate) fn new(key: Option<&str>) -> Option<Redactor> {
        let key = key.filter(|k| k.len() >= 4)?;
        let engines = [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::STANDARD_NO_PAD,
            base64::engine::general_purpose::URL_SAFE,
            base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        let mut literal: Vec<String> = engines.iter().map(|e| e.encode(key)).collect();
        literal.push(key.replace('/', "\\/"));
        // Longest first, so a padded form is never cut to its unpadded prefix.
        literal.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        literal.dedup();
        literal.retain(|form| form != key);
        Some(Redactor {
            key: key.as_bytes().to_vec(),
            literal,
        })
    }

    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut plain_from = 0;
        while i < bytes.len() {
            match self.encoded_match(&bytes[i..]) {
                Some(len) => {
                    out.push_str(&text[plain_from..i]);
                    out.push_str(REDACTED);
                    i += len;
                    plain_from = i;
                }
                None => i += 1,
            }
        }
        out.push_str(&text[plain_from..]);
        for form in &self.literal {
            out = out.replace(form.as_str(), REDACTED);
        }
        out
    }

    /// The length of the key at the start of `text`, each of its bytes
    /// either itself, `%XX` in either case, or `+` for a space.
    fn encoded_match(&self, text: &[u8]) -> Option<usize> {
        let mut at = 0;
        for &want in &self.key {
            let rest = text.get(at..)?;
            if rest.first() == Some(&want) || (want == b' ' && rest.first() == Some(&b'+')) {
                at += 1;
            } else if rest.len() >= 3 && rest[0] == b'%' && hex_byte(rest[1], rest[2]) == Some(want)
            {
                at += 3;
            } else {
                return None;
            }
        }
        // Only whole characters: `at` ends on a UTF-8 boundary since the key is UTF-8.
        Some(at)
    }
}

fn hex_byte(high: u8, low: u8) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    Some((digit(high)? * 16 + digit(low)?) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_of_the_key_is_redacted() {
        let key = "sk+a/b=c d";
        let redactor = Redactor::new(Some(key)).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(key);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key);
        for form in [
            key,
            "sk%2Ba%2Fb%3Dc%20d",
            "sk%2ba%2fb%3dc+d",
            "sk%2Ba/b%3Dc d",
            "sk+a\\/b=c d",
            &b64,
            &url,
        ] {
            let text = format!("error for url (http://h/?k={form}&x=1): 401");
            assert_eq!(
                redactor.redact(&text),
                "error for url (http://h/?k=[redacted]&x=1): 401",
                "{form}"
            );
        }
        assert_eq!(redactor.redact("sk+a/b=c"), "sk+a/b=c");
        assert!(Redactor::new(Some("abc")).is_none());
    }
}
