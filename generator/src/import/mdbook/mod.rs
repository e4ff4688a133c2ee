//! mdBook books, built unchanged: `book.toml` ([`book_toml`]) becomes the site's configuration,
//! `SUMMARY.md` ([`summary`]) the navigation and the order, each chapter a page ([`chapters`]) with
//! mdBook's `{{#...}}` directives expanded ([`directives`]), and the old `.html` addresses and
//! `[output.html.redirect]` a list of redirects ([`redirects`]). Everything after that is the
//! ordinary build.

pub mod book_toml;
pub mod chapters;
pub mod directives;
pub mod redirects;
pub mod summary;

pub use book_toml::BOOK_FILE;

use super::SiteSource;
use crate::config::{self, Overrides, SiteConfig};
use crate::content::discover::SourceFile;
use crate::content::tree::ContentTree;
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics, Location};
use crate::site_root::{MAX_SOURCE_BYTES, SitePathError, SiteRoot, read_text_bounded};
use book_toml::BookToml;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the build keeps of `book.toml` besides the site configuration.
#[derive(Debug, Clone)]
pub struct Book {
    pub settings: BookToml,
    /// The `additional-css` files, in order, appended to the theme's stylesheet.
    pub additional_css: String,
}

impl Book {
    /// The folder of the book's chapters, relative to the root (`src`).
    pub fn src(&self) -> PathBuf {
        PathBuf::from(&self.settings.src)
    }
}

/// Reads `book.toml` under `root` as the configuration of a site.
pub fn load_config(root: &Path, overrides: &Overrides) -> Result<SiteConfig, BuildFailed> {
    let path = root.join(BOOK_FILE);
    let text = read_text_bounded(&path, BOOK_FILE, MAX_SOURCE_BYTES)
        .map_err(|error| BuildFailed::single(error.to_diagnostic(None)))?;
    let mut diagnostics = Diagnostics::new();
    let settings = book_toml::parse(&text, &mut diagnostics);
    let Some(settings) = settings else {
        return Err(failed(diagnostics));
    };
    let table = site_table(root, &settings, &mut diagnostics);
    let mut config = config::resolve_imported(root, table, SiteSource::MdBook, diagnostics.into_vec(), overrides)?;
    let mut diagnostics = Diagnostics::new();
    let additional_css = read_additional_css(&config.site_root, &settings, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(failed(diagnostics));
    }
    config.content_folder = PathBuf::from(&settings.src);
    config.book = Some(Arc::new(Book {
        settings,
        additional_css,
    }));
    Ok(config)
}

fn failed(diagnostics: Diagnostics) -> BuildFailed {
    match diagnostics.into_result() {
        Err(failed) => failed,
        Ok(_) => BuildFailed::single(Diagnostic::error(None, "book.toml could not be read")),
    }
}

/// The keys of `site.toml` a book's settings amount to.
fn site_table(root: &Path, book: &BookToml, diagnostics: &mut Diagnostics) -> toml::Table {
    let mut site = toml::Table::new();
    let folder_name = root
        .canonicalize()
        .ok()
        .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()));
    let title = book
        .title
        .clone()
        .filter(|title| !title.trim().is_empty())
        .or(folder_name)
        .unwrap_or_else(|| "Book".to_owned());
    site.insert("title".into(), title.into());
    site.insert("base_url".into(), base_url(book, diagnostics).into());
    if let Some(description) = &book.description {
        site.insert("description".into(), description.clone().into());
    }
    if let Some(language) = &book.language {
        site.insert("language".into(), language.clone().into());
    }
    let mut theme_options = toml::Table::new();
    if let Some(url) = &book.git_repository_url {
        if url.value.starts_with("https://") {
            let label = if url.value.contains("github.com") {
                "GitHub"
            } else if url.value.contains("gitlab") {
                "GitLab"
            } else {
                "Repository"
            };
            let mut link = toml::Table::new();
            link.insert("label".into(), label.into());
            link.insert("url".into(), url.value.clone().into());
            theme_options.insert("links".into(), toml::Value::Array(vec![link.into()]));
        } else {
            diagnostics.push(
                Diagnostic::warning(
                    Some(url.location.clone()),
                    format!(
                        "`git-repository-url` is not an https URL (`{}`); no header link is shown",
                        url.value
                    ),
                )
                .with_help("write the repository's address, e.g. `https://github.com/owner/book`"),
            );
        }
    }
    if let Some(template) = &book.edit_url_template {
        if template.value.starts_with("https://") && template.value.contains("{path}") {
            theme_options.insert("edit_url".into(), template.value.clone().into());
        } else {
            diagnostics.push(
                Diagnostic::warning(
                    Some(template.location.clone()),
                    format!("`edit-url-template` must be an https URL with `{{path}}` in it, not `{}`; pages get no edit link", template.value),
                )
                .with_help("e.g. `https://github.com/owner/book/edit/main/src/{path}`"),
            );
        }
    }
    if !theme_options.is_empty() {
        site.insert("theme_options".into(), theme_options.into());
    }
    let mut extra = toml::Table::new();
    if !book.authors.is_empty() {
        extra.insert(
            "authors".into(),
            toml::Value::Array(book.authors.iter().cloned().map(toml::Value::from).collect()),
        );
    }
    site.insert("extra".into(), extra.into());
    site
}

/// `base_url` from `[output.html] cname` and `site-url`: `https://<cname><site-url>`, else the local
/// address under `site-url` (`--base-url` gives the real one).
fn base_url(book: &BookToml, diagnostics: &mut Diagnostics) -> String {
    let path = match &book.site_url {
        Some(site_url) if site_url.value.starts_with('/') => site_url.value.trim_end_matches('/').to_owned(),
        Some(site_url) => {
            diagnostics.push(
                Diagnostic::warning(
                    Some(site_url.location.clone()),
                    format!(
                        "`site-url` must be a path starting with `/`, not `{}`; the book is built for `/`",
                        site_url.value
                    ),
                )
                .with_help("write the path the book is served under, e.g. `site-url = \"/book/\"`"),
            );
            String::new()
        }
        None => String::new(),
    };
    match &book.cname {
        Some(host) if !host.trim().is_empty() => format!("https://{}{path}", host.trim()),
        _ => format!("http://localhost{path}"),
    }
}

/// The text of the `additional-css` files, each a path from the book's root.
fn read_additional_css(root: &SiteRoot, book: &BookToml, diagnostics: &mut Diagnostics) -> String {
    let mut css = String::new();
    for file in &book.additional_css {
        match root.read_text(&file.value, MAX_SOURCE_BYTES) {
            Ok(text) => {
                css.push_str(&format!("\n/* {} */\n", file.value.replace("*/", "* /")));
                css.push_str(&text);
                css.push('\n');
            }
            Err(error) => {
                let help = match error {
                    SitePathError::NotFound { .. } => "the path is relative to the folder that holds book.toml",
                    ref other => other.help(),
                };
                diagnostics.push(
                    Diagnostic::error(
                        Some(file.location.clone()),
                        format!("`additional-css` names a file that cannot be read: {error}"),
                    )
                    .with_help(help),
                );
            }
        }
    }
    css
}

/// Stages "discover content" and "read the content tree" for a book: the files under `src`, and the
/// chapters `SUMMARY.md` lists, in its order.
pub fn read_content(config: &SiteConfig, book: &Book, diagnostics: &mut Diagnostics) -> (Vec<SourceFile>, ContentTree) {
    let src = book.src();
    let discovered = crate::content::discover::discover(&config.site_root, &config.root.join(&src));
    diagnostics.extend(discovered.errors.iter().map(|error| error.to_diagnostic(None)));
    let summary_file = src.join("SUMMARY.md");
    let outline = match config
        .site_root
        .read_text(&crate::site_root::slash_path(&summary_file), MAX_SOURCE_BYTES)
    {
        Ok(text) => match summary::parse(&summary_file, &text) {
            Ok(summary) => chapters::outline(config, book, &summary, diagnostics),
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                chapters::outline(config, book, &summary::Summary::default(), diagnostics)
            }
        },
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::new(&summary_file, 1, 1)),
                    format!("could not read the book's table of contents: {error}"),
                )
                .with_help(format!(
                    "a book lists its chapters in `{}`",
                    crate::site_root::slash_path(&summary_file)
                )),
            );
            chapters::outline(config, book, &summary::Summary::default(), diagnostics)
        }
    };
    let tree = ContentTree::from_outline(outline, &src, &config.base_path, diagnostics);
    (discovered.files, tree)
}
