//! Rendering an imported speech as a script file: TOML front matter, then
//! Markdown, with the page text no one says kept as a comment.

use super::ImportedSpeech;

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

/// Render one speech as a script file (TOML front matter + Markdown), with
/// `order` = its 1-based position in the show.
pub fn render_script(speech: &ImportedSpeech, order: usize) -> String {
    let mut out = format!("+++\nspeaker = {}\n", toml_str(&speech.speaker));
    out += &format!("title = {}\n", toml_str(&speech.title));
    if let Some(sub) = &speech.subtitle {
        out += &format!("subtitle = {}\n", toml_str(sub));
    }
    out += &format!("order = {order}\n+++\n");
    unread_comment(&mut out, "页面上第一篇发言之前的文字", &speech.unread);
    for p in &speech.intro {
        out += &format!("\n{p}\n");
    }
    for c in &speech.chapters {
        out += &format!("\n## {}\n", c.title);
        for p in &c.paragraphs {
            out += &format!("\n{p}\n");
        }
    }
    unread_comment(&mut out, "页面上最后一篇发言之后的文字", &speech.closing);
    out
}

/// Page text no one says, as a Markdown comment block: scripts skip it, so
/// it is never read, and the editor still sees it.
fn unread_comment(out: &mut String, what: &str, paragraphs: &[String]) {
    if paragraphs.is_empty() {
        return;
    }
    *out += &format!("\n<!-- 不朗读（{what}，供编辑参考）：\n");
    for p in paragraphs {
        *out += &format!("\n{}\n", p.replace("--", "—"));
    }
    *out += "\n-->\n";
}
