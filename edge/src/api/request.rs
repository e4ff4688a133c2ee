//! What every API request shares before a handler looks at it: the [`RequestContext`] the runtime
//! supplies (the clock, a fresh session id), and the checks of the request itself: method, same
//! origin, body size (judged by `Content-Length` before the body is read) and a JSON object body.

use super::error::ApiError;
use crate::http::{EdgeRequest, Method};
use crate::session::SessionId;

/// What the runtime supplies besides the request: the clock and a fresh session id, used only when
/// the request needs a new session. Passing them in keeps the handlers pure and their tests exact.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Milliseconds since the Unix epoch.
    pub now_unix_ms: u64,
    /// A newly minted id, used when the visitor has no session yet.
    pub fresh_session: SessionId,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{ORIGIN, request};

    fn post(headers: &[(&str, &str)]) -> EdgeRequest {
        headers
            .iter()
            .fold(request(Method::Post, "/api/kv/theme"), |request, (name, value)| {
                request.with_header(*name, *value)
            })
    }

    #[test]
    fn same_origin_rules() {
        type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);
        let cases: &[Case<'_>] = &[
            ("no browser headers", &[], true),
            (
                "same origin",
                &[("Origin", ORIGIN), ("Sec-Fetch-Site", "same-origin")],
                true,
            ),
            ("other origin", &[("Origin", "https://evil.test")], false),
            ("null origin", &[("Origin", "null")], false),
            ("cross-site fetch", &[("Sec-Fetch-Site", "cross-site")], false),
            ("same-site but other origin", &[("Sec-Fetch-Site", "same-site")], false),
            (
                "matching origin but cross-site fetch",
                &[("Origin", ORIGIN), ("Sec-Fetch-Site", "cross-site")],
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
