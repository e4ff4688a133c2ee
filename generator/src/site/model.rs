//! The site kept in memory: what a build holds once every stage has run, its diagnostics by stage, and
//! the verdict (`build` fails with every error; the preview keeps serving the last good build).

use super::stages::{build_assets, code_samples, index_sources, load_templates, read_content};
use super::summary::BuildSummary;
use crate::assets::AssetUrls;
use crate::config::{self, SiteConfig};
use crate::content::discover::SourceFile;
use crate::content::navigation::ReadingOrder;
use crate::content::tree::{ContentTree, DocumentKind};
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics};
use crate::git_dates::GitDates;
use crate::output::OutputSink;
use crate::render::context::SiteContext;
use crate::render::highlight_cache::HighlightCache;
use crate::render::templates::Templates;
use crate::render::{EditedDocuments, RenderedDocument};
use crate::theme;
use anyhow::Result;
use edgedocs_edge::SiteEdgeConfig;
use edgedocs_highlight as highlight;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// A built site kept in memory, with what re-running one stage needs: the resolved config, the theme,
/// the content tree, the compiled templates, the asset URLs, and each document's anchors, links and
/// diagnostics. Its fields are private to this module; it changes only through the stage methods in
/// [`super::stages`] and the preview's updates in [`super::incremental`].
pub struct Site {
    pub(super) config: SiteConfig,
    pub(super) theme: theme::Theme,
    pub(super) content_files: Vec<SourceFile>,
    /// `content/storage/kv.md` -> its index in `content_files`.
    pub(super) source_files: HashMap<PathBuf, usize>,
    pub(super) tree: ContentTree,
    pub(super) order: ReadingOrder,
    pub(super) asset_urls: Arc<AssetUrls>,
    pub(super) templates: Templates,
    pub(super) site_value: tera::Value,
    /// Files copied from `static/` folders and `content/`, by output path.
    pub(super) static_files: HashSet<String>,
    /// The search index's files, by output path.
    pub(super) search_files: HashSet<String>,
    /// By [`DocumentId`]: what rendering each document left (anchors, links, its diagnostics).
    pub(super) rendered: Vec<RenderedDocument>,
    /// Documents re-read since the tree was built, whose changes stay within their own page.
    pub(super) edits: EditedDocuments,
    pub(super) stages: StageDiagnostics,
    /// When each content file was last committed; empty when `last_updated` is off or there is no git.
    pub(super) git_dates: GitDates,
    /// Code frames kept between builds, when the build uses the cache.
    pub(super) highlight_cache: Option<HighlightCache>,
}

/// Whether a build reads and writes `.edgedocs/cache/` under the site root.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CacheUse {
    /// Every block is highlighted and nothing is written outside the output (the library's default).
    #[default]
    Off,
    /// Code frames of earlier builds are reused, and this build's are kept (`edgedocs build`).
    ReadWrite,
}

/// Diagnostics of each stage, kept apart so re-running a stage replaces only its own.
#[derive(Default)]
pub(super) struct StageDiagnostics {
    /// Warnings from reading the configuration.
    pub(super) config: Diagnostics,
    pub(super) content: Diagnostics,
    pub(super) assets: Diagnostics,
    pub(super) templates: Diagnostics,
    pub(super) document_templates: Diagnostics,
    pub(super) static_files: Diagnostics,
    pub(super) search_index: Diagnostics,
    /// By the document the link is written in, so one document's links can be checked again alone.
    pub(super) links: HashMap<PathBuf, Vec<Diagnostic>>,
    pub(super) site_files: Diagnostics,
}

impl StageDiagnostics {
    pub(super) fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        [
            &self.config,
            &self.content,
            &self.assets,
            &self.templates,
            &self.document_templates,
            &self.static_files,
            &self.search_index,
            &self.site_files,
        ]
        .into_iter()
        .flat_map(Diagnostics::iter)
        .chain(self.links.values().flatten())
    }

    pub(super) fn into_failure(self) -> BuildFailed {
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(self.all().cloned());
        failure(diagnostics)
    }
}

impl Site {
    /// Runs every stage. Fails early, like `build`, when the config, the theme, the templates, the content
    /// or the assets have errors; otherwise returns the site even if rendering found errors (see
    /// [`Site::check`]).
    pub fn load(root: &Path, output: &dyn OutputSink) -> Result<Site> {
        Self::load_with(root, &config::Overrides::default(), output)
    }

    /// [`Site::load`], with command-line `overrides` of `site.toml` (`--base-url`, `--drafts`).
    pub fn load_with(root: &Path, overrides: &config::Overrides, output: &dyn OutputSink) -> Result<Site> {
        Self::load_using(root, overrides, CacheUse::Off, output)
    }

    /// [`Site::load_with`], reusing and keeping highlighted code blocks in `.edgedocs/cache/` when
    /// `cache` says so.
    pub fn load_using(
        root: &Path,
        overrides: &config::Overrides,
        cache: CacheUse,
        output: &dyn OutputSink,
    ) -> Result<Site> {
        let config = config::load_with(root, overrides)?;
        let theme = theme::load(root, &config.theme_name, &config.theme_dir, config.source)?;
        let mut stages = StageDiagnostics::default();
        stages.config.extend(config.notes.iter().cloned());
        // One git walk, while the content is read.
        let git_dates = config.theme_options.last_updated.then(|| {
            let root = config.root.clone();
            let content_folder = config.content_folder.clone();
            std::thread::spawn(move || GitDates::read(&root, &content_folder))
        });
        let (content_files, tree) = read_content(&config, &mut stages.content);
        // The highlighter compiles the grammars the pages use while assets and templates get ready.
        highlight::warm_up(code_samples(&tree));
        let asset_urls = Arc::new(build_assets(&config, &theme, output, &mut stages.assets));
        let templates = load_templates(&config, &theme, &asset_urls, &mut stages.templates);
        let Some(templates) = templates else {
            return Err(stages.into_failure().into());
        };
        // A theme that does not build stops here (every page would fail the same way); errors in the
        // content do not: the pages that could be read are rendered and their links checked, so one run
        // reports every problem.
        if stages.assets.has_errors() {
            return Err(stages.into_failure().into());
        }
        let site_value = tera::Value::from_serializable(&SiteContext::new(&config, &theme));
        let mut site = Site {
            source_files: index_sources(&config, &content_files),
            order: ReadingOrder::new(&tree),
            config,
            theme,
            content_files,
            tree,
            asset_urls,
            templates,
            site_value,
            static_files: HashSet::new(),
            search_files: HashSet::new(),
            rendered: Vec::new(),
            edits: EditedDocuments::default(),
            stages,
            git_dates: git_dates.and_then(|reading| reading.join().ok()).unwrap_or_default(),
            highlight_cache: None,
        };
        if cache == CacheUse::ReadWrite {
            site.highlight_cache = HighlightCache::open(&site.config.site_root);
        }
        site.check_document_templates();
        site.copy_static_files(output);
        site.render_all(output);
        if let Some(cache) = &site.highlight_cache {
            cache.sweep(site.tree.documents().iter().map(|document| document.source.as_path()));
        }
        site.write_search_index(output);
        site.check_links();
        site.write_site_files(output);
        Ok(site)
    }

    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    pub fn theme(&self) -> &theme::Theme {
        &self.theme
    }

    /// What the site tells its edge: the theme's colour themes (the allow-list) and `[edge]`.
    pub fn edge_settings(&self) -> SiteEdgeConfig {
        SiteEdgeConfig {
            color_themes: self.theme.color_themes.iter().map(|theme| theme.name.clone()).collect(),
            demo_apis: self.config.edge.demo_apis,
            page_policy: Some(crate::host_files::page_content_security_policy(&self.config)),
        }
    }

    /// The source of every document in the tree, relative to the site root (`content/storage/kv.md`).
    pub fn document_sources(&self) -> impl Iterator<Item = &Path> {
        self.tree
            .documents()
            .iter()
            .filter(|d| !d.is_virtual)
            .map(|d| d.source.as_path())
    }

    /// Whether a document of the site was read from `source` (relative to the root).
    pub fn has_document(&self, source: &Path) -> bool {
        self.tree.by_source(source).is_some_and(|document| !document.is_virtual)
    }

    /// Every diagnostic the site has now, sorted.
    pub fn diagnostics(&self) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(self.stages.all().cloned());
        for document in &self.rendered {
            diagnostics.extend(document.diagnostics.iter().cloned());
        }
        diagnostics.sort();
        let mut merged = Diagnostics::new();
        merged.extend(crate::render::templates::merge_repeated_errors(diagnostics.into_vec()));
        merged
    }

    /// The warnings when the site has no error, else every diagnostic as [`BuildFailed`].
    pub fn check(&self) -> Result<Vec<Diagnostic>, BuildFailed> {
        self.diagnostics().into_result()
    }

    /// What `build` reports: the counts and warnings, or every error.
    pub fn summary(&self, elapsed: Duration) -> Result<BuildSummary, BuildFailed> {
        let warnings = self.check()?;
        let sections = self
            .tree
            .documents()
            .iter()
            .filter(|d| d.kind == DocumentKind::Section)
            .count();
        Ok(BuildSummary {
            pages: self.tree.documents().len() - sections,
            sections,
            assets: self.asset_urls.len(),
            links_checked: self.rendered.iter().map(|document| document.internal_links.len()).sum(),
            elapsed,
            warnings,
            edge: self.edge_settings(),
            highlight_cache: self.highlight_cache.as_ref().map(HighlightCache::stats),
        })
    }
}

pub(super) fn failure(diagnostics: Diagnostics) -> BuildFailed {
    match diagnostics.into_result() {
        Err(failed) => failed,
        Ok(_) => BuildFailed::single(Diagnostic::error(None, "the build stopped without an error message")),
    }
}

impl From<BuildFailed> for Diagnostics {
    fn from(failed: BuildFailed) -> Self {
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(failed.diagnostics);
        diagnostics
    }
}
