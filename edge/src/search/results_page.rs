//! The results page: what goes into the page the build wrote (`search/index.html`, the theme's
//! `search.html`), as a [`ResultsFill`]: the results into its `[data-search-results]` element, the
//! query into every `input[name=q]` and before its `<title>`; and its applier with lol_html. Everything
//! taken from the query or the index is escaped here; the excerpts come escaped from
//! `edgedocs-search`, with only `<mark>` added.

use std::cell::Cell;
use std::fmt::Write;

use edgedocs_search::PageResult;
use lol_html::html_content::ContentType;
use lol_html::{RewriteStrSettings, element, rewrite_str};

use super::request::{MAX_SEARCH_QUERY_BYTES, SearchQuery};

/// The element of the results page the results go into.
pub const RESULTS_SELECTOR: &str = "[data-search-results]";
/// The search fields that show the query.
pub const QUERY_INPUT_SELECTOR: &str = "input[name=q]";
/// The most index terms a result link carries in `?highlight=`.
const MAX_HIGHLIGHT_TERMS: usize = 16;

/// What the page shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ResultsView {
    /// No query yet.
    Prompt,
    /// The index could not be read.
    Unavailable,
    /// The pages found (best first), each with the index terms it matched; `incomplete` when the query
    /// needed more of the index than one search reads.
    Found {
        pages: Vec<(PageResult, Vec<String>)>,
        incomplete: bool,
    },
}

/// What goes into the results page, decided once for every applier: lol_html here ([`fill`]), the
/// runtime's HTMLRewriter in the Worker (`worker/page.js`, `rewritePage`), with the same rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsFill {
    /// The inner HTML of the first [`RESULTS_SELECTOR`] element: the status line, notes and the list.
    pub results_html: String,
    /// The `value` of every `input[name=q]`, escaped for a double-quoted attribute but for `"` (which
    /// lol_html and HTMLRewriter escape themselves).
    pub query_value: String,
    /// Text to put before the `<title>`'s own (escaped when inserted), when there is a query.
    pub title_prefix: Option<String>,
}

impl ResultsFill {
    pub(crate) fn new(query: &SearchQuery, view: &ResultsView) -> Self {
        let shown = query.shown();
        Self {
            results_html: results_html(query, view),
            query_value: shown.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"),
            title_prefix: (!shown.is_empty()).then(|| format!("{shown} – ")),
        }
    }
}

/// `page` with `fill` applied. A page without a `[data-search-results]` element, or one lol_html
/// cannot read, is replaced by a plain page with the same content.
pub(crate) fn fill(page: &str, fill: &ResultsFill) -> Vec<u8> {
    let filled = Cell::new(false);
    let rewritten = rewrite_str(
        page,
        RewriteStrSettings::new()
            .append_element_content_handler(element!(RESULTS_SELECTOR, |element| {
                if !filled.replace(true) {
                    element.set_inner_content(&fill.results_html, ContentType::Html);
                }
                Ok(())
            }))
            .append_element_content_handler(element!(QUERY_INPUT_SELECTOR, |input| {
                input.set_attribute("value", &fill.query_value)?;
                Ok(())
            }))
            .append_element_content_handler(element!("title", |title| {
                if let Some(prefix) = &fill.title_prefix {
                    title.prepend(prefix, ContentType::Text);
                }
                Ok(())
            })),
    );
    match rewritten {
        Ok(html) if filled.get() => html.into_bytes(),
        _ => plain_page(&fill.query_value, &fill.results_html).into_bytes(),
    }
}

/// A page of its own for a results page that cannot be filled.
fn plain_page(query_value: &str, results: &str) -> String {
    let value_attribute = query_value.replace('"', "&quot;");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Search</title></head><body><main>\
         <h1>Search</h1><form action=\"\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" \
         value=\"{value_attribute}\" aria-label=\"Search\"> <button type=\"submit\">Search</button></form>\
         <div data-search-results>{results}</div></main></body></html>"
    )
}

/// The results as HTML: a status line with the count, notes, and the list.
pub(crate) fn results_html(query: &SearchQuery, view: &ResultsView) -> String {
    let mut html = String::new();
    let shown = query.shown();
    let mut quoted = String::from("<bdi>");
    escape_into(&mut quoted, &shown);
    quoted.push_str("</bdi>");
    match view {
        ResultsView::Prompt => {
            html.push_str(
                "<p class=\"search-page__status\" role=\"status\">Type the words to look for. \
                 <kbd>\"quoted words\"</kbd> match as a phrase.</p>",
            );
        }
        ResultsView::Unavailable => {
            html.push_str(
                "<p class=\"search-page__status search-page__status--error\" role=\"status\">\
                 Search is unavailable right now. Please try again in a minute.</p>",
            );
        }
        ResultsView::Found { pages, .. } if pages.is_empty() => {
            let _ = write!(
                html,
                "<p class=\"search-page__status\" role=\"status\">No results for {quoted}. \
                 Try fewer or other words.</p>"
            );
        }
        ResultsView::Found { pages, .. } => {
            let count = pages.len();
            let noun = if count == 1 { "page" } else { "pages" };
            let _ = write!(
                html,
                "<p class=\"search-page__status\" role=\"status\">{count} {noun} found for {quoted}</p>"
            );
        }
    }
    if query.cut {
        let _ = write!(
            html,
            "<p class=\"search-page__note\">Only the first {MAX_SEARCH_QUERY_BYTES} bytes of the query were searched.</p>"
        );
    }
    if let ResultsView::Found { pages, incomplete } = view {
        if *incomplete {
            html.push_str(
                "<p class=\"search-page__note\">The query reaches too much of the index at once; \
                 some results may be missing. Longer words find more.</p>",
            );
        }
        if !pages.is_empty() {
            html.push_str("<ol class=\"search-hits\">");
            for (page, terms) in pages {
                push_page(&mut html, page, terms);
            }
            html.push_str("</ol>");
        }
    }
    html
}

fn push_page(html: &mut String, page: &PageResult, terms: &[String]) {
    html.push_str("<li class=\"search-hit\"><h2 class=\"search-hit__title\"><a href=\"");
    escape_into(html, &result_href(&page.url, terms));
    html.push_str("\">");
    escape_into(html, &page.title);
    html.push_str("</a></h2>");
    if !page.sections.is_empty() {
        html.push_str("<ul class=\"search-hit__sections\">");
        for section in &page.sections {
            html.push_str("<li class=\"search-hit__section\"><a class=\"search-hit__link\" href=\"");
            escape_into(html, &result_href(&section.url, terms));
            html.push_str("\">");
            if !section.trail.is_empty() {
                html.push_str("<span class=\"search-hit__trail\">");
                for heading in &section.trail {
                    escape_into(html, heading);
                    html.push_str(" › ");
                }
                html.push_str("</span>");
            }
            html.push_str("<span class=\"search-hit__heading\">");
            escape_into(html, &section.heading);
            html.push_str("</span></a><p class=\"search-hit__excerpt\">");
            // Escaped text with <mark> around the matches, from edgedocs-search.
            html.push_str(&section.excerpt);
            html.push_str("</p></li>");
        }
        html.push_str("</ul>");
    }
    html.push_str("</li>");
}

/// A result's link with the matched index terms in `?highlight=` (before the `#anchor`), which the
/// theme marks on arrival: `/storage/kv/?highlight=keyspac+index#the-keyspace`, the link the search
/// dialog makes.
fn result_href(url: &str, terms: &[String]) -> String {
    if terms.is_empty() {
        return url.to_owned();
    }
    let (path, fragment) = match url.find('#') {
        Some(hash) => url.split_at(hash),
        None => (url, ""),
    };
    let joiner = if path.contains('?') { '&' } else { '?' };
    let joined = terms
        .iter()
        .take(MAX_HIGHLIGHT_TERMS)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let encoded: String = form_urlencoded::byte_serialize(joined.as_bytes()).collect();
    format!("{path}{joiner}highlight={encoded}{fragment}")
}

/// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped, for HTML text or a quoted attribute.
fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            _ => html.push(c),
        }
    }
}
