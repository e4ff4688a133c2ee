//! Finding the site's sources under `content/`: Markdown documents (pages and `_index.md` section
//! indexes) and the other files that are copied beside them. Reading and parsing them is
//! [`super::tree`]'s job.

use crate::site_root::{SitePathError, SiteRoot};
use std::path::{Path, PathBuf};

/// What a file under `content/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// `_index.md`: makes its folder a section.
    SectionIndex,
    /// `index.md`: a page whose URL is its folder, with the folder's other files beside it.
    BundlePage,
    /// Any other `*.md` file.
    Page,
    /// Any other file: copied to the same place in the output.
    Asset,
}

/// One file under `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: SourceKind,
    /// Relative to `content/`, with `/` separators, e.g. `storage/kv.md`.
    pub relative: String,
    pub absolute: PathBuf,
}

/// What [`discover`] found: the files, and the paths it refused (symlinks leading out of the site).
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<SourceFile>,
    pub errors: Vec<SitePathError>,
}

/// Every file under `content_dir`, in a stable order. Hidden files and folders (`.name`) are skipped;
/// symlinks are followed only while they stay inside the site root.
pub fn discover(site_root: &SiteRoot, content_dir: &Path) -> Discovered {
    let walk = site_root.walk(content_dir, true);
    let files = walk
        .files
        .into_iter()
        .map(|file| {
            let name = file.relative.rsplit('/').next().unwrap_or(&file.relative);
            let kind = match name {
                "_index.md" => SourceKind::SectionIndex,
                "index.md" => SourceKind::BundlePage,
                _ if name.ends_with(".md") => SourceKind::Page,
                _ => SourceKind::Asset,
            };
            SourceFile {
                kind,
                relative: file.relative,
                absolute: file.path,
            }
        })
        .collect();
    Discovered {
        files,
        errors: walk.errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_files_and_skips_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "_index.md",
            "storage/_index.md",
            "storage/kv.md",
            "guide/index.md",
            "guide/diagram.png",
            ".git/x.md",
            "storage/.draft.md",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let root = SiteRoot::new(dir.path()).unwrap();
        let found: Vec<(String, SourceKind)> = discover(&root, dir.path())
            .files
            .into_iter()
            .map(|f| (f.relative, f.kind))
            .collect();
        assert_eq!(
            found,
            vec![
                ("_index.md".to_owned(), SourceKind::SectionIndex),
                ("guide/diagram.png".to_owned(), SourceKind::Asset),
                ("guide/index.md".to_owned(), SourceKind::BundlePage),
                ("storage/_index.md".to_owned(), SourceKind::SectionIndex),
                ("storage/kv.md".to_owned(), SourceKind::Page),
            ]
        );
    }
}
