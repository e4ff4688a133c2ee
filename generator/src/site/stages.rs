//! The build's stages, in order: discover content -> read the content tree -> build assets -> load
//! templates -> copy static files -> render documents (and their Markdown twins) -> write the search
//! index -> check links -> write site-wide files (`llms.txt` and `llms-full.txt` among them). Each
//! reports into its own diagnostics, so re-running one replaces only its own.

use super::model::Site;
use crate::agents::llms::{self, LLMS_FULL_TXT, LLMS_TXT, SiteSummary};
use crate::agents::twin::{KeptTwin, twin_file};
use crate::assets::{self, AssetInputs, AssetUrls};
use crate::config::SiteConfig;
use crate::content::discover::{self, SourceFile};
use crate::content::tree::{ContentTree, Document, DocumentId, RelativeLinks, TreeOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::SiteSource;
use crate::markdown::fence_info::parse_fence_info;
use crate::output::OutputSink;
use crate::redirects::{self, stub_page, workers::REDIRECTS_FILE};
use crate::render::templates::{TemplateFunctions, Templates};
use crate::render::{RenderJob, output_file};
use crate::{host_files, link_check, search, static_files, theme};
use edgedocs_diagram as diagram;
use edgedocs_highlight as highlight;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

impl Site {
    pub(super) fn job(&self) -> RenderJob<'_> {
        RenderJob {
            config: &self.config,
            tree: &self.tree,
            templates: &self.templates,
            site_value: &self.site_value,
            order: &self.order,
            edits: &self.edits,
            git_dates: &self.git_dates,
            highlight_cache: self.highlight_cache.as_ref(),
        }
    }

    /// A `template = "..."` in front matter must name a template of the theme.
    pub(super) fn check_document_templates(&mut self) {
        let mut diagnostics = Diagnostics::new();
        if self.config.source == SiteSource::Zola {
            // Its front matter names Zola templates, which the built-in theme stands in for.
            self.stages.document_templates = diagnostics;
            return;
        }
        for document in self.tree.documents() {
            let document = self.edits.get(document.id).unwrap_or(document);
            if let Some(template) = &document.front_matter.template
                && !self.templates.has(template)
            {
                diagnostics.push(
                    Diagnostic::error(
                        Some(crate::diagnostics::Location::new(&document.source, 2, 1)),
                        format!("front matter asks for the template `{template}`, which the theme does not have"),
                    )
                    .with_help(
                        "remove `template` to use page.html / section.html, or add the file to the theme's templates/",
                    ),
                );
            }
        }
        self.stages.document_templates = diagnostics;
    }

    pub(super) fn copy_static_files(&mut self, output: &dyn OutputSink) {
        let mut diagnostics = Diagnostics::new();
        self.static_files = static_files::copy_static_files(
            &self.config.site_root,
            &self.theme.files,
            &self.content_files,
            self.tree.url_segments(),
            output,
            &mut diagnostics,
        );
        for document in self.tree.documents() {
            for (page_file, what) in [
                (output_file(&document.path), "the page"),
                (twin_file(&document.path), "the Markdown version of the page"),
            ] {
                if self.static_files.contains(&page_file) {
                    diagnostics.push(
                        Diagnostic::error(
                            None,
                            format!(
                                "the file `{page_file}` copied from a `static/` folder or `content/` would replace {what} made from `{}`",
                                document.source.display()
                            ),
                        )
                        .with_help("remove or rename the file; the build generates that path"),
                    );
                }
            }
        }
        for agent_file in [LLMS_TXT, LLMS_FULL_TXT] {
            if self.static_files.contains(agent_file) {
                diagnostics.push(
                    Diagnostic::error(
                        None,
                        format!("the file `{agent_file}` copied from a `static/` folder or `content/` would replace the one the build writes"),
                    )
                    .with_help(
                        "remove the file: the build writes it from the pages' titles, descriptions and Markdown (`search = false` in a page's front matter leaves the page out)",
                    ),
                );
            }
        }
        self.stages.static_files = diagnostics;
    }

    pub(super) fn render_all(&mut self, output: &dyn OutputSink) {
        self.rendered = self.job().render_all(output);
    }

    /// Stage: merge the documents' parts of the search index into its files under `search/`.
    pub(super) fn write_search_index(&mut self, output: &dyn OutputSink) {
        let mut diagnostics = Diagnostics::new();
        self.search_files = if self.config.search.enabled {
            let tree = &self.tree;
            let parts = self.rendered.iter().filter_map(|rendered| {
                let part = rendered.search.as_ref()?;
                Some((tree.get(rendered.id).path.as_str(), part))
            });
            search::write_index(parts, &self.search_files, output, &mut diagnostics)
        } else {
            HashSet::new()
        };
        self.stages.search_index = diagnostics;
    }

    /// Every file of the site's output as it stands, relative to the output folder: the pages, the
    /// assets, the static files and the site files. The preview stops serving what a rebuild left out.
    pub fn output_paths(&self) -> HashSet<String> {
        let mut paths = self.written_files();
        paths.extend(self.tree.documents().iter().map(|document| output_file(&document.path)));
        paths
    }

    /// Every file the build wrote besides the pages (their Markdown twins included), for links to
    /// files: the pages left at old URLs and `_redirects` among them.
    pub(super) fn written_files(&self) -> HashSet<String> {
        let mut written = self.written_files_but_redirects();
        let redirects = redirects::from_documents(&self.tree, &mut Diagnostics::new());
        if !redirects.is_empty() {
            written.extend(redirects.stub_files());
            written.insert(REDIRECTS_FILE.to_owned());
        }
        written
    }

    /// [`Self::written_files`] without what the redirect stage writes.
    fn written_files_but_redirects(&self) -> HashSet<String> {
        let mut written = self.static_files.clone();
        written.extend(self.search_files.iter().cloned());
        if self.config.search.enabled {
            written.insert(search::RESULTS_PAGE_PATH.to_owned());
        }
        written.extend(SITE_FILES.map(str::to_owned));
        written.extend([LLMS_TXT, LLMS_FULL_TXT].map(str::to_owned));
        written.extend(self.tree.documents().iter().map(|document| twin_file(&document.path)));
        written.extend(
            self.asset_urls
                .values()
                .map(|url| url.trim_start_matches('/').to_owned()),
        );
        written
    }

    /// Checks every internal link of every document.
    pub(super) fn check_links(&mut self) {
        let mut diagnostics = Diagnostics::new();
        link_check::check(&self.tree, &self.rendered, &self.written_files(), &mut diagnostics);
        self.stages.links.clear();
        for mut diagnostic in diagnostics.into_vec() {
            diagnostic.severity = diagnostic.severity.min(self.config.broken_links);
            let file = diagnostic
                .location
                .as_ref()
                .map(|location| location.file.clone())
                .unwrap_or_default();
            self.stages.links.entry(file).or_default().push(diagnostic);
        }
    }

    pub(super) fn write_site_files(&mut self, output: &dyn OutputSink) {
        let mut diagnostics = Diagnostics::new();
        let not_found = match self.job().render_not_found() {
            Ok(html) => html,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                String::new()
            }
        };
        let [not_found_path, sitemap_path, robots_path, headers_path] = SITE_FILES;
        let files: [(&str, String); 4] = [
            (not_found_path, not_found),
            (
                sitemap_path,
                host_files::sitemap(&self.config, &self.tree, &self.git_dates),
            ),
            (robots_path, host_files::robots(&self.config)),
            (headers_path, host_files::headers(&self.config)),
        ];
        for (path, contents) in files {
            if let Err(error) = output.write(path, contents.as_bytes()) {
                diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
            }
        }
        if self.config.search.enabled {
            match self.job().render_search_page() {
                Ok(html) => {
                    if let Err(error) = output.write(search::RESULTS_PAGE_PATH, html.as_bytes()) {
                        diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
                    }
                }
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        debug_assert_eq!(output_file("/"), "index.html");
        self.write_agent_files(output, &mut diagnostics);
        self.write_redirects(output, &mut diagnostics);
        self.stages.site_files = diagnostics;
    }

    /// Writes `llms.txt` and `llms-full.txt` from the tree and the twins rendering left.
    fn write_agent_files(&self, output: &dyn OutputSink, diagnostics: &mut Diagnostics) {
        let index = llms::llms_txt(&self.site_summary(), &self.tree);
        if let Err(error) = output.write(LLMS_TXT, index.as_bytes()) {
            diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
        }
        self.write_llms_full(output, diagnostics);
    }

    /// Writes `llms-full.txt`, which every page's body is part of.
    /// Written a page at a time: twins the output can read back are read from their files.
    pub(super) fn write_llms_full(&self, output: &dyn OutputSink, diagnostics: &mut Diagnostics) {
        let site = self.site_summary();
        let body_of = |id: DocumentId| -> std::io::Result<Cow<'_, str>> {
            match &self.rendered[id.0].twin {
                KeptTwin::InMemory(twin) => Ok(Cow::Borrowed(twin.body())),
                KeptTwin::Written { file, title_len } => {
                    let bytes = output.read_back(file).map_err(std::io::Error::other)?;
                    let markdown = String::from_utf8(bytes).map_err(std::io::Error::other)?;
                    Ok(Cow::Owned(markdown.get(*title_len..).unwrap_or_default().to_owned()))
                }
            }
        };
        let mut body_of = body_of;
        let written = output.write_streamed(LLMS_FULL_TXT, &mut |out| {
            llms::write_llms_full_txt(&site, &self.tree, out, &mut body_of)
        });
        if let Err(error) = written {
            diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
        }
    }

    /// Stage: check the redirect list, then write `_redirects` and a page at each old URL (over the
    /// page of a document that has `redirect_to`).
    fn write_redirects(&self, output: &dyn OutputSink, diagnostics: &mut Diagnostics) {
        let mut list = redirects::from_documents(&self.tree, diagnostics);
        if let Some(book) = &self.config.book {
            // A chapter's old `.html` address, and `[output.html.redirect]`.
            list.extend(crate::import::mdbook::redirects::redirects(
                &self.tree,
                &book.src(),
                &book.settings.redirects,
            ));
        }
        if list.is_empty() {
            return;
        }
        if self.config.source == SiteSource::Zola {
            // Zola follows chains of `redirect_to`; the output goes straight to the end of each.
            list = redirects::flatten_chains(&list, diagnostics);
        }
        if self.static_files.contains(REDIRECTS_FILE) {
            diagnostics.push(
                Diagnostic::error(
                    None,
                    "the site has a `_redirects` file in a `static/` folder and redirects in its pages' front matter",
                )
                .with_help("move the rules of the `_redirects` file into the pages' `aliases`, then delete the file: the build writes it"),
            );
            return;
        }
        let pages: HashSet<String> = self
            .tree
            .documents()
            .iter()
            .filter(|document| document.front_matter.redirect_to.is_none())
            .map(|document| document.path.clone())
            .collect();
        let files = self.written_files_but_redirects();
        redirects::validate(
            &list,
            &redirects::LiveUrls {
                pages: &pages,
                files: &files,
            },
            diagnostics,
        );
        let Some(rules) = redirects::workers::redirects_file(&list, &self.config.base_path, diagnostics) else {
            return;
        };
        let mut writes = vec![(REDIRECTS_FILE.to_owned(), rules)];
        for redirect in list.iter() {
            let Some(file) = stub_page::stub_file(&redirect.from) else {
                continue;
            };
            let (href, permalink) = if redirect.is_external() {
                (redirect.to.clone(), redirect.to.clone())
            } else {
                (self.config.href(&redirect.to), self.config.permalink(&redirect.to))
            };
            writes.push((file, stub_page::stub_page(&href, &permalink, &self.config.language)));
        }
        for (path, contents) in writes {
            if let Err(error) = output.write(&path, contents.as_bytes()) {
                diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
            }
        }
    }

    fn site_summary(&self) -> SiteSummary<'_> {
        SiteSummary {
            title: &self.config.title,
            description: &self.config.description,
            base_url: &self.config.base_url,
        }
    }
}

/// The files every build writes besides the pages, the assets and the static files.
const SITE_FILES: [&str; 4] = ["404.html", "sitemap.xml", "robots.txt", "_headers"];
pub(super) fn index_sources(config: &SiteConfig, files: &[SourceFile]) -> HashMap<PathBuf, usize> {
    files
        .iter()
        .enumerate()
        .map(|(index, file)| (config.content_folder.join(&file.relative), index))
        .collect()
}

/// Stage: discover the files under `content/`.
pub(super) fn discover_content(config: &SiteConfig, diagnostics: &mut Diagnostics) -> Vec<SourceFile> {
    let discovered = discover::discover(&config.site_root, &config.content_dir());
    diagnostics.extend(discovered.errors.iter().map(|error| error.to_diagnostic(None)));
    discovered.files
}

/// Stages: discover content, then read the content tree.
pub(super) fn read_content(config: &SiteConfig, diagnostics: &mut Diagnostics) -> (Vec<SourceFile>, ContentTree) {
    if let Some(book) = &config.book {
        return crate::import::mdbook::read_content(config, book, diagnostics);
    }
    if !config.content_dir().is_dir() {
        diagnostics.push(
            Diagnostic::error(None, "the site has no `content/` folder")
                .with_help("create `content/_index.md` for the home page and a Markdown file per page"),
        );
    }
    let content_files = discover_content(config, diagnostics);
    let tree_options = TreeOptions {
        root: &config.root,
        site_title: &config.title,
        build_drafts: config.build_drafts,
        base_path: &config.base_path,
        relative_links: match config.source {
            SiteSource::Edgedocs | SiteSource::MdBook => RelativeLinks::FromFile,
            SiteSource::Zola => RelativeLinks::FromPageUrl,
        },
        url_segments: config.url_segments,
    };
    let tree = ContentTree::build(&content_files, &tree_options, diagnostics);
    (content_files, tree)
}

/// How many documents the highlighter's warm-up looks through for code samples: enough to find every
/// language a typical site uses, few enough to cost nothing on a big one.
const WARM_UP_DOCUMENTS: usize = 200;

/// One code block per language from the first documents, as `(language, code)` for
/// [`highlight::warm_up`].
pub(super) fn code_samples(tree: &ContentTree) -> Vec<(String, String)> {
    let bodies = tree.documents().iter().take(WARM_UP_DOCUMENTS).map(Document::body);
    crate::markdown::code_samples::first_block_per_language(bodies)
        .into_iter()
        .filter_map(|(info, code)| Some((parse_fence_info(&info).ok()?.lang?, code)))
        .collect()
}

/// Stage: build the theme's assets, with the generated CSS appended to the stylesheet.
pub(super) fn build_assets(
    config: &SiteConfig,
    theme: &theme::Theme,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) -> AssetUrls {
    let mut generated_css = generated_css(theme);
    generated_css.push_str(&config.theme_options.accent_css());
    if let Some(book) = &config.book {
        generated_css.push_str(&book.additional_css);
    }
    let asset_inputs = AssetInputs {
        site_root: &config.site_root,
        files: &theme.files,
        browsers: config.browsers,
        generated_css: &generated_css,
    };
    assets::build(&asset_inputs, output, diagnostics)
}

/// Stage: load the theme's templates, with functions that know the asset URLs.
pub(super) fn load_templates(
    config: &SiteConfig,
    theme: &theme::Theme,
    asset_urls: &Arc<AssetUrls>,
    diagnostics: &mut Diagnostics,
) -> Option<Templates> {
    let functions = TemplateFunctions {
        asset_urls: Arc::clone(asset_urls),
        base_url: config.base_url.clone(),
        base_path: config.base_path.clone(),
        lenient_shortcodes: config.source == SiteSource::Zola,
    };
    Templates::load(&config.site_root, &theme.files, functions, diagnostics)
}

/// CSS the generator makes for the theme: code highlighting for every colour theme, and diagrams.
pub(super) fn generated_css(theme: &theme::Theme) -> String {
    let color_themes: Vec<highlight::ColorThemeRef<'_>> = theme
        .color_themes
        .iter()
        .map(|color_theme| highlight::ColorThemeRef {
            name: &color_theme.name,
            appearance: match color_theme.appearance {
                theme::Appearance::Light => highlight::Appearance::Light,
                theme::Appearance::Dark => highlight::Appearance::Dark,
            },
        })
        .collect();
    let mut css = highlight::highlight_css(&color_themes);
    css.push_str(diagram::diagram_css());
    css
}
