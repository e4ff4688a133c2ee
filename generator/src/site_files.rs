//! The site-wide files beside the pages: `sitemap.xml`, `robots.txt`, `_headers` (long caching for
//! fingerprinted assets on Workers Static Assets), and copies of `static/` folders and content assets.

use crate::assets::ASSETS_PREFIX;
use crate::config::SiteConfig;
use crate::content::discover::{SourceFile, SourceKind};
use crate::content::tree::ContentTree;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::files;
use crate::output::OutputSink;
use std::collections::HashSet;
use std::fmt::Write;
use std::path::Path;
use walkdir::WalkDir;

pub fn sitemap(config: &SiteConfig, tree: &ContentTree) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for id in tree.reading_order() {
        let mut loc = String::new();
        let _ = pulldown_cmark_escape::escape_html(&mut loc, &config.permalink(&tree.get(id).path));
        let _ = writeln!(xml, "  <url><loc>{loc}</loc></url>");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(config: &SiteConfig) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n", config.base_url)
}

/// Workers Static Assets' `_headers`: fingerprinted files never change, so they are cached for a year.
pub fn headers() -> String {
    format!("{ASSETS_PREFIX}*\n  Cache-Control: public, max-age=31536000, immutable\n")
}

/// Copies the theme's `static/`, then the site's (which wins), then the non-Markdown files under
/// `content/`. Returns every path written.
pub fn copy_static_files(
    theme_static: &Path,
    site_static: &Path,
    content_files: &[SourceFile],
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) -> HashSet<String> {
    let mut written = HashSet::new();
    for folder in [theme_static, site_static] {
        if !folder.is_dir() {
            continue;
        }
        for entry in WalkDir::new(folder).sort_by_file_name().into_iter().flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = relative_slash_path(folder, entry.path());
            copy_one(entry.path(), &relative, output, diagnostics, &mut written);
        }
    }
    for file in content_files.iter().filter(|f| f.kind == SourceKind::Asset) {
        copy_one(&file.absolute, &file.relative, output, diagnostics, &mut written);
    }
    written
}

fn copy_one(
    from: &Path,
    to: &str,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
    written: &mut HashSet<String>,
) {
    match files::read(from).and_then(|bytes| output.write(to, &bytes)) {
        Ok(()) => {
            written.insert(to.to_owned());
        }
        Err(error) => diagnostics.push(Diagnostic::error(None, format!("{error:#}"))),
    }
}

fn relative_slash_path(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
