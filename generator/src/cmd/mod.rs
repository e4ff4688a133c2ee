//! Subcommands of the `edgedocs` binary, one module each.

mod build;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// edgedocs: a static-site generator for documentation, with a Cloudflare edge middleware.
#[derive(Debug, Parser)]
#[command(name = "edgedocs", version, about)]
pub struct Cli {
    /// The site's root folder (the one with site.toml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into a folder of static files.
    Build(build::BuildArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build::execute(&cli.root, args),
    }
}
