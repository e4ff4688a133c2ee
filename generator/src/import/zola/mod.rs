//! Zola sites: their `zola.toml` / `config.toml` read into edgedocs' configuration ([`config`]).
//! Their front matter keys, `@/` links and shortcodes are understood by the shared stages, for every
//! site.

pub(crate) mod config;

use std::path::{Path, PathBuf};

/// The Zola configuration file of the site at `root`: `zola.toml`, else `config.toml`.
pub(crate) fn config_file(root: &Path) -> Option<PathBuf> {
    ["zola.toml", "config.toml"]
        .into_iter()
        .map(|name| root.join(name))
        .find(|path| path.is_file())
}
