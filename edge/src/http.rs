//! Plain request and response types shared by every runtime: what the core reads from a request and
//! what it answers. Owns header look-up rules (case-insensitive names, joined `Cookie` headers); it
//! does no I/O and knows nothing of `worker` or any HTTP server.

/// The request methods the edge tells apart; anything else is [`Method::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other,
}

impl Method {
    /// Parses a method name as it appears on the request line (case-sensitive, like HTTP).
    pub fn parse(name: &str) -> Self {
        match name {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            "OPTIONS" => Self::Options,
            _ => Self::Other,
        }
    }

    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Other => "OTHER",
        }
    }
}

/// Every request header the core consults. Runtimes may copy only these into [`EdgeRequest::headers`]
/// (pages need only `cookie` and `accept`, see [`PAGE_REQUEST_HEADERS`]).
pub const API_REQUEST_HEADERS: &[&str] = &[
    "cookie",
    "content-type",
    "content-length",
    "origin",
    "sec-fetch-site",
    "referer",
    "cf-connecting-ip",
];
/// The request headers the core consults for a page (`accept`: a page URL answers its Markdown twin
/// to a request that prefers `text/markdown`).
pub const PAGE_REQUEST_HEADERS: &[&str] = &["cookie", "accept"];

/// A request as the core sees it. Runtimes build one from their own request type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRequest {
    pub method: Method,
    /// The origin the request was addressed to, `scheme://host[:port]`, e.g. `https://docs.example.com`.
    /// Cross-origin checks and redirects compare against it.
    pub origin: String,
    /// The URL path, starting with `/`, still percent-encoded.
    pub path: String,
    /// The query string without the leading `?` (empty when there is none).
    pub query: String,
    /// Header names in any case; repeated headers may appear more than once.
    pub headers: Vec<(String, String)>,
    /// The body bytes. Runtimes may leave it empty when `Content-Length` already exceeds
    /// [`crate::MAX_API_BODY_BYTES`]: the core rejects such a request from the header alone. A body
    /// without a length (chunked) should be read only until it passes the limit, and the request then
    /// marked with [`EdgeRequest::with_body_cut_off`].
    pub body: Vec<u8>,
}

impl EdgeRequest {
    /// A body-less request, handy for tests and for runtimes building one step by step.
    pub fn new(method: Method, origin: impl Into<String>, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, query),
            None => (path_and_query, ""),
        };
        Self {
            method,
            origin: origin.into(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A body-less request for an absolute URL (`https://host/path?query#fragment`); `None` when the
    /// URL has no `scheme://host` part.
    pub fn from_url(method: Method, url: &str) -> Option<Self> {
        let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
        let authority_start = without_fragment.find("://")? + 3;
        let path_start = without_fragment[authority_start..]
            .find(['/', '?'])
            .map_or(without_fragment.len(), |offset| authority_start + offset);
        if path_start == authority_start {
            return None;
        }
        let (origin, path_and_query) = without_fragment.split_at(path_start);
        let path_and_query = if path_and_query.starts_with('/') {
            path_and_query.to_owned()
        } else {
            format!("/{path_and_query}")
        };
        Some(Self::new(method, origin, &path_and_query))
    }

    /// Adds a header (builder style).
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body (builder style).
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Marks a body the runtime stopped reading once `received_bytes` (more than the limit) had
    /// arrived: the body is dropped and the count stands in for `Content-Length`, so the core refuses
    /// the request as too large exactly as it refuses one that declared its length (builder style).
    #[must_use]
    pub fn with_body_cut_off(mut self, received_bytes: usize) -> Self {
        self.body = Vec::new();
        self.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-length"));
        self.headers.push(("content-length".into(), received_bytes.to_string()));
        self
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// Every `Cookie` header joined with `; `, the way HTTP/2 splits and HTTP/1 joins them.
    pub fn cookie_header(&self) -> String {
        self.headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case("cookie"))
            .map(|(_, value)| value.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The media type of the body (`Content-Type` without parameters, lower-cased).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type")
            .map(|value| value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    }
}

/// A response produced by the core: the runtime copies it onto its own response type as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeResponse {
    pub status: u16,
    /// Header names are lower-case; `set-cookie` may appear more than once.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl EdgeResponse {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// Every value of a header, by case-insensitive name (e.g. all `set-cookie` lines).
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body parsed as JSON (for tests and for runtimes that log); `None` when it is not JSON.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The first value of `name` in a header list, by case-insensitive name.
pub(crate) fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Whether a response with `status` carries a body: not one of the Fetch standard's null-body
/// statuses (101, 103, 204, 205, 304), which a rewritten page must answer with headers alone.
pub fn status_has_body(status: u16) -> bool {
    !matches!(status, 101 | 103 | 204 | 205 | 304)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_body_statuses_have_no_body() {
        for status in [101, 103, 204, 205, 304] {
            assert!(!status_has_body(status), "{status}");
        }
        for status in [200, 203, 206, 404, 500] {
            assert!(status_has_body(status), "{status}");
        }
    }

    #[test]
    fn new_splits_path_and_query() {
        let request = EdgeRequest::new(Method::Get, "https://docs.test", "/api/kv/flags?tenant=acme");
        assert_eq!(request.path, "/api/kv/flags");
        assert_eq!(request.query, "tenant=acme");
    }

    #[test]
    fn from_url_splits_origin_path_and_query() {
        let cases = [
            (
                "https://docs.test/storage/kv/?a=1#top",
                Some(("https://docs.test", "/storage/kv/", "a=1")),
            ),
            ("http://127.0.0.1:8787/", Some(("http://127.0.0.1:8787", "/", ""))),
            ("https://docs.test", Some(("https://docs.test", "/", ""))),
            ("https://docs.test?x", Some(("https://docs.test", "/", "x"))),
            ("/relative", None),
            ("https:///nohost", None),
        ];
        for (url, expected) in cases {
            let request = EdgeRequest::from_url(Method::Get, url);
            let parts = request
                .as_ref()
                .map(|request| (request.origin.as_str(), request.path.as_str(), request.query.as_str()));
            assert_eq!(parts, expected, "{url}");
        }
    }

    #[test]
    fn a_body_cut_off_stands_in_for_its_length() {
        let request = EdgeRequest::new(Method::Post, "https://docs.test", "/api/kv/theme")
            .with_header("Content-Length", "12")
            .with_body(vec![b'x'; 12])
            .with_body_cut_off(65_536);
        assert!(request.body.is_empty());
        assert_eq!(request.header("content-length"), Some("65536"));
        assert_eq!(
            request.headers.len(),
            1,
            "the declared length is replaced, not repeated"
        );
    }

    #[test]
    fn headers_are_case_insensitive_and_cookies_join() {
        let request = EdgeRequest::new(Method::Get, "https://docs.test", "/")
            .with_header("Cookie", "a=1")
            .with_header("cookie", "b=2")
            .with_header("Content-Type", "Application/JSON; charset=utf-8");
        assert_eq!(request.cookie_header(), "a=1; b=2");
        assert_eq!(request.media_type().as_deref(), Some("application/json"));
        assert_eq!(request.header("CONTENT-TYPE"), Some("Application/JSON; charset=utf-8"));
    }

    #[test]
    fn method_names_round_trip() {
        for method in [
            Method::Get,
            Method::Head,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
            Method::Options,
        ] {
            assert_eq!(Method::parse(method.as_str()), method);
        }
        assert_eq!(Method::parse("get"), Method::Other);
    }
}
