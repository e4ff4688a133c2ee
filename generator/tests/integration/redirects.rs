//! Redirects from front matter: `_redirects` for the host, a page at each old URL for other hosts,
//! and one run that reports every broken redirect.

use crate::support::SiteTest;

#[test]
fn aliases_and_redirect_to_become_rules_and_pages() {
    let mut site = SiteTest::new("redirects");
    site.build();
    assert_eq!(
        site.file("_redirects").lines().skip(1).collect::<Vec<_>>(),
        [
            "/getting-started/ /guide/intro/ 301",
            "/intro.html /guide/intro/ 301",
            "/old-setup/ /guide/intro/#setup 301",
        ]
    );
    site.check_file(
        "getting-started/index.html",
        &[
            "<link rel=\"canonical\" href=\"https://moved.example/guide/intro/\">",
            "<meta http-equiv=\"refresh\" content=\"0; url=/guide/intro/\">",
        ],
    )
    .check_file("intro.html", &["url=/guide/intro/"])
    .check_file("old-setup/index.html", &["url=/guide/intro/#setup"])
    .check_file_lacks("old-setup/index.html", &["This page moved."])
    .check_file("guide/intro/index.html", &["Install it."]);
}

#[test]
fn every_broken_redirect_is_reported_in_one_run() {
    let mut site = SiteTest::new("invalid/bad_redirects");
    assert_eq!(
        site.build_fails(),
        "error: content/a.md:3:21: the old URL `/b/` is also a page of the site\n  help: a live page cannot redirect: remove the redirect, or move or rename the page that has this URL\n\
         error: content/b.md:3:12: the old URL `/old/` is already redirected to `/a/` by content/a.md:3:12\n  help: keep the old URL in one place only: remove one of the two\n\
         error: content/c.md:3:15: the redirects chain: /c/ -> /d/ -> /missing/\n  help: point `/c/` straight at `/missing/`: browsers and search engines follow one hop\n\
         error: content/d.md:3:15: `/d/` redirects to `/missing/`, which is not a page of the site\n  help: point it at a page the site builds, or remove it\n\
         error: content/e.md:3:15: the redirects loop: /e/ -> /f/ -> /e/\n  help: point one of them at the page that now has the content\n\
         error: content/f.md:3:15: the redirects loop: /f/ -> /e/ -> /f/\n  help: point one of them at the page that now has the content\n\
         build failed with 6 errors\n"
    );
}
