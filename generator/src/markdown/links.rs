//! Links: relative `.md` links become permalinks; internal links are recorded so the build can check
//! that every target page and anchor exists once all pages are rendered.

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

/// A `.md` link whose file is not a page of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPage {
    pub span: Range<usize>,
    pub written: String,
    /// The file it points at, relative to the site root.
    pub resolved: PathBuf,
}

/// Looks up the URL path of the page read from a source file (relative to the site root).
pub trait PageLookup {
    fn path_of_source(&self, source: &Path) -> Option<String>;
}

#[derive(Debug, Default)]
pub struct LinksOutcome {
    pub internal: Vec<InternalLink>,
    pub missing: Vec<MissingPage>,
}

/// Rewrites the destinations of links and images in `events` (with their byte ranges).
pub fn process<'a>(events: &mut [(Event<'a>, Range<usize>)], source: &Path, pages: &dyn PageLookup) -> LinksOutcome {
    let mut outcome = LinksOutcome::default();
    for (event, span) in events.iter_mut() {
        let (dest_url, is_image) = match event {
            Event::Start(Tag::Link { dest_url, .. }) => (dest_url, false),
            Event::Start(Tag::Image { dest_url, .. }) => (dest_url, true),
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
            LinkKind::RootRelative { path, anchor } => outcome.internal.push(InternalLink {
                span: span.clone(),
                written: written.clone(),
                path: path.to_owned(),
                anchor: anchor.map(str::to_owned),
                is_image,
            }),
            LinkKind::MarkdownFile { file, anchor } => {
                let resolved = resolve_relative(source, file);
                match pages.path_of_source(&resolved) {
                    Some(path) => {
                        let mut url = path.clone();
                        if let Some(anchor) = anchor {
                            url.push('#');
                            url.push_str(anchor);
                        }
                        *dest_url = CowStr::from(url);
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
                    }),
                }
            }
            LinkKind::OtherRelative => {}
        }
    }
    outcome
}

enum LinkKind<'a> {
    External,
    SamePage(&'a str),
    RootRelative { path: &'a str, anchor: Option<&'a str> },
    MarkdownFile { file: &'a str, anchor: Option<&'a str> },
    OtherRelative,
}

fn classify(url: &str) -> LinkKind<'_> {
    let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || url.starts_with("//") || url.is_empty() {
        return LinkKind::External;
    }
    if let Some(anchor) = url.strip_prefix('#') {
        return LinkKind::SamePage(anchor);
    }
    let (without_query, _) = url.split_once('?').unwrap_or((url, ""));
    let (path, anchor) = match without_query.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (without_query, None),
    };
    if url.starts_with('/') {
        return LinkKind::RootRelative { path, anchor };
    }
    if path.ends_with(".md") {
        return LinkKind::MarkdownFile { file: path, anchor };
    }
    LinkKind::OtherRelative
}

/// `file` relative to the folder of `source`, normalised (`..` and `.` removed).
fn resolve_relative(source: &Path, file: &str) -> PathBuf {
    let base = source.parent().unwrap_or(Path::new(""));
    let mut resolved = PathBuf::new();
    for component in base.join(percent_decode(file)).components() {
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
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            decoded.push(byte);
            i += 3;
            continue;
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(decoded).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{LinkType, Parser};

    struct Pages;
    impl PageLookup for Pages {
        fn path_of_source(&self, source: &Path) -> Option<String> {
            match source.to_str()? {
                "content/storage/kv.md" => Some("/storage/kv/".into()),
                "content/storage/_index.md" => Some("/storage/".into()),
                _ => None,
            }
        }
    }

    fn run(markdown: &str) -> (Vec<String>, LinksOutcome) {
        let mut events: Vec<_> = Parser::new(markdown).into_offset_iter().collect();
        let outcome = process(&mut events, Path::new("content/storage/guide.md"), &Pages);
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
    fn links_to_missing_files_are_reported_with_their_span() {
        let (_, outcome) = run("text [gone](missing.md)");
        assert_eq!(outcome.missing.len(), 1);
        assert_eq!(outcome.missing[0].resolved, PathBuf::from("content/storage/missing.md"));
        assert_eq!(outcome.missing[0].span.start, 5);
    }

    #[test]
    fn external_root_relative_and_anchor_links_are_classified() {
        let (urls, outcome) =
            run("[x](https://a.dev/b.md) [y](/storage/kv/#list) [z](#local) [m](mailto:a@b.c) [i](img.png)");
        assert_eq!(
            urls,
            [
                "https://a.dev/b.md",
                "/storage/kv/#list",
                "#local",
                "mailto:a@b.c",
                "img.png"
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
    fn percent_escapes_are_decoded_in_file_links() {
        assert_eq!(
            resolve_relative(Path::new("content/a/b.md"), "my%20page.md"),
            PathBuf::from("content/a/my page.md")
        );
    }
}
