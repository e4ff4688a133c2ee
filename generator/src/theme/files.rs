//! The theme's files as the build sees them: layers, lowest first, each a set of `templates/`, `assets/`
//! and `static/` files, where a file of a higher layer replaces the file at the same relative path
//! below it. The layers are the theme (the built-in one, embedded in the binary, or a folder
//! `themes/<name>/`) and the site itself, so a site overrides any single file of its theme (a template,
//! a partial, a stylesheet, a static file) by putting a file at the same path in its own `templates/`,
//! `assets/` or `static/`, and gets every later version of the rest.
//!
//! Reads from folders go through [`SiteRoot`]: confined to the site and bounded.

use crate::site_root::{SitePathError, SiteRoot, read_bounded, slash_path};
use include_dir::Dir;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One layer of files.
#[derive(Debug, Clone)]
pub enum Layer {
    /// A theme embedded in the binary.
    Builtin {
        /// How diagnostics name it, e.g. `(built-in theme default)`.
        label: String,
        dir: &'static Dir<'static>,
    },
    /// A folder with `templates/`, `assets/` and `static/` under it (a theme folder, or the site root).
    Folder(PathBuf),
    /// The root of a site written for another generator, whose templates expect that generator's
    /// context: only its `templates/shortcodes/` and `static/` are taken.
    ShortcodesAndStatic(PathBuf),
}

/// The kinds of files a theme has, by the folder they live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Templates,
    Assets,
    Static,
}

impl FileKind {
    pub fn folder(self) -> &'static str {
        match self {
            FileKind::Templates => "templates",
            FileKind::Assets => "assets",
            FileKind::Static => "static",
        }
    }
}

/// A file of the theme, from whichever layer wins its path.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Relative to its kind's folder, with `/`: `partials/header.html`, `css/base.css`.
    pub relative: String,
    /// How diagnostics name it: `themes/default/templates/page.html`, `templates/page.html` (the site's
    /// own), `(built-in theme default)/templates/page.html`.
    pub display: String,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    Builtin(&'static [u8]),
    Disk(PathBuf),
}

impl ThemeFile {
    /// How deep it sits in its kind's folder: 1 for a file at the top.
    pub fn depth(&self) -> usize {
        self.relative.matches('/').count() + 1
    }

    /// Whether it comes from the binary rather than from a folder.
    pub fn is_builtin(&self) -> bool {
        matches!(self.source, Source::Builtin(_))
    }

    /// Its bytes, at most `limit`.
    pub fn read(&self, limit: u64) -> Result<Cow<'static, [u8]>, SitePathError> {
        match &self.source {
            Source::Builtin(bytes) => Ok(Cow::Borrowed(bytes)),
            Source::Disk(path) => read_bounded(path, &self.display, limit).map(Cow::Owned),
        }
    }

    /// Its text, at most `limit` bytes.
    pub fn read_text(&self, limit: u64) -> Result<String, SitePathError> {
        let bytes = self.read(limit)?;
        String::from_utf8(bytes.into_owned()).map_err(|_| SitePathError::NotText {
            written: self.display.clone(),
        })
    }
}

/// The layers of a site's theme, lowest first.
#[derive(Debug, Clone)]
pub struct ThemeFiles {
    layers: Vec<Layer>,
}

/// What [`ThemeFiles::list`] found.
#[derive(Debug, Default)]
pub struct Listing {
    /// Sorted by relative path; one file per path, from the highest layer that has it.
    pub files: Vec<ThemeFile>,
    pub errors: Vec<SitePathError>,
}

impl ThemeFiles {
    pub fn new(layers: Vec<Layer>) -> Self {
        Self { layers }
    }

    /// The folders of the layers that are folders, for the preview's watcher.
    pub fn folders(&self) -> impl Iterator<Item = &Path> {
        self.layers.iter().filter_map(|layer| match layer {
            Layer::Folder(path) | Layer::ShortcodesAndStatic(path) => Some(path.as_path()),
            Layer::Builtin { .. } => None,
        })
    }

    /// Every file of `kind`, the highest layer winning each relative path.
    pub fn list(&self, site_root: &SiteRoot, kind: FileKind) -> Listing {
        let mut winners: BTreeMap<String, ThemeFile> = BTreeMap::new();
        let mut errors = Vec::new();
        for layer in &self.layers {
            match layer {
                Layer::Builtin { label, dir } => {
                    if let Some(folder) = dir.get_dir(kind.folder()) {
                        collect_builtin(folder, kind.folder(), label, &mut winners);
                    }
                }
                Layer::Folder(path) => {
                    collect_folder(site_root, &path.join(kind.folder()), "", &mut winners, &mut errors);
                }
                Layer::ShortcodesAndStatic(path) => match kind {
                    FileKind::Templates => collect_folder(
                        site_root,
                        &path.join("templates/shortcodes"),
                        "shortcodes/",
                        &mut winners,
                        &mut errors,
                    ),
                    FileKind::Static => {
                        collect_folder(site_root, &path.join(kind.folder()), "", &mut winners, &mut errors);
                    }
                    FileKind::Assets => {}
                },
            }
        }
        Listing {
            files: winners.into_values().collect(),
            errors,
        }
    }
}

/// Adds every file under the folder `dir` to `winners`, its relative path after `prefix`.
fn collect_folder(
    site_root: &SiteRoot,
    dir: &Path,
    prefix: &str,
    winners: &mut BTreeMap<String, ThemeFile>,
    errors: &mut Vec<SitePathError>,
) {
    let walk = site_root.walk(dir, false);
    errors.extend(walk.errors);
    for file in walk.files {
        let display = site_root.display(&file.path);
        let relative = format!("{prefix}{}", file.relative);
        winners.insert(
            relative.clone(),
            ThemeFile {
                relative,
                display,
                source: Source::Disk(file.path),
            },
        );
    }
}

/// Adds every file under `dir` (an embedded folder named `kind/...`) to `winners`.
fn collect_builtin(dir: &'static Dir<'static>, kind: &str, label: &str, winners: &mut BTreeMap<String, ThemeFile>) {
    for file in dir.files() {
        let full = slash_path(file.path());
        let relative = full.strip_prefix(&format!("{kind}/")).unwrap_or(&full).to_owned();
        winners.insert(
            relative.clone(),
            ThemeFile {
                display: format!("{label}/{full}"),
                relative,
                source: Source::Builtin(file.contents()),
            },
        );
    }
    for sub in dir.dirs() {
        collect_builtin(sub, kind, label, winners);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FIXTURE: Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/tests/fixtures/_theme");

    fn builtin() -> Layer {
        Layer::Builtin {
            label: "(built-in theme test)".into(),
            dir: &FIXTURE,
        }
    }

    #[test]
    fn a_site_file_replaces_the_theme_file_at_the_same_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/page.html"), "mine").unwrap();
        std::fs::write(dir.path().join("templates/extra.html"), "added").unwrap();
        let root = SiteRoot::new(dir.path()).unwrap();
        let files = ThemeFiles::new(vec![builtin(), Layer::Folder(dir.path().to_path_buf())]);
        let listing = files.list(&root, FileKind::Templates);
        assert!(listing.errors.is_empty());
        let shown: Vec<(&str, &str)> = listing
            .files
            .iter()
            .map(|file| (file.relative.as_str(), file.display.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("404.html", "(built-in theme test)/templates/404.html"),
                ("base.html", "(built-in theme test)/templates/base.html"),
                ("extra.html", "templates/extra.html"),
                ("page.html", "templates/page.html"),
                ("section.html", "(built-in theme test)/templates/section.html"),
            ]
        );
        let page = listing.files.iter().find(|file| file.relative == "page.html").unwrap();
        assert_eq!(page.read_text(100).unwrap(), "mine");
        assert!(!page.is_builtin());
        let base = listing.files.iter().find(|file| file.relative == "base.html").unwrap();
        assert!(base.read_text(10_000).unwrap().contains("<html"));
        let assets = files.list(&root, FileKind::Assets);
        let nested = assets.files.iter().find(|file| file.relative == "_layout.css").unwrap();
        assert_eq!(nested.depth(), 1);
    }
}
