//! The preview as a static host of the built files: which file a request path names (`index.html`
//! for folders, a redirect to add the trailing slash), its `Content-Type`, its caching, and the
//! conditional (`ETag`, 304) and `HEAD` answers. Pages are not sent from here: they go through the
//! edge first ([`super::edge_http`]).

use crate::assets::ASSETS_PREFIX;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::collections::HashMap;
use std::sync::Arc;

/// Where the build writes fingerprinted assets, below the output root (`assets/`).
pub(super) const ASSETS_FOLDER: &str = ASSETS_PREFIX.split_at(1).1;

/// Where a request path leads in the built files.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Resolved {
    File(String),
    /// A folder asked for without its trailing slash: redirect to it. Holds the folder's normalised
    /// path below the root (`storage/kv`), never empty.
    AddSlash(String),
    NotFound,
}

/// Resolves a request path like a static host, after normalising it: `%XX` decoded, `\` read as `/`
/// (as browsers do), runs of slashes collapsed; `.` and `..` segments find nothing.
/// The part of a request path below the site's base path (`/tally/kv/` under `/tally` is `/kv/`), or
/// `None` when the request is not for the site. Without a base path, every path is the site's.
pub(super) fn within_base_path<'a>(base_path: &str, path: &'a str) -> Option<&'a str> {
    if base_path.is_empty() {
        return Some(path);
    }
    let below = path.strip_prefix(base_path)?;
    match below {
        "" => Some("/"),
        _ if below.starts_with('/') => Some(below),
        _ => None,
    }
}

pub(super) fn resolve(files: &HashMap<String, Arc<[u8]>>, path: &str) -> Resolved {
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

/// 405 for a method a static host does not answer.
pub(super) fn method_not_allowed() -> Response {
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "").into_response()
}

/// 404 for a site that has no `404.html`.
pub(super) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// The redirect from a folder asked for without its trailing slash (`storage/kv`) to the folder,
/// keeping the query.
/// The redirect to `folder`'s trailing slash, under the site's `base_path` (`/tally`, or empty).
pub(super) fn redirect_to_folder(base_path: &str, folder: &str, query: Option<&str>) -> Response {
    let location = format!("{base_path}{}", folder_location(folder, query));
    (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location)]).into_response()
}

/// A redirect of the site's `_redirects` file: `status` (3xx) to `location`, as the host answers it.
pub(super) fn redirect(status: u16, location: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FOUND);
    match HeaderValue::from_str(location) {
        Ok(location) => (status, [(header::LOCATION, location)]).into_response(),
        Err(_) => not_found(),
    }
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

/// A file other than a page, and how to send it.
pub(super) struct StaticFile {
    pub(super) status: StatusCode,
    /// Its path in the output (`assets/main.1a2b3c4d5e.css`).
    pub(super) name: String,
    pub(super) content_type: String,
    pub(super) contents: Arc<[u8]>,
}

/// Sends a file other than a page, answering `If-None-Match` with 304.
pub(super) fn static_file(request_headers: &HeaderMap, method: &Method, file: StaticFile) -> Response {
    let etag = format!("\"{}\"", &blake3::hash(&file.contents).to_hex().as_str()[..16]);
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""));
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&file.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static(caching_of(&file.name))),
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
    let body = if *method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(file.contents.to_vec())
    };
    (file.status, headers, body).into_response()
}

/// How long browsers may keep a file: a fingerprinted asset has one content per URL (an asset rewritten
/// in place gets a version in the pages, see [`super::published`]), so it is never asked for again,
/// even on reload; anything else is checked with its `ETag` each time.
fn caching_of(name: &str) -> &'static str {
    if name.starts_with(ASSETS_FOLDER) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
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
pub(super) fn content_type_of(name: &str) -> String {
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
    fn a_site_with_a_base_path_is_served_under_it() {
        assert_eq!(within_base_path("", "/kv/"), Some("/kv/"));
        assert_eq!(within_base_path("/tally", "/tally/kv/"), Some("/kv/"));
        assert_eq!(within_base_path("/tally", "/tally"), Some("/"));
        assert_eq!(within_base_path("/tally", "/tally/"), Some("/"));
        assert_eq!(within_base_path("/tally", "/tallyho/"), None);
        assert_eq!(within_base_path("/tally", "/kv/"), None);
        assert_eq!(within_base_path("/tally", "/"), None);
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

    async fn body_of(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn files_are_revalidated_by_etag_and_head_gets_no_body() {
        let file = |name: &str, status: StatusCode| StaticFile {
            status,
            name: name.to_owned(),
            content_type: content_type_of(name),
            contents: Arc::from(&b".a{}"[..]),
        };
        let asset = "assets/main.0123456789.css";
        let sent = static_file(&HeaderMap::new(), &Method::GET, file(asset, StatusCode::OK));
        assert_eq!(sent.status(), StatusCode::OK);
        assert_eq!(
            sent.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(sent.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let etag = sent.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert_eq!(body_of(sent).await, ".a{}");

        let mut if_none_match = HeaderMap::new();
        if_none_match.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"0000\", {etag}")).unwrap(),
        );
        let unchanged = static_file(&if_none_match, &Method::GET, file(asset, StatusCode::OK));
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(unchanged.headers()[header::ETAG], etag.as_str());
        assert_eq!(body_of(unchanged).await, "");

        let not_found = static_file(&if_none_match, &Method::GET, file(asset, StatusCode::NOT_FOUND));
        assert_eq!(not_found.status(), StatusCode::NOT_FOUND, "only a 200 becomes a 304");

        let head = static_file(&HeaderMap::new(), &Method::HEAD, file("robots.txt", StatusCode::OK));
        assert_eq!(head.status(), StatusCode::OK);
        assert_eq!(head.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(head.headers()[header::CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(body_of(head).await, "");
    }
}
