//! `briefcast import`: a raw pasted page → clean scripts plus a report.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::publish;
use crate::script::import::{import_page, render_report, render_script};
use crate::text;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub page: PathBuf,
    pub out: PathBuf,
    pub dry_run: bool,
    pub force: bool,
}

/// Import the page and write one script per speech (unless `dry_run`);
/// returns the report. Nothing is written if any file would be overwritten
/// without `force`, or if the page is not valid UTF-8.
pub fn import(options: &ImportOptions) -> Result<String> {
    let bytes = fs_err::read(&options.page)?;
    let report = import_page(&bytes).with_context(|| options.page.display().to_string())?;
    let files: Vec<String> = report
        .speeches
        .iter()
        .enumerate()
        .map(|(i, speech)| {
            let slug = text::slugify(&speech.speaker);
            let slug = if slug.is_empty() {
                "speech".to_owned()
            } else {
                slug
            };
            format!("{:02}-{slug}.md", i + 1)
        })
        .collect();
    let mut text = render_report(&report, &files);
    if let Some(title) = &report.show_title {
        text.push_str(&format!(
            "suggested [show] title for voices.toml: \"{title}\"\n"
        ));
    }
    if options.dry_run {
        text.push_str("dry run: nothing written\n");
        return Ok(text);
    }
    let paths: Vec<PathBuf> = files.iter().map(|f| options.out.join(f)).collect();
    if !options.force {
        if let Some(existing) = paths.iter().find(|p| p.exists()) {
            bail!(
                "{} already exists: nothing written (use --force to overwrite)",
                existing.display()
            );
        }
    }
    fs_err::create_dir_all(&options.out)?;
    for (path, (i, speech)) in paths.iter().zip(report.speeches.iter().enumerate()) {
        write(path, &render_script(speech, i + 1))?;
    }
    text.push_str(&format!(
        "wrote {} script(s) to {}\n",
        paths.len(),
        options.out.display()
    ));
    Ok(text)
}

fn write(path: &Path, contents: &str) -> Result<()> {
    publish::write_atomic(path, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
