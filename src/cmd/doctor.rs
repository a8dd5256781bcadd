//! `briefcast doctor`: asks every voice in use for one short sentence and
//! reports, one line each, what came back, then the local tools; exit 0
//! when everything used works, 1 otherwise.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::DoctorArgs;
use crate::pipeline;

pub(crate) fn execute(args: DoctorArgs) -> Result<ExitCode> {
    let report = pipeline::doctor(&args.config.config)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for probe in &report.voices {
            let mark = if probe.ok { "ok  " } else { "FAIL" };
            println!("{mark} {}", probe.summary);
        }
        if let Some(transcriber) = &report.transcriber {
            let mark = if transcriber.ok { "ok  " } else { "FAIL" };
            println!("{mark} {}", transcriber.summary);
        }
        let tools = &report.tools;
        match &tools.espeak_ng {
            Some(version) => println!(
                "tool {version}: {} voices, Chinese: {}",
                tools.espeak_voices,
                if tools.espeak_chinese_voices.is_empty() {
                    "none".to_owned()
                } else {
                    tools.espeak_chinese_voices.join(", ")
                }
            ),
            None => println!("tool espeak-ng: not installed (sudo apt-get install espeak-ng)"),
        }
        match &tools.onnx_runtime {
            Some(path) => println!("tool ONNX Runtime: {path}"),
            None => println!("tool ONNX Runtime: not found (only neural voices need it)"),
        }
        if tools.installed_packs.is_empty() {
            println!("tool voice packs: none installed (`briefcast voices install`)");
        } else {
            println!("tool voice packs: {}", tools.installed_packs.join(", "));
        }
        for note in &report.notes {
            println!("note {note}");
        }
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
