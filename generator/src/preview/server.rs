//! The preview's HTTP server: the state its handlers share, its routes, and the live-reload WebSocket.
//! Every request passes the host and origin checks ([`super::allowed_hosts`]) first. Then the
//! preview's own files and socket are answered here; an API goes to the edge ([`super::edge_http`]); a
//! file of the site is found as a static host would ([`super::static_host`]) and, if it is a page,
//! sent through the edge with the live-reload script added ([`super::livereload`]). What there is to
//! serve comes only from the builder's events, kept in [`super::published`].

use super::allowed_hosts::{HostPolicy, Refusal};
use super::build_events::BuildEvent;
use super::edge_driver::{EdgeDriver, KvStore};
use super::edge_http::{self, Page};
use super::livereload::{self, ClientMessage};
use super::published::PublishedSite;
use super::static_host::{self, Resolved, StaticFile};
use crate::redirects::workers::{REDIRECTS_FILE, Rules};
use axum::Router;
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use edgedocs_edge::{EdgeRequest, FileRead, Route, SiteEdgeConfig, path_expects_html};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// What pages show before the first good build (the overlay says why).
const NOT_BUILT_YET_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not built yet</title></head><body><h1>The site has not built yet</h1>\
<p>Fix the errors shown in the terminal; this page reloads by itself.</p></body></html>";

/// What every request handler shares.
pub(super) struct ServerState {
    site: RwLock<PublishedSite>,
    edge: RwLock<Arc<EdgeDriver>>,
    kv: Option<Arc<dyn KvStore>>,
    /// The live-reload messages, to every open page.
    updates: broadcast::Sender<Arc<str>>,
    /// The hosts and origins requests are answered for.
    hosts: HostPolicy,
    /// `127.0.0.1:1111`, when a request has no `Host` header.
    default_host: String,
}

impl ServerState {
    pub(super) fn new(kv: Option<Arc<dyn KvStore>>, hosts: HostPolicy, default_host: String) -> Arc<Self> {
        let (updates, _) = broadcast::channel(64);
        let started_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(0));
        Arc::new(Self {
            site: RwLock::new(PublishedSite::new(started_ms)),
            edge: RwLock::new(Arc::new(edge_http::preview_edge(
                &SiteEdgeConfig::default(),
                kv.clone(),
            ))),
            kv,
            updates,
            hosts,
            default_host,
        })
    }

    /// Applies a builder event and tells the open pages.
    pub(super) fn apply(&self, event: BuildEvent) {
        let message = match event {
            BuildEvent::Published(publication) => {
                let mut site = write(&self.site);
                let published = site.publish(publication);
                // Swapped before the site is unlocked: no request sees the new files with the old themes.
                if let Some(settings) = published.new_edge {
                    *write(&self.edge) = Arc::new(edge_http::preview_edge(&settings, self.kv.clone()));
                }
                published.message
            }
            BuildEvent::Failed(failure) => write(&self.site).fail(failure),
        };
        let _ = self.updates.send(Arc::from(message));
    }

    fn edge(&self) -> Arc<EdgeDriver> {
        Arc::clone(&read(&self.edge))
    }
}

/// The preview's routes: its own files and socket, then everything else as the edge would see it.
/// Every request passes [`HostPolicy::check`] first. Serve it with
/// `into_make_service_with_connect_info::<LocalAddress>()`, so that a server bound to every interface
/// knows which of this machine's addresses a request came to.
pub(super) fn router(state: Arc<ServerState>) -> Router {
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
pub(super) struct LocalAddress(Option<SocketAddr>);

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
    let hello = read(&state.site).hello();
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
                        let generation = read(&state.site).generation();
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
    match edge.edge().route(&path) {
        Route::Api(endpoint) => edge_http::api_request(&edge, endpoint, request, &state.default_host).await,
        // `/search` is the edge's only at the root; below a base path `file_request` finds it.
        Route::Search | Route::Asset => file_request(&state, &edge, request).await,
    }
}

/// A file of the site: a page goes through the edge, anything else is sent as it was built.
/// `/search` (below the base path) is the edge's results page, and a page URL asked for with
/// `Accept: text/markdown` preferred gets the page's Markdown twin, as the Worker answers them.
async fn file_request(state: &Arc<ServerState>, edge: &EdgeDriver, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return static_host::method_not_allowed();
    }
    let requested = request.uri().path().to_owned();
    let below_base = {
        let site = read(&state.site);
        static_host::within_base_path(site.base_path(), &requested).map(str::to_owned)
    };
    let request = if below_base.as_deref() == Some(edgedocs_edge::SEARCH_PATH) {
        match search_request(state, edge, request).await {
            Ok(response) => return response,
            Err(request) => request,
        }
    } else {
        request
    };
    if let Some(below_base) = &below_base {
        let wanted = edge_http::edge_request(&request, &state.default_host);
        let twin_request = EdgeRequest {
            path: below_base.clone(),
            ..wanted
        };
        if let Some(twin) = edgedocs_edge::markdown_twin_path(&twin_request) {
            let contents = read(&state.site).files().get(twin.trim_start_matches('/')).cloned();
            if let Some(contents) = contents {
                return edge_http::markdown_twin_response(request.method(), &contents);
            }
        }
    }
    let (resolved, file, not_found_page, generation, has_site, rewritten, base_path) = {
        let site = read(&state.site);
        // The redirects a deploy answers, from the `_redirects` file the build wrote.
        if let Some(rules) = site.files().get(REDIRECTS_FILE)
            && let Some((status, location)) = Rules::parse(&String::from_utf8_lossy(rules)).find(&requested)
        {
            return static_host::redirect(status, &location);
        }
        let base_path = site.base_path().to_owned();
        let resolved = match static_host::within_base_path(&base_path, &requested) {
            Some(path) => static_host::resolve(site.files(), path),
            // The site lives under its base path: its root redirects there.
            None if requested == "/" => Resolved::AddSlash(String::new()),
            None => Resolved::NotFound,
        };
        let file = match &resolved {
            Resolved::File(name) => site.files().get(name).cloned(),
            _ => None,
        };
        (
            resolved,
            file,
            site.files().get("404.html").cloned(),
            site.generation(),
            site.is_built(),
            site.rewritten_assets().clone(),
            base_path,
        )
    };
    let path = requested;
    let (status, name, contents) = match (resolved, file) {
        (Resolved::File(name), Some(contents)) => (StatusCode::OK, name, contents),
        (Resolved::AddSlash(folder), _) => {
            return static_host::redirect_to_folder(&base_path, &folder, request.uri().query());
        }
        _ if !has_site && path_expects_html(&path) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "503.html".to_owned(),
            Arc::from(NOT_BUILT_YET_PAGE.as_bytes()),
        ),
        _ => match not_found_page {
            Some(page) => (StatusCode::NOT_FOUND, "404.html".to_owned(), page),
            None => return static_host::not_found(),
        },
    };
    let content_type = static_host::content_type_of(&name);
    if content_type.starts_with("text/html") {
        let page = Page {
            status,
            content_type,
            html: contents,
        };
        return edge_http::page_response(edge, request, &state.default_host, page, |html| {
            livereload::with_client_script(&rewritten.versioned(html), generation)
        })
        .await;
    }
    static_host::static_file(
        request.headers(),
        request.method(),
        StaticFile {
            status,
            name,
            content_type,
            contents,
        },
    )
}

/// `/search?q=`: the results page from the published files, through the edge, with the live-reload
/// script; the request back when the site has no results page.
async fn search_request(state: &Arc<ServerState>, edge: &EdgeDriver, request: Request) -> Result<Response, Request> {
    let (generation, rewritten) = {
        let site = read(&state.site);
        (site.generation(), site.rewritten_assets().clone())
    };
    let files = Arc::clone(state);
    let read_file = move |path: &str| {
        let site = read(&files.site);
        match static_host::resolve(site.files(), path) {
            Resolved::File(name) => site
                .files()
                .get(&name)
                .map_or(FileRead::Missing, |contents| FileRead::Found(contents.to_vec())),
            Resolved::AddSlash(_) | Resolved::NotFound => FileRead::Missing,
        }
    };
    edge_http::search_response(edge, request, &state.default_host, read_file, |html| {
        livereload::with_client_script(&rewritten.versioned(html), generation)
    })
    .await
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::build_events::{PageChange, Publication};
    use std::collections::{BTreeSet, HashMap};

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
                    ("x/index.html".to_owned(), Arc::clone(&page)),
                    ("old/index.html".to_owned(), page),
                    ("x/index.md".to_owned(), Arc::from(&b"# X\n\nThe twin.\n"[..])),
                    (
                        "search/index.html".to_owned(),
                        Arc::from(
                            &b"<html><head><title>Search</title></head><body><input name=\"q\"><div data-search-results></div></body></html>"[..],
                        ),
                    ),
                    (
                        REDIRECTS_FILE.to_owned(),
                        Arc::from(&b"# rules\n/old/ /x/#setup 301\n/elsewhere/ https://example.com/ 308\n"[..]),
                    ),
                ]),
                replace_all: true,
                removed: BTreeSet::new(),
                change: PageChange::Everything,
                edge: SiteEdgeConfig {
                    color_themes: vec!["light".into(), "dark".into()],
                    demo_apis: true,
                    page_policy: None,
                },
                base_path: String::new(),
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
    fn search_is_answered_by_the_edge_and_says_when_the_index_is_missing() {
        let site = ServedSite::start();
        let host = format!("127.0.0.1:{}", site.port());
        let answer = site.get("/search?q=%3Cb%3Ekv", &host);
        assert_eq!(answer.status, 503, "the site has a results page but no index");
        assert!(
            answer.body.contains("Search is unavailable right now."),
            "{}",
            answer.body
        );
        assert!(answer.body.contains("value=\"&lt;b&gt;kv\""), "{}", answer.body);
        assert!(
            answer.body.contains("data-edge=\"preview\""),
            "through the page injection"
        );
        assert!(
            answer.body.contains("livereload"),
            "with the preview's script: {}",
            answer.body
        );
        let prompt = site.get("/search", &host);
        assert_eq!(prompt.status, 200);
        assert!(prompt.body.contains("Type the words to look for."), "{}", prompt.body);
    }

    #[test]
    fn a_page_url_answers_its_markdown_twin_when_markdown_is_preferred() {
        let site = ServedSite::start();
        let host = format!("127.0.0.1:{}", site.port());
        let ask = |accept: &str| {
            site.send(
                &format!("GET /x/ HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close"),
                "",
            )
        };
        let markdown = ask("text/markdown, text/html;q=0.9");
        assert_eq!(markdown.status, 200);
        assert_eq!(markdown.header("content-type"), Some("text/markdown; charset=utf-8"));
        assert_eq!(markdown.header("vary"), Some("accept"));
        assert_eq!(markdown.body, "# X\n\nThe twin.\n");
        let html = ask("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assert!(html.header("content-type").unwrap().starts_with("text/html"));
        assert!(html.header("vary").unwrap().contains("accept"), "{}", html.head);
        let root = site.send(
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nAccept: text/markdown\r\nConnection: close"),
            "",
        );
        assert!(
            root.header("content-type").unwrap().starts_with("text/html"),
            "a page without a twin is served as HTML"
        );
    }

    #[test]
    fn a_dns_rebinding_page_cannot_write_the_local_kv() {
        let site = ServedSite::start();
        let port = site.port();
        let post = |host: &str| {
            site.send(
                &format!(
                    "POST /api/kv/flags HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\n\
                     Cookie: session=0123456789abcdef0123456789abcdef\r\n\
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
    fn the_built_redirects_are_answered_before_any_file() {
        let site = ServedSite::start();
        let host = format!("127.0.0.1:{}", site.port());
        let moved = site.get("/old/", &host);
        assert_eq!(moved.status, 301);
        assert_eq!(moved.header("location"), Some("/x/#setup"));
        let elsewhere = site.get("/elsewhere/", &host);
        assert_eq!(elsewhere.status, 308);
        assert_eq!(elsewhere.header("location"), Some("https://example.com/"));
        assert_eq!(site.get("/x/", &host).status, 200, "pages without a rule are served");
    }
}
