//! `site.toml` through `config::parse` and `theme.toml` through `theme::load`, against a site root with
//! a `default` theme. Both go through `toml_input`, which finds every unknown key by blanking entries
//! out and parsing again.
//!
//! Properties: no panic; the result is deterministic; every diagnostic with a location points at a
//! line and column of the file and says how to fix it; a resolved config is valid (absolute
//! `base_url` without a trailing slash, a theme folder that exists, `section_window` at least 1).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Result, Unstructured};
use edgedocs::config;
use edgedocs::diagnostics::Diagnostic;
use edgedocs::import::SiteSource;
use edgedocs::theme;

use super::markdown::TomlValue;
use super::{assert_position_in, input};
use crate::pieces::{LineText, Many, Word, choose};

thread_local! {
    /// A site root per thread: `themes/default/templates/`, and `themes/fuzz/` whose `theme.toml`
    /// each input rewrites.
    static SITE_ROOT: PathBuf = {
        let root = tempfile::Builder::new()
            .prefix("edgedocs-fuzz-config")
            .tempdir()
            .expect("a temporary folder")
            .keep();
        std::fs::create_dir_all(root.join("themes/default/templates")).expect("themes/default");
        std::fs::create_dir_all(root.join("themes/fuzz/templates")).expect("themes/fuzz");
        root
    };
}

#[derive(Debug, Arbitrary)]
struct ConfigInput {
    site: Many<SiteEntry>,
    theme: ThemeManifest,
    crlf: bool,
}

#[derive(Debug, Arbitrary)]
enum SiteEntry {
    Title(StringValue),
    BaseUrl(UrlValue),
    Description(StringValue),
    Language(StringValue),
    Theme(ThemeName),
    Browsers(Many<BrowserQuery>),
    BuildDrafts(TomlValue),
    Markdown(Option<TomlValue>),
    Nav(Option<TomlValue>),
    Extra(Many<(Word, TomlValue)>),
    Typo(Word, TomlValue),
    UnknownTable(Word),
    Raw(LineText),
}

#[derive(Debug, Arbitrary)]
enum StringValue {
    Text(LineText),
    Empty,
    Other(TomlValue),
    Multiline(LineText),
    Literal(LineText),
}

impl StringValue {
    fn write(&self, out: &mut String) {
        match self {
            Self::Text(text) => {
                let _ = write!(out, "{:?}", text.0);
            }
            Self::Empty => out.push_str("\"\""),
            Self::Other(value) => value.write(out),
            Self::Multiline(text) => {
                let _ = write!(out, "\"\"\"\n{}\n\"\"\"", text.0.replace('"', ""));
            }
            Self::Literal(text) => {
                let _ = write!(out, "'{}'", text.0.replace('\'', ""));
            }
        }
    }
}

#[derive(Debug)]
struct UrlValue(String);

impl<'a> Arbitrary<'a> for UrlValue {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const URLS: &[&str] = &[
            "https://docs.example.com",
            "https://docs.example.com/",
            "http://localhost:1111///",
            "docs.example.com",
            "https://",
            "https://a b",
            "ftp://x",
            "",
            "/",
            "https://例え.jp/docs/",
        ];
        Ok(Self(if u.ratio(7, 8)? {
            choose(u, URLS)?.to_owned()
        } else {
            LineText::arbitrary(u)?.0
        }))
    }
}

#[derive(Debug)]
struct ThemeName(String);

impl<'a> Arbitrary<'a> for ThemeName {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const NAMES: &[&str] = &[
            "default",
            "fuzz",
            "defualt",
            "missing",
            "",
            ".",
            "..",
            "../themes/default",
            "a/b",
        ];
        Ok(Self(choose(u, NAMES)?.to_owned()))
    }
}

#[derive(Debug)]
struct BrowserQuery(String);

impl<'a> Arbitrary<'a> for BrowserQuery {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const QUERIES: &[&str] = &[
            "defaults",
            "> 0.5%",
            "last 2 versions",
            "not dead",
            "chrome >= 111",
            "firefox >= 115",
            "safari >= 16.4",
            "safari 16.4",
            "ie 11",
            "node 18",
            "unreleased versions",
            "cover 99.5%",
            "since 2020",
            "maintained node versions",
            "firefox esr",
            "extends x",
            "chrome 999999",
            "last 0 versions",
            ">",
            "and",
            "not",
            "",
            "supports es6-module",
            "fully supports css-grid",
            "> 5% in US",
            "last 1 chrome version",
            "opera mini all",
            "baseline widely available",
        ];
        let query = if u.ratio(7, 8)? {
            choose(u, QUERIES)?.to_owned()
        } else {
            LineText::arbitrary(u)?.0
        };
        Ok(Self(query))
    }
}

#[derive(Debug, Arbitrary)]
enum ThemeManifest {
    Missing,
    Entries(Many<ColorThemeEntry>),
    Raw(LineText),
}

#[derive(Debug, Arbitrary)]
struct ColorThemeEntry {
    name: Option<ColorThemeName>,
    label: Option<StringValue>,
    appearance: Option<Appearance>,
    extra: Option<(Word, TomlValue)>,
    array_table: bool,
}

#[derive(Debug)]
struct ColorThemeName(String);

impl<'a> Arbitrary<'a> for ColorThemeName {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const NAMES: &[&str] = &[
            "light",
            "dark",
            "sepia",
            "high-contrast",
            "Dark Mode",
            "",
            "a",
            "dark",
            "x\"y",
            "ünicode",
            "-",
        ];
        Ok(Self(choose(u, NAMES)?.to_owned()))
    }
}

#[derive(Debug, Arbitrary)]
enum Appearance {
    Light,
    Dark,
    Other(Word),
}

fn write_string_key(out: &mut String, key: &str, value: &StringValue) {
    let _ = write!(out, "{key} = ");
    value.write(out);
    out.push('\n');
}

impl ConfigInput {
    fn site_toml(&self) -> String {
        let mut out = String::new();
        for entry in &self.site {
            match entry {
                SiteEntry::Title(value) => write_string_key(&mut out, "title", value),
                SiteEntry::BaseUrl(url) => {
                    let _ = writeln!(out, "base_url = {:?}", url.0);
                }
                SiteEntry::Description(value) => write_string_key(&mut out, "description", value),
                SiteEntry::Language(value) => write_string_key(&mut out, "language", value),
                SiteEntry::Theme(name) => {
                    let _ = writeln!(out, "theme = {:?}", name.0);
                }
                SiteEntry::Browsers(queries) => {
                    let queries: Vec<&str> = queries.iter().map(|query| query.0.as_str()).collect();
                    let _ = writeln!(out, "browsers = {queries:?}");
                }
                SiteEntry::BuildDrafts(value) => {
                    out.push_str("build_drafts = ");
                    value.write(&mut out);
                    out.push('\n');
                }
                SiteEntry::Markdown(value) => {
                    out.push_str("[markdown]\n");
                    if let Some(value) = value {
                        out.push_str("smart_punctuation = ");
                        value.write(&mut out);
                        out.push('\n');
                    }
                }
                SiteEntry::Nav(value) => {
                    out.push_str("[nav]\n");
                    if let Some(value) = value {
                        out.push_str("section_window = ");
                        value.write(&mut out);
                        out.push('\n');
                    }
                }
                SiteEntry::Extra(entries) => {
                    out.push_str("[extra]\n");
                    for (key, value) in entries {
                        let _ = write!(out, "{:?} = ", key.0);
                        value.write(&mut out);
                        out.push('\n');
                    }
                }
                SiteEntry::Typo(key, value) => {
                    let _ = write!(out, "{:?} = ", key.0);
                    value.write(&mut out);
                    out.push('\n');
                }
                SiteEntry::UnknownTable(name) => {
                    let _ = writeln!(out, "[{:?}]\nkey = 1", name.0);
                }
                SiteEntry::Raw(text) => {
                    out.push_str(&text.0);
                    out.push('\n');
                }
            }
        }
        if self.crlf { out.replace('\n', "\r\n") } else { out }
    }

    fn theme_toml(&self) -> Option<String> {
        let entries = match &self.theme {
            ThemeManifest::Missing => return None,
            ThemeManifest::Raw(text) => return Some(text.0.clone()),
            ThemeManifest::Entries(entries) => entries,
        };
        let mut out = String::new();
        for entry in entries {
            out.push_str(if entry.array_table {
                "[[color_themes]]\n"
            } else {
                "[color_themes]\n"
            });
            if let Some(name) = &entry.name {
                let _ = writeln!(out, "name = {:?}", name.0);
            }
            if let Some(label) = &entry.label {
                write_string_key(&mut out, "label", label);
            }
            match &entry.appearance {
                Some(Appearance::Light) => out.push_str("appearance = \"light\"\n"),
                Some(Appearance::Dark) => out.push_str("appearance = \"dark\"\n"),
                Some(Appearance::Other(word)) => {
                    let _ = writeln!(out, "appearance = {:?}", word.0);
                }
                None => {}
            }
            if let Some((key, value)) = &entry.extra {
                let _ = write!(out, "{:?} = ", key.0);
                value.write(&mut out);
                out.push('\n');
            }
        }
        Some(out)
    }
}

pub fn show(bytes: &[u8]) -> String {
    match input::<ConfigInput>(bytes) {
        Some(input) => format!(
            "site.toml:\n{}\ntheme.toml:\n{}",
            input.site_toml(),
            input.theme_toml().unwrap_or_else(|| "(none)".to_owned())
        ),
        None => "(no input)".to_owned(),
    }
}

pub fn run(bytes: &[u8]) {
    let Some(input) = input::<ConfigInput>(bytes) else {
        return;
    };
    SITE_ROOT.with(|root| {
        check_site_toml(root, &input.site_toml());
        if let Some(manifest) = input.theme_toml() {
            check_theme_toml(root, &manifest);
        }
    });
}

fn check_diagnostics(diagnostics: &[Diagnostic], file: &Path, text: &str) {
    for diagnostic in diagnostics {
        assert!(
            diagnostic.help.is_some(),
            "an error without a way to fix it: {diagnostic}"
        );
        if let Some(location) = &diagnostic.location {
            assert_eq!(location.file, file, "a diagnostic names another file: {diagnostic}");
            assert_position_in(text, location.line, location.column, &format!("`{diagnostic}`"));
        }
    }
}

/// Parses a `site.toml` text twice and checks the result.
pub fn check_site_toml(root: &Path, text: &str) {
    let first = config::parse(root, text);
    let second = config::parse(root, text);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "two parses differ"),
        (Err(a), Err(b)) => assert_eq!(a.diagnostics, b.diagnostics, "two parses differ"),
        _ => panic!("one parse succeeded and the other failed"),
    }
    match first {
        Ok(config) => {
            assert!(
                config.base_url.starts_with("http://") || config.base_url.starts_with("https://"),
                "resolved base_url `{}` is not absolute",
                config.base_url
            );
            assert!(!config.base_url.ends_with('/'), "resolved base_url ends with a slash");
            assert!(config.theme_dir.is_dir(), "the resolved theme folder does not exist");
            assert!(config.nav_section_window >= 1);
        }
        Err(failed) => {
            assert!(!failed.diagnostics.is_empty(), "a failed parse without a diagnostic");
            assert!(failed.diagnostics.iter().any(Diagnostic::is_error));
            check_diagnostics(&failed.diagnostics, Path::new(config::CONFIG_FILE), text);
        }
    }
}

/// Loads a theme whose `theme.toml` is `text` and checks the result.
pub fn check_theme_toml(root: &Path, text: &str) {
    let dir = root.join("themes/fuzz");
    std::fs::write(dir.join("theme.toml"), text).expect("theme.toml is written");
    let first = theme::load(root, "fuzz", &dir, SiteSource::Edgedocs);
    let second = theme::load(root, "fuzz", &dir, SiteSource::Edgedocs);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a.color_themes, b.color_themes, "two loads differ"),
        (Err(a), Err(b)) => assert_eq!(a.diagnostics, b.diagnostics, "two loads differ"),
        _ => panic!("one load succeeded and the other failed"),
    }
    match first {
        Ok(theme) => {
            assert!(!theme.color_themes.is_empty(), "a theme without colour themes loaded");
            for color_theme in &theme.color_themes {
                assert!(
                    color_theme
                        .name
                        .bytes()
                        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-'),
                    "colour theme name `{}` is not a valid class suffix",
                    color_theme.name
                );
            }
        }
        Err(failed) => check_diagnostics(&failed.diagnostics, Path::new("themes/fuzz/theme.toml"), text),
    }
}

/// `--text`: the file is checked both as a `site.toml` and as a `theme.toml`.
pub fn check_text(text: &str) {
    SITE_ROOT.with(|root| {
        check_site_toml(root, text);
        check_theme_toml(root, text);
    });
}
