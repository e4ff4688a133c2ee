//! `edgedocs build` writes the search index: content-hashed files under `search/` and their manifest,
//! without the pages that opt out, drafts or excluded sections; a query through the search crate's
//! Rust API over the written files finds the right section first; the built-in theme's header holds the
//! search form (a GET form to `/search` under the base path) only when search is on, and the results
//! page the edge fills (`search/index.html`) is written.

use crate::support::SiteTest;
use edgedocs_search::{PageResult, search};

fn query(site: &SiteTest, input: &str) -> Vec<PageResult> {
    let folder = site.root().join("public/search");
    search(input, 10, |file| std::fs::read(folder.join(file))).unwrap()
}

fn first_section(site: &SiteTest, input: &str) -> Option<String> {
    Some(query(site, input).first()?.sections.first()?.url.clone())
}

#[test]
fn the_index_is_written_as_hashed_files_with_a_manifest() {
    let mut site = SiteTest::new("search");
    site.build();
    let files: Vec<String> = site
        .output_files()
        .into_iter()
        .filter(|file| file.starts_with("search/") && file != "search/index.html")
        .collect();
    assert!(files.contains(&"search/manifest.json".to_owned()), "{files:?}");
    assert!(
        site.exists("search/index.html"),
        "the results page of search without JavaScript"
    );
    for file in files.iter().filter(|file| *file != "search/manifest.json") {
        let name = file.trim_start_matches("search/");
        let (kind, rest) = name.split_once('.').unwrap();
        assert!(["t", "f"].contains(&kind), "{name}");
        assert!(
            rest.len() == "0123456789abcdef.json".len() && rest.ends_with(".json"),
            "{name}"
        );
    }
    // Home, Storage, KV, D1 and the Japanese page: the blog is excluded, one page opted out, drafts are
    // not built.
    let manifest = site.file("search/manifest.json");
    assert!(manifest.starts_with("{\"version\":1,\"pages\":5,"), "{manifest}");
    // Every file the manifest names was written, and nothing else.
    let named: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let mut listed: Vec<String> = ["shards", "fragments"]
        .iter()
        .flat_map(|key| named[key].as_array().unwrap().iter())
        .map(|entry| format!("search/{}", entry["file"].as_str().unwrap()))
        .collect();
    listed.push("search/manifest.json".into());
    listed.sort();
    assert_eq!(listed, files);

    // The same content gives the same files.
    let before = site.output_files();
    site.build();
    assert_eq!(site.output_files(), before);
}

#[test]
fn a_query_over_the_written_files_finds_the_section_first() {
    let mut site = SiteTest::new("search");
    site.build();
    let results = query(&site, "keyspace index");
    let best = &results[0];
    assert_eq!(best.title, "Workers KV");
    assert_eq!(best.url, "/handbook/storage/kv/");
    assert_eq!(best.sections[0].url, "/handbook/storage/kv/#the-keyspace-as-an-index");
    assert_eq!(best.sections[0].trail, ["Design"]);
    assert!(
        best.sections[0]
            .excerpt
            .contains("<mark>keyspace</mark>, like an <mark>index</mark>"),
        "{}",
        best.sections[0].excerpt
    );
    assert_eq!(
        first_section(&site, "\"the keyspace as an index\"").as_deref(),
        Some("/handbook/storage/kv/#the-keyspace-as-an-index")
    );
    for identifier in ["expirationTtl", "KV.put", "expiration"] {
        assert_eq!(
            first_section(&site, identifier).as_deref(),
            Some("/handbook/storage/kv/#expiring-keys"),
            "{identifier}"
        );
    }
    assert_eq!(first_section(&site, "datab").as_deref(), Some("/handbook/storage/d1/"));
    assert_eq!(first_section(&site, "東京").as_deref(), Some("/handbook/ja/"));
    assert_eq!(first_section(&site, "creme brulee").as_deref(), Some("/handbook/ja/"));
}

#[test]
fn opted_out_pages_drafts_and_excluded_sections_are_not_indexed() {
    let mut site = SiteTest::new("search");
    site.run_ok(&["build", "--drafts"]);
    assert!(site.exists("draft/index.html") && site.exists("private/index.html") && site.exists("blog/index.html"));
    for word in ["zanzibar", "xylophone", "quokka", "narwhal"] {
        assert!(query(&site, word).is_empty(), "{word}");
    }
    let pages: Vec<String> = query(&site, "keyspace").into_iter().map(|page| page.url).collect();
    assert_eq!(pages, ["/handbook/storage/kv/", "/handbook/storage/d1/"]);
}

#[test]
fn every_page_has_the_header_search_as_a_get_form_under_the_base_path() {
    // The built-in theme, not the test theme: its header is what is checked.
    let mut site = SiteTest::without_theme("search");
    site.build();
    for page in ["index.html", "storage/kv/index.html", "ja/index.html", "404.html"] {
        let html = site.file(page);
        for expected in [
            r#"<form class="site-search" action="/handbook/search" method="get" role="search""#,
            r#"data-search-manifest="/handbook/search/manifest.json""#,
            r#"data-search-engine="/handbook/assets/search-engine."#,
            r#"data-search-dialog="/handbook/assets/search-dialog."#,
            r#"type="search" name="q""#,
            r#"data-search-open aria-haspopup="dialog""#,
        ] {
            assert!(html.contains(expected), "{page} lacks {expected}");
        }
    }
}

#[test]
fn the_results_page_is_written_for_the_edge_to_fill() {
    let mut site = SiteTest::without_theme("search");
    site.build();
    let page = site.file("search/index.html");
    for expected in [
        "<title>Search · ",
        r#"<meta name="robots" content="noindex, follow">"#,
        r#"<form class="search-page__form" action="/handbook/search" method="get" role="search">"#,
        r#"id="search-page-input" type="search" name="q""#,
        r#"<div class="search-page__results" data-search-results>"#,
        r#"<div id="pinned-message""#,
    ] {
        assert!(page.contains(expected), "the results page lacks {expected}:\n{page}");
    }
}

#[test]
fn a_site_can_turn_search_off() {
    let mut site = SiteTest::without_theme("search");
    site.write(
        "site.toml",
        "title = \"S\"\nbase_url = \"https://docs.example.com/\"\nbrowsers = [\"chrome 100\"]\n[search]\nenabled = false\n",
    );
    site.build();
    assert!(!site.exists("search"));
    let home = site.file("index.html");
    assert!(!home.contains("site-search") && !home.contains("data-search"), "{home}");
}
