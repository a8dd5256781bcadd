//! What an imported page arrived as: its format (plain text, a Word
//! `.docx`, a saved HTML page) and its text encoding, both decided from the
//! bytes, never from the file name.
//!
//! Owns: sniffing the format, decoding text (UTF-8 with or without BOM,
//! UTF-16 with BOM, GB18030/GBK) and turning a document into the plain
//! text the layout inference reads (one paragraph per block, `## ` before
//! headings the document itself marks). Leaves alone: file IO (the caller
//! reads the bytes) and the page's layout.

use super::import::ImportError;

mod docx;
mod html;

/// The format the bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Docx,
    Html,
}

/// A page ready for layout inference, with what was learnt on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub text: String,
    pub format: Format,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE (BOM)`, `GB18030`…
    pub encoding: &'static str,
    /// Chrome dropped while finding an HTML article, for the report.
    pub notes: Vec<String>,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Text => "plain text",
            Format::Docx => "Word document (.docx)",
            Format::Html => "HTML page",
        })
    }
}

/// Decide the format and encoding from the bytes and extract the text.
pub fn read_source(bytes: &[u8]) -> Result<Source, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        let text = docx::docx_text(bytes)?;
        return Ok(Source {
            text,
            format: Format::Docx,
            encoding: "UTF-8 (XML)",
            notes: Vec::new(),
        });
    }
    let (decoded, encoding) = decode(bytes)?;
    if html::looks_like_html(&decoded) {
        let (text, notes) = html::html_text(&decoded)?;
        return Ok(Source {
            text,
            format: Format::Html,
            encoding,
            notes,
        });
    }
    Ok(Source {
        text: decoded,
        format: Format::Text,
        encoding,
        notes: Vec::new(),
    })
}

/// Share of two-byte GB18030 characters that must lie in GB2312's
/// frequent-hanzi rows (lead bytes B0–D7) for undeclared bytes that are not
/// UTF-8 to be read as GB18030: Chinese prose scores far above it, UTF-8
/// damaged in transit or other binary data far below.
const GB_COMMON_SHARE: f64 = 0.5;

/// Text from bytes: a BOM decides (UTF-8, UTF-16LE/BE); then valid UTF-8;
/// then GB18030 when it decodes cleanly and reads as Chinese prose.
/// Otherwise the UTF-8 error, with its byte offset.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), ImportError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let name = match encoding.name() {
            "UTF-8" => "UTF-8 (BOM)",
            "UTF-16LE" => "UTF-16LE (BOM)",
            _ => "UTF-16BE (BOM)",
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors && encoding == encoding_rs::UTF_8 {
            let offset = std::str::from_utf8(&bytes[bom..])
                .err()
                .map_or(0, |e| e.valid_up_to());
            return Err(ImportError::InvalidUtf8 {
                offset: offset + bom,
            });
        }
        if had_errors {
            return Err(ImportError::BadEncoding { encoding: name });
        }
        return Ok((text.into_owned(), name));
    }
    let utf8 = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok((text.to_owned(), "UTF-8")),
        Err(e) => e,
    };
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if !had_errors && common_hanzi_share(bytes) >= GB_COMMON_SHARE {
        return Ok((text.into_owned(), "GB18030"));
    }
    Err(ImportError::InvalidUtf8 {
        offset: utf8.valid_up_to(),
    })
}

/// Among GB18030 two-byte characters, the share whose lead byte is in the
/// GB2312 level-1 hanzi rows.
fn common_hanzi_share(bytes: &[u8]) -> f64 {
    let (mut pairs, mut common, mut i) = (0usize, 0usize, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if bytes.get(i + 1).is_some_and(|t| (0x30..=0x39).contains(t)) {
            i += 4; // a four-byte sequence
            continue;
        }
        pairs += 1;
        common += usize::from((0xB0..=0xD7).contains(&b));
        i += 2;
    }
    if pairs == 0 {
        0.0
    } else {
        common as f64 / pairs as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROSE: &str = "我们坚持把民族团结进步教育纳入国民教育、干部教育、社会教育全过程。";

    #[test]
    fn encodings_are_detected() {
        assert_eq!(decode(PROSE.as_bytes()).unwrap(), (PROSE.into(), "UTF-8"));
        let bom = [b"\xEF\xBB\xBF".as_slice(), PROSE.as_bytes()].concat();
        assert_eq!(decode(&bom).unwrap(), (PROSE.into(), "UTF-8 (BOM)"));
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(PROSE.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&le).unwrap(), (PROSE.into(), "UTF-16LE (BOM)"));
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(PROSE.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&be).unwrap(), (PROSE.into(), "UTF-16BE (BOM)"));
        let (gb, _, _) = encoding_rs::GB18030.encode(PROSE);
        assert_eq!(decode(&gb).unwrap(), (PROSE.into(), "GB18030"));
    }

    #[test]
    fn damaged_utf8_is_not_mistaken_for_gb18030() {
        let mut bytes = PROSE.as_bytes().to_vec();
        let offset = bytes.len();
        bytes.extend_from_slice(&[0xE4, 0xB8]);
        assert!(
            matches!(decode(&bytes), Err(ImportError::InvalidUtf8 { offset: o }) if o == offset)
        );
        let mut bytes = PROSE.as_bytes().to_vec();
        bytes.insert(9, 0xFF);
        assert!(matches!(
            decode(&bytes),
            Err(ImportError::InvalidUtf8 { offset: 9 })
        ));
    }
}
