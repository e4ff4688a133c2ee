//! The search steps over a real index (written by `edgedocs-search`'s builder) and a results page
//! like the theme's, read the way a runtime reads them.

use super::*;
use crate::search::request::MAX_SEARCH_QUERY_BYTES;
use edgedocs_search::build::{FileSizes, build_index};
use edgedocs_search::{PageFragment, PageIndex, SectionFragment};
use std::collections::HashMap;

const PAGE: &str = "<!doctype html><html lang=\"en\"><head><title>Search · Docs</title></head><body>\
<header><form action=\"/search\" role=\"search\"><input id=\"h\" name=\"q\" type=\"search\"></form></header>\
<main><div id=\"pinned-message\" hidden></div><h1>Search</h1>\
<form action=\"/search\"><input id=\"p\" name=\"q\" type=\"search\"></form>\
<div class=\"search-page__results\" data-search-results><p>Search needs the site's edge.</p></div></main></body></html>";

/// The files of a site by site path.
type Files = HashMap<String, Vec<u8>>;

fn section(anchor: &str, heading: &str, trail: &[&str], text: &str) -> SectionFragment {
    SectionFragment {
        anchor: anchor.into(),
        heading: heading.into(),
        trail: trail.iter().map(|&heading| heading.to_owned()).collect(),
        text: text.into(),
    }
}

/// The files of a small site's index, by site path, with the results page.
fn site_files(term_shard_bytes: usize) -> HashMap<String, Vec<u8>> {
    let mut pages = vec![
        PageIndex::new(PageFragment {
            url: "/storage/kv/".into(),
            title: "Workers KV".into(),
            sections: vec![
                section("", "", &[], "A global key-value store for configuration."),
                section(
                    "the-keyspace-as-an-index",
                    "The keyspace as an index",
                    &["Design"],
                    "Keys sort by bytes, so a prefix lists a range: the keyspace as an index.",
                ),
            ],
        }),
        PageIndex::new(PageFragment {
            url: "/storage/r2/".into(),
            title: "R2 <objects> & \"buckets\"".into(),
            sections: vec![section(
                "",
                "",
                &[],
                "Objects live in buckets; listing them walks a cursor.",
            )],
        }),
    ];
    for i in 0..30 {
        pages.push(PageIndex::new(PageFragment {
            url: format!("/filler/{i}/"),
            title: format!("Filler {i}"),
            sections: vec![section(
                "",
                "",
                &[],
                &format!("Alpha beta gamma delta number{i} word{i}."),
            )],
        }));
    }
    let index = build_index(
        &pages.iter().collect::<Vec<_>>(),
        FileSizes {
            term_shard: term_shard_bytes,
            fragment_file: 400,
        },
    );
    let mut files: HashMap<String, Vec<u8>> = index
        .files
        .iter()
        .map(|file| (format!("/search/{}", file.name), file.contents.clone()))
        .collect();
    files.insert("/search/manifest.json".into(), index.manifest_json());
    files.insert(SEARCH_PAGE_FILE.into(), PAGE.as_bytes().to_vec());
    files
}

/// Runs a search to its end, reading from `files`; returns the outcome and the files of each round.
fn run(files: &HashMap<String, Vec<u8>>, query_string: &str) -> (SearchOutcome, Vec<Vec<String>>) {
    let mut rounds = Vec::new();
    let mut step = start_search(query_string);
    loop {
        match step {
            SearchStep::Done(outcome) => return (outcome, rounds),
            SearchStep::Read { reads, pending } => {
                assert!(rounds.len() < 3, "at most three rounds of reads");
                let read = reads
                    .files
                    .iter()
                    .map(|file| {
                        files
                            .get(file)
                            .map_or(FileRead::Missing, |bytes| FileRead::Found(bytes.clone()))
                    })
                    .collect();
                rounds.push(reads.files);
                step = continue_search(pending, read);
            }
        }
    }
}

fn page_of(outcome: SearchOutcome) -> (u16, String, Option<String>) {
    match outcome {
        SearchOutcome::Page(page) => (page.status, String::from_utf8(page.html()).unwrap(), page.problem),
        SearchOutcome::NoSearchPage => panic!("expected a results page"),
    }
}

#[test]
fn a_known_term_finds_its_section_with_trail_link_and_excerpt() {
    let (outcome, rounds) = run(&site_files(200), "q=keyspace");
    let (status, html, problem) = page_of(outcome);
    assert_eq!((status, problem), (200, None));
    assert_eq!(rounds[0], ["/search/", "/search/manifest.json"]);
    assert_eq!(rounds.len(), 3, "page and manifest, shards, fragments");
    assert!(html.contains("1 page found for <bdi>keyspace</bdi>"), "{html}");
    assert!(
        html.contains("<a href=\"/storage/kv/?highlight=keyspac\">Workers KV</a>"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/storage/kv/?highlight=keyspac#the-keyspace-as-an-index\"><span class=\"search-hit__trail\">Design › </span><span class=\"search-hit__heading\">The keyspace as an index</span>"),
        "{html}"
    );
    assert!(html.contains("the <mark>keyspace</mark> as an index"), "{html}");
    assert!(
        html.contains("<input id=\"h\" name=\"q\" type=\"search\" value=\"keyspace\">"),
        "{html}"
    );
    assert!(
        html.contains("<input id=\"p\" name=\"q\" type=\"search\" value=\"keyspace\">"),
        "{html}"
    );
    assert!(html.contains("<title>keyspace – Search · Docs</title>"), "{html}");
    assert!(!html.contains("needs the site's edge"), "the placeholder is replaced");
    assert!(
        html.contains("<div id=\"pinned-message\" hidden></div>"),
        "the page injection's slot stays"
    );
}

#[test]
fn a_phrase_matches_only_words_side_by_side() {
    let files = site_files(200);
    let (phrase, _) = run(&files, "q=%22keyspace+as+an+index%22");
    assert!(page_of(phrase).1.contains("1 page found"));
    let (apart, _) = run(&files, "q=%22index+keyspace%22");
    assert!(page_of(apart).1.contains("No results for"));
}

#[test]
fn no_results_is_a_page_that_says_so() {
    let (outcome, _) = run(&site_files(200), "q=zzyzx");
    let (status, html, _) = page_of(outcome);
    assert_eq!(status, 200);
    assert!(html.contains("No results for <bdi>zzyzx</bdi>."), "{html}");
    assert!(!html.contains("<ol"), "{html}");
}

#[test]
fn an_empty_query_reads_only_the_page() {
    for query_string in ["", "q=", "q=+%09+", "other=1"] {
        let (outcome, rounds) = run(&site_files(200), query_string);
        assert_eq!(rounds, [["/search/"]], "{query_string}");
        let (status, html, _) = page_of(outcome);
        assert_eq!(status, 200);
        assert!(html.contains("Type the words to look for."), "{html}");
        assert!(html.contains("value=\"\""), "{html}");
    }
}

#[test]
fn a_ten_kilobyte_query_is_cut_and_answered() {
    let query = format!("q={}", "keyspace+".repeat(10 * 1024 / 9));
    let (outcome, rounds) = run(&site_files(200), &query);
    let (status, html, _) = page_of(outcome);
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("Only the first {MAX_SEARCH_QUERY_BYTES} bytes")),
        "{html}"
    );
    assert!(rounds.iter().all(|round| round.len() <= MAX_SHARDS_PER_QUERY + 1));
}

#[test]
fn markup_in_the_query_is_escaped_everywhere() {
    let (outcome, _) = run(&site_files(200), "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22+%26amp%3B");
    let (status, html, _) = page_of(outcome);
    assert_eq!(status, 200);
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp;amp;"),
        "{html}"
    );
    assert!(
        html.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp;amp;\""),
        "{html}"
    );
    assert!(
        html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;\" &amp;amp; – Search"),
        "{html}"
    );
}

#[test]
fn titles_from_the_index_are_escaped() {
    let (outcome, _) = run(&site_files(200), "q=buckets");
    let html = page_of(outcome).1;
    assert!(
        html.contains(">R2 &lt;objects&gt; &amp; &quot;buckets&quot;</a>"),
        "{html}"
    );
}

#[test]
fn odd_unicode_gets_a_page() {
    for query in [
        "q=%00",
        "q=a%00b",
        "q=%E2%80%8F%D7%A9%D7%9C%D7%95%D7%9D",
        "q=e%CC%81%CC%81%CC%81",
        "q=%F0%9F%A6%80%F0%9F%A6%80",
        "q=%EF%BF%BF%ED%9F%BF",
        "q=%C0%AF",
        "q=%22",
        "q=%22%22%22",
        "q=..%2F..%2F",
    ] {
        let (outcome, _) = run(&site_files(200), query);
        let (status, html, problem) = page_of(outcome);
        assert_eq!((status, problem), (200, None), "{query}");
        assert!(!html.contains('\0'), "{query}");
    }
}

#[test]
fn a_broad_query_reads_a_bounded_number_of_shards() {
    let files = site_files(40);
    let manifest: Manifest = serde_json::from_slice(&files["/search/manifest.json"]).unwrap();
    assert!(
        manifest.shards.len() > MAX_SHARDS_PER_QUERY,
        "{}",
        manifest.shards.len()
    );
    let query = "q=al+be+ga+de+nu+wo+ke+ob";
    let (outcome, rounds) = run(&files, query);
    assert!(rounds[1].len() <= MAX_SHARDS_PER_QUERY, "{rounds:?}");
    assert_eq!(page_of(outcome).0, 200);
}

#[test]
fn a_missing_or_broken_index_says_search_is_unavailable() {
    let files = site_files(200);
    let broken = |edit: &dyn Fn(&mut Files)| {
        let mut files = files.clone();
        edit(&mut files);
        let (status, html, problem) = page_of(run(&files, "q=keyspace").0);
        assert_eq!(status, 503);
        assert!(html.contains("Search is unavailable right now."), "{html}");
        problem.expect("the log hears why")
    };
    let problem = broken(&|files| {
        files.remove("/search/manifest.json");
    });
    assert_eq!(problem, "`/search/manifest.json` is missing");
    let problem = broken(&|files| {
        files.insert("/search/manifest.json".into(), b"{\"version\":".to_vec());
    });
    assert!(problem.contains("manifest.json"), "{problem}");
    broken(&|files| {
        files.insert("/search/manifest.json".into(), br#"{"version":99}"#.to_vec());
    });
    let problem = broken(&|files| {
        let manifest = String::from_utf8(files["/search/manifest.json"].clone()).unwrap();
        let first = manifest
            .split("\"file\":\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        files.insert(
            "/search/manifest.json".into(),
            manifest.replace(&first, "../../secret.json").into_bytes(),
        );
    });
    assert!(problem.contains("not a plain file name"), "{problem}");
    let problem = broken(&|files| {
        for (name, contents) in files.iter_mut() {
            if name.starts_with("/search/t.") {
                *contents = b"[not a shard".to_vec();
            }
        }
    });
    assert!(problem.contains("is not valid"), "{problem}");
    let problem = broken(&|files| {
        files.retain(|name, _| !name.starts_with("/search/f."));
    });
    assert!(problem.contains("is missing"), "{problem}");
    let problem = broken(&|files| {
        for (name, contents) in files.iter_mut() {
            if name.starts_with("/search/t.") {
                *contents = vec![b' '; MAX_SEARCH_FILE_BYTES + 1];
            }
        }
    });
    assert!(problem.contains("more than the"), "{problem}");
}

#[test]
fn without_a_results_page_the_request_is_an_asset() {
    let mut files = site_files(200);
    files.remove(SEARCH_PAGE_FILE);
    assert_eq!(run(&files, "q=kv").0, SearchOutcome::NoSearchPage);
}

#[test]
fn a_page_without_the_results_element_is_replaced_by_a_plain_one() {
    let mut files = site_files(200);
    files.insert(SEARCH_PAGE_FILE.into(), b"<html><body>no slot</body></html>".to_vec());
    let (status, html, _) = page_of(run(&files, "q=keyspace").0);
    assert_eq!(status, 200);
    assert!(html.contains("<div data-search-results><p class=\"search-page__status\" role=\"status\">1 page found"));
    assert!(html.contains("value=\"keyspace\""), "{html}");
}

#[test]
fn a_runtime_that_reports_too_few_reads_gets_an_unavailable_page_not_a_panic() {
    let SearchStep::Read { pending, .. } = start_search("q=kv") else {
        panic!("a query reads files");
    };
    let step = continue_search(pending, vec![FileRead::Found(PAGE.as_bytes().to_vec())]);
    let SearchStep::Done(SearchOutcome::Page(page)) = step else {
        panic!("the page");
    };
    assert_eq!(page.status, 503);
}
