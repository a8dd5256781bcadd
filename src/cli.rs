//! The command line: clap definitions and one `execute` per subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::config::Config;
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
    /// Show episodes, chapters, segments, what is cached and the characters
    /// each service would be sent; sends nothing.
    Plan(PlanArgs),
    /// Turn a pasted newspaper or PDF page into clean scripts, reporting
    /// every repair (page-break joins, dropped credits) and every doubt.
    Import(ImportArgs),
    /// Manage the clip cache.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Run the embedded espeak-ng service (OpenAI-compatible /v1/audio/speech).
    Serve(ServeArgs),
    /// Print what a voice would be sent for each line (normalisation and
    /// lexicon applied); synthesises nothing. Reads stdin without TEXT.
    Say(SayArgs),
}

#[derive(Debug, Args)]
pub struct SayArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// A voice from voices.toml (its normalisation and lexicon); without
    /// it, the show's default normalisation and the global lexicon.
    #[arg(long)]
    pub voice: Option<String>,
    /// Text to preview; each argument is one line.
    pub text: Vec<String>,
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
    /// Fail an episode whose loudness misses the target by more than 1 LU.
    #[arg(long)]
    pub strict_loudness: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON (episodes → chapters → segments) for scripts and cron jobs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The page: UTF-8 text (BOM, CRLF and full-width spaces are fine).
    pub page: PathBuf,
    /// Folder for the scripts.
    #[arg(long, default_value = "scripts")]
    pub out: PathBuf,
    /// Print the report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite scripts of the same name.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Remove clips that no script references any more.
    Gc(GcArgs),
}

#[derive(Debug, Args)]
pub struct GcArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// List what would be removed, remove nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (loopback by default; any other address is
    /// reachable from other machines and gets a warning).
    #[arg(long, default_value = "127.0.0.1:5500")]
    pub addr: SocketAddr,
    /// Require `Authorization: Bearer <token>`, the token read from this
    /// environment variable (its name, not the token).
    #[arg(long, value_name = "NAME")]
    pub token_env: Option<String>,
    /// Longest input accepted, in characters (longer: HTTP 422).
    #[arg(long, value_name = "CHARS", default_value_t = tts::embedded::TEXT_LIMIT as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub text_limit: u32,
    /// espeak-ng processes at once; later requests queue [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub processes: Option<u32>,
    /// An espeak-ng process running longer than this is killed (HTTP 504).
    #[arg(long, value_name = "MS", default_value_t = 60_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
}

impl Cli {
    /// Run the command; the exit code is 0 on success, 1 when segments failed.
    pub fn execute(self) -> Result<ExitCode> {
        match self.command {
            Command::Build(args) => build(args),
            Command::Plan(args) => plan(args),
            Command::Cache(CacheCommand::Gc(args)) => cache_gc(args),
            Command::Import(args) => {
                let options = pipeline::ImportOptions {
                    page: args.page,
                    out: args.out,
                    dry_run: args.dry_run,
                    force: args.force,
                };
                print!("{}", pipeline::import(&options)?);
                Ok(ExitCode::SUCCESS)
            }
            Command::Serve(args) => serve(args),
            Command::Say(args) => say(args),
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
        strict_loudness: args.strict_loudness,
    };
    let report = pipeline::build(&options, reporter)?;
    if report.failures.is_empty() {
        if !args.quiet {
            eprintln!(
                "{} episode(s) written, {} unchanged, {} removed; {} clip(s) requested",
                report.written.len(),
                report.unchanged.len(),
                report.removed.len(),
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

fn plan(args: PlanArgs) -> Result<ExitCode> {
    let project = Project::load(&args.config.config, None)?;
    let catalog = block_on(project.catalog())?;
    let plan = pipeline::plan_json(&project, &catalog)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        print!("{}", pipeline::plan_text(&plan));
    }
    Ok(ExitCode::SUCCESS)
}

fn cache_gc(args: GcArgs) -> Result<ExitCode> {
    let project = Project::load(&args.config.config, None)?;
    let catalog = block_on(project.catalog())?;
    let report = pipeline::collect_garbage(&project, &catalog, args.dry_run)?;
    for path in &report.removed {
        println!(
            "{}{}",
            if args.dry_run {
                "would remove "
            } else {
                "removed "
            },
            path.display()
        );
    }
    let verb = if args.dry_run { "would free" } else { "freed" };
    println!(
        "{} unreferenced clip(s), {verb} {:.1} MB; {} clip(s) kept",
        report.removed.len(),
        report.bytes as f64 / 1e6,
        report.kept
    );
    Ok(ExitCode::SUCCESS)
}

fn block_on<T>(future: impl std::future::Future<Output = T>) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(future))
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let mut options = tts::embedded::ServeOptions {
        text_limit: args.text_limit as usize,
        process_timeout: std::time::Duration::from_millis(args.timeout_ms),
        ..Default::default()
    };
    if let Some(n) = args.processes {
        options.processes = n as usize;
    }
    if let Some(name) = &args.token_env {
        match std::env::var(name) {
            Ok(token) if !token.trim().is_empty() => options.token = Some(token),
            _ => bail!("--token-env {name}: the environment variable {name} is not set or empty"),
        }
    }
    if !args.addr.ip().is_loopback() {
        let guard = if options.token.is_some() {
            "requests need the token"
        } else {
            "anyone who can reach it may use it; set --token-env to require a token"
        };
        eprintln!(
            "briefcast serve: warning: {} is not a loopback address, so other machines can reach the service; {guard}",
            args.addr.ip()
        );
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let version = tts::embedded::espeak_version().await?;
        let server = tts::embedded::start_with(args.addr, options).await?;
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

fn say(args: SayArgs) -> Result<ExitCode> {
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
