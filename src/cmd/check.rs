//! `briefcast check`: transcribe every clip, list the sentences a listener
//! would not understand, print the error rate per episode.

use std::process::ExitCode;

use anyhow::Result;

use crate::check::CheckReport;
use crate::cli::CheckArgs;
use crate::pipeline::{self, CheckOptions, CheckRun};

pub(crate) fn execute(args: CheckArgs) -> Result<ExitCode> {
    let options = CheckOptions {
        config: args.config.config,
        only: args.only,
    };
    let run = pipeline::check(&options)?;
    Ok(report(&run))
}

/// Prints what a check found; exit code 1 when anything failed.
pub(crate) fn report(run: &CheckRun) -> ExitCode {
    if let Some(error) = &run.service_error {
        eprintln!("briefcast: check stopped: {error}; check.json and the episodes are unchanged");
        return ExitCode::from(1);
    }
    for missing in &run.missing {
        println!("{missing}: no clip yet (run briefcast build first)");
    }
    if let Some(report) = &run.report {
        print_failures(run, report);
        print_episodes(report);
        if let Some(path) = &run.written {
            println!(
                "{} clip(s) sent to {} ({}); wrote {}",
                run.requested,
                report.service,
                report.model,
                path.display()
            );
        }
    }
    if run.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_failures(run: &CheckRun, report: &CheckReport) {
    for (id, describe) in &run.checked {
        let Some(segment) = report.segments.get(id).filter(|s| !s.passed) else {
            continue;
        };
        let measure = if segment.language == "zh" {
            "CER"
        } else {
            "WER"
        };
        let heard: String = segment.transcript.chars().take(40).collect();
        let more = if segment.transcript.chars().count() > 40 {
            "…"
        } else {
            ""
        };
        println!(
            "{describe}  {measure} {:.2}{}  heard “{}{more}”",
            segment.score,
            syllables_note(segment.syllables),
            heard.replace(|c: char| c.is_control(), " ")
        );
    }
}

fn print_episodes(report: &CheckReport) {
    for (slug, episode) in &report.episodes {
        let measure = report
            .segments
            .values()
            .find(|s| &s.episode == slug)
            .map_or("CER", |s| if s.language == "zh" { "CER" } else { "WER" });
        println!(
            "{slug}: {measure} {:.2}{} over {} segment(s), {} above the threshold",
            episode.score,
            syllables_note(episode.syllables),
            episode.segments,
            episode.failed
        );
    }
}

/// `, syllables 0.12`: the Mandarin error rate with homophones forgiven.
fn syllables_note(rate: Option<f64>) -> String {
    rate.map(|r| format!(", syllables {r:.2}"))
        .unwrap_or_default()
}
