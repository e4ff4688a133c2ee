//! Generates the colour-theme allow-list from the site's theme manifest, so the Worker and the generator
//! share one source of truth: `../site.toml` names the theme, `../themes/<theme>/theme.toml` lists
//! `[[color_themes]]`, and the names land in `$OUT_DIR/site_color_themes.rs`.

use std::{env, fs, path::PathBuf};

#[derive(serde::Deserialize)]
struct SiteManifest {
    #[serde(default = "default_theme")]
    theme: String,
}

fn default_theme() -> String {
    "default".to_owned()
}

#[derive(serde::Deserialize)]
struct ThemeManifest {
    #[serde(default)]
    color_themes: Vec<ColorTheme>,
}

#[derive(serde::Deserialize)]
struct ColorTheme {
    name: String,
}

fn read(path: &PathBuf) -> String {
    println!("cargo:rerun-if-changed={}", path.display());
    fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let site_root = manifest_dir.join("..");

    let site_path = site_root.join("site.toml");
    let site: SiteManifest =
        toml::from_str(&read(&site_path)).unwrap_or_else(|error| panic!("{}: {error}", site_path.display()));

    let theme_path = site_root.join("themes").join(&site.theme).join("theme.toml");
    let theme: ThemeManifest =
        toml::from_str(&read(&theme_path)).unwrap_or_else(|error| panic!("{}: {error}", theme_path.display()));

    for color_theme in &theme.color_themes {
        let valid = !color_theme.name.is_empty()
            && color_theme.name.len() <= 32
            && color_theme
                .name
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
        assert!(
            valid,
            "{}: colour theme name {:?} must be 1-32 characters of a-z, 0-9 and '-' (it becomes a CSS class)",
            theme_path.display(),
            color_theme.name
        );
    }

    let names: Vec<String> = theme
        .color_themes
        .iter()
        .map(|theme| format!("{:?}", theme.name))
        .collect();
    let generated = format!(
        "/// The colour themes of the site's theme (`{}`), in manifest order.\npub const SITE_COLOR_THEMES: &[&str] = &[{}];\n",
        site.theme,
        names.join(", ")
    );
    let out_path = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("site_color_themes.rs");
    fs::write(&out_path, generated).unwrap_or_else(|error| panic!("cannot write {}: {error}", out_path.display()));
}
