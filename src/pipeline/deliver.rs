//! `briefcast deliver` (and the end of `build` when targets are
//! configured): each `[deliver.NAME]` target gets every published episode
//! it has not got with these very bytes.
//!
//! What was delivered is the manifest's `deliveries` (per target, per
//! episode: the content hash, the name and id at the target), saved after
//! each delivery, so a run cut short delivers nothing twice and loses no
//! record; an episode whose file changed is delivered again, one that did
//! not is left alone.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::{file_name, format_name, Config};
use crate::deliver::{self, Placed, Target};
use crate::publish::{DeliveryEntry, Manifest};
use crate::util::InternalContext;

#[derive(Debug, Clone, Default)]
pub struct DeliverOptions {
    pub config: PathBuf,
    /// Only this target.
    pub target: Option<String>,
    pub no_wait: bool,
}

/// What one target got.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TargetReport {
    pub target: String,
    pub kind: String,
    /// `slug → name at the target`.
    pub delivered: Vec<(String, String)>,
    pub unchanged: Vec<String>,
    pub failures: Vec<String>,
}

impl TargetReport {
    /// What `--json` prints of a target.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "target": self.target,
            "kind": self.kind,
            "delivered": self.delivered.iter()
                .map(|(slug, name)| serde_json::json!({"slug": slug, "name": name}))
                .collect::<Vec<_>>(),
            "unchanged": self.unchanged,
            "failures": self.failures,
        })
    }

    /// The summary line: `NAME (kind): 2 delivered, 1 unchanged, 0 failed`.
    pub fn line(&self) -> String {
        format!(
            "{} ({}): {} delivered, {} unchanged, {} failed",
            self.target,
            self.kind,
            self.delivered.len(),
            self.unchanged.len(),
            self.failures.len()
        )
    }
}

/// Loads the configuration and manifest, locks the output folder, delivers.
pub fn deliver(options: &DeliverOptions) -> Result<Vec<TargetReport>> {
    let config = Config::load(&options.config)?;
    if let Some(only) = &options.target {
        if !config.deliver.contains_key(only) {
            let known: Vec<&str> = config.deliver.keys().map(String::as_str).collect();
            anyhow::bail!(
                "--target {only}: no [deliver.{only}] in {} (known: {})",
                options.config.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            );
        }
    }
    let out_dir = config.resolve(&config.paths.output);
    let notice = |folder: &Path| {
        eprintln!(
            "briefcast: another briefcast run is using {}; waiting for it to finish",
            folder.display()
        )
    };
    let _lock = crate::util::lock_folders(&[&out_dir], !options.no_wait, &notice)?;
    let runtime = crate::util::runtime()?;
    runtime.block_on(deliver_all(&config, &out_dir, options.target.as_deref()))
}

/// Every target's key is in the environment: asked before a build, so a
/// missing one costs no synthesis.
pub fn check_keys(config: &Config) -> Result<()> {
    for (name, target) in &config.deliver {
        Target::check_key(name, target)?;
    }
    Ok(())
}

/// Every target (or `only`), in name order; the caller holds the output
/// folder's lock.
pub async fn deliver_all(
    config: &Config,
    out_dir: &Path,
    only: Option<&str>,
) -> Result<Vec<TargetReport>> {
    let mut targets = Vec::new();
    for (name, target) in config
        .deliver
        .iter()
        .filter(|(n, _)| only.is_none_or(|o| o == n.as_str()))
    {
        let folder = target.path.as_ref().map(|p| config.resolve(p));
        targets.push((Target::new(name, target, folder.clone())?, target, folder));
    }
    let mut manifest = Manifest::load(out_dir);
    let mut episodes: Vec<(String, usize)> = manifest
        .episodes
        .iter()
        .map(|(slug, e)| (slug.clone(), e.order))
        .collect();
    episodes.sort_by_key(|(slug, order)| (*order, slug.clone()));
    let mut reports = Vec::new();
    for (target, settings, folder) in targets {
        let mut report = TargetReport {
            target: target.name().to_owned(),
            kind: target.kind().name().to_owned(),
            ..TargetReport::default()
        };
        if let Some(folder) = &folder {
            if !folder.is_dir() {
                report.failures.push(format!(
                    "{}: the watch folder {} is not there (is the share mounted?)",
                    target.name(),
                    folder.display()
                ));
                reports.push(report);
                continue;
            }
            let stale = deliver::remove_stale_temporaries(folder);
            if stale > 0 {
                tracing::info!(
                    "removed {stale} temporary file(s) an interrupted delivery left in {}",
                    folder.display()
                );
            }
        }
        for (slug, _) in &episodes {
            let entry = &manifest.episodes[slug];
            let published = format!("{slug}.{}", format_name(settings.format));
            let Some(recorded) = entry.files.iter().find(|f| f.name == published) else {
                report.failures.push(format!(
                    "{}: {slug}: no {published} was published; build again",
                    target.name()
                ));
                continue;
            };
            let bytes = match std::fs::read(out_dir.join(&published)) {
                Ok(bytes) => bytes,
                Err(e) => {
                    report.failures.push(format!(
                        "{}: {slug}: cannot read {published}: {e}",
                        target.name()
                    ));
                    continue;
                }
            };
            let hash = blake3::hash(&bytes).to_hex().to_string();
            if hash != recorded.blake3 {
                report.failures.push(format!(
                    "{}: {slug}: {published} changed since it was built; build again",
                    target.name()
                ));
                continue;
            }
            let date = if entry.created.is_empty() {
                modified_date(&out_dir.join(&published))
            } else {
                entry.created.clone()
            };
            let name = file_name(&settings.name, &date, slug, settings.format);
            let before = manifest
                .deliveries
                .get(target.name())
                .and_then(|d| d.get(slug));
            let place = target.place(&name);
            if before.is_some_and(|d| d.blake3 == hash && d.name == place) {
                report.unchanged.push(slug.clone());
                continue;
            }
            let previous = before.map(|d| Placed {
                name: d.name.clone(),
                id: d.id.clone(),
                problem: None,
            });
            match target.deliver(&name, &bytes, previous.as_ref()).await {
                Ok(placed) => {
                    manifest
                        .deliveries
                        .entry(target.name().to_owned())
                        .or_default()
                        .insert(
                            slug.clone(),
                            DeliveryEntry {
                                name: placed.name.clone(),
                                blake3: hash,
                                id: placed.id,
                            },
                        );
                    // Recorded at once: a run cut short delivers nothing twice.
                    manifest.save(out_dir).internal(&format!(
                        "cannot write {}",
                        out_dir.join("manifest.json").display()
                    ))?;
                    if let Some(problem) = placed.problem {
                        report
                            .failures
                            .push(format!("{slug}: {}: {problem}", target.name()));
                    }
                    report.delivered.push((slug.clone(), placed.name));
                }
                Err(error) => report.failures.push(format!("{slug}: {error}")),
            }
        }
        reports.push(report);
    }
    Ok(reports)
}

/// A file's modification date, `yyyy-mm-dd` (for episodes built before
/// the manifest kept their date).
fn modified_date(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(
            || "undated".to_owned(),
            |d| crate::util::civil_date(d.as_secs() as i64),
        )
}
