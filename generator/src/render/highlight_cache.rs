//! The persistent cache of highlighted code blocks, `.edgedocs/cache/highlight/` under the site root,
//! so that a rebuild highlights only the blocks that changed. It owns the folder and its files; what a
//! block's key covers is [`edgedocs_highlight::FrameKey`]'s concern.
//!
//! One file per page holds the frames of that page's blocks: a rebuild reads one small file per page
//! instead of one per block, and each file is rewritten whole, so the cache holds the blocks the pages
//! have now and no more. The files sit in a folder named after the highlighter's fingerprint
//! ([`edgedocs_highlight::output_fingerprint`]: its version, code and grammars), and each file repeats
//! the fingerprint and ends with a BLAKE3 checksum of its bytes. A file that is truncated, damaged or
//! from another version is ignored and replaced: a cache problem can cost time, never change the output.
//!
//! Writes go to a temporary file renamed over the old one, so a build that reads while another writes
//! sees the whole old file or the whole new one. A full build ([`HighlightCache::sweep`]) deletes the
//! files of pages the site no longer has and the folders of other fingerprints, so the cache stays as
//! large as the site's code. Deleting `.edgedocs/cache/` at any time is safe.

use crate::site_root::{SiteRoot, slash_path};
use edgedocs_highlight::{FrameCache, FrameKey};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// The cache's folder, relative to the site root.
pub(crate) const HIGHLIGHT_CACHE_FOLDER: &str = ".edgedocs/cache/highlight";

/// The first bytes of every page file; a new layout gets a new magic.
const MAGIC: &[u8; 8] = b"EDHLC01\n";
/// A page file larger than this is not read (it is not one the build wrote).
const MAX_PAGE_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// A temporary file left this long ago is from a build that stopped before renaming it.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);
const TEMPORARY_PREFIX: &str = ".tmp-";

/// How many code blocks came from the cache and how many were highlighted (blocks with a warning,
/// which are never kept, among them), in one build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HighlightCacheStats {
    pub reused: usize,
    pub highlighted: usize,
}

/// The cache of one site, shared by the threads that render its pages.
pub(crate) struct HighlightCache {
    /// The fingerprint's folder, inside the site root.
    folder: PathBuf,
    fingerprint: [u8; 32],
    reused: AtomicUsize,
    highlighted: AtomicUsize,
    /// Names temporary files apart within this process.
    next_temporary: AtomicU64,
}

impl HighlightCache {
    /// Opens (creating it) the cache of the site at `site_root`. `None` when the folder cannot be
    /// created or leads outside the site (a symlink): the build then highlights every block.
    pub(crate) fn open(site_root: &SiteRoot) -> Option<HighlightCache> {
        let fingerprint = edgedocs_highlight::output_fingerprint();
        let fingerprint_folder = hex(&fingerprint[..8]);
        // Folder by folder, none of them a symlink: the cache never writes outside the site.
        let mut folder = site_root.path().to_path_buf();
        for name in HIGHLIGHT_CACHE_FOLDER.split('/').chain([fingerprint_folder.as_str()]) {
            folder.push(name);
            match folder.symlink_metadata() {
                Ok(metadata) if metadata.is_dir() => {}
                Ok(_) => return None,
                Err(_) => std::fs::create_dir(&folder).ok()?,
            }
        }
        if !site_root.is_inside(&folder) {
            return None;
        }
        let ignore = site_root
            .path()
            .join(crate::local_kv::LOCAL_STATE_FOLDER)
            .join(".gitignore");
        if !ignore.exists() {
            // Like the preview's local state: never committed.
            let _ = std::fs::write(ignore, "# edgedocs' local state and caches: never committed.\n*\n");
        }
        Some(HighlightCache {
            folder,
            fingerprint,
            reused: AtomicUsize::new(0),
            highlighted: AtomicUsize::new(0),
            next_temporary: AtomicU64::new(0),
        })
    }

    /// The frames kept for the page made from `source` (its path relative to the site root).
    pub(crate) fn page(&self, source: &Path) -> PageFrames<'_> {
        let file = self.folder.join(page_file_name(source));
        let (kept, unreadable) = match read_page_file(&file, &self.fingerprint) {
            Some(kept) => (kept, false),
            None => (HashMap::new(), file.symlink_metadata().is_ok()),
        };
        PageFrames {
            cache: self,
            file,
            kept: Mutex::new(kept),
            used: Mutex::new(HashMap::new()),
            // A file that could not be read is replaced (or deleted) whatever the page holds.
            changed: Mutex::new(unreadable),
        }
    }

    /// What this build took from the cache so far.
    pub(crate) fn stats(&self) -> HighlightCacheStats {
        HighlightCacheStats {
            reused: self.reused.load(Ordering::Relaxed),
            highlighted: self.highlighted.load(Ordering::Relaxed),
        }
    }

    /// After a full build: deletes the files of pages not in `sources` (the site's pages, by source
    /// path), temporary files left by builds that stopped, and the folders of other fingerprints.
    pub(crate) fn sweep<'a>(&self, sources: impl IntoIterator<Item = &'a Path>) {
        let live: HashSet<OsString> = sources
            .into_iter()
            .map(|source| OsString::from(page_file_name(source)))
            .collect();
        if let Ok(entries) = std::fs::read_dir(&self.folder) {
            let now = SystemTime::now();
            for entry in entries.flatten() {
                let name = entry.file_name();
                let stale_temporary = name.to_string_lossy().starts_with(TEMPORARY_PREFIX)
                    && entry
                        .metadata()
                        .and_then(|metadata| metadata.modified())
                        .is_ok_and(|modified| now.duration_since(modified).unwrap_or_default() > STALE_TEMPORARY);
                let is_temporary = name.to_string_lossy().starts_with(TEMPORARY_PREFIX);
                if (!is_temporary && !live.contains(&name)) || stale_temporary {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        if let Some(parent) = self.folder.parent()
            && let Ok(entries) = std::fs::read_dir(parent)
        {
            for entry in entries.flatten() {
                if entry.path() != self.folder && entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }

    fn temporary_file(&self) -> PathBuf {
        let n = self.next_temporary.fetch_add(1, Ordering::Relaxed);
        self.folder
            .join(format!("{TEMPORARY_PREFIX}{}-{n}", std::process::id()))
    }
}

/// The frames of one page's blocks, while the page renders: those kept from an earlier build, and those
/// this render used. [`PageFrames::finish`] writes the page's file when they differ.
pub(crate) struct PageFrames<'a> {
    cache: &'a HighlightCache,
    file: PathBuf,
    kept: Mutex<HashMap<FrameKey, String>>,
    used: Mutex<HashMap<FrameKey, String>>,
    /// A frame was rendered, or the page's file could not be read.
    changed: Mutex<bool>,
}

impl FrameCache for PageFrames<'_> {
    fn get(&self, key: &FrameKey) -> Option<String> {
        let mut used = lock(&self.used);
        let found = match used.get(key) {
            Some(html) => Some(html.clone()),
            None => lock(&self.kept).remove(key).inspect(|html| {
                used.insert(*key, html.clone());
            }),
        };
        let counter = if found.is_some() {
            &self.cache.reused
        } else {
            &self.cache.highlighted
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn put(&self, key: FrameKey, html: &str) {
        lock(&self.used).insert(key, html.to_owned());
        *lock(&self.changed) = true;
    }
}

impl PageFrames<'_> {
    /// Writes the page's file if this render used other frames than the file holds: new ones, or
    /// fewer. A page without code blocks keeps no file. Write errors only cost the next build time.
    pub(crate) fn finish(self) {
        let used = self
            .used
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let kept = self
            .kept
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let changed = self
            .changed
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !changed && kept.is_empty() {
            return;
        }
        if used.is_empty() {
            let _ = std::fs::remove_file(&self.file);
            return;
        }
        let temporary = self.cache.temporary_file();
        let bytes = encode_page_file(&self.cache.fingerprint, &used);
        if std::fs::write(&temporary, bytes).is_err() || std::fs::rename(&temporary, &self.file).is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The name of a page's file: a hash of its source path, so any path makes a plain file name.
fn page_file_name(source: &Path) -> String {
    hex(&blake3::hash(slash_path(source).as_bytes()).as_bytes()[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A page file: the magic, the fingerprint, the number of frames, each frame as its key, its length
/// (u32, little-endian) and its HTML, then a BLAKE3 hash of everything before it.
fn encode_page_file(fingerprint: &[u8; 32], frames: &HashMap<FrameKey, String>) -> Vec<u8> {
    let size = frames.values().map(|html| 36 + html.len()).sum::<usize>();
    let mut bytes = Vec::with_capacity(MAGIC.len() + 32 + 4 + size + 32);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(fingerprint);
    bytes.extend_from_slice(&u32::try_from(frames.len()).unwrap_or(u32::MAX).to_le_bytes());
    for (key, html) in frames.iter().take(u32::MAX as usize) {
        bytes.extend_from_slice(&key.0);
        bytes.extend_from_slice(&u32::try_from(html.len()).unwrap_or(u32::MAX).to_le_bytes());
        bytes.extend_from_slice(html.as_bytes());
    }
    let checksum = blake3::hash(&bytes);
    bytes.extend_from_slice(checksum.as_bytes());
    bytes
}

/// Reads a page file; `None` when it is missing, not a regular file, too large, damaged, or from
/// another fingerprint.
fn read_page_file(file: &Path, fingerprint: &[u8; 32]) -> Option<HashMap<FrameKey, String>> {
    // Not through a symlink: the folder was checked to be inside the site, its files are the build's.
    if !file.symlink_metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .ok()?
        .take(MAX_PAGE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    decode_page_file(&bytes, fingerprint)
}

fn decode_page_file(bytes: &[u8], fingerprint: &[u8; 32]) -> Option<HashMap<FrameKey, String>> {
    let body_len = bytes.len().checked_sub(32)?;
    let (body, checksum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != checksum {
        return None;
    }
    let mut reader = Reader { bytes: body };
    if reader.take(MAGIC.len())? != MAGIC || reader.take(32)? != fingerprint {
        return None;
    }
    let count = reader.u32()?;
    let mut frames = HashMap::new();
    for _ in 0..count {
        let key = FrameKey(reader.take(32)?.try_into().ok()?);
        let len = reader.u32()? as usize;
        let html = std::str::from_utf8(reader.take(len)?).ok()?;
        frames.insert(key, html.to_owned());
    }
    reader.bytes.is_empty().then_some(frames)
}

/// Reads a page file's fields in order, failing past the end.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        if len > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgedocs_highlight::{FrameOptions, LineRanges, render_code_frame_cached};

    fn site() -> (tempfile::TempDir, SiteRoot) {
        let dir = tempfile::tempdir().unwrap();
        let root = SiteRoot::new(dir.path()).unwrap();
        (dir, root)
    }

    /// Renders `code` as a Rust block of `page` through the cache, as a page render does.
    fn render_page(cache: &HighlightCache, page: &str, blocks: &[&str]) -> Vec<String> {
        let frames = cache.page(Path::new(page));
        let none = LineRanges::default();
        let options = FrameOptions {
            lang: Some("rust"),
            title: None,
            highlighted_lines: &none,
            inserted_lines: &none,
            deleted_lines: &none,
            hidden_lines: &none,
        };
        let html = blocks
            .iter()
            .map(|code| render_code_frame_cached(&frames, &options, code).html)
            .collect();
        frames.finish();
        html
    }

    fn page_files(cache: &HighlightCache) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&cache.folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_second_build_reuses_every_block_and_renders_the_same_html() {
        let (_dir, root) = site();
        let first = HighlightCache::open(&root).unwrap();
        let html = render_page(&first, "content/a.md", &["fn a() {}\n", "let b = 1;\n"]);
        assert_eq!(
            first.stats(),
            HighlightCacheStats {
                reused: 0,
                highlighted: 2
            }
        );

        let second = HighlightCache::open(&root).unwrap();
        assert_eq!(
            render_page(&second, "content/a.md", &["fn a() {}\n", "let b = 1;\n"]),
            html
        );
        assert_eq!(
            second.stats(),
            HighlightCacheStats {
                reused: 2,
                highlighted: 0
            }
        );
        assert_eq!(page_files(&second).len(), 1);
    }

    #[test]
    fn a_page_file_keeps_only_the_blocks_the_page_has_now() {
        let (_dir, root) = site();
        let cache = HighlightCache::open(&root).unwrap();
        render_page(&cache, "content/a.md", &["fn a() {}\n", "fn old() {}\n"]);
        render_page(&cache, "content/a.md", &["fn a() {}\n", "fn new() {}\n"]);
        let file = &page_files(&cache)[0];
        let kept = read_page_file(file, &cache.fingerprint).unwrap();
        assert_eq!(kept.len(), 2);
        assert!(kept.values().any(|html| html.contains("new")));
        assert!(!kept.values().any(|html| html.contains("old")));
        // The page lost its code: its file goes.
        render_page(&cache, "content/a.md", &[]);
        assert!(page_files(&cache).is_empty());
    }

    #[test]
    fn a_damaged_file_is_ignored_and_replaced() {
        let (_dir, root) = site();
        let cache = HighlightCache::open(&root).unwrap();
        let html = render_page(&cache, "content/a.md", &["fn a() {}\n"]);
        let file = page_files(&cache).remove(0);
        let good = std::fs::read(&file).unwrap();
        for damaged in [
            good[..good.len() / 2].to_vec(),
            Vec::new(),
            {
                let mut flipped = good.clone();
                flipped[50] ^= 1;
                flipped
            },
            b"not a cache file at all, but long enough to hold a checksum".to_vec(),
        ] {
            std::fs::write(&file, &damaged).unwrap();
            let again = HighlightCache::open(&root).unwrap();
            assert_eq!(render_page(&again, "content/a.md", &["fn a() {}\n"]), html);
            assert_eq!(
                again.stats(),
                HighlightCacheStats {
                    reused: 0,
                    highlighted: 1
                }
            );
            assert_eq!(std::fs::read(&file).unwrap(), good, "the file is written again");
        }
    }

    #[test]
    fn a_file_of_another_fingerprint_is_not_read() {
        let mut frames = HashMap::new();
        frames.insert(FrameKey([7; 32]), "<figure>x</figure>".to_owned());
        let bytes = encode_page_file(&[1; 32], &frames);
        assert_eq!(decode_page_file(&bytes, &[1; 32]), Some(frames));
        assert_eq!(decode_page_file(&bytes, &[2; 32]), None);
    }

    #[test]
    fn decoding_never_reads_past_the_end() {
        let mut frames = HashMap::new();
        frames.insert(FrameKey([7; 32]), "<b>".to_owned());
        let bytes = encode_page_file(&[1; 32], &frames);
        // A valid checksum over a body whose length field claims more than is there.
        let mut body = bytes[..bytes.len() - 32].to_vec();
        let length_at = MAGIC.len() + 32 + 4 + 32;
        body[length_at..length_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let checksum = *blake3::hash(&body).as_bytes();
        body.extend_from_slice(&checksum);
        assert_eq!(decode_page_file(&body, &[1; 32]), None);
    }

    #[test]
    fn the_sweep_deletes_removed_pages_and_other_fingerprints() {
        let (dir, root) = site();
        let cache = HighlightCache::open(&root).unwrap();
        render_page(&cache, "content/a.md", &["fn a() {}\n"]);
        render_page(&cache, "content/gone.md", &["fn b() {}\n"]);
        let old_version = dir.path().join(HIGHLIGHT_CACHE_FOLDER).join("0123456789abcdef");
        std::fs::create_dir_all(&old_version).unwrap();
        std::fs::write(old_version.join("x"), "old").unwrap();
        let fresh_temporary = cache.folder.join(format!("{TEMPORARY_PREFIX}1-1"));
        std::fs::write(&fresh_temporary, "a concurrent build's").unwrap();

        cache.sweep([Path::new("content/a.md")]);
        let files = page_files(&cache);
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files.contains(&cache.folder.join(page_file_name(Path::new("content/a.md")))));
        assert!(fresh_temporary.exists(), "another build may still rename it");
        assert!(!old_version.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_cache_folder_that_leads_outside_the_site_is_not_used() {
        let (dir, root) = site();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".edgedocs")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(".edgedocs/cache")).unwrap();
        assert!(HighlightCache::open(&root).is_none());
    }

    #[test]
    fn the_local_state_folder_is_ignored_by_git() {
        let (dir, root) = site();
        HighlightCache::open(&root).unwrap();
        let ignore = std::fs::read_to_string(dir.path().join(".edgedocs/.gitignore")).unwrap();
        assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
    }
}
