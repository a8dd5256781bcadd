//! Progress as plain lines, for a pipe or a log (cron, CI, `| tee`): one
//! line per event (an episode's segments, the start of its writing, its
//! end) and, while a build runs, one progress line every interval (15 s):
//! each episode's clips so far, the time since the start, and how long
//! the rest should take at the pace so far. A ticker thread prints it, so
//! a build waiting on a slow service is not silent either; it prints at
//! most one progress line per interval.

use std::collections::HashSet;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Reporter;

/// How often the progress line is printed.
const INTERVAL: Duration = Duration::from_secs(15);

/// The shortest interval `BRIEFCAST_PROGRESS_MS` may set.
const SHORTEST: Duration = Duration::from_millis(100);

/// Clips that must have arrived before the pace is trusted for an estimate.
const PACE_AFTER: usize = 3;

/// [`INTERVAL`], or `BRIEFCAST_PROGRESS_MS` milliseconds (tests shorten it;
/// never below 100 ms).
pub(super) fn interval_from_env() -> Duration {
    std::env::var("BRIEFCAST_PROGRESS_MS")
        .ok()
        .and_then(|ms| ms.parse::<u64>().ok())
        .map_or(INTERVAL, |ms| Duration::from_millis(ms).max(SHORTEST))
}

/// Plain lines on stderr, with a progress line every interval.
pub struct Plain {
    state: Arc<Mutex<State>>,
    stop: Option<mpsc::Sender<()>>,
    ticker: Option<JoinHandle<()>>,
}

impl Plain {
    pub fn new(interval: Duration) -> Plain {
        let state = Arc::new(Mutex::new(State::new(Instant::now())));
        let (stop, stopped) = mpsc::channel::<()>();
        let shared = Arc::clone(&state);
        let ticker = std::thread::spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                let line = shared.lock().expect("not poisoned").line(Instant::now());
                if let Some(line) = line {
                    eprintln!("{line}");
                }
            }
        });
        Plain {
            state,
            stop: Some(stop),
            ticker: Some(ticker),
        }
    }

    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().expect("not poisoned"))
    }
}

impl Drop for Plain {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
    }
}

impl Reporter for Plain {
    fn episode(&self, slug: &str, total: usize, ready: usize) {
        eprintln!("{slug}: {total} segments, {ready} cached");
        self.with_state(|s| s.episode(slug, total, ready, Instant::now()));
    }

    fn advance(&self, slug: &str) {
        self.with_state(|s| s.advance(slug));
    }

    fn writing(&self, slug: &str, what: &str, done: f64, total: f64) {
        let first = self.with_state(|s| s.writing(slug, done, total, Instant::now()));
        if first {
            eprintln!("{slug}: writing {what}, {total:.0} s of audio");
        }
    }

    fn done(&self, slug: &str, summary: &str) {
        self.with_state(|s| s.done(slug));
        eprintln!("{slug}: {summary}");
    }

    fn note(&self, line: &str) {
        eprintln!("{line}");
    }
}

/// What the progress line is made from.
struct State {
    start: Instant,
    /// When the first episode was announced: synthesis starts there.
    synthesis_start: Option<Instant>,
    episodes: Vec<Episode>,
    /// Episodes whose "writing" line was printed (a second write of the
    /// same episode, its loudness corrected, prints none).
    announced: HashSet<String>,
}

struct Episode {
    slug: String,
    total: usize,
    cached: usize,
    ready: usize,
    writing: Option<Writing>,
    finished: bool,
}

struct Writing {
    started: Instant,
    done: f64,
    total: f64,
}

impl State {
    fn new(start: Instant) -> State {
        State {
            start,
            synthesis_start: None,
            episodes: Vec::new(),
            announced: HashSet::new(),
        }
    }

    fn episode(&mut self, slug: &str, total: usize, ready: usize, now: Instant) {
        self.synthesis_start.get_or_insert(now);
        self.episodes.push(Episode {
            slug: slug.to_owned(),
            total,
            cached: ready,
            ready,
            writing: None,
            finished: false,
        });
    }

    fn find(&mut self, slug: &str) -> Option<&mut Episode> {
        self.episodes.iter_mut().find(|e| e.slug == slug)
    }

    fn advance(&mut self, slug: &str) {
        if let Some(episode) = self.find(slug) {
            episode.ready = (episode.ready + 1).min(episode.total);
        }
    }

    /// Records the writing's progress; true when it is the episode's first.
    fn writing(&mut self, slug: &str, done: f64, total: f64, now: Instant) -> bool {
        if let Some(episode) = self.find(slug) {
            match &mut episode.writing {
                Some(writing) if done > 0.0 => writing.done = done,
                _ => {
                    episode.writing = Some(Writing {
                        started: now,
                        done,
                        total,
                    })
                }
            }
        }
        self.announced.insert(slug.to_owned())
    }

    fn done(&mut self, slug: &str) {
        if let Some(episode) = self.find(slug) {
            episode.finished = true;
        }
    }

    /// The progress line at `now`; `None` when no episode is under way.
    fn line(&self, now: Instant) -> Option<String> {
        let running: Vec<&Episode> = self.episodes.iter().filter(|e| !e.finished).collect();
        if running.is_empty() {
            return None;
        }
        let parts: Vec<String> = running
            .iter()
            .map(|e| match &e.writing {
                Some(w) => format!("{} writing {:.0}/{:.0} s of audio", e.slug, w.done, w.total),
                None => format!("{} {}/{} clips", e.slug, e.ready, e.total),
            })
            .collect();
        Some(format!(
            "after {}: {}; {}",
            clock(now.duration_since(self.start)),
            parts.join(", "),
            self.estimate(&running, now)
        ))
    }

    /// What is left, at the pace so far: the clips still to arrive at the
    /// rate they arrived in this build, else the writing at its own pace.
    fn estimate(&self, running: &[&Episode], now: Instant) -> String {
        let missing: usize = running.iter().map(|e| e.total - e.ready).sum();
        if missing > 0 {
            let arrived: usize = self.episodes.iter().map(|e| e.ready - e.cached).sum();
            let since = self
                .synthesis_start
                .map_or(Duration::ZERO, |s| now.duration_since(s));
            let to_go = match missing {
                1 => "1 clip to go".to_owned(),
                n => format!("{n} clips to go"),
            };
            if arrived < PACE_AFTER || since.is_zero() {
                return format!("{to_go}, too few so far to tell how long");
            }
            let left = since.mul_f64(missing as f64 / arrived as f64);
            return format!("{to_go}, about {} at the pace so far", clock(left));
        }
        let writing_left = running
            .iter()
            .filter_map(|e| e.writing.as_ref())
            .filter(|w| w.done > 0.0)
            .map(|w| {
                now.duration_since(w.started)
                    .mul_f64((w.total - w.done).max(0.0) / w.done)
            })
            .max();
        match writing_left {
            Some(left) => format!("writing, about {} left", clock(left)),
            None => "writing".to_owned(),
        }
    }
}

/// `m:ss`, or `h:mm:ss` from an hour.
fn clock(duration: Duration) -> String {
    let whole = duration.as_secs_f64().round() as u64;
    let (hours, minutes, seconds) = (whole / 3600, whole / 60 % 60, whole % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, seconds: u64) -> Instant {
        start + Duration::from_secs(seconds)
    }

    #[test]
    fn the_estimate_follows_the_pace_of_the_clips_that_arrived() {
        let start = Instant::now();
        let mut state = State::new(start);
        state.episode("liuzhou", 40, 10, at(start, 2));
        state.episode("xianan", 20, 0, at(start, 2));
        for _ in 0..10 {
            state.advance("liuzhou");
        }
        // 10 clips in the 60 s since synthesis started; 40 to go: 4 minutes.
        let line = state.line(at(start, 62)).unwrap();
        assert_eq!(
            line,
            "after 1:02: liuzhou 20/40 clips, xianan 0/20 clips; 40 clips to go, about 4:00 at the pace so far"
        );
    }

    #[test]
    fn no_estimate_before_the_first_clips() {
        let start = Instant::now();
        let mut state = State::new(start);
        state.episode("a", 5, 0, start);
        state.advance("a");
        let line = state.line(at(start, 20)).unwrap();
        assert!(
            line.ends_with("4 clips to go, too few so far to tell how long"),
            "{line}"
        );
        for _ in 0..3 {
            state.advance("a");
        }
        let line = state.line(at(start, 40)).unwrap();
        assert!(
            line.ends_with("1 clip to go, about 0:10 at the pace so far"),
            "{line}"
        );
    }

    #[test]
    fn finished_episodes_leave_the_line_and_a_finished_build_prints_none() {
        let start = Instant::now();
        let mut state = State::new(start);
        assert_eq!(state.line(start), None);
        state.episode("a", 1, 1, start);
        state.episode("b", 1, 1, start);
        state.done("a");
        assert!(!state.line(start).unwrap().contains("a 1/1"));
        state.done("b");
        assert_eq!(state.line(start), None);
    }

    #[test]
    fn writing_is_announced_once_and_estimated_at_its_own_pace() {
        let start = Instant::now();
        let mut state = State::new(start);
        state.episode("a", 1, 1, start);
        assert!(state.writing("a", 0.0, 300.0, start));
        assert!(!state.writing("a", 100.0, 300.0, at(start, 10)));
        // Written again with the gain corrected: no second announcement.
        assert!(!state.writing("a", 0.0, 300.0, at(start, 30)));
        assert!(!state.writing("a", 150.0, 300.0, at(start, 45)));
        let line = state.line(at(start, 45)).unwrap();
        assert_eq!(
            line,
            "after 0:45: a writing 150/300 s of audio; writing, about 0:15 left"
        );
    }

    #[test]
    fn clock_reads_minutes_and_hours() {
        assert_eq!(clock(Duration::from_secs(5)), "0:05");
        assert_eq!(clock(Duration::from_secs(754)), "12:34");
        assert_eq!(clock(Duration::from_secs(3725)), "1:02:05");
    }
}
