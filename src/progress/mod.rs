//! Progress reporting: what a person watching a build sees.
//!
//! [`Reporter`] is what the pipeline calls; [`for_stderr`] picks how it is
//! shown: [`Bars`] draws one indicatif bar per episode on a terminal,
//! [`Plain`] prints plain lines, and a progress line at a steady pace, to
//! a pipe or a log; [`Silent`] says nothing (tests, `--quiet`).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

mod plain;

pub use plain::Plain;

pub trait Reporter: Send + Sync {
    /// An episode with `total` segments, `ready` of them already cached.
    fn episode(&self, slug: &str, total: usize, ready: usize);
    /// One more segment of `slug` has its clip.
    fn advance(&self, slug: &str);
    /// The episode's files are being written (`what`: "WAV + MP3"):
    /// `done` of `total` seconds of audio so far. `done` falls back to 0
    /// when the episode is written again (its loudness corrected).
    fn writing(&self, _slug: &str, _what: &str, _done: f64, _total: f64) {}
    /// The episode is finished (written, unchanged or failed).
    fn done(&self, slug: &str, summary: &str);
    /// A line for the person running the build.
    fn note(&self, line: &str);
}

/// Bars when stderr is a terminal, plain lines otherwise.
pub fn for_stderr() -> Arc<dyn Reporter> {
    if std::io::stderr().is_terminal() {
        Arc::new(Bars::new())
    } else {
        Arc::new(Plain::new(plain::interval_from_env()))
    }
}

pub struct Silent;

impl Reporter for Silent {
    fn episode(&self, _: &str, _: usize, _: usize) {}
    fn advance(&self, _: &str) {}
    fn done(&self, _: &str, _: &str) {}
    fn note(&self, _: &str) {}
}

/// One bar per episode on the terminal (stderr).
pub struct Bars {
    bars: MultiProgress,
    episodes: Mutex<BTreeMap<String, ProgressBar>>,
}

impl Default for Bars {
    fn default() -> Self {
        Self::new()
    }
}

impl Bars {
    pub fn new() -> Self {
        Bars {
            bars: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            episodes: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Reporter for Bars {
    fn episode(&self, slug: &str, total: usize, ready: usize) {
        let bar = self.bars.add(ProgressBar::new(total as u64));
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
            None => self.bars.suspend(|| eprintln!("{slug}: {summary}")),
        }
    }

    fn note(&self, line: &str) {
        self.bars.suspend(|| eprintln!("{line}"));
    }
}
