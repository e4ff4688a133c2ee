//! Fixture sites for unit tests that need a whole site on disk (the build session, the preview builder).

use std::path::Path;

/// The `docs` integration fixture with the test theme, in a temporary folder.
pub(crate) fn fixture_site() -> tempfile::TempDir {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        (fixtures.join("docs"), dir.path().to_path_buf()),
        (fixtures.join("_theme"), dir.path().join("themes/default")),
    ] {
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    dir
}

/// How [`content_tree`] builds its tree: the options of `TreeOptions` other than the root.
pub(crate) struct TreeFixture<'a> {
    pub site_title: &'a str,
    pub build_drafts: bool,
    pub base_path: &'a str,
}

impl Default for TreeFixture<'_> {
    fn default() -> Self {
        Self {
            site_title: "Site",
            build_drafts: false,
            base_path: "",
        }
    }
}

/// The content tree of `files` (paths under `content/` and their text), written to a temporary site
/// and read the way a build reads it, with the diagnostics the reading gave.
pub(crate) fn content_tree<S: AsRef<str>>(
    files: &[(S, S)],
    fixture: &TreeFixture<'_>,
) -> (crate::content::tree::ContentTree, crate::diagnostics::Diagnostics) {
    use crate::content::tree::{ContentTree, TreeOptions};
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join("content").join(name.as_ref());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text.as_ref()).unwrap();
    }
    let site_root = crate::site_root::SiteRoot::new(dir.path()).unwrap();
    let found = crate::content::discover::discover(&site_root, &dir.path().join("content")).files;
    let options = TreeOptions {
        root: dir.path(),
        site_title: fixture.site_title,
        build_drafts: fixture.build_drafts,
        base_path: fixture.base_path,
        relative_links: Default::default(),
        url_segments: Default::default(),
    };
    let mut diagnostics = crate::diagnostics::Diagnostics::new();
    let tree = ContentTree::build(&found, &options, &mut diagnostics);
    (tree, diagnostics)
}

/// The pages of a small `storage` section, for tests of link rewriting: `content/storage/_index.md`,
/// `guide.md` and `kv.md`.
pub(crate) struct StoragePages;

impl crate::markdown::links::PageLookup for StoragePages {
    fn path_of_source(&self, source: &Path) -> Option<String> {
        match source.to_str()? {
            "content/storage/guide.md" => Some("/storage/guide/".into()),
            "content/storage/kv.md" => Some("/storage/kv/".into()),
            "content/storage/_index.md" => Some("/storage/".into()),
            _ => None,
        }
    }
}
