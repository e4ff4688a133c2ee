//! The core driven end to end through its native driver (`edgedocs_edge::native`), the one the
//! preview server runs: an in-memory KV store behind the driver's `KvStore` trait, APIs answered
//! start -> reads -> finish -> writes, pages through the streaming applier.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use edgedocs_edge::native::{KvStore, ListedPage, NativeEdge, StoreError};
use edgedocs_edge::{
    Edge, EdgeConfig, EdgeRequest, EdgeResponse, KvListEntry, KvWrite, Method, RequestContext, Route, SessionId,
    validate_kv_write,
};

const ORIGIN: &str = "http://127.0.0.1:1111";
const PAGE: &str = "<!doctype html><html lang=\"en\"><body>\
<div id=\"pinned-message\" class=\"pinned-message\" role=\"status\" hidden></div><p>Docs</p></body></html>";

/// KV in a map: values with their metadata, listed in key order, one page for any listing.
#[derive(Default)]
struct MemoryKv {
    entries: Mutex<BTreeMap<String, (String, Option<serde_json::Value>)>>,
}

impl MemoryKv {
    fn entries(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, (String, Option<serde_json::Value>)>> {
        self.entries.lock().expect("not poisoned")
    }
}

impl KvStore for MemoryKv {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.entries().get(key).map(|(value, _)| value.clone()))
    }

    fn list_page(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListedPage, StoreError> {
        assert!(cursor.is_none(), "every listing fits one page");
        let keys = self
            .entries()
            .range(prefix.to_owned()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .take(limit)
            .map(|(key, (_, metadata))| KvListEntry {
                name: key.clone(),
                expiration: None,
                metadata: metadata.clone(),
            })
            .collect();
        Ok(ListedPage {
            keys,
            cursor: None,
            list_complete: true,
        })
    }

    fn put(&self, write: &KvWrite) -> Result<(), StoreError> {
        validate_kv_write(write)?;
        self.entries()
            .insert(write.key.clone(), (write.value.clone(), write.metadata.clone()));
        Ok(())
    }
}

struct Runtime {
    driver: NativeEdge,
    kv: Arc<MemoryKv>,
    next_session_byte: u8,
}

impl Runtime {
    fn new() -> Self {
        let mut config = EdgeConfig::new(vec!["light".into(), "dark".into()], "preview");
        config.secure_cookies = false;
        config.demo_apis = true;
        let kv = Arc::new(MemoryKv::default());
        let store: Arc<dyn KvStore> = kv.clone();
        Self {
            driver: NativeEdge::new(Edge::new(config), Some(store)),
            kv,
            next_session_byte: 1,
        }
    }

    fn context(&mut self) -> RequestContext {
        self.next_session_byte += 1;
        RequestContext {
            now_unix_ms: 1_700_000_000_000,
            fresh_session: SessionId::from_random_bytes([self.next_session_byte; 16]),
        }
    }

    /// Answers an API request: start, read, finish, write.
    fn api(&mut self, request: &EdgeRequest) -> EdgeResponse {
        let Route::Api(endpoint) = self.driver.edge().route(&request.path) else {
            panic!("{} is not an API", request.path)
        };
        let context = self.context();
        let answered = self.driver.api(endpoint, request, &context);
        assert!(answered.kv_error.is_none(), "{:?}", answered.kv_error);
        answered.response
    }

    /// Serves the page through the driver and the streaming applier.
    fn page(&self, request: &EdgeRequest) -> String {
        assert_eq!(self.driver.edge().route(&request.path), Route::Asset);
        let served = self.driver.page(request, PAGE.as_bytes(), &[]);
        assert!(served.kv_error.is_none() && served.injection_error.is_none());
        String::from_utf8(served.body).expect("UTF-8")
    }
}

fn cookie_pairs(response: &EdgeResponse) -> String {
    response
        .header_values("set-cookie")
        .map(|line| line.split(';').next().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn theme_saved_through_the_api_shows_on_the_next_page() {
    let mut runtime = Runtime::new();
    let first = runtime.api(&EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/theme"));
    let session_cookie = cookie_pairs(&first);
    assert!(session_cookie.starts_with("session="), "{session_cookie}");

    let saved = runtime.api(
        &EdgeRequest::new(Method::Post, ORIGIN, "/api/kv/theme")
            .with_header("cookie", &session_cookie)
            .with_header("origin", ORIGIN)
            .with_header("content-type", "application/json")
            .with_body(br#"{"theme":"dark"}"#.to_vec()),
    );
    assert_eq!(saved.status, 200);

    // Without the hint cookie the theme comes from KV; with it, from the cookie.
    let page = EdgeRequest::new(Method::Get, ORIGIN, "/").with_header("cookie", &session_cookie);
    let html = runtime.page(&page);
    assert!(
        html.contains(r#"<html lang="en" class="theme-dark" data-edge="preview">"#),
        "{html}"
    );
    runtime.kv.entries().clear();
    let hinted = EdgeRequest::new(Method::Get, ORIGIN, "/").with_header("cookie", cookie_pairs(&saved));
    assert!(runtime.page(&hinted).contains(r#"class="theme-dark""#));
}

#[test]
fn pinned_message_and_flags_round_trip() {
    let mut runtime = Runtime::new();
    runtime
        .kv
        .entries()
        .insert("pinned_message".into(), ("Read <this>".into(), None));
    let html = runtime.page(&EdgeRequest::new(Method::Get, ORIGIN, "/"));
    assert!(html.contains(r#"role="status">Read &lt;this&gt;</div>"#), "{html}");

    let write = || {
        EdgeRequest::new(Method::Post, ORIGIN, "/api/kv/flags")
            .with_header("content-type", "application/json")
            .with_body(br#"{"tenant":"acme","name":"beta","enabled":false}"#.to_vec())
    };
    // A write needs a session; the demo page gets one by listing first.
    assert_eq!(runtime.api(&write()).status, 403);
    let first_list = runtime.api(&EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme"));
    let session_cookie = cookie_pairs(&first_list);
    assert!(session_cookie.starts_with("session="), "{session_cookie}");
    let created = runtime.api(&write().with_header("cookie", &session_cookie));
    assert_eq!(created.status, 201);
    let listed = runtime.api(
        &EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme").with_header("cookie", &session_cookie),
    );
    let flags = listed.json_body().expect("JSON")["flags"].clone();
    assert_eq!(flags[0]["name"], "beta");
    assert_eq!(flags[0]["enabled"], false);
    let stranger = runtime.api(&EdgeRequest::new(Method::Get, ORIGIN, "/api/kv/flags?tenant=acme"));
    assert_eq!(stranger.json_body().expect("JSON")["flags"], serde_json::json!([]));
}
