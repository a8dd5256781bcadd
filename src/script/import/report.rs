//! The import report: each finding as `line N: …`, then the structure
//! found, laid out as `briefcast plan` shows a build.

use std::fmt::Write as _;

use super::{Finding, ImportReport};

/// `line N: …`, as in the report.
impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Joined {
                line,
                before,
                after,
            } => {
                write!(
                    f,
                    "line {line}: joined across a page break: “…{before}” + “{after}…”"
                )
            }
            Finding::Dropped { line, text, rule } => {
                write!(f, "line {line}: dropped {rule}: “{text}”")
            }
            Finding::Attribution {
                line,
                text,
                speaker,
                role,
            } => {
                write!(
                    f,
                    "line {line}: speaker line: “{text}” → speaker “{speaker}”"
                )?;
                match role {
                    Some(role) => write!(f, ", title “{role}” (kept as subtitle)"),
                    None => Ok(()),
                }
            }
            Finding::Moved {
                line,
                title,
                to,
                why,
            } => write!(
                f,
                "line {line}: moved chapter “{title}” to the speech of “{to}”: {why}"
            ),
            Finding::Warning { line, message } => write!(f, "line {line}: warning: {message}"),
        }
    }
}

/// A human-readable report: each finding as "line N: …", then the
/// structure found, laid out like `briefcast plan` shows a build: speaker →
/// file, title, then numbered chapters (the intro first, titled by the
/// speech title). `files` names each speech's script, in order.
pub fn render_report(report: &ImportReport, files: &[String]) -> String {
    let mut out = format!("read as {}, {}\n", report.format, report.encoding);
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(out, "layout: {}\n", report.layout);
    out.extend(report.findings.iter().map(|f| format!("{f}\n")));
    if !report.findings.is_empty() {
        out.push('\n');
    }
    if let Some(t) = &report.show_title {
        let _ = writeln!(out, "show title: {t}\n");
    }
    for (i, s) in report.speeches.iter().enumerate() {
        let file = files.get(i).map_or("", String::as_str);
        let _ = writeln!(out, "{} → {file}  (line {})", s.speaker, s.line);
        match &s.subtitle {
            Some(sub) => {
                let _ = writeln!(out, "  {} — {sub}", s.title);
            }
            None => {
                let _ = writeln!(out, "  {}", s.title);
            }
        }
        let intro = (!s.intro.is_empty()).then_some((s.title.as_str(), s.line, s.intro.len()));
        let chapters = s
            .chapters
            .iter()
            .map(|c| (c.title.as_str(), c.line, c.paragraphs.len()));
        for (n, (title, line, paragraphs)) in intro.into_iter().chain(chapters).enumerate() {
            let _ = writeln!(
                out,
                "  {:>2}. {title}  [{paragraphs} paragraphs, line {line}]",
                n + 1
            );
        }
        out.push('\n');
    }
    out
}
