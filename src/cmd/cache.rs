//! `briefcast cache gc`: remove clips no script references any more.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::GcArgs;
use crate::pipeline::{self, Project};

pub(crate) fn gc(args: GcArgs) -> Result<ExitCode> {
    let project = Project::load(&args.config.config, None)?;
    let _lock = pipeline::lock_cache(&project, !args.no_wait)?;
    let catalog = project.catalog();
    let report = pipeline::collect_garbage(&project, &catalog, args.dry_run)?;
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    for path in &report.removed {
        println!("{verb} {path}");
    }
    let verb = if args.dry_run { "would free" } else { "freed" };
    println!(
        "{} unreferenced clip(s), {verb} {:.1} MB; {} clip(s) kept",
        report.unreferenced,
        report.bytes as f64 / 1e6,
        report.kept
    );
    Ok(ExitCode::SUCCESS)
}
