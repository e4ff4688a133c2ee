//! Where a build's files go: a staging folder swapped in place of `public/` only when the whole build
//! succeeded (so a failed build leaves the previous site intact), or memory (for the preview server).
//! Both are [`OutputSink`]s, so `build` and `serve` share one pipeline.

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Receives the build's files, by path relative to the site's root URL (`storage/kv/index.html`).
pub trait OutputSink: Sync {
    /// Writes one file. Fails, writing nothing, unless `path` stays inside the output (see
    /// [`check_output_path`]).
    fn write(&self, path: &str, contents: &[u8]) -> Result<()>;
}

/// Whether `path` names a file inside the output folder: relative, `/`-separated segments that are
/// neither empty nor `.` or `..`, with no `\\` or NUL. Every sink checks it before writing, so no
/// page, slug or file name can make the build write elsewhere.
pub fn check_output_path(path: &str) -> Result<()> {
    let inside = !path.is_empty()
        && !path.contains(['\\', '\0'])
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if inside {
        Ok(())
    } else {
        anyhow::bail!("refusing to write `{path}`: the path leads outside the output folder")
    }
}

/// A staging folder beside the output folder; [`StagedOutput::commit`] swaps it in.
pub struct StagedOutput {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedOutput {
    /// Prepares an empty staging folder beside `target`.
    pub fn new(target: &Path) -> Result<Self> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
        if staging.exists() {
            crate::files::remove_dir_all(&staging)?;
        }
        crate::files::create_dir_all(&staging)?;
        Ok(Self {
            staging,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    pub fn staging_dir(&self) -> &Path {
        &self.staging
    }

    /// Replaces the target folder with the staged one.
    pub fn commit(mut self) -> Result<()> {
        let parent = self.staging.parent().unwrap_or(Path::new("."));
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let previous = parent.join(format!(".{name}.previous-{}", std::process::id()));
        let had_previous = self.target.exists();
        if had_previous {
            crate::files::rename(&self.target, &previous)?;
        }
        if let Err(error) = crate::files::rename(&self.staging, &self.target) {
            if had_previous {
                let _ = std::fs::rename(&previous, &self.target);
            }
            return Err(error);
        }
        self.committed = true;
        if had_previous {
            std::fs::remove_dir_all(&previous)
                .with_context(|| format!("could not remove the previous output `{}`", previous.display()))?;
        }
        Ok(())
    }
}

impl Drop for StagedOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl OutputSink for StagedOutput {
    fn write(&self, path: &str, contents: &[u8]) -> Result<()> {
        check_output_path(path)?;
        crate::files::write(&self.staging.join(path), contents)
    }
}

/// The build's files kept in memory, for the preview server.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<HashMap<String, Arc<[u8]>>>,
}

impl MemoryOutput {
    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(path)
            .cloned()
    }

    pub fn into_files(self) -> HashMap<String, Arc<[u8]>> {
        self.files.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .keys()
            .cloned()
            .collect();
        paths.sort();
        paths
    }
}

impl OutputSink for MemoryOutput {
    fn write(&self, path: &str, contents: &[u8]) -> Result<()> {
        check_output_path(path)?;
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(path.to_owned(), Arc::from(contents));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        let staged = StagedOutput::new(&target).unwrap();
        staged.write("new/index.html", b"new").unwrap();
        staged.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(target.join("new/index.html")).unwrap(), "new");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no staging or previous folder is left behind"
        );
    }

    #[test]
    fn no_write_leaves_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("site/public");
        std::fs::create_dir_all(&target).unwrap();
        let staged = StagedOutput::new(&target).unwrap();
        let memory = MemoryOutput::default();
        for path in [
            "../index.html",
            "../../index.html",
            "a/../../index.html",
            "/etc/x",
            "",
            "a//b",
            "./index.html",
            "a\\..\\..\\x",
            "storage/\0",
        ] {
            let error = staged.write(path, b"x").unwrap_err().to_string();
            assert!(error.contains("leads outside the output folder"), "{path}: {error}");
            assert!(memory.write(path, b"x").is_err(), "{path}");
        }
        assert!(memory.paths().is_empty());
        assert_eq!(
            std::fs::read_dir(dir.path().join("site")).unwrap().count(),
            2,
            "only public/ and the staging folder"
        );
        staged.write("storage/kv/index.html", b"x").unwrap();
    }

    #[test]
    fn dropping_without_commit_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        {
            let staged = StagedOutput::new(&target).unwrap();
            staged.write("index.html", b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(target.join("old.html")).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
