//! Theme assets: the CSS bundle (lightningcss follows `@import`, lowers nesting for the site's browser
//! targets and minifies) and every other file under the theme's `assets/`, each written under `/assets/`
//! with a content hash in its name so it can be cached forever.
//!
//! Entry stylesheets are the `*.css` files at the top of `assets/` whose names do not start with `_`;
//! the others are partials reached through `@import`. Generated CSS (code highlighting, diagrams) is
//! appended to `main.css`.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::files;
use crate::output::OutputSink;
use lightningcss::bundler::{Bundler, FileProvider};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::targets::{Browsers, Targets};
use std::collections::HashMap;
use std::path::Path;
use walkdir::WalkDir;

/// The folder fingerprinted assets are served from.
pub const ASSETS_PREFIX: &str = "/assets/";

/// Logical asset names (`main.css`, `site.js`) mapped to their fingerprinted URLs.
pub type AssetUrls = HashMap<String, String>;

/// What to build the assets from.
pub struct AssetInputs<'a> {
    pub root: &'a Path,
    pub assets_dir: &'a Path,
    pub browsers: Browsers,
    /// CSS the generator makes (highlighting, diagrams), appended to `main.css`.
    pub generated_css: &'a str,
}

/// Builds every asset and writes it to `output`; returns the URL map for templates.
pub fn build(inputs: &AssetInputs<'_>, output: &dyn OutputSink, diagnostics: &mut Diagnostics) -> AssetUrls {
    let mut urls = AssetUrls::new();
    if !inputs.assets_dir.is_dir() {
        return urls;
    }
    let targets = Targets::from(inputs.browsers);
    for entry in WalkDir::new(inputs.assets_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = path
            .strip_prefix(inputs.assets_dir)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let file_name = entry.file_name().to_string_lossy();
        let is_css = file_name.ends_with(".css");
        if is_css && (entry.depth() > 1 || file_name.starts_with('_')) {
            continue; // a partial, bundled through @import
        }
        let contents = if is_css {
            let extra = if name == "main.css" { inputs.generated_css } else { "" };
            match bundle_css(inputs.root, path, extra, targets) {
                Ok(css) => css.into_bytes(),
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            }
        } else {
            match files::read(path) {
                Ok(bytes) => bytes,
                Err(error) => {
                    diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
                    continue;
                }
            }
        };
        let url = format!("{ASSETS_PREFIX}{}", fingerprinted_name(&name, &contents));
        if let Err(error) = output.write(url.trim_start_matches('/'), &contents) {
            diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
            continue;
        }
        urls.insert(name, url);
    }
    if !inputs.generated_css.is_empty() && !urls.contains_key("main.css") {
        diagnostics.push(
            Diagnostic::warning(
                None,
                "the theme has no `assets/main.css`, so the code-highlighting and diagram styles are not included",
            )
            .with_help("create `assets/main.css` in the theme"),
        );
    }
    urls
}

/// `css/main.css` with contents hashing to `1a2b...` -> `css/main.1a2b3c4d5e.css`.
pub fn fingerprinted_name(name: &str, contents: &[u8]) -> String {
    let hash = blake3::hash(contents).to_hex();
    let hash = &hash.as_str()[..10];
    let (folder, file) = match name.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), name),
    };
    match file.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{folder}{stem}.{hash}.{extension}"),
        _ => format!("{folder}{file}.{hash}"),
    }
}

/// Bundles `entry` (following `@import`), appends `extra`, lowers and minifies for `targets`.
fn bundle_css(root: &Path, entry: &Path, extra: &str, targets: Targets) -> Result<String, Diagnostic> {
    let relative = |file: &str| {
        Path::new(file)
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| file.into())
    };
    let provider = FileProvider::new();
    let mut bundler = Bundler::new(&provider, None, ParserOptions::default());
    let stylesheet = bundler.bundle(entry).map_err(|error| {
        let location = error
            .loc
            .as_ref()
            .map(|loc| Location::new(relative(&loc.filename), loc.line as usize + 1, loc.column as usize));
        Diagnostic::error(location, format!("CSS error: {}", error.kind))
            .with_help("fix the stylesheet; `@import` paths are relative to the importing file")
    })?;
    let bundled = stylesheet
        .to_css(PrinterOptions::default())
        .map_err(|error| {
            Diagnostic::error(
                None,
                format!(
                    "CSS error in `{}`: {error}",
                    relative(&entry.to_string_lossy()).display()
                ),
            )
        })?
        .code;
    let combined = if extra.is_empty() {
        bundled
    } else {
        format!("{bundled}\n{extra}")
    };
    let file_name = entry.to_string_lossy().into_owned();
    let options = ParserOptions {
        filename: file_name.clone(),
        ..ParserOptions::default()
    };
    let mut stylesheet = StyleSheet::parse(&combined, options).map_err(|error| {
        Diagnostic::error(
            None,
            format!(
                "CSS error in generated styles for `{}`: {error}",
                relative(&file_name).display()
            ),
        )
    })?;
    stylesheet
        .minify(MinifyOptions {
            targets,
            ..MinifyOptions::default()
        })
        .map_err(|error| {
            Diagnostic::error(
                None,
                format!("CSS error in `{}`: {error}", relative(&file_name).display()),
            )
        })?;
    let printed = stylesheet
        .to_css(PrinterOptions {
            minify: true,
            targets,
            ..PrinterOptions::default()
        })
        .map_err(|error| {
            Diagnostic::error(
                None,
                format!("CSS error in `{}`: {error}", relative(&file_name).display()),
            )
        })?;
    Ok(printed.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::MemoryOutput;

    #[test]
    fn fingerprints_keep_folder_and_extension() {
        let name = fingerprinted_name("fonts/inter.woff2", b"x");
        assert!(
            name.starts_with("fonts/inter.")
                && name.ends_with(".woff2")
                && name.len() == "fonts/inter..woff2".len() + 10,
            "{name}"
        );
        assert_ne!(fingerprinted_name("a.css", b"x"), fingerprinted_name("a.css", b"y"));
    }

    #[test]
    fn bundles_imports_lowers_nesting_and_minifies() {
        let dir = tempfile::tempdir().unwrap();
        let assets = dir.path().join("assets");
        std::fs::create_dir_all(assets.join("css")).unwrap();
        std::fs::write(
            assets.join("main.css"),
            "@import \"css/base.css\";\n.a { color: red; }\n",
        )
        .unwrap();
        std::fs::write(assets.join("css/base.css"), ".nav { & .item { color: blue; } }\n").unwrap();
        std::fs::write(assets.join("site.js"), "console.log(1)").unwrap();
        let output = MemoryOutput::default();
        let mut diagnostics = Diagnostics::new();
        let inputs = AssetInputs {
            root: dir.path(),
            assets_dir: &assets,
            browsers: Browsers::from_browserslist(["chrome 100"]).unwrap().unwrap(),
            generated_css: ".k{color:var(--hl-k)}",
        };
        let urls = build(&inputs, &output, &mut diagnostics);
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
        assert_eq!(urls.len(), 2, "partials are not emitted: {urls:?}");
        let css = String::from_utf8(output.get(urls["main.css"].trim_start_matches('/')).unwrap().to_vec()).unwrap();
        assert_eq!(css, ".nav .item{color:#00f}.a{color:red}.k{color:var(--hl-k)}");
        assert!(urls["site.js"].starts_with("/assets/site.") && urls["site.js"].ends_with(".js"));
    }

    #[test]
    fn a_css_syntax_error_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let assets = dir.path().join("assets");
        std::fs::create_dir_all(&assets).unwrap();
        std::fs::write(assets.join("main.css"), "@import \"_x.css\";\n").unwrap();
        std::fs::write(assets.join("_x.css"), ".a {\n  color: red;\n}\n}\n.b { color: }\n").unwrap();
        let mut diagnostics = Diagnostics::new();
        let inputs = AssetInputs {
            root: dir.path(),
            assets_dir: &assets,
            browsers: Browsers::default(),
            generated_css: "",
        };
        build(&inputs, &MemoryOutput::default(), &mut diagnostics);
        let message = diagnostics.iter().next().map(ToString::to_string).unwrap_or_default();
        assert!(message.starts_with("error: assets/_x.css:"), "{message}");
    }
}
