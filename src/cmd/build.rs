//! `briefcast build`: synthesise what is missing, write every episode, and
//! list what failed.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;

use crate::cli::BuildArgs;
use crate::pipeline::{self, BuildOptions};
use crate::progress::{self, Reporter, Silent};

pub(crate) fn execute(args: BuildArgs) -> Result<ExitCode> {
    let reporter: Arc<dyn Reporter> = if args.quiet {
        Arc::new(Silent)
    } else {
        progress::for_stderr()
    };
    let options = BuildOptions {
        config: args.config.config,
        only: args.only,
        jobs: args.jobs.map(|n| n as usize),
        strict_loudness: args.strict_loudness,
        no_wait: args.no_wait,
        shard: args.shard,
    };
    let report = pipeline::build(&options, reporter)?;
    for warning in report.warnings.iter().chain(&report.rested) {
        eprintln!("briefcast: warning: {warning}");
    }
    if let Some(notice) = pipeline::Substitute::notice(&report.substitutes) {
        eprintln!("{notice}");
    }
    if report.failures.is_empty() {
        if let (Some(shard), false) = (args.shard, args.quiet) {
            eprintln!(
                "share {shard} is in the shared cache; {} clip(s) requested, no episode written",
                report.requested
            );
        } else if !args.quiet {
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
