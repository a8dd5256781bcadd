//! briefcast's entry point: parse the command line, set up logging, run,
//! and turn the outcome into an exit code (0 ok, 1 segments failed, 2 bad
//! input or configuration, 3 briefcast's own or the machine's failure).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("BRIEFCAST_LOG"))
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    match briefcast::cli::Cli::parse().execute() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("briefcast: {}", briefcast::util::anyhow_chain(&error));
            ExitCode::from(if briefcast::util::is_internal(&error) {
                3
            } else {
                2
            })
        }
    }
}
