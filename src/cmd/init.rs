//! `briefcast init`: a new project that `briefcast build` turns into an
//! episode at once: a commented voices.toml on the embedded service,
//! `scripts/` with one example speech, and the output folder's README.
//! Nothing that exists is overwritten.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::{InitArgs, InitLanguage};

/// (path in the project, contents) for one language.
fn files(language: InitLanguage) -> [(&'static str, &'static str); 4] {
    let (voices, example) = match language {
        InitLanguage::Zh => (
            include_str!("init/voices.zh.toml"),
            include_str!("init/example.zh.md"),
        ),
        InitLanguage::En => (
            include_str!("init/voices.en.toml"),
            include_str!("init/example.en.md"),
        ),
    };
    [
        ("voices.toml", voices),
        ("scripts/01-example.md", example),
        ("audio/README.md", include_str!("init/README.audio.md")),
        (".gitignore", include_str!("init/gitignore")),
    ]
}

pub(crate) fn execute(args: InitArgs) -> Result<ExitCode> {
    let dir = &args.dir;
    let files = files(args.lang);
    if dir.join("voices.toml").exists() {
        bail!(
            "{}: a project is already there (voices.toml exists); nothing was changed",
            dir.join("voices.toml").display()
        );
    }
    let mut written = Vec::new();
    for (relative, contents) in files {
        let path = dir.join(relative);
        if path.exists() {
            eprintln!("briefcast init: {} exists, kept", path.display());
            continue;
        }
        write_new(&path, contents)?;
        written.push(relative);
    }
    eprintln!(
        "briefcast init: wrote {} in {}",
        written.join(", "),
        dir.display()
    );
    let config = dir.join("voices.toml");
    eprintln!(
        "next: briefcast doctor -c {0} (checks the voices), then briefcast build -c {0}",
        config.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a file that does not exist yet, making its folder.
fn write_new(path: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn each_language_gets_a_valid_configuration() {
        for language in [InitLanguage::Zh, InitLanguage::En] {
            let [(_, voices), (_, example), ..] = files(language);
            let config = Config::parse(voices, Path::new("voices.toml"), ".".into())
                .unwrap_or_else(|e| panic!("{language:?}: {e}"));
            let speaker = example
                .lines()
                .find_map(|l| l.strip_prefix("speaker = "))
                .unwrap()
                .trim_matches('"');
            assert!(config.speakers.contains_key(speaker), "{language:?}");
        }
    }
}
