//! Where a build's files go: a staging folder swapped in place of `public/` only when the whole build
//! succeeded (so a failed build leaves the previous site intact), or memory (for the preview server).
//! Both are [`OutputSink`]s, so `build` and `serve` share the same stages; each checks that a path
//! stays inside the output before writing.

mod fs;
mod memory;
mod staged;

pub(crate) use memory::MemoryOutput;
pub(crate) use staged::StagedOutput;

use anyhow::{Context, Result};

/// Receives the build's files, by path relative to the site's root URL (`storage/kv/index.html`).
pub trait OutputSink: Sync {
    /// Writes one file. Fails, writing nothing, unless `path` stays inside the output (see
    /// [`check_output_path`]).
    fn write(&self, path: &str, contents: &[u8]) -> Result<()>;

    /// Writes one file from pieces `fill` writes, without holding the whole file in memory where the
    /// sink allows it (a folder streams it to the file; memory collects it first).
    fn write_streamed(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let mut contents = Vec::new();
        fill(&mut contents).with_context(|| format!("could not write `{path}`"))?;
        self.write(path, &contents)
    }

    /// Whether [`OutputSink::read_back`] reads what this sink wrote. A build that writes to a folder
    /// reads page twins back for `llms-full.txt` instead of keeping them all in memory.
    fn can_read_back(&self) -> bool {
        false
    }

    /// A file this sink wrote earlier in the same build.
    fn read_back(&self, path: &str) -> Result<Vec<u8>> {
        anyhow::bail!("the output cannot read back `{path}`")
    }
}

/// Whether `path` names a file inside the output folder: relative, `/`-separated segments that are
/// neither empty nor `.` or `..`, with no `\\` or NUL. Every sink checks it before writing, so no
/// page, slug or file name can make the build write elsewhere.
pub(crate) fn check_output_path(path: &str) -> Result<()> {
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
