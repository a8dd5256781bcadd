//! Word `.docx` → one line per paragraph: `## ` before paragraphs the
//! document marks as headings (a heading or title style, or every run
//! bold), text runs joined, tables read cell by cell.

use std::io::Read;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::script::import::ImportError;

/// Largest part read (`word/document.xml`, `word/styles.xml`), inflated;
/// the zip's own size field is not trusted. A larger part is refused, never
/// cut: its end would vanish without a word.
const MAX_XML: u64 = 64 << 20;

/// A part of the document as text; `None` if the archive has no such part.
fn part(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &'static str,
) -> Result<Option<String>, ImportError> {
    let Ok(file) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    file.take(MAX_XML + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(&format!("{name}: {e}")))?;
    if bytes.len() as u64 > MAX_XML {
        return Err(ImportError::PartTooLarge {
            part: name,
            limit_mib: MAX_XML >> 20,
        });
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| bad(&format!("{name}: not UTF-8 ({e})")))
}

fn bad(why: &str) -> ImportError {
    ImportError::BadDocument {
        why: why.to_string(),
    }
}

fn val(e: &BytesStart) -> Option<String> {
    let attr = e.try_get_attribute("w:val").ok().flatten()?;
    Some(attr.value.into_owned())
}

/// Style ids whose names mark headings (`heading 1`…, `Title`, `Subtitle`).
fn heading_styles(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let (mut out, mut id) = (Vec::new(), None::<String>);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == "w:style" => {
                id = e
                    .try_get_attribute("w:styleId")
                    .ok()
                    .flatten()
                    .map(|a| a.value.into_owned());
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == "w:name" => {
                let name = val(&e).unwrap_or_default().to_lowercase();
                let heading = name.starts_with("heading") || name == "title" || name == "subtitle";
                if let (true, Some(id)) = (heading, id.take()) {
                    out.push(id);
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// One paragraph while it is being read.
#[derive(Default)]
struct Paragraph {
    text: String,
    heading: bool,
    /// Runs with visible text, and how many of them were bold.
    runs: usize,
    bold_runs: usize,
    run_bold: bool,
    run_text: bool,
}

fn is_on(e: &BytesStart) -> bool {
    !matches!(val(e).as_deref(), Some("0" | "false" | "off" | "none"))
}

/// The document's paragraphs as text, one line each.
pub(super) fn docx_text(bytes: &[u8]) -> Result<String, ImportError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(&format!("not a readable zip archive ({e})")))?;
    let xml = part(&mut zip, "word/document.xml")?
        .ok_or_else(|| bad("no word/document.xml: not a Word document"))?;
    let styles = part(&mut zip, "word/styles.xml")?
        .map(|s| heading_styles(&s))
        .unwrap_or_default();
    let mut reader = Reader::from_str(&xml);
    let mut lines = Vec::new();
    let mut p: Option<Paragraph> = None;
    let (mut in_text, mut in_run_props) = (false, false);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| bad(&format!("word/document.xml: {e}")))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:p" => p = Some(Paragraph::default()),
                "w:pStyle" => {
                    if let (Some(p), Some(v)) = (p.as_mut(), val(&e)) {
                        let lower = v.to_lowercase();
                        p.heading |=
                            styles.contains(&v) || lower.starts_with("heading") || lower == "title";
                    }
                }
                "w:outlineLvl" => {
                    if let Some(p) = p.as_mut() {
                        p.heading |= val(&e).is_some_and(|v| v.parse::<u8>().is_ok_and(|l| l < 9));
                    }
                }
                "w:r" => {
                    if let Some(p) = p.as_mut() {
                        (p.run_bold, p.run_text) = (false, false);
                    }
                }
                "w:rPr" => in_run_props = true,
                "w:b" if in_run_props => {
                    if let Some(p) = p.as_mut() {
                        p.run_bold = is_on(&e);
                    }
                }
                "w:t" => in_text = true,
                "w:tab" => p.iter_mut().for_each(|p| p.text.push(' ')),
                "w:br" | "w:cr" => p.iter_mut().for_each(|p| p.text.push('\n')),
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(p) = p.as_mut() {
                    p.text.push_str(&t);
                    p.run_text |= !t.trim().is_empty();
                }
            }
            Event::GeneralRef(r) if in_text => {
                let c = r.resolve_char_ref().ok().flatten().map(String::from);
                let s = c
                    .or_else(|| quick_xml::escape::resolve_predefined_entity(&r).map(String::from));
                if let (Some(p), Some(s)) = (p.as_mut(), s) {
                    p.text.push_str(&s);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:rPr" => in_run_props = false,
                "w:r" => {
                    if let Some(p) = p.as_mut().filter(|p| p.run_text) {
                        p.runs += 1;
                        p.bold_runs += usize::from(p.run_bold);
                    }
                }
                "w:p" => {
                    if let Some(p) = p.take() {
                        push(&mut lines, p);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(lines.join("\n"))
}

fn push(lines: &mut Vec<String>, p: Paragraph) {
    let bold = p.runs > 0 && p.bold_runs == p.runs;
    for (i, piece) in p.text.split('\n').enumerate() {
        let piece = piece.trim();
        if piece.is_empty() {
            continue;
        }
        // Only the paragraph's first line carries its heading mark.
        if (p.heading || bold) && i == 0 {
            lines.push(format!("## {piece}"));
        } else {
            lines.push(piece.to_string());
        }
    }
}
