//! `edgedocs build`: render the whole site into `public/` (or `--output`).

use clap::Args;
use edgedocs::terminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site. Default: `public/` in the site's root.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn execute(root: &Path, args: BuildArgs) -> anyhow::Result<()> {
    let output = args.output.unwrap_or_else(|| edgedocs::site::default_output_dir(root));
    let summary = edgedocs::build_to_folder(root, &output)?;
    for warning in &summary.warnings {
        terminal::note(&warning.to_string());
    }
    // Printed last: a reader that is gone by then (`edgedocs build | head -0`) changes nothing.
    terminal::print(&format!(
        "{}\n",
        summary.line(output.strip_prefix(".").unwrap_or(&output))
    ))
}
