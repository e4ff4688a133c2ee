//! Links of a site built unchanged from another tool's sources (an mdBook book), whose pages that
//! tool wrote elsewhere (`guide/setup.html`, where edgedocs writes `guide/setup/`): relative links that
//! leave the content folder point at sibling sites on the same host and are resolved from where the
//! tool wrote the page; relative URLs in raw HTML are resolved from the Markdown file, like Markdown
//! links, and rewritten to where the build publishes their target.

use super::links::{
    InternalLink, LinkKind, LinksOutcome, PageLookup, UncheckedLink, classify, html_link_attributes,
    page_of_built_file, published_path, resolve_relative, with_anchor,
};
use std::ops::Range;
use std::path::Path;

/// Whether the page read from `source` was written for another tool, which links pages by the
/// `.html` files it built (`chapter.html` for `chapter.md`). An edgedocs site links Markdown files.
pub(super) fn is_imported(pages: &dyn PageLookup, source: &Path) -> bool {
    pages.built_folder_url(source).is_some()
}

/// Whether `resolved` (relative to the site root) lies outside the folder of the site's pages.
pub(super) fn leaves_content(pages: &dyn PageLookup, resolved: &Path) -> bool {
    !resolved.starts_with(pages.content_folder())
}

/// Where `written`, a relative link of the page read from `source`, led when the other tool built
/// the site: a path from the host's root (`../std/index.html` from `/book/ch01.html` is
/// `/std/index.html`). `None` for a site of edgedocs' own.
pub(super) fn outside_url(pages: &dyn PageLookup, source: &Path, written: &str) -> Option<String> {
    let folder = pages.built_folder_url(source)?;
    let mut segments: Vec<&str> = Vec::new();
    for segment in folder.split('/').chain(written.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut url = format!("/{}", segments.join("/"));
    if written.ends_with('/') && url.len() > 1 {
        url.push('/');
    }
    Some(url)
}

/// What rewriting a page's raw HTML needs.
pub(super) struct Imported<'a> {
    pub source: &'a Path,
    pub pages: &'a dyn PageLookup,
    pub base_path: &'a str,
    /// [`PageLookup::built_folder_url`] of `source`.
    pub folder_url: &'a str,
}

impl Imported<'_> {
    /// `html` with its relative `href` and `src` values pointing where the build publishes their
    /// targets, or `None` when nothing changes; every internal link is recorded in `outcome`.
    pub(super) fn rewrite_raw_html(
        &self,
        html: &str,
        span: &Range<usize>,
        outcome: &mut LinksOutcome,
    ) -> Option<String> {
        let mut rewritten = String::with_capacity(html.len());
        let mut copied = 0;
        for (offset, is_image, url) in html_link_attributes(html) {
            let written = url;
            let link_span = span.start + offset..span.start + offset + url.len();
            let (path, anchor, new_value) = match classify(url) {
                LinkKind::External => continue,
                LinkKind::SamePage(anchor) => (String::new(), Some(anchor), None),
                LinkKind::RootRelative { path, anchor } => (path.to_owned(), anchor, None),
                LinkKind::MarkdownFile { file, anchor } => match self.target(file) {
                    Target::Site(path) => {
                        let value = with_anchor(format!("{}{path}", self.base_path), "", anchor);
                        (path, anchor, Some(value))
                    }
                    Target::Outside(url) => {
                        let value = with_anchor(url.clone(), "", anchor);
                        self.unchecked(written, url, link_span, outcome);
                        splice(&mut rewritten, &mut copied, html, offset, written, &value);
                        continue;
                    }
                },
                LinkKind::OtherRelative { file, query, anchor } => match self.target(file) {
                    Target::Site(path) => {
                        let value = with_anchor(format!("{}{path}", self.base_path), query, anchor);
                        (path, anchor, Some(value))
                    }
                    Target::Outside(url) => {
                        let value = with_anchor(url.clone(), query, anchor);
                        self.unchecked(written, url, link_span, outcome);
                        splice(&mut rewritten, &mut copied, html, offset, written, &value);
                        continue;
                    }
                },
            };
            outcome.internal.push(InternalLink {
                span: link_span,
                written: url.to_owned(),
                path,
                anchor: anchor.map(str::to_owned),
                is_image,
            });
            if let Some(value) = new_value {
                splice(&mut rewritten, &mut copied, html, offset, written, &value);
            }
        }
        if copied == 0 {
            return None;
        }
        rewritten.push_str(&html[copied..]);
        Some(rewritten)
    }

    /// Where the relative link `file` (without its anchor or query) goes.
    fn target(&self, file: &str) -> Target {
        let resolved = resolve_relative(self.source, file);
        if resolved.extension().is_some_and(|extension| extension == "md")
            && let Some(path) = self.pages.path_of_source(&resolved)
        {
            return Target::Site(path);
        }
        if let Some(path) = page_of_built_file(self.pages, &resolved) {
            return Target::Site(path);
        }
        match published_path(&resolved, self.pages.content_folder(), file.ends_with('/')) {
            Some(path) => Target::Site(path),
            None => Target::Outside(
                outside_url(self.pages, self.source, file).unwrap_or_else(|| format!("{}{file}", self.folder_url)),
            ),
        }
    }

    fn unchecked(&self, written: &str, url: String, span: Range<usize>, outcome: &mut LinksOutcome) {
        outcome.unchecked.push(UncheckedLink {
            written: written.to_owned(),
            span,
            url,
        });
    }
}

/// Copies `html` up to `offset` into `rewritten`, then `value` in place of `written`.
fn splice(rewritten: &mut String, copied: &mut usize, html: &str, offset: usize, written: &str, value: &str) {
    rewritten.push_str(&html[*copied..offset]);
    rewritten.push_str(value);
    *copied = offset + written.len();
}

enum Target {
    /// A path of the site: a page or a published file, checked like any link.
    Site(String),
    /// A path from the host's root, outside the site.
    Outside(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A book under `/book` with the chapters `src/ch01.md` and `src/guide/setup.md`.
    struct Book;

    impl PageLookup for Book {
        fn path_of_source(&self, source: &Path) -> Option<String> {
            match source.to_str()? {
                "src/ch01.md" => Some("/ch01/".into()),
                "src/guide/setup.md" => Some("/guide/setup/".into()),
                _ => None,
            }
        }

        fn content_folder(&self) -> &Path {
            Path::new("src")
        }

        fn built_folder_url(&self, source: &Path) -> Option<String> {
            let folder = source.strip_prefix("src").ok()?.parent()?;
            Some(
                format!("/book/{}", crate::site_root::slash_path(folder))
                    .trim_end_matches('/')
                    .to_owned()
                    + "/",
            )
        }
    }

    #[test]
    fn links_out_of_the_book_resolve_from_where_mdbook_wrote_the_page() {
        let chapter = Path::new("src/guide/setup.md");
        assert_eq!(
            outside_url(&Book, chapter, "../../std/index.html").as_deref(),
            Some("/std/index.html")
        );
        assert_eq!(
            outside_url(&Book, Path::new("src/ch01.md"), "../reference/").as_deref(),
            Some("/reference/")
        );
        assert_eq!(
            outside_url(&Book, chapter, "../../../../x.html").as_deref(),
            Some("/x.html")
        );
        assert!(leaves_content(&Book, &PathBuf::from("std/index.html")));
        assert!(!leaves_content(&Book, &PathBuf::from("src/img/a.png")));
    }

    #[test]
    fn raw_html_urls_are_rewritten_to_where_the_build_publishes_them() {
        let imported = Imported {
            source: Path::new("src/guide/setup.md"),
            pages: &Book,
            base_path: "/book",
            folder_url: "/book/guide/",
        };
        let mut outcome = LinksOutcome::default();
        let html = "<img src=\"img/a.svg\" alt=\"\"> <a href=\"../ch01.html#top\">1</a> <a href=\"https://x.dev\">x</a> <a href=\"../../std/\">std</a>";
        let rewritten = imported.rewrite_raw_html(html, &(0..html.len()), &mut outcome).unwrap();
        assert_eq!(
            rewritten,
            "<img src=\"/book/guide/img/a.svg\" alt=\"\"> <a href=\"/book/ch01/#top\">1</a> <a href=\"https://x.dev\">x</a> <a href=\"/std/\">std</a>"
        );
        let checked: Vec<(&str, bool)> = outcome
            .internal
            .iter()
            .map(|link| (link.path.as_str(), link.is_image))
            .collect();
        assert_eq!(checked, [("/guide/img/a.svg", true), ("/ch01/", false)]);
        assert_eq!(outcome.unchecked.len(), 1);
        assert_eq!(outcome.unchecked[0].url, "/std/");
    }
}
