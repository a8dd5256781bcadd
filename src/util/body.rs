//! What a service's answer is, judged by its bytes, and how to say so in
//! one printable line.
//!
//! [`sniff`] recognises a body from its first bytes (RIFF/WAVE, RF64, MP3,
//! Ogg, FLAC, HTML, JSON, XML, text, empty, binary), whatever its label.
//! [`describe`] turns a body that is not what was wanted into one line
//! (kind, label, size, first printable words) and [`printable`] strips
//! control characters and terminal escape sequences from any text a service
//! sent, so no raw byte of a service ever reaches a terminal.

/// What a body is, from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// `RIFF….WAVE`
    Wav,
    /// `RF64….WAVE` or `BW64….WAVE` (WAV past 4 GiB, same sample layout).
    Rf64,
    Mp3,
    Ogg,
    Flac,
    Html,
    Json,
    Xml,
    /// Other UTF-8 text.
    Text,
    Empty,
    /// Anything else: possibly raw PCM.
    Binary,
}

impl BodyKind {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            BodyKind::Wav => "a WAV file",
            BodyKind::Rf64 => "an RF64 WAV file",
            BodyKind::Mp3 => "MP3 audio",
            BodyKind::Ogg => "Ogg audio",
            BodyKind::Flac => "FLAC audio",
            BodyKind::Html => "an HTML page",
            BodyKind::Json => "JSON",
            BodyKind::Xml => "XML",
            BodyKind::Text => "text",
            BodyKind::Empty => "an empty body",
            BodyKind::Binary => "binary data",
        }
    }

    /// WAV in either container.
    pub fn is_wav(self) -> bool {
        matches!(self, BodyKind::Wav | BodyKind::Rf64)
    }

    /// Text of any kind (HTML, JSON, XML, plain).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            BodyKind::Html | BodyKind::Json | BodyKind::Xml | BodyKind::Text
        )
    }

    /// Audio briefcast cannot decode (compressed formats).
    pub fn is_compressed_audio(self) -> bool {
        matches!(self, BodyKind::Mp3 | BodyKind::Ogg | BodyKind::Flac)
    }
}

/// What `body` is, from its bytes alone.
pub fn sniff(body: &[u8]) -> BodyKind {
    let wave = body.get(8..12) == Some(b"WAVE");
    match body.get(..4) {
        Some(b"RIFF") if wave => return BodyKind::Wav,
        Some(b"RF64" | b"BW64") if wave => return BodyKind::Rf64,
        Some(b"OggS") => return BodyKind::Ogg,
        Some(b"fLaC") => return BodyKind::Flac,
        _ => {}
    }
    if body.starts_with(b"ID3")
        || matches!(body, [0xFF, second, ..] if second & 0xE0 == 0xE0 && second & 0x06 != 0)
    {
        return BodyKind::Mp3;
    }
    if body.is_empty() {
        return BodyKind::Empty;
    }
    if !looks_like_text(body) {
        return BodyKind::Binary;
    }
    // Escape sequences in front of a page do not make it plain text.
    let head = printable(&String::from_utf8_lossy(body.get(..512).unwrap_or(body)));
    let start = head.trim_start_matches('\u{feff}').trim_start();
    let lower = start
        .get(..start.len().min(64))
        .unwrap_or(start)
        .to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        BodyKind::Html
    } else if lower.starts_with("<?xml") || lower.starts_with('<') {
        if lower.contains("<head") || lower.contains("<body") || lower.contains("<title") {
            BodyKind::Html
        } else {
            BodyKind::Xml
        }
    } else if lower.starts_with('{') || lower.starts_with('[') {
        BodyKind::Json
    } else if start.is_empty() {
        BodyKind::Empty
    } else {
        BodyKind::Text
    }
}

/// UTF-8 with no control characters besides whitespace, escape and bell,
/// in the first 512 bytes (a cut multi-byte character at the end is fine).
fn looks_like_text(body: &[u8]) -> bool {
    let head = body.get(..512).unwrap_or(body);
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    valid
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{1b}' | '\u{7}'))
}

/// `text` with terminal escape sequences removed, every other control
/// character turned into a space and runs of whitespace collapsed: safe to
/// print on one line.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 control introducers (CSI, OSC) act like ESC sequences.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{9d}' => skip_string(&mut chars),
            c if c.is_control() || c.is_whitespace() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            // Bidirectional overrides can make a line read as something else.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out.trim_end().to_owned()
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']' | 'P' | '_' | '^' | 'X') => skip_string(chars),
        // Two-character sequences (ESC c, ESC 7, …); intermediates first.
        Some(' '..='/') => {
            while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
            chars.next();
        }
        _ => {}
    }
}

/// A CSI sequence: parameters and intermediates up to a final byte.
fn skip_until_final(chars: &mut std::iter::Peekable<std::str::Chars>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// An OSC/DCS string: up to BEL or ESC \.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                chars.next_if_eq(&'\\');
                break;
            }
            _ => {}
        }
    }
}

/// The first `max` characters of `printable(text)`, with `…` when cut.
pub fn clipped(text: &str, max: usize) -> String {
    let clean = printable(text);
    if clean.chars().count() <= max {
        return clean;
    }
    let mut short: String = clean.chars().take(max).collect();
    short.push('…');
    short
}

/// The first non-blank line of `text`, printable and at most `max`
/// characters; `(empty body)` when there is none.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(printable)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.is_empty() {
        return "(empty body)".into();
    }
    clipped(&line, max)
}

/// One printable line about a body: what it is, its label if it has one,
/// its size, and for text its first words (HTML tags dropped), e.g.
/// `an HTML page (text/html), 532 bytes: "404 Not Found The requested URL…"`.
pub fn describe(body: &[u8], content_type: &str) -> String {
    let kind = sniff(body);
    let label = printable(content_type);
    let label = if label.is_empty() {
        String::new()
    } else {
        format!(" ({})", clipped(&label, 60))
    };
    let size = match body.len() {
        1 => "1 byte".to_owned(),
        n => format!("{n} bytes"),
    };
    let words = if kind.is_text() {
        let head = String::from_utf8_lossy(body.get(..2048).unwrap_or(body));
        let text = if kind == BodyKind::Html || kind == BodyKind::Xml {
            strip_tags(&head)
        } else {
            head.into_owned()
        };
        let words = clipped(&text, 100);
        if words.is_empty() {
            String::new()
        } else {
            format!(": \"{words}\"")
        }
    } else {
        String::new()
    };
    format!("{}{label}, {size}{words}", kind.name())
}

/// Text between tags, without `<script>`/`<style>` content.
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let after = &rest[open..];
        let lower = after.get(..7).unwrap_or(after).to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        match after.to_ascii_lowercase().find(skip_to) {
            Some(end) => rest = &after[end + skip_to.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), BodyKind::Wav);
        assert_eq!(sniff(b"RF64\xff\xff\xff\xffWAVEds64"), BodyKind::Rf64);
        assert_eq!(sniff(b"RIFF\0\0\0\0AVI LIST"), BodyKind::Binary);
        assert_eq!(sniff(b"ID3\x04\0\0"), BodyKind::Mp3);
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x64]), BodyKind::Mp3);
        assert_eq!(sniff(b"OggS\0\x02"), BodyKind::Ogg);
        assert_eq!(sniff(b"fLaC\0\0\0\x22"), BodyKind::Flac);
        assert_eq!(sniff(b"\n<!DOCTYPE html><html>"), BodyKind::Html);
        assert_eq!(sniff(b"<html><body>x"), BodyKind::Html);
        assert_eq!(sniff(b"\x1b]0;t\x07\x1b[2J<html><body>x"), BodyKind::Html);
        assert_eq!(sniff(b"<?xml version='1.0'?><err/>"), BodyKind::Xml);
        assert_eq!(sniff(br#"{"error": "x"}"#), BodyKind::Json);
        assert_eq!(
            sniff("Internal Server Error 服务".as_bytes()),
            BodyKind::Text
        );
        assert_eq!(sniff(b""), BodyKind::Empty);
        assert_eq!(sniff(b"  \n"), BodyKind::Empty);
        // Raw s16le speech: control bytes and invalid UTF-8.
        assert_eq!(
            sniff(&[0x01, 0x00, 0xFE, 0xFF, 0x10, 0x02]),
            BodyKind::Binary
        );
    }

    #[test]
    fn escapes_and_controls_never_survive() {
        assert_eq!(
            printable("ok\u{1b}[31mred\u{1b}[0m \u{1b}]0;title\u{7}done"),
            "okred done"
        );
        assert_eq!(printable("a\r\n\tb\u{0}c\u{9b}2Jd"), "a b cd");
        assert_eq!(printable("x\u{1b}]8;;http://e\u{1b}\\link"), "xlink");
        assert_eq!(printable("\u{202e}evil"), "evil");
        assert_eq!(printable("\u{1b}c\u{1b}(Bplain"), "plain");
    }

    #[test]
    fn descriptions_are_one_printable_line() {
        let html = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title><style>p{}</style></head>\n<body><h1>Not Found</h1>\x1b[2J</body></html>";
        assert_eq!(
            describe(html, "text/html; charset=utf-8"),
            format!(
                "an HTML page (text/html; charset=utf-8), {} bytes: \"404 Not Found Not Found\"",
                html.len()
            )
        );
        assert_eq!(
            describe(br#"{"detail":"voice not found"}"#, "application/json"),
            "JSON (application/json), 28 bytes: \"{\"detail\":\"voice not found\"}\""
        );
        assert_eq!(describe(b"", ""), "an empty body, 0 bytes");
        let mp3 = describe(b"ID3\x04\0\0\x1b[31m\x07", "audio/mpeg");
        assert_eq!(mp3, "MP3 audio (audio/mpeg), 12 bytes");
        let wav_as_html = describe(b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0", "text/html");
        assert_eq!(wav_as_html, "a WAV file (text/html), 20 bytes");
        let long = "word ".repeat(100);
        let described = describe(long.as_bytes(), "text/plain");
        assert!(described.ends_with("…\""), "{described}");
        assert!(described.chars().all(|c| !c.is_control()));
    }

    #[test]
    fn first_lines() {
        assert_eq!(first_line("\n  <html>\n<body>", 80), "<html>");
        assert_eq!(first_line("", 80), "(empty body)");
        assert_eq!(first_line("\u{1b}[1mbold\u{1b}[0m", 80), "bold");
        assert_eq!(first_line("abcdef", 3), "abc…");
    }
}
