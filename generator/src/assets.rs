//! Theme assets: the CSS bundle (lightningcss follows `@import`, lowers nesting for the site's browser
//! targets and minifies) and every other file under the theme's `assets/`, each written under `/assets/`
//! with a content hash in its name so it can be cached forever.
//!
//! Entry stylesheets are the `*.css` files at the top of `assets/` whose names do not start with `_`;
//! the others are partials reached through `@import`. Generated CSS (code highlighting, diagrams) is
//! appended to `main.css`.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::output::OutputSink;
use crate::site_root::{MAX_COPIED_FILE_BYTES, MAX_SOURCE_BYTES, SiteRoot};
use crate::theme::{FileKind, ThemeFile, ThemeFiles};
use lightningcss::bundler::{BundleErrorKind, Bundler, ResolveResult, SourceProvider};
use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
use lightningcss::targets::{Browsers, Targets};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The folder fingerprinted assets are served from.
pub(crate) const ASSETS_PREFIX: &str = "/assets/";

/// Logical asset names (`main.css`, `site.js`) mapped to their fingerprinted URLs.
pub(crate) type AssetUrls = HashMap<String, String>;

/// What to build the assets from.
pub(crate) struct AssetInputs<'a> {
    pub site_root: &'a SiteRoot,
    /// The theme's files, with the site's own `assets/` over them.
    pub files: &'a ThemeFiles,
    pub browsers: Browsers,
    /// CSS the generator makes (highlighting, diagrams), appended to `main.css`.
    pub generated_css: &'a str,
}

/// Builds every asset and writes it to `output`; returns the URL map for templates.
pub(crate) fn build(inputs: &AssetInputs<'_>, output: &dyn OutputSink, diagnostics: &mut Diagnostics) -> AssetUrls {
    let mut urls = AssetUrls::new();
    let listing = inputs.files.list(inputs.site_root, FileKind::Assets);
    diagnostics.extend(listing.errors.iter().map(|error| error.to_diagnostic(None)));
    let stylesheets = Stylesheets::read(&listing.files, diagnostics);
    let targets = Targets::from(inputs.browsers);
    for file in &listing.files {
        let name = &file.relative;
        let file_name = name.rsplit('/').next().unwrap_or(name);
        let is_css = file_name.ends_with(".css");
        if is_css && (file.depth() > 1 || file_name.starts_with('_')) {
            continue; // a partial, bundled through @import
        }
        let contents = if is_css {
            let extra = if name == "main.css" { inputs.generated_css } else { "" };
            match bundle_css(&stylesheets, name, extra, targets) {
                Ok(css) => css.into_bytes(),
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    continue;
                }
            }
        } else {
            match file.read(MAX_COPIED_FILE_BYTES) {
                Ok(bytes) => bytes.into_owned(),
                Err(error) => {
                    diagnostics.push(error.to_diagnostic(None));
                    continue;
                }
            }
        };
        let url = format!("{ASSETS_PREFIX}{}", fingerprinted_name(name, &contents));
        if let Err(error) = output.write(url.trim_start_matches('/'), &contents) {
            diagnostics.push(Diagnostic::error(None, format!("{error:#}")));
            continue;
        }
        urls.insert(name.clone(), url);
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

/// Every stylesheet of the theme's `assets/` (the site's own over the theme's), read once: the only files
/// an `@import` can reach, so the bundle cannot take in a file from outside the theme
/// (`@import "../../../../x.css"`, an absolute path, a symlink out of the site). Each has a virtual path
/// under [`VIRTUAL_ASSETS`], so that an import resolves by its path within `assets/` whichever layer the
/// importing file and the imported one come from.
struct Stylesheets {
    by_path: HashMap<PathBuf, String>,
    /// The virtual path -> where the file was read from, for diagnostics.
    display: HashMap<PathBuf, String>,
}

/// The folder stylesheets live in for the bundler.
const VIRTUAL_ASSETS: &str = "/assets";

impl Stylesheets {
    fn read(files: &[ThemeFile], diagnostics: &mut Diagnostics) -> Self {
        let mut by_path = HashMap::new();
        let mut display = HashMap::new();
        for file in files.iter().filter(|file| file.relative.ends_with(".css")) {
            match file.read_text(MAX_SOURCE_BYTES) {
                Ok(text) => {
                    let path = virtual_path(&file.relative);
                    display.insert(path.clone(), file.display.clone());
                    by_path.insert(path, text);
                }
                Err(error) => diagnostics.push(error.to_diagnostic(None)),
            }
        }
        Self { by_path, display }
    }

    /// Where the file at a virtual path was read from.
    fn display_of(&self, path: &str) -> PathBuf {
        match self.display.get(Path::new(path)) {
            Some(display) => PathBuf::from(display),
            None => PathBuf::from(path.trim_start_matches('/')),
        }
    }
}

fn virtual_path(relative: &str) -> PathBuf {
    Path::new(VIRTUAL_ASSETS).join(relative)
}

impl SourceProvider for Stylesheets {
    type Error = ImportError;

    fn read<'a>(&'a self, file: &Path) -> Result<&'a str, ImportError> {
        self.by_path
            .get(&normalize(file))
            .map(String::as_str)
            .ok_or_else(|| ImportError(format!("`{}` is not a stylesheet of the theme", file.display())))
    }

    fn resolve(&self, specifier: &str, originating_file: &Path) -> Result<ResolveResult, ImportError> {
        let has_scheme = specifier.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if has_scheme || specifier.starts_with("//") {
            return Err(ImportError(format!(
                "`@import \"{specifier}\"` loads a stylesheet from another site; download it into the theme's `assets/` and import it from there"
            )));
        }
        if Path::new(specifier).has_root() {
            return Err(ImportError(format!(
                "`@import \"{specifier}\"` is an absolute path; import files relative to the importing stylesheet"
            )));
        }
        let resolved = normalize(&originating_file.parent().unwrap_or(Path::new("")).join(specifier));
        if !resolved.starts_with(VIRTUAL_ASSETS) {
            return Err(ImportError(format!(
                "`@import \"{specifier}\"` leads outside the theme's `assets/` folder; imports must stay inside it"
            )));
        }
        if !self.by_path.contains_key(&resolved) {
            return Err(ImportError(format!(
                "`@import \"{specifier}\"`: there is no such stylesheet in the theme's `assets/`"
            )));
        }
        Ok(ResolveResult::File(resolved))
    }
}

/// Why an `@import` was refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ImportError(String);

/// `path` with `.` and `..` removed lexically (the stylesheets are virtual paths; nothing on disk is
/// resolved here).
fn normalize(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normalized.pop() {
                    normalized.push("..");
                }
            }
            other => normalized.push(other.as_os_str()),
        }
    }
    normalized
}

/// `css/main.css` with contents hashing to `1a2b...` -> `css/main.1a2b3c4d5e.css`.
pub(crate) fn fingerprinted_name(name: &str, contents: &[u8]) -> String {
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

/// Bundles the stylesheet `name` (following `@import`), appends `extra`, lowers and minifies for
/// `targets`.
fn bundle_css(stylesheets: &Stylesheets, name: &str, extra: &str, targets: Targets) -> Result<String, Diagnostic> {
    let entry = virtual_path(name);
    let relative = |file: &str| stylesheets.display_of(file);
    let mut bundler = Bundler::new(stylesheets, None, ParserOptions::default());
    let stylesheet = bundler.bundle(&entry).map_err(|error| {
        let location = error
            .loc
            .as_ref()
            .map(|loc| Location::new(relative(&loc.filename), loc.line as usize + 1, loc.column as usize));
        let help = match error.kind {
            BundleErrorKind::ResolverError(_) => {
                "`@import` paths are relative to the importing file and stay inside the theme's `assets/`"
            }
            _ => "fix the stylesheet; `@import` paths are relative to the importing file",
        };
        Diagnostic::error(location, format!("CSS error: {}", error.kind)).with_help(help)
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
    use crate::theme::Layer;

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
        let files = ThemeFiles::new(vec![Layer::Folder(dir.path().to_path_buf())]);
        let inputs = AssetInputs {
            site_root: &SiteRoot::new(dir.path()).unwrap(),
            files: &files,
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
        let files = ThemeFiles::new(vec![Layer::Folder(dir.path().to_path_buf())]);
        let inputs = AssetInputs {
            site_root: &SiteRoot::new(dir.path()).unwrap(),
            files: &files,
            browsers: Browsers::default(),
            generated_css: "",
        };
        build(&inputs, &MemoryOutput::default(), &mut diagnostics);
        let message = diagnostics.iter().next().map(ToString::to_string).unwrap_or_default();
        assert!(message.starts_with("error: assets/_x.css:"), "{message}");
    }
}
