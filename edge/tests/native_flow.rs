//! The core driven end to end natively, the way every runtime drives it: an in-memory KV store and a
//! small synchronous driver (start, read, finish, write), then the streaming applier on a page.

use std::collections::BTreeMap;

use edgedocs_edge::{
    ApiStep, Edge, EdgeConfig, EdgeRequest, EdgeResponse, HtmlInjector, InjectionPlan, KvListEntry, KvReads,
    KvSnapshot, Method, RequestContext, Route, SessionId, validate_kv_write,
};

const ORIGIN: &str = "http://127.0.0.1:1111";
const PAGE: &str = "<!doctype html><html lang=\"en\"><body>\
<div id=\"pinned-message\" class=\"pinned-message\" role=\"status\" hidden></div><p>Docs</p></body></html>";

/// KV in a map: values with their metadata, listed in key order.
#[derive(Default)]
struct MemoryKv {
    entries: BTreeMap<String, (String, Option<serde_json::Value>)>,
}

impl MemoryKv {
    fn read(&self, reads: &KvReads) -> KvSnapshot {
        let mut snapshot = KvSnapshot::new();
        for get in &reads.gets {
            snapshot.insert_value(
                get.key.clone(),
                self.entries.get(&get.key).map(|(value, _)| value.clone()),
            );
        }
        for list in &reads.lists {
            let entries = self
                .entries
                .range(list.prefix.clone()..)
                .take_while(|(key, _)| key.starts_with(&list.prefix))
                .take(list.max_keys)
                .map(|(key, (_, metadata))| KvListEntry {
                    name: key.clone(),
                    expiration: None,
                    metadata: metadata.clone(),
                })
                .collect();
            snapshot.insert_listing(list.prefix.clone(), entries);
        }
        snapshot
    }
}

struct Runtime {
    edge: Edge,
    kv: MemoryKv,
    next_session_byte: u8,
}

impl Runtime {
    fn new() -> Self {
        let mut config = EdgeConfig::new(vec!["light".into(), "dark".into()], "preview");
        config.secure_cookies = false;
        Self {
            edge: Edge::new(config),
            kv: MemoryKv::default(),
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
        let Route::Api(endpoint) = self.edge.route(&request.path) else {
            panic!("{} is not an API", request.path)
        };
        let context = self.context();
        let outcome = match self.edge.start_api(endpoint, request, &context) {
            ApiStep::Done(outcome) => outcome,
            ApiStep::NeedsKv { reads, pending } => self.edge.finish_api(pending, &self.kv.read(&reads)),
        };
        for write in outcome.writes {
            validate_kv_write(&write).expect("the core only asks for writes KV accepts");
            self.kv.entries.insert(write.key, (write.value, write.metadata));
        }
        outcome.response
    }

    /// Serves the page through the streaming applier, in small chunks.
    fn page(&self, request: &EdgeRequest) -> (InjectionPlan, String) {
        assert_eq!(self.edge.route(&request.path), Route::Asset);
        let pending = self.edge.start_page(request);
        let snapshot = self.kv.read(&pending.reads);
        let plan = self.edge.finish_page(pending, Some(&snapshot));
        let mut html = Vec::new();
        let mut injector = HtmlInjector::new(&plan, |chunk: &[u8]| html.extend_from_slice(chunk));
        for chunk in PAGE.as_bytes().chunks(7) {
            injector.write(chunk).expect("the page rewrites");
        }
        injector.end().expect("the page rewrites");
        (plan, String::from_utf8(html).expect("UTF-8"))
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
    let (plan, html) = runtime.page(&page);
    assert_eq!(plan.theme_class.as_deref(), Some("theme-dark"));
    assert!(
        html.contains(r#"<html lang="en" class="theme-dark" data-edge="preview">"#),
        "{html}"
    );
    runtime.kv.entries.clear();
    let hinted = EdgeRequest::new(Method::Get, ORIGIN, "/").with_header("cookie", cookie_pairs(&saved));
    assert_eq!(runtime.page(&hinted).0.theme_class.as_deref(), Some("theme-dark"));
}

#[test]
fn pinned_message_and_flags_round_trip() {
    let mut runtime = Runtime::new();
    runtime
        .kv
        .entries
        .insert("pinned_message".into(), ("Read <this>".into(), None));
    let (_, html) = runtime.page(&EdgeRequest::new(Method::Get, ORIGIN, "/"));
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
