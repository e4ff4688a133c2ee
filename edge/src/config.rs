//! The edge's configuration: the colour-theme allow-list and whether the demo APIs answer (both from
//! the site, [`SiteEdgeConfig`]), the name the edge writes into `data-edge`, cookie settings, the demo
//! limits and how long a runtime waits for KV. Runtimes build it once; they do not read files.

use std::time::Duration;

use crate::page::CONTENT_SECURITY_POLICY;
use crate::site_config::SiteEdgeConfig;

/// How long the session cookie and the `theme:<sessionId>` key live: 90 days.
pub const SESSION_LIFETIME_SECONDS: u64 = 90 * 24 * 60 * 60;
/// How long the `theme_hint` cookie is trusted after a theme change: long enough for KV to propagate.
pub const THEME_HINT_LIFETIME_SECONDS: u64 = 5 * 60;
/// How long the edge may cache `pinned_message` (KV `cacheTtl`).
pub const PINNED_MESSAGE_CACHE_TTL_SECONDS: u64 = 60;
/// The `cacheTtl` of a page's `theme:<sessionId>` read: KV's own default of 60 s, stated so that both
/// of a page's reads share it and the Worker can make them one bulk get. A just-saved theme is covered
/// by the `theme_hint` cookie for longer than that.
pub const PAGE_THEME_CACHE_TTL_SECONDS: u64 = 60;
/// How long demo flags live before KV deletes them: one day.
pub const FLAG_LIFETIME_SECONDS: u64 = 24 * 60 * 60;
/// Most flags one tenant may hold.
pub const MAX_FLAGS_PER_TENANT: usize = 50;
/// Most flag writes (new flags and changes) one session may make in any 24 hours, across all its
/// tenants. Counted from the session's keys: each flag's metadata carries how often it was written,
/// and a flag expires a day after its last write, so the sum over the live keys covers the last day.
pub const MAX_FLAG_WRITES_PER_SESSION: usize = 100;
/// Largest API request body accepted, in bytes.
pub const MAX_API_BODY_BYTES: usize = 8 * 1024;
/// How long a page waits for KV before it is served without KV content (every runtime's budget).
pub const PAGE_KV_BUDGET: Duration = Duration::from_millis(1000);
/// How long an API request waits for KV, reads and writes each, before it is answered 503.
pub const API_KV_BUDGET: Duration = Duration::from_millis(5000);

/// What the edge needs to know about the site and the runtime it runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeConfig {
    /// Colour-theme names a visitor may pick; `theme-<name>` is added to `<html>` only for these.
    pub allowed_themes: Vec<String>,
    /// The value of `data-edge` on `<html>`: `"cloudflare"` in the Worker, `"preview"` in the preview server.
    pub edge_name: String,
    /// Add `Secure` to cookies. Off only for plain-HTTP local previews.
    pub secure_cookies: bool,
    /// Most flags one tenant may hold.
    pub max_flags_per_tenant: usize,
    /// Most flag writes one session may make in any 24 hours ([`MAX_FLAG_WRITES_PER_SESSION`]).
    pub max_flag_writes_per_session: usize,
    /// With `Secure` cookies, also accept a session from the plain `session` cookie that visitors
    /// carry from before the `__Host-` prefix (it is moved to the prefixed name on their next API
    /// call). On by default; turn it off once those cookies have expired (90 days after the switch):
    /// until then a sibling subdomain can plant a plain `session` cookie on a visitor who has no
    /// prefixed one (see README.md, "Sessions and sibling subdomains").
    pub accept_plain_session_cookie: bool,
    /// Largest API request body accepted, in bytes.
    pub max_api_body_bytes: usize,
    /// Whether the demo APIs beyond the theme (`/api/kv/flags`) answer; off, they are unknown paths
    /// (404) like any other under `/api/`.
    pub demo_apis: bool,
    /// The Content-Security-Policy every rewritten page is served with.
    pub page_policy: String,
}

impl EdgeConfig {
    /// A configuration with the default limits for the given allow-list and edge name; the demo APIs
    /// are off.
    pub fn new(allowed_themes: Vec<String>, edge_name: impl Into<String>) -> Self {
        Self {
            allowed_themes,
            edge_name: edge_name.into(),
            secure_cookies: true,
            max_flags_per_tenant: MAX_FLAGS_PER_TENANT,
            max_flag_writes_per_session: MAX_FLAG_WRITES_PER_SESSION,
            accept_plain_session_cookie: true,
            max_api_body_bytes: MAX_API_BODY_BYTES,
            demo_apis: false,
            page_policy: CONTENT_SECURITY_POLICY.to_owned(),
        }
    }

    /// The configuration for a site's settings: its colour themes, demo APIs and page policy, the
    /// default limits, secure cookies.
    pub fn for_site(site: &SiteEdgeConfig, edge_name: impl Into<String>) -> Self {
        Self {
            demo_apis: site.demo_apis,
            page_policy: site
                .page_policy
                .clone()
                .unwrap_or_else(|| CONTENT_SECURITY_POLICY.to_owned()),
            ..Self::new(site.color_themes.clone(), edge_name)
        }
    }

    /// The Worker's configuration for a site: `data-edge="cloudflare"`, secure cookies.
    pub fn cloudflare(site: &SiteEdgeConfig) -> Self {
        Self::for_site(site, "cloudflare")
    }

    /// Whether `name` is on the allow-list.
    pub fn is_allowed_theme(&self, name: &str) -> bool {
        self.allowed_themes.iter().any(|allowed| allowed == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_settings_become_the_allow_list_and_the_demo_switch() {
        let site = SiteEdgeConfig {
            color_themes: vec!["light".into(), "dark".into()],
            demo_apis: true,
            page_policy: Some("default-src 'self'; img-src https:".into()),
        };
        let config = EdgeConfig::cloudflare(&site);
        assert_eq!(config.page_policy, "default-src 'self'; img-src https:");
        assert!(config.is_allowed_theme("dark"));
        assert!(!config.is_allowed_theme("Dark"));
        assert!(!config.is_allowed_theme("neon"));
        assert!(config.demo_apis);
        assert!(config.secure_cookies);
        assert_eq!(config.edge_name, "cloudflare");
        let plain = EdgeConfig::for_site(&SiteEdgeConfig::default(), "preview");
        assert!(!plain.demo_apis);
        assert!(!plain.is_allowed_theme("light"));
        assert_eq!(plain.page_policy, CONTENT_SECURITY_POLICY);
    }
}
