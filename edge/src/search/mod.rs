//! `GET /search?q=` answered at the edge, so search works without JavaScript, from a shared link and
//! for crawlers. Sans-IO like the rest of the core: [`request`] reads the query from the URL (bounded),
//! [`steps`] names the files of the index to read in up to three rounds (the results page and the
//! manifest, then the term shards, then the fragment files; each round bounded in files and bytes) and
//! runs the `edgedocs-search` query engine over them, and [`results_page`] fills the results page the
//! build wrote (`search/index.html`) with the escaped results. Reading the files is the runtime's job;
//! the page then goes through the page injection like any other page.

mod request;
mod results_page;
mod steps;

pub use request::{MAX_SEARCH_QUERY_BYTES, SearchQuery};
pub use results_page::{QUERY_INPUT_SELECTOR, RESULTS_SELECTOR, ResultsFill};
pub use steps::{
    FileRead, MAX_FRAGMENT_FILES_PER_QUERY, MAX_SEARCH_FILE_BYTES, MAX_SEARCH_RESULTS, MAX_SHARDS_PER_QUERY,
    PendingSearch, SEARCH_PAGE_FILE, SEARCH_PATH, SearchOutcome, SearchPage, SearchReads, SearchStep,
};
pub(crate) use steps::{continue_search, start_search};
