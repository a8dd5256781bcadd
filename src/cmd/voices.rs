//! `briefcast voices list | install | remove`: the neural voices and the
//! ONNX Runtime library in the user's data directory. Installing a pack
//! installs the packs it needs first.

use std::process::ExitCode;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{VoicesArgs, VoicesCommand};
use crate::tts::voices::{self, Catalogue, Pack};

pub(crate) fn execute(args: VoicesArgs) -> Result<ExitCode> {
    let catalogue = Catalogue::load(args.catalogue.as_deref())?;
    let data = voices::data_dir();
    match args.command {
        VoicesCommand::List => {
            for pack in &catalogue.packs {
                let state = if voices::is_installed(&data, pack) {
                    "installed"
                } else {
                    "not installed"
                };
                println!(
                    "{}  [{}, {:.0} MB, {}]  licence: {}",
                    pack.name,
                    pack.engine,
                    pack.size() as f64 / 1e6,
                    state,
                    pack.licence
                );
                println!("    {}", pack.description);
                if !pack.requires.is_empty() {
                    println!("    needs: {}", pack.requires.join(", "));
                }
                for voice in &pack.voices {
                    let about = voice.about.as_deref().unwrap_or("");
                    println!(
                        "    {:<24} {about}",
                        format!("{}:{}", pack.engine, voice.name)
                    );
                }
            }
            println!("data directory: {}", data.display());
            Ok(ExitCode::SUCCESS)
        }
        VoicesCommand::Install { names, from } => {
            let packs = chosen(&catalogue, &names)?;
            let runtime = crate::util::runtime()?;
            let mut downloader = voices::Downloader::new(from.as_deref())?;
            for pack in packs {
                if voices::is_installed(&data, pack) {
                    eprintln!("{}: already installed", pack.name);
                    continue;
                }
                let bar = ProgressBar::new(pack.size());
                bar.set_style(
                    ProgressStyle::with_template("{msg:24} {bar:30} {bytes}/{total_bytes} {eta}")
                        .expect("a valid template"),
                );
                bar.set_message(pack.name.clone());
                let dir =
                    runtime.block_on(voices::install(pack, &data, &mut downloader, &|n| {
                        bar.inc(n)
                    }))?;
                bar.finish_and_clear();
                eprintln!(
                    "{}: installed in {} ({:.0} MB, licence {})",
                    pack.name,
                    dir.display(),
                    pack.size() as f64 / 1e6,
                    pack.licence
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        VoicesCommand::Remove { names } => {
            // Only the packs named: a model other packs need stays.
            let packs: Vec<&Pack> = if names.is_empty() {
                catalogue.packs.iter().collect()
            } else {
                chosen(&catalogue, &names)?
                    .into_iter()
                    .filter(|p| names.contains(&p.name))
                    .collect()
            };
            for pack in packs {
                if voices::remove(pack, &data)? {
                    eprintln!("{}: removed", pack.name);
                } else {
                    eprintln!("{}: not installed", pack.name);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The packs named with the packs they need first, or all of them.
fn chosen<'a>(catalogue: &'a Catalogue, names: &[String]) -> Result<Vec<&'a Pack>> {
    if names.is_empty() {
        return Ok(catalogue.packs.iter().collect());
    }
    if let Some(unknown) = names.iter().find(|n| catalogue.pack(n).is_none()) {
        return Err(voices::VoicesError::UnknownPack(unknown.clone()).into());
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Ok(catalogue.with_requirements(&names))
}
