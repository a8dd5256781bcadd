//! `briefcast say`: what a voice would be sent for each line; synthesises
//! nothing.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::SayArgs;
use crate::config::Config;
use crate::pipeline;

pub(crate) fn execute(args: SayArgs) -> Result<ExitCode> {
    if args.voice.is_none() && no_project(&args.config.config) {
        for line in lines(args.text)? {
            println!("{}", pipeline::spoken_without_project(&line));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let config = Config::load(&args.config.config)?;
    if let Some(voice) = &args.voice {
        if !config.voices.contains_key(voice) {
            let known: Vec<&str> = config.voices.keys().map(String::as_str).collect();
            bail!(
                "--voice {voice}: no such voice in voices.toml (voices: {})",
                known.join(", ")
            );
        }
    }
    let speak = pipeline::spoken_form_for(&config, args.voice.as_deref());
    let read = pipeline::readings_for(&config, args.voice.as_deref());
    for line in lines(args.text)? {
        println!("{}", speak(&line));
        if args.pinyin {
            println!("  pinyin: {}", read(&line));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// No voices.toml here and none named: the defaults for each line's language.
fn no_project(config: &std::path::Path) -> bool {
    config == std::path::Path::new("voices.toml") && !config.exists()
}

/// The arguments, one line each, else standard input.
fn lines(text: Vec<String>) -> Result<Vec<String>> {
    if !text.is_empty() {
        return Ok(text);
    }
    std::io::stdin()
        .lines()
        .collect::<Result<_, _>>()
        .context("reading standard input")
}
