//! The build, stage by stage: load config -> load theme -> discover content -> read the content tree ->
//! build assets -> load templates -> copy static files -> render documents -> check links -> write
//! site-wide files. Every stage reports into one set of diagnostics; the build fails, with all of them,
//! if any is an error.

use crate::assets::{self, AssetInputs};
use crate::config::{self, SiteConfig};
use crate::content::discover;
use crate::content::navigation::ReadingOrder;
use crate::content::tree::{ContentTree, DocumentKind, TreeOptions};
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics};
use crate::output::{OutputSink, StagedOutput};
use crate::render::context::SiteContext;
use crate::render::templates::{TemplateFunctions, Templates};
use crate::render::{RenderJob, output_file};
use crate::{diagram, highlight, link_check, site_files, theme};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

impl BuildSummary {
    /// One line for the terminal: `Built 3 pages, 2 sections and 4 assets in 41 ms into public/`.
    pub fn line(&self, output: &Path) -> String {
        format!(
            "Built {} page{}, {} section{} and {} asset{} in {} ms into {}",
            self.pages,
            plural(self.pages),
            self.sections,
            plural(self.sections),
            self.assets,
            plural(self.assets),
            self.elapsed.as_millis(),
            output.display()
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Builds the site at `root` into the folder `output_dir`, replacing it only when the build succeeds.
pub fn build_to_folder(root: &Path, output_dir: &Path) -> Result<BuildSummary> {
    let staged = StagedOutput::new(output_dir)?;
    let summary = build(root, &staged)?;
    staged.commit()?;
    Ok(summary)
}

/// Builds the site at `root` into `output`. Fails with [`BuildFailed`] listing every error found.
pub fn build(root: &Path, output: &dyn OutputSink) -> Result<BuildSummary> {
    let started = Instant::now();
    let config = config::load(root)?;
    let theme = theme::load(root, &config.theme_name, &config.theme_dir)?;
    let mut diagnostics = Diagnostics::new();

    let content_dir = config.content_dir();
    let content_files = if content_dir.is_dir() {
        discover::discover(&content_dir)
            .map_err(|error| anyhow::anyhow!("could not read `{}`: {error}", content_dir.display()))?
    } else {
        diagnostics.push(
            Diagnostic::error(None, "the site has no `content/` folder")
                .with_help("create `content/_index.md` for the home page and a Markdown file per page"),
        );
        Vec::new()
    };
    let tree_options = TreeOptions {
        root,
        site_title: &config.title,
        build_drafts: config.build_drafts,
    };
    let tree = ContentTree::build(&content_files, &tree_options, &mut diagnostics);

    let generated_css = generated_css(&theme);
    let asset_inputs = AssetInputs {
        root,
        assets_dir: &theme.assets_dir(),
        browsers: config.browsers,
        generated_css: &generated_css,
    };
    let asset_urls = Arc::new(assets::build(&asset_inputs, output, &mut diagnostics));
    let functions = TemplateFunctions {
        asset_urls: Arc::clone(&asset_urls),
        base_url: config.base_url.clone(),
    };
    let templates = Templates::load(root, &theme.templates_dir(), functions, &mut diagnostics);
    let Some(templates) = templates else {
        return Err(fail(diagnostics));
    };
    if diagnostics.has_errors() {
        return Err(fail(diagnostics));
    }
    check_document_templates(&tree, &templates, &mut diagnostics);

    let mut written = site_files::copy_static_files(
        &theme.static_dir(),
        &config.static_dir(),
        &content_files,
        output,
        &mut diagnostics,
    );
    written.extend(asset_urls.values().map(|url| url.trim_start_matches('/').to_owned()));

    let job = RenderJob {
        config: &config,
        tree: &tree,
        templates: &templates,
        site_value: tera::Value::from_serializable(&SiteContext::new(&config, &theme)),
        order: ReadingOrder::new(&tree),
    };
    let mut rendered = job.render_all(output);
    for document in &mut rendered {
        diagnostics.extend(std::mem::take(&mut document.diagnostics));
    }
    link_check::check(&tree, &rendered, &written, &mut diagnostics);

    write_site_files(&config, &tree, &job, output, &mut diagnostics);
    let warnings = diagnostics.into_result().map_err(anyhow::Error::new)?;
    let sections = tree
        .documents()
        .iter()
        .filter(|d| d.kind == DocumentKind::Section)
        .count();
    Ok(BuildSummary {
        pages: tree.documents().len() - sections,
        sections,
        assets: asset_urls.len(),
        elapsed: started.elapsed(),
        warnings,
    })
}

fn fail(diagnostics: Diagnostics) -> anyhow::Error {
    match diagnostics.into_result() {
        Err(failed) => anyhow::Error::new(failed),
        Ok(_) => anyhow::anyhow!("the build stopped without an error message"),
    }
}

/// CSS the generator makes for the theme: code highlighting for every colour theme, and diagrams.
fn generated_css(theme: &theme::Theme) -> String {
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

/// A `template = "..."` in front matter must name a template of the theme.
fn check_document_templates(tree: &ContentTree, templates: &Templates, diagnostics: &mut Diagnostics) {
    for document in tree.documents() {
        if let Some(template) = &document.front_matter.template
            && !templates.has(template)
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
}

fn write_site_files(
    config: &SiteConfig,
    tree: &ContentTree,
    job: &RenderJob<'_>,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) {
    let not_found = match job.render_not_found() {
        Ok(html) => html,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            String::new()
        }
    };
    let files: [(&str, String); 4] = [
        ("404.html", not_found),
        ("sitemap.xml", site_files::sitemap(config, tree)),
        ("robots.txt", site_files::robots(config)),
        ("_headers", site_files::headers()),
    ];
    for (path, contents) in files {
        if let Err(error) = output.write(path, contents.as_bytes()) {
            diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
        }
    }
    debug_assert_eq!(output_file("/"), "index.html");
}

/// The output folder of a site: `<root>/public` unless given.
pub fn default_output_dir(root: &Path) -> PathBuf {
    root.join("public")
}

impl From<BuildFailed> for Diagnostics {
    fn from(failed: BuildFailed) -> Self {
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(failed.diagnostics);
        diagnostics
    }
}
