//! Subcommands of the `edgedocs` binary, one module each.

mod build;
mod init;
mod kv;
mod serve;
mod theme;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// edgedocs: a static-site generator for documentation, with a Cloudflare edge middleware.
#[derive(Debug, Parser)]
#[command(name = "edgedocs", version, about)]
pub(crate) struct Cli {
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
    /// Start a new site: site.toml, a few pages to edit, .gitignore.
    Init(init::InitArgs),
    /// Read and write the preview's local KV store, like `wrangler kv key` does the real one.
    Kv(kv::KvArgs),
    /// Serve the site with live reload and the edge's behaviour, rebuilding on every change.
    Serve(serve::ServeArgs),
    /// Work with the site's theme.
    Theme(theme::ThemeArgs),
}

pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build::execute(&cli.root, args),
        Command::Init(args) => init::execute(args),
        Command::Kv(args) => kv::execute(&cli.root, args),
        Command::Serve(args) => serve::execute(&cli.root, args),
        Command::Theme(args) => theme::execute(&cli.root, args),
    }
}
