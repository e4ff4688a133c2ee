//! The edge, run natively: the local KV store as the edge's [`KvStore`], and the edge's native driver
//! ([`NativeEdge`], which walks listings, keeps the Worker's time budgets and fails open for pages)
//! run on blocking threads for the async server, with what it left out said on the terminal. It
//! reads KV on every request, no cache.

use crate::local_kv::LocalKv;
use crate::terminal::note;
use edgedocs_edge::native::{ListedPage, NativeEdge, StoreError};
use edgedocs_edge::{
    ApiEndpoint, Edge, EdgeRequest, EdgeResponse, FileRead, KvWrite, Outcome, RequestContext, SessionId,
};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub(super) use edgedocs_edge::native::KvStore;

impl KvStore for LocalKv {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(LocalKv::get(self, key)?)
    }

    fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, StoreError> {
        let page = LocalKv::list(self, prefix, cursor, limit)?;
        Ok(ListedPage {
            keys: page.keys,
            cursor: page.cursor,
            list_complete: page.list_complete,
        })
    }

    fn put(&self, write: &KvWrite) -> Result<(), StoreError> {
        Ok(LocalKv::put(self, write)?)
    }
}

/// The edge core plus the store it reads, shared by every request.
pub(super) struct EdgeDriver {
    native: Arc<NativeEdge>,
}

/// A page after the edge: the response headers and the rewritten body.
pub(super) struct EdgePage {
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl EdgeDriver {
    /// `kv` is `None` when the local store could not be opened: every read then fails open.
    pub(super) fn new(edge: Edge, kv: Option<Arc<dyn KvStore>>) -> Self {
        Self {
            native: Arc::new(NativeEdge::new(edge, kv)),
        }
    }

    pub(super) fn edge(&self) -> &Edge {
        self.native.edge()
    }

    /// Runs the page steps on `html`, the page as the build wrote it, with `asset_headers` as a static
    /// host would send them. If KV fails the page has no KV content; if lol_html gives up on the page,
    /// it is served as built; the terminal says why.
    pub(super) async fn page(
        &self,
        request: &EdgeRequest,
        html: &Arc<[u8]>,
        asset_headers: &[(String, String)],
    ) -> EdgePage {
        let native = Arc::clone(&self.native);
        let (request, html, asset_headers) = (request.clone(), Arc::clone(html), asset_headers.to_vec());
        let served = tokio::task::spawn_blocking(move || native.page(&request, &html, &asset_headers)).await;
        match served {
            Ok(served) => {
                if let Some(error) = served.kv_error {
                    note(&format!("edge: {error}; the page is served without KV content"));
                }
                if let Some(error) = served.injection_error {
                    note(&format!("edge: {error}; serving the page without the edge's changes"));
                }
                EdgePage {
                    headers: served.headers,
                    body: served.body,
                }
            }
            Err(join_error) => {
                note(&format!("edge: the page could not be served: {join_error}"));
                EdgePage {
                    headers: vec![("content-type".into(), "text/plain; charset=utf-8".into())],
                    body: b"the edge could not serve this page".to_vec(),
                }
            }
        }
    }

    /// Answers `/search?q=` with the results page through the edge, reading the index's files with
    /// `read_file` (a URL path of the site to what reading it came to); `None` when the site has no
    /// results page. The terminal hears why when the index cannot be read.
    pub(super) async fn search(
        &self,
        request: &EdgeRequest,
        read_file: impl FnMut(&str) -> FileRead + Send + 'static,
    ) -> Option<(u16, EdgePage)> {
        let native = Arc::clone(&self.native);
        let request = request.clone();
        match tokio::task::spawn_blocking(move || native.search(&request, read_file)).await {
            Ok(served) => {
                let served = served?;
                if let Some(problem) = &served.problem {
                    note(&format!("edge: search is unavailable: {problem}"));
                }
                Some((
                    served.status,
                    EdgePage {
                        headers: served.page.headers,
                        body: served.page.body,
                    },
                ))
            }
            Err(join_error) => {
                note(&format!("edge: the search could not be answered: {join_error}"));
                None
            }
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
        let native = Arc::clone(&self.native);
        let request = request.clone();
        match tokio::task::spawn_blocking(move || native.api(endpoint, &request, &context)).await {
            Ok(answered) => {
                if let Some(error) = answered.kv_error {
                    note(&format!("edge: {error}; answered 503"));
                }
                answered.response
            }
            Err(join_error) => {
                note(&format!("edge: the API request failed: {join_error}"));
                Outcome::kv_unavailable().response
            }
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
    use edgedocs_edge::{EdgeConfig, KvList, KvReads, MAX_LIST_PAGE_KEYS, Method, native::read_all};

    const ORIGIN: &str = "http://127.0.0.1:1111";
    const PAGE: &[u8] = b"<!doctype html><html lang=\"en\"><head></head><body>\
<div id=\"pinned-message\" class=\"pinned-message\" role=\"status\" hidden></div><p>Hi</p></body></html>";

    /// The preview's edge over a real local store in a temporary folder.
    fn driver() -> (tempfile::TempDir, Arc<LocalKv>, EdgeDriver) {
        let folder = tempfile::tempdir().unwrap();
        let kv = Arc::new(LocalKv::open(folder.path()).unwrap());
        let mut config = EdgeConfig::new(vec!["light".into(), "dark".into()], "preview");
        config.secure_cookies = false;
        let store: Arc<dyn KvStore> = kv.clone();
        (folder, kv, EdgeDriver::new(Edge::new(config), Some(store)))
    }

    #[tokio::test]
    async fn a_saved_theme_is_on_the_next_page_over_plain_http() {
        let (_folder, _kv, driver) = driver();
        let post = EdgeRequest::new(Method::Post, ORIGIN, "/api/kv/theme")
            .with_header("content-type", "application/json")
            .with_body(br#"{"theme":"dark"}"#.to_vec());
        let response = driver.api(ApiEndpoint::Theme, &post).await;
        assert_eq!(response.status, 200, "{:?}", response.json_body());
        assert!(
            response
                .header_values("set-cookie")
                .all(|cookie| !cookie.contains("Secure")),
            "plain http: no Secure cookies"
        );
        let session = response
            .header_values("set-cookie")
            .filter_map(|cookie| cookie.split(';').next())
            .find(|cookie| cookie.starts_with("session="))
            .unwrap()
            .to_owned();
        let page_request = EdgeRequest::new(Method::Get, ORIGIN, "/").with_header("cookie", session);
        let html: Arc<[u8]> = Arc::from(PAGE);
        let page = driver.page(&page_request, &html, &[]).await;
        assert!(String::from_utf8(page.body).unwrap().contains("class=\"theme-dark\""));
    }

    #[test]
    fn the_local_store_lists_through_its_cursor() {
        let (_folder, kv, _driver) = driver();
        for n in 0..(MAX_LIST_PAGE_KEYS + 5) {
            kv.put(&KvWrite {
                key: format!("flag:s:t:{n:04}"),
                value: "1".into(),
                expiration_ttl: None,
                metadata: None,
            })
            .unwrap();
        }
        let reads = |max_keys| KvReads {
            gets: Vec::new(),
            lists: vec![KvList {
                prefix: "flag:s:t:".into(),
                max_keys,
            }],
        };
        let listed = |max_keys| {
            read_all(kv.as_ref(), &reads(max_keys))
                .unwrap()
                .listing("flag:s:t:")
                .len()
        };
        assert_eq!(
            listed(5000),
            MAX_LIST_PAGE_KEYS + 5,
            "a second page, through the cursor"
        );
        assert_eq!(listed(3), 3);
    }
}
