//! The Worker's `fetch` entry point: adapts the runtime's request and response to the core and drives
//! it — for a page, the asset fetch and the KV reads in one promise (`worker_page`), then the HTML
//! applier on HTML assets, everything else untouched; for an API, reads, then writes, then the
//! response. It makes no decision the core could make, and takes and returns the runtime's own
//! `Request`/`Response` (no copy into `worker`'s wrappers, which would read `request.cf` and re-wrap
//! the body stream on every page).

use std::sync::OnceLock;
use std::time::Duration;

use futures_util::future::join;
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Context, Date, Env, console_error, event, js_sys, web_sys};

use crate::api::{ApiEndpoint, ApiStep, Outcome, RequestContext};
use crate::config::{EdgeConfig, MAX_API_BODY_BYTES};
use crate::edge::{Edge, Route};
use crate::http::{API_REQUEST_HEADERS, EdgeRequest, EdgeResponse, Method, PAGE_REQUEST_HEADERS};
use crate::injection::{is_html_content_type, page_header_edits, path_expects_html};
use crate::session::SessionId;
use crate::worker_html;
use crate::worker_kv::{KvDriver, KvUnavailable};
use crate::worker_page::{self, PageKeys};

#[wasm_bindgen]
extern "C" {
    /// The Worker's bindings as the page path uses them: read as plain properties, handed to
    /// `worker_page.js` as they are. The names are those in `wrangler.jsonc`.
    type Bindings;

    /// The static-assets binding (`assets.binding`).
    #[wasm_bindgen(method, getter, js_name = ASSETS)]
    fn assets(this: &Bindings) -> JsValue;

    /// The KV namespace (`kv_namespaces[].binding`, also `worker_kv::KV_BINDING`).
    #[wasm_bindgen(method, getter, js_name = KV)]
    fn kv(this: &Bindings) -> JsValue;
}

/// How long a page waits for KV before it is served without KV content.
const PAGE_KV_BUDGET: Duration = Duration::from_millis(1000);
/// How long an API request waits for KV before answering 503.
const API_KV_BUDGET: Duration = Duration::from_millis(5000);

fn edge() -> &'static Edge {
    static EDGE: OnceLock<Edge> = OnceLock::new();
    EDGE.get_or_init(|| Edge::new(EdgeConfig::cloudflare()))
}

#[event(fetch)]
async fn fetch(request: web_sys::Request, env: Env, _context: Context) -> worker::Result<web_sys::Response> {
    let edge = edge();
    let Some(edge_request) = EdgeRequest::from_url(Method::parse(&request.method()), &request.url()) else {
        return Err(worker::Error::RustError(
            "the runtime passed a request without an absolute URL".into(),
        ));
    };
    match edge.route(&edge_request.path) {
        Route::Api(endpoint) => {
            let response = answer_api(
                edge,
                endpoint,
                with_headers(edge_request, &request, API_REQUEST_HEADERS),
                &request,
                &env,
            )
            .await;
            to_web_response(response)
        }
        Route::Asset => {
            serve_asset(
                edge,
                with_headers(edge_request, &request, PAGE_REQUEST_HEADERS),
                &request,
                &env,
            )
            .await
        }
    }
}

/// Copies the named request headers (only those the core consults) into the core's request.
fn with_headers(mut edge_request: EdgeRequest, request: &web_sys::Request, names: &[&str]) -> EdgeRequest {
    let headers = request.headers();
    for name in names {
        if let Ok(Some(value)) = headers.get(name) {
            edge_request.headers.push(((*name).to_owned(), value));
        }
    }
    edge_request
}

/// The request body, or nothing when it cannot be read (the core then answers as for an empty body).
async fn read_body(request: &web_sys::Request) -> Vec<u8> {
    let Ok(promise) = request.array_buffer() else {
        return Vec::new();
    };
    match JsFuture::from(promise).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(_) => Vec::new(),
    }
}

async fn answer_api(
    edge: &Edge,
    endpoint: ApiEndpoint,
    mut edge_request: EdgeRequest,
    request: &web_sys::Request,
    env: &Env,
) -> EdgeResponse {
    let declared_length = edge_request
        .header("content-length")
        .and_then(|length| length.trim().parse::<usize>().ok());
    let has_body = matches!(edge_request.method, Method::Post | Method::Put | Method::Patch);
    // A body declared too large is not read: the core refuses it from the header alone.
    if has_body && declared_length.is_none_or(|length| length <= MAX_API_BODY_BYTES) {
        edge_request.body = read_body(request).await;
    }
    let Ok(fresh_session) = SessionId::generate() else {
        console_error!("no randomness for a session id");
        return Outcome::kv_unavailable().response;
    };
    let context = RequestContext {
        now_unix_ms: Date::now().as_millis(),
        fresh_session,
    };

    let outcome = match edge.start_api(endpoint, &edge_request, &context) {
        ApiStep::Done(outcome) => outcome,
        ApiStep::NeedsKv { reads, pending } => match read_kv(env, &reads, API_KV_BUDGET).await {
            Ok(snapshot) => edge.finish_api(pending, &snapshot),
            Err(KvUnavailable) => return Outcome::kv_unavailable().response,
        },
    };
    if outcome.writes.is_empty() {
        return outcome.response;
    }
    let written = match KvDriver::from_env(env) {
        Ok(driver) => driver.write_all(&outcome.writes, API_KV_BUDGET).await,
        Err(unavailable) => Err(unavailable),
    };
    match written {
        Ok(()) => outcome.response,
        Err(KvUnavailable) => Outcome::kv_unavailable().response,
    }
}

async fn read_kv(env: &Env, reads: &crate::KvReads, budget: Duration) -> Result<crate::KvSnapshot, KvUnavailable> {
    if reads.is_empty() {
        return Ok(crate::KvSnapshot::new());
    }
    KvDriver::from_env(env)?.read(reads, budget).await
}

async fn serve_asset(
    edge: &Edge,
    page_request: EdgeRequest,
    request: &web_sys::Request,
    env: &Env,
) -> worker::Result<web_sys::Response> {
    let bindings: &Bindings = env.unchecked_ref();
    let assets = bindings.assets();
    let pending = edge.start_page(&page_request);
    let keys = PageKeys::of(&pending.reads);

    // Likely pages read KV while the asset is fetched; other paths fetch first and read KV only if
    // the asset turns out to be HTML.
    let likely_page = page_request.method == Method::Get && path_expects_html(&page_request.path);
    let (inputs, early_snapshot) = match (&keys, likely_page) {
        (Some(keys), true) => {
            let inputs = worker_page::fetch_page(&assets, request, &bindings.kv(), keys, PAGE_KV_BUDGET).await?;
            let snapshot = worker_page::kv_snapshot(&inputs, keys);
            (inputs, Some(snapshot))
        }
        (None, true) => {
            let (inputs, snapshot) = join(
                worker_page::fetch_asset(&assets, request),
                read_kv(env, &pending.reads, PAGE_KV_BUDGET),
            )
            .await;
            (inputs?, Some(snapshot.ok()))
        }
        (_, false) => (worker_page::fetch_asset(&assets, request).await?, None),
    };
    let Some(asset) = inputs.asset() else {
        return Err(worker::Error::RustError(
            "the assets binding answered without a response".into(),
        ));
    };

    let asset_headers = asset.headers();
    let content_type = asset_headers.get("content-type").ok().flatten().unwrap_or_default();
    if !is_html_content_type(&content_type) {
        return Ok(asset);
    }
    let snapshot = match (early_snapshot, &keys) {
        (Some(snapshot), _) => snapshot,
        (None, Some(keys)) => worker_page::kv_snapshot(
            &worker_page::read_keys(&bindings.kv(), keys, PAGE_KV_BUDGET).await?,
            keys,
        ),
        (None, None) => read_kv(env, &pending.reads, PAGE_KV_BUDGET).await.ok(),
    };
    let plan = edge.finish_page(pending, snapshot.as_ref());

    // Fetched headers are immutable: the shim edits a copy, with the edits the core decided.
    let edits = worker_page::header_edits(asset_headers.get("vary").ok().flatten(), page_header_edits);
    if asset.body().is_some() && page_request.method != Method::Head {
        worker_html::inject(asset, &plan, &edits)
    } else {
        Ok(worker_page::page_without_body(&asset, &edits)?)
    }
}

fn to_web_response(response: EdgeResponse) -> worker::Result<web_sys::Response> {
    let headers = web_sys::Headers::new()?;
    for (name, value) in &response.headers {
        headers.append(name, value)?;
    }
    let init = web_sys::ResponseInit::new();
    init.set_status(response.status);
    init.set_headers(&headers);
    let body = (!response.body.is_empty()).then(|| js_sys::Uint8Array::from(response.body.as_slice()));
    Ok(web_sys::Response::new_with_opt_buffer_source_and_init(
        body.as_ref().map(AsRef::as_ref),
        &init,
    )?)
}
