//! `briefcast say`: what a voice would be sent for each line; synthesises
//! nothing.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::cli::SayArgs;
use crate::config::Config;
use crate::pipeline;

pub fn execute(args: SayArgs) -> Result<ExitCode> {
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
    let speak = pipeline::speaker_for(&config, args.voice.as_deref());
    let lines: Vec<String> = if args.text.is_empty() {
        std::io::stdin()
            .lines()
            .collect::<Result<_, _>>()
            .context("reading standard input")?
    } else {
        args.text
    };
    for line in lines {
        println!("{}", speak(&line));
    }
    Ok(ExitCode::SUCCESS)
}
