//! The site's search index: which documents are indexed, each document's part (made while it renders,
//! so the Markdown is parsed once), and the stage that merges the parts into the files under
//! `search/`. The file format, the tokeniser and the query engine belong to `edgedocs-search`.

pub(crate) mod sections;

use crate::config::SiteConfig;
use crate::content::front_matter::FrontMatter;
use crate::content::tree::Document;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputSink;
use edgedocs_search::build::{FileSizes, build_index};
use edgedocs_search::{PageFragment, PageIndex, SectionFragment};
use rayon::prelude::*;
use std::collections::HashSet;

/// The folder of the output the index is written to.
pub(crate) const SEARCH_FOLDER: &str = "search";

/// The manifest's path in the output; the one file of the index whose name never changes.
pub(crate) const MANIFEST_PATH: &str = "search/manifest.json";

/// The results page of search without JavaScript (the theme's `search.html`), which the edge and
/// `edgedocs serve` fill for `/search?q=`.
pub(crate) const RESULTS_PAGE_PATH: &str = "search/index.html";

/// Whether the document at `path` goes into the index: search is on, the page did not opt out with
/// `search = false`, it is no draft (drafts built with `--drafts` are for review, not for finding), and
/// `[search] exclude` does not cover its path.
pub(crate) fn is_indexed(config: &SiteConfig, path: &str, front_matter: &FrontMatter) -> bool {
    config.search.enabled && front_matter.search && !front_matter.draft && !config.search.excludes(path)
}

/// A document's part of the index: its sections, tokenised.
pub(crate) fn page_index(document: &Document, sections: Vec<SectionFragment>) -> PageIndex {
    PageIndex::new(PageFragment {
        url: document.href.clone(),
        title: document.title.clone(),
        sections,
    })
}

/// Merges the parts (with the URL path of their page) into the index's files and writes them under
/// [`SEARCH_FOLDER`]. Pages are numbered in URL order, so neighbouring pages share fragment files.
/// Files named in `already_written` are not written again: a name is a hash of the contents, so after
/// an edit only the shards and the fragment file that changed are written, with the manifest.
/// Returns the paths of every file of the index.
pub(crate) fn write_index<'a>(
    parts: impl Iterator<Item = (&'a str, &'a PageIndex)>,
    already_written: &HashSet<String>,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) -> HashSet<String> {
    let mut parts: Vec<(&str, &PageIndex)> = parts.collect();
    parts.sort_unstable_by_key(|(path, _)| *path);
    let pages: Vec<&PageIndex> = parts.into_iter().map(|(_, part)| part).collect();
    let files = build_index(&pages, FileSizes::default());
    let manifest = files.manifest_json();
    let mut writes: Vec<(String, &[u8])> = files
        .files
        .iter()
        .map(|file| (format!("{SEARCH_FOLDER}/{}", file.name), file.contents.as_slice()))
        .collect();
    writes.push((MANIFEST_PATH.to_owned(), &manifest));
    let errors: Vec<String> = writes
        .par_iter()
        .filter(|(path, _)| path == MANIFEST_PATH || !already_written.contains(path))
        .filter_map(|(path, contents)| output.write(path, contents).err().map(|error| format!("{error:#}")))
        .collect();
    for error in errors {
        diagnostics.push(Diagnostic::error(None, error));
    }
    writes.into_iter().map(|(path, _)| path).collect()
}
