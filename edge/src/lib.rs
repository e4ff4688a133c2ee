//! The edgedocs edge middleware: decides what to inject into each HTML page and answers the KV demo
//! APIs. The core is sans-IO — pure functions from a request plus KV values to a response plus KV
//! writes — and runs the same way in the Cloudflare Worker (`worker/`, wasm32 only) and, through the
//! native driver (`native`, feature `native`), in the preview server and the tests.
//!
//! The modules, top down: [`Edge`] (`edge.rs`: route, then each request's two steps), `api/` (one
//! file per endpoint, the shared request checks and the error kinds), `page/` (the injection plan,
//! the page's headers, the Markdown twin negotiation, the lol_html applier), `search/` (`/search?q=`:
//! the index's files to read and the results page, over `edgedocs-search`'s query engine), then the leaves every part uses: `http.rs`,
//! `session.rs`, `kv.rs` (the KV model and its limits), `keys.rs` (the whole keyspace), `config.rs`,
//! `site_config.rs` (the site's settings as its build writes them), `timestamp.rs`. No module imports one above it.
//!
//! # Public API for runtimes (the preview server calls exactly this)
//!
//! ```text
//! Edge::new(EdgeConfig) -> Edge
//!   SiteEdgeConfig { color_themes, demo_apis }                              // what the site says, from
//!   SiteEdgeConfig::from_json(&str) -> Result<_, SiteConfigError>;  .to_json()  //   its build (JSON)
//!   EdgeConfig::for_site(&SiteEdgeConfig, edge_name) -> EdgeConfig           // preview: "preview"; set
//!                                        //   secure_cookies = false on http
//!   EdgeConfig::new(allowed_themes: Vec<String>, edge_name) -> EdgeConfig   // demo APIs off
//!   (fields: secure_cookies, max_flags_per_tenant, max_flag_writes_per_session,
//!    accept_plain_session_cookie, max_api_body_bytes, demo_apis)
//! Edge::route(&self, path: &str) -> Route             // Route::Api(ApiEndpoint) | Route::Search | Route::Asset
//!
//! // KV demo APIs, two steps:
//! Edge::rate_limit_key(&self, ApiEndpoint, &EdgeRequest) -> Option<String> // optional: count it in a rate
//!   Outcome::rate_limited() -> Outcome                                      //   limiter; over the limit, send this
//! Edge::counted_write_key(&self, ApiEndpoint, &EdgeRequest) -> Option<String>  // run those of one key
//!                                                                           //   one at a time, start to writes
//! Edge::start_api(&self, ApiEndpoint, &EdgeRequest, &RequestContext) -> ApiStep
//!   ApiStep::Done(Outcome) | ApiStep::NeedsKv { reads: KvReads, pending: PendingApi }
//! Edge::finish_api(&self, PendingApi, &KvSnapshot) -> Outcome
//!   Outcome { response: EdgeResponse, writes: Vec<KvWrite> }                // write, then respond;
//!   Outcome::kv_unavailable() -> Outcome                                    //   on KV failure send this (503)
//!
//! // HTML pages, two steps plus the streaming applier:
//! Edge::start_page(&self, &EdgeRequest) -> PendingPage                      // PendingPage::reads: KvReads
//! Edge::finish_page(&self, PendingPage, Option<&KvSnapshot>) -> InjectionPlan  // None = KV failed: fail open
//! HtmlInjector::new(&InjectionPlan, impl FnMut(&[u8])) -> HtmlInjector
//!   .write(&[u8]) -> Result<(), InjectionError>;  .end() -> Result<InjectionReport, InjectionError>
//! page_response_headers(&[(String, String)], policy) -> Vec<(String, String)>  // headers of a rewritten page
//! page_header_edits(asset_vary: Option<&str>, policy) -> PageHeaderEdits { remove, set }  // the same, as edits
//! is_html_content_type(&str) -> bool;  path_expects_html(&str) -> bool
//! is_scriptable_document_type(&str) -> bool;  document_header_edits() -> PageHeaderEdits  // SVG, XML:
//!                                        //   DOCUMENT_CONTENT_SECURITY_POLICY on an asset that is no page
//!
//! // `GET /search?q=` (Route::Search), in up to three rounds of asset reads, then as a page:
//! Edge::start_search(&self, &EdgeRequest) -> SearchStep
//!   SearchStep::Read { reads: SearchReads { files, max_bytes }, pending } | SearchStep::Done(SearchOutcome)
//! Edge::continue_search(&self, PendingSearch, Vec<FileRead>) -> SearchStep  // FileRead::{Found, Missing, Failed}
//!   SearchOutcome::Page(SearchPage { status, page, fill: ResultsFill, problem }) | SearchOutcome::NoSearchPage
//!   SearchPage::html() -> Vec<u8>       // `page` filled with lol_html; the Worker applies `fill` with
//!                                       //   HTMLRewriter instead; then the page steps above on it.
//!   // NoSearchPage: serve the request as an asset; `problem` is for the log only
//!
//! // Markdown for agents: a page URL answers its twin to `Accept: text/markdown` (preferred over HTML)
//! markdown_twin_path(&EdgeRequest) -> Option<String>      // "/storage/kv/index.md"; None: the HTML page
//! markdown_response_headers() -> Vec<(String, String)>    // its type, nosniff, Vary: Accept
//!
//! // Types and the KV model:
//! EdgeRequest { method: Method, origin, path, query, headers: Vec<(String, String)>, body: Vec<u8> }
//!   EdgeRequest::from_url(Method, "https://host/path?query") -> Option<EdgeRequest>
//!   EdgeRequest::with_body_cut_off(received_bytes) -> EdgeRequest  // a chunked body read only past the limit
//!   API_REQUEST_HEADERS, PAGE_REQUEST_HEADERS   // the only request headers the core consults
//!   MAX_API_BODY_BYTES                          // a runtime may skip reading a body declared larger
//! EdgeResponse { status: u16, headers: Vec<(String, String)>, body: Vec<u8> }
//! RequestContext { now_unix_ms: u64, fresh_session: SessionId }            // SessionId::generate()
//! KvReads { gets: Vec<KvGet { key, cache_ttl_seconds }>, lists: Vec<KvList { prefix, max_keys }> }
//! KvSnapshot::new() + insert_value(key, Option<String>) + insert_listing(prefix, Vec<KvListEntry>)
//! KvListEntry { name, expiration: Option<u64>, metadata: Option<serde_json::Value> }
//! KvWrite { key, value, expiration_ttl: Option<u64>, metadata: Option<serde_json::Value> }
//! validate_kv_write(&KvWrite) -> Result<(), KvLimitError>;  validate_kv_key(&str)
//! MAX_KEY_BYTES, MAX_VALUE_BYTES, MAX_METADATA_BYTES, MAX_LIST_PAGE_KEYS, MAX_LIST_PAGES,
//! MIN_EXPIRATION_TTL_SECONDS, MIN_CACHE_TTL_SECONDS
//! ListWalk::new(&KvList) -> ListWalk          // a list's cursor walk, bounded in pages:
//!   .next_page() -> Option<ListPageRequest { prefix, cursor, limit }>;  .record(keys, cursor, complete)
//!   .finish() -> Result<(prefix, Vec<KvListEntry>), EndlessListing>
//! PAGE_KV_BUDGET, API_KV_BUDGET                // how long a runtime waits for KV
//! PINNED_MESSAGE_KEY, theme_key(&SessionId), session_flags_prefix(&SessionId),  // the keyspace
//!   flag_prefix(&SessionId, tenant), flag_key(&SessionId, tenant, name)
//!
//! // The native driver (feature `native`, on by default; the preview server and the tests use it):
//! native::NativeEdge::new(Edge, Option<Arc<dyn native::KvStore>>) -> NativeEdge
//!   .page(&EdgeRequest, html: &[u8], asset_headers) -> ServedPage { headers, body, kv_error, injection_error }
//!   .api(ApiEndpoint, &EdgeRequest, &RequestContext) -> AnsweredApi { response, kv_error }
//!   .search(&EdgeRequest, read_file: FnMut(&str) -> FileRead) -> Option<ServedSearch { status, problem, page }>
//! native::KvStore { get(key); list_page(prefix, cursor, limit) -> ListedPage; put(&KvWrite) }  // blocking
//! native::KvUnavailable::{NoStore, Failed, TimedOut, EndlessListing, Lost}
//! ```
//!
//! A runtime's driver is small: route; for an API, build an [`EdgeRequest`], call
//! [`Edge::start_api`], perform the reads concurrently (each `list` walked with a [`ListWalk`]) within
//! [`API_KV_BUDGET`], call [`Edge::finish_api`], make the writes, send the response. For a page, fetch
//! the asset and the page's reads (within [`PAGE_KV_BUDGET`]) together; when the asset is HTML, stream
//! it through an applier of the plan with [`page_response_headers`]; anything else passes through
//! untouched. The native driver is exactly that for a blocking store.
//!
//! # Decisions
//! - Sessions are minted lazily: only by `GET /api/kv/theme`, `GET /api/kv/flags` and a theme POST from
//!   a visitor without one (the demo's first save). Pages never set cookies and never write to KV; a
//!   flag POST needs a session. Over HTTPS the cookie is `__Host-session`, over plain http `session`.
//! - A session writes at most 50 flags a tenant and 100 flags a day, counted from its keys.
//! - After a theme change the `theme_hint` cookie (5 minutes) carries the new theme; the edge trusts it
//!   only for allow-listed names and prefers it to KV, which may still serve the old value.
//! - Flags are keyed `flag:<sessionId>:<tenant>:<name>`: tenant ids contain no `:`, so a listing sees
//!   only that visitor's tenant, and no other key in KV is reachable through the API.

mod api;
mod config;
mod edge;
mod http;
mod keys;
mod kv;
#[cfg(feature = "native")]
pub mod native;
mod page;
mod search;
mod session;
mod site_config;
#[cfg(test)]
mod test_support;
mod timestamp;
#[cfg(target_arch = "wasm32")]
mod worker;

pub use api::{
    ApiEndpoint, ApiError, ApiStep, Outcome, PendingApi, RequestContext, validate_flag_name, validate_tenant,
};
pub use config::{
    API_KV_BUDGET, EdgeConfig, FLAG_LIFETIME_SECONDS, MAX_API_BODY_BYTES, MAX_FLAG_WRITES_PER_SESSION,
    MAX_FLAGS_PER_TENANT, PAGE_KV_BUDGET, PAGE_THEME_CACHE_TTL_SECONDS, PINNED_MESSAGE_CACHE_TTL_SECONDS,
    SESSION_LIFETIME_SECONDS, THEME_HINT_LIFETIME_SECONDS,
};
pub use edge::{Edge, Route};
pub use http::{API_REQUEST_HEADERS, EdgeRequest, EdgeResponse, Method, PAGE_REQUEST_HEADERS, status_has_body};
pub use keys::{PINNED_MESSAGE_KEY, flag_key, flag_prefix, session_flags_prefix, theme_key};
pub use kv::{
    EndlessListing, KvGet, KvLimitError, KvList, KvListEntry, KvReads, KvSnapshot, KvWrite, ListPageRequest, ListWalk,
    MAX_KEY_BYTES, MAX_LIST_PAGE_KEYS, MAX_LIST_PAGES, MAX_METADATA_BYTES, MAX_VALUE_BYTES, MIN_CACHE_TTL_SECONDS,
    MIN_EXPIRATION_TTL_SECONDS, metadata_bytes, validate_kv_key, validate_kv_write,
};
pub use page::{
    CONTENT_SECURITY_POLICY, DOCUMENT_CONTENT_SECURITY_POLICY, HtmlInjector, InjectionError, InjectionPlan,
    InjectionReport, MARKDOWN_CONTENT_TYPE, PINNED_MESSAGE_SELECTOR, PageHeaderEdits, PendingPage,
    document_header_edits, inject_into_html, is_html_content_type, is_scriptable_document_type,
    markdown_response_headers, markdown_twin_path, page_header_edits, page_response_headers, path_expects_html,
    prefers_markdown, security_headers,
};
pub use search::{
    FileRead, MAX_FRAGMENT_FILES_PER_QUERY, MAX_SEARCH_FILE_BYTES, MAX_SEARCH_QUERY_BYTES, MAX_SEARCH_RESULTS,
    MAX_SHARDS_PER_QUERY, PendingSearch, QUERY_INPUT_SELECTOR, RESULTS_SELECTOR, ResultsFill, SEARCH_PAGE_FILE,
    SEARCH_PATH, SearchOutcome, SearchPage, SearchQuery, SearchReads, SearchStep,
};
pub use session::{PLAIN_SESSION_COOKIE, SESSION_COOKIE, SessionId, THEME_HINT_COOKIE, session_cookie_name};
pub use site_config::{MAX_COLOR_THEME_NAME_BYTES, SiteConfigError, SiteEdgeConfig, is_valid_color_theme_name};
