//! Watching the site's inputs (`content/`, `themes/`, `static/`, `site.toml`) with notify. Its own thread
//! gathers the events into batches by the rules of [`super::settle`] (a finished save goes out within a
//! few milliseconds; a burst of changes, a rename away or a write in progress waits a little longer) and
//! sends each batch to the builder as paths relative to the root, with what exists there now. It decides
//! nothing about the paths: [`super::changes`] does. An input folder that appears after the start (or is
//! replaced) is watched from then on.

use super::changes::{ChangedPath, is_ignored};
use super::settle::{Pending, Signal};
use crate::terminal::note;
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{self, Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// The folders under the root whose whole tree is an input.
const INPUT_FOLDERS: [&str; 5] = ["content", "themes", "static", "templates", "assets"];

/// A running watch; dropping it stops watching (and the batching thread with it).
pub(super) struct Watch {
    _watcher: Arc<Mutex<RecommendedWatcher>>,
}

/// Starts watching the site at `root` (an absolute, canonical path); batches go to `batches`.
pub(super) fn watch(root: &Path, batches: Sender<Vec<ChangedPath>>) -> anyhow::Result<Watch> {
    let (events_in, events_out) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(events_in)?;
    if crate::import::detect(root) == crate::import::SiteSource::MdBook {
        // A book's chapters may include any file under its root, as mdBook watches it whole.
        watcher.watch(root, RecursiveMode::Recursive)?;
    } else {
        // The root itself, not recursively: `site.toml`, and input folders appearing later.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
    }
    for folder in INPUT_FOLDERS {
        let path = root.join(folder);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    let watcher = Arc::new(Mutex::new(watcher));
    let root = root.to_path_buf();
    let gatherer = Arc::downgrade(&watcher);
    std::thread::Builder::new()
        .name("edgedocs watcher".into())
        .spawn(move || {
            // Held weakly, so that dropping the `Watch` still stops the watcher and this thread.
            let watch_folder = |folder: &Path| {
                if let Some(watcher) = gatherer.upgrade() {
                    let mut watcher = watcher.lock().unwrap_or_else(PoisonError::into_inner);
                    if let Err(error) = watcher.watch(folder, RecursiveMode::Recursive) {
                        note(&format!("warning: watching {}: {error}", folder.display()));
                    }
                }
            };
            gather(&root, &events_out, &batches, watch_folder);
        })?;
    Ok(Watch { _watcher: watcher })
}

/// Gathers events into batches until the watcher or the builder goes away; `watch_folder` starts
/// watching an input folder that appeared. It does so before the batch that reports the folder goes
/// out, so the rebuild that batch causes sees every file put in the folder in the meantime.
fn gather(
    root: &Path,
    events: &Receiver<notify::Result<Event>>,
    batches: &Sender<Vec<ChangedPath>>,
    watch_folder: impl Fn(&Path),
) {
    let mut pending = Pending::default();
    loop {
        let received = match pending.next_check(Instant::now()) {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match received {
            Ok(Ok(event)) => {
                for folder in appeared_input_folders(root, &event) {
                    watch_folder(folder);
                }
                add_event(root, &mut pending, event);
            }
            Ok(Err(error)) => note(&format!("warning: watching files: {error}")),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if pending.is_due(Instant::now(), |path, writing| is_settled(root, path, writing)) {
            let batch = changed_paths(root, pending.take());
            if !batch.is_empty() && batches.send(batch).is_err() {
                return;
            }
        }
    }
}

fn add_event(root: &Path, pending: &mut Pending, event: Event) {
    let now = Instant::now();
    if event.need_rescan() {
        // The system dropped events: what changed is unknown, so the whole site is built again.
        pending.add(root.join("site.toml"), Signal::Changed, now);
        return;
    }
    let Some(signal) = signal_of(&event.kind) else {
        return;
    };
    for path in event.paths {
        pending.add(path, signal, now);
    }
}

/// The input folders (`root/content`, ...) that `event` says were created or renamed into place.
fn appeared_input_folders<'a>(root: &'a Path, event: &'a Event) -> impl Iterator<Item = &'a Path> + 'a {
    let appeared = matches!(
        event.kind,
        EventKind::Create(CreateKind::Folder) | EventKind::Modify(ModifyKind::Name(_))
    );
    event.paths.iter().map(PathBuf::as_path).filter(move |path| {
        appeared
            && path.parent() == Some(root)
            && path
                .file_name()
                .is_some_and(|name| INPUT_FOLDERS.iter().any(|folder| name == *folder))
            && path.is_dir()
    })
}

/// What an event says about its paths; `None` for reads (the build reads every input).
fn signal_of(kind: &EventKind) -> Option<Signal> {
    Some(match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Signal::Closed,
        EventKind::Access(_) => return None,
        EventKind::Create(CreateKind::Folder) => Signal::Changed,
        EventKind::Create(_) => Signal::Writing,
        EventKind::Modify(ModifyKind::Name(_)) => Signal::Replaced,
        EventKind::Modify(ModifyKind::Metadata(_)) => Signal::Changed,
        EventKind::Modify(_) => Signal::Writing,
        EventKind::Remove(_) | EventKind::Any | EventKind::Other => Signal::Changed,
    })
}

/// Whether `path` is complete as far as the build is concerned: ignored by it, or a file that exists
/// and is not being written.
fn is_settled(root: &Path, path: &Path, writing: bool) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return true;
    };
    if relative.as_os_str().is_empty() {
        return false;
    }
    is_ignored(relative) || (!writing && std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file()))
}

/// The batch as the builder sees it: each path once, relative to `root`, with what is there now.
fn changed_paths(root: &Path, paths: Vec<PathBuf>) -> Vec<ChangedPath> {
    paths
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(root).ok()?.to_path_buf();
            if relative.as_os_str().is_empty() {
                return None;
            }
            let metadata = std::fs::metadata(&path).ok();
            Some(ChangedPath {
                exists: metadata.is_some(),
                is_dir: metadata.is_some_and(|metadata| metadata.is_dir()),
                path: relative,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Batches until one holds `expected`; every path seen must be `expected` or one the build ignores
    /// (a busy machine may split a save's events over two batches).
    fn wait_for(batches: &Receiver<Vec<ChangedPath>>, expected: &ChangedPath) {
        let mut seen = Vec::new();
        while !seen.contains(expected) {
            seen.extend(batches.recv_timeout(Duration::from_secs(5)).expect("a batch"));
        }
        assert!(
            seen.iter()
                .all(|change| change.path == expected.path || is_ignored(&change.path)),
            "{seen:?}"
        );
    }

    #[test]
    fn saves_in_place_and_by_rename_arrive_as_one_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/a.md"), "one").unwrap();
        let (sender, batches) = std::sync::mpsc::channel();
        let _watch = watch(&root, sender).unwrap();

        std::fs::write(root.join("content/a.md"), "two").unwrap();
        wait_for(&batches, &ChangedPath::file("content/a.md"));

        std::fs::write(root.join("content/.a.md.tmp"), "three").unwrap();
        std::fs::rename(root.join("content/.a.md.tmp"), root.join("content/a.md")).unwrap();
        wait_for(&batches, &ChangedPath::file("content/a.md"));

        std::fs::remove_file(root.join("content/a.md")).unwrap();
        wait_for(&batches, &ChangedPath::removed("content/a.md"));
    }

    #[test]
    fn a_folder_created_after_the_start_is_watched() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("site.toml"), "").unwrap();
        let (sender, batches) = std::sync::mpsc::channel();
        let _watch = watch(&root, sender).unwrap();

        std::fs::create_dir(root.join("static")).unwrap();
        let folder = ChangedPath {
            path: PathBuf::from("static"),
            exists: true,
            is_dir: true,
        };
        wait_for(&batches, &folder);
        std::fs::write(root.join("static/robots.txt"), "User-agent: *\n").unwrap();
        wait_for(&batches, &ChangedPath::file("static/robots.txt"));
    }

    #[test]
    fn events_say_whether_a_write_is_finished() {
        use notify::event::{DataChange, MetadataKind, RemoveKind, RenameMode};
        assert_eq!(signal_of(&EventKind::Access(AccessKind::Open(AccessMode::Any))), None);
        assert_eq!(
            signal_of(&EventKind::Access(AccessKind::Close(AccessMode::Write))),
            Some(Signal::Closed)
        );
        assert_eq!(
            signal_of(&EventKind::Modify(ModifyKind::Data(DataChange::Any))),
            Some(Signal::Writing)
        );
        assert_eq!(signal_of(&EventKind::Create(CreateKind::File)), Some(Signal::Writing));
        assert_eq!(signal_of(&EventKind::Create(CreateKind::Folder)), Some(Signal::Changed));
        assert_eq!(
            signal_of(&EventKind::Modify(ModifyKind::Name(RenameMode::To))),
            Some(Signal::Replaced)
        );
        assert_eq!(
            signal_of(&EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any))),
            Some(Signal::Changed)
        );
        assert_eq!(signal_of(&EventKind::Remove(RemoveKind::File)), Some(Signal::Changed));
    }
}
