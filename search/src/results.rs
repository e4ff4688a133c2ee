//! Results as readers show them: each page with its title and URL, and its best sections with their
//! heading trail, their link (`/storage/kv/#the-keyspace`) and an excerpt. Also the whole search in
//! one call, over a function that reads the index's files ([`search`]); the Worker, whose reads are
//! asynchronous, calls the steps itself: [`Query::shards_needed`], [`Query::search`],
//! [`fragments_needed`], [`present`].

use crate::excerpt::{EXCERPT_BYTES, excerpt};
use crate::format::{FORMAT_VERSION, FragmentFile, Manifest, PageFragment, TermShard};
use crate::query::{LoadedTerms, PageHit, Query};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A page that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageResult {
    pub url: String,
    pub title: String,
    pub score: f32,
    /// Best first.
    pub sections: Vec<SectionResult>,
}

/// A section that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionResult {
    /// The page's URL, with `#anchor` for every section but the first.
    pub url: String,
    /// The section's heading; the page title for section 0.
    pub heading: String,
    /// The headings above it, outermost first.
    pub trail: Vec<String>,
    /// HTML: escaped text with `<mark>` around the matched terms.
    pub excerpt: String,
}

/// What went wrong reading the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("could not read the search index file `{file}`: {message}")]
    Read { file: String, message: String },
    #[error("the search index file `{file}` is not valid: {error}")]
    Format { file: String, error: serde_json::Error },
    #[error("the search index has format version {found}, this reader knows {FORMAT_VERSION}")]
    Version { found: u32 },
}

/// The manifest's file name, in the index's folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Reads a manifest and checks its version.
pub fn read_manifest(bytes: &[u8]) -> Result<Manifest, SearchError> {
    let manifest: Manifest = serde_json::from_slice(bytes).map_err(|error| SearchError::Format {
        file: MANIFEST_FILE.into(),
        error,
    })?;
    if manifest.version != FORMAT_VERSION {
        return Err(SearchError::Version {
            found: manifest.version,
        });
    }
    Ok(manifest)
}

/// The fragment files (names relative to the manifest) that hold the pages of `hits`, each once.
pub fn fragments_needed<'m>(hits: &[PageHit], manifest: &'m Manifest) -> Vec<&'m str> {
    let files: BTreeSet<usize> = hits
        .iter()
        .map(|hit| {
            manifest
                .fragments
                .partition_point(|entry| entry.first_page <= hit.page)
                .saturating_sub(1)
        })
        .filter(|&index| index < manifest.fragments.len())
        .collect();
    files
        .into_iter()
        .map(|index| manifest.fragments[index].file.as_str())
        .collect()
}

/// The pages of some fragment files, by page number.
#[derive(Debug, Default, Clone)]
pub struct LoadedFragments {
    pages: BTreeMap<u32, PageFragment>,
}

impl LoadedFragments {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: FragmentFile) {
        for (page, fragment) in (file.first_page..).zip(file.pages) {
            self.pages.insert(page, fragment);
        }
    }
}

/// `hits` as results, with excerpts; hits whose page or section is missing from `fragments` are left
/// out.
pub fn present(hits: &[PageHit], fragments: &LoadedFragments) -> Vec<PageResult> {
    hits.iter()
        .filter_map(|hit| {
            let page = fragments.pages.get(&hit.page)?;
            let sections = hit
                .sections
                .iter()
                .filter_map(|section_hit| {
                    let section = page.sections.get(section_hit.section as usize)?;
                    let (url, heading) = if section.anchor.is_empty() {
                        (page.url.clone(), page.title.clone())
                    } else {
                        (format!("{}#{}", page.url, section.anchor), section.heading.clone())
                    };
                    Some(SectionResult {
                        url,
                        heading,
                        trail: section.trail.clone(),
                        excerpt: excerpt(&section.text, &hit.terms, EXCERPT_BYTES),
                    })
                })
                .collect();
            Some(PageResult {
                url: page.url.clone(),
                title: page.title.clone(),
                score: hit.score,
                sections,
            })
        })
        .collect()
}

/// The whole search: parses `input`, reads the manifest and the files the query needs through
/// `read` (a file name relative to the index's folder to its bytes), and returns at most `limit` pages.
pub fn search<E: std::fmt::Display>(
    input: &str,
    limit: usize,
    mut read: impl FnMut(&str) -> Result<Vec<u8>, E>,
) -> Result<Vec<PageResult>, SearchError> {
    let query = Query::parse(input);
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let mut read_file = |file: &str| {
        read(file).map_err(|error| SearchError::Read {
            file: file.to_owned(),
            message: error.to_string(),
        })
    };
    let manifest = read_manifest(&read_file(MANIFEST_FILE)?)?;
    let mut terms = LoadedTerms::new();
    for file in query.shards_needed(&manifest) {
        terms.add(read_term_shard(file, &read_file(file)?)?);
    }
    let hits = query.search(&manifest, &terms, limit);
    let mut fragments = LoadedFragments::new();
    for file in fragments_needed(&hits, &manifest) {
        fragments.add(read_fragment_file(file, &read_file(file)?)?);
    }
    Ok(present(&hits, &fragments))
}

/// Reads a term shard named `file` (for a reader that fetches the files itself, like the Worker).
pub fn read_term_shard(file: &str, bytes: &[u8]) -> Result<TermShard, SearchError> {
    parse(file, bytes)
}

/// Reads a fragment file named `file` (for a reader that fetches the files itself, like the Worker).
pub fn read_fragment_file(file: &str, bytes: &[u8]) -> Result<FragmentFile, SearchError> {
    parse(file, bytes)
}

fn parse<T: serde::de::DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, SearchError> {
    serde_json::from_slice(bytes).map_err(|error| SearchError::Format {
        file: file.to_owned(),
        error,
    })
}
