//! `briefcast import`: a pasted page becomes clean scripts, with a report.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ImportArgs;
use crate::pipeline;

pub(crate) fn execute(args: ImportArgs) -> Result<ExitCode> {
    let options = pipeline::ImportOptions {
        page: args.page,
        into_config: args.into_config.then_some(args.config),
        out: args.out,
        dry_run: args.dry_run,
        force: args.force,
    };
    print!("{}", pipeline::import(&options)?);
    Ok(ExitCode::SUCCESS)
}
