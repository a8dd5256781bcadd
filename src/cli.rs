//! The command line: clap definitions and one `execute` per subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::pipeline::{self, BuildOptions, Project};
use crate::progress::{Reporter, Silent, TerminalReporter};
use crate::tts;

#[derive(Debug, Parser)]
#[command(
    name = "briefcast",
    version,
    about = "Turn speech texts into broadcast-ready, chaptered audio"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Synthesise and assemble one chaptered WAV episode per speaker.
    Build(BuildArgs),
    /// Show episodes, chapters, segments and characters per service; sends nothing.
    Plan(ConfigArg),
    /// Run the embedded espeak-ng service (OpenAI-compatible /v1/audio/speech).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The configuration file; scripts and outputs are found relative to it.
    #[arg(long, short, default_value = "voices.toml")]
    pub config: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Build only this speaker (name as in the scripts, or its slug).
    #[arg(long, value_name = "SPEAKER")]
    pub only: Option<String>,
    /// At most N synthesis requests in flight at once, across all services.
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// No progress output; errors are still printed.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:5500")]
    pub addr: SocketAddr,
}

impl Cli {
    /// Run the command; the exit code is 0 on success, 1 when segments failed.
    pub fn execute(self) -> Result<ExitCode> {
        match self.command {
            Command::Build(args) => build(args),
            Command::Plan(args) => plan(args),
            Command::Serve(args) => serve(args),
        }
    }
}

fn build(args: BuildArgs) -> Result<ExitCode> {
    let reporter: Arc<dyn Reporter> = if args.quiet {
        Arc::new(Silent)
    } else {
        Arc::new(TerminalReporter::new())
    };
    let options = BuildOptions {
        config: args.config.config,
        only: args.only,
        jobs: args.jobs.map(|n| n as usize),
    };
    let report = pipeline::build(&options, reporter)?;
    if report.failures.is_empty() {
        if !args.quiet {
            eprintln!(
                "{} episode(s) written, {} clip(s) requested",
                report.written.len(),
                report.requested
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("briefcast: {} failure(s):", report.failures.len());
    for failure in &report.failures {
        eprintln!("  {failure}");
    }
    Ok(ExitCode::from(1))
}

fn plan(args: ConfigArg) -> Result<ExitCode> {
    let project = Project::load(&args.config, None)?;
    print!("{}", pipeline::print_plan(&project));
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let version = tts::embedded::espeak_version().await?;
        let server = tts::embedded::start(args.addr).await?;
        eprintln!(
            "briefcast serve: {version} on http://{}/v1/audio/speech (Ctrl-C to stop)",
            server.addr
        );
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        Ok(ExitCode::SUCCESS)
    })
}
