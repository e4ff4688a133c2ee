//! The sans-IO shape of the KV demo APIs and the checks every API request shares. A handler first
//! validates the request and says which KV reads it needs ([`ApiStep`]); the runtime performs them and
//! hands back a [`KvSnapshot`]; the handler then decides the response and the KV writes ([`Outcome`]).
//! Requests refused by validation never cost a KV read, and nothing is written for a refused request.

use crate::api_error::ApiError;
use crate::config::EdgeConfig;
use crate::flags_api::{self, PendingFlags};
use crate::http::{EdgeRequest, EdgeResponse, Method};
use crate::kv::{KvReads, KvSnapshot, KvWrite};
use crate::session::SessionId;
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

/// The visitor's session, or the fresh one from the context; the flag says whether it was minted now.
pub(crate) fn session_or_mint(request: &EdgeRequest, context: &RequestContext) -> (SessionId, bool) {
    match crate::session::session_from_cookies(&request.cookie_header()) {
        Some(session) => (session, false),
        None => (context.fresh_session.clone(), true),
    }
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
