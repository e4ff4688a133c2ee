//! Markdown to HTML with pulldown-cmark, as a sequence of passes over the event stream, one per concern:
//! links, code blocks (highlighting, diagrams, includes, tab groups), admonitions, headings.
//!
//! It renders one document's body and reports what the build needs to check afterwards (internal links)
//! and what templates need (table of contents). It knows nothing about templates or output files.

pub mod admonitions;
pub mod code;
pub mod code_samples;
pub mod fence_info;
pub mod headings;
pub mod hidden_lines;
pub mod imported_links;
pub mod include;
pub mod links;
pub(crate) mod shortcodes;
mod zola_fence;

use crate::diagnostics::{Diagnostic, LineColumn, Location};
use crate::site_root::SiteRoot;
use pulldown_cmark::{Event, Options, Parser};
use std::path::Path;

pub use headings::TocEntry;
pub use links::{InternalLink, PageLookup};

/// Markdown options from `site.toml`.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    pub smart_punctuation: bool,
    pub heading_ids: headings::HeadingIds,
}

/// Everything a document's render needs from the rest of the site.
pub struct RenderContext<'a> {
    /// The site root, for code includes.
    pub site_root: &'a SiteRoot,
    pub pages: &'a dyn PageLookup,
    pub options: MarkdownOptions,
    /// The path of the site's base URL (`/tally`, or empty): links to the site's pages and files start
    /// with it.
    pub base_path: &'a str,
    /// Code frames rendered by an earlier build, reused when a block has not changed.
    pub frame_cache: Option<&'a dyn edgedocs_highlight::FrameCache>,
}

/// One document body to render.
pub struct MarkdownSource<'a> {
    /// Relative to the site root, for diagnostics and relative links.
    pub file: &'a Path,
    pub body: &'a str,
    /// The 1-based line of the file on which `body` starts.
    pub body_line: usize,
    /// The body's leading `#` heading became the title: leave it out.
    pub drop_title_heading: bool,
    /// Makes ids generated inside the document (diagrams) unique on the page.
    pub id_prefix: &'a str,
}

impl MarkdownSource<'_> {
    /// The file location of byte `offset` of the body.
    pub fn location(&self, offset: usize) -> Location {
        Location::at_offset(
            self.file,
            self.body,
            offset,
            LineColumn {
                line: self.body_line,
                column: 1,
            },
        )
    }
}

/// A rendered document body.
#[derive(Debug, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every id an internal link may point at: headings and `id="..."` in raw HTML.
    pub anchor_ids: Vec<String>,
    /// Internal links to check once every page is rendered, with where they were written.
    pub internal_links: Vec<(Location, InternalLink)>,
    pub word_count: usize,
    /// The text before the first heading, then one section per heading, for the search index.
    pub sections: Vec<edgedocs_search::SectionFragment>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parser_options(options: MarkdownOptions) -> Options {
    let mut parser_options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
        | Options::ENABLE_DEFINITION_LIST;
    if options.smart_punctuation {
        parser_options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    parser_options
}

/// Renders `source` to HTML.
pub fn render(source: &MarkdownSource<'_>, context: &RenderContext<'_>) -> RenderedMarkdown {
    let mut rendered = RenderedMarkdown::default();
    let Some(mut events) = parse_events(source.body, context.options) else {
        rendered.diagnostics.push(
            Diagnostic::error(
                Some(source.location(0)),
                "the Markdown parser failed on this page (a bug in pulldown-cmark, not in the page)",
            )
            .with_help(
                "the known trigger is a heading underlined with `---` or `===` that has `{...}` attributes \
                 inside a block quote or list: write that heading with `#` instead (`## Title {#id}`)",
            ),
        );
        return rendered;
    };

    let links = links::process(&mut events, source.file, context.pages, context.base_path);
    for missing in links.missing {
        let location = Some(source.location(missing.span.start));
        let content_folder = context.pages.content_folder();
        let diagnostic = if missing.resolved.starts_with(content_folder) {
            let diagnostic = Diagnostic::error(
                location,
                format!(
                    "link to a missing page `{}` (no file `{}`)",
                    missing.written,
                    missing.resolved.display()
                ),
            );
            match &missing.nearest {
                Some(nearest) => diagnostic.with_help(format!(
                    "did you mean `{}`? the path is relative to this file",
                    nearest.display()
                )),
                None => diagnostic.with_help("fix the path (it is relative to this file), or create the page"),
            }
        } else {
            Diagnostic::error(
                location,
                format!(
                    "link `{}` leads outside `{}/` (to `{}`), where the site has no pages or files",
                    missing.written,
                    content_folder.display(),
                    missing.resolved.display()
                ),
            )
            .with_help(format!(
                "relative links are resolved from this file; link to a file under `{}/`, or use an absolute URL",
                content_folder.display()
            ))
        };
        rendered.diagnostics.push(diagnostic);
    }
    for unchecked in links.unchecked {
        rendered.diagnostics.push(
            Diagnostic::warning(
                Some(source.location(unchecked.span.start)),
                format!(
                    "link `{}` leaves the site (to `{}` on the same host); it is not checked",
                    unchecked.written, unchecked.url
                ),
            )
            .with_help("the build checks only the site's own pages and files; an absolute URL says where it goes"),
        );
    }
    rendered.internal_links = links
        .internal
        .into_iter()
        .map(|link| (source.location(link.span.start), link))
        .collect();

    admonitions::check_unknown_markers(&mut events, |offset| source.location(offset), &mut rendered.diagnostics);
    // Read before code blocks become HTML, so the index has their code as text.
    let outline = crate::search::sections::read_outline(&events, source.drop_title_heading);
    let mut events = code::process(events, source, context, &mut rendered.diagnostics);
    admonitions::process(&mut events);
    let mut raw_html_ids = Vec::new();
    for event in &events {
        if let Event::Html(html) | Event::InlineHtml(html) = event {
            collect_html_ids(html, &mut raw_html_ids);
        }
    }
    let (events, headings) = headings::process(events, source.drop_title_heading, context.options.heading_ids);
    rendered.toc = headings.toc;
    rendered.sections = crate::search::sections::into_sections(outline, &headings.ids);
    rendered.anchor_ids = headings.ids;
    rendered.anchor_ids.extend(raw_html_ids);
    rendered.word_count = count_words(&events);

    rendered.html.reserve(source.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut rendered.html, events.into_iter());
    rendered
}

/// The body's events with their byte ranges, or `None` when the parser panics: pulldown-cmark 0.13 can
/// slice out of bounds on some nested setext headings with attributes, and one page must not stop
/// the whole build.
fn parse_events(body: &str, options: MarkdownOptions) -> Option<Vec<(Event<'_>, std::ops::Range<usize>)>> {
    std::panic::catch_unwind(|| {
        Parser::new_ext(body, parser_options(options))
            .into_offset_iter()
            .collect()
    })
    .ok()
}

fn count_words(events: &[Event<'_>]) -> usize {
    events
        .iter()
        .map(|event| match event {
            Event::Text(text) => text.split_whitespace().count(),
            _ => 0,
        })
        .sum()
}

/// Adds the values of `id="..."` attributes in raw HTML to `ids`.
fn collect_html_ids(html: &str, ids: &mut Vec<String>) {
    let mut rest = html;
    while let Some(start) = rest.find(" id=") {
        rest = &rest[start + 4..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        rest = &rest[1..];
        if let Some(end) = rest.find(quote) {
            ids.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests;
