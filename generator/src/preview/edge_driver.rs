//! The edge, run natively: drives `edgedocs-edge`'s sans-IO core against the local KV store exactly as
//! the Worker drives it against Cloudflare KV. Pages: `start_page` -> the reads -> `finish_page` -> the
//! streaming [`HtmlInjector`] with [`page_response_headers`]. APIs: `start_api` -> the reads (lists
//! follow the cursor) -> `finish_api` -> the writes -> the response. A KV failure or timeout fails open
//! for pages and answers 503 for APIs, as the edge specifies. It reads KV on every request, no cache.

use crate::local_kv::LocalKv;
use crate::terminal::note;
use edgedocs_edge::{
    ApiEndpoint, ApiStep, Edge, EdgeRequest, EdgeResponse, HtmlInjector, InjectionPlan, KvListEntry, KvReads,
    KvSnapshot, KvWrite, MAX_LIST_PAGE_KEYS, Outcome, RequestContext, SessionId, page_response_headers,
};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a page waits for KV before it is served without KV content (the Worker's budget).
pub(super) const PAGE_KV_BUDGET: Duration = Duration::from_millis(1000);
/// How long an API request waits for KV before answering 503 (the Worker's budget).
pub(super) const API_KV_BUDGET: Duration = Duration::from_millis(5000);
/// Pages go through the injector in chunks of this size, as a streamed body would.
const INJECTION_CHUNK_BYTES: usize = 16 * 1024;

/// The KV operations the edge needs; [`LocalKv`] in the server, a failing or in-memory store in tests.
pub(super) trait KvStore: Send + Sync + 'static {
    fn get(&self, key: &str) -> Result<Option<String>, String>;
    /// One page of keys with `prefix`, after `cursor`: the keys, the next cursor, whether it was the last.
    fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, String>;
    fn put(&self, write: &KvWrite) -> Result<(), String>;
}

/// One page of a listing.
pub(super) struct ListedPage {
    pub(super) keys: Vec<KvListEntry>,
    pub(super) cursor: Option<String>,
    pub(super) list_complete: bool,
}

impl KvStore for LocalKv {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        LocalKv::get(self, key).map_err(|error| error.to_string())
    }

    fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, String> {
        let page = LocalKv::list(self, prefix, cursor, limit).map_err(|error| error.to_string())?;
        Ok(ListedPage {
            keys: page.keys,
            cursor: page.cursor,
            list_complete: page.list_complete,
        })
    }

    fn put(&self, write: &KvWrite) -> Result<(), String> {
        LocalKv::put(self, write).map_err(|error| error.to_string())
    }
}

/// KV failed or did not answer in time; the details went to the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KvUnavailable;

/// The edge core plus the store it reads, shared by every request.
pub(super) struct EdgeDriver {
    pub(super) edge: Edge,
    kv: Option<Arc<dyn KvStore>>,
}

/// A page after the edge: the response headers and the rewritten body.
pub(super) struct EdgePage {
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl EdgeDriver {
    /// `kv` is `None` when the local store could not be opened: every read then fails open.
    pub(super) fn new(edge: Edge, kv: Option<Arc<dyn KvStore>>) -> Self {
        Self { edge, kv }
    }

    /// Runs the page steps on `html`, the page as the build wrote it, with `asset_headers` as a static
    /// host would send them.
    pub(super) async fn page(
        &self,
        request: &EdgeRequest,
        html: &[u8],
        asset_headers: &[(String, String)],
    ) -> EdgePage {
        let pending = self.edge.start_page(request);
        let snapshot = self.read(&pending.reads, PAGE_KV_BUDGET).await.ok();
        let plan = self.edge.finish_page(pending, snapshot.as_ref());
        EdgePage {
            headers: page_response_headers(asset_headers),
            body: inject(&plan, html),
        }
    }

    /// Answers a KV demo API request.
    pub(super) async fn api(&self, endpoint: ApiEndpoint, request: &EdgeRequest) -> EdgeResponse {
        let Ok(fresh_session) = SessionId::generate() else {
            note("edge: no randomness for a session id");
            return Outcome::kv_unavailable().response;
        };
        let context = RequestContext {
            now_unix_ms: now_unix_ms(),
            fresh_session,
        };
        let outcome = match self.edge.start_api(endpoint, request, &context) {
            ApiStep::Done(outcome) => outcome,
            ApiStep::NeedsKv { reads, pending } => match self.read(&reads, API_KV_BUDGET).await {
                Ok(snapshot) => self.edge.finish_api(pending, &snapshot),
                Err(KvUnavailable) => return Outcome::kv_unavailable().response,
            },
        };
        if outcome.writes.is_empty() {
            return outcome.response;
        }
        match self.write(outcome.writes, API_KV_BUDGET).await {
            Ok(()) => outcome.response,
            Err(KvUnavailable) => Outcome::kv_unavailable().response,
        }
    }

    /// Performs `reads` on a blocking thread (SQLite), within `budget`.
    async fn read(&self, reads: &KvReads, budget: Duration) -> Result<KvSnapshot, KvUnavailable> {
        if reads.is_empty() {
            return Ok(KvSnapshot::new());
        }
        let Some(kv) = self.kv.clone() else {
            return Err(KvUnavailable);
        };
        let reads = reads.clone();
        let work = tokio::task::spawn_blocking(move || read_all(kv.as_ref(), &reads));
        match tokio::time::timeout(budget, work).await {
            Ok(Ok(Ok(snapshot))) => Ok(snapshot),
            Ok(Ok(Err(error))) => {
                note(&format!("edge: KV read failed: {error}"));
                Err(KvUnavailable)
            }
            Ok(Err(join_error)) => {
                note(&format!("edge: KV read failed: {join_error}"));
                Err(KvUnavailable)
            }
            Err(_) => {
                note(&format!(
                    "edge: KV reads took longer than {} ms; going on without them",
                    budget.as_millis()
                ));
                Err(KvUnavailable)
            }
        }
    }

    async fn write(&self, writes: Vec<KvWrite>, budget: Duration) -> Result<(), KvUnavailable> {
        let Some(kv) = self.kv.clone() else {
            return Err(KvUnavailable);
        };
        let work = tokio::task::spawn_blocking(move || writes.iter().try_for_each(|write| kv.put(write)));
        match tokio::time::timeout(budget, work).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(error))) => {
                note(&format!("edge: KV write failed: {error}"));
                Err(KvUnavailable)
            }
            Ok(Err(join_error)) => {
                note(&format!("edge: KV write failed: {join_error}"));
                Err(KvUnavailable)
            }
            Err(_) => {
                note(&format!("edge: KV writes took longer than {} ms", budget.as_millis()));
                Err(KvUnavailable)
            }
        }
    }
}

/// Every get, and every list followed through its cursor up to its `max_keys`.
fn read_all(kv: &dyn KvStore, reads: &KvReads) -> Result<KvSnapshot, String> {
    let mut snapshot = KvSnapshot::new();
    for get in &reads.gets {
        snapshot.insert_value(get.key.clone(), kv.get(&get.key)?);
    }
    for list in &reads.lists {
        let mut entries = Vec::new();
        let mut cursor: Option<String> = None;
        // Each page holds at least one key unless it is the last, so this ends within max_keys pages.
        for _ in 0..=list.max_keys {
            let remaining = list.max_keys.saturating_sub(entries.len()).min(MAX_LIST_PAGE_KEYS);
            if remaining == 0 {
                break;
            }
            let page = kv.list_page(&list.prefix, cursor.as_deref(), remaining)?;
            entries.extend(page.keys);
            match page.cursor {
                Some(next) if !page.list_complete && entries.len() < list.max_keys => cursor = Some(next),
                _ => break,
            }
        }
        snapshot.insert_listing(list.prefix.clone(), entries);
    }
    Ok(snapshot)
}

/// Streams `html` through the edge's injector in chunks. If lol_html gives up on the page, it is
/// served as built, and the terminal says why.
fn inject(plan: &InjectionPlan, html: &[u8]) -> Vec<u8> {
    let mut output = Vec::with_capacity(html.len() + 256);
    let mut injector = HtmlInjector::new(plan, |chunk: &[u8]| output.extend_from_slice(chunk));
    let written = html
        .chunks(INJECTION_CHUNK_BYTES)
        .try_for_each(|chunk| injector.write(chunk))
        .and_then(|()| injector.end().map(|_| ()));
    match written {
        Ok(()) => output,
        Err(error) => {
            note(&format!("edge: {error}; serving the page without the edge's changes"));
            html.to_vec()
        }
    }
}

fn now_unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgedocs_edge::{EdgeConfig, Method};
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    /// An in-memory store that lists in pages of two keys, to exercise the cursor, or fails every call.
    #[derive(Default)]
    struct MemoryKv {
        entries: Mutex<BTreeMap<String, String>>,
        failing: bool,
    }

    impl KvStore for MemoryKv {
        fn get(&self, key: &str) -> Result<Option<String>, String> {
            if self.failing {
                return Err("store is down".into());
            }
            Ok(self.entries.lock().unwrap().get(key).cloned())
        }

        fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, String> {
            if self.failing {
                return Err("store is down".into());
            }
            let entries = self.entries.lock().unwrap();
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

        fn put(&self, write: &KvWrite) -> Result<(), String> {
            if self.failing {
                return Err("store is down".into());
            }
            self.entries
                .lock()
                .unwrap()
                .insert(write.key.clone(), write.value.clone());
            Ok(())
        }
    }

    const PAGE: &[u8] = b"<!doctype html><html lang=\"en\"><head></head><body>\
<div id=\"pinned-message\" class=\"pinned-message\" role=\"status\" hidden></div><p>Hi</p></body></html>";

    fn driver(kv: MemoryKv) -> EdgeDriver {
        let mut config = EdgeConfig::new(vec!["light".into(), "dark".into()], "preview");
        config.secure_cookies = false;
        EdgeDriver::new(Edge::new(config), Some(Arc::new(kv)))
    }

    fn html_headers() -> Vec<(String, String)> {
        vec![("content-type".into(), "text/html; charset=utf-8".into())]
    }

    #[tokio::test]
    async fn a_page_gets_the_pinned_message_and_the_edge_marker() {
        let kv = MemoryKv::default();
        kv.entries
            .lock()
            .unwrap()
            .insert("pinned_message".into(), "Maintenance <b>at</b> 10".into());
        let request = EdgeRequest::new(Method::Get, "http://127.0.0.1:1111", "/");
        let page = driver(kv).page(&request, PAGE, &html_headers()).await;
        let html = String::from_utf8(page.body).unwrap();
        assert!(html.contains("data-edge=\"preview\""), "{html}");
        assert!(
            html.contains("role=\"status\">Maintenance &lt;b&gt;at&lt;/b&gt; 10</div>"),
            "{html}"
        );
        let csp = page.headers.iter().find(|(name, _)| name == "content-security-policy");
        assert!(csp.is_some_and(|(_, value)| value.contains("connect-src 'self'")));
    }

    #[tokio::test]
    async fn a_failing_store_fails_open_for_pages_and_503_for_apis() {
        let driver = driver(MemoryKv {
            failing: true,
            ..MemoryKv::default()
        });
        let request = EdgeRequest::new(Method::Get, "http://127.0.0.1:1111", "/")
            .with_header("cookie", "session=0123456789abcdef0123456789abcdef");
        let page = driver.page(&request, PAGE, &html_headers()).await;
        let html = String::from_utf8(page.body).unwrap();
        assert!(
            html.contains("data-edge=\"preview\"") && html.contains("hidden></div>"),
            "{html}"
        );
        let api = EdgeRequest::new(Method::Get, "http://127.0.0.1:1111", "/api/kv/theme")
            .with_header("cookie", "session=0123456789abcdef0123456789abcdef");
        assert_eq!(driver.api(ApiEndpoint::Theme, &api).await.status, 503);
    }

    #[tokio::test]
    async fn a_saved_theme_is_on_the_next_page() {
        let driver = driver(MemoryKv::default());
        let post = EdgeRequest::new(Method::Post, "http://127.0.0.1:1111", "/api/kv/theme")
            .with_header("content-type", "application/json")
            .with_body(br#"{"theme":"dark"}"#.to_vec());
        let response = driver.api(ApiEndpoint::Theme, &post).await;
        assert_eq!(response.status, 200, "{:?}", response.json_body());
        let cookies: Vec<&str> = response
            .header_values("set-cookie")
            .filter_map(|cookie| cookie.split(';').next())
            .collect();
        assert!(
            response
                .header_values("set-cookie")
                .all(|cookie| !cookie.contains("Secure")),
            "plain http: no Secure cookies"
        );
        let session = cookies.iter().find(|cookie| cookie.starts_with("session=")).unwrap();
        let page_request = EdgeRequest::new(Method::Get, "http://127.0.0.1:1111", "/").with_header("cookie", *session);
        let page = driver.page(&page_request, PAGE, &html_headers()).await;
        assert!(String::from_utf8(page.body).unwrap().contains("class=\"theme-dark\""));
    }

    #[test]
    fn lists_follow_the_cursor_up_to_max_keys() {
        let kv = MemoryKv::default();
        for n in 0..5 {
            kv.entries.lock().unwrap().insert(format!("flag:s:t:{n}"), "1".into());
        }
        kv.entries.lock().unwrap().insert("other".into(), "1".into());
        let reads = |max_keys| KvReads {
            gets: Vec::new(),
            lists: vec![edgedocs_edge::KvList {
                prefix: "flag:s:t:".into(),
                max_keys,
            }],
        };
        assert_eq!(read_all(&kv, &reads(50)).unwrap().listing("flag:s:t:").len(), 5);
        assert_eq!(read_all(&kv, &reads(3)).unwrap().listing("flag:s:t:").len(), 3);
    }
}
