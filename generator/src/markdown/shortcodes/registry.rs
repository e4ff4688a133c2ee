//! The shortcodes a site can call: each template under `templates/shortcodes/` of the theme and the
//! site (the site's replacing the theme's of the same name), compiled in a tera instance of their own.
//! `name.html` gives HTML; `name.md` gives Markdown that is rendered with the page.

use super::args::Arguments;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a shortcode's template writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    Html,
    Markdown,
}

struct Entry {
    template: String,
    output: Output,
}

/// One shortcode template as read: its name under `templates/` (`shortcodes/note.html`), where it was
/// read from (for diagnostics), and its text.
pub(crate) struct ShortcodeSource {
    pub relative: String,
    pub display: String,
    pub text: String,
}

/// The compiled shortcodes.
#[derive(Default)]
pub(crate) struct Shortcodes {
    tera: tera::Tera,
    by_name: BTreeMap<String, Entry>,
    /// Shortcodes whose template does not compile, with where it is: calls are reported, not rendered.
    broken: BTreeMap<String, PathBuf>,
}

impl Shortcodes {
    /// Compiles `sources`; a template that does not compile is reported (as an error, or as a warning
    /// when `lenient`: a site of another generator may use that generator's template features).
    pub(crate) fn load(sources: Vec<ShortcodeSource>, lenient: bool, diagnostics: &mut Diagnostics) -> Self {
        let mut shortcodes = Shortcodes::default();
        shortcodes.tera.autoescape_on(vec![".html"]);
        register_filters(&mut shortcodes.tera);
        for source in sources {
            let Some(file) = source.relative.strip_prefix("shortcodes/") else {
                continue;
            };
            let (name, output) = match file.rsplit_once('.') {
                Some((name, "html")) => (name, Output::Html),
                Some((name, "md")) => (name, Output::Markdown),
                _ => continue,
            };
            if name.contains('/') || super::args::identifier_length(name) != name.len() {
                continue;
            }
            match shortcodes.tera.add_raw_template(&source.relative, &source.text) {
                Ok(()) => {
                    shortcodes.broken.remove(name);
                    shortcodes.by_name.insert(
                        name.to_owned(),
                        Entry {
                            template: source.relative,
                            output,
                        },
                    );
                }
                Err(error) => {
                    let message = format!("the shortcode `{name}` does not compile: {}", one_line(&error));
                    let location = Some(Location::new(&source.display, 1, 1));
                    let diagnostic = if lenient {
                        Diagnostic::warning(location, message)
                    } else {
                        Diagnostic::error(location, message)
                    };
                    diagnostics.push(diagnostic.with_help(
                        "shortcode templates are tera templates; their arguments are variables, the text between a block's tags is `body`",
                    ));
                    shortcodes.broken.insert(name.to_owned(), PathBuf::from(source.display));
                }
            }
        }
        shortcodes
    }

    /// The names of the shortcodes that can be called, sorted.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    /// Why `name` cannot be called, if it cannot: its template does not compile.
    pub(crate) fn broken(&self, name: &str) -> Option<&PathBuf> {
        self.broken.get(name)
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Renders the shortcode `name` with `arguments`, the block's `body` (empty for an inline call),
    /// `nth` (how many calls of it the page made so far, from 1) and the `page` it is on.
    pub(crate) fn render(
        &self,
        name: &str,
        arguments: &Arguments,
        body: Option<&str>,
        nth: usize,
        page: &tera::Value,
    ) -> Result<(String, Output), String> {
        let entry = self.by_name.get(name).ok_or_else(|| format!("no shortcode `{name}`"))?;
        let mut context = tera::Context::new();
        for (key, value) in arguments {
            context.insert(key.clone(), value);
        }
        if let Some(body) = body {
            context.insert("body", body);
        }
        context.insert("nth", &nth);
        context.insert_value("page", page.clone());
        self.tera
            .render(&entry.template, &context)
            .map(|text| (text, entry.output))
            .map_err(|error| one_line(&error))
    }
}

/// A tera error and its causes on one line.
fn one_line(error: &tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `markdown`: renders a shortcode's `body` (or any text) as Markdown; `inline=true` drops the
/// paragraph around a single line.
fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter(
        "markdown",
        |text: &str, kwargs: tera::Kwargs, _: &tera::State<'_>| -> tera::TeraResult<tera::Value> {
            let inline: bool = kwargs.get("inline")?.unwrap_or(false);
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::all()),
            );
            if inline
                && let Some(inner) = html
                    .trim_end()
                    .strip_prefix("<p>")
                    .and_then(|rest| rest.strip_suffix("</p>"))
                && !inner.contains("<p>")
            {
                html = inner.to_owned();
            }
            Ok(tera::Value::safe_string(&html))
        },
    );
}
