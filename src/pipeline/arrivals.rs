//! One episode's clips as they arrive, out of order, from the services:
//! which of them can go to the episode's assembly now, in segment order,
//! and when the assembly should start.
//!
//! Plain bookkeeping with no runtime: `build` records each clip or failure
//! here and does the spawning and sending itself.

use crate::audio::ClipFile;

/// Where one requested clip goes: a segment of one of the planned episodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SlotRef {
    /// Index into the project's episodes.
    pub episode: usize,
    /// Index into that episode's segments, in playing order.
    pub segment: usize,
}

/// What the assembly of an episode is to be given after an arrival.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Release {
    /// Start the assembly now (once per episode).
    pub start: bool,
    /// Clips that now continue the unbroken run from the first segment, in order.
    pub clips: Vec<ClipFile>,
    /// Every clip has been released: the assembly's input ends here.
    pub complete: bool,
}

/// Per-episode state while clips arrive.
#[derive(Debug)]
pub(super) struct Arrivals {
    clips: Vec<Option<ClipFile>>,
    /// Clips `0..released` have been handed on, in order.
    released: usize,
    started: bool,
    /// (service, message) per failed segment.
    failures: Vec<(String, String)>,
}

impl Arrivals {
    /// One entry per segment: the clip when it is already stored.
    pub(super) fn new(clips: Vec<Option<ClipFile>>) -> Arrivals {
        Arrivals {
            clips,
            released: 0,
            started: false,
            failures: Vec::new(),
        }
    }

    /// The clip for `segment` is stored.
    pub(super) fn arrived(&mut self, segment: usize, clip: ClipFile) {
        self.clips[segment] = Some(clip);
    }

    /// A segment's request failed: nothing more is released, and the
    /// assembly (if it started) sees its input end early.
    pub(super) fn failed(&mut self, service: &str, message: String) {
        self.failures.push((service.to_owned(), message));
    }

    /// (service, message) per failed segment.
    pub(super) fn failures(&self) -> &[(String, String)] {
        &self.failures
    }

    pub(super) fn into_failures(self) -> Vec<(String, String)> {
        self.failures
    }

    /// What can go to the assembly now: it starts with the first clip (or
    /// at once for an episode of none), so pass one of an episode keeps
    /// pace with its requests instead of waiting for the last of them.
    pub(super) fn release(&mut self) -> Release {
        let mut release = Release::default();
        if !self.failures.is_empty() {
            return release;
        }
        let next_ready = self.clips.get(self.released).is_some_and(Option::is_some);
        if !self.started && (next_ready || self.clips.is_empty()) {
            self.started = true;
            release.start = true;
        }
        while let Some(Some(clip)) = self.clips.get(self.released) {
            release.clips.push(clip.clone());
            self.released += 1;
        }
        release.complete = self.released == self.clips.len();
        release
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClipFormat;

    fn clip(n: usize) -> ClipFile {
        ClipFile {
            path: format!("clip{n}.wav").into(),
            format: ClipFormat::Wav,
        }
    }

    #[test]
    fn clips_out_of_order_are_released_in_order_once_the_run_from_the_start_is_unbroken() {
        let mut arrivals = Arrivals::new(vec![None, None, None]);
        assert_eq!(arrivals.release(), Release::default());
        arrivals.arrived(2, clip(2));
        assert_eq!(arrivals.release(), Release::default());
        arrivals.arrived(1, clip(1));
        assert_eq!(arrivals.release(), Release::default());
        arrivals.arrived(0, clip(0));
        assert_eq!(
            arrivals.release(),
            Release {
                start: true,
                clips: vec![clip(0), clip(1), clip(2)],
                complete: true,
            }
        );
    }

    #[test]
    fn stored_clips_start_the_assembly_and_later_ones_follow() {
        let mut arrivals = Arrivals::new(vec![Some(clip(0)), None, Some(clip(2))]);
        assert_eq!(
            arrivals.release(),
            Release {
                start: true,
                clips: vec![clip(0)],
                complete: false,
            }
        );
        arrivals.arrived(1, clip(1));
        assert_eq!(
            arrivals.release(),
            Release {
                start: false,
                clips: vec![clip(1), clip(2)],
                complete: true,
            }
        );
    }

    #[test]
    fn an_episode_with_no_clips_starts_at_once() {
        let mut arrivals = Arrivals::new(Vec::new());
        assert_eq!(
            arrivals.release(),
            Release {
                start: true,
                clips: Vec::new(),
                complete: true,
            }
        );
        assert!(!arrivals.release().start);
    }

    #[test]
    fn a_failure_stops_feeding() {
        let mut arrivals = Arrivals::new(vec![Some(clip(0)), None, None]);
        assert!(arrivals.release().start);
        arrivals.failed("svc", "a.md:3 “words”: refused".into());
        arrivals.arrived(1, clip(1));
        arrivals.arrived(2, clip(2));
        assert_eq!(arrivals.release(), Release::default());
        assert_eq!(
            arrivals.into_failures(),
            vec![("svc".to_owned(), "a.md:3 “words”: refused".to_owned())]
        );
    }

    #[test]
    fn the_feed_closes_when_all_clips_are_sent() {
        let mut arrivals = Arrivals::new(vec![Some(clip(0)), None]);
        assert!(!arrivals.release().complete);
        arrivals.arrived(1, clip(1));
        let release = arrivals.release();
        assert_eq!(release.clips, vec![clip(1)]);
        assert!(release.complete);
    }
}
