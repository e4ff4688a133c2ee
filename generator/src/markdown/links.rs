//! Links: relative `.md` links become permalinks, and other relative links (an image beside the page,
//! `../other/`) become root-relative URLs of where the build publishes their target, resolved from the
//! Markdown file as the author sees it in the repository. Every internal link is recorded so the build
//! can check, once all pages are rendered, that its page, file and anchor exist.

use super::imported_links;
use pulldown_cmark::{CowStr, Event, Tag};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// An internal link found in a page, to check after rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// Byte range of the link in the page body.
    pub span: Range<usize>,
    /// As the author wrote it.
    pub written: String,
    /// The URL path of the target, e.g. `/storage/kv/`; empty for a same-page `#anchor`.
    pub path: String,
    pub anchor: Option<String>,
    pub is_image: bool,
}

/// A relative link that cannot reach a page or file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPage {
    pub span: Range<usize>,
    pub written: String,
    /// The file it points at, relative to the site root.
    pub resolved: PathBuf,
    /// The closest source file of a page, relative to the site root, for `.md` links.
    pub nearest: Option<PathBuf>,
}

/// What the links of a document need to know about the site's pages.
pub trait PageLookup {
    /// The URL path of the page read from `source` (relative to the site root).
    fn path_of_source(&self, source: &Path) -> Option<String>;

    /// Whether `source` is a page that could not be read: its own error is reported, so a link to it is
    /// not reported again.
    fn is_unreadable(&self, _source: &Path) -> bool {
        false
    }

    /// The source of a page whose path is closest to `missing`, as a suggestion.
    fn nearest_source(&self, _missing: &Path) -> Option<PathBuf> {
        None
    }

    /// Whether relative links to anything but Markdown files are meant from the page's URL (as the
    /// browser reads them, left as written) rather than from the Markdown file.
    fn relative_links_follow_page_url(&self) -> bool {
        false
    }

    /// The folder under the site root whose files the build publishes at the same path below the
    /// site's root URL: `content`, or an mdBook book's `src`.
    fn content_folder(&self) -> &Path {
        Path::new("content")
    }

    /// For a site built unchanged from another tool's sources: the URL of the folder where that tool
    /// wrote the page read from `source` (`/book/guide/` for `src/guide/setup.md` under `/book`).
    /// Its relative links that leave the content folder, and the relative URLs of its raw HTML, are
    /// resolved from there (see [`super::imported_links`]). `None` for an edgedocs site.
    fn built_folder_url(&self, _source: &Path) -> Option<String> {
        None
    }
}

/// A relative link that leaves the site's pages, to a place the build cannot check (a sibling site
/// on the same host, as books link each other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncheckedLink {
    pub span: Range<usize>,
    pub written: String,
    /// Where it now points: a path from the host's root.
    pub url: String,
}

#[derive(Debug, Default)]
pub struct LinksOutcome {
    pub internal: Vec<InternalLink>,
    pub missing: Vec<MissingPage>,
    pub unchecked: Vec<UncheckedLink>,
}

/// Rewrites the destinations of links and images in `events` (with their byte ranges).
pub fn process<'a>(
    events: &mut [(Event<'a>, Range<usize>)],
    source: &Path,
    pages: &dyn PageLookup,
    base_path: &str,
) -> LinksOutcome {
    let mut outcome = LinksOutcome::default();
    let mut page_path: Option<Option<String>> = None;
    for (event, span) in events.iter_mut() {
        let (dest_url, is_image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(folder_url) = pages.built_folder_url(source) {
                    let context = imported_links::Imported {
                        source,
                        pages,
                        base_path,
                        folder_url: &folder_url,
                    };
                    if let Some(rewritten) = context.rewrite_raw_html(html, span, &mut outcome) {
                        *html = CowStr::from(rewritten);
                    }
                    continue;
                }
                let page = page_path.get_or_insert_with(|| pages.path_of_source(source));
                if let Some(page) = page {
                    check_raw_html(html, span, page, pages, &mut outcome);
                }
                continue;
            }
            _ => continue,
        };
        let written = dest_url.to_string();
        match classify(&written) {
            LinkKind::External => {}
            LinkKind::SamePage(anchor) => outcome.internal.push(InternalLink {
                span: span.clone(),
                written: written.clone(),
                path: String::new(),
                anchor: Some(anchor.to_owned()),
                is_image,
            }),
            LinkKind::RootRelative { path, anchor } => {
                if !base_path.is_empty() {
                    *dest_url = CowStr::from(format!("{base_path}{written}"));
                }
                outcome.internal.push(InternalLink {
                    span: span.clone(),
                    written: written.clone(),
                    path: path.to_owned(),
                    anchor: anchor.map(str::to_owned),
                    is_image,
                });
            }
            LinkKind::MarkdownFile { file, anchor } => {
                let resolved = match file.strip_prefix("@/") {
                    // `@/guide/intro.md`: from `content/`, as Zola sites write internal links.
                    Some(from_content) => resolve_relative(Path::new("content/_"), from_content),
                    None => resolve_relative(source, file),
                };
                match pages.path_of_source(&resolved) {
                    Some(path) => {
                        *dest_url = CowStr::from(with_anchor(format!("{base_path}{path}"), "", anchor));
                        outcome.internal.push(InternalLink {
                            span: span.clone(),
                            written: written.clone(),
                            path,
                            anchor: anchor.map(str::to_owned),
                            is_image,
                        });
                    }
                    None if pages.is_unreadable(&resolved) => {}
                    None if imported_links::leaves_content(pages, &resolved) => {
                        if let Some(url) = imported_links::outside_url(pages, source, file) {
                            *dest_url = CowStr::from(with_anchor(url.clone(), "", anchor));
                            outcome.unchecked.push(UncheckedLink {
                                span: span.clone(),
                                written: written.clone(),
                                url,
                            });
                        } else {
                            outcome.missing.push(MissingPage {
                                span: span.clone(),
                                written: written.clone(),
                                nearest: None,
                                resolved,
                            });
                        }
                    }
                    None => outcome.missing.push(MissingPage {
                        span: span.clone(),
                        written: written.clone(),
                        nearest: pages.nearest_source(&resolved),
                        resolved,
                    }),
                }
            }
            LinkKind::OtherRelative { file, anchor, .. } if pages.relative_links_follow_page_url() => {
                let page = page_path.get_or_insert_with(|| pages.path_of_source(source));
                if let Some(page) = page {
                    outcome.internal.push(InternalLink {
                        span: span.clone(),
                        written: written.clone(),
                        path: resolve_from_url(page, file),
                        anchor: anchor.map(str::to_owned),
                        is_image,
                    });
                }
            }
            LinkKind::OtherRelative { file, query, anchor } => {
                let resolved = resolve_relative(source, file);
                let imported = imported_links::is_imported(pages, source);
                if imported && let Some(path) = page_of_built_file(pages, &resolved) {
                    // `chapter.html`, as books link the page another tool built from `chapter.md`.
                    *dest_url = CowStr::from(with_anchor(format!("{base_path}{path}"), query, anchor));
                    outcome.internal.push(InternalLink {
                        span: span.clone(),
                        written: written.clone(),
                        path,
                        anchor: anchor.map(str::to_owned),
                        is_image,
                    });
                    continue;
                }
                if imported_links::leaves_content(pages, &resolved)
                    && let Some(url) = imported_links::outside_url(pages, source, file)
                {
                    *dest_url = CowStr::from(with_anchor(url.clone(), query, anchor));
                    outcome.unchecked.push(UncheckedLink {
                        span: span.clone(),
                        written: written.clone(),
                        url,
                    });
                    continue;
                }
                match published_path(&resolved, pages.content_folder(), file.ends_with('/')) {
                    Some(path) => {
                        *dest_url = CowStr::from(with_anchor(format!("{base_path}{path}"), query, anchor));
                        outcome.internal.push(InternalLink {
                            span: span.clone(),
                            written: written.clone(),
                            path,
                            anchor: anchor.map(str::to_owned),
                            is_image,
                        });
                    }
                    None => outcome.missing.push(MissingPage {
                        span: span.clone(),
                        written: written.clone(),
                        resolved,
                        nearest: None,
                    }),
                }
            }
        }
    }
    outcome
}

/// Records the `href` and `src` attributes of raw HTML written in the Markdown. They are left as written
/// and checked as the browser resolves them: relative ones against the page's own URL.
fn check_raw_html(html: &str, span: &Range<usize>, page: &str, pages: &dyn PageLookup, outcome: &mut LinksOutcome) {
    for (offset, is_image, url) in html_link_attributes(html) {
        let link_span = span.start + offset..span.start + offset + url.len();
        let (path, anchor) = match classify(url) {
            LinkKind::External => continue,
            LinkKind::SamePage(anchor) => (String::new(), Some(anchor)),
            LinkKind::RootRelative { path, anchor } => (path.to_owned(), anchor),
            LinkKind::MarkdownFile { file, anchor } | LinkKind::OtherRelative { file, anchor, .. } => {
                match published_path(
                    &resolve_relative(
                        &pages
                            .content_folder()
                            .join(page.trim_start_matches('/'))
                            .join("index.html"),
                        file,
                    ),
                    pages.content_folder(),
                    file.ends_with('/'),
                ) {
                    Some(path) => (path, anchor),
                    None => continue,
                }
            }
        };
        outcome.internal.push(InternalLink {
            span: link_span,
            written: url.to_owned(),
            path,
            anchor: anchor.map(str::to_owned),
            is_image,
        });
    }
}

/// The values of `href="..."` and `src="..."` in `html`, with their byte offsets and whether the
/// attribute loads an image (`src`).
pub(super) fn html_link_attributes(html: &str) -> Vec<(usize, bool, &str)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for (name, is_image) in [("href", false), ("src", true)] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(name).map(|i| from + i) {
            from = at + name.len();
            let preceded = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
            let rest = &html[from..];
            let after_name = rest.trim_start();
            let Some(after_equals) = after_name.strip_prefix('=') else {
                continue;
            };
            let value = after_equals.trim_start();
            let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let Some(end) = value[1..].find(quote) else {
                continue;
            };
            if preceded {
                let start = html.len() - value.len() + 1;
                found.push((start, is_image, &html[start..start + end]));
            }
        }
    }
    found.sort_by_key(|(offset, _, _)| *offset);
    found
}

/// `path`, then `?query` and `#anchor` when present.
pub(super) fn with_anchor(mut path: String, query: &str, anchor: Option<&str>) -> String {
    if !query.is_empty() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(anchor) = anchor {
        path.push('#');
        path.push_str(anchor);
    }
    path
}

/// The page built from the Markdown file that another tool would have written as `resolved`, an
/// `.html` file: `chapter.html` from `chapter.md`, `index.html` from `index.md` or `README.md`.
pub(super) fn page_of_built_file(pages: &dyn PageLookup, resolved: &Path) -> Option<String> {
    if resolved.extension().is_none_or(|extension| extension != "html") {
        return None;
    }
    if let Some(path) = pages.path_of_source(&resolved.with_extension("md")) {
        return Some(path);
    }
    (resolved.file_stem()? == "index")
        .then(|| pages.path_of_source(&resolved.with_file_name("README.md")))
        .flatten()
}

/// The root-relative URL where the build publishes `resolved` (a path relative to the site root), when
/// it is under `content_folder`: `content/guides/shot.png` -> `/guides/shot.png`, a folder with a
/// trailing `/`.
pub(super) fn published_path(resolved: &Path, content_folder: &Path, is_folder: bool) -> Option<String> {
    let below = resolved.strip_prefix(content_folder).ok()?;
    let mut path = String::from("/");
    for component in below.components() {
        match component {
            Component::Normal(segment) => {
                path.push_str(&segment.to_string_lossy());
                path.push('/');
            }
            _ => return None,
        }
    }
    if !is_folder && path.len() > 1 {
        path.pop();
    }
    Some(path)
}

pub(super) enum LinkKind<'a> {
    External,
    SamePage(&'a str),
    RootRelative {
        path: &'a str,
        anchor: Option<&'a str>,
    },
    MarkdownFile {
        file: &'a str,
        anchor: Option<&'a str>,
    },
    OtherRelative {
        file: &'a str,
        query: &'a str,
        anchor: Option<&'a str>,
    },
}

pub(super) fn classify(url: &str) -> LinkKind<'_> {
    let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || url.starts_with("//") || url.is_empty() {
        return LinkKind::External;
    }
    if let Some(anchor) = url.strip_prefix('#') {
        return LinkKind::SamePage(anchor);
    }
    let (without_anchor, anchor) = match url.split_once('#') {
        Some((before, anchor)) => (before, Some(anchor)),
        None => (url, None),
    };
    let (path, query) = without_anchor.split_once('?').unwrap_or((without_anchor, ""));
    if url.starts_with('/') {
        return LinkKind::RootRelative { path, anchor };
    }
    if path.ends_with(".md") {
        return LinkKind::MarkdownFile { file: path, anchor };
    }
    if path.is_empty() {
        // `?query` alone: the page itself.
        return LinkKind::SamePage(anchor.unwrap_or_default());
    }
    LinkKind::OtherRelative {
        file: path,
        query,
        anchor,
    }
}

/// `file` as a browser resolves it on the page at the URL path `page` (`/docs/intro/`): `../faq/` ->
/// `/docs/faq/`; `..` never climbs above the root.
fn resolve_from_url(page: &str, file: &str) -> String {
    let mut segments: Vec<&str> = page.split('/').filter(|segment| !segment.is_empty()).collect();
    if !page.ends_with('/') {
        segments.pop();
    }
    let parts: Vec<&str> = file.split('/').collect();
    for part in &parts {
        match *part {
            ".." => {
                segments.pop();
            }
            "." | "" => {}
            segment => segments.push(segment),
        }
    }
    let mut path = format!("/{}", segments.join("/"));
    let folder = file.ends_with('/') || matches!(parts.last(), Some(&".") | Some(&".."));
    if folder && path.len() > 1 {
        path.push('/');
    }
    path
}

/// `file` relative to the folder of `source`, normalised (`..` and `.` removed).
pub(super) fn resolve_relative(source: &Path, file: &str) -> PathBuf {
    let base = source.parent().unwrap_or(Path::new(""));
    let mut resolved = PathBuf::new();
    for component in base.join(percent_decode(file).as_ref()).components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other.as_os_str()),
        }
    }
    resolved
}

/// Decodes `%20`-style escapes, which authors use for file names with spaces.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .unwrap_or(std::borrow::Cow::Borrowed(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{LinkType, Parser};

    use crate::test_fixtures::StoragePages as Pages;

    fn run(markdown: &str) -> (Vec<String>, LinksOutcome) {
        let mut events: Vec<_> = Parser::new(markdown).into_offset_iter().collect();
        let outcome = process(&mut events, Path::new("content/storage/guide.md"), &Pages, "");
        let urls = events
            .into_iter()
            .filter_map(|(event, _)| match event {
                Event::Start(Tag::Link {
                    dest_url,
                    link_type: LinkType::Inline,
                    ..
                }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect();
        (urls, outcome)
    }

    #[test]
    fn relative_markdown_links_become_permalinks() {
        let (urls, outcome) = run("[a](kv.md#the-keyspace) [b](./_index.md) [c](../storage/kv.md)");
        assert_eq!(urls, ["/storage/kv/#the-keyspace", "/storage/", "/storage/kv/"]);
        assert_eq!(outcome.internal.len(), 3);
        assert_eq!(outcome.internal[0].anchor.as_deref(), Some("the-keyspace"));
    }

    #[test]
    fn links_from_the_content_root_become_permalinks() {
        let (urls, outcome) = run("[a](@/storage/kv.md#the-keyspace) [b](@/storage/_index.md) [c](@/gone.md)");
        assert_eq!(urls[..2], ["/storage/kv/#the-keyspace", "/storage/"]);
        assert_eq!(outcome.missing.len(), 1);
        assert_eq!(outcome.missing[0].resolved, PathBuf::from("content/gone.md"));
        assert_eq!(outcome.missing[0].written, "@/gone.md");
    }

    #[test]
    fn relative_links_can_be_read_from_the_page_url() {
        for (page, file, path) in [
            ("/docs/intro/", "../faq/", "/docs/faq/"),
            ("/docs/intro/", "shot.png", "/docs/intro/shot.png"),
            ("/docs/intro/", "../../../x/", "/x/"),
            ("/", "./a/b", "/a/b"),
            ("/docs/intro/", "..", "/docs/"),
        ] {
            assert_eq!(resolve_from_url(page, file), path, "{page} {file}");
        }
    }

    #[test]
    fn links_to_missing_files_are_reported_with_their_span() {
        let (_, outcome) = run("text [gone](missing.md)");
        assert_eq!(outcome.missing.len(), 1);
        assert_eq!(outcome.missing[0].resolved, PathBuf::from("content/storage/missing.md"));
        assert_eq!(outcome.missing[0].span.start, 5);
    }

    #[test]
    fn external_root_relative_and_anchor_links_are_classified() {
        let (urls, outcome) =
            run("[x](https://a.dev/b.md) [y](/storage/kv/#list) [z](#local) [m](mailto:a@b.c) [p](//cdn.dev/x)");
        assert_eq!(
            urls,
            [
                "https://a.dev/b.md",
                "/storage/kv/#list",
                "#local",
                "mailto:a@b.c",
                "//cdn.dev/x"
            ]
        );
        let checked: Vec<(&str, Option<&str>)> = outcome
            .internal
            .iter()
            .map(|l| (l.path.as_str(), l.anchor.as_deref()))
            .collect();
        assert_eq!(checked, [("/storage/kv/", Some("list")), ("", Some("local"))]);
    }

    #[test]
    fn other_relative_links_point_where_their_target_is_published() {
        // The page is content/storage/guide.md, published at /storage/guide/: a file beside it is
        // published at /storage/, so the browser must not resolve `img.png` against the page's URL.
        let (urls, outcome) = run(
            "[i](img.png) [f](../nothing/here/) [h](chapter.html?x=1#top) [s](./sub/a%20b.txt) [o](../../../etc/passwd)",
        );
        assert_eq!(
            urls,
            [
                "/storage/img.png",
                "/nothing/here/",
                "/storage/chapter.html?x=1#top",
                "/storage/sub/a b.txt",
                "../../../etc/passwd"
            ]
        );
        let checked: Vec<(&str, Option<&str>)> = outcome
            .internal
            .iter()
            .map(|l| (l.path.as_str(), l.anchor.as_deref()))
            .collect();
        assert_eq!(
            checked,
            [
                ("/storage/img.png", None),
                ("/nothing/here/", None),
                ("/storage/chapter.html", Some("top")),
                ("/storage/sub/a b.txt", None)
            ]
        );
        assert_eq!(outcome.missing.len(), 1, "a link out of content/ cannot be published");
        assert_eq!(outcome.missing[0].resolved, PathBuf::from("etc/passwd"));
    }

    #[test]
    fn links_start_with_the_base_path_of_a_project_site() {
        let mut events: Vec<_> =
            Parser::new("[a](kv.md#list) [b](/storage/kv/) [c](img.png) [d](https://x.dev/) [e](#top)")
                .into_offset_iter()
                .collect();
        let outcome = process(&mut events, Path::new("content/storage/guide.md"), &Pages, "/tally");
        let urls: Vec<String> = events
            .into_iter()
            .filter_map(|(event, _)| match event {
                Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(
            urls,
            [
                "/tally/storage/kv/#list",
                "/tally/storage/kv/",
                "/tally/storage/img.png",
                "https://x.dev/",
                "#top"
            ]
        );
        let checked: Vec<&str> = outcome.internal.iter().map(|link| link.path.as_str()).collect();
        assert_eq!(
            checked,
            ["/storage/kv/", "/storage/kv/", "/storage/img.png", ""],
            "links are checked as paths of the site"
        );
    }

    #[test]
    fn raw_html_links_are_checked_as_the_browser_resolves_them() {
        let (_, outcome) = run(
            "<img src=\"shot.png\" alt=\"x\"> <a HREF='/storage/kv/#list'>a</a> <a href=\"https://x.dev\">b</a>\n\n<p data-src=\"no.png\"><a href=\"../\">up</a></p>\n",
        );
        let checked: Vec<(&str, &str, Option<&str>, bool)> = outcome
            .internal
            .iter()
            .map(|l| (l.written.as_str(), l.path.as_str(), l.anchor.as_deref(), l.is_image))
            .collect();
        // The page content/storage/guide.md is published at /storage/guide/.
        assert_eq!(
            checked,
            [
                ("shot.png", "/storage/guide/shot.png", None, true),
                ("/storage/kv/#list", "/storage/kv/", Some("list"), false),
                ("../", "/storage/", None, false),
            ]
        );
    }

    #[test]
    fn percent_escapes_are_decoded_in_file_links() {
        assert_eq!(
            resolve_relative(Path::new("content/a/b.md"), "my%20page.md"),
            PathBuf::from("content/a/my page.md")
        );
    }
}
