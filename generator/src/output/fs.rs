//! File-system calls of the output folder that always say which path failed, so an I/O error never
//! reaches the author without the path it concerns. (What the build reads goes through
//! [`crate::site_root`], which also confines and bounds it.)

use anyhow::{Context, Result};
use std::fs;
use std::path::Path;

pub(super) fn write(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    fs::write(path, contents).with_context(|| format!("could not write `{}`", path.display()))
}

/// Writes `path` from the pieces `fill` writes, through a buffer.
pub(super) fn write_streamed(
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    let context = || format!("could not write `{}`", path.display());
    let file = fs::File::create(path).with_context(context)?;
    let mut buffered = std::io::BufWriter::with_capacity(256 * 1024, file);
    fill(&mut buffered).with_context(context)?;
    buffered.flush().with_context(context)
}

pub(super) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("could not read back `{}`", path.display()))
}

pub(super) fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).with_context(|| format!("could not create the folder `{}`", path.display()))
}

pub(super) fn remove_dir_all(path: &Path) -> Result<()> {
    fs::remove_dir_all(path).with_context(|| format!("could not remove the folder `{}`", path.display()))
}

pub(super) fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).with_context(|| format!("could not move `{}` to `{}`", from.display(), to.display()))
}
