//! The core's native driver (feature `native`): runs the edge's steps against any key-value store
//! that implements [`KvStore`] — the preview server's local SQLite store, the in-memory stores of
//! tests — the way the Worker runs them against Cloudflare KV. Pages: `start_page` -> the reads ->
//! `finish_page` -> the streaming [`HtmlInjector`] with [`page_response_headers`]. APIs: `start_api`
//! -> the reads (each list walked with [`ListWalk`], so bounded in pages) -> `finish_api` -> the
//! writes -> the response. KV gets [`PAGE_KV_BUDGET`] or [`API_KV_BUDGET`]; a failure or timeout
//! fails open for pages and answers 503 for APIs, and comes back as a typed [`KvUnavailable`] for
//! the caller to log. Blocking: the store is called on a thread of its own, so a store that hangs
//! costs the caller the budget and no more; async callers run these calls on a blocking thread.

use std::error::Error;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use crate::api::{ApiEndpoint, ApiStep, Outcome, RequestContext};
use crate::config::{API_KV_BUDGET, PAGE_KV_BUDGET};
use crate::edge::Edge;
use crate::http::{EdgeRequest, EdgeResponse};
use crate::kv::{EndlessListing, KvListEntry, KvReads, KvSnapshot, KvWrite, ListWalk};
use crate::page::{HtmlInjector, InjectionError, InjectionPlan, page_response_headers};
use crate::search::{FileRead, SearchOutcome, SearchStep};

/// What a store's operation failed with: any error, shown only to the runtime's log.
pub type StoreError = Box<dyn Error + Send + Sync>;

/// The KV operations the edge needs. Each call may block; the driver bounds the time it waits.
pub trait KvStore: Send + Sync + 'static {
    /// The value of `key`, `None` when it is absent.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// One page of the keys starting with `prefix`, after `cursor`, at most `limit` of them.
    fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, StoreError>;
    /// Stores one write (value, expiry, metadata).
    fn put(&self, write: &KvWrite) -> Result<(), StoreError>;
}

/// One page of a listing, as a store answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedPage {
    pub keys: Vec<KvListEntry>,
    /// Where the next page starts, when there is one.
    pub cursor: Option<String>,
    /// This was the last page.
    pub list_complete: bool,
}

/// Why the driver went on without KV: the page was served without KV content, the API answered 503.
#[derive(Debug, thiserror::Error)]
pub enum KvUnavailable {
    #[error("no KV store is open")]
    NoStore,
    #[error("KV {operation} failed: {source}")]
    Failed {
        operation: KvOperation,
        #[source]
        source: StoreError,
    },
    #[error("KV {operation} took longer than {} ms", budget.as_millis())]
    TimedOut { operation: KvOperation, budget: Duration },
    #[error("KV read failed: {0}")]
    EndlessListing(#[from] EndlessListing),
    #[error("KV {operation} stopped: its thread ended without an answer")]
    Lost { operation: KvOperation },
}

/// Which kind of KV work failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvOperation {
    Read,
    Write,
}

impl std::fmt::Display for KvOperation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Self::Read => "read",
            Self::Write => "write",
        })
    }
}

/// Pages go through the injector in chunks of this size, as a streamed body would.
const INJECTION_CHUNK_BYTES: usize = 16 * 1024;

/// A page after the edge. The errors say what was left out; the page is served either way.
#[derive(Debug)]
pub struct ServedPage {
    /// The rewritten page's headers ([`page_response_headers`] of the asset's).
    pub headers: Vec<(String, String)>,
    /// The rewritten page, or the page as built when lol_html gave up on it.
    pub body: Vec<u8>,
    /// Set when KV failed: the page carries no KV content.
    pub kv_error: Option<KvUnavailable>,
    /// Set when the page could not be rewritten: it is served as built.
    pub injection_error: Option<InjectionError>,
}

/// A results page after the edge.
#[derive(Debug)]
pub struct ServedSearch {
    /// 200, or 503 when the index could not be read.
    pub status: u16,
    /// Why the index could not be read, for the log.
    pub problem: Option<String>,
    pub page: ServedPage,
}

/// An API request after the edge: the response to send, and why KV failed when it answered 503.
#[derive(Debug)]
pub struct AnsweredApi {
    pub response: EdgeResponse,
    pub kv_error: Option<KvUnavailable>,
}

/// The edge's core plus the store it reads and writes, shared by every request.
pub struct NativeEdge {
    edge: Edge,
    kv: Option<Arc<dyn KvStore>>,
}

impl NativeEdge {
    /// `kv` is `None` when no store could be opened: every page then fails open, every API read 503.
    pub fn new(edge: Edge, kv: Option<Arc<dyn KvStore>>) -> Self {
        Self { edge, kv }
    }

    pub fn edge(&self) -> &Edge {
        &self.edge
    }

    /// Runs the page steps on `html`, the page as built, with `asset_headers` as a static host sends
    /// them. Blocks for at most [`PAGE_KV_BUDGET`] on KV.
    pub fn page(&self, request: &EdgeRequest, html: &[u8], asset_headers: &[(String, String)]) -> ServedPage {
        let pending = self.edge.start_page(request);
        let (snapshot, kv_error) = match self.read(&pending.reads, PAGE_KV_BUDGET) {
            Ok(snapshot) => (Some(snapshot), None),
            Err(error) => (None, Some(error)),
        };
        let plan = self.edge.finish_page(pending, snapshot.as_ref());
        let (body, injection_error) = match inject(&plan, html) {
            Ok(body) => (body, None),
            Err(error) => (html.to_vec(), Some(error)),
        };
        ServedPage {
            headers: page_response_headers(asset_headers, &self.edge.config().page_policy),
            body,
            kv_error,
            injection_error,
        }
    }

    /// Answers `GET /search?q=` (see [`crate::search`]): reads the files the steps name through
    /// `read_file` (a site path such as `/search/manifest.json`), then sends the results page through
    /// [`NativeEdge::page`]. `None` when the site has no results page (its search is off): answer the
    /// request as any other path.
    pub fn search(&self, request: &EdgeRequest, mut read_file: impl FnMut(&str) -> FileRead) -> Option<ServedSearch> {
        let mut step = self.edge.start_search(request);
        let page = loop {
            match step {
                SearchStep::Read { reads, pending } => {
                    let read = reads.files.iter().map(|file| read_file(file)).collect();
                    step = self.edge.continue_search(pending, read);
                }
                SearchStep::Done(SearchOutcome::NoSearchPage) => return None,
                SearchStep::Done(SearchOutcome::Page(page)) => break page,
            }
        };
        let asset_headers = [("content-type".to_owned(), "text/html; charset=utf-8".to_owned())];
        let served = self.page(request, &page.html(), &asset_headers);
        Some(ServedSearch {
            status: page.status,
            problem: page.problem,
            page: served,
        })
    }

    /// Answers an API request: start, read, finish, write. Blocks for at most [`API_KV_BUDGET`] on
    /// the reads and as long again on the writes.
    pub fn api(&self, endpoint: ApiEndpoint, request: &EdgeRequest, context: &RequestContext) -> AnsweredApi {
        let outcome = match self.edge.start_api(endpoint, request, context) {
            ApiStep::Done(outcome) => outcome,
            ApiStep::NeedsKv { reads, pending } => match self.read(&reads, API_KV_BUDGET) {
                Ok(snapshot) => self.edge.finish_api(pending, &snapshot),
                Err(error) => return unavailable(error),
            },
        };
        if outcome.writes.is_empty() {
            return answered(outcome.response);
        }
        match self.write(outcome.writes, API_KV_BUDGET) {
            Ok(()) => answered(outcome.response),
            Err(error) => unavailable(error),
        }
    }

    /// Performs `reads` within `budget`.
    pub fn read(&self, reads: &KvReads, budget: Duration) -> Result<KvSnapshot, KvUnavailable> {
        if reads.is_empty() {
            return Ok(KvSnapshot::new());
        }
        let reads = reads.clone();
        self.within(KvOperation::Read, budget, move |kv| read_all(kv, &reads))
    }

    /// Makes `writes`, one after the other, within `budget`.
    pub fn write(&self, writes: Vec<KvWrite>, budget: Duration) -> Result<(), KvUnavailable> {
        self.within(KvOperation::Write, budget, move |kv| {
            writes.iter().try_for_each(|write| {
                kv.put(write).map_err(|source| KvUnavailable::Failed {
                    operation: KvOperation::Write,
                    source,
                })
            })
        })
    }

    /// Runs `work` against the store on a thread of its own and waits for it at most `budget`. A call
    /// that overruns keeps its thread until the store answers; its answer is dropped.
    fn within<T: Send + 'static>(
        &self,
        operation: KvOperation,
        budget: Duration,
        work: impl FnOnce(&dyn KvStore) -> Result<T, KvUnavailable> + Send + 'static,
    ) -> Result<T, KvUnavailable> {
        let kv = self.kv.clone().ok_or(KvUnavailable::NoStore)?;
        let (answer, answered) = mpsc::sync_channel(1);
        let spawned = thread::Builder::new().name("edge-kv".into()).spawn(move || {
            // The receiver is gone when the budget ran out first: nobody is left to tell.
            let _ = answer.send(work(kv.as_ref()));
        });
        if let Err(error) = spawned {
            return Err(KvUnavailable::Failed {
                operation,
                source: error.into(),
            });
        }
        match answered.recv_timeout(budget) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(KvUnavailable::TimedOut { operation, budget }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(KvUnavailable::Lost { operation }),
        }
    }
}

fn answered(response: EdgeResponse) -> AnsweredApi {
    AnsweredApi {
        response,
        kv_error: None,
    }
}

fn unavailable(error: KvUnavailable) -> AnsweredApi {
    AnsweredApi {
        response: Outcome::kv_unavailable().response,
        kv_error: Some(error),
    }
}

/// Every get, and every list walked page by page (bounded by [`crate::MAX_LIST_PAGES`]).
pub fn read_all(kv: &dyn KvStore, reads: &KvReads) -> Result<KvSnapshot, KvUnavailable> {
    let failed = |source| KvUnavailable::Failed {
        operation: KvOperation::Read,
        source,
    };
    let mut snapshot = KvSnapshot::new();
    for get in &reads.gets {
        snapshot.insert_value(get.key.clone(), kv.get(&get.key).map_err(failed)?);
    }
    for list in &reads.lists {
        let mut walk = ListWalk::new(list);
        while let Some(page) = walk.next_page() {
            let listed = kv.list_page(page.prefix, page.cursor, page.limit).map_err(failed)?;
            walk.record(listed.keys, listed.cursor, listed.list_complete);
        }
        let (prefix, entries) = walk.finish()?;
        snapshot.insert_listing(prefix, entries);
    }
    Ok(snapshot)
}

/// Streams `html` through the injector in chunks, as a streamed body would arrive.
fn inject(plan: &InjectionPlan, html: &[u8]) -> Result<Vec<u8>, InjectionError> {
    let mut output = Vec::with_capacity(html.len() + 256);
    let mut injector = HtmlInjector::new(plan, |chunk: &[u8]| output.extend_from_slice(chunk));
    for chunk in html.chunks(INJECTION_CHUNK_BYTES) {
        injector.write(chunk)?;
    }
    injector.end()?;
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use crate::kv::{KvList, MAX_LIST_PAGES};
    use crate::test_support::{config, context};
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    /// How a test store behaves.
    #[derive(Default, Clone, Copy, PartialEq, Eq)]
    enum Behaviour {
        /// Lists in pages of two keys, to exercise the cursor.
        #[default]
        Works,
        /// Fails every call.
        Fails,
        /// Answers every listing with an empty page and a cursor, forever.
        EndlessPages,
        /// Takes longer than any budget the tests give.
        Hangs,
    }

    #[derive(Default)]
    struct MemoryKv {
        entries: Mutex<BTreeMap<String, String>>,
        behaviour: Behaviour,
    }

    impl MemoryKv {
        fn with(behaviour: Behaviour) -> Self {
            Self {
                behaviour,
                ..Self::default()
            }
        }

        fn insert(&self, key: &str, value: &str) {
            self.entries
                .lock()
                .expect("not poisoned")
                .insert(key.to_owned(), value.to_owned());
        }

        fn misbehave(&self) -> Result<(), StoreError> {
            match self.behaviour {
                Behaviour::Fails => Err("store is down".into()),
                Behaviour::Hangs => {
                    thread::sleep(Duration::from_millis(500));
                    Ok(())
                }
                Behaviour::Works | Behaviour::EndlessPages => Ok(()),
            }
        }
    }

    impl KvStore for MemoryKv {
        fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
            self.misbehave()?;
            Ok(self.entries.lock().expect("not poisoned").get(key).cloned())
        }

        fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, StoreError> {
            self.misbehave()?;
            if self.behaviour == Behaviour::EndlessPages {
                return Ok(ListedPage {
                    keys: Vec::new(),
                    cursor: Some("again".into()),
                    list_complete: false,
                });
            }
            let entries = self.entries.lock().expect("not poisoned");
            let keys: Vec<&String> = entries
                .keys()
                .filter(|key| key.starts_with(prefix) && cursor.is_none_or(|after| key.as_str() > after))
                .collect();
            let page: Vec<KvListEntry> = keys
                .iter()
                .take(limit.min(2))
                .map(|key| KvListEntry {
                    name: (*key).clone(),
                    expiration: None,
                    metadata: None,
                })
                .collect();
            let list_complete = page.len() == keys.len();
            Ok(ListedPage {
                cursor: (!list_complete)
                    .then(|| page.last().map(|entry| entry.name.clone()))
                    .flatten(),
                keys: page,
                list_complete,
            })
        }

        fn put(&self, write: &KvWrite) -> Result<(), StoreError> {
            self.misbehave()?;
            self.insert(&write.key, &write.value);
            Ok(())
        }
    }

    const PAGE: &[u8] = b"<!doctype html><html lang=\"en\"><head></head><body>\
<div id=\"pinned-message\" class=\"pinned-message\" role=\"status\" hidden></div><p>Hi</p></body></html>";

    fn driver(kv: MemoryKv) -> NativeEdge {
        NativeEdge::new(Edge::new(config()), Some(Arc::new(kv)))
    }

    fn html_headers() -> Vec<(String, String)> {
        vec![("content-type".into(), "text/html; charset=utf-8".into())]
    }

    fn list_of(prefix: &str, max_keys: usize) -> KvReads {
        KvReads {
            gets: Vec::new(),
            lists: vec![KvList {
                prefix: prefix.into(),
                max_keys,
            }],
        }
    }

    #[test]
    fn a_page_gets_the_pinned_message_escaped() {
        let kv = MemoryKv::default();
        kv.insert("pinned_message", "Maintenance <b>at</b> 10");
        let request = crate::test_support::request(Method::Get, "/");
        let page = driver(kv).page(&request, PAGE, &html_headers());
        let html = String::from_utf8(page.body).expect("UTF-8");
        assert!(
            html.contains("role=\"status\">Maintenance &lt;b&gt;at&lt;/b&gt; 10</div>"),
            "{html}"
        );
        assert!(page.kv_error.is_none() && page.injection_error.is_none());
        assert!(
            page.headers
                .iter()
                .any(|(name, value)| name == "cache-control" && value == "private, no-store")
        );
    }

    #[test]
    fn a_results_page_goes_through_the_page_injection() {
        let kv = MemoryKv::default();
        kv.insert("pinned_message", "Search moves on Friday");
        let results_page = "<html><head><title>Search</title></head><body><div id=\"pinned-message\" hidden></div>\
            <input name=\"q\"><div data-search-results></div></body></html>";
        let request = crate::test_support::request(Method::Get, "/search?q=kv");
        let mut read = Vec::new();
        let served = driver(kv)
            .search(&request, |file| {
                read.push(file.to_owned());
                match file {
                    "/search/" => FileRead::Found(results_page.as_bytes().to_vec()),
                    _ => FileRead::Missing,
                }
            })
            .expect("the site has a results page");
        assert_eq!(read, ["/search/", "/search/manifest.json"]);
        assert_eq!(served.status, 503, "no manifest: search is unavailable");
        assert_eq!(served.problem.as_deref(), Some("`/search/manifest.json` is missing"));
        let html = String::from_utf8(served.page.body).expect("UTF-8");
        assert!(html.contains("data-edge=\"test\""), "{html}");
        assert!(html.contains(">Search moves on Friday</div>"), "{html}");
        assert!(html.contains("Search is unavailable right now."), "{html}");
        assert!(html.contains("value=\"kv\""), "{html}");
        let no_page = driver(MemoryKv::default()).search(&request, |_| FileRead::Missing);
        assert!(no_page.is_none(), "without a results page the request is an asset");
    }

    #[test]
    fn a_failing_store_fails_open_for_pages_and_503_for_apis() {
        let driver = driver(MemoryKv::with(Behaviour::Fails));
        let cookie = crate::test_support::visitor_cookie();
        let page = driver.page(
            &crate::test_support::request(Method::Get, "/").with_header("cookie", &cookie),
            PAGE,
            &html_headers(),
        );
        let html = String::from_utf8(page.body).expect("UTF-8");
        assert!(
            html.contains("data-edge=\"test\"") && html.contains("hidden></div>"),
            "{html}"
        );
        assert!(
            matches!(page.kv_error, Some(KvUnavailable::Failed { .. })),
            "{:?}",
            page.kv_error
        );
        let api = crate::test_support::request(Method::Get, "/api/kv/theme").with_header("cookie", &cookie);
        let answered = driver.api(ApiEndpoint::Theme, &api, &context());
        assert_eq!(answered.response.status, 503);
        assert_eq!(
            answered.kv_error.map(|error| error.to_string()).as_deref(),
            Some("KV read failed: store is down")
        );
    }

    #[test]
    fn a_store_slower_than_the_budget_times_out() {
        let driver = driver(MemoryKv::with(Behaviour::Hangs));
        let error = driver
            .read(&list_of("flag:", 10), Duration::from_millis(20))
            .expect_err("the store takes 500 ms");
        assert!(
            matches!(error, KvUnavailable::TimedOut { operation: KvOperation::Read, budget } if budget.as_millis() == 20),
            "{error}"
        );
        assert_eq!(error.to_string(), "KV read took longer than 20 ms");
    }

    #[test]
    fn without_a_store_nothing_is_read_or_written() {
        let driver = NativeEdge::new(Edge::new(config()), None);
        assert!(matches!(
            driver.read(&list_of("flag:", 10), API_KV_BUDGET),
            Err(KvUnavailable::NoStore)
        ));
        assert!(
            driver.read(&KvReads::default(), API_KV_BUDGET).is_ok(),
            "no reads need no store"
        );
    }

    #[test]
    fn lists_follow_the_cursor_up_to_max_keys() {
        let kv = MemoryKv::default();
        for n in 0..5 {
            kv.insert(&format!("flag:s:t:{n}"), "1");
        }
        kv.insert("other", "1");
        let listed = |max_keys| {
            read_all(&kv, &list_of("flag:s:t:", max_keys))
                .expect("the store works")
                .listing("flag:s:t:")
                .len()
        };
        assert_eq!(listed(50), 5);
        assert_eq!(listed(3), 3);
    }

    #[test]
    fn a_listing_that_never_ends_is_refused_after_max_list_pages() {
        let kv = MemoryKv::with(Behaviour::EndlessPages);
        let error = read_all(&kv, &list_of("flag:", 1000)).expect_err("never complete");
        assert!(
            matches!(&error, KvUnavailable::EndlessListing(listing) if listing.pages == MAX_LIST_PAGES),
            "{error}"
        );
    }

    #[test]
    fn a_saved_theme_is_on_the_next_page() {
        let driver = driver(MemoryKv::default());
        let post = crate::test_support::request(Method::Post, "/api/kv/theme")
            .with_header("content-type", "application/json")
            .with_body(br#"{"theme":"dark"}"#.to_vec());
        let answered = driver.api(ApiEndpoint::Theme, &post, &context());
        assert_eq!(answered.response.status, 200, "{:?}", answered.response.json_body());
        let session = answered
            .response
            .header_values("set-cookie")
            .filter_map(|cookie| cookie.split(';').next())
            .find(|pair| pair.starts_with("__Host-session="))
            .expect("the save minted a session")
            .to_owned();
        let page = driver.page(
            &crate::test_support::request(Method::Get, "/").with_header("cookie", session),
            PAGE,
            &html_headers(),
        );
        assert!(
            String::from_utf8(page.body)
                .expect("UTF-8")
                .contains("class=\"theme-dark\"")
        );
    }
}
