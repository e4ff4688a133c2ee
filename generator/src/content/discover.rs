//! Finding the site's sources under `content/`: Markdown documents (pages and `_index.md` section
//! indexes) and the other files that are copied beside them. Reading and parsing them is
//! [`super::tree`]'s job.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

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

/// Every file under `content_dir`, in a stable order. Hidden files and folders (`.name`) are skipped.
pub fn discover(content_dir: &Path) -> std::io::Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let absolute = entry.path().to_path_buf();
        let relative = absolute
            .strip_prefix(content_dir)
            .unwrap_or(&absolute)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let name = entry.file_name().to_string_lossy();
        let kind = match name.as_ref() {
            "_index.md" => SourceKind::SectionIndex,
            "index.md" => SourceKind::BundlePage,
            _ if name.ends_with(".md") => SourceKind::Page,
            _ => SourceKind::Asset,
        };
        files.push(SourceFile {
            kind,
            relative,
            absolute,
        });
    }
    Ok(files)
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
        let found: Vec<(String, SourceKind)> = discover(dir.path())
            .unwrap()
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
