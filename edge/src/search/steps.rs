//! A search's reads and its answer, as steps: [`start_search`] names the first files to read,
//! [`continue_search`] takes what was read and names the next files or gives the page. Three rounds
//! at most: the results page and the manifest; the term shards the query needs (at most
//! [`MAX_SHARDS_PER_QUERY`]); the fragment files of the pages found (at most
//! [`MAX_FRAGMENT_FILES_PER_QUERY`]). Every file is read whole and at most [`MAX_SEARCH_FILE_BYTES`]
//! long. The query engine is `edgedocs-search`'s; this module only feeds it and decides the page.

use edgedocs_search::Manifest;
use edgedocs_search::query::{LoadedTerms, PageHit, Query};
use edgedocs_search::results::{
    LoadedFragments, MANIFEST_FILE, fragments_needed, present, read_fragment_file, read_manifest, read_term_shard,
};

use super::request::SearchQuery;
use super::results_page::{self, ResultsFill, ResultsView};

/// The path the header's search form sends its query to.
pub const SEARCH_PATH: &str = "/search";
/// The results page the build writes (`search/index.html`), which the edge fills. Like every file
/// named here it is a URL path of the site, which the runtime reads as its static host answers it.
pub const SEARCH_PAGE_FILE: &str = "/search/";
/// The folder of the index's files.
const INDEX_FOLDER: &str = "/search/";
/// The most term shards one query reads; a query that needs more (many long prefixes) is searched in
/// the first ones and the page says the results may be incomplete.
pub const MAX_SHARDS_PER_QUERY: usize = 12;
/// The most fragment files one query reads (results on pages in others are left out).
pub const MAX_FRAGMENT_FILES_PER_QUERY: usize = 6;
/// The largest file of the index (or results page) read, in bytes; a larger one counts as corrupt.
/// The build writes shards of about 40 KB and fragment files of about 64 KB.
pub const MAX_SEARCH_FILE_BYTES: usize = 1024 * 1024;
/// The most pages a results page lists.
pub const MAX_SEARCH_RESULTS: usize = 20;

/// Files to read, all at once (in parallel where the runtime can).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchReads {
    /// URL paths of the site (`/search/manifest.json`), each once.
    pub files: Vec<String>,
    /// A runtime may stop reading a file past this many bytes and report it as failed.
    pub max_bytes: usize,
}

/// What reading one file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRead {
    Found(Vec<u8>),
    /// The site has no such file (a 404 from the assets).
    Missing,
    /// Reading failed, or the file was longer than [`SearchReads::max_bytes`]: why, for the log.
    Failed(String),
}

/// The next step of a search.
#[derive(Debug)]
pub enum SearchStep {
    /// Read `reads.files`, then call [`continue_search`] with what each came to, in the same order.
    Read {
        reads: SearchReads,
        pending: PendingSearch,
    },
    Done(SearchOutcome),
}

/// How a search ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchOutcome {
    /// The site has no results page (its search is off): answer the request as any other asset.
    NoSearchPage,
    Page(SearchPage),
}

/// The results page to send (through the page injection, as every page): the page the build wrote
/// and what to fill into it. Natively [`SearchPage::html`] fills it with lol_html; the Worker hands the
/// [`ResultsFill`] to the runtime's HTMLRewriter with the page's injection plan, in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    /// 200, or 503 when the index cannot be read (then the page says search is unavailable).
    pub status: u16,
    /// The results page as built (`search/index.html`).
    pub page: String,
    pub fill: ResultsFill,
    /// What went wrong reading the index, for the runtime's log; never shown to the visitor.
    pub problem: Option<String>,
}

impl SearchPage {
    /// The page filled (see [`ResultsFill`]); a page without a `[data-search-results]` element, or one
    /// lol_html cannot read, is replaced by a plain page with the same content.
    pub fn html(&self) -> Vec<u8> {
        results_page::fill(&self.page, &self.fill)
    }
}

/// A search between two rounds of reads.
#[derive(Debug)]
pub struct PendingSearch {
    query: SearchQuery,
    stage: Stage,
    files: Vec<String>,
}

#[derive(Debug)]
enum Stage {
    PageAndManifest,
    Shards {
        page: String,
        manifest: Box<Manifest>,
        parsed: Query,
        incomplete: bool,
    },
    Fragments {
        page: String,
        hits: Vec<PageHit>,
        incomplete: bool,
    },
}

/// The first step: read the results page, and the manifest unless the query is empty.
pub(crate) fn start_search(query_string: &str) -> SearchStep {
    let query = SearchQuery::from_query_string(query_string);
    let mut files = vec![SEARCH_PAGE_FILE.to_owned()];
    if !query.is_empty() {
        files.push(format!("{INDEX_FOLDER}{MANIFEST_FILE}"));
    }
    read(query, Stage::PageAndManifest, files)
}

/// The next step, from what the files of the last step came to (in the order they were named).
pub(crate) fn continue_search(pending: PendingSearch, reads: Vec<FileRead>) -> SearchStep {
    let PendingSearch { query, stage, files } = pending;
    let mut reads = files.iter().zip(reads.into_iter().chain(std::iter::repeat_with(|| {
        FileRead::Failed("the runtime did not say what reading it came to".into())
    })));
    match stage {
        Stage::PageAndManifest => {
            let page = match reads.next() {
                Some((_, FileRead::Found(bytes))) if bytes.len() <= MAX_SEARCH_FILE_BYTES => {
                    String::from_utf8_lossy(&bytes).into_owned()
                }
                _ => return SearchStep::Done(SearchOutcome::NoSearchPage),
            };
            if query.is_empty() {
                return done(&page, &query, ResultsView::Prompt, None);
            }
            let manifest = match reads.next().map(|(file, read)| found(file, read)) {
                Some(Ok(bytes)) => read_manifest(&bytes).map_err(|error| error.to_string()),
                Some(Err(problem)) => Err(problem),
                None => Err("the manifest was not read".into()),
            };
            let manifest = match manifest.and_then(checked_manifest) {
                Ok(manifest) => manifest,
                Err(problem) => return unavailable(&page, &query, problem),
            };
            let parsed = Query::parse(&query.text);
            let mut shards: Vec<String> = parsed
                .shards_needed(&manifest)
                .into_iter()
                .map(|file| format!("{INDEX_FOLDER}{file}"))
                .collect();
            let incomplete = shards.len() > MAX_SHARDS_PER_QUERY;
            shards.truncate(MAX_SHARDS_PER_QUERY);
            if parsed.is_empty() || shards.is_empty() {
                return done(
                    &page,
                    &query,
                    ResultsView::Found {
                        pages: Vec::new(),
                        incomplete,
                    },
                    None,
                );
            }
            read(
                query,
                Stage::Shards {
                    page,
                    manifest: Box::new(manifest),
                    parsed,
                    incomplete,
                },
                shards,
            )
        }
        Stage::Shards {
            page,
            manifest,
            parsed,
            incomplete,
        } => {
            let mut terms = LoadedTerms::new();
            for (file, read) in reads.by_ref().take(files.len()) {
                match found(file, read)
                    .and_then(|bytes| read_term_shard(file, &bytes).map_err(|error| error.to_string()))
                {
                    Ok(shard) => terms.add(shard),
                    Err(problem) => return unavailable(&page, &query, problem),
                }
            }
            let hits = parsed.search(&manifest, &terms, MAX_SEARCH_RESULTS);
            let mut fragments: Vec<String> = fragments_needed(&hits, &manifest)
                .into_iter()
                .map(|file| format!("{INDEX_FOLDER}{file}"))
                .collect();
            fragments.truncate(MAX_FRAGMENT_FILES_PER_QUERY);
            if hits.is_empty() || fragments.is_empty() {
                return done(
                    &page,
                    &query,
                    ResultsView::Found {
                        pages: Vec::new(),
                        incomplete,
                    },
                    None,
                );
            }
            read(query, Stage::Fragments { page, hits, incomplete }, fragments)
        }
        Stage::Fragments { page, hits, incomplete } => {
            let mut loaded = LoadedFragments::new();
            for (file, read) in reads.by_ref().take(files.len()) {
                match found(file, read)
                    .and_then(|bytes| read_fragment_file(file, &bytes).map_err(|error| error.to_string()))
                {
                    Ok(fragments) => loaded.add(fragments),
                    Err(problem) => return unavailable(&page, &query, problem),
                }
            }
            // Each page with the index terms it matched, for the links' `?highlight=`; a page missing
            // from its fragment file is left out.
            let pages = hits
                .iter()
                .filter_map(|hit| {
                    let result = present(std::slice::from_ref(hit), &loaded).pop()?;
                    Some((result, hit.terms.clone()))
                })
                .collect();
            done(&page, &query, ResultsView::Found { pages, incomplete }, None)
        }
    }
}

fn read(query: SearchQuery, stage: Stage, files: Vec<String>) -> SearchStep {
    SearchStep::Read {
        reads: SearchReads {
            files: files.clone(),
            max_bytes: MAX_SEARCH_FILE_BYTES,
        },
        pending: PendingSearch { query, stage, files },
    }
}

/// The bytes of a file that was read, or why there are none.
fn found(file: &str, read: FileRead) -> Result<Vec<u8>, String> {
    match read {
        FileRead::Found(bytes) if bytes.len() <= MAX_SEARCH_FILE_BYTES => Ok(bytes),
        FileRead::Found(bytes) => Err(format!(
            "`{file}` is {} bytes, more than the {MAX_SEARCH_FILE_BYTES} a search reads",
            bytes.len()
        )),
        FileRead::Missing => Err(format!("`{file}` is missing")),
        FileRead::Failed(why) => Err(format!("`{file}` could not be read: {why}")),
    }
}

/// A manifest whose file names stay inside the index's folder: plain names of ASCII letters, digits,
/// `.`, `-` and `_`, not starting with a dot.
fn checked_manifest(manifest: Manifest) -> Result<Manifest, String> {
    let names = manifest
        .shards
        .iter()
        .map(|shard| &shard.file)
        .chain(manifest.fragments.iter().map(|fragment| &fragment.file));
    for name in names {
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_'));
        if !plain {
            return Err(format!(
                "the manifest names the file {name:?}, which is not a plain file name"
            ));
        }
    }
    Ok(manifest)
}

fn done(page: &str, query: &SearchQuery, view: ResultsView, problem: Option<String>) -> SearchStep {
    let status = match view {
        ResultsView::Unavailable => 503,
        _ => 200,
    };
    SearchStep::Done(SearchOutcome::Page(SearchPage {
        status,
        page: page.to_owned(),
        fill: ResultsFill::new(query, &view),
        problem,
    }))
}

fn unavailable(page: &str, query: &SearchQuery, problem: String) -> SearchStep {
    done(page, query, ResultsView::Unavailable, Some(problem))
}

#[cfg(test)]
mod tests;
