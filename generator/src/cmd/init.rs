//! `edgedocs init [DIR]`: start a new site.

use clap::Args;
use edgedocs::terminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// The folder for the new site (created if missing). Default: the current folder.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Add the site's files to a folder that is not empty (an existing file is never replaced).
    #[arg(long)]
    force: bool,
}

pub(super) fn execute(args: InitArgs) -> anyhow::Result<()> {
    let done = edgedocs::scaffold::init(&args.dir, args.force)?;
    for kept in &done.kept {
        terminal::note(&format!("kept the existing {}", kept.display()));
    }
    let cd = if args.dir == Path::new(".") {
        String::new()
    } else {
        format!("  cd {}\n", args.dir.display())
    };
    terminal::print(&format!(
        "Created the site \"{}\" ({} files).\n\nNext:\n{cd}  edgedocs serve    # preview it at http://127.0.0.1:1111; pages follow every save\n  edgedocs build    # the site, into public/, ready for any static host\n  npx wrangler deploy    # after a build: the site and its edge on Cloudflare (see wrangler.jsonc)\n",
        done.title,
        done.written.len()
    ))
}
