//! Sites written for other generators, built unchanged: which kind of site a folder holds, and the
//! readers that turn another generator's configuration and content into what the pipeline already
//! consumes (the site configuration and the content tree). The content itself goes through the same
//! stages as an edgedocs site.

pub mod mdbook;
pub(crate) mod zola;

use std::path::Path;

/// The kind of site a folder holds, by its configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SiteSource {
    /// `site.toml`: an edgedocs site.
    #[default]
    Edgedocs,
    /// `zola.toml` or `config.toml`, and no `site.toml` or `book.toml`: a Zola site.
    Zola,
    /// `book.toml`, and no `site.toml`: an mdBook book.
    MdBook,
}

/// What the folder `root` holds: `site.toml` wins; else `book.toml` makes it an mdBook book; else a
/// Zola configuration makes it a Zola site; else it is taken for an edgedocs site (whose missing
/// `site.toml` is then reported).
pub fn detect(root: &Path) -> SiteSource {
    if root.join(crate::config::CONFIG_FILE).is_file() {
        SiteSource::Edgedocs
    } else if root.join(mdbook::BOOK_FILE).is_file() {
        SiteSource::MdBook
    } else if zola::config_file(root).is_some() {
        SiteSource::Zola
    } else {
        SiteSource::Edgedocs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_file_names_the_kind_of_site() {
        for (files, expected) in [
            (&["site.toml", "config.toml"][..], SiteSource::Edgedocs),
            (&["site.toml", "book.toml"][..], SiteSource::Edgedocs),
            (&["config.toml"][..], SiteSource::Zola),
            (&["zola.toml"][..], SiteSource::Zola),
            (&["book.toml"][..], SiteSource::MdBook),
            (&["book.toml", "config.toml"][..], SiteSource::MdBook),
            (&[][..], SiteSource::Edgedocs),
        ] {
            let dir = tempfile::tempdir().unwrap();
            for file in files {
                std::fs::write(dir.path().join(file), "").unwrap();
            }
            assert_eq!(detect(dir.path()), expected, "{files:?}");
        }
    }
}
