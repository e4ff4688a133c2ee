//! What the edge puts into an HTML page, decided without touching the HTML: the KV reads a page needs,
//! the resulting [`InjectionPlan`], and the response headers of a rewritten page. Applying the plan to
//! the bytes is [`crate::html_injector`]'s job (or the Worker's runtime rewriter's).

use crate::config::{EdgeConfig, PAGE_THEME_CACHE_TTL_SECONDS, PINNED_MESSAGE_CACHE_TTL_SECONDS};
use crate::http::EdgeRequest;
use crate::kv::{KvGet, KvReads, KvSnapshot};
use crate::session;
use crate::theme_api::theme_key;

/// The KV key of the site-wide pinned message.
pub const PINNED_MESSAGE_KEY: &str = "pinned_message";

/// The Content-Security-Policy every HTML page is served with (the theme contract's policy).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
frame-ancestors 'none'";

/// The Content-Security-Policy of a document that is not a page, such as an SVG opened on its own: no
/// script, no fetch, nothing loaded but its own inline styles, and a sandbox (a unique origin) around
/// it, so a file committed to the site cannot run anything on its origin. The generator's `_headers`
/// gives it to `*.svg` (which the Worker does not run for), and the Worker to any SVG or XML document
/// that passes through it.
pub const DOCUMENT_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/// What to inject into one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectionPlan {
    /// `theme-<name>`, appended to `<html>`'s class list; only ever an allow-listed name.
    pub theme_class: Option<String>,
    /// Text for the `#pinned-message` slot (escaped when inserted, never parsed as HTML).
    pub pinned_message: Option<String>,
    /// The value of `data-edge` on `<html>`.
    pub edge_name: String,
}

impl InjectionPlan {
    /// The plan when KV cannot be read: only what needs no KV (the edge marker and a trusted hint).
    pub fn without_kv(edge_name: impl Into<String>) -> Self {
        Self {
            theme_class: None,
            pinned_message: None,
            edge_name: edge_name.into(),
        }
    }
}

/// A page request waiting for its KV reads.
#[derive(Debug, Clone)]
pub struct PendingPage {
    /// The reads to perform, concurrently: the pinned message (cached at the edge) and, when the
    /// visitor has a session but no fresh theme hint, `theme:<sessionId>`.
    pub reads: KvReads,
    theme_key: Option<String>,
    theme_hint: Option<String>,
}

// #region pinned-message
pub(crate) fn start_page(request: &EdgeRequest, config: &EdgeConfig) -> PendingPage {
    let cookies = request.cookie_header();
    let theme_hint = session::theme_hint_from_cookies(&cookies, config);
    let theme_key = match &theme_hint {
        Some(_) => None,
        None => session::session_from_cookies(&cookies, config).map(|session| theme_key(&session)),
    };
    let mut gets = vec![KvGet {
        key: PINNED_MESSAGE_KEY.to_owned(),
        cache_ttl_seconds: Some(PINNED_MESSAGE_CACHE_TTL_SECONDS),
    }];
    gets.extend(theme_key.iter().map(|key| KvGet {
        key: key.clone(),
        cache_ttl_seconds: Some(PAGE_THEME_CACHE_TTL_SECONDS),
    }));
    PendingPage {
        reads: KvReads {
            gets,
            lists: Vec::new(),
        },
        theme_key,
        theme_hint,
    }
}

/// `snapshot` is `None` when KV failed or timed out: the page is then served without KV content.
pub(crate) fn finish_page(pending: PendingPage, snapshot: Option<&KvSnapshot>, config: &EdgeConfig) -> InjectionPlan {
    let stored_theme = match (snapshot, &pending.theme_key) {
        (Some(snapshot), Some(key)) => snapshot.value(key).map(str::to_owned),
        _ => None,
    };
    let theme = pending
        .theme_hint
        .or(stored_theme)
        .filter(|name| config.is_allowed_theme(name));
    let pinned_message = snapshot
        .and_then(|snapshot| snapshot.value(PINNED_MESSAGE_KEY))
        .filter(|message| !message.trim().is_empty())
        .map(str::to_owned);
    InjectionPlan {
        theme_class: theme.map(|name| format!("theme-{name}")),
        pinned_message,
        edge_name: config.edge_name.clone(),
    }
}
// #endregion pinned-message

/// Whether a `Content-Type` names an HTML document.
pub fn is_html_content_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("text/html"))
}

/// Whether a `Content-Type` names a document, other than an HTML page, that a browser opened on its
/// own would run script in: SVG and XML (XHTML, or XML using the XHTML namespace or a stylesheet).
/// Such a response gets [`DOCUMENT_CONTENT_SECURITY_POLICY`].
pub fn is_scriptable_document_type(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    ["image/svg+xml", "application/xhtml+xml", "application/xml", "text/xml"]
        .iter()
        .any(|scriptable| media_type.eq_ignore_ascii_case(scriptable))
}

/// Whether a path most likely serves an HTML page (`/`, `/dir/`, `/page.html`, `/page`), so the
/// runtime can start the page's KV reads while it fetches the asset.
pub fn path_expects_html(path: &str) -> bool {
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    last_segment.is_empty() || last_segment.ends_with(".html") || !last_segment.contains('.')
}

/// Headers dropped from a rewritten page: the length and validators no longer match the rewritten body.
/// (The caching and security headers are not in it: the edits set them, replacing the asset's.)
const DROPPED_HEADERS: &[&str] = &["content-length", "etag", "last-modified"];

/// How a rewritten page's headers differ from the asset's: remove these, then set (replace) those.
/// Runtimes whose header objects are costly to copy entry by entry (the Worker) clone the asset's
/// headers and apply this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageHeaderEdits {
    pub remove: &'static [&'static str],
    pub set: Vec<(String, String)>,
}

/// The edits that turn an asset's headers into a rewritten page's: no length or validators (they no
/// longer match the body), the security headers, `Cache-Control: private, no-store` and `Vary: Cookie`
/// merged with the asset's own `Vary` (given here), since the page depends on the visitor's cookies.
pub fn page_header_edits(asset_vary: Option<&str>) -> PageHeaderEdits {
    let mut vary: Vec<&str> = asset_vary
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|field| !field.is_empty() && !field.eq_ignore_ascii_case("cookie"))
        .collect();
    vary.push("Cookie");
    let mut set: Vec<(String, String)> = security_headers().into_iter().collect();
    set.push(("cache-control".into(), "private, no-store".into()));
    set.push(("vary".into(), vary.join(", ")));
    PageHeaderEdits {
        remove: DROPPED_HEADERS,
        set,
    }
}

/// The edits that give a document that is not a page (see [`is_scriptable_document_type`]) the locked
/// policy [`DOCUMENT_CONTENT_SECURITY_POLICY`] and `nosniff`; its body and caching stay as they are.
pub fn document_header_edits() -> PageHeaderEdits {
    PageHeaderEdits {
        remove: &[],
        set: vec![
            (
                "content-security-policy".into(),
                DOCUMENT_CONTENT_SECURITY_POLICY.into(),
            ),
            ("x-content-type-options".into(), "nosniff".into()),
        ],
    }
}

/// The headers of a rewritten HTML page, from a copy of the asset's (fetched headers are immutable):
/// [`page_header_edits`] applied to the list.
pub fn page_response_headers(asset_headers: &[(String, String)]) -> Vec<(String, String)> {
    let vary: Vec<&str> = asset_headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("vary"))
        .map(|(_, value)| value.as_str())
        .collect();
    let edits = page_header_edits(Some(&vary.join(", ")));
    let replaced = |name: &str| {
        edits.remove.iter().any(|removed| name.eq_ignore_ascii_case(removed))
            || edits.set.iter().any(|(set, _)| name.eq_ignore_ascii_case(set))
    };
    let mut headers: Vec<(String, String)> = asset_headers
        .iter()
        .filter(|(name, _)| !replaced(name))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
        .collect();
    headers.extend(edits.set);
    headers
}

/// The security headers every HTML page carries.
pub fn security_headers() -> [(String, String); 3] {
    [
        ("content-security-policy".into(), CONTENT_SECURITY_POLICY.into()),
        ("x-content-type-options".into(), "nosniff".into()),
        ("referrer-policy".into(), "strict-origin-when-cross-origin".into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    const VISITOR: &str = "0123456789abcdef0123456789abcdef";

    fn config() -> EdgeConfig {
        EdgeConfig::new(vec!["light".into(), "dark".into()], "cloudflare")
    }

    fn page(cookie: Option<&str>) -> EdgeRequest {
        let request = EdgeRequest::new(Method::Get, "https://docs.test", "/storage/kv/");
        match cookie {
            Some(cookie) => request.with_header("cookie", cookie),
            None => request,
        }
    }

    #[test]
    fn reads_depend_on_the_cookies() {
        let anonymous = start_page(&page(None), &config());
        assert_eq!(
            anonymous.reads.gets,
            vec![KvGet {
                key: "pinned_message".into(),
                cache_ttl_seconds: Some(60)
            }]
        );
        let visitor = start_page(&page(Some(&format!("__Host-session={VISITOR}"))), &config());
        assert_eq!(visitor.reads.gets.len(), 2);
        assert_eq!(visitor.reads.gets[1].key, format!("theme:{VISITOR}"));
        assert_eq!(
            visitor.reads.gets[1].cache_ttl_seconds,
            Some(60),
            "both page reads share a cacheTtl, so the Worker can make them one bulk get"
        );
        let hinted = start_page(
            &page(Some(&format!("__Host-session={VISITOR}; theme_hint=dark"))),
            &config(),
        );
        assert_eq!(hinted.reads.gets.len(), 1, "a trusted hint saves the theme read");
        let plain = start_page(&page(Some(&format!("session={VISITOR}"))), &config());
        assert_eq!(
            plain.reads.gets[1].key,
            format!("theme:{VISITOR}"),
            "a visitor's cookie from before the prefix still shows their theme"
        );
    }

    #[test]
    fn plans_for_each_combination_of_cookies_and_kv() {
        let session_cookie = format!("__Host-session={VISITOR}");
        let hinted_cookie = format!("__Host-session={VISITOR}; theme_hint=light");
        let forged_hint = format!("__Host-session={VISITOR}; theme_hint=x%20onload");
        let kv = KvSnapshot::new()
            .with_value("pinned_message", Some("Maintenance at 10:00"))
            .with_value(format!("theme:{VISITOR}"), Some("dark"));
        let kv_bad_theme = KvSnapshot::new().with_value(format!("theme:{VISITOR}"), Some("\"><script>"));
        let kv_blank_message = KvSnapshot::new().with_value("pinned_message", Some("  "));
        let kv_empty = KvSnapshot::new();
        /// (name, cookie, KV snapshot, expected theme class, expected message)
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            Option<&'a KvSnapshot>,
            Option<&'a str>,
            Option<&'a str>,
        );
        let cases: Vec<Case<'_>> = vec![
            ("anonymous, KV empty", None, Some(&kv_empty), None, None),
            (
                "anonymous sees the message",
                None,
                Some(&kv),
                None,
                Some("Maintenance at 10:00"),
            ),
            (
                "session theme from KV",
                Some(&session_cookie),
                Some(&kv),
                Some("theme-dark"),
                Some("Maintenance at 10:00"),
            ),
            (
                "hint wins over KV",
                Some(&hinted_cookie),
                Some(&kv),
                Some("theme-light"),
                Some("Maintenance at 10:00"),
            ),
            (
                "forged hint ignored",
                Some(&forged_hint),
                Some(&kv),
                Some("theme-dark"),
                Some("Maintenance at 10:00"),
            ),
            (
                "stored theme off the allow-list",
                Some(&session_cookie),
                Some(&kv_bad_theme),
                None,
                None,
            ),
            ("blank message", None, Some(&kv_blank_message), None, None),
            ("KV failed", Some(&session_cookie), None, None, None),
            (
                "KV failed, hint still applies",
                Some(&hinted_cookie),
                None,
                Some("theme-light"),
                None,
            ),
        ];
        for (name, cookie, snapshot, theme_class, message) in cases {
            let plan = finish_page(start_page(&page(cookie), &config()), snapshot, &config());
            assert_eq!(plan.theme_class.as_deref(), theme_class, "{name}");
            assert_eq!(plan.pinned_message.as_deref(), message, "{name}");
            assert_eq!(plan.edge_name, "cloudflare", "{name}");
        }
    }

    #[test]
    fn page_headers_replace_caching_and_add_security() {
        let asset = vec![
            ("Content-Type".to_owned(), "text/html; charset=utf-8".to_owned()),
            ("Content-Length".to_owned(), "1234".to_owned()),
            ("ETag".to_owned(), "\"abc\"".to_owned()),
            (
                "Cache-Control".to_owned(),
                "public, max-age=0, must-revalidate".to_owned(),
            ),
            ("Vary".to_owned(), "Accept-Encoding".to_owned()),
        ];
        let headers = page_response_headers(&asset);
        let get = |name: &str| crate::http::header_value(&headers, name);
        assert_eq!(get("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(get("content-length"), None);
        assert_eq!(get("etag"), None);
        assert_eq!(get("cache-control"), Some("private, no-store"));
        assert_eq!(get("vary"), Some("Accept-Encoding, Cookie"));
        assert_eq!(get("content-security-policy"), Some(CONTENT_SECURITY_POLICY));
        assert_eq!(get("x-content-type-options"), Some("nosniff"));
        assert_eq!(get("referrer-policy"), Some("strict-origin-when-cross-origin"));
        assert_eq!(headers.iter().filter(|(name, _)| name == "cache-control").count(), 1);
    }

    #[test]
    fn the_page_policy_allows_no_plugins() {
        let directives: Vec<&str> = CONTENT_SECURITY_POLICY.split("; ").collect();
        assert!(directives.contains(&"object-src 'none'"), "{CONTENT_SECURITY_POLICY}");
        assert!(directives.contains(&"script-src 'self'"), "{CONTENT_SECURITY_POLICY}");
        let document: Vec<&str> = DOCUMENT_CONTENT_SECURITY_POLICY.split("; ").collect();
        assert_eq!(document, ["default-src 'none'", "style-src 'unsafe-inline'", "sandbox"]);
    }

    #[test]
    fn documents_that_can_run_script_are_recognised() {
        for (content_type, scriptable) in [
            ("image/svg+xml", true),
            ("IMAGE/SVG+XML; charset=utf-8", true),
            ("application/xhtml+xml", true),
            ("application/xml", true),
            ("text/xml; charset=utf-8", true),
            ("text/html", false),
            ("image/png", false),
            ("application/json", false),
            ("text/css", false),
            ("image/svg", false),
        ] {
            assert_eq!(is_scriptable_document_type(content_type), scriptable, "{content_type}");
        }
    }

    #[test]
    fn html_detection() {
        for (content_type, html) in [
            ("text/html", true),
            ("TEXT/HTML; charset=utf-8", true),
            ("text/css", false),
            ("application/xhtml+xml", false),
        ] {
            assert_eq!(is_html_content_type(content_type), html, "{content_type}");
        }
        for (path, html) in [
            ("/", true),
            ("/storage/kv/", true),
            ("/about", true),
            ("/404.html", true),
            ("/robots.txt", false),
            ("/favicon.ico", false),
        ] {
            assert_eq!(path_expects_html(path), html, "{path}");
        }
    }
}
