use super::*;
use crate::format::{PageFragment, SectionFragment, ShardEntry};
use crate::index::PageIndex;

fn section(anchor: &str, heading: &str, text: &str) -> SectionFragment {
    SectionFragment {
        anchor: anchor.into(),
        heading: heading.into(),
        trail: Vec::new(),
        text: text.into(),
    }
}

fn page(url: &str, title: &str, sections: Vec<SectionFragment>) -> PageIndex {
    PageIndex::new(PageFragment {
        url: url.into(),
        title: title.into(),
        sections,
    })
}

/// The pages merged the way the build merges them, as one loaded shard.
fn loaded(pages: &[PageIndex]) -> (Manifest, LoadedTerms) {
    let mut shard = TermShard::new();
    let mut sections = 0;
    let mut length = 0;
    for (number, page) in (0u32..).zip(pages) {
        sections += page.section_count();
        length += page.total_length;
        for (term, postings) in &page.terms {
            let merged = shard.entry(term.clone()).or_default();
            for posting in postings {
                let mut flat = vec![number, posting.section, posting.head_count, posting.length];
                flat.extend(&posting.positions);
                merged.push(flat);
            }
        }
    }
    let manifest = Manifest {
        version: crate::format::FORMAT_VERSION,
        pages: pages.len() as u32,
        sections,
        average_length: length as f32 / sections.max(1) as f32,
        shards: Vec::new(),
        fragments: Vec::new(),
    };
    let mut terms = LoadedTerms::new();
    terms.add(shard);
    (manifest, terms)
}

fn kv_site() -> Vec<PageIndex> {
    vec![
        page(
            "/storage/kv/",
            "Workers KV",
            vec![
                section("", "", "A global key-value store for small values."),
                section(
                    "the-keyspace-as-an-index",
                    "The keyspace as an index",
                    "Keys sort by bytes, so a prefix lists one part of the keyspace.",
                ),
                section(
                    "expiring-keys",
                    "Expiring keys",
                    "Pass expirationTtl to put: await env.KV.put(key, value, { expirationTtl: 60 }). List keys with KV.list().",
                ),
            ],
        ),
        page(
            "/storage/d1/",
            "D1 databases",
            vec![
                section("", "", "SQL at the edge. Use an index on every key you filter by."),
                section("caching", "Caching", "Cache query results in KV, keyed by the query."),
            ],
        ),
        page(
            "/guides/values/",
            "Storing values",
            vec![section("", "", "Values can be strings or JSON. The keyspace is flat.")],
        ),
    ]
}

fn urls(pages: &[PageIndex], hits: &[PageHit]) -> Vec<String> {
    hits.iter()
        .map(|hit| {
            let page = &pages[hit.page as usize].fragment;
            let section = &page.sections[hit.sections[0].section as usize];
            format!("{}#{}", page.url, section.anchor)
        })
        .collect()
}

fn search(input: &str) -> Vec<String> {
    let pages = kv_site();
    let (manifest, terms) = loaded(&pages);
    urls(&pages, &Query::parse(input).search(&manifest, &terms, 10))
}

#[test]
fn queries_are_read_into_terms_phrases_and_a_last_prefix() {
    let query = Query::parse("listing KV.list \"the keyspace as an index\" expirat");
    let expected = vec![
        Clause::Term(TermClause {
            term: "list".into(),
            prefix: None,
            max_typos: 1,
        }),
        Clause::Identifier {
            whole: TermClause {
                term: "kv.list".into(),
                prefix: None,
                max_typos: 1,
            },
            parts: vec![("kv".into(), 0), ("list".into(), 1)],
        },
        Clause::Phrase(vec![("keyspac".into(), 0), ("index".into(), 3)]),
        Clause::Term(TermClause {
            term: "expirat".into(),
            prefix: Some("expirat".into()),
            max_typos: 1,
        }),
    ];
    assert_eq!(query.clauses, expected);
    assert_eq!(
        Query::parse("expirat ").clauses,
        [Clause::Term(TermClause {
            term: "expirat".into(),
            prefix: None,
            max_typos: 1,
        })]
    );
    let typos = |word: &str| match &Query::parse(word).clauses[0] {
        Clause::Term(term) => term.max_typos,
        _ => panic!(),
    };
    assert_eq!(
        [typos("keys"), typos("keyss"), typos("configure"), typos("東京")],
        [0, 1, 2, 0]
    );
}

#[test]
fn a_title_match_outranks_a_heading_match_which_outranks_the_text() {
    let pages = vec![
        page(
            "/body/",
            "Body",
            vec![section("", "", "Something about durable objects.")],
        ),
        page(
            "/heading/",
            "Heading",
            vec![section("", "", "Intro."), section("durable", "Durable", "More.")],
        ),
        page("/title/", "Durable Objects", vec![section("", "", "Intro.")]),
    ];
    let (manifest, terms) = loaded(&pages);
    let hits = Query::parse("durable").search(&manifest, &terms, 10);
    assert_eq!(urls(&pages, &hits), ["/title/#", "/heading/#durable", "/body/#"]);
}

#[test]
fn results_point_at_the_section_that_matched() {
    assert_eq!(search("keyspace prefix")[0], "/storage/kv/#the-keyspace-as-an-index");
}

#[test]
fn every_term_must_match_when_some_page_has_them_all() {
    assert_eq!(search("keyspace flat"), ["/guides/values/#"]);
    // No page has both: the pages with either are shown.
    assert_eq!(search("flat sql").len(), 2);
}

#[test]
fn the_last_term_matches_as_a_prefix_while_typing() {
    assert_eq!(search("expira")[0], "/storage/kv/#expiring-keys");
    assert_eq!(search("KV.li")[0], "/storage/kv/#expiring-keys");
    assert_eq!(search("sq")[0], "/storage/d1/#");
    assert!(search("sq ").is_empty(), "a finished word is not a prefix");
}

#[test]
fn identifiers_are_found_as_written_and_by_their_parts() {
    for query in ["expirationTtl", "expirationttl", "ttl", "KV.list", "kv.put"] {
        assert_eq!(search(query), ["/storage/kv/#expiring-keys"], "{query}");
    }
}

#[test]
fn small_typos_are_forgiven_in_longer_words() {
    assert_eq!(search("keyspcae ")[0], "/storage/kv/#the-keyspace-as-an-index");
    assert_eq!(search("databsaes ")[0], "/storage/d1/#");
    assert!(search("kye ").is_empty(), "no typos in short words");
}

#[test]
fn phrases_match_in_order_across_stop_words() {
    assert_eq!(
        search("\"the keyspace as an index\""),
        ["/storage/kv/#the-keyspace-as-an-index"]
    );
    assert!(search("\"index keyspace\"").is_empty());
    assert_eq!(search("\"cache query results\"")[0], "/storage/d1/#caching");
    assert!(
        search("\"keyspace index\"").is_empty(),
        "the words are there, not side by side"
    );
}

#[test]
fn shards_are_picked_by_term_range() {
    let shard = |first: &str| ShardEntry {
        first: first.into(),
        file: format!("{first}.json"),
    };
    let manifest = Manifest {
        version: 1,
        pages: 0,
        sections: 0,
        average_length: 0.0,
        shards: vec![shard("a"), shard("co"), shard("ex"), shard("exq"), shard("k")],
        fragments: Vec::new(),
    };
    let needed = |input: &str| Query::parse(input).shards_needed(&manifest);
    assert_eq!(needed("cache "), ["a.json"]);
    assert_eq!(needed("apple "), ["a.json"]);
    assert_eq!(needed("kv"), ["k.json"]);
    // `expire`: exact in `ex`, typos among `ex...`, which runs on into `exq`.
    assert_eq!(needed("expire "), ["ex.json", "exq.json"]);
    assert_eq!(needed("zebra "), ["k.json"]);
    assert!(needed("").is_empty());
}

#[test]
fn a_title_match_ranks_the_page_but_not_its_first_section_above_the_one_with_the_terms() {
    let pages = vec![
        page(
            "/hash-maps/",
            "Storing keys in hash maps",
            vec![
                section("", "", "Store values under keys."),
                section("creating", "Creating one", "Call new, then insert pairs."),
                section(
                    "entry",
                    "Adding a key only if absent",
                    "The entry API checks for the key first.",
                ),
            ],
        ),
        page(
            "/vectors/",
            "Vectors",
            vec![section("", "", "A vector has no entry method; a hash map does.")],
        ),
    ];
    let (manifest, terms) = loaded(&pages);
    let hits = Query::parse("hash map entry ").search(&manifest, &terms, 10);
    // The page whose title matches comes first, led by the section that has `entry`.
    assert_eq!(urls(&pages, &hits), ["/hash-maps/#entry", "/vectors/#"]);
    // A query only the title answers still leads with the text before the first heading.
    let hits = Query::parse("storing ").search(&manifest, &terms, 10);
    assert_eq!(urls(&pages, &hits), ["/hash-maps/#"]);
}

#[test]
fn prefix_and_typo_ranges_read_a_bounded_number_of_shards() {
    let shard = |first: &str| ShardEntry {
        first: first.into(),
        file: format!("{first}.json"),
    };
    // A big site: the terms starting with `re` fill six shards.
    let firsts = ["a", "re", "reb", "rec", "req", "rer", "ret", "s"];
    let manifest = Manifest {
        version: 1,
        pages: 0,
        sections: 0,
        average_length: 0.0,
        shards: firsts.iter().map(|first| shard(first)).collect(),
        fragments: Vec::new(),
    };
    let needed = |input: &str| Query::parse(input).shards_needed(&manifest);
    // `request`: typos among `req...` (one shard), not among every `re...`.
    assert_eq!(needed("request "), ["req.json"]);
    // `recall`: `rec...` fits in one shard.
    assert_eq!(needed("recall "), ["rec.json"]);
    // While typing `re`, its completions come from the first shards of the range only.
    assert_eq!(needed("re"), ["re.json", "reb.json"]);
    // An exact term is always read, however wide its range.
    assert_eq!(needed("re "), ["re.json"]);
    for input in ["request ", "recall ", "re", "ret", "reconfiguration "] {
        assert!(needed(input).len() <= 1 + 2 * MAX_RANGE_SHARDS, "{input}");
    }
}

#[test]
fn cjk_and_accented_queries_meet_their_text() {
    let pages = vec![
        page("/ja/", "東京のガイド", vec![section("", "", "東京都に行く。")]),
        page("/fr/", "Crème brûlée", vec![section("", "", "Une recette française.")]),
    ];
    let (manifest, terms) = loaded(&pages);
    let find = |input: &str| urls(&pages, &Query::parse(input).search(&manifest, &terms, 10));
    assert_eq!(find("東京都"), ["/ja/#"]);
    assert_eq!(find("creme"), ["/fr/#"]);
    assert_eq!(find("FRANÇAISE"), ["/fr/#"]);
}

#[test]
fn odd_queries_do_not_panic() {
    let pages = kv_site();
    let (manifest, terms) = loaded(&pages);
    let long = "keyspace ".repeat(1200);
    let odd = "\"\u{0}\u{feff}\"\"::-._\u{10ffff}👩‍👩‍👧 a\u{301}".repeat(50);
    for input in ["", "\"", "\"\"", "the and of", "a", "::", "*", "\\", &long, &odd] {
        let query = Query::parse(input);
        assert!(query.clauses.len() <= MAX_CLAUSES);
        query.shards_needed(&manifest);
        query.search(&manifest, &terms, 10);
    }
    assert!(Query::parse("the and of").is_empty());
}
