//! The Worker's reads for `/search?q=` and for a page's Markdown twin, through the static-assets
//! binding: each round of the search's files fetched at once, each file bounded in bytes, then the
//! results page or the twin as a response. The core decides which files, what they mean and the
//! headers; this module only fetches and wraps.

use futures_util::future::join_all;
use wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{js_sys, web_sys};

use super::page;
use crate::edge::Edge;
use crate::http::EdgeRequest;
use crate::search::{FileRead, SearchOutcome, SearchPage, SearchStep};

/// Runs a search to its end, reading its files from `assets` on the request's origin. `None` when
/// the site has no results page (the request is then an ordinary asset).
pub(super) async fn run_search(edge: &Edge, request: &EdgeRequest, assets: &JsValue) -> Option<SearchPage> {
    let mut step = edge.start_search(request);
    loop {
        match step {
            SearchStep::Read { reads, pending } => {
                let fetches = reads
                    .files
                    .iter()
                    .map(|file| read_file(assets, &request.origin, file, reads.max_bytes));
                step = edge.continue_search(pending, join_all(fetches).await);
            }
            SearchStep::Done(SearchOutcome::NoSearchPage) => return None,
            SearchStep::Done(SearchOutcome::Page(page)) => return Some(page),
        }
    }
}

/// One file of the site (a URL path) from the assets, at most `max_bytes` long.
async fn read_file(assets: &JsValue, origin: &str, path: &str, max_bytes: usize) -> FileRead {
    let response = match fetch(assets, origin, path).await {
        Ok(response) => response,
        Err(error) => return FileRead::Failed(format!("{error:?}")),
    };
    match response.status() {
        200 => {}
        404 => return FileRead::Missing,
        status => return FileRead::Failed(format!("the assets answered {status}")),
    }
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|length| length.trim().parse::<usize>().ok());
    if declared.is_some_and(|length| length > max_bytes) {
        return FileRead::Failed(format!("longer than {max_bytes} bytes"));
    }
    let buffer = match response.array_buffer() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    match buffer {
        Ok(buffer) => FileRead::Found(js_sys::Uint8Array::new(&buffer).to_vec()),
        Err(error) => FileRead::Failed(format!("{error:?}")),
    }
}

/// A `GET` of `path` on `origin` from the assets binding.
pub(super) async fn fetch(assets: &JsValue, origin: &str, path: &str) -> Result<web_sys::Response, JsValue> {
    let request = web_sys::Request::new_with_str(&format!("{origin}{path}"))?;
    page::fetch_asset(assets, &request)
        .await?
        .asset()
        .ok_or_else(|| JsValue::from_str("the assets binding answered without a response"))
}

/// The results page as the response the page path takes for an asset: `html` with `status`.
pub(super) fn html_response(status: u16, html: &[u8]) -> Result<web_sys::Response, JsValue> {
    let headers = web_sys::Headers::new()?;
    headers.set("content-type", "text/html; charset=utf-8")?;
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    init.set_headers(&headers);
    let body = js_sys::Uint8Array::from(html);
    let response = web_sys::Response::new_with_opt_buffer_source_and_init(Some(&body), &init)?;
    Ok(response.unchecked_into())
}
