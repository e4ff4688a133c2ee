//! The built-in theme and the site's overrides of single files: a site needs no theme folder, and a file
//! at the same path in the site's `templates/`, `assets/` or `static/` replaces the theme's.

use crate::support::SiteTest;

#[test]
fn a_site_without_a_theme_folder_builds_with_the_built_in_theme() {
    let mut site = SiteTest::without_theme("docs");
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &[
            "<a class=\"skip-link\" href=\"#content\">",
            "class=\"site-header\"",
            "/assets/main.",
        ],
    );
    assert!(site.exists("favicon.svg"), "the theme's static files are published");
    assert!(site.stdout().starts_with("Built 3 pages"), "{}", site.stdout());
}

#[test]
fn a_site_file_replaces_one_file_of_the_built_in_theme() {
    let mut site = SiteTest::without_theme("docs");
    site.write(
        "templates/partials/footer.html",
        "<footer class=\"mine\">Made by us</footer>\n",
    );
    site.write(
        "assets/css/print.css",
        "@media print { .custom-print { color: red; } }\n",
    );
    site.write(
        "static/favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>ours</title></svg>",
    );
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &["<footer class=\"mine\">Made by us</footer>", "class=\"site-header\""],
    );
    let stylesheet = site
        .output_files()
        .into_iter()
        .find(|file| file.starts_with("assets/main.") && file.ends_with(".css"))
        .unwrap();
    let css = site.file(&stylesheet);
    assert!(
        css.contains(".custom-print{color:red}"),
        "the site's partial is bundled"
    );
    assert!(css.contains(".site-header"), "the theme's other partials still are");
    assert!(site.file("favicon.svg").contains("<title>ours</title>"));
}

#[test]
fn a_mistake_in_an_overriding_template_names_the_site_file() {
    let mut site = SiteTest::without_theme("docs");
    site.write("templates/partials/footer.html", "<footer>{{ site.titel }}</footer>\n");
    let stderr = site.build_fails();
    assert!(
        stderr.starts_with("error: templates/partials/footer.html:1:"),
        "{stderr}"
    );
    // The pages, 404.html and (search is on by default) the search results page.
    assert!(stderr.contains("and 6 other pages"), "reported once: {stderr}");
}

#[test]
fn a_theme_that_does_not_exist_is_still_an_error() {
    let mut site = SiteTest::without_theme("docs");
    site.write(
        "site.toml",
        "title = \"Docs\"\nbase_url = \"https://x.dev\"\ntheme = \"fancy\"\n",
    );
    let stderr = site.build_fails();
    assert!(
        stderr.contains("error: site.toml:3:1: theme `fancy` not found: there is no folder `themes/fancy`"),
        "{stderr}"
    );
}

#[test]
fn an_ejected_theme_is_the_sites_own() {
    let mut site = SiteTest::without_theme("docs");
    let said = site.run_ok(&["theme", "eject"]);
    assert!(said.starts_with("Wrote "), "{said}");
    assert!(
        said.ends_with(" files into themes/default/; the site now builds with this copy of the theme.\n"),
        "{said}"
    );
    site.write(
        "themes/default/templates/partials/footer.html",
        "<footer>ejected and edited</footer>\n",
    );
    site.build();
    site.check_file("storage/kv/index.html", &["<footer>ejected and edited</footer>"]);
    let again = site.run_fails(&["theme", "eject"]);
    assert!(again.contains("`themes/default` already exists"), "{again}");
}

#[test]
fn theme_options_set_the_logo_links_accent_footer_edit_links_and_csp() {
    let mut site = SiteTest::without_theme("docs");
    site.write("static/brand/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.write(
        "site.toml",
        "title = \"Docs\"\nbase_url = \"https://x.dev/docs/\"\n\
         [theme_options]\nlogo = \"brand/logo.svg\"\naccent = \"oklch(55% 0.2 260)\"\nfooter = \"Apache-2.0 · Example team\"\n\
         edit_url = \"https://github.com/o/r/edit/main/content/{path}\"\n\
         csp = { img = [\"https://img.shields.io\"], frame = [\"https://www.youtube-nocookie.com\"] }\n\
         [[theme_options.links]]\nlabel = \"GitHub\"\nurl = \"https://github.com/o/r\"\n",
    );
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &[
            "<img class=\"site-title__logo\" src=\"/docs/brand/logo.svg\" alt=\"\" height=\"28\">",
            "<a class=\"header-link\" href=\"https://github.com/o/r\" rel=\"external\">GitHub</a>",
            "<p class=\"site-footer__text\">Apache-2.0 · Example team</p>",
            "href=\"https://github.com/o/r/edit/main/content/storage/kv.md\"",
        ],
    );
    site.check_file_lacks("storage/kv/index.html", &["site-title__mark", "served from the edge"]);
    let stylesheet = site
        .output_files()
        .into_iter()
        .find(|file| file.starts_with("assets/main.") && file.ends_with(".css"))
        .unwrap();
    assert!(
        site.file(&stylesheet).contains(":root:root{--c-accent:#1c69e3;"),
        "the accent is in the stylesheet"
    );
    let headers = site.file("_headers");
    assert!(
        headers.contains("img-src 'self' data: https://img.shields.io;"),
        "{headers}"
    );
    assert!(
        headers.contains("frame-src 'self' https://www.youtube-nocookie.com"),
        "{headers}"
    );
}

#[test]
fn a_site_post_processes_its_content_and_adds_head_tags_through_the_hooks() {
    let mut site = SiteTest::without_theme("docs");
    site.write(
        "templates/partials/content.html",
        "{%- set content = doc.content | safe %}{% set box %}<p class=\"box\">boxed</p>{% endset %}{{ content | replace(from='<div data-box></div>', to=box) }}\n",
    );
    site.write(
        "templates/partials/head.html",
        "{%- if page is defined and 'data-box' in page.content %}<script src=\"{{ asset_url(path='box.js') }}\" defer></script>{% endif %}\n",
    );
    site.write("assets/box.js", "document.title += '!';\n");
    site.write("assets/css/site.css", ".box { color: rebeccapurple; }\n");
    site.write(
        "content/boxed.md",
        "+++\ntitle = \"Boxed\"\n+++\n\n<div data-box></div>\n",
    );
    site.build();
    site.check_file(
        "boxed/index.html",
        &["<p class=\"box\">boxed</p>", "<script src=\"/assets/box."],
    );
    site.check_file_lacks("storage/kv/index.html", &["/assets/box.", "data-box"]);
    site.check_file_lacks("404.html", &["/assets/box."]);
    let stylesheet = site
        .output_files()
        .into_iter()
        .find(|file| file.starts_with("assets/main.") && file.ends_with(".css"))
        .unwrap();
    assert!(
        site.file(&stylesheet).contains(".box{color:#639}"),
        "the site's styles are bundled"
    );
}

#[test]
fn listing_cards_name_no_kind_for_pages() {
    let mut site = SiteTest::without_theme("docs");
    site.build();
    site.check_file("storage/index.html", &["<span class=\"card__title\">KV</span>"]);
    site.check_file_lacks("storage/index.html", &["card__kind\">Guide"]);
}

/// Runs git in `root` with fixed dates and identity; false when git is not installed.
fn git(root: &std::path::Path, args: &[&str], date: &str) -> bool {
    std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Docs")
        .env("GIT_AUTHOR_EMAIL", "docs@example.com")
        .env("GIT_COMMITTER_NAME", "Docs")
        .env("GIT_COMMITTER_EMAIL", "docs@example.com")
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn pages_show_when_git_last_changed_them_and_the_sitemap_has_lastmod() {
    let mut site = SiteTest::without_theme("docs");
    site.build();
    site.check_file_lacks("storage/kv/index.html", &["Last updated"]);
    assert!(!site.file("sitemap.xml").contains("<lastmod>"), "no git, no dates");

    if !git(site.root(), &["init", "-q"], "2026-01-05T10:00:00Z") {
        return; // no git on this machine
    }
    assert!(git(site.root(), &["add", "content"], "2026-01-05T10:00:00Z"));
    assert!(git(
        site.root(),
        &["commit", "-q", "-m", "first"],
        "2026-01-05T10:00:00Z"
    ));
    site.write(
        "content/storage/kv.md",
        &format!(
            "{}\nMore.\n",
            std::fs::read_to_string(site.root().join("content/storage/kv.md")).unwrap()
        ),
    );
    assert!(git(
        site.root(),
        &["commit", "-q", "-am", "kv"],
        "2026-02-10T09:30:00+01:00"
    ));
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &["Last updated <time datetime=\"2026-02-10T09:30:00+01:00\">2026-02-10</time>"],
    );
    site.check_file(
        "guide/index.html",
        &["<time datetime=\"2026-01-05T10:00:00Z\">2026-01-05</time>"],
    );
    let sitemap = site.file("sitemap.xml");
    assert!(
        sitemap.contains("/storage/kv/</loc><lastmod>2026-02-10T09:30:00+01:00</lastmod></url>"),
        "{sitemap}"
    );

    // Front matter wins over git.
    let guide = std::fs::read_to_string(site.root().join("content/guide.md")).unwrap();
    site.write("content/guide.md", &format!("+++\nupdated = 2025-12-24\n+++\n{guide}"));
    site.build();
    site.check_file("guide/index.html", &["<time datetime=\"2025-12-24\">2025-12-24</time>"]);
    assert!(
        site.file("sitemap.xml")
            .contains("/guide/</loc><lastmod>2025-12-24</lastmod>")
    );

    let config = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!("{config}\n[theme_options]\nlast_updated = false\n"),
    );
    site.build();
    site.check_file_lacks("storage/kv/index.html", &["Last updated"]);
    assert!(!site.file("sitemap.xml").contains("<lastmod>"));
}
