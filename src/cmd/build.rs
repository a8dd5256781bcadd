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
        no_deliver: args.no_deliver,
    };
    let report = pipeline::build(&options, reporter)?;
    if args.json {
        println!("{}", json(&report));
    }
    for warning in report.warnings.iter().chain(&report.rested) {
        eprintln!("briefcast: warning: {warning}");
    }
    if let Some(notice) = pipeline::Substitute::notice(&report.substitutes) {
        eprintln!("{notice}");
    }
    let delivery_failures: Vec<&String> = report
        .deliveries
        .iter()
        .flat_map(|target| &target.failures)
        .collect();
    if !args.quiet {
        for target in &report.deliveries {
            eprintln!("delivered: {}", target.line());
        }
    }
    if report.failures.is_empty() && delivery_failures.is_empty() {
        if let (Some(shard), false) = (args.shard, args.quiet) {
            eprintln!(
                "share {shard} is in the shared cache; {}, no episode written",
                clips(&report)
            );
        } else if !args.quiet {
            eprintln!(
                "{} episode(s) written, {} unchanged, {} removed; {}",
                report.written.len(),
                report.unchanged.len(),
                report.removed.len(),
                clips(&report)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "briefcast: {} failure(s):",
        report.failures.len() + delivery_failures.len()
    );
    for failure in report.failures.iter().chain(delivery_failures) {
        eprintln!("  {failure}");
    }
    Ok(ExitCode::from(1))
}

/// `3 clip(s) requested`, and the copies from a shared cache apart.
fn clips(report: &pipeline::BuildReport) -> String {
    match report.copied {
        0 => format!("{} clip(s) requested", report.requested),
        copied => format!(
            "{} clip(s) requested, {copied} copied from the shared cache",
            report.requested
        ),
    }
}

fn json(report: &pipeline::BuildReport) -> String {
    let value = serde_json::json!({
        "written": report.written,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "requested": report.requested,
        "copied": report.copied,
        "failures": report.failures,
        "warnings": report.warnings,
        "rested": report.rested,
        "deliveries": report.deliveries.iter().map(|r| r.to_json()).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).expect("plain values")
}
