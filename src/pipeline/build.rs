//! `briefcast build`: synthesise what is missing, assemble what changed.
//!
//! The scheduling: requests in the order clips are needed, each episode's
//! [`Assembly`] started and fed as [`Arrivals`] releases its clips in
//! order, then the report, the show files and the manifest.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use anyhow::Result;
use tokio::task::JoinSet;

use super::arrivals::{Arrivals, SlotRef};
use super::episode::{fingerprint, minutes, write_episode, Strictness};
use super::Project;
use crate::audio::ClipFile;
use crate::progress::Reporter;
use crate::publish::{ClipCounts, EpisodeEntry, Manifest};
use crate::tts::{
    describe_waits, ClipKey, ClipRequest, ClipSource, LeaseHolder, StoredClip, Synthesizer,
    TtsError,
};
use crate::util::{Internal, InternalContext};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub config: PathBuf,
    /// Build only this speaker (name or slug).
    pub only: Option<String>,
    /// At most this many requests in flight across all services.
    pub jobs: Option<usize>,
    /// A miss of the loudness target by more than 1 LU is an error.
    pub strict_loudness: bool,
    /// Another run holding the cache or output folder is an error, not waited for.
    pub no_wait: bool,
    /// Synthesise only this share of the clips into the shared cache.
    pub shard: Option<super::Shard>,
    /// Leave the `[deliver.*]` targets alone.
    pub no_deliver: bool,
}

/// What a build did; `failures` non-empty means exit code 1.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
    /// Clips paid for: requested from their service in this run.
    pub requested: usize,
    /// Clips copied from the shared cache (another machine paid for them).
    pub copied: usize,
    pub failures: Vec<String>,
    /// Voices that spoke their fallback (their neural model is missing).
    pub substitutes: Vec<super::Substitute>,
    /// What the scripts held that is not read (`file:line: …`).
    pub warnings: Vec<String>,
    /// What each `[deliver.*]` target got after the build.
    pub deliveries: Vec<super::TargetReport>,
    /// The endpoints of a pool rested during the build, and why.
    pub rested: Vec<String>,
}

/// Load, synthesise, assemble and publish.
pub fn build(options: &BuildOptions, reporter: Arc<dyn Reporter>) -> Result<BuildReport> {
    if let Some(shard) = options.shard {
        return super::shard::build_share(options, shard, reporter);
    }
    let project = Project::load(&options.config, options.only.as_deref())?;
    if !options.no_deliver {
        super::check_keys(&project.config)?;
    }
    let _lock = super::lock_for_build(&project, !options.no_wait)?;
    let runtime = crate::util::runtime()?;
    let strict = Strictness {
        loudness: options.strict_loudness,
    };
    let project = Arc::new(project);
    let mut report = runtime.block_on(run(Arc::clone(&project), options.jobs, strict, reporter))?;
    if !options.no_deliver && !project.config.deliver.is_empty() {
        // The output folder is still locked: nothing changes under the delivery.
        report.deliveries = runtime.block_on(super::deliver_all(
            &project.config,
            &project.output_dir(),
            None,
        ))?;
    }
    Ok(report)
}

/// An episode being assembled while its clips arrive.
struct Assembly {
    keys: Vec<ClipKey>,
    /// Where its clips came from, for the manifest.
    clips: ClipCounts,
    arrivals: Arrivals,
    /// The assembly's input while it runs; dropped when the episode fails.
    feed: Option<mpsc::Sender<ClipFile>>,
}

/// The running assemblies, each answering with its episode's index.
type AssemblyTasks = JoinSet<(usize, Result<EpisodeEntry>)>;

/// What every episode's assembly shares.
#[derive(Clone)]
struct AssemblyContext {
    project: Arc<Project>,
    out_dir: PathBuf,
    strict: Strictness,
    reporter: Arc<dyn Reporter>,
}

impl Assembly {
    /// Starts the assembly of episode `episode` when its arrivals say so
    /// and hands it every clip they release.
    fn feed_ready(&mut self, episode: usize, tasks: &mut AssemblyTasks, context: &AssemblyContext) {
        let release = self.arrivals.release();
        if release.start {
            let (feed, clips) = mpsc::channel();
            self.feed = Some(feed);
            let context = context.clone();
            let keys = self.keys.clone();
            tasks.spawn_blocking(move || {
                let project = &context.project;
                let written = write_episode(
                    &project.config,
                    &project.episodes[episode],
                    clips,
                    &keys,
                    &context.out_dir,
                    &project.created,
                    context.strict,
                    context.reporter.as_ref(),
                );
                (episode, written)
            });
        }
        if let Some(feed) = &self.feed {
            for clip in release.clips {
                // A closed feed means the assembly already failed; it reports why.
                let _ = feed.send(clip);
            }
        }
        if release.complete {
            self.feed = None;
        }
    }

    fn fail(&mut self, service: &str, message: String) {
        self.arrivals.failed(service, message);
        // The assembly sees its input end early and writes nothing.
        self.feed = None;
    }
}

/// The requests missing clips, in episode and segment order (the order
/// clips are needed), one per distinct clip, each with the slots waiting
/// for it.
type Pending = Vec<(ClipRequest, Vec<SlotRef>)>;

async fn run(
    project: Arc<Project>,
    jobs: Option<usize>,
    strict: Strictness,
    reporter: Arc<dyn Reporter>,
) -> Result<BuildReport> {
    let out_dir = project.output_dir();
    let leftovers = crate::publish::remove_leftovers(&out_dir);
    if leftovers > 0 {
        tracing::info!(
            "removed {leftovers} temporary file(s) an interrupted build left in {}",
            out_dir.display()
        );
    }
    let mut manifest = Manifest::load(&out_dir);
    let mut report = BuildReport {
        substitutes: project.substitutes.clone(),
        warnings: project.warnings.clone(),
        ..BuildReport::default()
    };
    remove_stale(
        &project,
        &mut manifest,
        &out_dir,
        &mut report,
        reporter.as_ref(),
    );

    let synth = Arc::new(project.synthesizer(jobs).await?);
    let (mut assemblies, pending) = plan(
        &project,
        &synth,
        &manifest,
        &out_dir,
        &mut report,
        reporter.as_ref(),
    )?;
    let context = AssemblyContext {
        project: Arc::clone(&project),
        out_dir: out_dir.clone(),
        strict,
        reporter: Arc::clone(&reporter),
    };
    arrive(
        &synth,
        pending,
        &mut assemblies,
        &context,
        &mut manifest,
        &mut report,
    )
    .await?;
    report.rested = synth.rested();
    report_failures(&project, &synth, assemblies, &mut report, reporter.as_ref());
    finish(&project, &mut manifest, &out_dir, reporter.as_ref())?;
    report.written.sort();
    Ok(report)
}

/// Plans each episode: left alone when its manifest entry still matches,
/// else an [`Assembly`] waiting for the clips the cache does not hold,
/// which join the pending requests.
fn plan(
    project: &Project,
    synth: &Synthesizer,
    manifest: &Manifest,
    out_dir: &Path,
    report: &mut BuildReport,
    reporter: &dyn Reporter,
) -> Result<(Vec<Option<Assembly>>, Pending)> {
    // One per planned episode; `None` for those left unchanged.
    let mut assemblies: Vec<Option<Assembly>> = Vec::new();
    // Requests in episode and segment order (the order clips are needed),
    // one per distinct clip.
    let mut pending: Pending = Vec::new();
    let mut pending_index: HashMap<ClipKey, usize> = HashMap::new();
    for (episode_index, episode) in project.episodes.iter().enumerate() {
        let requests: Vec<ClipRequest> = episode.segments().map(|s| project.request(s)).collect();
        let keys = requests
            .iter()
            .map(|r| synth.catalog().key(r))
            .collect::<Result<Vec<_>, _>>()?;
        let unchanged = manifest.episodes.get(&episode.slug).is_some_and(|entry| {
            entry.fingerprint == fingerprint(&project.config, episode, &keys, &project.created)
                && entry.files_intact(out_dir)
        });
        if unchanged {
            reporter.done(&episode.slug, "unchanged");
            report.unchanged.push(episode.slug.clone());
            assemblies.push(None);
            continue;
        }
        let mut clips = Vec::with_capacity(requests.len());
        for (segment, (request, key)) in requests.into_iter().zip(&keys).enumerate() {
            match synth.cached(&request)? {
                Some(clip) => clips.push(Some(ClipFile {
                    path: clip.path,
                    format: clip.format,
                })),
                None => {
                    clips.push(None);
                    let next = pending.len();
                    let at = *pending_index.entry(key.clone()).or_insert(next);
                    if at == next {
                        pending.push((request, Vec::new()));
                    }
                    pending[at].1.push(SlotRef {
                        episode: episode_index,
                        segment,
                    });
                }
            }
        }
        let ready = clips.iter().filter(|c| c.is_some()).count();
        reporter.episode(&episode.slug, clips.len(), ready);
        assemblies.push(Some(Assembly {
            keys,
            clips: ClipCounts {
                cached: ready,
                ..ClipCounts::default()
            },
            arrivals: Arrivals::new(clips),
            feed: None,
        }));
    }
    Ok((assemblies, pending))
}

/// Starts the assemblies that can start, then fetches the pending clips
/// (a bounded number under way, refilled in script order) and feeds each
/// to the assemblies waiting for it, until every fetch and assembly ends.
async fn arrive(
    synth: &Arc<Synthesizer>,
    pending: Pending,
    assemblies: &mut [Option<Assembly>],
    context: &AssemblyContext,
    manifest: &mut Manifest,
    report: &mut BuildReport,
) -> Result<()> {
    let (project, reporter) = (&context.project, &context.reporter);
    let mut tasks = JoinSet::new();
    for (episode, assembly) in assemblies.iter_mut().enumerate() {
        if let Some(assembly) = assembly {
            assembly.feed_ready(episode, &mut tasks, context);
        }
    }

    // A bounded number of fetches under way, refilled in script order as
    // each ends, however many clips are missing.
    let mut queue = pending.into_iter();
    let mut fetches = JoinSet::new();
    for _ in 0..synth.in_flight_limit() {
        spawn_fetch(&mut fetches, synth, queue.next());
    }
    let mut waits = WaitNotes::default();
    let mut tick = tokio::time::interval(WAIT_NOTE_TICK);
    loop {
        tokio::select! {
            Some(joined) = fetches.join_next() => {
                let (slots, service, result) = joined.internal("a synthesis task panicked")?;
                spawn_fetch(&mut fetches, synth, queue.next());
                if let Ok(clip) = &result {
                    report.count(clip.source);
                }
                for slot in slots {
                    let episode = &project.episodes[slot.episode];
                    let assembly = assemblies[slot.episode]
                        .as_mut()
                        .expect("episodes with requests are assembled");
                    match &result {
                        Ok(clip) => {
                            match clip.source {
                                ClipSource::Service => assembly.clips.requested += 1,
                                ClipSource::Shared => assembly.clips.copied += 1,
                                ClipSource::Local => assembly.clips.cached += 1,
                            }
                            assembly.arrivals.arrived(slot.segment, ClipFile {
                                path: clip.path.clone(),
                                format: clip.format,
                            });
                            reporter.advance(&episode.slug);
                            assembly.feed_ready(slot.episode, &mut tasks, context);
                        }
                        Err(error) => {
                            let segment = episode.segments().nth(slot.segment).expect("slot in range");
                            assembly.fail(&service, format!("{}: {error}", segment.describe()));
                        }
                    }
                }
            }
            Some(joined) = tasks.join_next() => {
                let (episode, result) = joined.internal("an assembly task panicked")?;
                let slug = &project.episodes[episode].slug;
                let failed = assemblies[episode]
                    .as_ref()
                    .is_some_and(|a| !a.arrivals.failures().is_empty());
                match result {
                    // Cut short by a failed segment, reported below.
                    Err(_) if failed => {}
                    Ok(mut entry) => {
                        entry.order = project.episodes[episode].order;
                        if let Some(assembly) = &assemblies[episode] {
                            entry.clips = assembly.clips;
                        }
                        reporter.done(slug, &written_summary(&context.out_dir, slug, &entry));
                        report.written.push(slug.clone());
                        manifest.episodes.insert(slug.clone(), entry);
                    }
                    Err(error) => {
                        reporter.done(slug, "not written");
                        report.failures.push(format!("{slug}: {}", crate::util::anyhow_chain(&error)));
                    }
                }
            }
            _ = tick.tick(), if !fetches.is_empty() => {
                waits.note(&synth.waits(), reporter.as_ref());
            }
            else => break,
        }
    }
    Ok(())
}

/// The episodes not written because segments failed: one line each, and
/// one line for all the episodes of a service given up as misconfigured
/// instead of one per segment.
fn report_failures(
    project: &Project,
    synth: &Synthesizer,
    assemblies: Vec<Option<Assembly>>,
    report: &mut BuildReport,
    reporter: &dyn Reporter,
) {
    // A service given up as misconfigured gets one line for all its
    // episodes instead of one per segment.
    let given_up = synth.misconfigured();
    let mut given_up_episodes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (episode, assembly) in assemblies.into_iter().enumerate() {
        let Some(assembly) = assembly.filter(|a| !a.arrivals.failures().is_empty()) else {
            continue;
        };
        let slug = &project.episodes[episode].slug;
        let failed = assembly.arrivals.into_failures();
        let summary = format!(
            "not written: {} segment(s) failed; the previous file is kept",
            failed.len()
        );
        reporter.done(slug, &summary);
        let mut failures = Vec::new();
        for (service, message) in failed {
            match given_up.get_key_value(&service) {
                Some((name, _)) => given_up_episodes.entry(name).or_default().push(slug),
                None => failures.push(message),
            }
        }
        failures.sort();
        report.failures.extend(failures);
    }
    for (service, mut slugs) in given_up_episodes {
        slugs.dedup();
        report.failures.push(format!(
            "{} (not written: {})",
            given_up[service],
            slugs.join(", ")
        ));
    }
}

/// The end of a build: every episode's order brought up to date, the show
/// files (feed, page) written and the manifest saved.
fn finish(
    project: &Project,
    manifest: &mut Manifest,
    out_dir: &Path,
    reporter: &dyn Reporter,
) -> Result<()> {
    for episode in &project.episodes {
        if let Some(entry) = manifest.episodes.get_mut(&episode.slug) {
            entry.order = episode.order;
        }
    }
    let config = &project.config;
    // Said once per project: when its feed is first written.
    let first_feed = !out_dir.join("feed.xml").exists();
    crate::publish::write_show_files(
        &config.show,
        &config.publish,
        manifest,
        out_dir,
        &project.created,
        &|speaker, title| config.announcement(speaker, title, None),
    )
    .map_err(|e| e.context(Internal("the show's files are not written".into())))?;
    if first_feed && config.show.base_url.is_none() {
        reporter.note(&format!(
            "feed.xml uses relative URLs, which podcast apps cannot follow: before publishing it, set [show] base-url in voices.toml to the address {} is served from (said once, when the feed is first written)",
            out_dir.display()
        ));
    }
    manifest.save(out_dir).internal(&format!(
        "cannot write {}",
        out_dir.join("manifest.json").display()
    ))?;
    Ok(())
}

/// The fetches of one build: each answers with the slots waiting for its
/// clip, its service and the clip.
type Fetches = JoinSet<(Vec<SlotRef>, String, Result<StoredClip, TtsError>)>;

/// Start the fetch of the next missing clip, if there is one.
fn spawn_fetch(
    fetches: &mut Fetches,
    synth: &Arc<Synthesizer>,
    next: Option<(ClipRequest, Vec<SlotRef>)>,
) {
    let Some((request, slots)) = next else {
        return;
    };
    let synth = Arc::clone(synth);
    fetches.spawn(async move {
        let result = synth.fetch(&request).await;
        (slots, request.service, result)
    });
}

impl BuildReport {
    /// Counts a clip by what it cost.
    pub(super) fn count(&mut self, source: ClipSource) {
        match source {
            ClipSource::Service => self.requested += 1,
            ClipSource::Shared => self.copied += 1,
            ClipSource::Local => {}
        }
    }
}

/// How often a build looks at what it waits for on other machines.
const WAIT_NOTE_TICK: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the same waits are told again.
const WAIT_NOTE_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Tells a person when a build waits on other machines' leases: at once
/// when the holders change, and every [`WAIT_NOTE_EVERY`] while it lasts.
#[derive(Default)]
pub(super) struct WaitNotes {
    last: Option<(Vec<String>, std::time::Instant)>,
}

impl WaitNotes {
    pub(super) fn note(&mut self, waits: &[LeaseHolder], reporter: &dyn Reporter) {
        let Some(line) = describe_waits(waits) else {
            self.last = None;
            return;
        };
        let mut holders: Vec<String> = waits.iter().map(|w| w.holder.clone()).collect();
        holders.sort();
        holders.dedup();
        let now = std::time::Instant::now();
        let due = match &self.last {
            Some((said, at)) => *said != holders || now.duration_since(*at) >= WAIT_NOTE_EVERY,
            None => true,
        };
        if due {
            reporter.note(&line);
            self.last = Some((holders, now));
        }
    }
}

/// Outputs of speakers no longer in the scripts are removed (not with
/// `--only`, which leaves other speakers alone).
fn remove_stale(
    project: &Project,
    manifest: &mut Manifest,
    out_dir: &Path,
    report: &mut BuildReport,
    reporter: &dyn Reporter,
) {
    if project.only.is_some() {
        return;
    }
    let current: Vec<&str> = project.episodes.iter().map(|e| e.slug.as_str()).collect();
    let stale: Vec<String> = manifest
        .episodes
        .keys()
        .filter(|slug| !current.contains(&slug.as_str()))
        .cloned()
        .collect();
    for slug in stale {
        let entry: EpisodeEntry = manifest.episodes.remove(&slug).expect("listed");
        // Only plain file names inside the output folder, whatever the manifest says.
        for file in entry.files.iter().filter(|f| is_plain_name(&f.name)) {
            let _ = fs_err::remove_file(out_dir.join(&file.name));
        }
        reporter.note(&format!(
            "{slug}: removed its files (speaker “{}” is no longer in the scripts)",
            entry.speaker
        ));
        report.removed.push(slug);
    }
}

fn written_summary(out_dir: &Path, slug: &str, entry: &EpisodeEntry) -> String {
    let loudness = entry.loudness.as_ref().map_or(String::new(), |l| {
        let limited = match &l.limiter {
            // Below what one decimal shows, the limiter did nothing audible.
            Some(limiter) if limiter.max_reduction_db < 0.05 => {
                format!(", gain {:+.1} dB, no limiting needed", l.gain_db)
            }
            Some(limiter) => format!(
                ", gain {:+.1} dB, limiter up to {:.1} dB",
                l.gain_db, limiter.max_reduction_db
            ),
            None if l.ceiling_limited => ", held down by the true-peak ceiling".into(),
            None => format!(", gain {:+.1} dB", l.gain_db),
        };
        format!(
            ", {:.1} LUFS, LRA {:.1} LU, true peak {:.1} dBTP{limited}",
            l.integrated_lufs, l.range_lu, l.true_peak_dbtp
        )
    });
    format!(
        "{} ({}, {} segments{loudness})",
        out_dir.join(format!("{slug}.wav")).display(),
        minutes(entry.duration_seconds),
        entry.segments.len()
    )
}

fn is_plain_name(name: &str) -> bool {
    let path = Path::new(name);
    path.components().count() == 1 && path.file_name().is_some_and(|n| n == name)
}
