//! `edgedocs build` on a small real site: output files, permalinks, navigation, Markdown features,
//! assets and the site-wide files.

use crate::support::SiteTest;

#[test]
fn builds_every_page_section_and_site_file() {
    let mut site = SiteTest::new("docs");
    site.build();
    let files = site.output_files();
    for expected in [
        "index.html",
        "storage/index.html",
        "storage/kv/index.html",
        "storage/r2/index.html",
        "storage/r2/diagram.png",
        "guide/index.html",
        "extra.txt",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "_headers",
    ] {
        assert!(files.contains(&expected.to_owned()), "missing {expected} in {files:?}");
    }
    assert!(
        !files.iter().any(|f| f.starts_with("draft")),
        "drafts are not built: {files:?}"
    );
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("assets/main.") && f.ends_with(".css")),
        "{files:?}"
    );
    assert!(
        site.stdout().starts_with("Built 3 pages, 2 sections and 1 asset in "),
        "{}",
        site.stdout()
    );
    assert_eq!(
        site.top_level(),
        [".edgedocs", "content", "public", "site.toml", "static", "themes"],
        "no staging folder is left (.edgedocs/ holds the site's Worker)"
    );
}

#[test]
fn relative_markdown_links_become_permalinks() {
    let mut site = SiteTest::new("docs");
    site.build();
    site.check_file("index.html", &["href=\"/storage/kv/\"", "href=\"/guide/#first-steps\""]);
    site.check_file(
        "storage/r2/index.html",
        &[
            "href=\"/storage/kv/#why-kv-feels-different-1\"",
            "src=\"/storage/r2/diagram.png\"",
        ],
    );
}

#[test]
fn files_beside_a_page_are_linked_where_they_are_published() {
    let mut site = SiteTest::new("docs");
    site.write("content/guides/_index.md", "+++\ntitle = \"Guides\"\n+++\n");
    site.write(
        "content/guides/plugins.md",
        "# Plugins\n\n![A screenshot](shot.png)\n\n[The guides](./) and [the notes](notes/setup%20notes.txt).\n",
    );
    site.write("content/guides/shot.png", "PNG");
    site.write("content/guides/notes/setup notes.txt", "notes");
    site.build();
    site.check_file(
        "guides/plugins/index.html",
        &[
            "<img src=\"/guides/shot.png\" alt=\"A screenshot\" />",
            "<a href=\"/guides/\">The guides</a>",
            "<a href=\"/guides/notes/setup%20notes.txt\">the notes</a>",
        ],
    );
    assert_eq!(site.file("guides/shot.png"), "PNG");
}

#[test]
fn markdown_features_render() {
    let mut site = SiteTest::new("docs");
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &[
            "<table>",
            "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
            "<del>gone</del>",
            "<dl>",
            "\u{201c}fast\u{201d} \u{2013} and eventually consistent\u{2026}",
            "<h2 id=\"why-kv-feels-different\">Why KV feels different <a class=\"anchor\" href=\"#why-kv-feels-different\" aria-label=\"Link to this section\">#</a></h2>",
            "<h2 id=\"why-kv-feels-different-1\">",
            "<h3 id=\"reads\" class=\"fast\">",
            "<aside class=\"admonition admonition--note\" role=\"note\"><p class=\"admonition__title\">Note</p>",
            "class=\"footnote-definition\"",
        ],
    );
}

#[test]
fn the_title_heading_is_not_repeated_in_the_body() {
    let mut site = SiteTest::new("docs");
    site.build();
    site.check_file("guide/index.html", &["<h1>Guide</h1>", "<h2 id=\"first-steps\">"]);
    site.check_file_lacks("guide/index.html", &["<h1 id="]);
    site.check_file("storage/r2/index.html", &["<h1>R2 buckets</h1>"]);
}

#[test]
fn navigation_toc_and_reading_order() {
    let mut site = SiteTest::new("docs");
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &[
            "<a href=\"/storage/\">Storage</a>[<a href=\"/storage/kv/\">KV</a><a href=\"/storage/r2/\">R2 buckets</a>]",
            "<a href=\"/guide/\">Guide</a>",
            "<li><a href=\"#why-kv-feels-different-1\">Why KV feels different</a><a href=\"#reads\">Reads</a></li>",
            "<a rel=\"prev\" href=\"/storage/\">Storage</a>",
            "<a rel=\"next\" href=\"/storage/r2/\">R2 buckets</a>",
        ],
    );
    site.check_file("storage/index.html", &["<ul class=\"pages\"><li><a href=\"/storage/kv/\">KV</a></li><li><a href=\"/storage/r2/\">R2 buckets</a></li></ul>"]);
}

#[test]
fn site_files_and_assets() {
    let mut site = SiteTest::new("docs");
    site.build();
    site.check_file(
        "sitemap.xml",
        &[
            "<loc>https://docs.example.com/storage/kv/</loc>",
            "<loc>https://docs.example.com/</loc>",
        ],
    );
    site.check_file("robots.txt", &["Sitemap: https://docs.example.com/sitemap.xml"]);
    site.check_file(
        "_headers",
        &["/assets/*\n  Cache-Control: public, max-age=31536000, immutable"],
    );
    site.check_file("404.html", &["<h1>Not found</h1>"]);
    let css_name = site
        .output_files()
        .into_iter()
        .find(|f| f.starts_with("assets/main."))
        .unwrap();
    let css = site.file(&css_name);
    assert!(
        css.starts_with("nav{display:flex}nav a{padding:4px}body{margin:0}"),
        "bundled, nesting lowered, minified: {css}"
    );
    site.check_file("index.html", &[&format!("href=\"/{css_name}\"")]);
}

#[test]
fn a_second_build_replaces_the_output() {
    let mut site = SiteTest::new("docs");
    site.build();
    site.write("public/stale.html", "stale");
    site.write(
        "content/storage/kv.md",
        "+++\ntitle = \"KV v2\"\n+++\n\nNew text.\n\n## Why KV feels different\n## Why KV feels different\n",
    );
    site.write("content/storage/r2/index.md", "# R2 buckets\n");
    site.build();
    assert!(!site.exists("stale.html"));
    site.check_file("storage/kv/index.html", &["KV v2", "New text."]);
}

#[test]
fn code_blocks_are_highlighted_framed_included_and_grouped() {
    let mut site = SiteTest::new("code");
    site.build();
    let html = site.file("samples/index.html");
    assert!(
        html.contains("<figure class=\"code-frame\" data-lang=\"ts\">"),
        "{html}"
    );
    assert!(html.contains("<span class=\"code-frame__title\">src/handlers/kv.ts</span>"));
    assert!(
        html.contains("<span class=\"line hl\">")
            && html.contains("<span class=\"line ins\">")
            && html.contains("<span class=\"line del\">")
    );
    assert!(
        html.contains("<span class=\"c\">// comments are fine in JSONC</span>"),
        "JSONC comments highlight: {html}"
    );
    assert!(html.contains("<div class=\"tabs\" data-tabs>"));
    assert!(html.contains("data-tab=\"TypeScript\"") && html.contains("data-tab=\"Rust\""));
    assert!(html.contains(">handle<"), "the included region is shown: {html}");
    assert!(!html.contains("outside"), "only the region is included");
    assert!(
        html.contains("Qapla&#39;") || html.contains("Qapla'"),
        "unknown languages render as text"
    );
    assert!(
        site.stderr().contains(
            "warning: content/samples.md:24:1: unknown code language `klingon`, shown as plain text; use one of"
        ),
        "{}",
        site.stderr()
    );
    let css_name = site
        .output_files()
        .into_iter()
        .find(|f| f.starts_with("assets/main."))
        .unwrap();
    let css = site.file(&css_name);
    assert!(
        css.contains(".theme-dark{") && css.contains("--hl-k:"),
        "highlight colours are bundled per colour theme"
    );
    assert!(
        css.contains("prefers-color-scheme:dark"),
        "no class follows the system preference"
    );
}

#[test]
fn mermaid_fences_become_inline_svg_figures() {
    let mut site = SiteTest::new("code");
    site.write(
        "content/flow.md",
        "# Flow\n\n```mermaid caption=\"One round trip\"\nflowchart LR\n  a[\"browser\"] -- \"request\" --> b[\"worker\"]\n```\n\n```mermaid\nflowchart TD\n  x --> y\n```\n",
    );
    site.build();
    let html = site.file("flow/index.html");
    assert_eq!(
        html.matches("<figure class=\"diagram\" data-diagram=\"mermaid\" id=\"d-diagram-")
            .count(),
        2
    );
    assert!(html.contains("<figcaption>One round trip</figcaption>"));
    assert!(
        html.contains("id=\"d-diagram-1-") && html.contains("id=\"d-diagram-2-"),
        "ids are unique per diagram"
    );
    assert!(
        !html.contains("style=\""),
        "no inline styles: the edge's CSP forbids them"
    );
}

#[test]
fn a_base_url_with_a_path_is_honoured_in_every_link_asset_and_the_sitemap() {
    let mut site = SiteTest::new("docs");
    let config = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    let config: String = config
        .lines()
        .map(|line| {
            if line.starts_with("base_url") {
                "base_url = \"https://example.github.io/tally/\"".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    site.write("site.toml", &config);
    site.write(
        "content/guide.md",
        "# Guide\n\n[KV](storage/kv.md) [root](/storage/) ![d](storage/r2/diagram.png)\n\n## First steps\n",
    );
    site.build();
    let mut links = 0;
    for file in site.output_files().iter().filter(|file| file.ends_with(".html")) {
        let html = site.file(file);
        for attribute in ["href=\"/", "src=\"/"] {
            for (at, _) in html.match_indices(attribute) {
                let value = &html[at + attribute.len() - 1..];
                let value = &value[..value.find('"').unwrap()];
                assert!(value.starts_with("/tally/"), "{file}: {attribute}{value}");
                links += 1;
            }
        }
    }
    assert!(
        links > 20,
        "the pages link to each other and to their assets ({links} links)"
    );
    site.check_file(
        "guide/index.html",
        &[
            "href=\"/tally/storage/kv/\"",
            "href=\"/tally/storage/\"",
            "src=\"/tally/storage/r2/diagram.png\"",
            "href=\"/tally/assets/main.",
        ],
    );
    site.check_file(
        "sitemap.xml",
        &["<loc>https://example.github.io/tally/storage/kv/</loc>"],
    );
    site.check_file("robots.txt", &["Sitemap: https://example.github.io/tally/sitemap.xml"]);
}

#[test]
fn base_url_and_drafts_can_be_given_for_one_build() {
    let mut site = SiteTest::new("docs");
    site.run_ok(&["build", "--base-url", "https://preview-7.docs.dev/pr/7/", "--drafts"]);
    assert!(site.exists("draft/index.html"), "--drafts builds drafts");
    site.check_file("index.html", &["href=\"/pr/7/storage/kv/\""]);
    site.check_file(
        "sitemap.xml",
        &["<loc>https://preview-7.docs.dev/pr/7/storage/kv/</loc>"],
    );
    let stderr = site.run_fails(&["build", "--base-url", "preview"]);
    assert_eq!(
        stderr,
        "error: `--base-url` must be an absolute URL, not `preview`\n  help: write the address the site is served from, e.g. `https://docs.example.com` or `https://example.github.io/project`\nbuild failed with 1 error\n"
    );
}

#[test]
fn a_folder_without_an_index_gets_a_generated_section_page() {
    let mut site = SiteTest::without_theme("docs");
    site.write("content/getting-started/install.md", "# Install\n\nRun it.\n");
    site.write(
        "content/getting-started/configure.md",
        "+++\ntitle = \"Configure\"\ndescription = \"The settings.\"\n+++\n",
    );
    site.build();
    site.check_file(
        "getting-started/index.html",
        &[
            "<h1 class=\"doc__title\">Getting started</h1>",
            "<a class=\"card\" href=\"/getting-started/configure/\">",
            "<span class=\"card__text\">The settings.</span>",
            "<a class=\"card\" href=\"/getting-started/install/\">",
        ],
    );
    site.check_file(
        "getting-started/install/index.html",
        &["<li><a href=\"/getting-started/\">Getting started</a></li>"],
    );
    assert!(
        site.file("sitemap.xml")
            .contains("<loc>https://docs.example.com/getting-started/</loc>")
    );
}
