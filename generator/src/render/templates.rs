//! Templates: loading a theme's tera templates, the functions they can call, and turning tera's errors
//! into diagnostics that name the template file, line and column.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::markdown::shortcodes::{ShortcodeSource, Shortcodes};
use crate::site_root::{MAX_SOURCE_BYTES, SiteRoot};
use crate::theme::{FileKind, ThemeFiles};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The templates every theme must have.
pub(crate) const REQUIRED: [&str; 2] = ["page.html", "section.html"];

/// A theme's compiled templates.
pub(crate) struct Templates {
    tera: tera::Tera,
    /// The templates under `shortcodes/`, compiled apart: pages call them from their Markdown.
    shortcodes: Shortcodes,
    names: std::collections::HashSet<String>,
    paths: TemplatePaths,
}

/// Where each template was read from, for diagnostics: `page.html` -> `templates/page.html` (the site's
/// own), `themes/default/templates/page.html`, or `(built-in theme default)/templates/page.html`.
#[derive(Default)]
struct TemplatePaths {
    by_name: HashMap<String, String>,
}

impl TemplatePaths {
    /// Where `name` was read from; a template that does not exist yet belongs in the site's `templates/`.
    fn of(&self, name: &str) -> PathBuf {
        match self.by_name.get(name) {
            Some(display) => PathBuf::from(display),
            None => Path::new("templates").join(name),
        }
    }
}

/// What template functions need to know about the site.
pub(crate) struct TemplateFunctions {
    /// `main.css` -> `/assets/main.1a2b3c4d.css`.
    pub asset_urls: Arc<HashMap<String, String>>,
    pub base_url: String,
    /// The path of `base_url` (`/tally`, or empty): asset URLs start with it.
    pub base_path: String,
    /// A site of another generator: a shortcode template that does not compile is a warning.
    pub lenient_shortcodes: bool,
}

impl Templates {
    /// Loads and compiles every `*.html`, `*.xml` and `*.txt` template of the theme (the site's own
    /// replacing the theme's at the same path), reporting every syntax error.
    pub(crate) fn load(
        site_root: &SiteRoot,
        files: &ThemeFiles,
        functions: TemplateFunctions,
        diagnostics: &mut Diagnostics,
    ) -> Option<Templates> {
        let mut sources = Vec::new();
        let mut paths = TemplatePaths::default();
        let listing = files.list(site_root, FileKind::Templates);
        diagnostics.extend(listing.errors.iter().map(|error| error.to_diagnostic(None)));
        let mut shortcode_sources = Vec::new();
        for file in listing.files {
            if file.relative.starts_with("shortcodes/") {
                match file.read_text(MAX_SOURCE_BYTES) {
                    Ok(text) => shortcode_sources.push(ShortcodeSource {
                        relative: file.relative,
                        display: file.display,
                        text,
                    }),
                    Err(error) => diagnostics.push(error.to_diagnostic(None)),
                }
                continue;
            }
            if Path::new(&file.relative)
                .extension()
                .is_none_or(|ext| ext != "html" && ext != "xml" && ext != "txt")
            {
                continue;
            }
            match file.read_text(MAX_SOURCE_BYTES) {
                Ok(text) => {
                    paths.by_name.insert(file.relative.clone(), file.display.clone());
                    sources.push((file.relative, text));
                }
                Err(error) => diagnostics.push(error.to_diagnostic(None)),
            }
        }
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        register_functions(&mut tera, &functions);
        let errors_before = diagnostics.error_count();
        // Add one by one so every file with a syntax error is reported, then link them together.
        for (name, text) in &sources {
            let mut single = tera::Tera::default();
            register_functions(&mut single, &functions);
            if let Err(error) = single.add_raw_template(name, text)
                && !refers_to_another_template(&error)
            {
                diagnostics.push(template_diagnostic(&paths, &error, None));
            }
        }
        if diagnostics.error_count() > errors_before {
            return None;
        }
        if let Err(error) = tera.add_raw_templates(sources.iter().map(|(name, text)| (name.as_str(), text.as_str()))) {
            match error.kind() {
                tera::ErrorKind::Msg(reports) => diagnostics.extend(reports_to_diagnostics(&paths, reports)),
                _ => diagnostics.push(template_diagnostic(&paths, &error, None)),
            }
            return None;
        }
        let names = sources.iter().map(|(name, _)| name.clone()).collect();
        let shortcodes = Shortcodes::load(shortcode_sources, functions.lenient_shortcodes, diagnostics);
        let templates = Templates {
            tera,
            shortcodes,
            names,
            paths,
        };
        for required in REQUIRED {
            if !templates.has(required) {
                diagnostics.push(
                    Diagnostic::error(None, format!("the theme has no `{required}` template"))
                        .with_help(format!("create `{}`", templates.paths.of(required).display())),
                );
            }
        }
        (diagnostics.error_count() == errors_before).then_some(templates)
    }

    pub(crate) fn shortcodes(&self) -> &Shortcodes {
        &self.shortcodes
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// Renders `name` for the document `for_source` (named in diagnostics).
    pub(crate) fn render(&self, name: &str, context: &tera::Context, for_source: &Path) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|error| template_diagnostic(&self.paths, &error, Some(for_source)))
    }
}

/// Compiled alone, a template cannot find the ones it includes or extends: only its own syntax errors
/// count then. References between templates are checked when all of them are added together.
fn refers_to_another_template(error: &tera::Error) -> bool {
    !matches!(error.kind(), tera::ErrorKind::SyntaxError(_))
}

fn register_functions(tera: &mut tera::Tera, functions: &TemplateFunctions) {
    let asset_urls = Arc::clone(&functions.asset_urls);
    let base_path = functions.base_path.clone();
    tera.register_function(
        "asset_url",
        move |kwargs: tera::Kwargs, _: &tera::State<'_>| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            match asset_urls.get(path.trim_start_matches('/')) {
                Some(url) => Ok(format!("{base_path}{url}")),
                None => {
                    let mut known: Vec<&str> = asset_urls.keys().map(String::as_str).collect();
                    known.sort_unstable();
                    Err(tera::Error::message(format!(
                        "asset_url: the theme has no asset `{path}` (assets: {})",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    )))
                }
            }
        },
    );
    let base_url = functions.base_url.clone();
    tera.register_function(
        "url",
        move |kwargs: tera::Kwargs, _: &tera::State<'_>| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(if path.starts_with('/') {
                format!("{base_url}{path}")
            } else {
                format!("{base_url}/{path}")
            })
        },
    );
}

/// tera reports unknown templates, components, functions and filters as one text of `error: ...` reports,
/// each with a `--> name:line:col` line: one diagnostic each.
fn reports_to_diagnostics(paths: &TemplatePaths, text: &str) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for report in text.split("error: ").map(str::trim).filter(|r| !r.is_empty()) {
        let mut lines = report.lines();
        let message = lines.next().unwrap_or_default().trim().to_owned();
        let location = lines
            .find_map(|line| line.trim().strip_prefix("--> "))
            .and_then(|position| {
                let mut parts = position.rsplitn(3, ':');
                let column = parts.next()?.parse().ok()?;
                let line = parts.next()?.parse().ok()?;
                Some(Location::new(paths.of(parts.next()?), line, column))
            });
        let help = if message.starts_with("Unknown component") {
            "define the component with `{% component name(...) %}` in a template of the theme"
        } else if message.starts_with("Unknown template") {
            "create the template, or fix the name: it is relative to the theme's templates/ folder"
        } else {
            "check the spelling; edgedocs adds the functions `asset_url` and `url`"
        };
        diagnostics.push(Diagnostic::error(location, format!("template error: {message}")).with_help(help));
    }
    diagnostics
}

/// How a template error names the page it was rendering.
const WHILE_RENDERING: &str = " (while rendering ";

/// One template mistake fails every page that uses the template: keeps the first report of each (same
/// place, same message) and says how many other pages it failed, so the author reads it once.
pub(crate) fn merge_repeated_errors(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut merged: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut first_of: HashMap<(Option<Location>, String), (usize, usize)> = HashMap::new();
    for diagnostic in diagnostics {
        let Some((message, _page)) = diagnostic.message.rsplit_once(WHILE_RENDERING) else {
            merged.push(diagnostic);
            continue;
        };
        let key = (diagnostic.location.clone(), message.to_owned());
        match first_of.get_mut(&key) {
            Some((_, repeats)) => *repeats += 1,
            None => {
                first_of.insert(key, (merged.len(), 0));
                merged.push(diagnostic);
            }
        }
    }
    for (index, repeats) in first_of.into_values() {
        if repeats > 0 {
            let message = &mut merged[index].message;
            if message.ends_with(')') {
                message.pop();
                message.push_str(&format!(
                    " and {repeats} other page{})",
                    if repeats == 1 { "" } else { "s" }
                ));
            }
        }
    }
    merged
}

/// A tera error as a diagnostic at the template's file, line and column.
fn template_diagnostic(paths: &TemplatePaths, error: &tera::Error, for_source: Option<&Path>) -> Diagnostic {
    let while_rendering = for_source
        .map(|source| format!("{WHILE_RENDERING}{})", source.display()))
        .unwrap_or_default();
    let report = match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => Some(report),
        _ => None,
    };
    // A function's own error is wrapped in a rendering error whose source says what went wrong.
    let mut cause = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    match report {
        Some(report) => {
            let span = report.span();
            let location = Location::new(paths.of(report.filename()), span.start_line, span.start_col + 1);
            let mut message = report.message().to_owned();
            if !cause.is_empty() && !message.contains(&cause) {
                message = format!("{message}: {cause}");
            }
            let help = if message.contains("is not defined") || message.contains("not found in context") {
                "guard optional values with `{% if value is defined %}` or use the `default` filter; the theme's README lists every variable"
            } else {
                "see the theme's README for the template context and tera's documentation for the syntax"
            };
            Diagnostic::error(Some(location), format!("template error: {message}{while_rendering}")).with_help(help)
        }
        None => {
            let message = error.to_string();
            Diagnostic::error(
                None,
                format!(
                    "template error: {message}{}{while_rendering}",
                    if cause.is_empty() {
                        String::new()
                    } else {
                        format!(": {cause}")
                    }
                ),
            )
            .with_help("check the theme's templates")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::Layer;

    fn load(templates: &[(&str, &str)]) -> (Option<Templates>, Diagnostics) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("themes/t/templates");
        for (name, text) in templates {
            std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
            std::fs::write(dir.join(name), text).unwrap();
        }
        let functions = TemplateFunctions {
            asset_urls: Arc::new(HashMap::from([(
                "main.css".to_owned(),
                "/assets/main.abc.css".to_owned(),
            )])),
            base_url: "https://x.dev".into(),
            lenient_shortcodes: false,
            base_path: String::new(),
        };
        let mut diagnostics = Diagnostics::new();
        let site_root = SiteRoot::new(root.path()).unwrap();
        let files = ThemeFiles::new(vec![Layer::Folder(root.path().join("themes/t"))]);
        let templates = Templates::load(&site_root, &files, functions, &mut diagnostics);
        (templates, diagnostics)
    }

    #[test]
    fn every_syntax_error_names_its_file_and_line() {
        let (templates, diagnostics) = load(&[
            ("page.html", "a\n{{ x }\n"),
            ("section.html", "{% if %}"),
            ("ok.html", "fine"),
        ]);
        assert!(templates.is_none());
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("error: themes/t/templates/page.html:2:"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].starts_with("error: themes/t/templates/section.html:1:"),
            "{}",
            messages[1]
        );
    }

    #[test]
    fn an_undefined_variable_names_the_template_line_and_the_page() {
        let (templates, diagnostics) = load(&[
            ("page.html", "<h1>{{ page.title }}</h1>\n<p>{{ page.subtitle }}</p>\n"),
            ("section.html", ""),
        ]);
        assert!(!diagnostics.has_errors());
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({ "title": "KV" }));
        let error = templates
            .unwrap()
            .render("page.html", &context, Path::new("content/kv.md"))
            .unwrap_err();
        assert_eq!(
            error.to_string().lines().next().unwrap(),
            "error: themes/t/templates/page.html:2:12: template error: Field `subtitle` is not defined. Available fields: title (while rendering content/kv.md)"
        );
    }

    #[test]
    fn a_mistake_repeated_on_every_page_is_reported_once() {
        let at = |line| Some(Location::new("themes/t/templates/page.html", line, 4));
        let error = |line, page: &str| {
            Diagnostic::error(
                at(line),
                format!("template error: `x` is not defined (while rendering {page})"),
            )
        };
        let other = Diagnostic::error(Some(Location::new("content/a.md", 1, 1)), "link to a missing page");
        let merged = merge_repeated_errors(vec![
            error(2, "content/a.md"),
            error(2, "content/b.md"),
            error(2, "content/c.md"),
            error(7, "content/b.md"),
            other.clone(),
        ]);
        let messages: Vec<&str> = merged.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "template error: `x` is not defined (while rendering content/a.md and 2 other pages)",
                "template error: `x` is not defined (while rendering content/b.md)",
                "link to a missing page",
            ]
        );
    }

    #[test]
    fn functions_map_assets_and_urls() {
        let (templates, _) = load(&[
            (
                "page.html",
                "{{ asset_url(path=\"main.css\") }} {{ url(path=\"/a/\") }}",
            ),
            ("section.html", "{{ asset_url(path=\"nope.css\") }}"),
        ]);
        let templates = templates.unwrap();
        let context = tera::Context::new();
        assert_eq!(
            templates.render("page.html", &context, Path::new("a.md")).unwrap(),
            "/assets/main.abc.css https://x.dev/a/"
        );
        let error = templates
            .render("section.html", &context, Path::new("a.md"))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the theme has no asset `nope.css` (assets: main.css)"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_required_template_is_an_error() {
        let (templates, diagnostics) = load(&[("page.html", "")]);
        assert!(templates.is_none());
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message == "the theme has no `section.html` template")
        );
    }
}
