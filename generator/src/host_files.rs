//! The files hosts and crawlers read beside the pages: `sitemap.xml`, `robots.txt`, and `_headers`
//! (the pages' Content-Security-Policy, with the site's extra sources, long caching for fingerprinted
//! assets on Workers Static Assets, and the types of the Markdown files).

use crate::agents::llms::{LLMS_FULL_TXT, LLMS_TXT};
use crate::assets::ASSETS_PREFIX;
use crate::config::SiteConfig;
use crate::content::tree::ContentTree;
use crate::git_dates::GitDates;
use crate::render::context::last_updated;
use crate::search::SEARCH_FOLDER;
use edgedocs_edge::{CONTENT_SECURITY_POLICY, DOCUMENT_CONTENT_SECURITY_POLICY};
use std::fmt::Write;

/// `sitemap.xml`: every document in reading order, with `<lastmod>` where git knows when its file
/// last changed.
pub(crate) fn sitemap(config: &SiteConfig, tree: &ContentTree, git_dates: &GitDates) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for id in tree.reading_order() {
        let document = tree.get(id);
        let mut loc = String::new();
        let _ = pulldown_cmark_escape::escape_html(&mut loc, &config.permalink(&document.path));
        let lastmod = match last_updated(config, document, git_dates) {
            // A checked ISO 8601 timestamp: nothing in it needs escaping.
            Some(updated) => format!("<lastmod>{}</lastmod>", updated.datetime),
            None => String::new(),
        };
        let _ = writeln!(xml, "  <url><loc>{loc}</loc>{lastmod}</url>");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub(crate) fn robots(config: &SiteConfig) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n", config.base_url)
}

/// The Content-Security-Policy of the site's pages: the theme contract's policy with the sources of
/// `[theme_options.csp]` (and an external logo's origin) added.
pub(crate) fn page_content_security_policy(config: &SiteConfig) -> String {
    config.theme_options.content_security_policy(CONTENT_SECURITY_POLICY)
}

/// The rules that match the site's pages and nothing else: `/`, every folder path (`/storage/kv/`)
/// and the `.html` files (`/404.html`).
const PAGE_RULES: [&str; 3] = ["/", "/*/", "/*.html"];

/// Workers Static Assets' `_headers`. Pages get their Content-Security-Policy (a Worker in front
/// replaces it with its own). Fingerprinted files never change, so they are cached for a year: the
/// assets, and the search index's shards (`search/t.<hash>.json`) and fragment files (`f.<hash>`),
/// whose names are hashes of their contents; its `manifest.json` changes with every build and keeps
/// the host's revalidation.
/// SVG files are served without the Worker (`run_worker_first` leaves them out), so they get the
/// edge's locked-down policy for documents that are not pages here: an SVG opened on its own can then
/// run no script on the site's origin. A rule's `*` matches any characters, `/` included, so `/*.svg`
/// covers every folder; rules match the path case-sensitively, and a `.SVG` (which the Worker does run
/// for) gets the same policy from the Worker. The pages' Markdown twins are `text/markdown` and
/// `llms.txt` / `llms-full.txt` `text/plain`, both UTF-8, whatever type the upload guessed.
pub(crate) fn headers(config: &SiteConfig) -> String {
    let page_policy = page_content_security_policy(config);
    let mut file = String::new();
    for rule in PAGE_RULES {
        let _ = writeln!(file, "{rule}\n  Content-Security-Policy: {page_policy}");
    }
    file + &format!(
        "{ASSETS_PREFIX}*\n  Cache-Control: public, max-age=31536000, immutable\n\
         /{SEARCH_FOLDER}/t.*\n  Cache-Control: public, max-age=31536000, immutable\n\
         /{SEARCH_FOLDER}/f.*\n  Cache-Control: public, max-age=31536000, immutable\n\
         /*.svg\n  Content-Security-Policy: {DOCUMENT_CONTENT_SECURITY_POLICY}\n  X-Content-Type-Options: nosniff\n\
         /*.md\n  Content-Type: text/markdown; charset=utf-8\n  X-Content-Type-Options: nosniff\n\
         /{LLMS_TXT}\n  Content-Type: text/plain; charset=utf-8\n\
         /{LLMS_FULL_TXT}\n  Content-Type: text/plain; charset=utf-8\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(theme_options: &str) -> SiteConfig {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/default")).unwrap();
        crate::config::parse(
            dir.path(),
            &format!("title = \"D\"\nbase_url = \"https://x.dev\"\n{theme_options}"),
        )
        .unwrap()
    }

    /// The headers `_headers` gives a request path, the way Workers Static Assets applies it: every
    /// rule whose path matches, where `*` matches any characters (`/` included), case-sensitively.
    fn headers_for(file: &str, path: &str) -> Vec<(String, String)> {
        let mut applied = Vec::new();
        let mut matching = false;
        for line in file.lines() {
            if let Some(header) = line.strip_prefix("  ") {
                if matching {
                    let (name, value) = header.split_once(": ").expect("a header line is `name: value`");
                    applied.push((name.to_owned(), value.to_owned()));
                }
            } else {
                matching = glob_matches(line, path);
            }
        }
        applied
    }

    fn glob_matches(pattern: &str, path: &str) -> bool {
        let parts: Vec<&str> = pattern.split('*').collect();
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        if parts.len() == 1 {
            return pattern == path;
        }
        if !path.starts_with(first) || !path[first.len()..].ends_with(last) {
            return false;
        }
        let mut rest = &path[first.len()..path.len() - last.len()];
        for middle in &parts[1..parts.len() - 1] {
            match rest.find(middle) {
                Some(at) => rest = &rest[at + middle.len()..],
                None => return false,
            }
        }
        true
    }

    #[test]
    fn svg_files_get_the_locked_down_policy_and_markdown_files_their_type() {
        let file = headers(&config(""));
        let csp = (
            "Content-Security-Policy".to_owned(),
            DOCUMENT_CONTENT_SECURITY_POLICY.to_owned(),
        );
        let nosniff = ("X-Content-Type-Options".to_owned(), "nosniff".to_owned());
        let markdown = ("Content-Type".to_owned(), "text/markdown; charset=utf-8".to_owned());
        let plain = ("Content-Type".to_owned(), "text/plain; charset=utf-8".to_owned());
        let cache = (
            "Cache-Control".to_owned(),
            "public, max-age=31536000, immutable".to_owned(),
        );
        // (path, the headers it gets)
        let cases = [
            ("/favicon.svg", vec![csp.clone(), nosniff.clone()]),
            ("/storage/r2/diagram.svg", vec![csp.clone(), nosniff.clone()]),
            (
                "/assets/icons.3f2a1b4c5d.svg",
                vec![cache.clone(), csp.clone(), nosniff.clone()],
            ),
            ("/assets/main.3f2a1b4c5d.css", vec![cache.clone()]),
            ("/robots.txt", vec![]),
            ("/svg/notes.txt", vec![]),
            ("/storage/kv/index.md", vec![markdown.clone(), nosniff.clone()]),
            ("/index.md", vec![markdown.clone(), nosniff.clone()]),
            ("/llms.txt", vec![plain.clone()]),
            ("/llms-full.txt", vec![plain.clone()]),
            ("/storage/llms.txt", vec![]),
            ("/storage/kv/index.mdx", vec![]),
            ("/search/t.3f9c0a1b2c3d4e5f.json", vec![cache.clone()]),
            ("/search/f.9a8b7c6d5e4f3a2b.json", vec![cache.clone()]),
            ("/search/manifest.json", vec![]),
        ];
        for (path, expected) in cases {
            assert_eq!(headers_for(&file, path), expected, "{path}");
        }
        assert_eq!(
            DOCUMENT_CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        );
    }

    #[test]
    fn pages_get_the_page_policy_with_the_site_s_extra_sources() {
        let policy = |file: &str, path: &str| {
            let applied = headers_for(file, path);
            assert_eq!(applied.len(), 1, "{path}: {applied:?}");
            applied[0].1.clone()
        };
        let plain = headers(&config(""));
        for path in ["/", "/storage/kv/", "/404.html"] {
            assert_eq!(policy(&plain, path), CONTENT_SECURITY_POLICY, "{path}");
        }
        let extended = headers(&config(
            "[theme_options]\nlogo = \"https://cdn.x.dev/logo.svg\"\ncsp = { img = [\"https://img.shields.io\"], frame = [\"https://www.youtube-nocookie.com\"], script = [\"https://plausible.io\"] }\n",
        ));
        let directives: Vec<String> = policy(&extended, "/storage/kv/")
            .split("; ")
            .map(str::to_owned)
            .collect();
        for expected in [
            "img-src 'self' data: https://cdn.x.dev https://img.shields.io",
            "script-src 'self' https://plausible.io",
            "frame-src 'self' https://www.youtube-nocookie.com",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                directives.iter().any(|directive| directive == expected),
                "{expected}: {directives:?}"
            );
        }
    }

    #[test]
    fn every_rule_is_a_path_with_indented_headers() {
        for line in headers(&config("")).lines() {
            let is_rule = line.starts_with('/');
            let is_header = line.starts_with("  ") && line.trim_start().split_once(": ").is_some();
            assert!(is_rule || is_header, "{line:?}");
        }
    }
}
