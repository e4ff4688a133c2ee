//! The HTTP side of the preview: serves the last good build from memory like a static host (content
//! types, `index.html` for folders, a redirect to the trailing slash, the theme's 404 page), passes every
//! HTML response and `/api/` request through the edge ([`super::edge_driver`]), and keeps the open pages
//! current over a WebSocket ([`super::livereload`]). It learns about builds only from the builder's
//! channel.

use super::allowed_hosts::{HostPolicy, Refusal};
use super::builder::{BuildEvent, FailureReport, PageChange, Publication};
use super::edge_driver::{EdgeDriver, KvStore};
use super::livereload::{self, ClientMessage};
use super::swap;
use crate::render::output_file;
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method as HttpMethod, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use edgedocs_edge::{
    ApiEndpoint, Edge, EdgeConfig, EdgeRequest, EdgeResponse, MAX_API_BODY_BYTES, Method, Route, path_expects_html,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What pages show before the first good build (the overlay says why).
const NOT_BUILT_YET_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not built yet</title></head><body><h1>The site has not built yet</h1>\
<p>Fix the errors shown in the terminal; this page reloads by itself.</p></body></html>";

/// Where the build writes fingerprinted assets (below the output root).
const ASSETS_FOLDER: &str = "assets/";

/// The name the preview writes into `data-edge` on `<html>`.
pub const EDGE_NAME: &str = "preview";

/// The files being served and what the open pages need to know about them.
#[derive(Default)]
struct PublishedSite {
    files: HashMap<String, Arc<[u8]>>,
    /// Counts good builds, from the server's start time in milliseconds, so that a page served by an
    /// earlier run of the server never mistakes a restarted one for the same site.
    generation: u64,
    /// A good build has been published.
    built: bool,
    /// Fingerprinted assets rewritten in place (a stylesheet change keeps its URL so pages need not be
    /// rendered again): their URL and a version for it, from their contents.
    rewritten_assets: Vec<(String, String)>,
    /// The error that stands since the last good build.
    error: Option<FailureReport>,
    color_themes: Vec<String>,
}

/// What every request handler shares.
pub struct ServerState {
    site: RwLock<PublishedSite>,
    edge: RwLock<Arc<EdgeDriver>>,
    kv: Option<Arc<dyn KvStore>>,
    updates: broadcast::Sender<Arc<str>>,
    /// The hosts and origins requests are answered for.
    hosts: HostPolicy,
    /// `127.0.0.1:1111`, when a request has no `Host` header.
    default_host: String,
}

impl ServerState {
    pub fn new(kv: Option<Arc<dyn KvStore>>, hosts: HostPolicy, default_host: String) -> Arc<Self> {
        let (updates, _) = broadcast::channel(64);
        let started_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(0));
        Arc::new(Self {
            site: RwLock::new(PublishedSite {
                generation: started_ms,
                ..PublishedSite::default()
            }),
            edge: RwLock::new(Arc::new(edge_driver(Vec::new(), kv.clone()))),
            kv,
            updates,
            hosts,
            default_host,
        })
    }

    /// Applies a builder event and tells the open pages.
    pub fn apply(&self, event: BuildEvent) {
        let message = match event {
            BuildEvent::Published(publication) => self.publish(publication),
            BuildEvent::Failed(failure) => {
                let message = ClientMessage::Error { error: &failure }.to_json();
                write(&self.site).error = Some(failure);
                message
            }
        };
        let _ = self.updates.send(Arc::from(message));
    }

    fn publish(&self, publication: Publication) -> String {
        let mut site = write(&self.site);
        // Compared with what was served until now, before it is replaced.
        let pages = match &publication.change {
            PageChange::Pages(paths) if !publication.replace_all => {
                Some(PageUpdates::sort(&site.files, &publication.files, paths))
            }
            _ => None,
        };
        if publication.replace_all {
            site.files = publication.files;
            site.rewritten_assets.clear();
        } else {
            for path in &publication.removed {
                site.files.remove(path);
            }
            site.files.extend(publication.files);
        }
        site.rewritten_assets = rewritten_assets(&site.files);
        site.generation += 1;
        site.built = true;
        site.error = None;
        if site.color_themes != publication.color_themes {
            *write(&self.edge) = Arc::new(edge_driver(publication.color_themes.clone(), self.kv.clone()));
            site.color_themes = publication.color_themes;
        }
        let generation = site.generation;
        match (&publication.change, pages) {
            (PageChange::Stylesheets, _) => ClientMessage::Stylesheets { generation }.to_json(),
            (PageChange::Pages(_), Some(pages)) => ClientMessage::Pages {
                generation,
                swap: &pages.swap,
                reload: &pages.reload,
            }
            .to_json(),
            _ => ClientMessage::Reload { generation }.to_json(),
        }
    }

    fn edge(&self) -> Arc<EdgeDriver> {
        Arc::clone(&read(&self.edge))
    }
}

/// How the open tabs take a batch of re-rendered pages (URL paths); a page whose HTML came out the same
/// as before is in neither set.
#[derive(Debug, Default, PartialEq, Eq)]
struct PageUpdates {
    /// Changed only inside `<main>`, the title or the description: replaced in place.
    swap: BTreeSet<String>,
    /// Changed elsewhere too (or not found): reloaded.
    reload: BTreeSet<String>,
}

impl PageUpdates {
    /// Sorts `paths` by comparing each page in `served` (what the tabs show) with `built`.
    fn sort(served: &HashMap<String, Arc<[u8]>>, built: &HashMap<String, Arc<[u8]>>, paths: &BTreeSet<String>) -> Self {
        let mut updates = Self::default();
        for path in paths {
            let file = output_file(path);
            match (served.get(&file), built.get(&file)) {
                (Some(old), Some(new)) if old == new => {}
                (Some(old), Some(new)) if swap::is_swappable(old, new) => {
                    updates.swap.insert(path.clone());
                }
                _ => {
                    updates.reload.insert(path.clone());
                }
            }
        }
        updates
    }
}

/// The fingerprinted assets whose contents no longer match the hash in their name, with the hash of
/// what they hold now: pages ask for `name?v=<hash>`, so every asset URL still means one content and
/// browsers may cache them all without asking again.
fn rewritten_assets(files: &HashMap<String, Arc<[u8]>>) -> Vec<(String, String)> {
    files
        .iter()
        .filter(|(path, _)| path.starts_with(ASSETS_FOLDER))
        .filter_map(|(path, contents)| {
            let logical = path.strip_prefix(ASSETS_FOLDER)?;
            let name = logical_asset_name(logical)?;
            let current = crate::assets::fingerprinted_name(&name, contents);
            (current != logical).then(|| {
                let hash = blake3::hash(contents).to_hex();
                (format!("/{path}"), hash.as_str()[..10].to_owned())
            })
        })
        .collect()
}

/// `css/main.1a2b3c4d5e.css` -> `css/main.css`: the name before fingerprinting.
fn logical_asset_name(fingerprinted: &str) -> Option<String> {
    let (folder, file) = match fingerprinted.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), fingerprinted),
    };
    let mut parts: Vec<&str> = file.split('.').collect();
    let hash_at = if parts.len() >= 3 {
        parts.len() - 2
    } else {
        parts.len().checked_sub(1)?
    };
    let hash = parts.get(hash_at)?;
    if hash.len() != 10 || !hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    parts.remove(hash_at);
    Some(format!("{folder}{}", parts.join(".")))
}

/// `html` with every reference to a rewritten asset pointing at its current version.
fn with_asset_versions(html: Vec<u8>, rewritten: &[(String, String)]) -> Vec<u8> {
    if rewritten.is_empty() {
        return html;
    }
    let Ok(mut text) = String::from_utf8(html) else {
        return Vec::new();
    };
    for (url, version) in rewritten {
        text = text.replace(&format!("\"{url}\""), &format!("\"{url}?v={version}\""));
    }
    text.into_bytes()
}

fn edge_driver(color_themes: Vec<String>, kv: Option<Arc<dyn KvStore>>) -> EdgeDriver {
    let mut config = EdgeConfig::new(color_themes, EDGE_NAME);
    config.secure_cookies = false; // plain http on loopback
    EdgeDriver::new(Edge::new(config), kv)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The preview's routes: its own files and socket, then everything else as the edge would see it.
/// Every request passes [`HostPolicy::check`] first. Serve it with
/// `into_make_service_with_connect_info::<LocalAddress>()`, so that a server bound to every interface
/// knows which of this machine's addresses a request came to.
pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route(livereload::SOCKET_PATH, get(live_reload_socket))
        .route(livereload::SCRIPT_PATH, get(client_script))
        .route(livereload::STYLESHEET_PATH, get(client_stylesheet))
        .fallback(site_request)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), only_allowed_hosts))
        .with_state(state)
}

/// The address of this machine that a connection came in on.
#[derive(Debug, Clone, Copy)]
pub struct LocalAddress(Option<SocketAddr>);

impl Connected<axum::serve::IncomingStream<'_, tokio::net::TcpListener>> for LocalAddress {
    fn connect_info(stream: axum::serve::IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        Self(stream.io().local_addr().ok())
    }
}

/// Answers 421 for a host the preview does not answer to, 403 for a write or a socket from another
/// origin, before any handler runs.
async fn only_allowed_hosts(State(state): State<Arc<ServerState>>, request: Request, next: Next) -> Response {
    let local = request
        .extensions()
        .get::<ConnectInfo<LocalAddress>>()
        .and_then(|ConnectInfo(LocalAddress(local))| *local);
    match state
        .hosts
        .check(request.method(), request.uri(), request.headers(), local)
    {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            let status = match refusal {
                Refusal::MisdirectedHost { .. } => StatusCode::MISDIRECTED_REQUEST,
                Refusal::ForeignOrigin { .. } => StatusCode::FORBIDDEN,
            };
            (
                status,
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                ],
                state.hosts.explain(&refusal),
            )
                .into_response()
        }
    }
}

async fn client_script() -> Response {
    // Pages ask for it with a version from its contents, so it can be cached for good.
    preview_file(
        "text/javascript; charset=utf-8",
        "public, max-age=31536000, immutable",
        livereload::SCRIPT,
    )
}

async fn client_stylesheet() -> Response {
    preview_file("text/css; charset=utf-8", "no-cache", livereload::STYLESHEET)
}

fn preview_file(content_type: &'static str, caching: &'static str, contents: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, caching)],
        contents,
    )
        .into_response()
}

async fn live_reload_socket(State(state): State<Arc<ServerState>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| keep_page_current(state, socket))
}

/// Sends the page a hello, then every update, until it goes away.
async fn keep_page_current(state: Arc<ServerState>, mut socket: WebSocket) {
    // Subscribe before reading the state, so no update falls between the two.
    let mut updates = state.updates.subscribe();
    let hello = {
        let site = read(&state.site);
        ClientMessage::Hello {
            generation: site.generation,
            error: site.error.as_ref(),
        }
        .to_json()
    };
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            update = updates.recv() => {
                let text = match update {
                    Ok(text) => text.to_string(),
                    // Too far behind to know what changed: reload whatever the page is.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let generation = read(&state.site).generation;
                        ClientMessage::Reload { generation }.to_json()
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Any other request: an API of the edge, or a file of the site.
async fn site_request(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let edge = state.edge();
    let path = request.uri().path().to_owned();
    match edge.edge.route(&path) {
        Route::Api(endpoint) => api_request(&edge, endpoint, request, &state.default_host).await,
        Route::Asset => file_request(&state, &edge, request).await,
    }
}

/// The core's view of a request, without its body.
fn edge_request(request: &Request, default_host: &str) -> EdgeRequest {
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

async fn api_request(edge: &EdgeDriver, endpoint: ApiEndpoint, request: Request, default_host: &str) -> Response {
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

/// Where a request path leads in the built files.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    File(String),
    /// A folder asked for without its trailing slash: redirect to it. Holds the folder's normalised
    /// path below the root (`storage/kv`), never empty.
    AddSlash(String),
    NotFound,
}

/// Resolves a request path like a static host, after normalising it: `%XX` decoded, `\` read as `/`
/// (as browsers do), runs of slashes collapsed; `.` and `..` segments find nothing.
fn resolve(files: &HashMap<String, Arc<[u8]>>, path: &str) -> Resolved {
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Resolved::NotFound;
    };
    let segments: Vec<&str> = decoded
        .split(['/', '\\'])
        .filter(|segment| !segment.is_empty())
        .collect();
    if segments.iter().any(|segment| *segment == ".." || *segment == ".") {
        return Resolved::NotFound;
    }
    let relative = segments.join("/");
    if relative.is_empty() || decoded.ends_with(['/', '\\']) {
        let index = match relative.as_str() {
            "" => "index.html".to_owned(),
            folder => format!("{folder}/index.html"),
        };
        return if files.contains_key(&index) {
            Resolved::File(index)
        } else {
            Resolved::NotFound
        };
    }
    if files.contains_key(&relative) {
        return Resolved::File(relative);
    }
    if files.contains_key(&format!("{relative}/index.html")) {
        return Resolved::AddSlash(relative);
    }
    Resolved::NotFound
}

/// What a path segment keeps unescaped in a `Location`: RFC 3986's `pchar` (unreserved characters,
/// sub-delimiters, `:` and `@`); everything else, `/`, `\`, `?`, `#` and `%` included, is escaped.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// The `Location` of the redirect to a folder's trailing slash: built from the normalised `folder`,
/// each segment percent-encoded, so it always starts with one `/` and a segment, never `//` or `/\`
/// (which a browser would read as another host).
fn folder_location(folder: &str, query: Option<&str>) -> String {
    let mut location = String::with_capacity(folder.len() + 2);
    for segment in folder.split('/') {
        location.push('/');
        location.extend(utf8_percent_encode(segment, PATH_SEGMENT));
    }
    location.push('/');
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    location
}

async fn file_request(state: &ServerState, edge: &EdgeDriver, request: Request) -> Response {
    let method = request.method().clone();
    if method != HttpMethod::GET && method != HttpMethod::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "").into_response();
    }
    let path = request.uri().path().to_owned();
    let (resolved, file, not_found_page, generation, has_site, rewritten) = {
        let site = read(&state.site);
        let resolved = resolve(&site.files, &path);
        let file = match &resolved {
            Resolved::File(name) => site.files.get(name).cloned(),
            _ => None,
        };
        (
            resolved,
            file,
            site.files.get("404.html").cloned(),
            site.generation,
            site.built,
            site.rewritten_assets.clone(),
        )
    };
    let (status, name, contents) = match (resolved, file) {
        (Resolved::File(name), Some(contents)) => (StatusCode::OK, name, contents),
        (Resolved::AddSlash(folder), _) => {
            let location = folder_location(&folder, request.uri().query());
            return (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location)]).into_response();
        }
        _ if !has_site && path_expects_html(&path) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "503.html".to_owned(),
            Arc::from(NOT_BUILT_YET_PAGE.as_bytes()),
        ),
        _ => match not_found_page {
            Some(page) => (StatusCode::NOT_FOUND, "404.html".to_owned(), page),
            None => return (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    };
    let content_type = content_type_of(&name);
    if content_type.starts_with("text/html") {
        let edge_request = edge_request(&request, &state.default_host);
        let asset_headers = vec![("content-type".to_owned(), content_type)];
        let page = edge.page(&edge_request, &contents, &asset_headers).await;
        let body = livereload::with_client_script(&with_asset_versions(page.body, &rewritten), generation);
        let mut builder = Response::builder().status(status);
        for (name, value) in &page.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = if method == HttpMethod::HEAD {
            Body::empty()
        } else {
            Body::from(body)
        };
        return builder
            .body(body)
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let caching = if name.starts_with(ASSETS_FOLDER) {
        // One URL, one content (see `rewritten_assets`): no need to ask again, even on reload.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    static_file(
        request.headers(),
        &method,
        StaticFile {
            status,
            content_type,
            caching,
            contents,
        },
    )
}

/// A file other than a page, and how to send it.
struct StaticFile {
    status: StatusCode,
    content_type: String,
    caching: &'static str,
    contents: Arc<[u8]>,
}

/// Sends a file other than a page, answering `If-None-Match` with 304.
fn static_file(request_headers: &HeaderMap, method: &HttpMethod, file: StaticFile) -> Response {
    let etag = format!("\"{}\"", &blake3::hash(&file.contents).to_hex().as_str()[..16]);
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&file.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static(file.caching)),
        (header::ETAG, etag_value),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    if matches && file.status == StatusCode::OK {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let body = if *method == HttpMethod::HEAD {
        Body::empty()
    } else {
        Body::from(file.contents.to_vec())
    };
    (file.status, headers, body).into_response()
}

/// Extensions whose type in `mime_guess` is not the one the standards register today (RFC 7303 for XML,
/// RFC 9239 for JavaScript modules, RFC 8081 for fonts) or, for source maps, not what the file holds.
const PREFERRED_TYPES: [(&str, &str); 5] = [
    ("xml", "application/xml"),
    ("mjs", "text/javascript"),
    ("map", "application/json"),
    ("woff", "font/woff"),
    ("otf", "font/otf"),
];

/// The `Content-Type` of an output file, by its extension; text is always UTF-8.
fn content_type_of(name: &str) -> String {
    let extension = name.rsplit_once('.').map(|(_, extension)| extension);
    let essence = extension
        .and_then(|extension| {
            PREFERRED_TYPES
                .iter()
                .find(|(known, _)| known.eq_ignore_ascii_case(extension))
                .map(|(_, essence)| *essence)
                .or_else(|| mime_guess::from_ext(extension).first_raw())
        })
        .unwrap_or(if name == "_headers" {
            "text/plain"
        } else {
            "application/octet-stream"
        });
    if essence.starts_with("text/") {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> HashMap<String, Arc<[u8]>> {
        names
            .iter()
            .map(|name| ((*name).to_owned(), Arc::from(&b"x"[..])))
            .collect()
    }

    #[test]
    fn paths_resolve_like_a_static_host() {
        let files = files(&[
            "index.html",
            "storage/index.html",
            "storage/kv/index.html",
            "assets/main.abc.css",
            "storage/r2/diagram png.png",
            "été/index.html",
        ]);
        let cases = [
            ("/", Resolved::File("index.html".into())),
            ("/storage/kv/", Resolved::File("storage/kv/index.html".into())),
            ("/storage/kv", Resolved::AddSlash("storage/kv".into())),
            ("//storage", Resolved::AddSlash("storage".into())),
            ("/\\storage", Resolved::AddSlash("storage".into())),
            ("/%2F%2Fstorage", Resolved::AddSlash("storage".into())),
            ("/%5Cstorage", Resolved::AddSlash("storage".into())),
            ("///storage//kv", Resolved::AddSlash("storage/kv".into())),
            ("//storage//kv//", Resolved::File("storage/kv/index.html".into())),
            ("/storage/..\\index.html", Resolved::NotFound),
            ("/storage/%2E%2E/index.html", Resolved::NotFound),
            ("/storage/kv/index.html", Resolved::File("storage/kv/index.html".into())),
            ("/assets/main.abc.css", Resolved::File("assets/main.abc.css".into())),
            (
                "/storage/r2/diagram%20png.png",
                Resolved::File("storage/r2/diagram png.png".into()),
            ),
            ("/missing/", Resolved::NotFound),
            ("/missing", Resolved::NotFound),
            ("/storage/../index.html", Resolved::NotFound),
            ("/%ff", Resolved::NotFound),
            ("/%C3%A9t%C3%A9/", Resolved::File("été/index.html".into())),
            ("/%E9t%E9/", Resolved::NotFound),
            ("/storage%2Fkv/", Resolved::File("storage/kv/index.html".into())),
            ("/%zz", Resolved::NotFound),
        ];
        for (path, expected) in cases {
            assert_eq!(resolve(&files, path), expected, "{path}");
        }
    }

    #[test]
    fn folder_redirects_never_leave_the_site() {
        for (folder, query, location) in [
            ("storage", None, "/storage/"),
            ("storage/kv", Some("tab=rust"), "/storage/kv/?tab=rust"),
            ("storage/r2 files", None, "/storage/r2%20files/"),
            ("notes/é", None, "/notes/%C3%A9/"),
            ("a\\b/c?d#e%f", None, "/a%5Cb/c%3Fd%23e%25f/"),
        ] {
            assert_eq!(folder_location(folder, query), location, "{folder}");
        }
    }

    #[test]
    fn assets_rewritten_in_place_get_a_version_in_pages() {
        let css: &[u8] = b".a{color:red}";
        let fingerprinted = crate::assets::fingerprinted_name("main.css", css);
        let files: HashMap<String, Arc<[u8]>> = HashMap::from([
            (format!("assets/{fingerprinted}"), Arc::from(css)),
            ("assets/site.0123456789.js".to_owned(), Arc::from(&b"changed()"[..])),
            ("favicon.svg".to_owned(), Arc::from(&b"<svg/>"[..])),
        ]);
        let rewritten = rewritten_assets(&files);
        assert_eq!(
            rewritten.len(),
            1,
            "only the script no longer matches its name: {rewritten:?}"
        );
        assert_eq!(rewritten[0].0, "/assets/site.0123456789.js");
        let page = b"<script src=\"/assets/site.0123456789.js\" defer></script>".to_vec();
        let versioned = String::from_utf8(with_asset_versions(page, &rewritten)).unwrap();
        assert_eq!(
            versioned,
            format!(
                "<script src=\"/assets/site.0123456789.js?v={}\" defer></script>",
                rewritten[0].1
            )
        );
        assert_eq!(
            logical_asset_name("fonts/inter.0123456789.woff2").as_deref(),
            Some("fonts/inter.woff2")
        );
        assert_eq!(logical_asset_name("LICENSE.0123456789").as_deref(), Some("LICENSE"));
        assert_eq!(logical_asset_name("main.css"), None);
    }

    #[test]
    fn re_rendered_pages_are_swapped_reloaded_or_left_alone() {
        let page = |nav: &str, main: &str| -> Arc<[u8]> {
            Arc::from(
                format!("<html><head><title>t</title></head><body><nav>{nav}</nav><main>{main}</main></body></html>")
                    .as_bytes(),
            )
        };
        let served: HashMap<String, Arc<[u8]>> = HashMap::from([
            ("index.html".to_owned(), page("a", "home")),
            ("a/index.html".to_owned(), page("a", "one")),
            ("b/index.html".to_owned(), page("a", "two")),
            ("c/index.html".to_owned(), page("a", "three")),
        ]);
        let built: HashMap<String, Arc<[u8]>> = HashMap::from([
            ("index.html".to_owned(), page("a", "home")),
            ("a/index.html".to_owned(), page("a", "one, edited")),
            ("b/index.html".to_owned(), page("a, renamed", "two")),
            ("d/index.html".to_owned(), page("a", "new")),
        ]);
        let paths: BTreeSet<String> = ["/", "/a/", "/b/", "/c/", "/d/"].map(str::to_owned).into();
        let updates = PageUpdates::sort(&served, &built, &paths);
        assert_eq!(updates.swap, BTreeSet::from(["/a/".to_owned()]));
        assert_eq!(
            updates.reload,
            BTreeSet::from(["/b/", "/c/", "/d/"].map(str::to_owned)),
            "the navigation changed, the page is missing, or was not served before"
        );
    }

    /// The real router on a loopback port, serving a small site, with a local KV store, answering
    /// raw HTTP/1.1 as a browser (or a script posing as one) sends it.
    struct ServedSite {
        address: SocketAddr,
        kv: Arc<crate::local_kv::LocalKv>,
        _runtime: tokio::runtime::Runtime,
        _folder: tempfile::TempDir,
    }

    /// A response: status, head (lowercased) and body.
    struct Answer {
        status: u16,
        head: String,
        body: String,
    }

    impl Answer {
        fn header(&self, name: &str) -> Option<&str> {
            self.head
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name}: ")))
        }
    }

    impl ServedSite {
        fn start() -> Self {
            let folder = tempfile::tempdir().unwrap();
            let kv = Arc::new(crate::local_kv::LocalKv::open(folder.path()).unwrap());
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
            let address = listener.local_addr().unwrap();
            let store: Arc<dyn KvStore> = kv.clone();
            let state = ServerState::new(Some(store), HostPolicy::new(address, &[]), address.to_string());
            let page: Arc<[u8]> = Arc::from(&b"<html><head><title>t</title></head><body>x</body></html>"[..]);
            state.apply(BuildEvent::Published(Publication {
                files: HashMap::from([
                    ("index.html".to_owned(), Arc::clone(&page)),
                    ("x/index.html".to_owned(), page),
                ]),
                replace_all: true,
                removed: BTreeSet::new(),
                change: PageChange::Everything,
                color_themes: vec!["light".into(), "dark".into()],
            }));
            let app = router(state).into_make_service_with_connect_info::<LocalAddress>();
            runtime.spawn(async move { axum::serve(listener, app).await });
            Self {
                address,
                kv,
                _runtime: runtime,
                _folder: folder,
            }
        }

        fn port(&self) -> u16 {
            self.address.port()
        }

        /// Sends `head` (request line and headers, without the blank line) and `body`; reads the
        /// response head and as much body as `Content-Length` says.
        fn send(&self, head: &str, body: &str) -> Answer {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(self.address).unwrap();
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(60)))
                .unwrap();
            let request = format!("{head}\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            stream.write_all(request.as_bytes()).unwrap();
            let mut received = Vec::new();
            let mut byte = [0_u8; 1];
            while !received.ends_with(b"\r\n\r\n") {
                assert_eq!(stream.read(&mut byte).unwrap(), 1, "the connection closed mid-head");
                received.push(byte[0]);
            }
            let head = String::from_utf8(received).unwrap().to_ascii_lowercase();
            let status = head[9..12].parse().unwrap();
            let mut answer = Answer {
                status,
                head,
                body: String::new(),
            };
            let length: usize = answer
                .header("content-length")
                .map_or(0, |length| length.parse().unwrap());
            let mut body = vec![0; length];
            stream.read_exact(&mut body).unwrap();
            answer.body = String::from_utf8(body).unwrap();
            answer
        }

        fn get(&self, path: &str, host: &str) -> Answer {
            self.send(&format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close"), "")
        }

        fn keys_in_kv(&self) -> usize {
            self.kv.list("", None, 100).unwrap().keys.len()
        }
    }

    #[test]
    fn a_dns_rebinding_page_cannot_write_the_local_kv() {
        let site = ServedSite::start();
        let port = site.port();
        let post = |host: &str| {
            site.send(
                &format!(
                    "POST /api/kv/flags HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
                     Content-Type: application/json\r\nConnection: close"
                ),
                r#"{"tenant":"acme","name":"rebound"}"#,
            )
        };
        let rebound = post(&format!("evil.example:{port}"));
        assert_eq!(rebound.status, 421, "{}", rebound.body);
        assert_eq!(
            rebound.body,
            format!(
                "Misdirected request: this edgedocs preview does not answer to the host `evil.example:{port}`.\n\
                 Open http://127.0.0.1:{port}/ instead, or restart `edgedocs serve` with `--allow-host NAME[:PORT]` \
                 to answer to that name too.\n"
            )
        );
        assert_eq!(site.keys_in_kv(), 0, "nothing was written");

        let same_site = post(&format!("127.0.0.1:{port}"));
        assert_eq!(
            same_site.status, 201,
            "the same request from the preview's own page writes"
        );
        assert_eq!(site.keys_in_kv(), 1);
    }

    #[test]
    fn pages_are_served_only_for_the_preview_s_own_hosts() {
        let site = ServedSite::start();
        let port = site.port();
        for (host, status) in [
            (format!("127.0.0.1:{port}"), 200),
            (format!("localhost:{port}"), 200),
            (format!("[::1]:{port}"), 200),
            (format!("evil.example:{port}"), 421),
            ("127.0.0.1".to_owned(), 421),
        ] {
            let answer = site.get("/", &host);
            assert_eq!(answer.status, status, "{host}");
            assert_eq!(answer.body.contains("<title>t</title>"), status == 200, "{host}");
        }
        let preview_file = site.get(livereload::STYLESHEET_PATH, &format!("evil.example:{port}"));
        assert_eq!(preview_file.status, 421, "the preview's own files too");
    }

    #[test]
    fn the_live_reload_socket_refuses_pages_of_other_origins() {
        let site = ServedSite::start();
        let port = site.port();
        let upgrade = |origin: &str| {
            site.send(
                &format!(
                    "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\n\
                     Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13",
                    livereload::SOCKET_PATH
                ),
                "",
            )
            .status
        };
        assert_eq!(upgrade(&format!("http://evil.example:{port}")), 403);
        assert_eq!(upgrade("null"), 403);
        assert_eq!(upgrade(&format!("http://127.0.0.1:{port}")), 101);
    }

    #[test]
    fn folder_redirects_with_doubled_slashes_stay_on_the_site() {
        let site = ServedSite::start();
        let host = format!("127.0.0.1:{}", site.port());
        for path in ["//x", "/\\x", "/%2F%2Fx", "///x", "/%5Cx", "/x", "//x?a=1"] {
            let answer = site.get(path, &host);
            assert_eq!(answer.status, 307, "{path}");
            let location = answer.header("location").unwrap();
            let expected = if path.ends_with("?a=1") { "/x/?a=1" } else { "/x/" };
            assert_eq!(location, expected, "{path}");
        }
    }

    #[test]
    fn content_types_by_extension() {
        for (name, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/main.abc.css", "text/css; charset=utf-8"),
            ("assets/site.abc.js", "text/javascript; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
            ("sitemap.xml", "application/xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("fonts/inter.woff2", "font/woff2"),
            ("archive.bin", "application/octet-stream"),
            ("INDEX.HTM", "text/html; charset=utf-8"),
            ("assets/module.abc.mjs", "text/javascript; charset=utf-8"),
            ("assets/site.abc.js.map", "application/json"),
            ("search.json", "application/json"),
            ("fonts/inter.woff", "font/woff"),
            ("fonts/inter.otf", "font/otf"),
            ("fonts/inter.ttf", "font/ttf"),
            ("notes.md", "text/markdown; charset=utf-8"),
            ("site.webmanifest", "application/manifest+json"),
            ("photo.JPG", "image/jpeg"),
            ("_headers", "text/plain; charset=utf-8"),
            ("assets/LICENSE.0123456789", "application/octet-stream"),
        ] {
            assert_eq!(content_type_of(name), expected, "{name}");
        }
    }
}
