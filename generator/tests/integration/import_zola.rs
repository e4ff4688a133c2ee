//! A Zola site built unchanged: its configuration, front matter, `@/` links, shortcodes, redirects
//! and relative links, and the one line per ignored setting. Also the built-in theme's shortcodes on
//! an edgedocs site, and their errors.

use crate::support::SiteTest;

#[test]
fn a_zola_site_builds_unchanged_with_the_built_in_theme() {
    let mut site = SiteTest::without_theme("zola-docs");
    site.build();
    let stderr = site.stderr();
    for expected in [
        "warning: config.toml:1:1: a Zola site: its pages are rendered with edgedocs' built-in theme; its templates/ are not used, except templates/shortcodes/",
        "warning: config.toml:5:1: `compile_sass` in config.toml has no meaning for edgedocs and is ignored",
        "warning: config.toml:7:1: `taxonomies` in config.toml has no meaning for edgedocs and is ignored",
        "warning: content/docs/_index.md:3:15: `/docs/` redirects to `/docs/getting-started/`, which redirects again: written straight to `/docs/getting-started/overview/`",
        "warning: content/docs/getting-started/configuration.md:7:27: link to a missing page or file `../nowhere/` (at `/docs/getting-started/nowhere/` on the site)",
    ] {
        assert!(stderr.contains(expected), "missing `{expected}` in:\n{stderr}");
    }
    assert!(!stderr.contains("`markdown`") && !stderr.contains("`extra`") && !stderr.contains("`link_checker`"));
    assert_eq!(stderr.matches("has no meaning for edgedocs").count(), 3, "{stderr}");
    site.check_file(
        "index.html",
        &[
            "<title>Fixture on Zola",
            "href=\"/docs/getting-started/overview/#install\"",
        ],
    )
    .check_file_lacks("index.html", &["get_url"])
    .check_file(
        "docs/getting-started/overview/index.html",
        &[
            "Current release: <strong>v1.2</strong>.",
            "<aside class=\"zola-note\" data-kind=\"tip\"><p>Use <strong>the binary</strong>.</p>",
            "<code>{{ version(number=\"9\") }}</code>",
            "{{ version(number=\"8\") }} is escaped.",
            "config.toml",
            "<time datetime=\"2024-03-04\">",
            "href=\"../configuration/\"",
        ],
    )
    .check_file(
        "docs/getting-started/configuration/index.html",
        &[
            "<h2 id=\"the-base-url-key\"",
            "href=\"/docs/getting-started/configuration/#the-base-url-key\"",
        ],
    )
    .check_file(
        "docs/getting-started/advanced-setup/index.html",
        &["Advanced setup", "href=\"/docs/getting-started/configuration/\""],
    )
    .check_file("docs/getting-started/media-files/index.html", &["src=\"square.svg\""])
    .check_file("docs/getting-started/media-files/square.svg", &["<rect"])
    .check_file("logo.txt", &["logo"])
    .check_file("old-overview/index.html", &["url=/docs/getting-started/overview/"])
    .check_file("docs/index.html", &["url=/docs/getting-started/overview/"]);
    assert_eq!(
        site.file("_redirects").lines().skip(1).collect::<Vec<_>>(),
        [
            "/docs/ /docs/getting-started/overview/ 301",
            "/docs/getting-started/ /docs/getting-started/overview/ 301",
            "/old-overview/ /docs/getting-started/overview/ 301",
        ]
    );
    let blog = site.file("blog/index.html");
    let newer = blog.find("Zebra post").unwrap();
    let older = blog.find("A first post").unwrap();
    assert!(newer < older, "sort_by = \"date\" lists the newest first");
    assert!(
        !blog.contains("Hidden grouping"),
        "render = false has no page and no listing"
    );
    assert!(!site.exists("blog/drafts/index.html"));
    let llms = site.file("llms.txt");
    assert!(!llms.contains("Configuration"), "in_search_index = false: {llms}");
}

#[test]
fn the_built_in_shortcodes_render_without_script() {
    let mut site = SiteTest::without_theme("shortcodes");
    site.build();
    site.check_file(
        "index.html",
        &[
            "<span class=\"badge badge--warning\">beta</span>",
            "<div class=\"card-grid card-grid--shortcode\">",
            "<a class=\"card\" href=\"/guide/\"><span class=\"card__title\">Guide</span><span class=\"card__text\">Start here</span></a>",
            "<div class=\"card\"><span class=\"card__title\">Plain</span><span class=\"card__text\">No link</span></div>",
            "<div class=\"steps\">\n<ol>\n<li>Install the binary.</li>",
            "<div class=\"file-tree\">\n<ul>\n<li>content/",
            "<div class=\"video\" data-id=\"abc\" data-autoplay=\"true\"></div>",
        ],
    )
    .check_file("guide/index.html", &["<code>{{ badge(text=\"x\") }}</code>"]);
}

#[test]
fn shortcode_mistakes_fail_with_their_place() {
    let mut site = SiteTest::without_theme("invalid/bad_shortcodes");
    assert_eq!(
        site.build_fails(),
        "error: content/_index.md:6:1: unknown shortcode `bagde`\n  help: known shortcodes: badge, card, cards, file_tree, steps; or add `templates/shortcodes/bagde.html`\n\
         error: content/_index.md:8:1: the shortcode `steps` is opened here and never closed with `{% end %}`\n  help: close a block shortcode with `{% end %}` on its own, e.g. `{% note() %}text{% end %}`\n\
         build failed with 2 errors\n"
    );
}
