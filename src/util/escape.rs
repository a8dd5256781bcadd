//! Escaping for XML and HTML: one function for feed, page and SSML alike.

/// Escapes text for element content and quoted attribute values (XML 1.0
/// and HTML alike), dropping the control characters XML 1.0 forbids.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_and_forbidden_controls_dropped() {
        assert_eq!(
            escape_xml("&<>\"'\u{1}é\t第一章\u{FFFF}"),
            "&amp;&lt;&gt;&quot;&apos;é\t第一章"
        );
    }
}
