//! `edgedocs build`: render the whole site into `public/` (or `--output`), and write its Worker into
//! `.edgedocs/worker/` for `wrangler deploy`.

use clap::Args;
use edgedocs::terminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub(super) struct BuildArgs {
    /// Where to write the site. Default: `public/` in the site's root.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Highlight every code block again, without reading or writing the cache of highlighted blocks
    /// in `.edgedocs/cache/`.
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// What `build` and `serve` may change of `site.toml` for one run.
#[derive(Debug, Args)]
pub struct OverrideArgs {
    /// Build for this address instead of `base_url` (a preview deploy); a path in it is honoured in
    /// every link, e.g. `https://example.github.io/project`.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Build pages with `draft = true` too.
    #[arg(long)]
    drafts: bool,
    /// Write the search index even where `site.toml` leaves `[search]` off (an imported book).
    #[arg(long)]
    search: bool,
}

impl From<OverrideArgs> for edgedocs::site::Overrides {
    fn from(args: OverrideArgs) -> Self {
        Self {
            base_url: args.base_url,
            build_drafts: args.drafts.then_some(true),
            search: args.search.then_some(true),
        }
    }
}

pub(super) fn execute(root: &Path, args: BuildArgs) -> anyhow::Result<()> {
    let output = args.output.unwrap_or_else(|| edgedocs::site::default_output_dir(root));
    let cache = if args.no_cache {
        edgedocs::site::CacheUse::Off
    } else {
        edgedocs::site::CacheUse::ReadWrite
    };
    let summary = edgedocs::site::build_to_folder_using(root, &output, &args.overrides.into(), cache)?;
    edgedocs::edge_worker::write_worker(root, &summary.edge)?;
    for warning in &summary.warnings {
        terminal::note(&warning.to_string());
    }
    // Printed last: a reader that is gone by then (`edgedocs build | head -0`) changes nothing.
    terminal::print(&format!(
        "{}\n",
        summary.line(output.strip_prefix(".").unwrap_or(&output))
    ))
}
