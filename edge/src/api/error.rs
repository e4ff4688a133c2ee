//! Every way an API request can fail, each mapped to an HTTP status and a stable error code by one
//! exhaustive `match`, and rendered as `{ "error": { "code", "message" } }`. Messages speak about the
//! visitor's input only; no internal error text is ever put in them.

use crate::http::{EdgeResponse, Method};
use crate::kv::KvLimitError;

/// Why an API request was refused. Nothing is written to KV when one of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("no API at this path")]
    NotFound,
    #[error("{method} is not allowed here; use {}", allowed_list(allow))]
    MethodNotAllowed {
        method: &'static str,
        allow: &'static [Method],
    },
    #[error("cross-origin requests may not change anything here")]
    CrossOrigin,
    /// `bytes`: the declared length, or how much of a body without one had arrived when it passed the
    /// limit (the rest was never read).
    #[error("the request body is {bytes} bytes or more; at most {limit} are accepted")]
    BodyTooLarge { bytes: usize, limit: usize },
    #[error("the body must be sent as {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("the request body is not valid JSON: {reason}")]
    MalformedJson { reason: String },
    #[error("the form body is not valid: {reason}")]
    MalformedForm { reason: String },
    #[error("the query parameter `{name}` {reason}")]
    InvalidQuery { name: &'static str, reason: String },
    #[error("the field `{field}` {reason}")]
    InvalidField { field: String, reason: String },
    #[error("`{theme}` is not a colour theme of this site; allowed: {}", allowed.join(", "))]
    UnknownTheme { theme: String, allowed: Vec<String> },
    #[error("{0}")]
    KvLimit(KvLimitError),
    #[error("this tenant already has {limit} flags, the most allowed; delete one or use another tenant")]
    TooManyFlags { limit: usize },
    #[error(
        "writing flags needs a session: send the `{cookie}` cookie that `GET /api/kv/theme` or \
         `GET /api/kv/flags?tenant=<id>` sets (from a browser, load the page first)"
    )]
    SessionRequired { cookie: &'static str },
    #[error(
        "this session has made {limit} flag writes in the last 24 hours, the most allowed; a flag expires a \
         day after its last write, and its writes stop counting then"
    )]
    SessionWriteLimit {
        limit: usize,
        /// Seconds until the session's oldest flag expires and frees its writes.
        retry_after_seconds: Option<u64>,
    },
    #[error("too many requests from this client in the last minute; try again in a minute")]
    RateLimited,
    #[error("the key-value store is not answering right now; try again shortly")]
    KvUnavailable,
}

fn allowed_list(methods: &[Method]) -> String {
    methods
        .iter()
        .map(|method| method.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl ApiError {
    /// The HTTP status for this kind of failure.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::CrossOrigin => 403,
            Self::BodyTooLarge { .. } => 413,
            Self::UnsupportedMediaType { .. } => 415,
            Self::MalformedJson { .. } | Self::MalformedForm { .. } | Self::InvalidQuery { .. } => 400,
            Self::InvalidField { .. } | Self::UnknownTheme { .. } | Self::KvLimit(_) => 422,
            Self::TooManyFlags { .. } => 409,
            Self::SessionRequired { .. } => 403,
            Self::SessionWriteLimit { .. } | Self::RateLimited => 429,
            Self::KvUnavailable => 503,
        }
    }

    /// A stable, machine-readable code for this kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::CrossOrigin => "cross_origin",
            Self::BodyTooLarge { .. } => "body_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::MalformedJson { .. } => "malformed_json",
            Self::MalformedForm { .. } => "malformed_form",
            Self::InvalidQuery { .. } => "invalid_query",
            Self::InvalidField { .. } => "invalid_field",
            Self::UnknownTheme { .. } => "unknown_theme",
            Self::KvLimit(limit) => match limit {
                KvLimitError::EmptyKey | KvLimitError::ReservedKey(_) => "invalid_key",
                KvLimitError::KeyTooLong { .. } => "key_too_long",
                KvLimitError::ValueTooLarge { .. } => "value_too_large",
                KvLimitError::MetadataTooLarge { .. } => "metadata_too_large",
                KvLimitError::ExpirationTtlTooShort { .. } => "expiration_too_short",
            },
            Self::TooManyFlags { .. } => "too_many_flags",
            Self::SessionRequired { .. } => "session_required",
            Self::SessionWriteLimit { .. } => "session_write_limit",
            Self::RateLimited => "rate_limited",
            Self::KvUnavailable => "kv_unavailable",
        }
    }

    /// The JSON error response, with `Allow` on 405 and `Retry-After` on 429 and 503.
    pub fn to_response(&self) -> EdgeResponse {
        let mut error = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        if let Self::UnknownTheme { allowed, .. } = self {
            error["allowed"] = serde_json::json!(allowed);
        }
        let mut response = json_response(self.status(), &serde_json::json!({ "error": error }));
        match self {
            Self::MethodNotAllowed { allow, .. } => {
                response.headers.push(("allow".into(), allowed_list(allow)));
            }
            Self::KvUnavailable => response.headers.push(("retry-after".into(), "5".into())),
            Self::RateLimited => response.headers.push(("retry-after".into(), "60".into())),
            Self::SessionWriteLimit {
                retry_after_seconds: Some(seconds),
                ..
            } => response
                .headers
                .push(("retry-after".into(), (*seconds).max(1).to_string())),
            _ => {}
        }
        response
    }
}

/// A JSON API response that no cache keeps.
pub(super) fn json_response(status: u16, body: &serde_json::Value) -> EdgeResponse {
    EdgeResponse {
        status,
        headers: vec![
            ("content-type".into(), "application/json; charset=utf-8".into()),
            ("cache-control".into(), "no-store".into()),
            ("x-content-type-options".into(), "nosniff".into()),
        ],
        body: serde_json::to_vec(body).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_status_and_code() {
        let cases = [
            (ApiError::NotFound, 404, "not_found"),
            (
                ApiError::MethodNotAllowed {
                    method: "PUT",
                    allow: &[Method::Get, Method::Post],
                },
                405,
                "method_not_allowed",
            ),
            (ApiError::CrossOrigin, 403, "cross_origin"),
            (
                ApiError::BodyTooLarge {
                    bytes: 9000,
                    limit: 8192,
                },
                413,
                "body_too_large",
            ),
            (
                ApiError::UnsupportedMediaType {
                    expected: "application/json",
                },
                415,
                "unsupported_media_type",
            ),
            (ApiError::MalformedJson { reason: "x".into() }, 400, "malformed_json"),
            (
                ApiError::UnknownTheme {
                    theme: "neon".into(),
                    allowed: vec!["dark".into()],
                },
                422,
                "unknown_theme",
            ),
            (
                ApiError::KvLimit(KvLimitError::KeyTooLong { bytes: 600 }),
                422,
                "key_too_long",
            ),
            (
                ApiError::KvLimit(KvLimitError::MetadataTooLarge { bytes: 2000 }),
                422,
                "metadata_too_large",
            ),
            (ApiError::TooManyFlags { limit: 50 }, 409, "too_many_flags"),
            (
                ApiError::SessionRequired {
                    cookie: "__Host-session",
                },
                403,
                "session_required",
            ),
            (
                ApiError::SessionWriteLimit {
                    limit: 100,
                    retry_after_seconds: Some(3600),
                },
                429,
                "session_write_limit",
            ),
            (ApiError::RateLimited, 429, "rate_limited"),
            (ApiError::KvUnavailable, 503, "kv_unavailable"),
        ];
        for (error, status, code) in cases {
            let response = error.to_response();
            assert_eq!(response.status, status, "{error:?}");
            let body = response.json_body().expect("error bodies are JSON");
            assert_eq!(body["error"]["code"], code, "{error:?}");
            assert_eq!(body["error"]["message"], error.to_string(), "{error:?}");
        }
    }

    #[test]
    fn too_many_requests_say_when_to_retry() {
        let cases = [
            (ApiError::RateLimited, Some("60")),
            (
                ApiError::SessionWriteLimit {
                    limit: 100,
                    retry_after_seconds: Some(3600),
                },
                Some("3600"),
            ),
            (
                ApiError::SessionWriteLimit {
                    limit: 100,
                    retry_after_seconds: Some(0),
                },
                Some("1"),
            ),
            (
                ApiError::SessionWriteLimit {
                    limit: 100,
                    retry_after_seconds: None,
                },
                None,
            ),
        ];
        for (error, retry_after) in cases {
            assert_eq!(error.to_response().header("retry-after"), retry_after, "{error:?}");
        }
    }

    #[test]
    fn method_not_allowed_lists_allow_and_unknown_theme_lists_the_names() {
        let response = ApiError::MethodNotAllowed {
            method: "PUT",
            allow: &[Method::Get, Method::Post],
        }
        .to_response();
        assert_eq!(response.header("allow"), Some("GET, POST"));
        let response = ApiError::UnknownTheme {
            theme: "neon".into(),
            allowed: vec!["light".into(), "dark".into()],
        }
        .to_response();
        let body = response.json_body().expect("JSON");
        assert_eq!(body["error"]["allowed"], serde_json::json!(["light", "dark"]));
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("light, dark")
        );
    }
}
