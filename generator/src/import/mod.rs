//! Sites written for other tools, built unchanged: which kind of site a folder holds, and its
//! configuration as the build's [`SiteConfig`]. Each tool's reader lives in its own module and turns
//! the site into what the pipeline already consumes (the config and the content tree), so an imported
//! site goes through the same stages as an edgedocs site.

pub mod mdbook;

use crate::config::{self, CONFIG_FILE, Overrides, SiteConfig};
use crate::diagnostics::BuildFailed;
use std::path::Path;

/// The kind of site a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    /// `site.toml`: an edgedocs site.
    Edgedocs,
    /// `book.toml` (and no `site.toml`): an mdBook book.
    MdBook,
}

/// What `root` holds; an edgedocs site when it holds nothing known (its errors say what is missing).
pub fn detect(root: &Path) -> SiteKind {
    if !root.join(CONFIG_FILE).is_file() && root.join(mdbook::BOOK_FILE).is_file() {
        SiteKind::MdBook
    } else {
        SiteKind::Edgedocs
    }
}

/// Reads the configuration of the site at `root`, whatever its kind.
pub fn load_config(root: &Path, overrides: &Overrides) -> Result<SiteConfig, BuildFailed> {
    match detect(root) {
        SiteKind::Edgedocs => config::load_with(root, overrides),
        SiteKind::MdBook => mdbook::load_config(root, overrides),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_is_a_folder_with_book_toml_and_no_site_toml() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(detect(dir.path()), SiteKind::Edgedocs);
        std::fs::write(dir.path().join("book.toml"), "").unwrap();
        assert_eq!(detect(dir.path()), SiteKind::MdBook);
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        assert_eq!(detect(dir.path()), SiteKind::Edgedocs, "site.toml wins");
    }
}
