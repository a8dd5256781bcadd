//! `briefcast import`: a raw pasted page → clean scripts plus a report.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::config::speakers_edit::add_speakers;
use crate::publish;
use crate::script::import::{import_page, render_report, render_script};
use crate::text;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The page; `-` reads standard input.
    pub page: PathBuf,
    /// Add the new speakers to this voices.toml's `[speakers]`.
    pub into_config: Option<PathBuf>,
    pub out: PathBuf,
    pub dry_run: bool,
    pub force: bool,
}

/// Import the page and write one script per speech (unless `dry_run`);
/// returns the report. Nothing is written if any file would be overwritten
/// without `force`, or if the page is not valid UTF-8.
pub fn import(options: &ImportOptions) -> Result<String> {
    let stdin = options.page.as_os_str() == "-";
    let bytes = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_PAGE + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        bytes
    } else {
        let file = fs_err::File::open(&options.page)?;
        let mut bytes = Vec::new();
        file.take(MAX_PAGE + 1).read_to_end(&mut bytes)?;
        bytes
    };
    let name = if stdin {
        "standard input".to_string()
    } else {
        options.page.display().to_string()
    };
    if bytes.len() as u64 > MAX_PAGE {
        bail!("{name}: larger than {} MiB: not a page", MAX_PAGE >> 20);
    }
    let report = import_page(&bytes).with_context(|| name.clone())?;
    let files: Vec<String> = report
        .speeches
        .iter()
        .enumerate()
        .map(|(i, speech)| format!("{:02}-{}.md", i + 1, slug(&speech.speaker)))
        .collect();
    let mut text = render_report(&report, &files);
    if let Some(title) = &report.show_title {
        text.push_str(&format!(
            "suggested [show] title for voices.toml: \"{title}\"\n"
        ));
    }
    let config_edit = match &options.into_config {
        Some(path) => {
            let old = fs_err::read_to_string(path)?;
            let new: Vec<(String, String)> = report
                .speeches
                .iter()
                .map(|s| (s.speaker.clone(), slug(&s.speaker)))
                .collect();
            let edit = add_speakers(&old, &new).with_context(|| path.display().to_string())?;
            if edit.added.is_empty() {
                text.push_str(&format!(
                    "{}: every speaker is already in [speakers]\n",
                    path.display()
                ));
                None
            } else {
                text.push_str(&format!("{}: [speakers] gains\n", path.display()));
                for (name, voice, slug) in &edit.added {
                    text.push_str(&format!(
                        "+ \"{name}\" = {{ voice = \"{voice}\", slug = \"{slug}\" }}\n"
                    ));
                }
                Some((path.clone(), edit.text))
            }
        }
        None => None,
    };
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
    if let Some((path, contents)) = config_edit {
        write(&path, &contents)?;
        text.push_str(&format!("updated {}\n", path.display()));
    }
    Ok(text)
}

/// Largest page read, in bytes.
const MAX_PAGE: u64 = 32 << 20;

/// A speaker's ASCII file-name slug (`speech` when nothing is left).
fn slug(speaker: &str) -> String {
    let slug = text::slugify(speaker);
    if slug.is_empty() {
        "speech".to_owned()
    } else {
        slug
    }
}

fn write(path: &Path, contents: &str) -> Result<()> {
    publish::write_atomic(path, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
