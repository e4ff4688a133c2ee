//! The output on disk: a staging folder beside the target, swapped in place of it only when the whole
//! build succeeded, so a failed build leaves the previous site intact.

use super::{OutputSink, check_output_path, fs};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// A staging folder beside the output folder; [`StagedOutput::commit`] swaps it in.
pub(crate) struct StagedOutput {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedOutput {
    /// Prepares an empty staging folder beside `target`.
    pub(crate) fn new(target: &Path) -> Result<Self> {
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
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        Ok(Self {
            staging,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Replaces the target folder with the staged one.
    pub(crate) fn commit(mut self) -> Result<()> {
        let parent = self.staging.parent().unwrap_or(Path::new("."));
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let previous = parent.join(format!(".{name}.previous-{}", std::process::id()));
        let had_previous = self.target.exists();
        if had_previous {
            fs::rename(&self.target, &previous)?;
        }
        if let Err(error) = fs::rename(&self.staging, &self.target) {
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
        fs::write(&self.staging.join(path), contents)
    }

    fn write_streamed(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        check_output_path(path)?;
        fs::write_streamed(&self.staging.join(path), fill)
    }

    fn can_read_back(&self) -> bool {
        true
    }

    fn read_back(&self, path: &str) -> Result<Vec<u8>> {
        check_output_path(path)?;
        fs::read(&self.staging.join(path))
    }
}
