//! `Accept: text/markdown` on a page URL: whether a request prefers a page's Markdown twin (the
//! `index.md` the build writes beside each `index.html`) to its HTML, by the q-values of its
//! `Accept` header, and the headers of the twin's answer. Both answers vary on `Accept`.

use crate::http::{EdgeRequest, Method};

/// The `Content-Type` of a Markdown twin.
pub const MARKDOWN_CONTENT_TYPE: &str = "text/markdown; charset=utf-8";

/// The site path of the Markdown twin to answer `request` with, when it is a `GET` or `HEAD` of a
/// page URL (a folder: `/storage/kv/` -> `/storage/kv/index.md`) whose `Accept` header prefers
/// `text/markdown` to `text/html`. `None` answers the HTML page as usual.
pub fn markdown_twin_path(request: &EdgeRequest) -> Option<String> {
    if !matches!(request.method, Method::Get | Method::Head) || !request.path.ends_with('/') {
        return None;
    }
    prefers_markdown(request.header("accept")?).then(|| format!("{}index.md", request.path))
}

/// Whether an `Accept` header gives `text/markdown` a higher quality than `text/html`, each taking
/// the most specific range that matches it (`text/html`, then `text/*`, then `*/*`). A tie goes to
/// HTML, so a browser's `text/html,...,*/*;q=0.8` and a bare `*/*` get the page.
pub fn prefers_markdown(accept: &str) -> bool {
    let markdown = quality_of(accept, "text", "markdown");
    let html = quality_of(accept, "text", "html");
    markdown > html
}

/// The quality `accept` gives `kind/subtype`, in thousandths (0 when no range matches).
fn quality_of(accept: &str, kind: &str, subtype: &str) -> u16 {
    let mut best: Option<(u8, u16)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media_range = parts.next().unwrap_or_default().trim();
        let Some((range_kind, range_subtype)) = media_range.split_once('/') else {
            continue;
        };
        let specificity = match (range_kind.trim(), range_subtype.trim()) {
            (k, s) if k.eq_ignore_ascii_case(kind) && s.eq_ignore_ascii_case(subtype) => 3,
            (k, "*") if k.eq_ignore_ascii_case(kind) => 2,
            ("*", "*") => 1,
            _ => continue,
        };
        let quality = parts
            .filter_map(|parameter| parameter.split_once('='))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("q"))
            .map_or(1000, |(_, value)| parse_quality(value.trim()));
        if best.is_none_or(|(seen, _)| specificity > seen) {
            best = Some((specificity, quality));
        }
    }
    best.map_or(0, |(_, quality)| quality)
}

/// A `qvalue` (`0`, `0.5`, `1.000`) in thousandths; anything malformed counts as 0.
fn parse_quality(value: &str) -> u16 {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return 0;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().unwrap_or(0);
    match whole {
        "0" => thousandths,
        "1" if thousandths == 0 => 1000,
        _ => 0,
    }
}

/// The headers of a Markdown twin's answer (beside the asset's own caching): its type, `nosniff` and
/// `Vary: Accept`, since the same URL answers HTML to other requests.
pub fn markdown_response_headers() -> Vec<(String, String)> {
    vec![
        ("content-type".into(), MARKDOWN_CONTENT_TYPE.into()),
        ("x-content-type-options".into(), "nosniff".into()),
        ("vary".into(), "Accept".into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::request;

    #[test]
    fn markdown_only_when_preferred_over_html() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
        let cases = [
            ("text/markdown", true),
            ("text/markdown, text/html;q=0.9", true),
            ("text/html;q=0.5, text/markdown;q=0.8", true),
            ("text/markdown;q=0.9, text/plain, */*;q=0.1", true),
            ("TEXT/Markdown", true),
            ("text/markdown, text/html", false),
            ("text/html, text/markdown", false),
            ("text/markdown;q=0.5, text/*", false),
            ("text/*, text/markdown;q=1", false),
            (browser, false),
            ("*/*", false),
            ("", false),
            ("text/markdown;q=0", false),
            ("text/markdown;q=2", false),
            ("text/markdown;q=abc", false),
            ("text/markdown;q=0.0001", false),
            ("text/markdown;q=0.3, text/html;q=0.2", true),
            ("text/html;q=0, text/markdown;q=0.001", true),
            ("garbage,,;;", false),
        ];
        for (accept, markdown) in cases {
            assert_eq!(prefers_markdown(accept), markdown, "{accept}");
        }
    }

    #[test]
    fn only_page_urls_have_a_twin() {
        let markdown = "text/markdown";
        let cases = [
            (
                Method::Get,
                "/storage/kv/",
                Some(markdown),
                Some("/storage/kv/index.md"),
            ),
            (Method::Head, "/", Some(markdown), Some("/index.md")),
            (Method::Get, "/storage/kv/", Some("text/html"), None),
            (Method::Get, "/storage/kv/", None, None),
            (Method::Get, "/storage/kv", Some(markdown), None),
            (Method::Get, "/llms.txt", Some(markdown), None),
            (Method::Post, "/storage/kv/", Some(markdown), None),
        ];
        for (method, path, accept, twin) in cases {
            let mut page = request(method, path);
            if let Some(accept) = accept {
                page = page.with_header("Accept", accept);
            }
            assert_eq!(
                markdown_twin_path(&page).as_deref(),
                twin,
                "{method:?} {path} {accept:?}"
            );
        }
    }

    #[test]
    fn the_twin_varies_on_accept() {
        let headers = markdown_response_headers();
        assert!(headers.contains(&("content-type".into(), "text/markdown; charset=utf-8".into())));
        assert!(headers.contains(&("vary".into(), "Accept".into())));
    }
}
