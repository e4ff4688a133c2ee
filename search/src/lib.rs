//! The edgedocs search index: built by `edgedocs build` from the sections of every page, written as
//! small JSON files under `public/search/`, and queried by the browser's script and by the Worker from
//! the same files. This crate owns the tokeniser, the file format, the query engine and the excerpts;
//! it reads and writes no files itself. Building the index ([`build`]) needs the feature `build`; the
//! query path (`query`, `results`, `excerpt`) builds for `wasm32-unknown-unknown` without it.
//!
//! # The files
//!
//! Every file is JSON, read with `fetch` + `JSON.parse`. Names are relative to the manifest's folder.
//!
//! **`manifest.json`** (not hashed; small; fetched first, revalidated like a page):
//!
//! ```json
//! { "version": 1, "pages": 412, "sections": 3127, "average_length": 58.2,
//!   "shards":    [ { "first": "0", "file": "t.3f9c0a1b2c3d4e5f.json" }, { "first": "cach", "file": "t.…" } ],
//!   "fragments": [ { "first_page": 0, "file": "f.9a8b7c6d5e4f3a2b.json" }, { "first_page": 37, "file": "f.…" } ] }
//! ```
//!
//! - `shards`, sorted by `first`: shard `i` holds every term `t` with `shards[i].first <= t <
//!   shards[i+1].first`. Terms compare by Unicode code point (in JavaScript, compare
//!   `Array.from(a)` code points, not UTF-16 units, for terms outside the Basic Multilingual Plane).
//! - `fragments`, sorted by `first_page`: file `i` holds pages `first_page` up to the next file's.
//! - Every other file is named `<t|f>.<16 hex digits of the BLAKE3 hash of its contents>.json`: cache
//!   them for good.
//!
//! **A term shard** `t.<hash>.json` maps each term to its postings:
//!
//! ```json
//! { "kv": [[0, 0, 1, 12, 1, 5], [0, 2, 0, 40, 17]], "kv.list": [[0, 2, 0, 40, 30]] }
//! ```
//!
//! A posting is `[page, section, head_count, length, position, ...]`: the term occurs in section
//! `section` of page `page`; the first `head_count` positions are in the section's heading (the page
//! title for section 0), the rest in its text; `length` is the section's length in tokens (for BM25);
//! positions are token numbers, ascending, with the heading's tokens first and the text's starting two
//! after the heading's last. Positions make phrase queries possible.
//!
//! **A fragment file** `f.<hash>.json` holds what results show of some pages:
//!
//! ```json
//! { "first_page": 0, "pages": [ { "url": "/storage/kv/", "title": "Workers KV", "sections": [
//!     { "anchor": "", "heading": "", "trail": [], "text": "A global key-value store…" },
//!     { "anchor": "the-keyspace-as-an-index", "heading": "The keyspace as an index",
//!       "trail": ["Design"], "text": "Keys sort by bytes…" } ] } ] }
//! ```
//!
//! Section 0 is the text before the first heading (its `anchor` and `heading` are empty); a section's
//! link is `url#anchor`. `trail` lists the headings above the section, outermost first. URLs include
//! the site's base path.
//!
//! # Terms
//!
//! A reader tokenises a query the way [`tokenize::tokenize`] does: UAX #29 words; lowercase; NFKD with
//! combining marks dropped (then NFC); Snowball English stems for words of 3+ characters without digits;
//! a small list of stop words ([`stem::is_stop_word`]) left out but counted as positions; an
//! identifier (words joined by `_`, `.`, `::`, `-`, or camelCase) is one term as written (lowercased,
//! connectors kept: `kv.list`) plus its stemmed parts at consecutive positions (`kv`, `list`); runs
//! of Han, Hiragana and Katakana as overlapping two-character terms. Terms over 48 bytes are skipped.
//!
//! # Queries
//!
//! [`query::Query`]: every term must match (if no page has them all, pages with the most are shown);
//! `"quoted text"` is a phrase; the last term also matches as a prefix while typing; words of 5+
//! characters allow one typo, of 9+ two, among terms sharing their first two characters (so a term needs
//! only the shards of its own two-letter range). Scoring is BM25 per field: the page title counts 6,
//! a heading 3, the text 1. Results are pages with up to three sections each.

#[cfg(feature = "build")]
pub mod build;
pub mod excerpt;
pub mod format;
pub mod index;
pub mod query;
pub mod results;
pub mod stem;
pub mod tokenize;

pub use format::{Manifest, PageFragment, SectionFragment};
pub use index::PageIndex;
pub use query::Query;
pub use results::{PageResult, SearchError, SectionResult, search};

#[cfg(all(test, feature = "build"))]
mod tests {
    use super::*;
    use crate::build::{FileSizes, build_index};

    #[test]
    fn a_search_over_the_written_files_finds_the_section_with_its_trail_and_excerpt() {
        let pages: Vec<PageIndex> = (0..40)
            .map(|i| {
                PageIndex::new(PageFragment {
                    url: format!("/p{i}/"),
                    title: format!("Page {i}"),
                    sections: vec![
                        SectionFragment {
                            anchor: String::new(),
                            heading: String::new(),
                            trail: Vec::new(),
                            text: format!("Filler text number {i} about storage."),
                        },
                        SectionFragment {
                            anchor: format!("part-{i}"),
                            heading: format!("Part {i}"),
                            trail: vec!["Design".into()],
                            text: if i == 23 {
                                "Keys sort by bytes: the keyspace as an index.".into()
                            } else {
                                "Nothing to see.".into()
                            },
                        },
                    ],
                })
            })
            .collect();
        let files = build_index(
            &pages.iter().collect::<Vec<_>>(),
            FileSizes {
                term_shard: 200,
                fragment_file: 400,
            },
        );
        let mut reads = Vec::new();
        let results = search("keyspace index", 10, |name| {
            reads.push(name.to_owned());
            if name == results::MANIFEST_FILE {
                return Ok(files.manifest_json());
            }
            files
                .files
                .iter()
                .find(|file| file.name == name)
                .map(|file| file.contents.clone())
                .ok_or("no such file")
        })
        .unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].title, "Page 23");
        let section = &results[0].sections[0];
        assert_eq!(section.url, "/p23/#part-23");
        assert_eq!(section.trail, ["Design"]);
        assert_eq!(
            section.excerpt,
            "Keys sort by bytes: the <mark>keyspace</mark> as an <mark>index</mark>."
        );
        // The manifest, a shard or two, one fragment file: not the whole index.
        assert!(reads.len() < files.files.len() / 2, "{reads:?}");
    }

    #[test]
    fn a_missing_file_or_a_newer_format_is_an_error_not_a_panic() {
        let error = search("kv", 10, |_| Err("gone")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "could not read the search index file `manifest.json`: gone"
        );
        let newer = br#"{"version":2,"pages":0,"sections":0,"average_length":0,"shards":[],"fragments":[]}"#;
        let error = search("kv", 10, |_| Ok::<_, &str>(newer.to_vec())).unwrap_err();
        assert!(matches!(error, SearchError::Version { found: 2 }));
        let error = search("kv", 10, |_| Ok::<_, &str>(b"{".to_vec())).unwrap_err();
        assert!(matches!(error, SearchError::Format { .. }));
    }
}
