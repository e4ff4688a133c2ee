//! The response headers of what passes through the edge: the edits that turn an asset's headers into
//! a rewritten page's (the theme contract's security policy, no caching, no stale length or
//! validators), the locked-down policy of a document that is not a page (SVG, XML), and the content
//! types that tell them apart. It decides headers only; the body is the injector's.

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
/// longer match the body), the security headers with the site's page `policy`, `Cache-Control:
/// private, no-store` and `Vary: Cookie, Accept` merged with the asset's own `Vary` (given here), since the
/// page depends on the visitor's cookies and a page URL answers its Markdown twin to a request that
/// prefers `text/markdown` (see [`super::markdown_twin`]).
pub fn page_header_edits(asset_vary: Option<&str>, policy: &str) -> PageHeaderEdits {
    let mut vary: Vec<&str> = asset_vary
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|field| {
            !field.is_empty() && !field.eq_ignore_ascii_case("cookie") && !field.eq_ignore_ascii_case("accept")
        })
        .collect();
    vary.extend(["Cookie", "Accept"]);
    let mut set: Vec<(String, String)> = security_headers(policy).into_iter().collect();
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
pub fn page_response_headers(asset_headers: &[(String, String)], policy: &str) -> Vec<(String, String)> {
    let vary: Vec<&str> = asset_headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("vary"))
        .map(|(_, value)| value.as_str())
        .collect();
    let edits = page_header_edits(Some(&vary.join(", ")), policy);
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

/// The security headers every HTML page carries, with the site's page `policy`
/// ([`CONTENT_SECURITY_POLICY`] unless the site adds sources).
pub fn security_headers(policy: &str) -> [(String, String); 3] {
    [
        ("content-security-policy".into(), policy.into()),
        ("x-content-type-options".into(), "nosniff".into()),
        ("referrer-policy".into(), "strict-origin-when-cross-origin".into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let headers = page_response_headers(&asset, CONTENT_SECURITY_POLICY);
        let get = |name: &str| crate::http::header_value(&headers, name);
        assert_eq!(get("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(get("content-length"), None);
        assert_eq!(get("etag"), None);
        assert_eq!(get("cache-control"), Some("private, no-store"));
        assert_eq!(get("vary"), Some("Accept-Encoding, Cookie, Accept"));
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
    }
}
