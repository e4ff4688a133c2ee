//! A Zola site's `zola.toml` / `config.toml`, read into edgedocs' configuration: `title`, `base_url`,
//! `description`, `default_language`, `[markdown]` (its `smart_punctuation`; the highlighting settings
//! are edgedocs' own business and are passed over), `[slugify]` (headings and pages get the ids and
//! URLs Zola gives them, so links to them keep working) and `[extra]` (as `site.extra`). Every other key is
//! reported once as ignored. The site's own templates expect Zola's context, so the built-in theme
//! renders the pages (with the site's shortcodes).

use crate::config::{self, Overrides, SiteConfig};
use crate::content::tree::UrlSegments;
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics, LineColumn, Severity};
use crate::import::SiteSource;
use crate::site_root::{MAX_SOURCE_BYTES, read_text_bounded};
use crate::toml_input::{TomlSchema, TomlSource};
use serde::Deserialize;
use serde_aux::serde_introspection::serde_introspect;
use std::path::Path;

/// The keys of a Zola configuration that mean something to edgedocs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawZolaConfig {
    /// The URL the site is served from. Required; `example.com` without a scheme means https.
    base_url: String,
    /// The site's name. Default: the folder's name.
    title: Option<String>,
    /// The site's description. Default: empty.
    description: Option<String>,
    /// The `lang` of every page. Default: `en`.
    default_language: Option<String>,
    /// Markdown settings: `smart_punctuation` is read (default false, as in Zola), the rest
    /// (highlighting) is edgedocs' own.
    markdown: toml::Table,
    /// Free-form values for templates, as `site.extra`.
    extra: toml::Table,
    /// How Zola makes ids and URLs: `anchors` and `paths` are read (`on`, the default: ASCII with
    /// dashes; `safe`: as written without characters file systems refuse; `off`: as written).
    slugify: toml::Table,
    /// Link checking: `internal_level = "warn"` makes broken internal links warnings; the rest
    /// (external links) is not checked by edgedocs.
    link_checker: toml::Table,
}

impl TomlSchema for RawZolaConfig {
    fn keys_at(_: &[&str]) -> &'static [&'static str] {
        serde_introspect::<RawZolaConfig>()
    }
}

/// Reads the Zola configuration `file` of the site at `root` into a [`SiteConfig`] whose notes hold
/// the ignored keys and the theme the pages get.
pub(crate) fn load(root: &Path, file: &Path, overrides: &Overrides) -> Result<SiteConfig, BuildFailed> {
    let name = file
        .file_name()
        .map_or_else(|| "config.toml".to_owned(), |name| name.to_string_lossy().into_owned());
    let text = read_text_bounded(file, &name, MAX_SOURCE_BYTES).map_err(|error| {
        BuildFailed::single(Diagnostic::error(None, format!("could not read {error}")).with_help(error.help()))
    })?;
    let mut diagnostics = Diagnostics::new();
    let source = TomlSource {
        file: Path::new(&name),
        text: &text,
        start: LineColumn::START,
        what: &name,
    };
    let Some(raw) = source.deserialize_ignoring_unknown::<RawZolaConfig>(&mut diagnostics) else {
        return Err(diagnostics
            .into_result()
            .expect_err("a failed parse always reports an error"));
    };
    let mut table = toml::Table::new();
    let title = raw.title.filter(|title| !title.trim().is_empty()).unwrap_or_else(|| {
        root.canonicalize()
            .ok()
            .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Documentation".to_owned())
    });
    table.insert("title".into(), title.into());
    table.insert("base_url".into(), with_scheme(&raw.base_url).into());
    if let Some(description) = raw.description {
        table.insert("description".into(), description.into());
    }
    if let Some(language) = raw.default_language {
        table.insert("language".into(), language.into());
    }
    // Zola leaves quotes and dashes as written unless the site asks.
    let smart_punctuation = raw
        .markdown
        .get("smart_punctuation")
        .and_then(toml::Value::as_bool)
        .unwrap_or(false);
    let mut markdown = toml::Table::new();
    markdown.insert("smart_punctuation".into(), smart_punctuation.into());
    let heading_ids = match raw.slugify.get("anchors").and_then(toml::Value::as_str) {
        Some("safe" | "off") => "verbatim",
        _ => "ascii",
    };
    markdown.insert("heading_ids".into(), heading_ids.into());
    table.insert("markdown".into(), markdown.into());
    table.insert("extra".into(), raw.extra.clone().into());
    diagnostics.push(Diagnostic::warning(
        Some(crate::diagnostics::Location::new(&name, 1, 1)),
        "a Zola site: its pages are rendered with edgedocs' built-in theme; its templates/ are not used, except templates/shortcodes/",
    ).with_help("add a `site.toml` to make it an edgedocs site, with its own theme options"));
    diagnostics.sort();
    let links_warn = raw.link_checker.get("internal_level").and_then(toml::Value::as_str) == Some("warn");
    let url_segments = match raw.slugify.get("paths").and_then(toml::Value::as_str) {
        Some("off") => UrlSegments::AsWritten,
        Some("safe") => UrlSegments::Safe,
        _ => UrlSegments::Slugified,
    };
    let mut config = config::resolve_imported(root, table, SiteSource::Zola, diagnostics.into_vec(), overrides)?;
    if links_warn {
        config.broken_links = Severity::Warning;
    }
    config.url_segments = url_segments;
    Ok(config)
}

/// Zola accepts a base URL without a scheme (`example.com`); edgedocs needs one.
fn with_scheme(base_url: &str) -> String {
    if base_url.contains("://") || base_url.is_empty() {
        base_url.to_owned()
    } else {
        format!("https://{base_url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::headings::HeadingIds;

    fn load_text(text: &str) -> Result<SiteConfig, BuildFailed> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, text).unwrap();
        load(dir.path(), &file, &Overrides::default())
    }

    #[test]
    fn headings_get_the_ids_zola_would_give_them() {
        let safe = load_text("base_url = \"https://x.dev\"\n[slugify]\nanchors = \"safe\"\npaths = \"on\"\n").unwrap();
        assert_eq!(safe.heading_ids, HeadingIds::Verbatim);
        assert_eq!(safe.url_segments, UrlSegments::Slugified, "paths = \"on\"");
        let on = load_text("base_url = \"https://x.dev\"\n[slugify]\nanchors = \"on\"\npaths = \"off\"\n").unwrap();
        assert_eq!(on.heading_ids, HeadingIds::Ascii);
        assert_eq!(on.url_segments, UrlSegments::AsWritten);
        let default = load_text("base_url = \"https://x.dev\"\n").unwrap();
        assert_eq!(default.url_segments, UrlSegments::Slugified);
    }

    #[test]
    fn the_keys_with_a_meaning_are_read_and_the_others_reported_once() {
        let config = load_text(
            "base_url = \"https://docs.example.com/\"\ntitle = \"Docs\"\ncompile_sass = true\ntaxonomies = [{ name = \"tags\" }]\ndefault_language = \"fr\"\n\n[markdown]\nhighlight_code = true\nsmart_punctuation = false\n[markdown.highlighting]\ntheme = \"x\"\n\n[link_checker]\ninternal_level = \"warn\"\n\n[extra]\nauthor = \"Someone\"\n",
        )
        .unwrap();
        assert_eq!(config.title, "Docs");
        assert_eq!(config.base_url, "https://docs.example.com");
        assert_eq!(config.language, "fr");
        assert!(!config.smart_punctuation);
        assert_eq!(config.heading_ids, HeadingIds::Ascii, "Zola's default ids");
        assert_eq!(config.extra["author"], "Someone");
        assert_eq!(config.source, SiteSource::Zola);
        let notes: Vec<String> = config.notes.iter().map(ToString::to_string).collect();
        assert_eq!(notes.len(), 3, "{notes:#?}");
        assert_eq!(config.broken_links, Severity::Warning, "internal_level = \"warn\"");
        assert!(notes[0].contains("built-in theme"), "{}", notes[0]);
        for (note, start) in notes[1..].iter().zip([
            "warning: config.toml:3:1: `compile_sass` in config.toml has no meaning for edgedocs and is ignored",
            "warning: config.toml:4:1: `taxonomies`",
        ]) {
            assert!(note.starts_with(start), "{note}");
        }
    }

    #[test]
    fn a_base_url_without_a_scheme_is_https_and_a_bad_one_is_an_error() {
        assert_eq!(
            load_text("base_url = \"example.com\"\n").unwrap().base_url,
            "https://example.com"
        );
        let failed = load_text("title = 3\n").unwrap_err();
        assert!(
            failed.diagnostics[0].to_string().starts_with("error: config.toml:1:9:"),
            "{}",
            failed.diagnostics[0]
        );
    }
}
