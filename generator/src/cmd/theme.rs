//! `edgedocs theme eject`: copy the built-in theme into the site to own all of it.

use clap::{Args, Subcommand};
use std::path::Path;

#[derive(Debug, Args)]
pub(super) struct ThemeArgs {
    #[command(subcommand)]
    command: ThemeCommand,
}

#[derive(Debug, Subcommand)]
enum ThemeCommand {
    /// Copy the built-in theme into `themes/default/`. The site then builds with that copy and no longer
    /// gets updates of the built-in theme; to change a few files, put them in the site's own
    /// `templates/`, `assets/` or `static/` instead.
    Eject {
        /// Overwrite the files of an existing `themes/default/`.
        #[arg(long)]
        force: bool,
    },
}

pub(super) fn execute(root: &Path, args: ThemeArgs) -> anyhow::Result<()> {
    match args.command {
        ThemeCommand::Eject { force } => {
            let ejected = edgedocs::theme::eject::eject(root, force)?;
            println!(
                "Wrote {} files into {}/; the site now builds with this copy of the theme.",
                ejected.files,
                ejected.folder.display()
            );
            Ok(())
        }
    }
}
