//! The sans-IO shape of the KV demo APIs and the checks every API request shares. A handler first
//! validates the request and says which KV reads it needs ([`ApiStep`]); the runtime performs them and
//! hands back a [`KvSnapshot`]; the handler then decides the response and the KV writes ([`Outcome`]).
//! Requests refused by validation never cost a KV read, and nothing is written for a refused request.

use crate::api_error::ApiError;
use crate::config::EdgeConfig;
use crate::flags_api::{self, PendingFlags};
use crate::http::{EdgeRequest, EdgeResponse, Method};
use crate::kv::{KvReads, KvSnapshot, KvWrite};
use crate::session::{self, SessionId};
use crate::theme_api::{self, PendingTheme};

/// What the runtime supplies besides the request: the clock and a fresh session id, used only when
/// the request needs a new session. Passing them in keeps the handlers pure and their tests exact.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Milliseconds since the Unix epoch.
    pub now_unix_ms: u64,
    /// A newly minted id, used when the visitor has no session yet.
    pub fresh_session: SessionId,
}

/// The end of an API request: the response to send and the KV writes to make first. When a write
/// fails, the runtime sends [`Outcome::kv_unavailable`]'s response instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: EdgeResponse,
    pub writes: Vec<KvWrite>,
}

impl Outcome {
    /// A response with no KV write.
    pub fn respond(response: EdgeResponse) -> Self {
        Self {
            response,
            writes: Vec::new(),
        }
    }

    /// The refusal for `error`; it never writes.
    pub fn refuse(error: &ApiError) -> Self {
        Self::respond(error.to_response())
    }

    /// What the runtime answers when KV fails or times out: 503 with a JSON error.
    pub fn kv_unavailable() -> Self {
        Self::refuse(&ApiError::KvUnavailable)
    }

    /// What the runtime answers when its rate limiter refuses the request's
    /// [`crate::Edge::rate_limit_key`]: 429 with a JSON error and `Retry-After`.
    pub fn rate_limited() -> Self {
        Self::refuse(&ApiError::RateLimited)
    }
}

impl From<ApiError> for Outcome {
    fn from(error: ApiError) -> Self {
        Self::refuse(&error)
    }
}

/// The first step of an API request.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per request, moved once; boxing would only add an allocation"
)]
pub enum ApiStep {
    /// The request is answered without reading KV (it may still carry writes).
    Done(Outcome),
    /// Perform `reads`, then call [`crate::Edge::finish_api`] with `pending` and the snapshot.
    NeedsKv { reads: KvReads, pending: PendingApi },
}

/// A validated API request waiting for its KV reads. Opaque: only the core looks inside.
#[derive(Debug)]
pub struct PendingApi(pub(crate) PendingKind);

#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per request, moved once; boxing would only add an allocation"
)]
pub(crate) enum PendingKind {
    Theme(PendingTheme),
    Flags(PendingFlags),
}

/// The API endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiEndpoint {
    /// `/api/kv/theme`: the visitor's colour theme.
    Theme,
    /// `/api/kv/flags`: the keyspace-as-index demo.
    Flags,
    /// Any other path under `/api/`: answered 404.
    Unknown,
}

pub(crate) fn start(
    endpoint: ApiEndpoint,
    request: &EdgeRequest,
    context: &RequestContext,
    config: &EdgeConfig,
) -> ApiStep {
    let step = match endpoint {
        ApiEndpoint::Theme => theme_api::start(request, context, config),
        ApiEndpoint::Flags => flags_api::start(request, context, config),
        ApiEndpoint::Unknown => Err(ApiError::NotFound),
    };
    step.unwrap_or_else(|error| ApiStep::Done(Outcome::refuse(&error)))
}

pub(crate) fn finish(pending: PendingApi, snapshot: &KvSnapshot, config: &EdgeConfig) -> Outcome {
    let outcome = match pending.0 {
        PendingKind::Theme(pending) => Ok(theme_api::finish(pending, snapshot, config)),
        PendingKind::Flags(pending) => flags_api::finish(pending, snapshot, config),
    };
    outcome.unwrap_or_else(|error| Outcome::refuse(&error))
}

/// Refuses a method the endpoint does not serve.
pub(crate) fn method_not_allowed(request: &EdgeRequest, allow: &'static [Method]) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method_label(request.method),
        allow,
    }
}

fn method_label(method: Method) -> &'static str {
    match method {
        Method::Other => "this method",
        known => known.as_str(),
    }
}

/// Refuses a state-changing request from another origin: `Sec-Fetch-Site`, when sent, must be
/// `same-origin`, and `Origin`, when sent, must be the request's own origin. Clients that send
/// neither (curl, scripts) are not browsers carrying a visitor's cookies on someone else's behalf.
pub(crate) fn require_same_origin(request: &EdgeRequest) -> Result<(), ApiError> {
    if let Some(site) = request.header("sec-fetch-site")
        && !site.trim().eq_ignore_ascii_case("same-origin")
    {
        return Err(ApiError::CrossOrigin);
    }
    if let Some(origin) = request.header("origin")
        && !origin.trim().eq_ignore_ascii_case(&request.origin)
    {
        return Err(ApiError::CrossOrigin);
    }
    Ok(())
}

/// Refuses a body over the limit, judged by `Content-Length` first (runtimes may skip reading it).
pub(crate) fn require_body_within(request: &EdgeRequest, limit: usize) -> Result<(), ApiError> {
    let declared = request
        .header("content-length")
        .and_then(|length| length.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let bytes = declared.max(request.body.len());
    if bytes > limit {
        return Err(ApiError::BodyTooLarge { bytes, limit });
    }
    Ok(())
}

/// Parses a JSON body into a JSON object, refusing anything else with 400.
pub(crate) fn parse_json_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(object)) => Ok(object),
        Ok(_) => Err(ApiError::MalformedJson {
            reason: "expected a JSON object".into(),
        }),
        Err(error) => Err(ApiError::MalformedJson {
            reason: error.to_string(),
        }),
    }
}

/// Where a request's session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionSource {
    /// The session cookie under its current name.
    Cookie,
    /// The plain `session` cookie while cookies are `Secure`: it is moved to the prefixed name.
    PlainCookie,
    /// Minted by this request.
    Minted,
}

/// The visitor's session and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Visitor {
    pub(crate) session: SessionId,
    pub(crate) source: SessionSource,
}

impl Visitor {
    /// The visitor's session from their cookies, if they have one.
    pub(crate) fn from_cookies(request: &EdgeRequest, config: &EdgeConfig) -> Option<Self> {
        session::visitor_session(&request.cookie_header(), config).map(|found| Self {
            session: found.id,
            source: if found.from_plain_cookie {
                SessionSource::PlainCookie
            } else {
                SessionSource::Cookie
            },
        })
    }

    /// The visitor's session, or the fresh one from the context.
    pub(crate) fn or_mint(request: &EdgeRequest, context: &RequestContext, config: &EdgeConfig) -> Self {
        Self::from_cookies(request, config).unwrap_or_else(|| Self {
            session: context.fresh_session.clone(),
            source: SessionSource::Minted,
        })
    }

    /// The `Set-Cookie` lines a response must carry for this session: the new cookie when it was
    /// minted, the move to the prefixed name when it came from the plain cookie, and otherwise the
    /// cookie again only when `refresh` (to keep it alive as long as a key it names).
    pub(crate) fn set_cookie_lines(&self, refresh: bool, config: &EdgeConfig) -> Vec<String> {
        match self.source {
            SessionSource::PlainCookie => session::session_moved_from_plain_cookie(&self.session, config).into(),
            SessionSource::Minted => vec![session::session_set_cookie(&self.session, config)],
            SessionSource::Cookie if refresh => vec![session::session_set_cookie(&self.session, config)],
            SessionSource::Cookie => Vec::new(),
        }
    }
}

/// Adds `Set-Cookie` lines to a response.
pub(crate) fn with_set_cookies(mut response: EdgeResponse, lines: Vec<String>) -> EdgeResponse {
    response
        .headers
        .extend(lines.into_iter().map(|line| ("set-cookie".to_owned(), line)));
    response
}

/// The key a runtime's rate limiter counts a request under, for the requests that cost KV a write or
/// a list (`POST` to the theme and flags APIs, `GET` of flags); `None` for every other request. A
/// client is its IP address as the runtime names it in `cf-connecting-ip` (an IPv6 address counts as
/// its /64, which one client usually holds whole); without that header, its session; without either,
/// one shared key.
pub(crate) fn rate_limit_key(endpoint: ApiEndpoint, request: &EdgeRequest, config: &EdgeConfig) -> Option<String> {
    let costs_kv = matches!(
        (endpoint, request.method),
        (ApiEndpoint::Theme | ApiEndpoint::Flags, Method::Post) | (ApiEndpoint::Flags, Method::Get)
    );
    if !costs_kv {
        return None;
    }
    if let Some(address) = request.header("cf-connecting-ip") {
        return Some(format!("client:{}", client_network(address.trim())));
    }
    Some(match Visitor::from_cookies(request, config) {
        Some(visitor) => format!("session:{}", visitor.session.as_str()),
        None => "client:unknown".to_owned(),
    })
}

/// The key under which a runtime runs a request one at a time with the others of the same key, for
/// requests that count what their session holds before they write (a flag `POST`): two of them
/// overlapping would both pass the count. `None` for every other request.
pub(crate) fn counted_write_key(endpoint: ApiEndpoint, request: &EdgeRequest, config: &EdgeConfig) -> Option<String> {
    match (endpoint, request.method) {
        (ApiEndpoint::Flags, Method::Post) => {
            Visitor::from_cookies(request, config).map(|visitor| visitor.session.as_str().to_owned())
        }
        _ => None,
    }
}

/// An IPv4 address as sent; an IPv6 address as its first 64 bits (`2001:db8:1:2::/64`), since one
/// client usually holds a whole /64; an IPv4-mapped IPv6 address as its IPv4; anything else as sent.
/// Parsed by hand: the standard library's parser and printer cost the Worker 8 KiB of wasm.
fn client_network(address: &str) -> String {
    if !address.contains(':') {
        return address.to_owned();
    }
    if let Some((_, v4)) = address.rsplit_once(':')
        && v4.contains('.')
    {
        return v4.to_owned();
    }
    match ipv6_network(address) {
        Some([a, b, c, d]) => format!("{a:x}:{b:x}:{c:x}:{d:x}::/64"),
        None => address.to_owned(),
    }
}

/// The first four groups of an IPv6 address in its text form (`::` expanded), or `None` when it is
/// not one.
fn ipv6_network(address: &str) -> Option<[u16; 4]> {
    let groups_of = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        part.split(':')
            .map(|group| {
                let hex = !group.is_empty() && group.len() <= 4 && group.bytes().all(|byte| byte.is_ascii_hexdigit());
                hex.then(|| u16::from_str_radix(group, 16).ok()).flatten()
            })
            .collect()
    };
    let (head, tail, compressed) = match address.split_once("::") {
        Some((head, tail)) => (groups_of(head)?, groups_of(tail)?, true),
        None => (groups_of(address)?, Vec::new(), false),
    };
    let count = head.len() + tail.len();
    if (compressed && count > 7) || (!compressed && count != 8) {
        return None;
    }
    let mut groups = [0_u16; 8];
    groups[..head.len()].copy_from_slice(&head);
    groups[8 - tail.len()..].copy_from_slice(&tail);
    Some([groups[0], groups[1], groups[2], groups[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> EdgeRequest {
        headers.iter().fold(
            EdgeRequest::new(Method::Post, "https://docs.test", "/api/kv/theme"),
            |request, (name, value)| request.with_header(*name, *value),
        )
    }

    #[test]
    fn same_origin_rules() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
        let cases: &[Case<'_>] = &[
            ("no browser headers", &[], true),
            (
                "same origin",
                &[("Origin", "https://docs.test"), ("Sec-Fetch-Site", "same-origin")],
                true,
            ),
            ("other origin", &[("Origin", "https://evil.test")], false),
            ("null origin", &[("Origin", "null")], false),
            ("cross-site fetch", &[("Sec-Fetch-Site", "cross-site")], false),
            ("same-site but other origin", &[("Sec-Fetch-Site", "same-site")], false),
            (
                "matching origin but cross-site fetch",
                &[("Origin", "https://docs.test"), ("Sec-Fetch-Site", "cross-site")],
                false,
            ),
        ];
        for (name, headers, allowed) in cases {
            assert_eq!(require_same_origin(&post(headers)).is_ok(), *allowed, "{name}");
        }
    }

    #[test]
    fn body_limit_reads_content_length_and_the_body() {
        assert!(require_body_within(&post(&[("Content-Length", "8192")]), 8192).is_ok());
        assert_eq!(
            require_body_within(&post(&[("Content-Length", "9000")]), 8192),
            Err(ApiError::BodyTooLarge {
                bytes: 9000,
                limit: 8192
            })
        );
        assert_eq!(
            require_body_within(&post(&[]).with_body(vec![b'x'; 8193]), 8192),
            Err(ApiError::BodyTooLarge {
                bytes: 8193,
                limit: 8192
            })
        );
    }

    #[test]
    fn a_chunked_body_cut_off_past_the_limit_is_refused_with_what_arrived() {
        let request = post(&[]).with_body(vec![b'x'; 100]).with_body_cut_off(65_536);
        let error = require_body_within(&request, 8192).expect_err("over the limit");
        assert_eq!(
            error,
            ApiError::BodyTooLarge {
                bytes: 65_536,
                limit: 8192
            }
        );
        assert_eq!(
            error.to_string(),
            "the request body is 65536 bytes or more; at most 8192 are accepted"
        );
    }

    #[test]
    fn requests_that_cost_kv_a_write_or_a_list_are_rate_limited_by_client() {
        let config = EdgeConfig::new(vec!["light".into()], "test");
        let session = "__Host-session=0123456789abcdef0123456789abcdef";
        let request = |method: Method, headers: &[(&str, &str)]| {
            headers.iter().fold(
                EdgeRequest::new(method, "https://docs.test", "/api/kv/flags"),
                |request, (name, value)| request.with_header(*name, *value),
            )
        };
        // (name, endpoint, request, key)
        let cases: Vec<(&str, ApiEndpoint, EdgeRequest, Option<&str>)> = vec![
            (
                "a flag write by IPv4",
                ApiEndpoint::Flags,
                request(Method::Post, &[("cf-connecting-ip", "203.0.113.7")]),
                Some("client:203.0.113.7"),
            ),
            (
                "a theme save by IPv6 counts the /64",
                ApiEndpoint::Theme,
                request(
                    Method::Post,
                    &[("cf-connecting-ip", "2001:db8:1:2:aaaa:bbbb:cccc:dddd")],
                ),
                Some("client:2001:db8:1:2::/64"),
            ),
            (
                "another address in the same /64 is the same client",
                ApiEndpoint::Theme,
                request(Method::Post, &[("cf-connecting-ip", "2001:db8:1:2::1")]),
                Some("client:2001:db8:1:2::/64"),
            ),
            (
                "a written-out IPv6 address is the same /64",
                ApiEndpoint::Theme,
                request(
                    Method::Post,
                    &[("cf-connecting-ip", "2001:0db8:0001:0002:0000:0000:0000:0001")],
                ),
                Some("client:2001:db8:1:2::/64"),
            ),
            (
                "the unspecified address",
                ApiEndpoint::Theme,
                request(Method::Post, &[("cf-connecting-ip", "::")]),
                Some("client:0:0:0:0::/64"),
            ),
            (
                "not an address: as sent",
                ApiEndpoint::Theme,
                request(Method::Post, &[("cf-connecting-ip", "1:2:3")]),
                Some("client:1:2:3"),
            ),
            (
                "an IPv4-mapped address is its IPv4",
                ApiEndpoint::Flags,
                request(Method::Post, &[("cf-connecting-ip", "::ffff:203.0.113.7")]),
                Some("client:203.0.113.7"),
            ),
            (
                "a flags listing costs a list",
                ApiEndpoint::Flags,
                request(Method::Get, &[("cf-connecting-ip", "203.0.113.7")]),
                Some("client:203.0.113.7"),
            ),
            (
                "without an address, the session",
                ApiEndpoint::Flags,
                request(Method::Post, &[("cookie", session)]),
                Some("session:0123456789abcdef0123456789abcdef"),
            ),
            (
                "without either, one shared key",
                ApiEndpoint::Theme,
                request(Method::Post, &[]),
                Some("client:unknown"),
            ),
            (
                "reading the theme costs no write or list",
                ApiEndpoint::Theme,
                request(Method::Get, &[("cf-connecting-ip", "203.0.113.7")]),
                None,
            ),
            (
                "an unknown API costs nothing",
                ApiEndpoint::Unknown,
                request(Method::Post, &[("cf-connecting-ip", "203.0.113.7")]),
                None,
            ),
            (
                "a refused method costs nothing",
                ApiEndpoint::Flags,
                request(Method::Put, &[("cf-connecting-ip", "203.0.113.7")]),
                None,
            ),
        ];
        for (name, endpoint, request, key) in cases {
            assert_eq!(rate_limit_key(endpoint, &request, &config).as_deref(), key, "{name}");
        }
    }

    #[test]
    fn only_counted_writes_of_a_session_are_queued() {
        let config = EdgeConfig::new(vec!["light".into()], "test");
        let with_session = |method: Method| {
            EdgeRequest::new(method, "https://docs.test", "/api/kv/flags")
                .with_header("cookie", "__Host-session=0123456789abcdef0123456789abcdef")
        };
        let cases = [
            (
                "a flag write",
                ApiEndpoint::Flags,
                with_session(Method::Post),
                Some("0123456789abcdef0123456789abcdef"),
            ),
            ("a flag listing", ApiEndpoint::Flags, with_session(Method::Get), None),
            (
                "a theme save writes without counting",
                ApiEndpoint::Theme,
                with_session(Method::Post),
                None,
            ),
            (
                "a flag write without a session is refused anyway",
                ApiEndpoint::Flags,
                EdgeRequest::new(Method::Post, "https://docs.test", "/api/kv/flags"),
                None,
            ),
        ];
        for (name, endpoint, request, key) in cases {
            assert_eq!(counted_write_key(endpoint, &request, &config).as_deref(), key, "{name}");
        }
    }

    #[test]
    fn json_bodies_must_be_objects() {
        assert!(parse_json_object(br#"{"theme":"dark"}"#).is_ok());
        for body in [&b"{"[..], b"[1]", b"\"dark\"", b""] {
            assert!(
                matches!(parse_json_object(body), Err(ApiError::MalformedJson { .. })),
                "{body:?}"
            );
        }
    }
}
