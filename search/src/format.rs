//! The files of the index as serde types: the manifest, a term shard, a fragment file. The writer
//! ([`crate::build`]) and the readers (the query engine here, the browser's script) share them; the
//! crate's top-level documentation describes them for readers in other languages.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version written into every manifest; readers refuse others.
pub const FORMAT_VERSION: u32 = 1;

/// `manifest.json`: what the index holds and which file holds what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// How many pages are indexed.
    pub pages: u32,
    /// How many sections are indexed, for inverse document frequencies.
    pub sections: u32,
    /// The mean length of a section in tokens, for length normalisation.
    pub average_length: f32,
    /// Term shards in term order: shard `i` holds every term `t` with `shards[i].first <= t <
    /// shards[i + 1].first`, comparing by Unicode code points.
    pub shards: Vec<ShardEntry>,
    /// Fragment files in page order: file `i` holds pages `fragments[i].first_page` up to the next
    /// file's first page.
    pub fragments: Vec<FragmentEntry>,
}

/// One term shard in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardEntry {
    /// The shard's smallest term.
    pub first: String,
    /// The file's name, relative to the manifest.
    pub file: String,
}

/// One fragment file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FragmentEntry {
    pub first_page: u32,
    /// The file's name, relative to the manifest.
    pub file: String,
}

/// A term shard: each term with its postings.
pub type TermShard = BTreeMap<String, Vec<Posting>>;

/// Where a term occurs: `[page, section, head_count, length, position...]`, a flat JSON array.
///
/// `head_count` positions (the first ones) are in the section's heading, or in the page title for
/// section 0; the rest are in its text. `length` is the section's length in tokens.
pub type Posting = Vec<u32>;

/// A posting's fields by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingView<'a> {
    pub page: u32,
    pub section: u32,
    pub head_count: u32,
    pub length: u32,
    pub positions: &'a [u32],
}

impl<'a> PostingView<'a> {
    /// Reads a posting; `None` when it has fewer than its four fixed fields.
    pub fn read(posting: &'a [u32]) -> Option<Self> {
        let [page, section, head_count, length, positions @ ..] = posting else {
            return None;
        };
        Some(Self {
            page: *page,
            section: *section,
            head_count: *head_count,
            length: *length,
            positions,
        })
    }
}

/// A fragment file: the text of some pages, for showing results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FragmentFile {
    pub first_page: u32,
    pub pages: Vec<PageFragment>,
}

/// A page as results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFragment {
    /// The page's URL path, under the site's base path: `/storage/kv/`.
    pub url: String,
    pub title: String,
    /// Section 0 is the text before the first heading; its heading is empty.
    pub sections: Vec<SectionFragment>,
}

/// A section as results show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFragment {
    /// The heading's id, empty for section 0: the section's URL is `url#anchor`.
    pub anchor: String,
    pub heading: String,
    /// The headings above this one, outermost first (the page title not included).
    pub trail: Vec<String>,
    /// The plain text of the section, code included.
    pub text: String,
}
