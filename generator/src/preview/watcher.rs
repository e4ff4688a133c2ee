//! Watching the site's inputs (`content/`, `themes/`, `static/`, `site.toml`) with notify through
//! notify-debouncer-full, which pairs a rename's two halves and merges an editor's burst of writes. Each
//! debounced batch goes to the builder as paths relative to the root, with what exists there now. It
//! decides nothing about the paths: [`super::changes`] does.

use super::changes::ChangedPath;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long the watcher waits after a file's last event before reporting it: long enough to merge an
/// editor's write-rename-chmod burst, short enough to stay out of the way.
pub const DEBOUNCE: Duration = Duration::from_millis(30);
/// How often the debouncer looks for quiet files; the delay to a report is `DEBOUNCE` plus up to this.
const TICK: Duration = Duration::from_millis(5);

/// A running watch; dropping it stops watching.
pub struct Watch {
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
}

/// Starts watching the site at `root` (an absolute, canonical path); batches go to `batches`.
pub fn watch(root: &Path, batches: Sender<Vec<ChangedPath>>) -> anyhow::Result<Watch> {
    let handler_root = root.to_path_buf();
    let mut debouncer = new_debouncer(DEBOUNCE, Some(TICK), move |result: DebounceEventResult| match result {
        Ok(events) => {
            // Reading a file is an event too (the build reads every input): only changes count.
            let paths = events
                .iter()
                .filter(|event| !matches!(event.kind, EventKind::Access(_)))
                .flat_map(|event| event.paths.iter());
            let batch = changed_paths(&handler_root, paths);
            if !batch.is_empty() {
                let _ = batches.send(batch);
            }
        }
        Err(errors) => {
            for error in errors {
                eprintln!("warning: watching files: {error}");
            }
        }
    })?;
    // The root itself, not recursively: `site.toml`, and `content/` or `static/` appearing later.
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    for folder in ["content", "themes", "static"] {
        let path = root.join(folder);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(Watch { _debouncer: debouncer })
}

/// The batch as the builder sees it: each path once, relative to `root`, with what is there now.
fn changed_paths<'a>(root: &Path, paths: impl Iterator<Item = &'a PathBuf>) -> Vec<ChangedPath> {
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        if let Ok(relative) = path.strip_prefix(root) {
            seen.insert(relative.to_path_buf());
        }
    }
    seen.into_iter()
        .filter(|relative| !relative.as_os_str().is_empty())
        .map(|relative| {
            let metadata = std::fs::metadata(root.join(&relative)).ok();
            ChangedPath {
                exists: metadata.is_some(),
                is_dir: metadata.is_some_and(|metadata| metadata.is_dir()),
                path: relative,
            }
        })
        .collect()
}
