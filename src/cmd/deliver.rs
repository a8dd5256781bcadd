//! `briefcast deliver`: put new or changed episodes into the playout
//! targets, one summary line per target (or JSON), exit 1 when a delivery
//! failed.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DeliverArgs;
use crate::pipeline::{self, DeliverOptions};

pub(crate) fn execute(args: DeliverArgs) -> Result<ExitCode> {
    let options = DeliverOptions {
        config: args.config.config,
        target: args.target,
        no_wait: args.no_wait,
    };
    let reports = pipeline::deliver(&options)?;
    if reports.is_empty() {
        eprintln!("briefcast: no [deliver.NAME] target in the configuration; nothing delivered");
    }
    if args.json {
        let json: Vec<serde_json::Value> = reports.iter().map(|r| r.to_json()).collect();
        println!("{}", serde_json::Value::Array(json));
    } else {
        for report in &reports {
            println!("{}", report.line());
            for (slug, name) in &report.delivered {
                println!("  {slug} → {name}");
            }
        }
    }
    let failures: Vec<&String> = reports.iter().flat_map(|r| &r.failures).collect();
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("briefcast: {} delivery failure(s):", failures.len());
    for failure in failures {
        eprintln!("  {failure}");
    }
    Ok(ExitCode::from(1))
}
