//! When each content file was last changed, from git history: one `git log --name-only` walk over
//! `content/` per build (not one process per page), giving every file the date of the newest commit
//! that touched it. No git, a site outside a repository, or any git failure gives no dates: the pages
//! then simply show none. It does not decide what a page shows; the template context does.

use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Starts every commit's header line in the log, so a file name can never be mistaken for one.
const COMMIT_MARK: char = '\u{1e}';

/// When a document was last updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Updated {
    /// The full timestamp, for `<time datetime>` and the sitemap's `<lastmod>`:
    /// `2026-03-01T10:15:00+01:00`.
    pub datetime: String,
    /// The calendar date to show: `2026-03-01`.
    pub date: String,
}

impl Updated {
    /// From a strict ISO 8601 timestamp (`git log --format=%cI`) or a bare `YYYY-MM-DD`; `None` for
    /// anything else.
    pub(crate) fn parse(written: &str) -> Option<Self> {
        let written = written.trim();
        let date = written.get(..10)?;
        let bytes = date.as_bytes();
        let is_date = bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
        let rest = &written[10..];
        let valid_rest = rest.is_empty()
            || (rest.starts_with('T')
                && rest
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, 'T' | ':' | '+' | '-' | 'Z' | '.')));
        (is_date && valid_rest).then(|| Self {
            datetime: written.to_owned(),
            date: date.to_owned(),
        })
    }
}

/// The last-updated date of each content file, by its path relative to the site root
/// (`content/storage/kv.md`).
#[derive(Debug, Default)]
pub(crate) struct GitDates {
    by_source: HashMap<PathBuf, Updated>,
}

impl GitDates {
    /// Reads the history of `content/` under `root`. Empty when git is missing, `root` is not in a
    /// repository, or git fails.
    pub(crate) fn read(root: &Path, content_folder: &Path) -> Self {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "-c",
                "core.quotePath=false",
                "log",
                "--relative",
                "--no-renames",
                "--name-only",
                "--format=\u{1e}%cI",
                "--",
            ])
            .arg(content_folder)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        match output {
            Ok(output) if output.status.success() => Self::parse(&String::from_utf8_lossy(&output.stdout)),
            _ => Self::default(),
        }
    }

    /// Reads the output of the `git log` that [`GitDates::read`] runs: commits newest first, each a
    /// marked date line followed by the files it touched. The first date seen for a file is its newest.
    pub(crate) fn parse(log: &str) -> Self {
        let mut by_source = HashMap::new();
        let mut current: Option<Updated> = None;
        for line in log.lines() {
            if let Some(date) = line.strip_prefix(COMMIT_MARK) {
                current = Updated::parse(date);
            } else if !line.is_empty()
                && let Some(updated) = &current
            {
                by_source.entry(PathBuf::from(line)).or_insert_with(|| updated.clone());
            }
        }
        Self { by_source }
    }

    /// When `source` (relative to the site root) was last committed.
    pub(crate) fn get(&self, source: &Path) -> Option<&Updated> {
        self.by_source.get(source)
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.by_source.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_that_touched_a_file_gives_its_date() {
        let log = "\u{1e}2026-03-02T09:00:00+01:00\n\ncontent/storage/kv.md\ncontent/a b.md\n\
                   \u{1e}2026-02-01T08:00:00Z\n\ncontent/storage/kv.md\ncontent/_index.md\n";
        let dates = GitDates::parse(log);
        let date_of = |path: &str| dates.get(Path::new(path)).map(|updated| updated.date.as_str());
        assert_eq!(date_of("content/storage/kv.md"), Some("2026-03-02"));
        assert_eq!(date_of("content/a b.md"), Some("2026-03-02"));
        assert_eq!(date_of("content/_index.md"), Some("2026-02-01"));
        assert_eq!(date_of("content/missing.md"), None);
        assert_eq!(
            dates.get(Path::new("content/_index.md")).unwrap().datetime,
            "2026-02-01T08:00:00Z"
        );
    }

    #[test]
    fn dates_are_iso_8601_or_nothing() {
        assert_eq!(Updated::parse("2026-03-02").unwrap().date, "2026-03-02");
        assert_eq!(
            Updated::parse("2026-03-02T09:00:00+01:00").unwrap().datetime,
            "2026-03-02T09:00:00+01:00"
        );
        for written in [
            "",
            "2026-3-2",
            "yesterday",
            "2026-03-02 09:00",
            "2026-03-02T<b>",
            "2026/03/02",
        ] {
            assert_eq!(Updated::parse(written), None, "{written}");
        }
    }

    #[test]
    fn a_folder_outside_any_repository_has_no_dates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        // GIT_CEILING_DIRECTORIES is not needed: a temp folder is not inside this repository.
        assert!(GitDates::read(dir.path(), Path::new("content")).is_empty());
    }

    #[test]
    fn a_repository_gives_each_file_its_last_commit_date() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str], date: &str| {
            let status = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .env("GIT_AUTHOR_DATE", date)
                .env("GIT_COMMITTER_DATE", date)
                .env("GIT_AUTHOR_NAME", "a")
                .env("GIT_AUTHOR_EMAIL", "a@x.dev")
                .env("GIT_COMMITTER_NAME", "a")
                .env("GIT_COMMITTER_EMAIL", "a@x.dev")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            status.is_ok_and(|status| status.success())
        };
        if !git(&["init", "-q"], "2026-01-01T00:00:00Z") {
            return; // no git on this machine: nothing to compare with
        }
        std::fs::create_dir_all(dir.path().join("content/guide")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), "a").unwrap();
        std::fs::write(dir.path().join("content/guide/b.md"), "b").unwrap();
        assert!(git(&["add", "."], "2026-01-01T00:00:00Z"));
        assert!(git(&["commit", "-q", "-m", "one"], "2026-01-01T10:00:00Z"));
        std::fs::write(dir.path().join("content/guide/b.md"), "b2").unwrap();
        assert!(git(&["commit", "-q", "-am", "two"], "2026-02-03T10:00:00Z"));
        let dates = GitDates::read(dir.path(), Path::new("content"));
        let date_of = |path: &str| dates.get(Path::new(path)).map(|updated| updated.date.clone());
        assert_eq!(date_of("content/a.md").as_deref(), Some("2026-01-01"));
        assert_eq!(date_of("content/guide/b.md").as_deref(), Some("2026-02-03"));
    }
}
