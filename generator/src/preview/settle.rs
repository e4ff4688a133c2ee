//! When a batch of file events is complete: the watcher's timing rules, pure and tested. Saves are
//! picked up as soon as they are finished instead of after a fixed delay.
//!
//! - A batch goes out [`QUIET`] after its last event when every path in it is *settled*: a file that
//!   exists and that no writer still has open (the system reported the writer closing it, or the file was
//!   renamed into place whole), or a path the build ignores (editors' temporary and backup files).
//! - Otherwise it goes out [`SETTLE`] after its last event: a file that disappeared (an editor that
//!   renames the old file away recreates it right after), a new folder, a write still in progress, or a
//!   system that does not report writers closing files.
//! - However busy the folder, a batch never waits more than [`MAX_WAIT`] after its first event.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a batch of settled paths waits for more events of the same save (an editor's chmod after
/// the write, the removal of its backup file).
pub(super) const QUIET: Duration = Duration::from_millis(3);
/// How long a batch that is not settled waits after its last event.
pub(super) const SETTLE: Duration = Duration::from_millis(30);
/// The longest a batch waits after its first event, even while events keep coming.
pub(super) const MAX_WAIT: Duration = Duration::from_millis(500);

/// What an event says about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Signal {
    /// Written to (or created): a writer may still have it open.
    Writing,
    /// A writer closed it: what was written is complete.
    Closed,
    /// Renamed into place: complete as it is.
    Replaced,
    /// Anything else (removed, renamed away, attributes changed, a folder created).
    Changed,
}

/// The paths seen since the last batch went out.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// Each path, and whether a writer may still have it open.
    paths: BTreeMap<PathBuf, bool>,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Pending {
    pub(super) fn add(&mut self, path: PathBuf, signal: Signal, now: Instant) {
        let writing = self.paths.entry(path).or_insert(false);
        match signal {
            Signal::Writing => *writing = true,
            Signal::Closed | Signal::Replaced => *writing = false,
            Signal::Changed => {}
        }
        self.first.get_or_insert(now);
        self.last = Some(now);
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Whether the batch should go out at `now`; `settled(path, writing)` says whether a path is
    /// complete (it is asked only once the batch has been quiet for [`QUIET`]).
    pub(super) fn is_due(&self, now: Instant, settled: impl Fn(&Path, bool) -> bool) -> bool {
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return false;
        };
        let quiet = now.saturating_duration_since(last);
        now.saturating_duration_since(first) >= MAX_WAIT
            || quiet >= SETTLE
            || (quiet >= QUIET && self.paths.iter().all(|(path, writing)| settled(path, *writing)))
    }

    /// When to look again if no event comes before: `None` when there is nothing pending.
    pub(super) fn next_check(&self, now: Instant) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        let quiet_at = last + QUIET;
        if now < quiet_at {
            return Some(quiet_at);
        }
        Some((last + SETTLE).min(first + MAX_WAIT))
    }

    /// The batch's paths, leaving nothing pending.
    pub(super) fn take(&mut self) -> Vec<PathBuf> {
        self.first = None;
        self.last = None;
        std::mem::take(&mut self.paths).into_keys().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn settled_when_closed(_: &Path, writing: bool) -> bool {
        !writing
    }

    #[test]
    fn a_finished_save_goes_out_after_the_quiet_period() {
        let start = Instant::now();
        let mut pending = Pending::default();
        assert!(!pending.is_due(start, settled_when_closed));
        assert_eq!(pending.next_check(start), None);

        // An in-place save: truncate, write, close.
        pending.add("content/a.md".into(), Signal::Writing, start);
        pending.add("content/a.md".into(), Signal::Writing, start);
        pending.add("content/a.md".into(), Signal::Closed, start + MS);
        assert_eq!(pending.next_check(start + MS), Some(start + MS + QUIET));
        assert!(
            !pending.is_due(start + MS, settled_when_closed),
            "still within the quiet period"
        );
        assert!(pending.is_due(start + MS + QUIET, settled_when_closed));
        assert_eq!(pending.take(), [PathBuf::from("content/a.md")]);
        assert!(pending.is_empty());
        assert_eq!(pending.next_check(start + SETTLE), None);
    }

    #[test]
    fn a_write_in_progress_waits_for_the_close_or_the_settle_time() {
        let start = Instant::now();
        let mut pending = Pending::default();
        pending.add("content/a.md".into(), Signal::Writing, start);
        assert!(
            !pending.is_due(start + QUIET, settled_when_closed),
            "the writer has it open"
        );
        assert_eq!(pending.next_check(start + QUIET), Some(start + SETTLE));
        assert!(
            pending.is_due(start + SETTLE, settled_when_closed),
            "no close reported: the settle time"
        );

        // Attributes changed after the write do not end it; the close does.
        pending.add("content/a.md".into(), Signal::Changed, start + SETTLE);
        assert!(!pending.is_due(start + SETTLE + QUIET, settled_when_closed));
        pending.add("content/a.md".into(), Signal::Closed, start + SETTLE + QUIET);
        assert!(pending.is_due(start + SETTLE + QUIET * 2, settled_when_closed));
    }

    #[test]
    fn a_path_that_is_not_settled_holds_back_the_batch() {
        let start = Instant::now();
        let mut pending = Pending::default();
        pending.add("content/a.md".into(), Signal::Changed, start); // renamed away to a backup
        pending.add("content/a.md~".into(), Signal::Replaced, start);
        let gone = |path: &Path, _: bool| path != Path::new("content/a.md");
        assert!(!pending.is_due(start + QUIET, gone));
        assert!(pending.is_due(start + SETTLE, gone));
    }

    #[test]
    fn a_busy_folder_still_gets_a_batch_out() {
        let start = Instant::now();
        let mut pending = Pending::default();
        let mut now = start;
        while now < start + MAX_WAIT {
            pending.add("content/log.md".into(), Signal::Writing, now);
            assert!(!pending.is_due(now, settled_when_closed));
            now += MS * 2;
        }
        assert!(pending.is_due(now, settled_when_closed));
    }
}
