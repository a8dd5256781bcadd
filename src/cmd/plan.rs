//! `briefcast plan`: what a build would do, as text or JSON; sends nothing.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::PlanArgs;
use crate::pipeline::{self, Project};

pub(crate) fn execute(args: PlanArgs) -> Result<ExitCode> {
    let project = Project::load(&args.config.config, None)?;
    for warning in &project.warnings {
        eprintln!("briefcast: warning: {warning}");
    }
    let catalog = project.catalog();
    let plan = pipeline::plan_json(&project, &catalog, args.shard)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
    } else {
        print!("{}", pipeline::plan_text(&plan));
    }
    Ok(ExitCode::SUCCESS)
}
