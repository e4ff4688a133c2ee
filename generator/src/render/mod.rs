//! Rendering documents: Markdown body, then the theme's template, then the output file, and the page's
//! Markdown twin beside it ([`crate::agents::twin`]). Runs in parallel over every document, or for one
//! document at a time, and returns what the link check and `llms-full.txt` need.

pub(crate) mod context;
pub(crate) mod highlight_cache;
pub(crate) mod templates;

use crate::agents::twin::{self, KeptTwin, MarkdownTwin, TwinContext, TwinSource};
use crate::config::SiteConfig;
use crate::content::navigation::{self, ReadingOrder};
use crate::content::tree::{ContentTree, Document, DocumentId, RelativeLinks};
use crate::diagnostics::{Diagnostic, Location, closest_path};
use crate::git_dates::GitDates;
use crate::import::SiteSource;
use crate::markdown::shortcodes::{self, ShortcodeInput};
use crate::markdown::{self, InternalLink, MarkdownOptions, MarkdownSource, PageLookup, RenderContext};
use crate::output::OutputSink;
use crate::search;
use context::{RenderedBody, document_context};
use highlight_cache::HighlightCache;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use templates::Templates;

/// Everything rendering needs, shared by every document.
pub(crate) struct RenderJob<'a> {
    pub config: &'a SiteConfig,
    pub tree: &'a ContentTree,
    pub templates: &'a Templates,
    /// `site` as a template value, made once.
    pub site_value: &'a tera::Value,
    pub order: &'a ReadingOrder,
    /// Newer reads of some documents, rendered instead of the tree's.
    pub edits: &'a EditedDocuments,
    /// When each content file was last committed.
    pub git_dates: &'a GitDates,
    /// Code frames of earlier builds (`.edgedocs/cache/highlight/`), unless the build does without.
    pub highlight_cache: Option<&'a HighlightCache>,
}

/// Documents re-read from disk after the tree was built, each as a one-document tree. Only edits that
/// stay within their own page are kept here (the body, the template): the tree still holds the title,
/// weight and place every other page shows.
#[derive(Default)]
pub(crate) struct EditedDocuments {
    by_id: HashMap<DocumentId, ContentTree>,
}

impl EditedDocuments {
    /// Records `reread`, a tree read from the one source file of the document `id`.
    pub(crate) fn insert(&mut self, id: DocumentId, reread: ContentTree) {
        self.by_id.insert(id, reread);
    }

    /// The newer read of `id`, if there is one.
    pub(crate) fn get(&self, id: DocumentId) -> Option<&Document> {
        let reread = self.by_id.get(&id)?;
        reread.documents().iter().find(|document| !document.is_virtual)
    }
}

/// What rendering one document left for the link check and `llms-full.txt`.
pub(crate) struct RenderedDocument {
    pub id: DocumentId,
    /// The document's part of the search index, unless it is not indexed.
    pub search: Option<edgedocs_search::PageIndex>,
    pub anchor_ids: Vec<String>,
    pub internal_links: Vec<(Location, InternalLink)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The page as Markdown, as written to its twin file (only where, when the output can read it back).
    pub twin: KeptTwin,
}

impl PageLookup for ContentTree {
    fn path_of_source(&self, source: &Path) -> Option<String> {
        self.by_source(source).map(|document| document.path.clone())
    }

    fn is_unreadable(&self, source: &Path) -> bool {
        ContentTree::is_unreadable(self, source)
    }

    fn relative_links_follow_page_url(&self) -> bool {
        self.relative_links() == RelativeLinks::FromPageUrl
    }

    fn nearest_source(&self, missing: &Path) -> Option<PathBuf> {
        let missing = missing.to_string_lossy();
        let sources: Vec<String> = self
            .documents()
            .iter()
            .filter(|document| !document.is_virtual)
            .map(|document| document.source.to_string_lossy().into_owned())
            .collect();
        closest_path(&missing, sources.iter().map(String::as_str)).map(PathBuf::from)
    }

    fn content_folder(&self) -> &Path {
        ContentTree::content_folder(self)
    }

    fn built_folder_url(&self, source: &Path) -> Option<String> {
        ContentTree::built_folder_url(self, source)
    }
}

/// The output file of a URL path: `/storage/kv/` -> `storage/kv/index.html`.
pub(crate) fn output_file(path: &str) -> String {
    format!("{}index.html", path.trim_start_matches('/'))
}

impl RenderJob<'_> {
    /// Renders every document to `output`, in parallel.
    pub(crate) fn render_all(&self, output: &dyn OutputSink) -> Vec<RenderedDocument> {
        self.tree
            .documents()
            .par_iter()
            .with_min_len(4)
            .map(|document| self.render_document(document.id, output))
            .collect()
    }

    /// Renders one document to `output`.
    pub(crate) fn render_document(&self, id: DocumentId, output: &dyn OutputSink) -> RenderedDocument {
        let document = self.tree.get(id);
        let text = self.document(id);
        let page_value = tera::Value::from_serializable(&serde_json::json!({
            "title": document.title,
            "path": document.path,
            "permalink": self.config.permalink(&document.path),
            "extra": text.front_matter.extra,
        }));
        let expanded = shortcodes::expand(&ShortcodeInput {
            file: &document.source,
            body: text.body(),
            body_line: text.body_line,
            shortcodes: self.templates.shortcodes(),
            page: &page_value,
            lenient: self.config.source == SiteSource::Zola,
        });
        let source = MarkdownSource {
            file: &document.source,
            body: &expanded.markdown,
            body_line: text.body_line,
            drop_title_heading: text.title_from_heading,
            id_prefix: "d",
        };
        let frames = self.highlight_cache.map(|cache| cache.page(&document.source));
        let context = RenderContext {
            site_root: &self.config.site_root,
            pages: self.tree,
            options: MarkdownOptions {
                smart_punctuation: self.config.smart_punctuation,
                heading_ids: self.config.heading_ids,
            },
            base_path: &self.config.base_path,
            frame_cache: frames
                .as_ref()
                .map(|frames| frames as &dyn edgedocs_highlight::FrameCache),
        };
        let mut rendered = markdown::render(&source, &context);
        if let Some(frames) = frames {
            frames.finish();
        }
        let mut diagnostics = std::mem::take(&mut rendered.diagnostics);
        diagnostics.extend(expanded.diagnostics.iter().cloned());
        if let Some(line_map) = &text.line_map {
            // The body was put together from several files: each problem where its line was written.
            let locations = diagnostics
                .iter_mut()
                .filter_map(|diagnostic| diagnostic.location.as_mut())
                .chain(rendered.internal_links.iter_mut().map(|(location, _)| location));
            for location in locations {
                *location = line_map.locate(&document.source, location);
            }
        }
        // Links to missing Markdown files are found while rendering; the site may make them warnings.
        for diagnostic in diagnostics
            .iter_mut()
            .filter(|diagnostic| diagnostic.message.starts_with("link "))
        {
            diagnostic.severity = diagnostic.severity.min(self.config.broken_links);
        }
        rendered.html = expanded.fill(&rendered.html);
        let twin = self.write_twin(id, &expanded.markdown_with_html(), output, &mut diagnostics);
        let search = search::is_indexed(self.config, &document.path, &text.front_matter)
            .then(|| search::page_index(document, std::mem::take(&mut rendered.sections)));

        let body = RenderedBody {
            html: &rendered.html,
            toc: &rendered.toc,
            word_count: rendered.word_count,
        };
        let document_value = document_context(self.config, self.tree, self.order, id, body, self.git_dates);
        let mut template_context = tera::Context::new();
        template_context.insert_value("site", self.site_value.clone());
        template_context.insert(
            "nav",
            &navigation::sidebar(self.tree, id, self.config.nav_section_window),
        );
        template_context.insert("current_path", &document.path);
        template_context.insert("current_href", &document.href);
        template_context.insert("current_url", &self.config.permalink(&document.path));
        template_context.insert(
            "build",
            &serde_json::json!({ "generator": concat!("edgedocs ", env!("CARGO_PKG_VERSION")) }),
        );
        template_context.insert(if document.is_section() { "section" } else { "page" }, &document_value);

        let template = self.template_for(id);
        match self.templates.render(&template, &template_context, &document.source) {
            // `render = false`: the page is read, but has no file of its own; with `redirect_to`, the
            // redirect stage writes the page at its URL.
            Ok(_) if !text.front_matter.render || text.front_matter.redirect_to.is_some() => {}
            Ok(html) => {
                if let Err(error) = output.write(&output_file(&document.path), html.as_bytes()) {
                    diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
                }
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
        RenderedDocument {
            id,
            search,
            anchor_ids: rendered.anchor_ids,
            internal_links: rendered.internal_links,
            diagnostics,
            twin,
        }
    }

    /// Converts the document (its `body`, shortcodes expanded) to its Markdown twin and writes it beside
    /// the page.
    fn write_twin(
        &self,
        id: DocumentId,
        body: &str,
        output: &dyn OutputSink,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> KeptTwin {
        let document = self.tree.get(id);
        let text = self.document(id);
        let page_url = self.config.permalink(&document.path);
        let source = TwinSource {
            file: &document.source,
            body,
            title: &document.title,
            title_from_heading: text.title_from_heading,
            page_url: &page_url,
        };
        let context = TwinContext {
            site_root: &self.config.site_root,
            pages: self.tree,
            options: MarkdownOptions {
                smart_punctuation: self.config.smart_punctuation,
                heading_ids: self.config.heading_ids,
            },
            base_url: &self.config.base_url,
        };
        let twin: MarkdownTwin = twin::markdown_twin(&source, &context);
        if !text.front_matter.render {
            return KeptTwin::InMemory(twin);
        }
        let file = twin::twin_file(&document.path);
        match output.write(&file, twin.markdown.as_bytes()) {
            Err(error) => {
                diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
                KeptTwin::InMemory(twin)
            }
            Ok(()) if output.can_read_back() => twin.into_written(file),
            Ok(()) => KeptTwin::InMemory(twin),
        }
    }

    /// The document as rendered: its newer read when there is one.
    fn document(&self, id: DocumentId) -> &Document {
        self.edits.get(id).unwrap_or_else(|| self.tree.get(id))
    }

    fn template_for(&self, id: DocumentId) -> String {
        let document = self.document(id);
        // A site of another generator names that generator's templates: the theme's defaults stand in.
        if let Some(template) = &document.front_matter.template
            && self.templates.has(template)
        {
            return template.clone();
        }
        if id == self.tree.root() && self.templates.has("index.html") {
            return "index.html".into();
        }
        if document.is_section() {
            "section.html".into()
        } else {
            "page.html".into()
        }
    }

    /// Renders `404.html` (or a plain page when the theme has none).
    pub(crate) fn render_not_found(&self) -> Result<String, Diagnostic> {
        if !self.templates.has("404.html") {
            return Ok(format!(
                "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>Page not found</title><h1>Page not found</h1><p><a href=\"{}/\">Home</a></p></html>\n",
                self.config.language, self.config.base_path
            ));
        }
        self.render_site_page("404.html", "/404.html")
    }

    /// Renders the results page of search without JavaScript, `search.html`, which the edge fills (or
    /// a plain page with the same slot when the theme has none).
    pub(crate) fn render_search_page(&self) -> Result<String, Diagnostic> {
        if !self.templates.has("search.html") {
            return Ok(format!(
                "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>Search</title><h1>Search</h1>\
                 <form action=\"{}/search\" method=\"get\" role=\"search\"><input type=\"search\" name=\"q\" aria-label=\"Search\"> \
                 <button type=\"submit\">Search</button></form><div data-search-results></div></html>\n",
                self.config.language, self.config.base_path
            ));
        }
        self.render_site_page("search.html", "/search/")
    }

    /// A page of the site that is no document (`404.html`, the search page) at `path`.
    fn render_site_page(&self, template: &str, path: &str) -> Result<String, Diagnostic> {
        let mut context = tera::Context::new();
        context.insert_value("site", self.site_value.clone());
        context.insert(
            "nav",
            &navigation::sidebar(self.tree, self.tree.root(), self.config.nav_section_window),
        );
        context.insert("current_path", path);
        context.insert("current_href", &self.config.href(path));
        context.insert("current_url", &self.config.permalink(path));
        context.insert(
            "build",
            &serde_json::json!({ "generator": concat!("edgedocs ", env!("CARGO_PKG_VERSION")) }),
        );
        self.templates.render(template, &context, Path::new(template))
    }
}
