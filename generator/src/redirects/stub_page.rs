//! The page left at an old URL for hosts that do not read `_redirects`: a canonical link to the new
//! URL and a meta refresh that goes there at once, with a plain link for everything else.

use crate::markdown::headings::escape_into;

/// The output file of the page at the old URL `from`: `/old/url/` -> `old/url/index.html`,
/// `/chapter.html` -> `chapter.html`. An old URL of another kind of file (`/book.pdf`) gets no page.
pub(crate) fn stub_file(from: &str) -> Option<String> {
    let relative = from.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        Some(format!("{relative}index.html"))
    } else if relative.ends_with(".html") || relative.ends_with(".htm") {
        Some(relative.to_owned())
    } else {
        None
    }
}

/// The page that sends a visitor at an old URL to `href` (the link as a page writes it), naming
/// `permalink` (the absolute URL) as the canonical one.
pub(crate) fn stub_page(href: &str, permalink: &str, language: &str) -> String {
    let mut page = String::from("<!doctype html>\n<html lang=\"");
    escape_into(&mut page, language);
    page.push_str("\">\n<meta charset=\"utf-8\">\n<title>Redirecting to ");
    escape_into(&mut page, href);
    page.push_str("</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"");
    escape_into(&mut page, permalink);
    page.push_str("\">\n<meta http-equiv=\"refresh\" content=\"0; url=");
    escape_into(&mut page, href);
    page.push_str("\">\n<p>This page has moved to <a href=\"");
    escape_into(&mut page, href);
    page.push_str("\">");
    escape_into(&mut page, href);
    page.push_str("</a>.</p>\n</html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_urls_get_a_page_where_a_host_looks_for_one() {
        for (from, file) in [
            ("/old/url/", Some("old/url/index.html")),
            ("/chapter.html", Some("chapter.html")),
            ("/a/b.htm", Some("a/b.htm")),
            ("/book.pdf", None),
            ("/", Some("index.html")),
        ] {
            assert_eq!(stub_file(from).as_deref(), file, "{from}");
        }
    }

    #[test]
    fn the_page_links_canonically_and_refreshes_escaped() {
        let page = stub_page("/guide/?a=1&b=\"2\"", "https://docs.example.com/guide/", "en");
        assert!(page.contains("<link rel=\"canonical\" href=\"https://docs.example.com/guide/\">"));
        assert!(page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/guide/?a=1&amp;b=&quot;2&quot;\">"));
        assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(!page.contains("\"2\""));
    }
}
