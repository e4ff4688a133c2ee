//! The template context: what `site`, `page`, `section` and `nav` hold (documented in the theme's README).

use crate::config::SiteConfig;
use crate::content::navigation::{self, DocumentLink, ReadingOrder};
use crate::content::tree::{ContentTree, Document, DocumentId};
use crate::git_dates::{GitDates, Updated};
use crate::markdown::TocEntry;
use crate::site_root::slash_path;
use crate::theme::{ColorTheme, Theme};
use crate::theme_options::ThemeOptions;
use serde::Serialize;

/// `site`: the same for every page.
#[derive(Serialize)]
pub(crate) struct SiteContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    /// The path of `base_url` (`/tally`, or empty): where the site's links start.
    pub base_path: &'a str,
    pub language: &'a str,
    pub color_themes: &'a [ColorTheme],
    /// The `[theme_options]` knobs of `site.toml`.
    pub theme: &'a ThemeOptions,
    /// The link to the search index's manifest (`/search/manifest.json` under the base path), or
    /// none when `[search] enabled = false`.
    pub search_manifest: Option<String>,
    pub extra: &'a serde_json::Value,
}

impl<'a> SiteContext<'a> {
    pub(crate) fn new(config: &'a SiteConfig, theme: &'a Theme) -> Self {
        Self {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: &config.base_path,
            language: &config.language,
            color_themes: &theme.color_themes,
            theme: &config.theme_options,
            search_manifest: config
                .search
                .enabled
                .then(|| config.href(&format!("/{}", crate::search::MANIFEST_PATH))),
            extra: &config.extra,
        }
    }
}

/// `page` or `section`.
#[derive(Serialize)]
pub(crate) struct DocumentContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub path: &'a str,
    /// The link to write: `path` under the site's base path.
    pub href: &'a str,
    /// The link to the page as Markdown: `href` + `index.md`.
    pub markdown_href: String,
    pub permalink: String,
    pub content: &'a str,
    pub toc: &'a [TocEntry],
    pub extra: serde_json::Value,
    pub word_count: usize,
    pub reading_time: usize,
    pub previous: Option<DocumentLink>,
    pub next: Option<DocumentLink>,
    pub ancestors: Vec<DocumentLink>,
    /// The "Edit this page" URL, when `theme_options.edit_url` is set and the document has a file.
    pub edit_url: Option<String>,
    /// When the document last changed (`{ datetime, date }`), see [`last_updated`].
    pub updated: Option<Updated>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<ListedDocument<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subsections: Option<Vec<ListedDocument<'a>>>,
}

/// A page or subsection as a section lists it.
#[derive(Serialize)]
pub(crate) struct ListedDocument<'a> {
    pub title: &'a str,
    pub path: &'a str,
    pub href: &'a str,
    pub description: &'a str,
}

/// The rendered body and what the context needs from it.
pub(crate) struct RenderedBody<'a> {
    pub html: &'a str,
    pub toc: &'a [TocEntry],
    pub word_count: usize,
}

/// When `document` last changed: its front matter's `updated`, else the date of its file's last commit;
/// none when `theme_options.last_updated` is off or neither is known.
pub(crate) fn last_updated(config: &SiteConfig, document: &Document, git_dates: &GitDates) -> Option<Updated> {
    if !config.theme_options.last_updated || document.is_virtual {
        return None;
    }
    match document
        .front_matter
        .updated
        .as_ref()
        .or(document.front_matter.date.as_ref())
    {
        Some(written) => Updated::parse(&written.to_string()),
        None => git_dates.get(&document.source).cloned(),
    }
}

/// The "Edit this page" URL of `document`'s file; none for a document without one.
fn edit_url(config: &SiteConfig, document: &Document) -> Option<String> {
    if document.is_virtual {
        return None;
    }
    let relative = document.source.strip_prefix(&config.content_folder).ok()?;
    config.theme_options.edit_url_for(&slash_path(relative))
}

pub(crate) fn document_context<'a>(
    config: &SiteConfig,
    tree: &'a ContentTree,
    order: &ReadingOrder,
    id: DocumentId,
    body: RenderedBody<'a>,
    git_dates: &GitDates,
) -> DocumentContext<'a> {
    let document = tree.get(id);
    let listed = |filter_sections: bool| {
        document
            .children
            .iter()
            .map(|child| tree.get(*child))
            .filter(|child| child.is_section() == filter_sections)
            .map(|child| ListedDocument {
                title: &child.title,
                path: &child.path,
                href: &child.href,
                description: child.front_matter.description.as_deref().unwrap_or(""),
            })
            .collect()
    };
    DocumentContext {
        title: &document.title,
        description: document.front_matter.description.as_deref().unwrap_or(""),
        path: &document.path,
        href: &document.href,
        markdown_href: format!("{}index.md", document.href),
        permalink: config.permalink(&document.path),
        content: body.html,
        toc: body.toc,
        extra: serde_json::to_value(&document.front_matter.extra).unwrap_or(serde_json::Value::Null),
        word_count: body.word_count,
        reading_time: body.word_count.div_ceil(200).max(1),
        previous: order.previous(tree, id),
        next: order.next(tree, id),
        ancestors: navigation::breadcrumbs(tree, id),
        edit_url: edit_url(config, document),
        updated: last_updated(config, document, git_dates),
        pages: document.is_section().then(|| listed(false)),
        subsections: document.is_section().then(|| listed(true)),
    }
}
