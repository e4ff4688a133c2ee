//! The theme: its manifest (`theme.toml`, the single source of truth for colour themes), and its files:
//! the built-in theme (embedded in the binary) or a folder `themes/<name>/`, with the site's own
//! `templates/`, `assets/` and `static/` files over it ([`files`]). Loading the templates themselves
//! belongs to [`crate::render::templates`].

pub mod eject;
pub mod files;

pub use files::{FileKind, Layer, Listing, ThemeFile, ThemeFiles};

use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics, LineColumn, Location};
use crate::import::SiteSource;
use crate::site_root::{MAX_SOURCE_BYTES, read_text_bounded};
use crate::toml_input::{TomlSchema, TomlSource};
use include_dir::Dir;
use serde::{Deserialize, Serialize};
use serde_aux::serde_introspection::serde_introspect;
use std::path::{Path, PathBuf};

/// The name of the theme built into the binary: what a site without a `themes/` folder gets.
pub const BUILTIN_THEME: &str = "default";

/// The built-in theme's files: this repository's `themes/default/`.
pub static BUILTIN_THEME_FILES: Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/../themes/default");

/// `theme.toml` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RawManifest {
    /// The colour themes the picker offers and the edge accepts.
    color_themes: Vec<ColorTheme>,
}

impl TomlSchema for RawManifest {
    fn keys_at(path: &[&str]) -> &'static [&'static str] {
        match path {
            ["color_themes"] => serde_introspect::<ColorTheme>(),
            _ => serde_introspect::<RawManifest>(),
        }
    }
}

/// Whether a colour theme is light or dark, which picks its code and diagram palette.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Appearance {
    Light,
    Dark,
}

/// One colour theme: `<html class="theme-{name}">`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColorTheme {
    pub name: String,
    pub label: String,
    pub appearance: Appearance,
}

/// A loaded theme.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    /// `themes/<name>/` under the site root, whether or not it exists (the built-in theme has none).
    pub dir: PathBuf,
    pub color_themes: Vec<ColorTheme>,
    /// Its files, with the site's own over them.
    pub files: ThemeFiles,
}

/// Loads the theme `name` of the site at `root`: the folder `dir` (`themes/<name>/`) when it exists,
/// else the built-in theme when `name` is [`BUILTIN_THEME`]. Its `theme.toml` is optional (a theme
/// without one has `light` and `dark`). The site's own `templates/`, `assets/` and `static/` files lie
/// over the theme's.
pub fn load(root: &Path, name: &str, dir: &Path, source: SiteSource) -> Result<Theme, BuildFailed> {
    let (theme_layer, manifest) = if dir.is_dir() {
        let manifest_path = dir.join("theme.toml");
        let relative = manifest_path.strip_prefix(root).unwrap_or(&manifest_path).to_path_buf();
        let text = if manifest_path.is_file() {
            let written = relative.display().to_string();
            Some(
                read_text_bounded(&manifest_path, &written, MAX_SOURCE_BYTES).map_err(|error| {
                    BuildFailed::single(
                        Diagnostic::error(None, format!("could not read {error}")).with_help(error.help()),
                    )
                })?,
            )
        } else {
            None
        };
        (Layer::Folder(dir.to_path_buf()), text.map(|text| (relative, text)))
    } else {
        let label = format!("(built-in theme {BUILTIN_THEME})");
        let text = BUILTIN_THEME_FILES
            .get_file("theme.toml")
            .and_then(|file| file.contents_utf8())
            .map(|text| (PathBuf::from(format!("{label}/theme.toml")), text.to_owned()));
        (
            Layer::Builtin {
                label,
                dir: &BUILTIN_THEME_FILES,
            },
            text,
        )
    };
    let mut diagnostics = Diagnostics::new();
    let color_themes = match &manifest {
        Some((relative, text)) => {
            let source = TomlSource {
                file: relative,
                text,
                start: LineColumn::START,
                what: "theme.toml",
            };
            let color_themes = match source.deserialize::<RawManifest>(&mut diagnostics) {
                Some(raw) => raw.color_themes,
                None => Vec::new(),
            };
            if !diagnostics.has_errors() {
                validate_color_themes(&color_themes, relative, &mut diagnostics);
            }
            color_themes
        }
        None => default_color_themes(),
    };
    diagnostics.into_result()?;
    Ok(Theme {
        name: name.to_owned(),
        dir: dir.to_path_buf(),
        color_themes,
        files: ThemeFiles::new(vec![
            theme_layer,
            match source {
                SiteSource::Edgedocs => Layer::Folder(root.to_path_buf()),
                // Its own templates expect the other generator's context; its shortcodes are plain.
                SiteSource::Zola | SiteSource::MdBook => Layer::ShortcodesAndStatic(root.to_path_buf()),
            },
        ]),
    })
}

fn default_color_themes() -> Vec<ColorTheme> {
    vec![
        ColorTheme {
            name: "light".into(),
            label: "Light".into(),
            appearance: Appearance::Light,
        },
        ColorTheme {
            name: "dark".into(),
            label: "Dark".into(),
            appearance: Appearance::Dark,
        },
    ]
}

fn validate_color_themes(themes: &[ColorTheme], file: &Path, diagnostics: &mut Diagnostics) {
    let location = || Some(Location::new(file, 1, 1));
    if themes.is_empty() {
        diagnostics.push(
            Diagnostic::error(location(), "theme.toml lists no colour themes")
                .with_help("add at least one `[[color_themes]]` with `name`, `label` and `appearance`"),
        );
    }
    let mut seen = std::collections::HashSet::new();
    for theme in themes {
        let valid_name = !theme.name.is_empty()
            && theme.name.len() <= 32
            && theme
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid_name {
            diagnostics.push(
                Diagnostic::error(
                    location(),
                    format!("colour theme name `{}` is not a valid class suffix", theme.name),
                )
                .with_help("use 1-32 lowercase letters, digits or `-`, e.g. `high-contrast`"),
            );
        }
        if !seen.insert(theme.name.as_str()) {
            diagnostics.push(
                Diagnostic::error(location(), format!("colour theme `{}` is listed twice", theme.name))
                    .with_help("give each `[[color_themes]]` entry its own name"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lists_colour_themes_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let theme_dir = dir.path().join("themes/t");
        std::fs::create_dir_all(theme_dir.join("templates")).unwrap();
        std::fs::write(
            theme_dir.join("theme.toml"),
            "[[color_themes]]\nname = \"dark\"\nlabel = \"Dark\"\nappearance = \"dark\"\n[[color_themes]]\nname = \"sepia\"\nlabel = \"Sepia\"\nappearance = \"light\"\n",
        )
        .unwrap();
        let theme = load(dir.path(), "t", &theme_dir, SiteSource::Edgedocs).unwrap();
        let names: Vec<&str> = theme.color_themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["dark", "sepia"]);
    }

    #[test]
    fn unknown_keys_in_colour_themes_point_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let theme_dir = dir.path().join("themes/t");
        std::fs::create_dir_all(theme_dir.join("templates")).unwrap();
        std::fs::write(
            theme_dir.join("theme.toml"),
            "[[color_themes]]\nname = \"dark\"\nlabel = \"Dark\"\nappearance = \"dark\"\n[[color_themes]]\nname = \"sepia\"\nlabl = \"Sepia\"\nappearance = \"light\"\ncolour = 1\n",
        )
        .unwrap();
        let failed = load(dir.path(), "t", &theme_dir, SiteSource::Edgedocs).unwrap_err();
        let messages: Vec<String> = failed.diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "error: themes/t/theme.toml:7:1: unknown key `labl` in theme.toml\n  help: did you mean `label`?",
                "error: themes/t/theme.toml:9:1: unknown key `colour` in theme.toml\n  help: valid keys here: name, label, appearance",
            ]
        );
    }

    #[test]
    fn invalid_and_duplicate_names_are_errors() {
        let themes = vec![
            ColorTheme {
                name: "Dark Mode".into(),
                label: "x".into(),
                appearance: Appearance::Dark,
            },
            ColorTheme {
                name: "a".into(),
                label: "x".into(),
                appearance: Appearance::Dark,
            },
            ColorTheme {
                name: "a".into(),
                label: "y".into(),
                appearance: Appearance::Light,
            },
        ];
        let mut diagnostics = Diagnostics::new();
        validate_color_themes(&themes, Path::new("themes/t/theme.toml"), &mut diagnostics);
        assert_eq!(diagnostics.error_count(), 2);
    }
}
