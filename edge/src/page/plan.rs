//! What the edge puts into an HTML page, decided without touching the HTML: the KV reads a page needs
//! and the resulting [`InjectionPlan`]. Applying the plan to the bytes is [`super::injector`]'s job (or
//! the Worker's runtime rewriter's); the page's response headers are [`super::headers`]'.

use crate::config::{EdgeConfig, PAGE_THEME_CACHE_TTL_SECONDS, PINNED_MESSAGE_CACHE_TTL_SECONDS};
use crate::http::EdgeRequest;
use crate::keys::{PINNED_MESSAGE_KEY, theme_key};
use crate::kv::{KvGet, KvReads, KvSnapshot};
use crate::session;

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

/// Whether a path most likely serves an HTML page (`/`, `/dir/`, `/page.html`, `/page`), so the
/// runtime can start the page's KV reads while it fetches the asset.
pub fn path_expects_html(path: &str) -> bool {
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    last_segment.is_empty() || last_segment.ends_with(".html") || !last_segment.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use crate::test_support::{EDGE_NAME, VISITOR, config, request, with_cookie};

    fn page(cookie: Option<&str>) -> EdgeRequest {
        with_cookie(request(Method::Get, "/storage/kv/"), cookie.unwrap_or_default())
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
            assert_eq!(plan.edge_name, EDGE_NAME, "{name}");
        }
    }

    #[test]
    fn paths_that_look_like_pages() {
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
