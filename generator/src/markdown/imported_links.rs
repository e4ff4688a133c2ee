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
                        self.unchecked(written, url, link_span, outcome);
                        continue;
                    }
                },
                LinkKind::OtherRelative { file, query, anchor } => match self.target(file) {
                    Target::Site(path) => {
                        let value = with_anchor(format!("{}{path}", self.base_path), query, anchor);
                        (path, anchor, Some(value))
                    }
                    Target::Outside(url) => {
                        self.unchecked(written, url, link_span, outcome);
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
                rewritten.push_str(&html[copied..offset]);
                rewritten.push_str(&value);
                copied = offset + url.len();
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

enum Target {
    /// A path of the site: a page or a published file, checked like any link.
    Site(String),
    /// A path from the host's root, outside the site.
    Outside(String),
}
