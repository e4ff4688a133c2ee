//! Live reload: the messages the server sends open pages over the WebSocket, the client script and the
//! overlay stylesheet served under `/__edgedocs/`, and the `<script>` tag added to every HTML response.
//! Besides the versions of assets rewritten in place ([`super::published`]), that tag is the preview's
//! only addition to a page; `build` never writes it.

use super::build_events::FailureReport;
use super::swap::find_ignoring_case;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// The preview's own URLs, all under `/__edgedocs/`.
pub(super) const SCRIPT_PATH: &str = "/__edgedocs/livereload.js";
pub(super) const STYLESHEET_PATH: &str = "/__edgedocs/livereload.css";
pub(super) const SOCKET_PATH: &str = "/__edgedocs/socket";

/// The client: reconnecting WebSocket, reloads, stylesheet swaps and the error overlay.
pub(super) const SCRIPT: &str = include_str!("livereload.js");
/// The overlay's stylesheet (an external file: the edge's CSP allows no inline styles).
pub(super) const STYLESHEET: &str = include_str!("livereload.css");

/// The script's URL with a version from its contents, so browsers cache it until the binary changes.
static SCRIPT_URL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{SCRIPT_PATH}?v={}",
        &blake3::hash(SCRIPT.as_bytes()).to_hex().as_str()[..10]
    )
});

/// A message to the open pages.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum ClientMessage<'a> {
    /// Sent on connect: the site's generation and the error that stands, if any.
    Hello {
        generation: u64,
        error: Option<&'a FailureReport>,
    },
    /// Only stylesheets changed.
    Stylesheets { generation: u64 },
    /// These pages (URL paths) changed: those in `swap` only inside `<main>`, their title or their
    /// description, so a tab showing one replaces that part in place; a tab showing one of `reload`
    /// reloads. Other tabs stay as they are.
    Pages {
        generation: u64,
        swap: &'a BTreeSet<String>,
        reload: &'a BTreeSet<String>,
    },
    /// Anything may have changed: every tab reloads.
    Reload { generation: u64 },
    /// The build failed; the pages keep the last good version.
    Error { error: &'a FailureReport },
}

impl ClientMessage<'_> {
    pub(super) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{\"type\":\"reload\",\"generation\":0}".into())
    }
}

/// `html` with the client script added at the end of `<head>` (or of the document, without one).
/// `generation` is the build the page comes from.
pub(super) fn with_client_script(html: &[u8], generation: u64) -> Vec<u8> {
    // Deferred: it never holds up parsing (a blocking script in <head> would wait for the stylesheet).
    let tag = format!(
        "<script src=\"{}\" data-generation=\"{generation}\" defer></script>",
        *SCRIPT_URL
    );
    let at = find_ignoring_case(html, b"</head>")
        .or_else(|| find_ignoring_case(html, b"</body>"))
        .unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + tag.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(tag.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_at_the_end_of_head() {
        let cases = [
            (
                "<html><head><title>x</title></head><body></body></html>",
                "<html><head><title>x</title><script src=\"/__edgedocs/livereload.js\" data-generation=\"7\" defer></script></head><body></body></html>",
            ),
            (
                "<HTML><BODY>x</BODY></HTML>",
                "<HTML><BODY>x<script src=\"/__edgedocs/livereload.js\" data-generation=\"7\" defer></script></BODY></HTML>",
            ),
            (
                "x",
                "x<script src=\"/__edgedocs/livereload.js\" data-generation=\"7\" defer></script>",
            ),
        ];
        for (html, expected) in cases {
            let expected = expected.replace("/__edgedocs/livereload.js", &SCRIPT_URL);
            assert!(SCRIPT_URL.starts_with("/__edgedocs/livereload.js?v="));
            assert_eq!(
                String::from_utf8(with_client_script(html.as_bytes(), 7)).unwrap(),
                expected
            );
        }
    }

    #[test]
    fn messages_are_tagged_json() {
        let swap = BTreeSet::from(["/a/".to_owned()]);
        let reload = BTreeSet::from(["/b/".to_owned()]);
        assert_eq!(
            ClientMessage::Pages {
                generation: 3,
                swap: &swap,
                reload: &reload
            }
            .to_json(),
            r#"{"type":"pages","generation":3,"swap":["/a/"],"reload":["/b/"]}"#
        );
        assert_eq!(
            ClientMessage::Reload { generation: 4 }.to_json(),
            r#"{"type":"reload","generation":4}"#
        );
        assert_eq!(
            ClientMessage::Hello {
                generation: 1,
                error: None
            }
            .to_json(),
            r#"{"type":"hello","generation":1,"error":null}"#
        );
    }
}
