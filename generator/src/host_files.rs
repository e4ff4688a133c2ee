//! The files hosts and crawlers read beside the pages: `sitemap.xml`, `robots.txt`, and `_headers`
//! (long caching for fingerprinted assets on Workers Static Assets).

use crate::assets::ASSETS_PREFIX;
use crate::config::SiteConfig;
use crate::content::tree::ContentTree;
use std::fmt::Write;

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
