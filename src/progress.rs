//! Progress reporting: what a person watching a build sees.
//!
//! [`Reporter`] is what the pipeline calls; [`TerminalReporter`] draws one
//! indicatif bar per episode on a terminal and prints plain lines
//! otherwise; [`Silent`] says nothing (tests, `--quiet`).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub trait Reporter: Send + Sync {
    /// An episode with `total` segments, `ready` of them already cached.
    fn episode(&self, slug: &str, total: usize, ready: usize);
    /// One more segment of `slug` has its clip.
    fn advance(&self, slug: &str);
    /// The episode's files are being written (`what`: "WAV + MP3"):
    /// `done` of `total` seconds of audio so far.
    fn writing(&self, _slug: &str, _what: &str, _done: f64, _total: f64) {}
    /// The episode is finished (written, unchanged or failed).
    fn done(&self, slug: &str, summary: &str);
    /// A line for the person running the build.
    fn note(&self, line: &str);
}

pub struct Silent;

impl Reporter for Silent {
    fn episode(&self, _: &str, _: usize, _: usize) {}
    fn advance(&self, _: &str) {}
    fn done(&self, _: &str, _: &str) {}
    fn note(&self, _: &str) {}
}

/// Bars on a terminal, plain lines on a pipe or in a log.
pub struct TerminalReporter {
    bars: Option<MultiProgress>,
    episodes: Mutex<BTreeMap<String, ProgressBar>>,
}

impl Default for TerminalReporter {
    fn default() -> Self {
        Self::new()
    }
}

impl TerminalReporter {
    pub fn new() -> Self {
        let bars = std::io::stderr()
            .is_terminal()
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        TerminalReporter {
            bars,
            episodes: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Reporter for TerminalReporter {
    fn episode(&self, slug: &str, total: usize, ready: usize) {
        let Some(bars) = &self.bars else {
            eprintln!("{slug}: {total} segments, {ready} cached");
            return;
        };
        let bar = bars.add(ProgressBar::new(total as u64));
        bar.set_style(
            ProgressStyle::with_template("{prefix:>14.bold} [{bar:32}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(slug.to_owned());
        bar.set_position(ready as u64);
        self.episodes
            .lock()
            .expect("not poisoned")
            .insert(slug.to_owned(), bar);
    }

    fn advance(&self, slug: &str) {
        if let Some(bar) = self.episodes.lock().expect("not poisoned").get(slug) {
            bar.inc(1);
        }
    }

    fn writing(&self, slug: &str, what: &str, done: f64, total: f64) {
        let Some(_) = &self.bars else {
            if done == 0.0 {
                eprintln!("{slug}: writing {what}, {total:.0} s of audio");
            }
            return;
        };
        if let Some(bar) = self.episodes.lock().expect("not poisoned").get(slug) {
            if done == 0.0 {
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>14.bold} [{bar:32}] {pos}/{len} s of audio {msg}",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                bar.set_length(total.ceil() as u64);
                bar.set_message(format!("writing {what}"));
            }
            bar.set_position(done.floor() as u64);
        }
    }

    fn done(&self, slug: &str, summary: &str) {
        match self.episodes.lock().expect("not poisoned").get(slug) {
            Some(bar) => bar.finish_with_message(summary.to_owned()),
            None => eprintln!("{slug}: {summary}"),
        }
    }

    fn note(&self, line: &str) {
        match &self.bars {
            Some(bars) => bars.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }
}
