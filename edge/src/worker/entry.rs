//! The Worker's `fetch` entry point: adapts the runtime's request and response to the core and drives
//! it — for a page, the asset fetch and the KV reads in one promise (`page`), then the HTML
//! applier on HTML assets, everything else untouched; for an API, reads, then writes, then the
//! response. It makes no decision the core could make, and takes and returns the runtime's own
//! `Request`/`Response` (no copy into `worker`'s wrappers, which would read `request.cf` and re-wrap
//! the body stream on every page).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Duration;

use futures_util::future::join;
use wasm_bindgen::{JsCast, JsValue, prelude::Closure, prelude::wasm_bindgen};
use worker::wasm_bindgen_futures::{JsFuture, future_to_promise};
use worker::{Date, Delay, Env, console_error, js_sys, web_sys};

use super::html;
use super::kv::{KvDriver, KvUnavailable};
use super::page::{self, FetchedAsset, KvValues, PageKeys};
use super::search;
use crate::api::bounded_body::{BoundedBody, NextChunk};
use crate::api::session_queue::{Place, SessionQueue};
use crate::api::{ApiEndpoint, ApiStep, Outcome, RequestContext};
use crate::config::{API_KV_BUDGET, EdgeConfig, MAX_API_BODY_BYTES, PAGE_KV_BUDGET};
use crate::edge::{Edge, Route};
use crate::http::{API_REQUEST_HEADERS, EdgeRequest, EdgeResponse, Method, PAGE_REQUEST_HEADERS, status_has_body};
use crate::kv::KvSnapshot;
use crate::page::in_flight::PagesInFlight;
use crate::page::{PendingPage, markdown_twin_path, page_header_edits, path_expects_html};
use crate::search::ResultsFill;
use crate::session::SessionId;
use crate::site_config::SiteEdgeConfig;

#[wasm_bindgen]
extern "C" {
    /// The Worker's bindings as the page path uses them: read as plain properties, handed to
    /// `page.js` as they are. The names are those in `wrangler.jsonc`.
    type Bindings;

    /// The static-assets binding (`assets.binding`).
    #[wasm_bindgen(method, getter, js_name = ASSETS)]
    fn assets(this: &Bindings) -> JsValue;

    /// The KV namespace (`kv_namespaces[].binding`, also `kv::KV_BINDING`).
    #[wasm_bindgen(method, getter, js_name = KV)]
    fn kv(this: &Bindings) -> JsValue;

    /// The optional rate-limiting binding (`ratelimits[].name`, commented out in `wrangler.jsonc`);
    /// undefined when it is not configured.
    #[wasm_bindgen(method, getter, js_name = API_RATE_LIMITER)]
    fn api_rate_limiter(this: &Bindings) -> JsValue;

    /// The runtime's rate limiter: `limit({ key })` resolves to `{ success }`.
    type RateLimiter;

    #[wasm_bindgen(method, catch)]
    fn limit(this: &RateLimiter, options: &js_sys::Object) -> Result<js_sys::Promise, JsValue>;
}

/// How often a counted write waiting for the earlier ones of its session looks again.
const SESSION_QUEUE_POLL: Duration = Duration::from_millis(5);

/// The edge of this isolate, configured on its first request from the site's settings.
static EDGE: OnceLock<Edge> = OnceLock::new();

/// The edge, configured from `site` (the object `edge-config.js` exports) the first time: read once
/// per isolate, and again only in a fresh instance after an abort. Settings that do not read leave
/// the edge without colour themes and demo APIs (pages still get the pinned message) and say why in
/// the log.
fn edge(site: &JsValue) -> &'static Edge {
    EDGE.get_or_init(|| {
        let text = js_sys::JSON::stringify(site).ok().and_then(|text| text.as_string());
        let settings = match text.as_deref().map(SiteEdgeConfig::from_json) {
            Some(Ok(settings)) => settings,
            Some(Err(error)) => {
                console_error!("edge-config.js: {error}; serving without colour themes or demo APIs");
                SiteEdgeConfig::default()
            }
            None => {
                console_error!(
                    "edge-config.js exports no settings (run `edgedocs build`); serving without colour themes or demo APIs"
                );
                SiteEdgeConfig::default()
            }
        };
        Edge::new(EdgeConfig::cloudflare(&settings))
    })
}

/// The Worker's request handler as a JavaScript class with one static method, `fetch`, which the
/// entry module (`entry.js`) calls for every request. A class rather than a `fetch` export, so
/// worker-build generates no handler of its own: its entry wraps every request in per-request
/// proxies (a fresh handler object, a proxied instance and a proxied method), which cost as much CPU
/// as the page's own Rust code. Recovery after a panic does not depend on them: the wasm-bindgen glue
/// re-instantiates the module on the next call after an abort (`worker`'s init schedules it).
#[wasm_bindgen]
pub struct EdgeWorker;

#[wasm_bindgen]
impl EdgeWorker {
    /// Answers one request. Pages that look like pages take the fast path: `page.js` fetches the
    /// asset and reads KV in one promise and hands the result to [`finish_page`]; anything else is
    /// driven from Rust with async/await.
    /// `alive` is [`EdgeWorker::alive`], which the page path calls before it calls back into Rust;
    /// `site` is the site's settings (`edge-config.js`), read on the isolate's first request only.
    pub fn fetch(
        request: web_sys::Request,
        env: Env,
        _context: JsValue,
        alive: JsValue,
        site: &JsValue,
    ) -> js_sys::Promise {
        serve(request, env, &alive, site)
    }

    /// Does nothing. Calling it makes wasm-bindgen's glue re-create the instance if it aborted (a
    /// Rust panic) since the last call; `page.js` calls it before `finish_page` or
    /// `fail_page`, whose closures the glue then refuses if they belong to the aborted instance. The
    /// glue checks for an abort only after it has copied a call's string arguments into the wasm
    /// memory, so without this a page in flight during an abort would call into the new instance
    /// with pointers into the old one's memory.
    pub fn alive() {}
}

fn serve(request: web_sys::Request, env: Env, alive: &JsValue, site: &JsValue) -> js_sys::Promise {
    let edge = edge(site);
    let Some(edge_request) = EdgeRequest::from_url(Method::parse(&request.method()), &request.url()) else {
        return js_sys::Promise::resolve(&respond(Err(worker::Error::RustError(
            "the runtime passed a request without an absolute URL".into(),
        ))));
    };
    match edge.route(&edge_request.path) {
        Route::Api(endpoint) => {
            let api_request = with_headers(edge_request, &request, API_REQUEST_HEADERS);
            future_to_promise(async move {
                let response = answer_api(edge, endpoint, api_request, &request, &env).await;
                Ok(respond(to_web_response(response)))
            })
        }
        Route::Search if matches!(edge_request.method, Method::Get | Method::Head) => {
            let page_request = with_headers(edge_request, &request, PAGE_REQUEST_HEADERS);
            future_to_promise(async move { Ok(respond(serve_search(edge, page_request, &request, &env).await)) })
        }
        Route::Search | Route::Asset => {
            let page_request = with_headers(edge_request, &request, PAGE_REQUEST_HEADERS);
            if let Some(twin) = markdown_twin_path(&page_request) {
                return future_to_promise(async move {
                    Ok(respond(
                        serve_markdown_twin(edge, page_request, &twin, &request, &env).await,
                    ))
                });
            }
            let pending = edge.start_page(&page_request);
            let bindings: &Bindings = env.unchecked_ref();
            // Likely pages read KV while the asset is fetched.
            if page_request.method == Method::Get
                && path_expects_html(&page_request.path)
                && let Some(keys) = PageKeys::of(&pending.reads)
            {
                // A copy waits for the results, so the keys can keep borrowing this one.
                let ticket = PAGES_IN_FLIGHT.with_borrow_mut(|pages| pages.park(pending.clone()));
                return PAGE_CALLBACKS.with(|(finish, fail)| {
                    page::serve_page(
                        &bindings.assets(),
                        &request,
                        &bindings.kv(),
                        &keys,
                        PAGE_KV_BUDGET,
                        finish.as_ref(),
                        fail.as_ref(),
                        ticket,
                        alive,
                    )
                });
            }
            future_to_promise(
                async move { Ok(respond(serve_asset(edge, page_request, pending, &request, &env).await)) },
            )
        }
    }
}

/// [`finish_page`]'s signature: the ticket, the request, the asset, its `content-type` and `vary`,
/// the two KV values and the KV error.
type FinishPage = dyn Fn(
    u32,
    web_sys::Request,
    web_sys::Response,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) -> JsValue;

/// [`fail_page`]'s signature: the ticket and what went wrong.
type FailPage = dyn Fn(u32, String) -> JsValue;

thread_local! {
    /// [`finish_page`] and [`fail_page`] as JavaScript functions, made once for the life of the Worker
    /// instance rather than as closures per request.
    static PAGE_CALLBACKS: (Closure<FinishPage>, Closure<FailPage>) =
        (Closure::new(finish_page), Closure::new(fail_page));
    /// The core's state of each page on the fast path while its asset and KV values are on the way.
    static PAGES_IN_FLIGHT: RefCell<PagesInFlight> = RefCell::default();
    /// Flag writes of one session, one at a time within this isolate (see `Edge::counted_write_key`).
    static SESSION_QUEUE: Rc<SessionQueue> = Rc::default();
}

/// The second half of the fast page path: `page.js` calls it with the page's ticket, the fetched
/// asset and the KV values, all as arguments (reading them back from JavaScript objects would cost a
/// crossing each).
#[allow(clippy::too_many_arguments)]
fn finish_page(
    ticket: u32,
    request: web_sys::Request,
    response: web_sys::Response,
    content_type: Option<String>,
    vary: Option<String>,
    first: Option<String>,
    second: Option<String>,
    kv_error: Option<String>,
) -> JsValue {
    let pending = PAGES_IN_FLIGHT.with_borrow_mut(|pages| pages.take(ticket));
    let asset = FetchedAsset {
        response,
        content_type,
        vary,
    };
    respond(finish_page_response(
        asset,
        KvValues::new(first, second, kv_error),
        &request,
        pending,
    ))
}

/// The fast page path when fetching the asset failed.
fn fail_page(ticket: u32, error: String) -> JsValue {
    PAGES_IN_FLIGHT.with_borrow_mut(|pages| pages.take(ticket));
    respond(Err(worker::Error::RustError(format!(
        "fetching the page from the assets failed: {error}"
    ))))
}

fn finish_page_response(
    asset: FetchedAsset,
    values: KvValues,
    request: &web_sys::Request,
    pending: Option<PendingPage>,
) -> worker::Result<web_sys::Response> {
    if !asset.is_html() {
        return Ok(page::not_a_page(asset)?);
    }
    // `serve` configured the edge before this page set out; an instance that aborted since then
    // refuses the callback before it gets here.
    let edge = EDGE
        .get()
        .ok_or_else(|| worker::Error::RustError("a page finished in an instance that never started it".into()))?;
    // The fast path only takes GET requests. A page forgotten by the table (see `page::in_flight`)
    // is recomputed from the request: the core's first step is a pure function of its cookies.
    let pending = match pending {
        Some(pending) => pending,
        None => EdgeRequest::from_url(Method::Get, &request.url())
            .map(|edge_request| edge.start_page(&with_headers(edge_request, request, PAGE_REQUEST_HEADERS)))
            .ok_or_else(|| worker::Error::RustError("the page request lost its URL".into()))?,
    };
    let snapshot = PageKeys::of(&pending.reads).and_then(|keys| values.into_snapshot(&keys));
    page_response(edge, pending, Method::Get, asset, snapshot.as_ref(), None)
}

/// The runtime response for a handler's result: errors are logged and answered with a plain 500.
fn respond(result: worker::Result<web_sys::Response>) -> JsValue {
    match result {
        Ok(response) => response.into(),
        Err(error) => {
            console_error!("{error}");
            let init = web_sys::ResponseInit::new();
            init.set_status(500);
            web_sys::Response::new_with_opt_str_and_init(
                Some("The server could not answer this request. Please try again later."),
                &init,
            )
            .map_or_else(|error| error, JsValue::from)
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

/// What reading a request body came to.
enum BodyRead {
    /// The whole body, at most the limit (empty when there is none or it cannot be read: the core
    /// then answers as for an empty body).
    Complete(Vec<u8>),
    /// More than the limit arrived: reading stopped there and the stream was cancelled.
    CutOff { received: usize },
}

/// Reads the request body chunk by chunk until it ends or passes `limit`; past the limit it cancels
/// the stream, so a body without a `Content-Length` (chunked) is never read whole. Only chunks within
/// the limit are copied into the wasm memory.
async fn read_body_within(request: &web_sys::Request, limit: usize) -> BodyRead {
    let Some(stream) = request.body() else {
        return BodyRead::Complete(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = BoundedBody::new(limit);
    loop {
        let Ok(result) = JsFuture::from(reader.read()).await else {
            return BodyRead::Complete(Vec::new());
        };
        let done = js_sys::Reflect::get(&result, &JsValue::from_str("done")).ok();
        if done.and_then(|done| done.as_bool()).unwrap_or(true) {
            return BodyRead::Complete(body.into_bytes());
        }
        let Some(chunk) = js_sys::Reflect::get(&result, &JsValue::from_str("value"))
            .ok()
            .and_then(|value| value.dyn_into::<js_sys::Uint8Array>().ok())
        else {
            return BodyRead::Complete(Vec::new());
        };
        match body.next_chunk(chunk.length() as usize) {
            NextChunk::Keep => body.keep(&chunk.to_vec()),
            NextChunk::OverLimit { received } => {
                // Tells the runtime to stop receiving the rest; nothing waits for it.
                let _cancelled = reader.cancel();
                return BodyRead::CutOff { received };
            }
        }
    }
}

/// Asks the rate-limiting binding, when there is one, whether `key` may go on. A limiter that fails
/// lets the request through (and says so in the log): the limit is a guard, not a dependency.
async fn within_rate_limit(bindings: &Bindings, key: String) -> bool {
    let limiter = bindings.api_rate_limiter();
    if limiter.is_undefined() || limiter.is_null() {
        return true;
    }
    let options = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("key"), &JsValue::from_str(&key));
    let limiter: &RateLimiter = limiter.unchecked_ref();
    let outcome = match limiter.limit(&options) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    match outcome.map(|outcome| js_sys::Reflect::get(&outcome, &JsValue::from_str("success"))) {
        Ok(Ok(success)) => success.as_bool().unwrap_or(true),
        Ok(Err(error)) | Err(error) => {
            console_error!("the rate limiter failed; letting the request through: {error:?}");
            true
        }
    }
}

async fn answer_api(
    edge: &Edge,
    endpoint: ApiEndpoint,
    mut edge_request: EdgeRequest,
    request: &web_sys::Request,
    env: &Env,
) -> EdgeResponse {
    let bindings: &Bindings = env.unchecked_ref();
    if let Some(key) = edge.rate_limit_key(endpoint, &edge_request)
        && !within_rate_limit(bindings, key).await
    {
        return Outcome::rate_limited().response;
    }
    let declared_length = edge_request
        .header("content-length")
        .and_then(|length| length.trim().parse::<usize>().ok());
    let has_body = matches!(edge_request.method, Method::Post | Method::Put | Method::Patch);
    // A body declared too large is not read: the core refuses it from the header alone. One without
    // a length is read only until it passes the limit.
    if has_body && declared_length.is_none_or(|length| length <= MAX_API_BODY_BYTES) {
        edge_request = match read_body_within(request, MAX_API_BODY_BYTES).await {
            BodyRead::Complete(body) => edge_request.with_body(body),
            BodyRead::CutOff { received } => edge_request.with_body_cut_off(received),
        };
    }
    // The earlier counted writes of this session in this isolate go first (see `session_queue`).
    let queue = SESSION_QUEUE.with(Rc::clone);
    let place = match edge.counted_write_key(endpoint, &edge_request) {
        Some(key) => match wait_for_turn(&queue, &key).await {
            Some(place) => Some(place),
            None => return Outcome::kv_unavailable().response,
        },
        None => None,
    };
    let response = run_api(edge, endpoint, &edge_request, env).await;
    drop(place);
    response
}

/// Takes a place in `key`'s line and waits, on a timer of this request's own, until it is first;
/// `None` when that takes longer than the API's KV budget.
async fn wait_for_turn<'a>(queue: &'a SessionQueue, key: &str) -> Option<Place<'a>> {
    let place = queue.join(key);
    let waiting_since = Date::now().as_millis();
    while !place.is_first() {
        if Date::now().as_millis().saturating_sub(waiting_since) > API_KV_BUDGET.as_millis() as u64 {
            console_error!(
                "a flag write waited longer than {} ms for the session's earlier ones",
                API_KV_BUDGET.as_millis()
            );
            return None;
        }
        Delay::from(SESSION_QUEUE_POLL).await;
    }
    Some(place)
}

/// The core's two steps for an API request, its KV reads and then its writes.
async fn run_api(edge: &Edge, endpoint: ApiEndpoint, edge_request: &EdgeRequest, env: &Env) -> EdgeResponse {
    let Ok(fresh_session) = SessionId::generate() else {
        console_error!("no randomness for a session id");
        return Outcome::kv_unavailable().response;
    };
    let context = RequestContext {
        now_unix_ms: Date::now().as_millis(),
        fresh_session,
    };

    let outcome = match edge.start_api(endpoint, edge_request, &context) {
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

/// The general page path: pages whose KV reads the fast path does not cover, and paths that do not
/// look like pages (fetched first; KV is read only if the asset is HTML after all).
async fn serve_asset(
    edge: &Edge,
    page_request: EdgeRequest,
    pending: PendingPage,
    request: &web_sys::Request,
    env: &Env,
) -> worker::Result<web_sys::Response> {
    let bindings: &Bindings = env.unchecked_ref();
    let assets = bindings.assets();
    let likely_page = page_request.method == Method::Get && path_expects_html(&page_request.path);
    let (inputs, early_snapshot) = if likely_page {
        let (inputs, snapshot) = join(
            page::fetch_asset(&assets, request),
            read_kv(env, &pending.reads, PAGE_KV_BUDGET),
        )
        .await;
        (inputs?, Some(snapshot.ok()))
    } else {
        (page::fetch_asset(&assets, request).await?, None)
    };
    let Some(response) = inputs.asset() else {
        return Err(worker::Error::RustError(
            "the assets binding answered without a response".into(),
        ));
    };
    let asset = FetchedAsset::read(response);
    if !asset.is_html() {
        return Ok(page::not_a_page(asset)?);
    }
    let snapshot = match early_snapshot {
        Some(snapshot) => snapshot,
        None => match PageKeys::of(&pending.reads) {
            Some(keys) => {
                KvValues::of(&page::read_keys(&bindings.kv(), &keys, PAGE_KV_BUDGET).await?).into_snapshot(&keys)
            }
            None => read_kv(env, &pending.reads, PAGE_KV_BUDGET).await.ok(),
        },
    };
    page_response(edge, pending, page_request.method, asset, snapshot.as_ref(), None)
}

/// `/search?q=`: the index's files read round by round while the page's KV reads run, then the
/// results page through the page path like any HTML asset. A site without a results page gets the
/// request as an asset (its 404).
async fn serve_search(
    edge: &Edge,
    page_request: EdgeRequest,
    request: &web_sys::Request,
    env: &Env,
) -> worker::Result<web_sys::Response> {
    let bindings: &Bindings = env.unchecked_ref();
    let assets = bindings.assets();
    let pending = edge.start_page(&page_request);
    let (page, snapshot) = join(
        search::run_search(edge, &page_request, &assets),
        read_kv(env, &pending.reads, PAGE_KV_BUDGET),
    )
    .await;
    let Some(page) = page else {
        return serve_asset(edge, page_request, pending, request, env).await;
    };
    if let Some(problem) = &page.problem {
        console_error!("search is unavailable: {problem}");
    }
    // The runtime's HTMLRewriter fills the page with the injection, in one pass; the lol_html build
    // fills it in the wasm first.
    #[cfg(not(feature = "worker-lol-html"))]
    let (html, fill) = (page.page.as_bytes(), Some(&page.fill));
    #[cfg(feature = "worker-lol-html")]
    let (filled, fill) = (page.html(), None);
    #[cfg(feature = "worker-lol-html")]
    let html = filled.as_slice();
    let response = search::html_response(page.status, html)?;
    page_response(
        edge,
        pending,
        page_request.method,
        FetchedAsset::read(response),
        snapshot.ok().as_ref(),
        fill,
    )
}

/// A page URL asked for with `Accept: text/markdown` preferred: the page's Markdown twin, or the page
/// as usual when it has none.
async fn serve_markdown_twin(
    edge: &Edge,
    page_request: EdgeRequest,
    twin: &str,
    request: &web_sys::Request,
    env: &Env,
) -> worker::Result<web_sys::Response> {
    let bindings: &Bindings = env.unchecked_ref();
    if let Ok(response) = search::fetch(&bindings.assets(), &page_request.origin, twin).await
        && response.status() == 200
    {
        return Ok(page::markdown_twin(&response, page_request.method == Method::Head)?);
    }
    let pending = edge.start_page(&page_request);
    serve_asset(edge, page_request, pending, request, env).await
}

/// An HTML asset as the visitor gets it: the plan applied as the body streams, the headers edited.
/// `snapshot` is `None` when KV failed (fail open); `fill` fills a search results page in the same pass.
fn page_response(
    edge: &Edge,
    pending: PendingPage,
    method: Method,
    asset: FetchedAsset,
    snapshot: Option<&KvSnapshot>,
    fill: Option<&ResultsFill>,
) -> worker::Result<web_sys::Response> {
    let plan = edge.finish_page(pending, snapshot);
    // Fetched headers are immutable: `page.js` edits a copy, with the edits the core decided.
    let policy = &edge.config().page_policy;
    let edits = page::header_edits(asset.vary, |vary| page_header_edits(vary, policy));
    let response = asset.response;
    if method != Method::Head && status_has_body(response.status()) {
        html::inject(response, &plan, &edits, fill)
    } else {
        Ok(page::page_without_body(&response, &edits)?)
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
