//! The site-wide files beside the pages: `sitemap.xml`, `robots.txt`, `_headers` (long caching for
//! fingerprinted assets on Workers Static Assets), and copies of `static/` folders and content assets.

use crate::assets::ASSETS_PREFIX;
use crate::config::SiteConfig;
use crate::content::discover::{SourceFile, SourceKind};
use crate::content::tree::ContentTree;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputSink;
use crate::site_root::{MAX_COPIED_FILE_BYTES, SiteRoot, read_bounded};
use std::collections::HashSet;
use std::fmt::Write;
use std::path::Path;

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
    site_root: &SiteRoot,
    static_folders: [&Path; 2],
    content_files: &[SourceFile],
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) -> HashSet<String> {
    let mut written = HashSet::new();
    for folder in static_folders {
        let walk = site_root.walk(folder, false);
        diagnostics.extend(walk.errors.iter().map(|error| error.to_diagnostic(None)));
        for file in walk.files {
            copy_one(site_root, &file.path, &file.relative, output, diagnostics, &mut written);
        }
    }
    for file in content_files.iter().filter(|f| f.kind == SourceKind::Asset) {
        copy_one(
            site_root,
            &file.absolute,
            &file.relative,
            output,
            diagnostics,
            &mut written,
        );
    }
    written
}

fn copy_one(
    site_root: &SiteRoot,
    from: &Path,
    to: &str,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
    written: &mut HashSet<String>,
) {
    let bytes = match read_bounded(from, &site_root.display(from), MAX_COPIED_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => return diagnostics.push(error.to_diagnostic(None)),
    };
    match output.write(to, &bytes) {
        Ok(()) => {
            written.insert(to.to_owned());
        }
        Err(error) => diagnostics.push(Diagnostic::error(None, format!("{error:#}"))),
    }
}
