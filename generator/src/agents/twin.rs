//! The Markdown twin of a page: its body as the author wrote it, without front matter, with its title
//! as an H1, `include=` fences filled with the lines the HTML page shows, and relative links made
//! absolute the way the HTML page resolves them ([`crate::markdown::links`]). Diagrams stay Mermaid
//! fences and everything else stays as written: the twin is edited in place, span by span, never
//! re-serialised, so tables, footnotes and raw HTML come through unchanged.

use crate::markdown::fence_info::{FenceInfo, parse_fence_info};
use crate::markdown::include::read_include;
use crate::markdown::{MarkdownOptions, PageLookup, links, parser_options};
use crate::site_root::SiteRoot;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};
use std::ops::Range;
use std::path::Path;

/// The output file of the twin of the page at the URL path `path`: `/storage/kv/` ->
/// `storage/kv/index.md`, beside the page's `index.html`.
pub(crate) fn twin_file(path: &str) -> String {
    format!("{}index.md", path.trim_start_matches('/'))
}

/// One page to convert.
pub(crate) struct TwinSource<'a> {
    /// Relative to the site root (`content/storage/kv.md`): relative links are resolved from it.
    pub file: &'a Path,
    pub body: &'a str,
    pub title: &'a str,
    /// The title is the body's own leading `#` heading.
    pub title_from_heading: bool,
    /// The absolute URL of the HTML page: `#anchor` links point into it.
    pub page_url: &'a str,
}

/// What converting needs from the rest of the site.
pub(crate) struct TwinContext<'a> {
    /// For `include=` fences.
    pub site_root: &'a SiteRoot,
    pub pages: &'a dyn PageLookup,
    pub options: MarkdownOptions,
    /// The site's absolute base URL without a trailing slash (`https://x.dev/tally`): links start with it.
    pub base_url: &'a str,
}

/// A page as Markdown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MarkdownTwin {
    /// The whole twin: a title heading, then the body.
    pub markdown: String,
    /// How many bytes at the start of `markdown` are the page's title heading and the blank line after
    /// it (0 when the body starts with an H1 of its own that is not the title).
    title_len: usize,
}

/// A page's twin as the build keeps it for `llms-full.txt`: in memory, or only where its body starts
/// in the file written to the output (read back when `llms-full.txt` is written, so a big site does
/// not hold every page's Markdown until the end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeptTwin {
    InMemory(MarkdownTwin),
    Written {
        /// The twin's file in the output.
        file: String,
        /// Where the body starts in it (see [`MarkdownTwin::body`]).
        title_len: usize,
    },
}

impl Default for KeptTwin {
    /// An empty twin in memory.
    fn default() -> Self {
        KeptTwin::InMemory(MarkdownTwin::default())
    }
}

impl MarkdownTwin {
    /// Keeps only where the twin, written to `file`, has its body.
    pub(crate) fn into_written(self, file: String) -> KeptTwin {
        KeptTwin::Written {
            file,
            title_len: self.title_len,
        }
    }

    /// A twin with no title heading, for tests of what lists twins.
    #[cfg(test)]
    pub(super) fn untitled(markdown: String) -> Self {
        Self { markdown, title_len: 0 }
    }

    /// `markdown` ending in one newline, of which the first `title_len` bytes are the title heading.
    fn new(markdown: &str, title_len: usize) -> Self {
        let markdown = ensure_newline(markdown);
        // Trimming the end may have cut into the blank line after a title with no body.
        let title_len = title_len.min(markdown.len());
        Self { markdown, title_len }
    }

    /// The twin without its title heading, for listings that write the title themselves.
    pub(crate) fn body(&self) -> &str {
        self.markdown.get(self.title_len..).unwrap_or_default()
    }
}

/// Converts one page to its Markdown twin. Problems the HTML render reports (a missing include, a
/// broken link, a parser failure) leave the text as written.
pub(crate) fn markdown_twin(source: &TwinSource<'_>, context: &TwinContext<'_>) -> MarkdownTwin {
    let Some(parsed) = parse(source.body, context.options) else {
        return with_title(source.title, source.body.trim_start_matches(['\n', '\r']));
    };
    let mut edits = Vec::new();
    link_edits(&parsed, source, context, &mut edits);
    include_edits(&parsed.events, source.body, context.site_root, &mut edits);
    let leading_h1 = leading_h1(&parsed.events);
    let converted = apply(source.body, edits);
    let trimmed = converted.trim_start_matches(['\n', '\r']);
    match leading_h1 {
        // The body's H1 is its title: it stays, and is the title heading.
        Some(h1) if source.title_from_heading => {
            let skipped = converted.len() - trimmed.len();
            let h1_len = title_heading_len(trimmed, h1.start.saturating_sub(skipped));
            MarkdownTwin::new(trimmed, h1_len)
        }
        // An H1 of the body's own after a front matter title: the page shows both.
        Some(_) => MarkdownTwin::new(trimmed, 0),
        None => with_title(source.title, trimmed),
    }
}

/// `body` under a written title heading.
fn with_title(title: &str, body: &str) -> MarkdownTwin {
    let heading = format!("# {}\n\n", title_text(title));
    let title_len = heading.len();
    MarkdownTwin::new(&(heading + body), title_len)
}

/// A title as the text of an ATX heading: one line, with the characters that would end or change
/// the heading escaped.
pub(super) fn title_text(title: &str) -> String {
    let one_line = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut text = String::with_capacity(one_line.len());
    for character in one_line.chars() {
        if matches!(character, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '#') {
            text.push('\\');
        }
        text.push(character);
    }
    text
}

fn ensure_newline(text: &str) -> String {
    let mut text = text.trim_end().to_owned();
    text.push('\n');
    text
}

/// The length of the heading line starting at `at` in `text` (0 unless it is the text's start), with
/// the blank lines after it.
fn title_heading_len(text: &str, at: usize) -> usize {
    if at != 0 || !text.starts_with('#') {
        return 0;
    }
    let line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let rest = &text[line_end..];
    line_end + (rest.len() - rest.trim_start_matches(['\n', '\r']).len())
}

/// The events of a body with their byte ranges, and its link reference definitions.
struct Parsed<'a> {
    events: Vec<(Event<'a>, Range<usize>)>,
    /// `[label]: destination` lines: the destination and the span of the definition.
    definitions: Vec<(String, Range<usize>)>,
}

/// Parses like the HTML render does, or `None` when pulldown-cmark panics (see
/// [`crate::markdown::render`]; the HTML page reports it).
fn parse(body: &str, options: MarkdownOptions) -> Option<Parsed<'_>> {
    std::panic::catch_unwind(|| {
        let parser = Parser::new_ext(body, parser_options(options));
        let mut definitions: Vec<(String, Range<usize>)> = parser
            .reference_definitions()
            .iter()
            .map(|(_, definition)| (definition.dest.to_string(), definition.span.clone()))
            .collect();
        definitions.sort_by_key(|(_, span)| span.start);
        let events = parser.into_offset_iter().collect();
        Parsed { events, definitions }
    })
    .ok()
}

/// A replacement of `range` of the body.
type Edit = (Range<usize>, String);

/// Applies non-overlapping `edits` to `body`.
fn apply(body: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(body.len() + edits.iter().map(|(_, text)| text.len()).sum::<usize>());
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at || range.end > body.len() {
            continue;
        }
        out.push_str(&body[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&body[at..]);
    out
}

/// Where the body's first block is an H1: its range.
fn leading_h1(events: &[(Event<'_>, Range<usize>)]) -> Option<Range<usize>> {
    let first = events.iter().find(|(event, _)| {
        !matches!(
            event,
            Event::Html(_) | Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock)
        )
    })?;
    match first {
        (
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }),
            range,
        ) => Some(range.clone()),
        _ => None,
    }
}

/// Edits that make the destinations of inline links, images and link reference definitions absolute,
/// through the same rewriting as the HTML page's links, with the site's absolute base URL in place
/// of its base path.
fn link_edits(parsed: &Parsed<'_>, source: &TwinSource<'_>, context: &TwinContext<'_>, edits: &mut Vec<Edit>) {
    let mut links: Vec<(Event<'_>, Range<usize>)> = Vec::new();
    // (where the destination starts being looked for, the end of the search, the destination as written)
    let mut places: Vec<(usize, usize, String)> = Vec::new();
    for (index, (event, span)) in parsed.events.iter().enumerate() {
        let (Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url,
            ..
        })
        | Event::Start(Tag::Image {
            link_type: LinkType::Inline,
            dest_url,
            ..
        })) = event
        else {
            continue;
        };
        let text_end = link_text_end(&parsed.events, index);
        let Some(close) = source.body[text_end..span.end].find("](") else {
            continue;
        };
        places.push((text_end + close + 2, span.end, dest_url.to_string()));
        links.push((event.clone(), span.clone()));
    }
    for (dest, span) in &parsed.definitions {
        let Some(colon) = source.body[span.clone()].find("]:") else {
            continue;
        };
        places.push((span.start + colon + 2, span.end, dest.clone()));
        links.push((
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: CowStr::from(dest.clone()),
                title: CowStr::Borrowed(""),
                id: CowStr::Borrowed(""),
            }),
            span.clone(),
        ));
    }
    links::process(&mut links, source.file, context.pages, context.base_url);
    for ((event, _), (from, to, written)) in links.iter().zip(places) {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) = event else {
            continue;
        };
        let absolute = if written.starts_with('#') {
            format!("{}{written}", source.page_url)
        } else if dest_url.as_ref() != written {
            dest_url.to_string()
        } else {
            continue;
        };
        if let Some((range, bracketed)) = destination_range(source.body, from, to, &written) {
            let absolute = if bracketed || !absolute.contains([' ', '(', ')', '<', '>']) {
                absolute
            } else {
                format!("<{absolute}>")
            };
            edits.push((range, absolute));
        }
    }
}

/// Where the text of the link or image starting at `events[start]` ends: after every event inside it,
/// so a `](` inside the text (a linked image) is not taken for the link's own.
fn link_text_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let span = &events[start].1;
    let mut end = span.start + 1;
    let mut depth = 0usize;
    for (event, inner) in &events[start + 1..] {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) if depth == 0 => break,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        end = end.max(inner.end);
    }
    end.min(span.end)
}

/// The range of the destination `written` in `body[from..to]`, after optional whitespace, and whether
/// it is written in `<...>` (the range is then inside the brackets). `None` when the source spells it
/// otherwise (escapes, entities): it is then left as written.
fn destination_range(body: &str, from: usize, to: usize, written: &str) -> Option<(Range<usize>, bool)> {
    let window = body.get(from..to)?;
    let start = from + (window.len() - window.trim_start().len());
    let rest = &body[start..to];
    if let Some(inner) = rest.strip_prefix('<')
        && inner.starts_with(written)
        && inner[written.len()..].starts_with('>')
    {
        return Some((start + 1..start + 1 + written.len(), true));
    }
    let after = rest.get(written.len()..)?;
    let ends_there = after.is_empty() || after.starts_with(|c: char| c.is_whitespace() || c == ')');
    (rest.starts_with(written) && ends_there).then(|| (start..start + written.len(), false))
}

/// Edits that replace each `include=` fence by a fence holding the included lines, as the HTML page
/// shows them ([`read_include`]).
fn include_edits(events: &[(Event<'_>, Range<usize>)], body: &str, root: &SiteRoot, edits: &mut Vec<Edit>) {
    for (event, span) in events {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = event else {
            continue;
        };
        let Ok(info) = parse_fence_info(info) else {
            continue;
        };
        let Some(spec) = &info.include else {
            continue;
        };
        let Ok(included) = read_include(root, spec) else {
            continue;
        };
        let line_start = body[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let prefix = continuation_prefix(&body[line_start..span.start]);
        let fence = "`".repeat(longest_backtick_run(&included).max(2) + 1);
        let mut block = format!("{fence}{}\n", twin_info(&info));
        for line in included.lines() {
            block.push_str(&prefix);
            block.push_str(line);
            block.push('\n');
        }
        block.push_str(&prefix);
        block.push_str(&fence);
        if body[span.clone()].ends_with('\n') {
            block.push('\n');
        }
        edits.push((span.clone(), block));
    }
}

/// What the lines after the first of a block must start with to stay in the same container: block
/// quote markers are kept, list markers become spaces.
fn continuation_prefix(first_line_prefix: &str) -> String {
    first_line_prefix
        .chars()
        .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
        .collect()
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// The info string of a filled include fence: the language, the title and the tab label.
fn twin_info(info: &FenceInfo) -> String {
    let mut text = info.lang.clone().unwrap_or_default();
    for (name, value) in [("title", &info.title), ("tab", &info.tab)] {
        if let Some(value) = value {
            let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
            text.push_str(&format!(" {name}=\"{escaped}\""));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use crate::test_fixtures::StoragePages as Pages;

    struct Site {
        dir: tempfile::TempDir,
    }

    impl Site {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("src")).unwrap();
            std::fs::write(
                dir.path().join("src/lib.rs"),
                "fn outside() {}\n    // #region handler\n    fn handle() {\n        ok()\n    }\n    // #endregion handler\n",
            )
            .unwrap();
            Self { dir }
        }

        fn twin(&self, body: &str, title: &str, title_from_heading: bool) -> MarkdownTwin {
            let root = SiteRoot::new(self.dir.path()).unwrap();
            let file = PathBuf::from("content/storage/guide.md");
            let source = TwinSource {
                file: &file,
                body,
                title,
                title_from_heading,
                page_url: "https://x.dev/tally/storage/guide/",
            };
            let context = TwinContext {
                site_root: &root,
                pages: &Pages,
                options: MarkdownOptions {
                    smart_punctuation: true,
                    heading_ids: crate::markdown::headings::HeadingIds::Github,
                },
                base_url: "https://x.dev/tally",
            };
            markdown_twin(&source, &context)
        }
    }

    #[test]
    fn the_title_becomes_an_h1_unless_the_body_has_one() {
        let site = Site::new();
        let twin = site.twin("\nSome *text*.\n", "KV [beta]", false);
        assert_eq!(twin.markdown, "# KV \\[beta\\]\n\nSome *text*.\n");
        assert_eq!(twin.body(), "Some *text*.\n");

        let twin = site.twin("\n# Guide\n\nText.\n", "Guide", true);
        assert_eq!(twin.markdown, "# Guide\n\nText.\n");
        assert_eq!(twin.body(), "Text.\n", "the heading is the title");

        let twin = site.twin("# Another heading\n\nText.\n", "Front matter title", false);
        assert_eq!(twin.markdown, "# Another heading\n\nText.\n");
        assert_eq!(twin.body(), twin.markdown, "the body's own H1 is content");
    }

    #[test]
    fn a_page_with_nothing_but_its_title_has_an_empty_body() {
        let site = Site::new();
        for (body, title_from_heading) in [("", false), ("\n\n", false), ("# Guides\n\n", true)] {
            let twin = site.twin(body, "Guides", title_from_heading);
            assert_eq!(twin.markdown, "# Guides\n", "{body:?}");
            assert_eq!(twin.body(), "", "{body:?}");
        }
    }

    #[test]
    fn includes_are_filled_with_the_lines_the_page_shows() {
        let site = Site::new();
        let body = "Intro.\n\n```rust include=\"src/lib.rs#handler\" title=\"src/lib.rs\" {2}\n```\n\nAfter.\n";
        let twin = site.twin(body, "Code", false);
        assert_eq!(
            twin.markdown,
            "# Code\n\nIntro.\n\n```rust title=\"src/lib.rs\"\nfn handle() {\n    ok()\n}\n```\n\nAfter.\n"
        );
        let quoted = site.twin("> ```rust include=\"src/lib.rs#handler\"\n> ```\n", "Q", false);
        assert_eq!(quoted.body(), "> ```rust\n> fn handle() {\n>     ok()\n> }\n> ```\n");
        let listed = site.twin(
            "- item\n\n  ```rust include=\"src/lib.rs#handler\"\n  ```\n",
            "L",
            false,
        );
        assert_eq!(
            listed.body(),
            "- item\n\n  ```rust\n  fn handle() {\n      ok()\n  }\n  ```\n"
        );
        let missing = "```rust include=\"src/gone.rs\"\n```\n";
        assert_eq!(
            site.twin(missing, "M", false).body(),
            missing,
            "the page reports it; the twin keeps it"
        );
    }

    #[test]
    fn a_fence_outgrows_backticks_in_the_included_file() {
        let site = Site::new();
        std::fs::write(site.dir.path().join("src/doc.md"), "```sh\nls\n```\n").unwrap();
        let twin = site.twin("```md include=\"src/doc.md\"\n```\n", "D", false);
        assert_eq!(twin.body(), "````md\n```sh\nls\n```\n````\n");
    }

    #[test]
    fn diagrams_and_other_fences_stay_as_written() {
        let site = Site::new();
        let body = "```mermaid caption=\"Flow\"\nflowchart LR\n  a[\"x\"] --> b\n```\n\n~~~ts tab=\"TS\"\nlet a = 1; // [no](link.md)\n~~~\n";
        assert_eq!(site.twin(body, "T", false).body(), body);
    }

    #[test]
    fn links_become_absolute_like_the_page_links() {
        let site = Site::new();
        let body = "See [KV](kv.md#list), [root](/storage/), ![img](shot.png \"Shot\"), [here](#top), \
                    [ext](https://a.dev/x.md), [[![badge](b.svg)](kv.md)] and [ref][r].\n\n[r]: <kv.md>\n";
        let twin = site.twin(body, "T", false);
        assert_eq!(
            twin.body(),
            "See [KV](https://x.dev/tally/storage/kv/#list), [root](https://x.dev/tally/storage/), \
             ![img](https://x.dev/tally/storage/shot.png \"Shot\"), [here](https://x.dev/tally/storage/guide/#top), \
             [ext](https://a.dev/x.md), [[![badge](https://x.dev/tally/storage/b.svg)](https://x.dev/tally/storage/kv/)] \
             and [ref][r].\n\n[r]: <https://x.dev/tally/storage/kv/>\n"
        );
    }

    #[test]
    fn links_the_page_cannot_resolve_stay_as_written() {
        let site = Site::new();
        let body = "[gone](missing.md) [out](../../../etc/passwd) [esc](kv\\_a.md) <a href=\"kv.md\">raw</a>\n";
        assert_eq!(site.twin(body, "T", false).body(), body);
    }

    #[test]
    fn output_file_sits_beside_the_page() {
        assert_eq!(twin_file("/storage/kv/"), "storage/kv/index.md");
        assert_eq!(twin_file("/"), "index.md");
    }
}
