//! Between the preview's HTTP requests and the edge core: builds the core's [`EdgeRequest`] from an
//! axum request (reading an API body within the Worker's limit), turns the core's [`EdgeResponse`]
//! back into a response, and sends pages through the edge ([`super::edge_driver`], the edge's native driver) with the headers a
//! static host gives them. The edge is configured here as the preview runs it: plain `http`, named
//! [`EDGE_NAME`].

use super::edge_driver::{EdgeDriver, KvStore};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use edgedocs_edge::{
    ApiEndpoint, Edge, EdgeConfig, EdgeRequest, EdgeResponse, MAX_API_BODY_BYTES, Method, SiteEdgeConfig,
};
use std::sync::Arc;

/// The name the preview writes into `data-edge` on `<html>`.
pub(super) const EDGE_NAME: &str = "preview";

/// The edge core as the preview runs it, with the site's settings (its colour themes as the
/// allow-list, its demo APIs on or off), as the Worker gets them from the build.
pub(super) fn preview_edge(site: &SiteEdgeConfig, kv: Option<Arc<dyn KvStore>>) -> EdgeDriver {
    let mut config = EdgeConfig::for_site(site, EDGE_NAME);
    config.secure_cookies = false; // plain http on loopback
    EdgeDriver::new(Edge::new(config), kv)
}

/// The core's view of a request, without its body. `default_host` stands in for a missing `Host`.
pub(super) fn edge_request(request: &Request, default_host: &str) -> EdgeRequest {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or(default_host);
    EdgeRequest {
        method: Method::parse(request.method().as_str()),
        origin: format!("http://{host}"),
        path: request.uri().path().to_owned(),
        query: request.uri().query().unwrap_or_default().to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: Vec::new(),
    }
}

/// Answers a request for one of the edge's APIs.
pub(super) async fn api_request(
    edge: &EdgeDriver,
    endpoint: ApiEndpoint,
    request: Request,
    default_host: &str,
) -> Response {
    let mut edge_request = edge_request(&request, default_host);
    let declared_length = edge_request
        .header("content-length")
        .and_then(|length| length.trim().parse::<usize>().ok());
    let has_body = matches!(edge_request.method, Method::Post | Method::Put | Method::Patch);
    // Like the Worker: a body declared too large is not read; the core refuses it from the header.
    if has_body && declared_length.is_none_or(|length| length <= MAX_API_BODY_BYTES) {
        edge_request.body = match axum::body::to_bytes(request.into_body(), MAX_API_BODY_BYTES + 1).await {
            Ok(bytes) => bytes.to_vec(),
            // Longer than the limit (or cut off): stand in a body one byte over it, which the core refuses.
            Err(_) => vec![0; MAX_API_BODY_BYTES + 1],
        };
    }
    edge_response(edge.api(endpoint, &edge_request).await)
}

fn edge_response(response: EdgeResponse) -> Response {
    let mut builder = Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Body::from(response.body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Answers `/search?q=` through the edge with the results page, then `preview_additions`; the
/// request back when the site has no results page (search is off). `read_file` reads a URL path of the site below
/// its base path, as the static host resolves it.
pub(super) async fn search_response(
    edge: &EdgeDriver,
    request: Request,
    default_host: &str,
    read_file: impl FnMut(&str) -> edgedocs_edge::FileRead + Send + 'static,
    preview_additions: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> Result<Response, Request> {
    let mut edge_request = edge_request(&request, default_host);
    // The core reads the query only; the path is the search's own, below any base path.
    edge_request.path = edgedocs_edge::SEARCH_PATH.to_owned();
    let Some((status, page)) = edge.search(&edge_request, read_file).await else {
        return Err(request);
    };
    let body = preview_additions(page.body);
    let mut builder = Response::builder().status(status);
    for (name, value) in &page.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = if request.method() == axum::http::Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    };
    Ok(builder
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()))
}

/// A page's Markdown twin (`storage/kv/index.md`, its output path) as the answer to its page URL, for
/// a request whose `Accept` prefers `text/markdown`: with the edge's headers (its type, `Vary: Accept`).
pub(super) fn markdown_twin_response(method: &axum::http::Method, contents: &[u8]) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::CACHE_CONTROL, "no-cache");
    for (name, value) in edgedocs_edge::markdown_response_headers() {
        builder = builder.header(name, value);
    }
    let body = if method == axum::http::Method::HEAD {
        Body::empty()
    } else {
        Body::from(contents.to_vec())
    };
    builder
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// A page of the site, as the build wrote it, on its way to the browser.
pub(super) struct Page {
    pub(super) status: StatusCode,
    pub(super) content_type: String,
    pub(super) html: Arc<[u8]>,
}

/// Sends `page` through the edge, then through `preview_additions` (what the preview adds to a page
/// after the edge, as the browser will see it); a `HEAD` request gets the headers only.
pub(super) async fn page_response(
    edge: &EdgeDriver,
    request: Request,
    default_host: &str,
    page: Page,
    preview_additions: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> Response {
    let edge_request = edge_request(&request, default_host);
    let asset_headers = vec![("content-type".to_owned(), page.content_type)];
    let rewritten = edge.page(&edge_request, &page.html, &asset_headers).await;
    let body = preview_additions(rewritten.body);
    let mut builder = Response::builder().status(page.status);
    for (name, value) in &rewritten.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = if request.method() == axum::http::Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    };
    builder
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
