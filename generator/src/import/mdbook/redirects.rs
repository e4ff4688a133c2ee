//! The redirects a book brings: one from each chapter's old address (`/guide/setup.html`, where mdBook
//! wrote it) to its page, and the `[output.html.redirect]` table of `book.toml`, its targets resolved
//! to the pages they name. A plain list: writing it for a host is the redirects stage's job.

use super::book_toml::BookRedirect;
use crate::content::tree::ContentTree;
use crate::diagnostics::Location;
use crate::redirects::{Redirect, RedirectList, RedirectStatus};
use std::path::{Component, Path, PathBuf};

/// Every redirect of the book whose chapters are in `tree` (read from `src`).
pub(crate) fn redirects(tree: &ContentTree, src: &Path, written: &[BookRedirect]) -> RedirectList {
    let mut list = RedirectList::new();
    for document in tree.documents() {
        if document.is_virtual {
            continue;
        }
        let Ok(file) = document.source.strip_prefix(src) else {
            continue;
        };
        let file = crate::site_root::slash_path(file);
        let Some(stem) = file.strip_suffix(".md") else {
            continue;
        };
        let name = stem.rsplit('/').next().unwrap_or(stem);
        if matches!(name, "README" | "index") {
            // mdBook wrote it as the folder's `index.html`, where the page's folder already answers.
            continue;
        }
        list.push(Redirect {
            from: format!("/{stem}.html"),
            to: document.path.clone(),
            status: RedirectStatus::MovedPermanently,
            origin: Location::new(&document.source, 1, 1),
        });
    }
    for redirect in written {
        list.push(Redirect {
            from: site_path(&redirect.from),
            to: resolve_target(tree, src, &redirect.from, &redirect.to),
            status: RedirectStatus::MovedPermanently,
            origin: redirect.location.clone(),
        });
    }
    list
}

/// `old.html`, `./old.html` or `/old.html` as `/old.html`: mdBook takes the keys from the book's root.
fn site_path(written: &str) -> String {
    let segments: Vec<&str> = written
        .split('/')
        .filter(|segment| !segment.is_empty() && *segment != ".")
        .collect();
    format!("/{}", segments.join("/"))
}

/// The target of a written redirect: an absolute URL as written; a path (relative to the old one's
/// folder, or from the root) to a chapter's `.html` as that chapter's page; any other path as it is.
fn resolve_target(tree: &ContentTree, src: &Path, from: &str, to: &str) -> String {
    let has_scheme = to.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || to.starts_with("//") {
        return to.to_owned();
    }
    let (path, anchor) = match to.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (to, None),
    };
    let joined = if path.starts_with('/') {
        PathBuf::from(path.trim_start_matches('/'))
    } else {
        Path::new(site_path(from).trim_start_matches('/'))
            .parent()
            .unwrap_or(Path::new(""))
            .join(path)
    };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::ParentDir => {
                normal.pop();
            }
            _ => {}
        }
    }
    let mut target = format!("/{}", crate::site_root::slash_path(&normal));
    if let Some(stem) = target.strip_suffix(".html") {
        let file = format!("{}.md", stem.trim_start_matches('/'));
        let candidates = [file.clone(), file.replace("index.md", "README.md")];
        if let Some(document) = candidates
            .iter()
            .find_map(|candidate| tree.by_source(&src.join(candidate)))
        {
            target = document.path.clone();
        }
    }
    if let Some(anchor) = anchor {
        target.push('#');
        target.push_str(anchor);
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::FrontMatter;
    use crate::content::tree::{DocumentKind, OutlineDocument};
    use crate::diagnostics::Diagnostics;

    fn document(source: &str, path: &str, parent: Option<usize>) -> OutlineDocument {
        OutlineDocument {
            kind: if parent.is_none() {
                DocumentKind::Section
            } else {
                DocumentKind::Page
            },
            source: PathBuf::from(source),
            front_matter: FrontMatter::default(),
            text: String::new(),
            path: path.to_owned(),
            title: path.to_owned(),
            title_from_heading: false,
            parent,
            is_virtual: false,
            number: None,
            nav_before: Vec::new(),
            nav_after: Vec::new(),
            line_map: None,
            nav_title: None,
        }
    }

    #[test]
    fn every_chapter_keeps_its_old_address_and_written_targets_name_pages() {
        let mut diagnostics = Diagnostics::new();
        let tree = ContentTree::from_outline(
            vec![
                document("src/README.md", "/", None),
                document("src/intro.md", "/intro/", Some(0)),
                document("src/guide/setup.md", "/guide/setup/", Some(0)),
                document("src/guide/README.md", "/guide/", Some(0)),
            ],
            Path::new("src"),
            "",
            &mut diagnostics,
        );
        assert!(!diagnostics.has_errors());
        let written = [
            BookRedirect {
                from: "/old/setup.html".into(),
                to: "../guide/setup.html#linux".into(),
                location: Location::new("book.toml", 3, 1),
            },
            BookRedirect {
                from: "./start.html".into(),
                to: "guide/index.html".into(),
                location: Location::new("book.toml", 4, 1),
            },
            BookRedirect {
                from: "/moved.html".into(),
                to: "https://example.com/moved/".into(),
                location: Location::new("book.toml", 5, 1),
            },
        ];
        let list: Vec<(String, String, String)> = redirects(&tree, Path::new("src"), &written)
            .iter()
            .map(|redirect| (redirect.from.clone(), redirect.to.clone(), redirect.origin.to_string()))
            .collect();
        let expected = [
            ("/intro.html", "/intro/", "src/intro.md:1:1"),
            ("/guide/setup.html", "/guide/setup/", "src/guide/setup.md:1:1"),
            ("/old/setup.html", "/guide/setup/#linux", "book.toml:3:1"),
            ("/start.html", "/guide/", "book.toml:4:1"),
            ("/moved.html", "https://example.com/moved/", "book.toml:5:1"),
        ]
        .map(|(from, to, origin)| (from.to_owned(), to.to_owned(), origin.to_owned()));
        assert_eq!(list, expected);
    }
}
