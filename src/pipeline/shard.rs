//! `build --shard I/N` and `plan --shard I/N`: one machine's share of the
//! show's distinct clips, chosen by key so every machine agrees on the
//! shares without talking to the others. A sharded build synthesises its
//! share into the shared cache and writes no episode; a final `build`
//! anywhere then requests nothing and assembles.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use tokio::task::JoinSet;

use super::build::{BuildOptions, BuildReport};
use super::Project;
use crate::progress::Reporter;
use crate::tts::{Catalog, ClipKey, ClipRequest, RemoteCache, StoredClip, Synthesizer, TtsError};
use crate::util::InternalContext;

/// Share `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("“{text}” is not a share: write I/N with 1 ≤ I ≤ N, e.g. 2/3");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: u32 = index.trim().parse().map_err(|_| usage())?;
        let count: u32 = count.trim().parse().map_err(|_| usage())?;
        if index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether a clip is in this share: its key's leading 64 bits modulo N.
    pub fn contains(&self, key: &ClipKey) -> bool {
        let lead = u64::from_str_radix(&key.as_str()[..16], 16).unwrap_or(0);
        lead % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// The distinct requests of the planned episodes in this share, in script order.
pub(super) fn share_requests(
    project: &Project,
    catalog: &Catalog,
    shard: Shard,
) -> Result<Vec<(ClipKey, ClipRequest)>> {
    let mut seen = BTreeSet::new();
    let mut share = Vec::new();
    for segment in project.episodes.iter().flat_map(|e| e.segments()) {
        let request = project.request(segment);
        let key = catalog.key(&request)?;
        if shard.contains(&key) && seen.insert(key.clone()) {
            share.push((key, request));
        }
    }
    Ok(share)
}

/// Synthesise this share into the shared cache; no episode is written.
pub(super) fn build_share(
    options: &BuildOptions,
    shard: Shard,
    reporter: Arc<dyn Reporter>,
) -> Result<BuildReport> {
    let project = Project::load(&options.config, options.only.as_deref())?;
    if project.remote.is_none() {
        bail!("--shard {shard} needs a shared cache: set [paths] cache = \"s3://bucket/prefix\" in voices.toml, so the final build finds every share's clips");
    }
    let _lock = super::lock_cache_for_share(&project, !options.no_wait)?;
    let runtime = crate::util::runtime()?;
    runtime.block_on(run_share(Arc::new(project), options.jobs, shard, reporter))
}

async fn run_share(
    project: Arc<Project>,
    jobs: Option<usize>,
    shard: Shard,
    reporter: Arc<dyn Reporter>,
) -> Result<BuildReport> {
    let remote = project.remote.clone().expect("checked by build_share");
    let synth = Arc::new(project.synthesizer(jobs).await?);
    let share = share_requests(&project, synth.catalog(), shard)?;
    let label = format!("share {shard}");
    reporter.episode(&label, share.len(), 0);
    let mut report = BuildReport {
        substitutes: project.substitutes.clone(),
        warnings: project.warnings.clone(),
        ..BuildReport::default()
    };
    // A bounded number under way, whatever the share's size.
    let mut queue = share.into_iter();
    let mut fetches = JoinSet::new();
    for _ in 0..synth.in_flight_limit() {
        spawn_share_fetch(&mut fetches, &synth, &remote, queue.next());
    }
    let mut waits = super::build::WaitNotes::default();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        let joined = tokio::select! {
            Some(joined) = fetches.join_next() => joined,
            _ = tick.tick(), if !fetches.is_empty() => {
                waits.note(&synth.waits(), reporter.as_ref());
                continue;
            }
            else => break,
        };
        let (request, result) = joined.internal("a synthesis task panicked")?;
        spawn_share_fetch(&mut fetches, &synth, &remote, queue.next());
        match result {
            Ok(clip) => {
                report.count(clip.source);
                reporter.advance(&label);
            }
            Err(error) => {
                let first: String = request.text.chars().take(20).collect();
                report
                    .failures
                    .push(format!("{} “{first}…”: {error}", request.service));
            }
        }
    }
    report.failures.sort();
    report.rested = synth.rested();
    reporter.done(&label, "stored in the shared cache");
    Ok(report)
}

/// The fetches of a share: each answers with its request and the clip.
type ShareFetches = JoinSet<(ClipRequest, Result<StoredClip, TtsError>)>;

/// Start storing the next clip of the share, if there is one. A clip this
/// machine has but the store lacks (built before the store was shared) is
/// uploaded, not paid for again.
fn spawn_share_fetch(
    fetches: &mut ShareFetches,
    synth: &Arc<Synthesizer>,
    remote: &RemoteCache,
    next: Option<(ClipKey, ClipRequest)>,
) {
    let Some((key, request)) = next else {
        return;
    };
    let (synth, remote) = (Arc::clone(synth), remote.clone());
    fetches.spawn(async move {
        let result = match synth.cached(&request) {
            Ok(Some(local)) => upload(&remote, &key, local).await,
            Ok(None) => synth.fetch(&request).await,
            Err(error) => Err(error),
        };
        (request, result)
    });
}

/// Put a clip of the local cache into the store, unless it has one.
async fn upload(
    remote: &RemoteCache,
    key: &ClipKey,
    local: StoredClip,
) -> Result<StoredClip, TtsError> {
    if remote.contains(key, local.format).await? {
        return Ok(local);
    }
    let bytes = fs_err::read(&local.path).map_err(|source| TtsError::Cache {
        path: local.path.clone(),
        source,
    })?;
    remote.put_new(key, local.format, &bytes).await?;
    Ok(local)
}

/// `plan --shard`: the keys of the share, to mark the segments it holds.
pub fn share_keys(project: &Project, catalog: &Catalog, shard: Shard) -> Result<BTreeSet<String>> {
    Ok(share_requests(project, catalog, shard)
        .context("planning the share")?
        .into_iter()
        .map(|(key, _)| key.to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_parse_and_split_keys_between_them_exactly_once() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        let mut sizes = [0; 3];
        for n in 0..300 {
            let key = ClipKey::from_fields(&[&n.to_string()]);
            let holders: Vec<usize> = (0..3).filter(|&s| shards[s].contains(&key)).collect();
            assert_eq!(holders.len(), 1, "{key}");
            sizes[holders[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 60), "{sizes:?}");
    }
}
