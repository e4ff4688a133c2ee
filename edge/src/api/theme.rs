//! `/api/kv/theme`: reads and saves the visitor's colour theme under `theme:<sessionId>`.
//! GET mints the session cookie when the visitor has none (sessions are created lazily: pages never
//! mint one). POST takes JSON `{ "theme": "dark" }` or a form post `theme=dark` (answered 303 back
//! to the same-origin Referer), writes the key for 90 days and sets the `theme_hint` cookie, so the
//! next page shows the new theme before KV has propagated the write.

use super::error::{ApiError, json_response};
use super::outcome::{Outcome, Step};
use super::referer;
use super::request::{RequestContext, method_not_allowed, parse_json_object, require_body_within, require_same_origin};
use super::visitor::{SessionSource, Visitor, with_set_cookies};
use crate::config::{EdgeConfig, SESSION_LIFETIME_SECONDS};
use crate::http::{EdgeRequest, EdgeResponse, Method};
use crate::keys::theme_key;
use crate::kv::{KvGet, KvReads, KvSnapshot, KvWrite, validate_kv_write};
use crate::session;

const ALLOWED_METHODS: &[Method] = &[Method::Get, Method::Post];

/// A theme read waiting for `theme:<sessionId>`.
#[derive(Debug)]
pub(super) struct PendingTheme {
    key: String,
    /// The session's cookie moved to its prefixed name, when it came in under the plain one.
    set_cookies: Vec<String>,
}

// #region handler
pub(crate) fn start(
    request: &EdgeRequest,
    context: &RequestContext,
    config: &EdgeConfig,
) -> Result<Step<PendingTheme>, ApiError> {
    match request.method {
        Method::Get => Ok(start_read(request, context, config)),
        Method::Post => save(request, context, config).map(Step::Done),
        _ => Err(method_not_allowed(request, ALLOWED_METHODS)),
    }
}

fn start_read(request: &EdgeRequest, context: &RequestContext, config: &EdgeConfig) -> Step<PendingTheme> {
    let visitor = Visitor::or_mint(request, context, config);
    let set_cookies = visitor.set_cookie_lines(false, config);
    if visitor.source == SessionSource::Minted {
        // First visit: mint the session; a new session has no saved theme to read.
        return Step::Done(Outcome::respond(with_set_cookies(theme_response(None), set_cookies)));
    }
    if let Some(hint) = session::theme_hint_from_cookies(&request.cookie_header(), config) {
        return Step::Done(Outcome::respond(with_set_cookies(
            theme_response(Some(&hint)),
            set_cookies,
        )));
    }
    let key = theme_key(&visitor.session);
    Step::NeedsKv {
        reads: KvReads {
            gets: vec![KvGet {
                key: key.clone(),
                cache_ttl_seconds: None,
            }],
            lists: Vec::new(),
        },
        pending: PendingTheme { key, set_cookies },
    }
}

pub(crate) fn finish(pending: PendingTheme, snapshot: &KvSnapshot, config: &EdgeConfig) -> Outcome {
    let saved = snapshot
        .value(&pending.key)
        .filter(|name| config.is_allowed_theme(name));
    Outcome::respond(with_set_cookies(theme_response(saved), pending.set_cookies))
}
// #endregion handler

fn theme_response(theme: Option<&str>) -> EdgeResponse {
    json_response(200, &serde_json::json!({ "theme": theme }))
}

/// How the theme was posted, which decides how the success is answered.
enum Submission {
    Json,
    Form,
}

fn save(request: &EdgeRequest, context: &RequestContext, config: &EdgeConfig) -> Result<Outcome, ApiError> {
    require_same_origin(request)?;
    require_body_within(request, config.max_api_body_bytes)?;
    let (submission, theme) = match request.media_type().as_deref() {
        Some("application/json") => (Submission::Json, theme_from_json(&request.body)?),
        Some("application/x-www-form-urlencoded") => (Submission::Form, theme_from_form(&request.body)?),
        _ => {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json or application/x-www-form-urlencoded",
            });
        }
    };
    if !config.is_allowed_theme(&theme) {
        return Err(ApiError::UnknownTheme {
            theme,
            allowed: config.allowed_themes.clone(),
        });
    }

    // #region save
    let visitor = Visitor::or_mint(request, context, config);
    let write = KvWrite {
        key: theme_key(&visitor.session),
        value: theme.clone(),
        expiration_ttl: Some(SESSION_LIFETIME_SECONDS),
        metadata: None,
    };
    validate_kv_write(&write).map_err(ApiError::KvLimit)?;
    // #endregion save

    let response = match submission {
        Submission::Json => json_response(200, &serde_json::json!({ "ok": true, "theme": theme })),
        Submission::Form => redirect_back(request),
    };
    // Re-issuing the session cookie keeps it alive as long as the key it names.
    let mut response = with_set_cookies(response, visitor.set_cookie_lines(true, config));
    response
        .headers
        .push(("set-cookie".into(), session::theme_hint_set_cookie(&theme, config)));
    Ok(Outcome {
        response,
        writes: vec![write],
    })
}

fn theme_from_json(body: &[u8]) -> Result<String, ApiError> {
    let object = parse_json_object(body)?;
    match object.get("theme") {
        Some(serde_json::Value::String(theme)) => Ok(theme.clone()),
        Some(_) => Err(ApiError::InvalidField {
            field: "theme".into(),
            reason: "must be a string".into(),
        }),
        None => Err(ApiError::InvalidField {
            field: "theme".into(),
            reason: "is required".into(),
        }),
    }
}

fn theme_from_form(body: &[u8]) -> Result<String, ApiError> {
    if std::str::from_utf8(body).is_err() {
        return Err(ApiError::MalformedForm {
            reason: "the body is not UTF-8".into(),
        });
    }
    form_urlencoded::parse(body)
        .find(|(name, _)| name == "theme")
        .map(|(_, value)| value.into_owned())
        .ok_or_else(|| ApiError::InvalidField {
            field: "theme".into(),
            reason: "is required".into(),
        })
}

/// 303 to the page the form was on (its path and query, re-serialised), when the Referer is a URL
/// of this origin; otherwise to the home page.
fn redirect_back(request: &EdgeRequest) -> EdgeResponse {
    let location = request
        .header("referer")
        .and_then(|referer| referer::same_origin_location(referer, &request.origin))
        .unwrap_or_else(|| "/".to_owned());
    EdgeResponse {
        status: 303,
        headers: vec![
            ("location".into(), location),
            ("cache-control".into(), "no-store".into()),
        ],
        body: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{ORIGIN, VISITOR, config, context, request, visitor_cookie, with_cookie};

    fn get(cookie: &str) -> EdgeRequest {
        with_cookie(request(Method::Get, "/api/kv/theme"), cookie)
    }

    fn post_json(body: &str) -> EdgeRequest {
        request(Method::Post, "/api/kv/theme")
            .with_header("content-type", "application/json")
            .with_header("cookie", visitor_cookie())
            .with_body(body.as_bytes().to_vec())
    }

    fn done(step: Step<PendingTheme>) -> Outcome {
        match step {
            Step::Done(outcome) => outcome,
            Step::NeedsKv { reads, .. } => {
                panic!("expected an answer without KV, got reads {reads:?}")
            }
        }
    }

    #[test]
    fn first_get_mints_the_session_without_reading_kv() {
        let outcome = done(start(&get(""), &context(), &config()).expect("valid"));
        assert_eq!(outcome.response.status, 200);
        assert_eq!(
            outcome.response.json_body().expect("JSON"),
            serde_json::json!({ "theme": null })
        );
        let cookie = outcome.response.header("set-cookie").expect("minted");
        assert!(
            cookie.starts_with(&format!("__Host-session={}", context().fresh_session.as_str())),
            "{cookie}"
        );
        assert!(outcome.writes.is_empty());
    }

    #[test]
    fn get_reads_the_session_key_and_ignores_values_off_the_allow_list() {
        for (stored, expected) in [
            (Some("dark"), serde_json::json!("dark")),
            (Some("<b>"), serde_json::Value::Null),
            (None, serde_json::Value::Null),
        ] {
            let Step::NeedsKv { reads, pending } =
                start(&get(&format!("__Host-session={VISITOR}")), &context(), &config()).expect("valid")
            else {
                panic!("a known session needs its key read");
            };
            assert_eq!(
                reads.gets,
                vec![KvGet {
                    key: format!("theme:{VISITOR}"),
                    cache_ttl_seconds: None
                }]
            );
            let snapshot = KvSnapshot::new().with_value(format!("theme:{VISITOR}"), stored);
            let outcome = finish(pending, &snapshot, &config());
            assert_eq!(
                outcome.response.json_body().expect("JSON")["theme"],
                expected,
                "{stored:?}"
            );
            assert!(outcome.response.header("set-cookie").is_none());
        }
    }

    #[test]
    fn get_trusts_an_allowed_hint_over_kv() {
        let outcome = done(
            start(
                &get(&format!("__Host-session={VISITOR}; theme_hint=sepia")),
                &context(),
                &config(),
            )
            .expect("valid"),
        );
        assert_eq!(outcome.response.json_body().expect("JSON")["theme"], "sepia");
    }

    #[test]
    fn json_post_writes_the_key_for_90_days_and_sets_the_hint() {
        let outcome = done(start(&post_json(r#"{"theme":"dark"}"#), &context(), &config()).expect("valid"));
        assert_eq!(outcome.response.status, 200);
        assert_eq!(
            outcome.writes,
            vec![KvWrite {
                key: format!("theme:{VISITOR}"),
                value: "dark".into(),
                expiration_ttl: Some(7_776_000),
                metadata: None
            }]
        );
        let cookies: Vec<_> = outcome.response.header_values("set-cookie").collect();
        assert!(
            cookies
                .iter()
                .any(|cookie| cookie.starts_with(&format!("__Host-session={VISITOR};"))),
            "{cookies:?}"
        );
        assert!(
            cookies
                .iter()
                .any(|cookie| cookie.starts_with("theme_hint=dark; Max-Age=300")),
            "{cookies:?}"
        );
    }

    #[test]
    fn form_post_redirects_to_a_same_origin_referer_only() {
        // The Referer tricks themselves are tabled in `referer`; these go through the handler.
        let cases = [
            (Some("https://docs.test/storage/kv/?x=1"), "/storage/kv/?x=1"),
            (Some("https://evil.test/storage/kv/"), "/"),
            (Some("https://docs.test.evil.test/"), "/"),
            (Some("https://docs.test//evil.test/"), "/"),
            (Some("https://docs.test/\\evil.example"), "/"),
            (Some("https://docs.test@evil.example/"), "/"),
            (Some("https://docs.test/%2F%2Fevil.example"), "/%2F%2Fevil.example"),
            // Browsers read `\` as `/` and drop tabs: both were redirects to evil.test (found by fuzzing).
            (Some("https://docs.test/\\evil.test/"), "/"),
            (Some("https://docs.test/\t/evil.test/"), "/"),
            (None, "/"),
        ];
        for (referer, location) in cases {
            let mut request = EdgeRequest::new(Method::Post, ORIGIN, "/api/kv/theme")
                .with_header("content-type", "application/x-www-form-urlencoded")
                .with_body(b"theme=sepia".to_vec());
            if let Some(referer) = referer {
                request = request.with_header("referer", referer);
            }
            let outcome = done(start(&request, &context(), &config()).expect("valid"));
            assert_eq!(outcome.response.status, 303, "{referer:?}");
            assert_eq!(outcome.response.header("location"), Some(location), "{referer:?}");
            assert_eq!(outcome.writes.len(), 1);
            // No session cookie came in, so the post minted one and wrote under it.
            assert_eq!(
                outcome.writes[0].key,
                format!("theme:{}", context().fresh_session.as_str())
            );
        }
    }

    #[test]
    fn a_session_in_the_plain_cookie_is_read_and_moved_to_the_prefixed_name() {
        let plain = format!("session={VISITOR}");
        let Step::NeedsKv { reads, pending } = start(&get(&plain), &context(), &config()).expect("valid") else {
            panic!("the plain cookie's session is read");
        };
        assert_eq!(reads.gets[0].key, format!("theme:{VISITOR}"));
        let outcome = finish(pending, &KvSnapshot::new(), &config());
        let cookies: Vec<&str> = outcome.response.header_values("set-cookie").collect();
        assert_eq!(cookies.len(), 2, "{cookies:?}");
        assert!(
            cookies[0].starts_with(&format!("__Host-session={VISITOR};")),
            "{cookies:?}"
        );
        assert!(cookies[1].starts_with("session=; Max-Age=0;"), "{cookies:?}");

        let mut post = post_json(r#"{"theme":"dark"}"#);
        post.headers.retain(|(header, _)| header != "cookie");
        let outcome = done(start(&post.with_header("cookie", plain), &context(), &config()).expect("valid"));
        assert_eq!(
            outcome.writes[0].key,
            format!("theme:{VISITOR}"),
            "the same session, not a new one"
        );
        let cookies: Vec<&str> = outcome.response.header_values("set-cookie").collect();
        assert!(
            cookies[0].starts_with(&format!("__Host-session={VISITOR};")),
            "{cookies:?}"
        );
        assert!(cookies[1].starts_with("session=; Max-Age=0;"), "{cookies:?}");
        assert!(cookies[2].starts_with("theme_hint=dark;"), "{cookies:?}");
    }

    #[test]
    fn bad_posts_are_refused_and_write_nothing() {
        let too_big = format!(r#"{{"theme":"{}"}}"#, "d".repeat(9000));
        let cases: Vec<(&str, EdgeRequest, u16, &str)> = vec![
            ("malformed JSON", post_json(r#"{"theme":"#), 400, "malformed_json"),
            ("not an object", post_json(r#"["dark"]"#), 400, "malformed_json"),
            ("missing field", post_json(r#"{}"#), 422, "invalid_field"),
            ("wrong type", post_json(r#"{"theme":1}"#), 422, "invalid_field"),
            ("unknown theme", post_json(r#"{"theme":"neon"}"#), 422, "unknown_theme"),
            (
                "markup as theme",
                post_json(r#"{"theme":"dark\" onload=\"x"}"#),
                422,
                "unknown_theme",
            ),
            ("body too large", post_json(&too_big), 413, "body_too_large"),
            (
                "text body",
                post_json(r#"{"theme":"dark"}"#).with_header("content-type", "text/plain"),
                415,
                "unsupported_media_type",
            ),
            (
                "cross origin",
                post_json(r#"{"theme":"dark"}"#).with_header("origin", "https://evil.test"),
                403,
                "cross_origin",
            ),
        ];
        for (name, mut request, status, code) in cases {
            if name == "text body" {
                request
                    .headers
                    .retain(|(header, value)| !(header == "content-type" && value == "application/json"));
            }
            let outcome = done(start(&request, &context(), &config()).unwrap_or_else(|error| Step::Done(error.into())));
            assert_eq!(outcome.response.status, status, "{name}");
            assert_eq!(
                outcome.response.json_body().expect("JSON")["error"]["code"],
                code,
                "{name}"
            );
            assert!(outcome.writes.is_empty(), "{name}");
        }
    }

    #[test]
    fn other_methods_get_405_with_allow() {
        let request = EdgeRequest::new(Method::Delete, ORIGIN, "/api/kv/theme");
        let error = start(&request, &context(), &config()).expect_err("DELETE is not served");
        let response = error.to_response();
        assert_eq!(response.status, 405);
        assert_eq!(response.header("allow"), Some("GET, POST"));
    }
}
