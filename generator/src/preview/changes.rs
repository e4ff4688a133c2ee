//! Classifying file changes: which kind of site input each changed path is (a document's text, the
//! content's structure, a template, a stylesheet, another asset, a static file, the configuration). A
//! pure function of the paths, whether each still exists, and which documents the site has; it drops the
//! paths the build never reads (the output, `.edgedocs/`, hidden files, editors' backups and swap files).
//! What to rebuild for those kinds is [`super::plan`]'s job.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// One path the watcher saw change, relative to the site root, and what is there now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ChangedPath {
    pub(super) path: PathBuf,
    /// Something exists at the path after the change (created, modified, the target of a rename).
    pub(super) exists: bool,
    /// What exists there is a folder.
    pub(super) is_dir: bool,
}

/// Shorthands for the tests' batches.
#[cfg(test)]
impl ChangedPath {
    pub(super) fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            exists: true,
            is_dir: false,
        }
    }

    pub(super) fn folder(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            exists: true,
            is_dir: true,
        }
    }

    pub(super) fn removed(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            exists: false,
            is_dir: false,
        }
    }
}

/// Where the site's inputs live, relative to the root, and which documents it has.
pub(super) struct SiteLayout<'a> {
    /// The active theme's folder, e.g. `themes/default`.
    pub(super) theme_dir: &'a Path,
    /// The output folder of `build`, never an input (`public`).
    pub(super) output_dir: &'a Path,
    /// Whether the site has a document read from this source (`content/storage/kv.md`).
    pub(super) is_document: &'a dyn Fn(&Path) -> bool,
    /// Whether the site has a document somewhere under this folder (`content/storage`).
    pub(super) has_documents_under: &'a dyn Fn(&Path) -> bool,
    /// For an mdBook book: the folder of its chapters (`src`). Its whole root is an input.
    pub(super) book_src: Option<&'a Path>,
}

/// What kind of input changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum ChangeKind {
    /// The text of a document the site has, e.g. `content/storage/kv.md`.
    DocumentText(PathBuf),
    /// A document or a folder under `content/` was added, removed or renamed.
    ContentStructure,
    /// A file under the theme's or the site's `templates/`.
    Template,
    /// A stylesheet under the theme's or the site's `assets/`.
    Style,
    /// Any other file under the theme's or the site's `assets/` (scripts, fonts, images).
    ThemeAsset,
    /// A file copied as is: `static/`, the theme's `static/`, a non-Markdown file under `content/`.
    StaticFile,
    /// `site.toml` or the theme's `theme.toml`.
    Config,
}

/// The kinds of input a batch of changes touched, without repeats, in a stable order.
pub(super) fn classify(changes: &[ChangedPath], layout: &SiteLayout<'_>) -> Vec<ChangeKind> {
    let kinds: BTreeSet<ChangeKind> = changes
        .iter()
        .filter_map(|change| classify_one(change, layout))
        .collect();
    kinds.into_iter().collect()
}

fn classify_one(change: &ChangedPath, layout: &SiteLayout<'_>) -> Option<ChangeKind> {
    let path = change.path.as_path();
    if is_ignored(path) || path.starts_with(layout.output_dir) {
        return None;
    }
    if path == Path::new("site.toml") {
        return Some(ChangeKind::Config);
    }
    if let Some(src) = layout.book_src {
        // `book.toml` and a stylesheet outside the chapters (its `additional-css`) are configuration;
        // anything else (a chapter, SUMMARY.md, a file a chapter includes) has the book read again.
        let is_css = path.extension().is_some_and(|extension| extension == "css");
        return Some(
            if path == Path::new(crate::import::mdbook::BOOK_FILE) || (is_css && !path.starts_with(src)) {
                ChangeKind::Config
            } else {
                ChangeKind::ContentStructure
            },
        );
    }
    if let Ok(inside) = path.strip_prefix("content") {
        return classify_content(change, inside, layout);
    }
    // The site's own `templates/`, `assets/` and `static/` lie over the theme's: the same kinds.
    let inside = match path.strip_prefix(layout.theme_dir) {
        Ok(inside) => inside,
        Err(_) => path,
    };
    if inside == Path::new("theme.toml") && path != inside {
        return Some(ChangeKind::Config);
    }
    if inside.starts_with("templates") {
        return Some(ChangeKind::Template);
    }
    if inside.starts_with("static") {
        return Some(ChangeKind::StaticFile);
    }
    if inside.starts_with("assets") {
        let is_css = !change.is_dir && path.extension().is_some_and(|extension| extension == "css");
        // A removed or renamed folder may have held stylesheets; rebuilding every asset covers it.
        return Some(if is_css {
            ChangeKind::Style
        } else {
            ChangeKind::ThemeAsset
        });
    }
    None
}

fn classify_content(change: &ChangedPath, inside: &Path, layout: &SiteLayout<'_>) -> Option<ChangeKind> {
    let path = change.path.as_path();
    if inside.as_os_str().is_empty() {
        return Some(ChangeKind::ContentStructure); // `content/` itself
    }
    let is_markdown = !change.is_dir && path.extension().is_some_and(|extension| extension == "md");
    let known = (layout.is_document)(path);
    if is_markdown {
        return match (change.exists, known) {
            (true, true) => Some(ChangeKind::DocumentText(path.to_path_buf())),
            (true, false) | (false, true) => Some(ChangeKind::ContentStructure),
            (false, false) => None, // a Markdown file that came and went, or a draft removed
        };
    }
    if change.is_dir || (layout.has_documents_under)(path) {
        return Some(ChangeKind::ContentStructure); // a folder added, or one that held documents removed
    }
    Some(ChangeKind::StaticFile)
}

/// Hidden files and folders (`.edgedocs/`, `.git/`, `.kv.md.swp`) and the files editors write beside
/// the one being saved: backups (`kv.md~`, `kv.md.bak`, `kv.md.orig`), swap and lock files, Emacs's
/// `#kv.md#`, vim's `4913` write test, and temporary files (`kv.md.tmp`, `kv.md.tmp.123`).
pub(super) fn is_ignored(path: &Path) -> bool {
    let hidden = path.components().any(|component| match component {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    if hidden {
        return true;
    }
    let Some(name) = path.file_name().map(|name| name.to_string_lossy()) else {
        return false;
    };
    const SUFFIXES: [&str; 7] = ["~", ".bak", ".orig", ".swp", ".swo", ".swx", ".tmp"];
    name == "4913"
        || (name.starts_with('#') && name.ends_with('#'))
        || SUFFIXES.iter().any(|suffix| name.ends_with(suffix))
        || name.contains(".tmp.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn documents() -> HashSet<PathBuf> {
        [
            "content/_index.md",
            "content/storage/_index.md",
            "content/storage/kv.md",
        ]
        .into_iter()
        .map(PathBuf::from)
        .collect()
    }

    fn kinds(changes: &[ChangedPath]) -> Vec<ChangeKind> {
        let documents = documents();
        let layout = SiteLayout {
            theme_dir: Path::new("themes/default"),
            output_dir: Path::new("public"),
            is_document: &|path| documents.contains(path),
            has_documents_under: &|folder| documents.iter().any(|document| document.starts_with(folder)),
            book_src: None,
        };
        classify(changes, &layout)
    }

    #[test]
    fn in_a_book_every_change_reads_the_book_again_and_book_toml_is_configuration() {
        let layout = SiteLayout {
            theme_dir: Path::new("themes/default"),
            output_dir: Path::new("public"),
            is_document: &|_| false,
            has_documents_under: &|_| false,
            book_src: Some(Path::new("src")),
        };
        for (path, kind) in [
            ("src/intro.md", ChangeKind::ContentStructure),
            ("src/SUMMARY.md", ChangeKind::ContentStructure),
            ("listings/ch01/main.rs", ChangeKind::ContentStructure),
            ("book.toml", ChangeKind::Config),
            ("theme/extra.css", ChangeKind::Config),
        ] {
            assert_eq!(classify(&[ChangedPath::file(path)], &layout), [kind], "{path}");
        }
        assert!(classify(&[ChangedPath::file("public/intro/index.html")], &layout).is_empty());
    }

    #[test]
    fn each_path_gets_its_kind() {
        use ChangeKind::*;
        let text = |path: &str| DocumentText(PathBuf::from(path));
        let cases: Vec<(&str, Vec<ChangedPath>, Vec<ChangeKind>)> = vec![
            (
                "a page's text",
                vec![ChangedPath::file("content/storage/kv.md")],
                vec![text("content/storage/kv.md")],
            ),
            (
                "a section index's text",
                vec![ChangedPath::file("content/_index.md")],
                vec![text("content/_index.md")],
            ),
            (
                "a new page",
                vec![ChangedPath::file("content/storage/r2.md")],
                vec![ContentStructure],
            ),
            (
                "a removed page",
                vec![ChangedPath::removed("content/storage/kv.md")],
                vec![ContentStructure],
            ),
            (
                "a page renamed",
                vec![
                    ChangedPath::removed("content/storage/kv.md"),
                    ChangedPath::file("content/storage/workers-kv.md"),
                ],
                vec![ContentStructure],
            ),
            (
                "a new folder",
                vec![ChangedPath::folder("content/guides")],
                vec![ContentStructure],
            ),
            (
                "a folder with documents removed or renamed away",
                vec![ChangedPath::removed("content/storage")],
                vec![ContentStructure],
            ),
            (
                "a removed folder without documents",
                vec![ChangedPath::removed("content/images")],
                vec![StaticFile],
            ),
            (
                "a Markdown file that came and went",
                vec![ChangedPath::removed("content/storage/scratch.md")],
                vec![],
            ),
            (
                "an image beside a page",
                vec![ChangedPath::file("content/storage/kv.png")],
                vec![StaticFile],
            ),
            (
                "a template",
                vec![ChangedPath::file("themes/default/templates/page.html")],
                vec![Template],
            ),
            (
                "a partial",
                vec![ChangedPath::file("themes/default/templates/partials/header.html")],
                vec![Template],
            ),
            (
                "the entry stylesheet",
                vec![ChangedPath::file("themes/default/assets/main.css")],
                vec![Style],
            ),
            (
                "a partial stylesheet",
                vec![ChangedPath::file("themes/default/assets/css/tokens.css")],
                vec![Style],
            ),
            (
                "a script",
                vec![ChangedPath::file("themes/default/assets/site.js")],
                vec![ThemeAsset],
            ),
            (
                "a folder of assets",
                vec![ChangedPath::folder("themes/default/assets/css")],
                vec![ThemeAsset],
            ),
            (
                "the theme's static files",
                vec![ChangedPath::file("themes/default/static/favicon.svg")],
                vec![StaticFile],
            ),
            (
                "the site's static files",
                vec![ChangedPath::file("static/robots.txt")],
                vec![StaticFile],
            ),
            (
                "the site's own partial over the theme's",
                vec![ChangedPath::file("templates/partials/footer.html")],
                vec![Template],
            ),
            (
                "the site's own stylesheet partial",
                vec![ChangedPath::file("assets/css/print.css")],
                vec![Style],
            ),
            (
                "the site's own script",
                vec![ChangedPath::file("assets/extra.js")],
                vec![ThemeAsset],
            ),
            (
                "a theme.toml at the site root is not the theme's",
                vec![ChangedPath::file("theme.toml")],
                vec![],
            ),
            ("site.toml", vec![ChangedPath::file("site.toml")], vec![Config]),
            (
                "theme.toml",
                vec![ChangedPath::file("themes/default/theme.toml")],
                vec![Config],
            ),
            (
                "another theme",
                vec![ChangedPath::file("themes/other/templates/page.html")],
                vec![],
            ),
            ("the output", vec![ChangedPath::file("public/index.html")], vec![]),
            (
                "the local state",
                vec![ChangedPath::file(".edgedocs/kv.sqlite3-wal")],
                vec![],
            ),
            (
                "anything else at the root",
                vec![ChangedPath::file("README.md")],
                vec![],
            ),
            (
                "a batch of mixed kinds, sorted and without repeats",
                vec![
                    ChangedPath::file("themes/default/assets/main.css"),
                    ChangedPath::file("content/storage/kv.md"),
                    ChangedPath::file("themes/default/assets/css/code.css"),
                    ChangedPath::file("content/storage/kv.md"),
                ],
                vec![text("content/storage/kv.md"), Style],
            ),
        ];
        for (name, changes, expected) in cases {
            assert_eq!(kinds(&changes), expected, "{name}");
        }
    }

    #[test]
    fn editors_saving_through_a_temporary_file_and_a_rename_change_only_the_document() {
        // vim (backupcopy=no): write test file, rename the original to a backup, write the new file.
        let vim = [
            ChangedPath::removed("content/storage/4913"),
            ChangedPath::removed("content/storage/kv.md~"),
            ChangedPath::file("content/storage/kv.md"),
            ChangedPath::file("content/storage/.kv.md.swp"),
        ];
        // VS Code, JetBrains and many tools: write a hidden or suffixed temporary, rename it over.
        let rename_over = [
            ChangedPath::removed("content/storage/.kv.md.tmp-4711"),
            ChangedPath::removed("content/storage/kv.md.tmp.4711"),
            ChangedPath::file("content/storage/kv.md"),
        ];
        // Emacs: lock file and autosave beside the file.
        let emacs = [
            ChangedPath::file("content/storage/.#kv.md"),
            ChangedPath::file("content/storage/#kv.md#"),
            ChangedPath::file("content/storage/kv.md"),
        ];
        for batch in [&vim[..], &rename_over, &emacs] {
            assert_eq!(
                kinds(batch),
                vec![ChangeKind::DocumentText("content/storage/kv.md".into())],
                "{batch:?}"
            );
        }
    }

    #[test]
    fn ignored_names() {
        for (path, ignored) in [
            ("content/kv.md", false),
            ("content/.kv.md.swp", true),
            ("content/kv.md~", true),
            ("content/kv.md.bak", true),
            ("content/#kv.md#", true),
            ("content/4913", true),
            ("content/kv.md.tmp.1234", true),
            (".edgedocs/kv.sqlite3", true),
            ("content/.hidden/kv.md", true),
            ("content/temp.md", false),
        ] {
            assert_eq!(is_ignored(Path::new(path)), ignored, "{path}");
        }
    }
}
