//! `site.toml`: the raw configuration serde reads, and the resolved configuration the build uses.
//!
//! [`load`] is the one fallible step between them. It reports every unknown key (with the closest valid
//! one), every type error it can reach and every invalid value in a single run. It does not load the
//! theme; see [`crate::theme`].

use crate::content::tree::UrlSegments;
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics, LineColumn, Location, Severity, closest_match};
use crate::import::SiteSource;
use crate::markdown::headings::HeadingIds;
use crate::site_root::{MAX_SOURCE_BYTES, SitePathError, SiteRoot, read_text_bounded};
use crate::theme_options::{self, RawThemeOptions, ThemeOptions};
use crate::toml_input::{TomlSchema, TomlSource};
use serde::Deserialize;
use serde_aux::serde_introspection::serde_introspect;
use std::path::{Path, PathBuf};

/// The file name of the site's configuration, at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// `site.toml` as written by the author. Unknown keys are reported by [`TomlSource::deserialize`].
#[derive(Debug, Deserialize)]
struct RawConfig {
    /// The site's name, shown in the header and in `<title>`. Required.
    title: String,
    /// A one-line description for search engines and the landing page. Default: empty.
    #[serde(default)]
    description: String,
    /// The absolute URL the site is served from, e.g. `https://docs.example.com`. Required.
    base_url: String,
    /// The `lang` of every page. Default: `en`.
    #[serde(default = "default_language")]
    language: String,
    /// The folder under `themes/` to render with. Default: `default`.
    #[serde(default = "default_theme")]
    theme: String,
    /// Browserslist queries the CSS is lowered for. Default: `["defaults"]`.
    #[serde(default = "default_browsers")]
    browsers: Vec<String>,
    /// Whether pages with `draft = true` are built. Default: false.
    #[serde(default)]
    build_drafts: bool,
    /// Markdown options.
    #[serde(default)]
    markdown: RawMarkdown,
    /// Navigation options.
    #[serde(default)]
    nav: RawNav,
    /// The theme's knobs: logo, accent, header links, footer, edit links, dates, CSP sources.
    #[serde(default)]
    theme_options: RawThemeOptions,
    /// Search index options.
    #[serde(default)]
    search: RawSearch,
    /// What the edge (the Cloudflare Worker, and the preview's edge) does for this site.
    #[serde(default)]
    edge: RawEdge,
    /// Free-form values for templates, as `site.extra`.
    #[serde(default)]
    extra: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawMarkdown {
    /// Turn straight quotes, `--` and `...` into typographic ones. Default: true.
    smart_punctuation: bool,
    /// How headings' ids are made from their text: `github` (default), `ascii` (Zola's), `verbatim`.
    heading_ids: HeadingIds,
}

impl Default for RawMarkdown {
    fn default() -> Self {
        Self {
            smart_punctuation: true,
            heading_ids: HeadingIds::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawNav {
    /// How many pages of a big section the navigation lists around the current page. Default: 24.
    section_window: usize,
}

impl Default for RawNav {
    fn default() -> Self {
        Self { section_window: 24 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawSearch {
    /// Whether the build writes the search index under `search/` and its results page
    /// (`search/index.html`). Default: true: the theme's dialog reads the index, and `/search?q=`
    /// answers without JavaScript at the edge and in `edgedocs serve`.
    enabled: bool,
    /// URL paths whose pages are left out, each matching itself and everything under it (`/blog/`).
    /// Default: none.
    exclude: Vec<String>,
}

impl Default for RawSearch {
    fn default() -> Self {
        Self {
            enabled: true,
            exclude: Vec::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawEdge {
    /// Whether the edge answers the demo APIs beyond the theme (`/api/kv/flags`). Default: false: the
    /// edge then only adds the visitor's colour theme and the pinned message and saves the theme.
    demo_apis: bool,
}

impl TomlSchema for RawConfig {
    fn keys_at(path: &[&str]) -> &'static [&'static str] {
        match path {
            ["markdown"] => serde_introspect::<RawMarkdown>(),
            ["nav"] => serde_introspect::<RawNav>(),
            ["search"] => serde_introspect::<RawSearch>(),
            ["edge"] => serde_introspect::<RawEdge>(),
            _ => theme_options::keys_at(path).unwrap_or_else(serde_introspect::<RawConfig>),
        }
    }
}

fn default_language() -> String {
    "en".into()
}

fn default_theme() -> String {
    "default".into()
}

fn default_browsers() -> Vec<String> {
    vec!["defaults".into()]
}

/// The configuration the build uses: validated, with paths resolved against the site root.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub root: PathBuf,
    /// The root as a boundary: what the build reads must stay inside it.
    pub site_root: SiteRoot,
    pub title: String,
    pub description: String,
    /// Without a trailing slash: `https://docs.example.com`, `https://example.github.io/tally`.
    pub base_url: String,
    /// The path of `base_url` the site lives under, without a trailing slash: `/tally`, or empty for a
    /// site at the root of its host. Every link the build writes starts with it.
    pub base_path: String,
    pub language: String,
    pub theme_name: String,
    pub theme_dir: PathBuf,
    pub browsers: lightningcss::targets::Browsers,
    pub build_drafts: bool,
    pub smart_punctuation: bool,
    pub heading_ids: HeadingIds,
    /// How content folder and file names become URL segments (a Zola site's `[slugify] paths`).
    pub url_segments: UrlSegments,
    pub nav_section_window: usize,
    /// The `[theme_options]` knobs.
    pub theme_options: ThemeOptions,
    pub search: SearchConfig,
    pub edge: EdgeOptions,
    pub extra: serde_json::Value,
    /// The folder under the root that holds the pages: `content`, or an mdBook book's `src`.
    pub content_folder: PathBuf,
    /// The book, when the site is an mdBook book read unchanged ([`crate::import::mdbook`]).
    pub book: Option<std::sync::Arc<crate::import::mdbook::Book>>,
    /// The kind of site the configuration was read from.
    pub source: SiteSource,
    /// What a broken internal link is: an error, unless an imported site's own setting makes it a
    /// warning (Zola's `[link_checker] internal_level = "warn"`).
    pub broken_links: Severity,
    /// Warnings from reading the configuration (keys of another generator passed over), reported with
    /// the build's.
    pub notes: Vec<Diagnostic>,
}

/// `[edge]`, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdgeOptions {
    /// The edge answers the demo APIs beyond the theme (`/api/kv/flags`).
    pub demo_apis: bool,
}

/// `[search]`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchConfig {
    pub enabled: bool,
    /// URL paths (starting and ending with `/`) whose pages, and the pages under them, are not indexed.
    pub exclude: Vec<String>,
}

impl SearchConfig {
    /// Whether the page at `path` (a path of the site, `/blog/post/`) is left out by `exclude`.
    pub fn excludes(&self, path: &str) -> bool {
        self.exclude.iter().any(|prefix| path.starts_with(prefix.as_str()))
    }
}

impl SiteConfig {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join(&self.content_folder)
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// `path` (a path of the site, starting with `/`) as an absolute URL.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// `path` (a path of the site, starting with `/`) as the link a page writes: under the base path.
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }
}

/// Values given on the command line that replace those of `site.toml` for one build (a preview deploy
/// at another address, drafts on for a review).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--base-url`: replaces `base_url`.
    pub base_url: Option<String>,
    /// `--drafts`: replaces `build_drafts`.
    pub build_drafts: Option<bool>,
    /// `--search`: replaces `[search] enabled` (a book imported from mdBook has no `site.toml` to
    /// turn it on in).
    pub search: Option<bool>,
}

/// Reads and validates `site.toml` under `root`.
pub fn load(root: &Path) -> Result<SiteConfig, BuildFailed> {
    load_with(root, &Overrides::default())
}

/// Reads and validates `site.toml` under `root`, with `overrides` applied.
pub fn load_with(root: &Path, overrides: &Overrides) -> Result<SiteConfig, BuildFailed> {
    match crate::import::detect(root) {
        SiteSource::MdBook => return crate::import::mdbook::load_config(root, overrides),
        SiteSource::Zola => {
            if let Some(file) = crate::import::zola::config_file(root) {
                return crate::import::zola::config::load(root, &file, overrides);
            }
        }
        SiteSource::Edgedocs => {}
    }
    let path = root.join(CONFIG_FILE);
    let text = read_text_bounded(&path, &path.display().to_string(), MAX_SOURCE_BYTES).map_err(|error| {
        let help = match error {
            SitePathError::NotFound { .. } => "run edgedocs from the site's root folder, or pass `--root <folder>`",
            _ => error.help(),
        };
        BuildFailed::single(Diagnostic::error(None, format!("could not read {error}")).with_help(help))
    })?;
    parse_with(root, &text, overrides)
}

/// The configuration of a site written for another generator, whose reader turned it into `table`
/// (`site.toml`'s keys) and `notes` (warnings about what it passed over).
pub(crate) fn resolve_imported(
    root: &Path,
    table: toml::Table,
    source: SiteSource,
    notes: Vec<Diagnostic>,
    overrides: &Overrides,
) -> Result<SiteConfig, BuildFailed> {
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(notes.iter().cloned());
    let raw: RawConfig = match toml::Value::Table(table).try_into() {
        Ok(raw) => raw,
        Err(error) => {
            diagnostics.push(Diagnostic::error(None, format!("the site's configuration: {error}")));
            return Err(diagnostics.into_result().expect_err("an error was pushed"));
        }
    };
    let resolved = resolve(root, raw, "", overrides, &mut diagnostics);
    diagnostics.into_result()?;
    let mut config = resolved.expect("resolve returns a config whenever it reports no error");
    config.source = source;
    config.notes = notes;
    Ok(config)
}

/// Validates the text of `site.toml` for a site at `root`.
pub fn parse(root: &Path, text: &str) -> Result<SiteConfig, BuildFailed> {
    parse_with(root, text, &Overrides::default())
}

/// [`parse`], with `overrides` applied.
pub fn parse_with(root: &Path, text: &str, overrides: &Overrides) -> Result<SiteConfig, BuildFailed> {
    let mut diagnostics = Diagnostics::new();
    let source = TomlSource {
        file: Path::new(CONFIG_FILE),
        text,
        start: LineColumn::START,
        what: CONFIG_FILE,
    };
    let raw = source.deserialize::<RawConfig>(&mut diagnostics);
    let Some(raw) = raw else {
        return Err(diagnostics
            .into_result()
            .expect_err("a failed parse always reports an error"));
    };
    let resolved = resolve(root, raw, text, overrides, &mut diagnostics);
    diagnostics.into_result()?;
    Ok(resolved.expect("resolve returns a config whenever it reports no error"))
}

fn resolve(
    root: &Path,
    mut raw: RawConfig,
    text: &str,
    overrides: &Overrides,
    diagnostics: &mut Diagnostics,
) -> Option<SiteConfig> {
    let errors_before = diagnostics.error_count();
    let key_location = |key: &str| key_location(text, key);
    if let Some(drafts) = overrides.build_drafts {
        raw.build_drafts = drafts;
    }
    if let Some(search) = overrides.search {
        raw.search.enabled = search;
    }

    let (written_base_url, base_url_location, base_url_name) = match &overrides.base_url {
        Some(base_url) => (base_url.as_str(), None, "--base-url"),
        None => (raw.base_url.as_str(), key_location("base_url"), "base_url"),
    };
    let (base_url, base_path) = match parse_base_url(written_base_url) {
        Some(parsed) => parsed,
        None => {
            diagnostics.push(
                Diagnostic::error(
                    base_url_location,
                    format!("`{base_url_name}` must be an absolute URL, not `{written_base_url}`"),
                )
                .with_help("write the address the site is served from, e.g. `https://docs.example.com` or `https://example.github.io/project`"),
            );
            (String::new(), String::new())
        }
    };
    if raw.title.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(key_location("title"), "`title` is empty")
                .with_help("give the site a name, e.g. `title = \"My docs\"`"),
        );
    }

    let site_root = match SiteRoot::new(root) {
        Ok(site_root) => site_root,
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                None,
                format!("could not open the site root `{}`: {error}", root.display()),
            ));
            return None;
        }
    };
    let theme_dir = root.join("themes").join(&raw.theme);
    if !is_folder_name(&raw.theme) {
        diagnostics.push(
            Diagnostic::error(
                key_location("theme"),
                format!(
                    "`theme` must be the name of a folder under `themes/`, not `{}`",
                    raw.theme
                ),
            )
            .with_help("write the folder's name alone, e.g. `theme = \"default\"`"),
        );
    } else if theme_dir.is_dir()
        && let Err(error) = site_root.contain(&theme_dir, &format!("themes/{}", raw.theme))
    {
        diagnostics.push(Diagnostic::error(key_location("theme"), error.to_string()).with_help(error.help()));
    } else if !theme_dir.is_dir() && raw.theme != crate::theme::BUILTIN_THEME {
        let available = available_themes(root);
        let mut diagnostic = Diagnostic::error(
            key_location("theme"),
            format!(
                "theme `{}` not found: there is no folder `themes/{}`",
                raw.theme, raw.theme
            ),
        );
        diagnostic = match closest_match(&raw.theme, available.iter().map(String::as_str)) {
            Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
            None if available.is_empty() => diagnostic.with_help(
                "remove `theme` to use the built-in theme, or create `themes/<name>/` with a `templates/` folder",
            ),
            None => diagnostic.with_help(format!("available themes: {}", available.join(", "))),
        };
        diagnostics.push(diagnostic);
    }

    let browsers = match lightningcss::targets::Browsers::from_browserslist(raw.browsers.iter().map(String::as_str)) {
        Ok(Some(browsers)) => browsers,
        Ok(None) => lightningcss::targets::Browsers::default(),
        Err(error) => {
            diagnostics.push(
                Diagnostic::error(key_location("browsers"), format!("`browsers` is not a valid browserslist query: {error}"))
                    .with_help("use queries such as `[\"defaults\"]` or `[\"chrome >= 111\", \"firefox >= 115\", \"safari >= 16.4\"]`"),
            );
            lightningcss::targets::Browsers::default()
        }
    };

    if raw.nav.section_window == 0 {
        diagnostics.push(
            Diagnostic::error(
                key_location("section_window"),
                "`nav.section_window` must be at least 1",
            )
            .with_help("it is how many pages of a big section the navigation lists; the default is 24"),
        );
    }

    let theme_inputs = theme_options::ResolveInputs {
        static_dir: &root.join("static"),
        base_path: &base_path,
    };
    let theme_options = theme_options::resolve(raw.theme_options, &theme_inputs, &ConfigText(text), diagnostics);
    let search = resolve_search(&raw.search, text, diagnostics);

    let extra = serde_json::to_value(&raw.extra).unwrap_or(serde_json::Value::Null);
    if diagnostics.error_count() > errors_before {
        return None;
    }
    Some(SiteConfig {
        root: root.to_path_buf(),
        site_root,
        title: raw.title,
        description: raw.description,
        base_url,
        base_path,
        language: raw.language,
        theme_name: raw.theme,
        theme_dir,
        browsers,
        build_drafts: raw.build_drafts,
        smart_punctuation: raw.markdown.smart_punctuation,
        heading_ids: raw.markdown.heading_ids,
        url_segments: UrlSegments::AsWritten,
        nav_section_window: raw.nav.section_window,
        theme_options,
        search,
        edge: EdgeOptions {
            demo_apis: raw.edge.demo_apis,
        },
        extra,
        content_folder: PathBuf::from("content"),
        book: None,
        source: SiteSource::Edgedocs,
        broken_links: Severity::Error,
        notes: Vec::new(),
    })
}

/// The text of `site.toml`, to find where a value is written.
struct ConfigText<'a>(&'a str);

impl theme_options::Locate for ConfigText<'_> {
    fn value(&self, key: &str, value: &str) -> Option<Location> {
        let text = self.0;
        let quoted = |quote: char| format!("{quote}{value}{quote}");
        match text.find(&quoted('"')).or_else(|| text.find(&quoted('\''))) {
            Some(offset) => Some(Location::at_offset(
                Path::new(CONFIG_FILE),
                text,
                offset,
                LineColumn::START,
            )),
            None => key_location(text, key),
        }
    }
}

/// `[search]`: every `exclude` entry must be a URL path of the site; a trailing `/` is added, so
/// `/blog` leaves out `/blog/` and what is under it but not `/blogroll/`.
fn resolve_search(raw: &RawSearch, text: &str, diagnostics: &mut Diagnostics) -> SearchConfig {
    let mut exclude = Vec::with_capacity(raw.exclude.len());
    for path in &raw.exclude {
        let is_site_path = path.starts_with('/')
            && !path.contains(['?', '#', '\\'])
            && !path.chars().any(|c| c.is_whitespace() || c.is_control());
        if !is_site_path {
            diagnostics.push(
                Diagnostic::error(
                    key_location(text, "exclude"),
                    format!("`search.exclude` lists `{}`, which is not a URL path of the site", path.escape_debug()),
                )
                .with_help("write paths as the site's URLs start, from `/` and without the base path, e.g. `exclude = [\"/blog/\"]`"),
            );
            continue;
        }
        let mut path = path.clone();
        if !path.ends_with('/') {
            path.push('/');
        }
        exclude.push(path);
    }
    SearchConfig {
        enabled: raw.enabled,
        exclude,
    }
}

/// Where `key = ...` is written in `text`, for diagnostics about its value.
fn key_location(text: &str, key: &str) -> Option<Location> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let column_offset = offset + (line.len() - trimmed.len());
            return Some(Location::at_offset(
                Path::new(CONFIG_FILE),
                text,
                column_offset,
                LineColumn::START,
            ));
        }
        offset += line.len();
    }
    None
}

/// `https://example.github.io/tally/` as (`https://example.github.io/tally`, `/tally`): an http(s) URL
/// with a host and no query, fragment or credentials.
fn parse_base_url(written: &str) -> Option<(String, String)> {
    let url = url::Url::parse(written.trim()).ok()?;
    let acceptable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|host| !host.is_empty())
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !acceptable {
        return None;
    }
    let path = url.path().trim_end_matches('/').to_owned();
    let base_url = url.as_str().trim_end_matches('/').to_owned();
    Some((base_url, path))
}

/// A single folder name: no separators, not `.` or `..`, not hidden.
fn is_folder_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && !name.chars().any(char::is_control)
}

fn available_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with_theme() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/default")).unwrap();
        dir
    }

    fn errors(root: &Path, text: &str) -> Vec<String> {
        parse(root, text)
            .unwrap_err()
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn minimal_config_resolves_with_defaults() {
        let dir = site_with_theme();
        let config = parse(dir.path(), "title = \"Docs\"\nbase_url = \"https://x.dev/\"\n").unwrap();
        assert_eq!(config.base_url, "https://x.dev");
        assert_eq!(config.language, "en");
        assert!(config.smart_punctuation);
        assert_eq!(config.permalink("/a/"), "https://x.dev/a/");
    }

    #[test]
    fn a_base_url_with_a_path_gives_the_base_path() {
        let dir = site_with_theme();
        for (written, base_url, base_path) in [
            ("https://x.dev", "https://x.dev", ""),
            ("https://x.dev/", "https://x.dev", ""),
            (
                "https://example.github.io/tally",
                "https://example.github.io/tally",
                "/tally",
            ),
            (
                "https://example.github.io/tally/",
                "https://example.github.io/tally",
                "/tally",
            ),
            ("http://127.0.0.1:1111/a/b/", "http://127.0.0.1:1111/a/b", "/a/b"),
            ("https://X.dev/Docs%20v2/", "https://x.dev/Docs%20v2", "/Docs%20v2"),
        ] {
            let config = parse(dir.path(), &format!("title = \"D\"\nbase_url = \"{written}\"\n")).unwrap();
            assert_eq!(
                (config.base_url.as_str(), config.base_path.as_str()),
                (base_url, base_path),
                "{written}"
            );
            assert_eq!(config.href("/kv/"), format!("{base_path}/kv/"));
            assert_eq!(config.permalink("/kv/"), format!("{base_url}/kv/"));
        }
        for written in [
            "docs.example.com",
            "ftp://x.dev",
            "https://x.dev/?a=1",
            "https://x.dev/#top",
            "https://u:p@x.dev",
            "mailto:a@x.dev",
        ] {
            let errors = errors(dir.path(), &format!("title = \"D\"\nbase_url = \"{written}\"\n"));
            assert_eq!(errors.len(), 1, "{written}: {errors:?}");
            assert!(
                errors[0].contains("must be an absolute URL"),
                "{written}: {}",
                errors[0]
            );
        }
    }

    #[test]
    fn command_line_overrides_replace_base_url_and_drafts() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n";
        let overrides = Overrides {
            base_url: Some("https://preview-42.x.dev/docs/".into()),
            build_drafts: Some(true),
            search: None,
        };
        let config = parse_with(dir.path(), text, &overrides).unwrap();
        assert_eq!(config.base_url, "https://preview-42.x.dev/docs");
        assert_eq!(config.base_path, "/docs");
        assert!(config.build_drafts);
        let overrides = Overrides {
            base_url: Some("preview".into()),
            build_drafts: None,
            search: None,
        };
        let errors: Vec<String> = parse_with(dir.path(), text, &overrides)
            .unwrap_err()
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "error: `--base-url` must be an absolute URL, not `preview`\n  help: write the address the site is served from, e.g. `https://docs.example.com` or `https://example.github.io/project`"
            ]
        );
    }

    #[test]
    fn the_search_override_turns_the_index_on_whatever_site_toml_says() {
        let dir = site_with_theme();
        let on = Overrides {
            search: Some(true),
            ..Overrides::default()
        };
        for (text, by_default) in [
            ("title = \"D\"\nbase_url = \"https://x.dev\"\n", true),
            (
                "title = \"D\"\nbase_url = \"https://x.dev\"\n[search]\nenabled = false\n",
                false,
            ),
        ] {
            assert!(parse_with(dir.path(), text, &on).unwrap().search.enabled, "{text}");
            let enabled = parse_with(dir.path(), text, &Overrides::default())
                .unwrap()
                .search
                .enabled;
            assert_eq!(enabled, by_default, "{text}");
        }
    }

    #[test]
    fn every_unknown_key_is_reported_with_the_closest_valid_one() {
        let dir = site_with_theme();
        let text =
            "titel = \"Docs\"\nbase_url = \"https://x.dev\"\nlanguag = \"en\"\n[markdown]\nsmart_punctuaton = false\n";
        assert_eq!(
            errors(dir.path(), text),
            vec![
                "error: site.toml:1:1: unknown key `titel` in site.toml\n  help: did you mean `title`?",
                "error: site.toml:3:1: unknown key `languag` in site.toml\n  help: did you mean `language`?",
                "error: site.toml:5:1: unknown key `smart_punctuaton` in site.toml\n  help: did you mean `smart_punctuation`?",
            ]
        );
    }

    #[test]
    fn an_unknown_table_is_reported_once() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[markdwn]\nsmart_punctuation = false\nother = 1\n";
        assert_eq!(
            errors(dir.path(), text),
            vec!["error: site.toml:3:2: unknown key `markdwn` in site.toml\n  help: did you mean `markdown`?"]
        );
    }

    #[test]
    fn invalid_values_are_all_reported() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"docs.example.com\"\ntheme = \"defualt\"\n";
        assert_eq!(
            errors(dir.path(), text),
            vec![
                "error: site.toml:2:1: `base_url` must be an absolute URL, not `docs.example.com`\n  help: write the address the site is served from, e.g. `https://docs.example.com` or `https://example.github.io/project`",
                "error: site.toml:3:1: theme `defualt` not found: there is no folder `themes/defualt`\n  help: did you mean `default`?",
            ]
        );
    }

    #[test]
    fn search_is_on_by_default_and_excludes_whole_sections() {
        let dir = site_with_theme();
        let config = parse(dir.path(), "title = \"D\"\nbase_url = \"https://x.dev\"\n").unwrap();
        assert!(config.search.enabled && config.search.exclude.is_empty());
        let off = "title = \"D\"\nbase_url = \"https://x.dev\"\n[search]\nenabled = false\n";
        assert!(!parse(dir.path(), off).unwrap().search.enabled);
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[search]\nexclude = [\"/blog\", \"/drafts/\"]\n";
        let search = parse(dir.path(), text).unwrap().search;
        assert!(search.enabled);
        assert_eq!(search.exclude, ["/blog/", "/drafts/"]);
        assert!(search.excludes("/blog/") && search.excludes("/blog/post/"));
        assert!(!search.excludes("/blogroll/") && !search.excludes("/"));
    }

    #[test]
    fn search_excludes_must_be_site_paths_and_keys_are_checked() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[search]\nenabeld = false\n";
        assert_eq!(
            errors(dir.path(), text),
            vec!["error: site.toml:4:1: unknown key `enabeld` in site.toml\n  help: did you mean `enabled`?"]
        );
        let text =
            "title = \"D\"\nbase_url = \"https://x.dev\"\n[search]\nexclude = [\"blog/\", \"/ok/\", \"/a b/\"]\n";
        let help = "help: write paths as the site's URLs start, from `/` and without the base path, e.g. `exclude = [\"/blog/\"]`";
        assert_eq!(
            errors(dir.path(), text),
            vec![
                format!(
                    "error: site.toml:4:1: `search.exclude` lists `/a b/`, which is not a URL path of the site\n  {help}"
                ),
                format!(
                    "error: site.toml:4:1: `search.exclude` lists `blog/`, which is not a URL path of the site\n  {help}"
                ),
            ]
        );
    }

    #[test]
    fn a_theme_must_be_a_folder_inside_the_site() {
        let dir = site_with_theme();
        for theme in ["../..", "/etc", "a/b", ".hidden", ""] {
            let errors = errors(
                dir.path(),
                &format!("title = \"D\"\nbase_url = \"https://x.dev\"\ntheme = \"{theme}\"\n"),
            );
            assert_eq!(
                errors,
                [format!(
                    "error: site.toml:3:1: `theme` must be the name of a folder under `themes/`, not `{theme}`\n  help: write the folder's name alone, e.g. `theme = \"default\"`"
                )],
                "{theme}"
            );
        }
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(outside.path().join("templates")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("themes/linked")).unwrap();
        let errors = errors(
            dir.path(),
            "title = \"D\"\nbase_url = \"https://x.dev\"\ntheme = \"linked\"\n",
        );
        assert_eq!(
            errors,
            [
                "error: site.toml:3:1: `themes/linked` is a symlink to a place outside the site root\n  help: the build follows symlinks only within the site root; replace the link with the files themselves"
            ]
        );
    }

    #[test]
    fn a_type_error_names_the_line() {
        let dir = site_with_theme();
        let errors = errors(dir.path(), "title = 3\nbase_url = \"https://x.dev\"\n");
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("error: site.toml:1:9: site.toml: invalid type: integer `3`, expected a string"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn a_missing_required_key_says_how_to_fix_it() {
        let dir = site_with_theme();
        let errors = errors(dir.path(), "base_url = \"https://x.dev\"\n");
        assert!(errors[0].contains("missing field `title`"), "{}", errors[0]);
        assert!(
            errors[0].contains("help: add the missing key to the site.toml"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn theme_options_resolve_for_templates() {
        let dir = site_with_theme();
        std::fs::create_dir_all(dir.path().join("static/img")).unwrap();
        std::fs::write(dir.path().join("static/img/logo.svg"), "<svg/>").unwrap();
        let text = "title = \"D\"\nbase_url = \"https://x.dev/docs/\"\n[theme_options]\nlogo = \"img/logo.svg\"\naccent = \"oklch(55% 0.2 260)\"\nfooter = \"© Team\"\nedit_url = \"https://github.com/o/r/edit/main/content/{path}\"\nlast_updated = false\n[[theme_options.links]]\nlabel = \"GitHub\"\nurl = \"https://github.com/o/r\"\n[[theme_options.links]]\nlabel = \"Changelog\"\nurl = \"/changelog/\"\n";
        let options = parse(dir.path(), text).unwrap().theme_options;
        assert_eq!(options.logo.as_deref(), Some("/docs/img/logo.svg"));
        assert_eq!(options.accent.as_deref(), Some("oklch(55% 0.2 260)"));
        assert_eq!(options.footer.as_deref(), Some("© Team"));
        assert!(!options.last_updated);
        let links: Vec<(&str, &str, bool)> = options
            .links
            .iter()
            .map(|link| (link.label.as_str(), link.url.as_str(), link.external))
            .collect();
        assert_eq!(
            links,
            [
                ("GitHub", "https://github.com/o/r", true),
                ("Changelog", "/docs/changelog/", false)
            ]
        );
        let defaults = parse(dir.path(), "title = \"D\"\nbase_url = \"https://x.dev\"\n").unwrap();
        assert!(defaults.theme_options.last_updated);
        assert!(defaults.theme_options.links.is_empty());
    }

    #[test]
    fn unknown_theme_option_keys_get_a_suggestion() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[theme_options]\naccnt = \"#fff\"\ncsp = { imgs = [\"https:\"] }\n[[theme_options.links]]\nlabel = \"A\"\nurl = \"https://a.dev\"\nhref = \"x\"\n";
        assert_eq!(
            errors(dir.path(), text),
            vec![
                "error: site.toml:4:1: unknown key `accnt` in site.toml\n  help: did you mean `accent`?",
                "error: site.toml:5:9: unknown key `imgs` in site.toml\n  help: did you mean `img`?",
                "error: site.toml:9:1: unknown key `href` in site.toml\n  help: valid keys here: label, url",
            ]
        );
    }

    #[test]
    fn invalid_theme_options_are_all_reported_where_they_are_written() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[theme_options]\nlogo = \"missing.svg\"\naccent = \"red; } body { display: none\"\nedit_url = \"https://github.com/o/r/edit/main/content/\"\ncsp = { img = [\"https://img.shields.io\", \"'unsafe-inline'\"], script = [\"x.dev; script-src *\"] }\n[[theme_options.links]]\nlabel = \"Run\"\nurl = \"javascript:alert(1)\"\n";
        let errors = errors(dir.path(), text);
        let firsts: Vec<&str> = errors.iter().map(|error| error.lines().next().unwrap()).collect();
        assert_eq!(
            firsts,
            [
                "error: site.toml:4:8: `theme_options.logo` must be a file under `static/` or an https URL, not `missing.svg`",
                "error: site.toml:5:10: `theme_options.accent` is not a CSS colour: `red; } body { display: none`",
                "error: site.toml:6:12: `theme_options.edit_url` must be an https URL with `{path}` in it, not `https://github.com/o/r/edit/main/content/`",
                "error: site.toml:7:42: `theme_options.csp.img` has an invalid source: `'unsafe-inline'`",
                "error: site.toml:7:72: `theme_options.csp.script` has an invalid source: `x.dev; script-src *`",
                "error: site.toml:10:7: the url of the `[[theme_options.links]]` `Run` is not a link: `javascript:alert(1)`",
            ]
        );
        assert!(errors.iter().all(|error| error.contains("\n  help: ")), "{errors:?}");
    }

    #[test]
    fn the_demo_apis_are_off_unless_the_site_turns_them_on() {
        let dir = site_with_theme();
        let config = parse(dir.path(), "title = \"D\"\nbase_url = \"https://x.dev\"\n").unwrap();
        assert!(!config.edge.demo_apis);
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[edge]\ndemo_apis = true\n";
        assert!(parse(dir.path(), text).unwrap().edge.demo_apis);
    }

    #[test]
    fn edge_keys_are_checked() {
        let dir = site_with_theme();
        let text = "title = \"D\"\nbase_url = \"https://x.dev\"\n[edge]\ndemo_api = true\n";
        assert_eq!(
            errors(dir.path(), text),
            vec!["error: site.toml:4:1: unknown key `demo_api` in site.toml\n  help: did you mean `demo_apis`?"]
        );
    }
}
