//! The theme: its manifest (`theme.toml`, the single source of truth for colour themes), and where its
//! templates, assets and static files live. Loading the templates themselves belongs to
//! [`crate::render::templates`].

use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics, LineColumn, Location};
use crate::site_root::{MAX_SOURCE_BYTES, read_text_bounded};
use crate::toml_input::{TomlSchema, TomlSource};
use serde::{Deserialize, Serialize};
use serde_aux::serde_introspection::serde_introspect;
use std::path::{Path, PathBuf};

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
    pub dir: PathBuf,
    pub color_themes: Vec<ColorTheme>,
}

impl Theme {
    pub fn templates_dir(&self) -> PathBuf {
        self.dir.join("templates")
    }

    pub fn assets_dir(&self) -> PathBuf {
        self.dir.join("assets")
    }

    pub fn static_dir(&self) -> PathBuf {
        self.dir.join("static")
    }

    /// The theme's files relative to the site root, for diagnostics.
    pub fn relative(&self, root: &Path, path: &Path) -> PathBuf {
        path.strip_prefix(root).unwrap_or(path).to_path_buf()
    }
}

/// Loads `themes/<name>/theme.toml` (optional: a theme without one has `light` and `dark`).
pub fn load(root: &Path, name: &str, dir: &Path) -> Result<Theme, BuildFailed> {
    let manifest_path = dir.join("theme.toml");
    let relative = manifest_path.strip_prefix(root).unwrap_or(&manifest_path).to_path_buf();
    let mut diagnostics = Diagnostics::new();
    let color_themes = if manifest_path.is_file() {
        let written = relative.display().to_string();
        let text = read_text_bounded(&manifest_path, &written, MAX_SOURCE_BYTES).map_err(|error| {
            BuildFailed::single(Diagnostic::error(None, format!("could not read {error}")).with_help(error.help()))
        })?;
        let source = TomlSource {
            file: &relative,
            text: &text,
            start: LineColumn::START,
            what: "theme.toml",
        };
        match source.deserialize::<RawManifest>(&mut diagnostics) {
            Some(raw) => raw.color_themes,
            None => Vec::new(),
        }
    } else {
        default_color_themes()
    };
    if !diagnostics.has_errors() {
        validate_color_themes(&color_themes, &relative, &mut diagnostics);
    }
    if !dir.join("templates").is_dir() {
        diagnostics.push(
            Diagnostic::error(None, format!("theme `{name}` has no `templates` folder")).with_help(format!(
                "create `themes/{name}/templates/` with at least `page.html` and `section.html`"
            )),
        );
    }
    diagnostics.into_result()?;
    Ok(Theme {
        name: name.to_owned(),
        dir: dir.to_path_buf(),
        color_themes,
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
        let theme = load(dir.path(), "t", &theme_dir).unwrap();
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
        let failed = load(dir.path(), "t", &theme_dir).unwrap_err();
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
