//! The build, stage by stage: load config -> load theme -> discover content -> read the content tree ->
//! build assets -> load templates -> copy static files -> render documents -> write the search index ->
//! check links -> write site-wide files. Every stage reports into one set of diagnostics; the build
//! fails, with all of them, if any is an error.
//!
//! [`Site`] is a build kept in memory: [`Site::load`] runs every stage once ([`stages`]), and the
//! preview server then re-runs only the stages a change needs ([`incremental`]). [`build`] is
//! `Site::load` plus the verdict, so `build` and `serve` share the same stages.

mod incremental;
mod model;
mod stages;
mod summary;

pub use incremental::{AssetRebuild, DocumentUpdate};
pub use model::{CacheUse, Site};
pub use summary::{BuildSummary, HighlightCacheStats};

pub use crate::config::Overrides;

use crate::output::{OutputSink, StagedOutput};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Builds the site at `root` into the folder `output_dir`, replacing it only when the build succeeds.
pub fn build_to_folder(root: &Path, output_dir: &Path) -> Result<BuildSummary> {
    build_to_folder_with(root, output_dir, &Overrides::default())
}

/// [`build_to_folder`], with command-line `overrides` of `site.toml`.
pub fn build_to_folder_with(root: &Path, output_dir: &Path, overrides: &Overrides) -> Result<BuildSummary> {
    build_to_folder_using(root, output_dir, overrides, CacheUse::Off)
}

/// [`build_to_folder_with`], using `.edgedocs/cache/` as `cache` says (`edgedocs build` reads and
/// writes it unless given `--no-cache`).
pub fn build_to_folder_using(
    root: &Path,
    output_dir: &Path,
    overrides: &Overrides,
    cache: CacheUse,
) -> Result<BuildSummary> {
    let staged = StagedOutput::new(output_dir)?;
    let started = Instant::now();
    let site = Site::load_using(root, overrides, cache, &staged)?;
    let summary = site.summary(started.elapsed())?;
    staged.commit()?;
    Ok(summary)
}

/// Builds the site at `root` into `output`. Fails with [`crate::BuildFailed`] listing every error found.
pub fn build(root: &Path, output: &dyn OutputSink) -> Result<BuildSummary> {
    build_with(root, &Overrides::default(), output)
}

/// [`build`], with command-line `overrides` of `site.toml`.
pub fn build_with(root: &Path, overrides: &Overrides, output: &dyn OutputSink) -> Result<BuildSummary> {
    let started = Instant::now();
    let site = Site::load_with(root, overrides, output)?;
    Ok(site.summary(started.elapsed())?)
}

/// The output folder of a site: `<root>/public` unless given.
pub fn default_output_dir(root: &Path) -> PathBuf {
    root.join("public")
}
