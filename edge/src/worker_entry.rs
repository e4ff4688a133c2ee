//! The Worker's `fetch` entry point: adapts `worker`'s request and response types to the core and
//! drives it — KV reads concurrently with the asset fetch, writes before the response, the HTML applier
//! on HTML assets, everything else untouched. It makes no decision the core could make.

use std::sync::OnceLock;
use std::time::Duration;

use futures_util::future::join;
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Context, Date, Env, Request, Response, ResponseBody, console_error, event, js_sys, web_sys};

use crate::api::{ApiEndpoint, ApiStep, Outcome, RequestContext};
use crate::config::{EdgeConfig, MAX_API_BODY_BYTES};
use crate::edge::{Edge, Route};
use crate::http::{API_REQUEST_HEADERS, EdgeRequest, EdgeResponse, Method, PAGE_REQUEST_HEADERS};
use crate::injection::{is_html_content_type, page_header_edits, path_expects_html};
use crate::session::SessionId;
use crate::worker_html;
use crate::worker_kv::{KvDriver, KvUnavailable};

#[wasm_bindgen]
extern "C" {
    /// The static-assets binding seen as what it is: a fetcher answering with the runtime's own
    /// `Response`, which is handed on untouched (no copy into and out of `worker::Response`).
    type AssetsFetcher;

    #[wasm_bindgen(method, catch)]
    fn fetch(this: &AssetsFetcher, request: &web_sys::Request) -> Result<js_sys::Promise, JsValue>;
}

/// The name of the static-assets binding in `wrangler.jsonc`.
const ASSETS_BINDING: &str = "ASSETS";
/// How long a page waits for KV before it is served without KV content.
const PAGE_KV_BUDGET: Duration = Duration::from_millis(1000);
/// How long an API request waits for KV before answering 503.
const API_KV_BUDGET: Duration = Duration::from_millis(5000);

fn edge() -> &'static Edge {
    static EDGE: OnceLock<Edge> = OnceLock::new();
    EDGE.get_or_init(|| Edge::new(EdgeConfig::cloudflare()))
}

#[event(fetch)]
async fn fetch(request: Request, env: Env, _context: Context) -> worker::Result<Response> {
    let edge = edge();
    let Some(edge_request) = EdgeRequest::from_url(Method::parse(request.method().as_ref()), &request.inner().url())
    else {
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
                request,
                &env,
            )
            .await;
            to_worker_response(response)
        }
        Route::Asset => {
            serve_asset(
                edge,
                with_headers(edge_request, &request, PAGE_REQUEST_HEADERS),
                request,
                &env,
            )
            .await
        }
    }
}

/// Copies the named request headers (only those the core consults) into the core's request.
fn with_headers(mut edge_request: EdgeRequest, request: &Request, names: &[&str]) -> EdgeRequest {
    for name in names {
        if let Ok(Some(value)) = request.headers().get(name) {
            edge_request.headers.push(((*name).to_owned(), value));
        }
    }
    edge_request
}

async fn answer_api(
    edge: &Edge,
    endpoint: ApiEndpoint,
    mut edge_request: EdgeRequest,
    mut request: Request,
    env: &Env,
) -> EdgeResponse {
    let declared_length = edge_request
        .header("content-length")
        .and_then(|length| length.trim().parse::<usize>().ok());
    let has_body = matches!(edge_request.method, Method::Post | Method::Put | Method::Patch);
    // A body declared too large is not read: the core refuses it from the header alone.
    if has_body && declared_length.is_none_or(|length| length <= MAX_API_BODY_BYTES) {
        edge_request.body = request.bytes().await.unwrap_or_default();
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

async fn serve_asset(edge: &Edge, page_request: EdgeRequest, request: Request, env: &Env) -> worker::Result<Response> {
    let assets = env.assets(ASSETS_BINDING)?.into_rpc::<AssetsFetcher>();
    let pending = edge.start_page(&page_request);
    let fetch_asset = async {
        let promise = assets.fetch(request.inner()).map_err(worker::Error::from)?;
        let asset = JsFuture::from(promise).await.map_err(worker::Error::from)?;
        Ok::<_, worker::Error>(asset.unchecked_into::<web_sys::Response>())
    };

    // Likely pages read KV while the asset is fetched; other paths fetch first and read KV only if
    // the asset turns out to be HTML.
    let (asset, early_snapshot) = if page_request.method == Method::Get && path_expects_html(&page_request.path) {
        let (asset, snapshot) = join(fetch_asset, read_kv(env, &pending.reads, PAGE_KV_BUDGET)).await;
        (asset?, Some(snapshot))
    } else {
        (fetch_asset.await?, None)
    };

    let asset_headers = asset.headers();
    let content_type = asset_headers.get("content-type").ok().flatten().unwrap_or_default();
    if !is_html_content_type(&content_type) {
        return Ok(worker_html::into_worker_response(asset));
    }
    let snapshot = match early_snapshot {
        Some(snapshot) => snapshot,
        None => read_kv(env, &pending.reads, PAGE_KV_BUDGET).await,
    };
    let plan = edge.finish_page(pending, snapshot.as_ref().ok());

    // Fetched headers are immutable: edit a copy.
    let edits = page_header_edits(asset_headers.get("vary").ok().flatten().as_deref());
    let headers = web_sys::Headers::new_with_headers(&asset_headers)?;
    for name in edits.remove {
        headers.delete(name)?;
    }
    for (name, value) in &edits.set {
        headers.set(name, value)?;
    }
    if asset.body().is_some() && page_request.method != Method::Head {
        worker_html::inject(asset, &plan, headers)
    } else {
        worker_html::without_body(&asset, headers)
    }
}

fn to_worker_response(response: EdgeResponse) -> worker::Result<Response> {
    let headers = worker::Headers::new();
    for (name, value) in &response.headers {
        headers.append(name, value)?;
    }
    let body = if response.body.is_empty() {
        ResponseBody::Empty
    } else {
        ResponseBody::Body(response.body)
    };
    Ok(Response::from_body(body)?
        .with_status(response.status)
        .with_headers(headers))
}
