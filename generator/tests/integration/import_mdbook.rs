//! `edgedocs build` on an mdBook book, unchanged (`tests/fixtures/mdbook-basic`): book.toml, the
//! SUMMARY.md navigation, the `{{#...}}` directives, hidden lines of Rust examples and mdBook's links.

use crate::support::SiteTest;

fn built_book() -> SiteTest {
    let mut book = SiteTest::without_theme("mdbook-basic");
    book.build();
    book
}

/// The sidebar of a page, from its `<nav id="site-nav">` to its end.
fn sidebar(book: &SiteTest, page: &str) -> String {
    let html = book.file(page);
    let start = html.find("id=\"site-nav\"").expect("a sidebar");
    let end = html[start..].find("</nav>").expect("the sidebar's end") + start;
    html[start..end].to_owned()
}

#[test]
fn every_chapter_listed_in_summary_is_built_and_no_other() {
    let book = built_book();
    let files = book.output_files();
    for page in [
        "index.html",
        "foreword/index.html",
        "guide/lighting/index.html",
        "guide/oil/index.html",
        "guide/advanced/wicks/index.html",
        "code/index.html",
        "directives/index.html",
        "glossary/index.html",
        "img/lantern.svg",
    ] {
        assert!(files.contains(&page.to_owned()), "missing {page} in {files:?}");
    }
    assert!(!files.iter().any(|file| file.contains("unlisted")), "{files:?}");
    assert!(!files.iter().any(|file| file.contains("SUMMARY")), "{files:?}");
    assert!(
        book.stdout().starts_with("Built 5 pages, 3 sections and "),
        "{}",
        book.stdout()
    );
}

#[test]
fn the_navigation_follows_summary_with_numbers_parts_separators_and_drafts() {
    let book = built_book();
    let nav = sidebar(&book, "guide/oil/index.html");
    let order = [
        "<span>Welcome</span>",
        "<span>Foreword</span>",
        "nav-item--separator",
        "<span class=\"nav-part\">Getting started</span>",
        "<span class=\"nav-link__number\">1.</span> <span>Lighting a lantern</span>",
        "<span class=\"nav-link__number\">1.1.</span> <span>Choosing oil</span>",
        "<span class=\"nav-link__number\">1.1.1.</span> <span>Advanced: wicks</span>",
        "nav-link--draft\"><span class=\"nav-link__number\">1.2.</span> <span>Storing oil</span>",
        "<span class=\"nav-link__number\">2.</span> <span>The lamp in code</span>",
        "<span class=\"nav-part\">Reference</span>",
        "<span class=\"nav-link__number\">3.</span> <span>Directives</span>",
        "nav-item--separator",
        "<span>Glossary</span>",
    ];
    let mut from = 0;
    for entry in order {
        let at = nav[from..]
            .find(entry)
            .unwrap_or_else(|| panic!("`{entry}` is missing or out of order in:\n{nav}"));
        from += at + entry.len();
    }
    assert!(!nav.contains("href=\"/storing"), "a draft has no page: {nav}");
    // The chapter keeps its own heading as its title; the table of contents' name is the navigation's.
    book.check_file(
        "guide/oil/index.html",
        &[
            "<h1 class=\"doc__title\">Choosing lamp oil</h1>",
            "<title>Choosing lamp oil",
        ],
    );
    // Previous and next follow the same order.
    book.check_file(
        "guide/advanced/wicks/index.html",
        &[
            "rel=\"prev\"",
            "<span class=\"pagination__title\">Choosing oil</span>",
            "<span class=\"pagination__title\">The lamp in code</span>",
        ],
    );
}

#[test]
fn no_section_label_leaves_the_numbers_out() {
    let mut book = SiteTest::without_theme("mdbook-basic");
    let toml = std::fs::read_to_string(book.root().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &toml.replace("[output.html]\n", "[output.html]\nno-section-label = true\n"),
    );
    book.build();
    let nav = sidebar(&book, "code/index.html");
    assert!(!nav.contains("nav-link__number"), "{nav}");
    assert!(nav.contains("<span>The lamp in code</span>"), "{nav}");
}

#[test]
fn book_toml_keys_are_used_and_the_others_reported_once() {
    let book = built_book();
    let stderr = book.stderr();
    for warning in [
        "warning: book.toml:8:2: book.toml: `rust` is ignored",
        "warning: book.toml:11:2: book.toml: `preprocessor` is ignored",
        "warning: book.toml:18:1: book.toml: `output.html.mathjax-support` is ignored",
        "warning: book.toml:20:14: book.toml: `output.html.fold` is ignored",
    ] {
        assert_eq!(stderr.matches(warning).count(), 1, "{warning} once in:\n{stderr}");
    }
    book.check_file(
        "foreword/index.html",
        &[
            "<title>Foreword · Lantern Handbook</title>",
            "<html lang=\"en\"",
            "href=\"https://github.com/example/lantern-handbook\" rel=\"external\">GitHub</a>",
            "href=\"https://github.com/example/lantern-handbook/edit/main/src/foreword.md\"",
        ],
    );
    let stylesheet = book
        .output_files()
        .into_iter()
        .find(|file| file.starts_with("assets/main.") && file.ends_with(".css"))
        .unwrap();
    assert!(
        book.file(&stylesheet).contains(".lantern-note"),
        "additional-css is in the stylesheet"
    );
}

#[test]
fn directives_are_expanded_in_code_fences_and_text() {
    let book = built_book();
    // An anchor, without the ANCHOR lines.
    book.check_file("guide/oil/index.html", &["oil_ml", "lit"]);
    book.check_file_lacks("guide/oil/index.html", &["ANCHOR", "{{#include", "derive"]);
    // Line ranges `:2:3`, `:3:` and `::1`.
    let wicks = book.file("guide/advanced/wicks/index.html");
    let blocks: Vec<&str> = wicks.split("<pre class=\"code\">").skip(1).collect();
    assert_eq!(blocks.len(), 3, "{wicks}");
    assert!(blocks[0].contains("length_mm") && blocks[0].contains("material") && !blocks[0].contains("wick]"));
    assert!(
        blocks[1].contains("material") && blocks[1].contains("trim_every_hours") && !blocks[1].contains("length_mm")
    );
    assert!(blocks[2].contains("wick") && !blocks[2].contains("length_mm"));
    // {{#title}} sets the page's <title>; an escaped directive stays, without its backslash.
    book.check_file(
        "directives/index.html",
        &[
            "<title>Directives of the Lantern Handbook</title>",
            "write {{#include file.rs}} in a chapter",
        ],
    );
    book.check_file_lacks("directives/index.html", &["{{#title", "\\{{"]);
}

#[test]
fn rust_blocks_hide_their_setup_lines_behind_a_toggle() {
    let book = built_book();
    let code = book.file("code/index.html");
    // rustdoc_include: the rest of the file is in the page, hidden.
    assert!(
        code.contains("<span class=\"line hidden\"><span class=\"k\">use</span>"),
        "{code}"
    );
    assert!(code.contains("class=\"code-frame__reveal\" aria-pressed=\"false\" hidden>Show hidden lines</button>"));
    // `##` escapes: the attribute line is shown with one `#`.
    assert!(!code.contains("##["), "{code}");
    // `rust,editable`, `should_panic` and the playground's `rust,editable` are Rust, not unknown languages.
    assert!(!book.stderr().contains("unknown code language"), "{}", book.stderr());
    assert_eq!(code.matches("data-lang=\"rust\"").count(), 4, "{code}");
    assert_eq!(code.matches("has-hidden-lines").count(), 3, "{code}");
}

#[test]
fn md_and_html_links_resolve_to_the_pages() {
    let book = built_book();
    book.check_file(
        "guide/lighting/index.html",
        &[
            "<a href=\"/guide/oil/\">Choosing oil</a>",
            "<a href=\"/guide/advanced/wicks/#trimming\">trim the wick</a>",
            "<a href=\"/\">welcome page</a>",
            "<a href=\"/glossary/\">glossary</a>",
            "<img src=\"/img/lantern.svg\"",
        ],
    );
    book.check_file(
        "foreword/index.html",
        &["<a href=\"/guide/lighting/\">lighting.html</a>"],
    );
    book.check_file("index.html", &["<a href=\"/guide/advanced/wicks/#trimming\">wicks</a>"]);
}

#[test]
fn a_broken_link_or_anchor_in_a_chapter_fails_the_build() {
    let mut book = SiteTest::without_theme("mdbook-basic");
    book.write(
        "src/glossary.md",
        "# Glossary\n\nSee [oil](guide/oil.html#nope) and [gone](gone.md).\n",
    );
    let stderr = book.build_fails();
    assert!(stderr.contains("error: src/glossary.md:3:5:"), "{stderr}");
    assert!(stderr.contains("#nope"), "{stderr}");
    assert!(stderr.contains("link to a missing page `gone.md`"), "{stderr}");
}

#[test]
fn problems_after_and_inside_includes_are_reported_where_they_are_written() {
    let mut book = SiteTest::without_theme("mdbook-basic");
    // The include adds lines above the broken link; the included notes have a broken link of their own,
    // and a directive of their own with a bad anchor.
    book.write(
        "src/notes/care.md",
        "Keep the glass clean.\n\nSee [the missing page](missing.md).\n{{#include ../../listings/lamp.rs:nope}}\n",
    );
    book.write(
        "src/glossary.md",
        "# Glossary\n\n```rust\n{{#include ../listings/lamp.rs}}\n```\n\n{{#include notes/care.md}}\n\nSee [oil](guide/oil.md#nope).\n",
    );
    let stderr = book.build_fails();
    assert!(stderr.contains("error: src/glossary.md:9:5: "), "{stderr}");
    assert!(stderr.contains("error: src/notes/care.md:3:5: "), "{stderr}");
    assert!(
        stderr.contains("error: src/notes/care.md:4:1: `../../listings/lamp.rs` has no anchor `nope`"),
        "{stderr}"
    );
}

#[test]
fn a_missing_chapter_and_a_bad_include_name_their_place() {
    let mut book = SiteTest::without_theme("mdbook-basic");
    book.write(
        "src/SUMMARY.md",
        "# Summary\n\n- [Lighting](guide/lighting.md)\n- [Missing](missing.md)\n",
    );
    book.write(
        "src/guide/lighting.md",
        "# Lighting\n\n```rust\n{{#include ../../listings/lamp.rs:nope}}\n```\n\n{{#include ../../../outside.txt}}\n",
    );
    let stderr = book.build_fails();
    assert!(
        stderr.contains(
            "error: src/SUMMARY.md:4:3: the chapter `Missing` cannot be read: `src/missing.md` does not exist"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: src/guide/lighting.md:4:1: `../../listings/lamp.rs` has no anchor `nope`\n  help: anchors in the file: lamp, fields"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "error: src/guide/lighting.md:7:1: cannot include: `../../../outside.txt` leads outside the site root"
        ),
        "{stderr}"
    );
}

#[test]
fn a_summary_that_is_not_a_table_of_contents_is_an_error_with_its_place() {
    let mut book = SiteTest::without_theme("mdbook-basic");
    book.write(
        "src/SUMMARY.md",
        "# Summary\n\n- [Foreword](foreword.md)\n- Just some text\n",
    );
    let stderr = book.build_fails();
    assert!(
        stderr.contains("error: src/SUMMARY.md:4:3: a list item of SUMMARY.md must be a link to a chapter"),
        "{stderr}"
    );
}

#[test]
fn old_html_addresses_and_book_toml_redirects_lead_to_the_pages() {
    let book = built_book();
    book.check_file(
        "_redirects",
        &[
            "/guide/lighting.html /guide/lighting/ 301\n",
            "/guide/advanced/wicks.html /guide/advanced/wicks/ 301\n",
            "/lighting.html /guide/lighting/ 301\n",
            "/old/wicks.html /guide/advanced/wicks/#trimming 301\n",
        ],
    );
    book.check_file_lacks("_redirects", &["/README.html", "/index.html"]);
    book.check_file("guide/oil.html", &["/guide/oil/"]);
}

#[test]
fn a_redirect_to_a_missing_chapter_fails_where_book_toml_writes_it() {
    let mut book = SiteTest::without_theme("mdbook-basic");
    let toml = std::fs::read_to_string(book.root().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &toml.replace("\"guide/lighting.html\"", "\"guide/gone.html\""),
    );
    let stderr = book.build_fails();
    assert!(
        stderr.contains(
            "error: book.toml:24:1: `/lighting.html` redirects to `/guide/gone.html`, which is not a page of the site"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("/guide/gone.html"), "{stderr}");
}
