//! The Worker's page I/O: typed bindings to `page.js`, which fetches the asset and reads the
//! page's KV keys in one promise, hands them to a Rust callback, and applies an `InjectionPlan` with
//! the runtime's HTMLRewriter. Rust keeps every decision (which keys, the `cacheTtl`, the time budget,
//! the header edits, the plan); the JavaScript only awaits and drives the runtime, because each
//! promise awaited from Rust costs wasm-bindgen closures and microtasks on every page.

use std::cell::RefCell;
use std::time::Duration;

use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{js_sys, web_sys};

use crate::kv::{KvReads, KvSnapshot};
#[cfg(not(feature = "worker-lol-html"))]
use crate::page::{InjectionPlan, PINNED_MESSAGE_SELECTOR};
use crate::page::{
    PageHeaderEdits, document_header_edits, is_html_content_type, is_scriptable_document_type,
    markdown_response_headers,
};
#[cfg(not(feature = "worker-lol-html"))]
use crate::search::{QUERY_INPUT_SELECTOR, RESULTS_SELECTOR, ResultsFill};

#[wasm_bindgen(module = "/src/worker/page.js")]
extern "C" {
    /// What the page promise resolves to (see the contract at the top of `page.js`).
    pub type PageInputs;

    #[wasm_bindgen(method, getter)]
    pub fn asset(this: &PageInputs) -> Option<web_sys::Response>;
    #[wasm_bindgen(method, getter)]
    fn first(this: &PageInputs) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn second(this: &PageInputs) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = kvError)]
    fn kv_error(this: &PageInputs) -> Option<String>;

    #[wasm_bindgen(js_name = servePage, catch)]
    #[allow(clippy::too_many_arguments)]
    fn serve_page_js(
        assets: &JsValue,
        request: &web_sys::Request,
        kv: &JsValue,
        first_key: &str,
        second_key: Option<&str>,
        cache_ttl: Option<f64>,
        budget_ms: f64,
        finish: &JsValue,
        fail: &JsValue,
        ticket: u32,
        alive: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_name = fetchAsset, catch)]
    fn fetch_asset_js(assets: &JsValue, request: &web_sys::Request) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_name = readKeys, catch)]
    fn read_keys_js(
        kv: &JsValue,
        first_key: &str,
        second_key: Option<&str>,
        cache_ttl: Option<f64>,
        budget_ms: f64,
    ) -> Result<js_sys::Promise, JsValue>;

    #[cfg(not(feature = "worker-lol-html"))]
    #[wasm_bindgen(js_name = rewritePage, catch)]
    #[allow(clippy::too_many_arguments)]
    fn rewrite_page_js(
        asset: &web_sys::Response,
        edits: &JsValue,
        theme_class: Option<&str>,
        pinned_message: Option<&str>,
        edge_name: &str,
        pinned_selector: &str,
        results_html: Option<&str>,
        query_value: Option<&str>,
        title_prefix: Option<&str>,
        results_selector: &str,
        query_input_selector: &str,
    ) -> Result<web_sys::Response, JsValue>;

    #[wasm_bindgen(js_name = withEditedHeaders, catch)]
    fn with_edited_headers_js(asset: &web_sys::Response, edits: &JsValue) -> Result<web_sys::Response, JsValue>;

    #[wasm_bindgen(js_name = pageWithoutBody, catch)]
    fn page_without_body_js(asset: &web_sys::Response, edits: &JsValue) -> Result<web_sys::Response, JsValue>;

    #[cfg(feature = "worker-lol-html")]
    #[wasm_bindgen(js_name = pageHeaders, catch)]
    fn page_headers_js(asset: &web_sys::Response, edits: &JsValue) -> Result<web_sys::Headers, JsValue>;
}

/// A page's KV reads in the shape the fast path takes: one or two keys sharing one `cacheTtl`, no
/// listing. That is what every page asks for (the pinned message and the visitor's theme); anything
/// else goes through [`super::kv::KvDriver`].
pub(super) struct PageKeys<'a> {
    first: &'a str,
    second: Option<&'a str>,
    cache_ttl: Option<f64>,
}

impl<'a> PageKeys<'a> {
    pub(super) fn of(reads: &'a KvReads) -> Option<Self> {
        if !reads.lists.is_empty() {
            return None;
        }
        match reads.gets.as_slice() {
            [one] => Some(Self {
                first: &one.key,
                second: None,
                cache_ttl: one.cache_ttl_seconds.map(|ttl| ttl as f64),
            }),
            [one, two] if one.cache_ttl_seconds == two.cache_ttl_seconds => Some(Self {
                first: &one.key,
                second: Some(&two.key),
                cache_ttl: one.cache_ttl_seconds.map(|ttl| ttl as f64),
            }),
            _ => None,
        }
    }
}

fn millis(budget: Duration) -> f64 {
    budget.as_millis() as f64
}

async fn settle(promise: Result<js_sys::Promise, JsValue>) -> Result<PageInputs, JsValue> {
    Ok(JsFuture::from(promise?).await?.unchecked_into())
}

/// Fetches the asset and reads `keys` at once, then resolves to what `finish` returns, called as
/// `finish(ticket, request, asset, content_type, vary, first, second, kv_error)`, or to what
/// `fail(ticket, error)` returns when the fetch failed (`ticket` is passed through untouched). KV
/// trouble never fails the page: it arrives as `kv_error` (see [`KvValues`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn serve_page(
    assets: &JsValue,
    request: &web_sys::Request,
    kv: &JsValue,
    keys: &PageKeys<'_>,
    budget: Duration,
    finish: &JsValue,
    fail: &JsValue,
    ticket: u32,
    alive: &JsValue,
) -> js_sys::Promise {
    serve_page_js(
        assets,
        request,
        kv,
        keys.first,
        keys.second,
        keys.cache_ttl,
        millis(budget),
        finish,
        fail,
        ticket,
        alive,
    )
    // `servePage` catches what it can itself; this is the last resort.
    .unwrap_or_else(|error| js_sys::Promise::reject(&error))
}

/// Fetches the asset alone.
pub(super) async fn fetch_asset(assets: &JsValue, request: &web_sys::Request) -> Result<PageInputs, JsValue> {
    settle(fetch_asset_js(assets, request)).await
}

/// Reads `keys` alone; never fails (KV trouble lands in the inputs' error).
pub(super) async fn read_keys(kv: &JsValue, keys: &PageKeys<'_>, budget: Duration) -> Result<PageInputs, JsValue> {
    settle(read_keys_js(
        kv,
        keys.first,
        keys.second,
        keys.cache_ttl,
        millis(budget),
    ))
    .await
}

/// A fetched asset with the headers the page path reads, each read once.
pub(super) struct FetchedAsset {
    pub response: web_sys::Response,
    pub content_type: Option<String>,
    pub vary: Option<String>,
}

impl FetchedAsset {
    /// Reads the headers from `response` (the fast path gets them from `page.js` instead).
    pub(super) fn read(response: web_sys::Response) -> Self {
        let headers = response.headers();
        let content_type = headers.get("content-type").ok().flatten();
        let vary = headers.get("vary").ok().flatten();
        Self {
            response,
            content_type,
            vary,
        }
    }

    pub(super) fn is_html(&self) -> bool {
        is_html_content_type(self.content_type.as_deref().unwrap_or_default())
    }
}

/// A page's KV values as read for its [`PageKeys`], or why there are none.
pub(super) enum KvValues {
    Read {
        first: Option<String>,
        second: Option<String>,
    },
    Failed(String),
}

impl KvValues {
    /// The values as `page.js` hands them over: `error` set means the reads failed.
    pub(super) fn new(first: Option<String>, second: Option<String>, error: Option<String>) -> Self {
        match error {
            Some(error) => Self::Failed(error),
            None => Self::Read { first, second },
        }
    }

    /// The values a `readKeys` result carries.
    pub(super) fn of(inputs: &PageInputs) -> Self {
        Self::new(inputs.first(), inputs.second(), inputs.kv_error())
    }

    /// The snapshot the core expects; `None` (logged) when KV failed.
    pub(super) fn into_snapshot(self, keys: &PageKeys<'_>) -> Option<KvSnapshot> {
        let (first, second) = match self {
            Self::Read { first, second } => (first, second),
            Self::Failed(error) => {
                worker::console_error!("KV read for a page failed; serving it without KV content: {error}");
                return None;
            }
        };
        let mut snapshot = KvSnapshot::new();
        snapshot.insert_value(keys.first, first);
        if let Some(key) = keys.second {
            snapshot.insert_value(key, second);
        }
        Some(snapshot)
    }
}

thread_local! {
    /// The header edits as a JavaScript value, built once per distinct asset `Vary` (in practice once).
    static HEADER_EDITS: RefCell<Option<(Option<String>, JsValue)>> = const { RefCell::new(None) };
}

/// The core's [`PageHeaderEdits`] for an asset `Vary`, as the `HeaderEdits` object `page.js` takes.
pub(super) fn header_edits(asset_vary: Option<String>, edits: impl FnOnce(Option<&str>) -> PageHeaderEdits) -> JsValue {
    HEADER_EDITS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((vary, value)) = cache.as_ref()
            && *vary == asset_vary
        {
            return value.clone();
        }
        let value = edits_object(&edits(asset_vary.as_deref()));
        *cache = Some((asset_vary, value.clone()));
        value
    })
}

/// [`PageHeaderEdits`] as the `HeaderEdits` object `page.js` takes.
fn edits_object(edits: &PageHeaderEdits) -> JsValue {
    let remove: js_sys::Array = edits.remove.iter().map(|name| JsValue::from_str(name)).collect();
    let set: js_sys::Array = edits
        .set
        .iter()
        .map(|(name, value)| JsValue::from(js_sys::Array::of2(&JsValue::from_str(name), &JsValue::from_str(value))))
        .collect();
    let object = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&object, &JsValue::from_str("remove"), &remove);
    let _ = js_sys::Reflect::set(&object, &JsValue::from_str("set"), &set);
    object.into()
}

/// An asset that is not a page, as the visitor gets it: untouched, except that a document that could
/// run script on the site's origin (an SVG or XML file, see [`is_scriptable_document_type`]) gets the
/// core's [`document_header_edits`] (its locked-down policy). Its body streams through as it is.
pub(super) fn not_a_page(asset: FetchedAsset) -> Result<web_sys::Response, JsValue> {
    if !is_scriptable_document_type(asset.content_type.as_deref().unwrap_or_default()) {
        return Ok(asset.response);
    }
    with_edited_headers_js(&asset.response, &edits_object(&document_header_edits()))
}

/// A page's Markdown twin as the answer to its page URL: the twin's body and caching, with the core's
/// [`markdown_response_headers`] (its type, `Vary: Accept`); headers only for `HEAD`.
pub(super) fn markdown_twin(twin: &web_sys::Response, head: bool) -> Result<web_sys::Response, JsValue> {
    let edits = edits_object(&PageHeaderEdits {
        remove: &["content-type", "vary"],
        set: markdown_response_headers(),
    });
    if head {
        page_without_body_js(twin, &edits)
    } else {
        with_edited_headers_js(twin, &edits)
    }
}

/// The asset's body streamed through the runtime's HTMLRewriter applying `plan`, with `edits` applied
/// to its headers. The body goes from the asset to the rewriter without passing through the wasm.
#[cfg(not(feature = "worker-lol-html"))]
pub(super) fn rewrite_page(
    asset: &web_sys::Response,
    edits: &JsValue,
    plan: &InjectionPlan,
    fill: Option<&ResultsFill>,
) -> Result<web_sys::Response, JsValue> {
    rewrite_page_js(
        asset,
        edits,
        plan.theme_class.as_deref(),
        plan.pinned_message.as_deref(),
        &plan.edge_name,
        PINNED_MESSAGE_SELECTOR,
        fill.map(|fill| fill.results_html.as_str()),
        fill.map(|fill| fill.query_value.as_str()),
        fill.and_then(|fill| fill.title_prefix.as_deref()),
        RESULTS_SELECTOR,
        QUERY_INPUT_SELECTOR,
    )
}

/// The page's headers without a body (HEAD, 304).
pub(super) fn page_without_body(asset: &web_sys::Response, edits: &JsValue) -> Result<web_sys::Response, JsValue> {
    page_without_body_js(asset, edits)
}

/// The page's headers alone, for an applier that builds its own response.
#[cfg(feature = "worker-lol-html")]
pub fn page_headers(asset: &web_sys::Response, edits: &JsValue) -> Result<web_sys::Headers, JsValue> {
    page_headers_js(asset, edits)
}
