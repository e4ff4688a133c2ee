//! Where a form post may send the visitor back to: the `Referer`'s path and query, only when the
//! Referer is a plain absolute URL of the request's own origin. Parsed strictly by hand (no URL
//! crate in the Worker's wasm): anything a browser would not send as a serialised URL is refused, and
//! what is kept is re-serialised as a path-absolute reference that no URL parser can read as another
//! host. It does not decide what happens without one (the caller goes home).

/// Bytes kept as they are in a path or query: RFC 3986's unreserved and sub-delims, `:`, `@`, `/`,
/// `?`, and `%` (checked to start an escape). Every other printable byte is percent-encoded.
fn is_kept_as_is(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'?'
        )
}

/// The path and query of `referer` (`/page/?x=1`) when it is an absolute URL of `origin`
/// (`scheme://host[:port]`, compared without regard to ASCII case); `None` for anything else:
/// another scheme, host, port or userinfo, a relative or scheme-relative reference, a path that
/// starts with `//`, any backslash, control character, space or non-ASCII byte (a browser sends
/// none of these raw). The fragment is dropped.
pub(crate) fn same_origin_location(referer: &str, origin: &str) -> Option<String> {
    let bytes = referer.as_bytes();
    if bytes.iter().any(|&byte| byte <= b' ' || byte >= 0x7f || byte == b'\\') {
        return None;
    }
    if bytes.len() < origin.len() || !bytes[..origin.len()].eq_ignore_ascii_case(origin.as_bytes()) {
        return None;
    }
    let rest = &referer[origin.len()..];
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    // Right after the origin comes the path, a query or nothing: `@` (userinfo), `:` (a port), `.`
    // (a longer host) and the like mean another origin.
    let path = match path {
        "" => "/",
        path if path.starts_with('/') => path,
        _ => return None,
    };
    if path.starts_with("//") {
        return None;
    }
    let mut location = String::with_capacity(path.len() + query.map_or(0, |query| query.len() + 1));
    encode_into(&mut location, path);
    if let Some(query) = query {
        location.push('?');
        encode_into(&mut location, query);
    }
    Some(location)
}

/// Appends `text` with every byte outside [`is_kept_as_is`] percent-encoded, including a `%` that
/// does not start a two-digit escape.
fn encode_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        let starts_escape = byte == b'%'
            && bytes.get(index + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(index + 2).is_some_and(u8::is_ascii_hexdigit);
        if is_kept_as_is(byte) || starts_escape {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://docs.test";

    #[test]
    fn referer_tricks_never_leave_the_origin() {
        // (what it tries, the Referer, where the visitor goes back to)
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("a page", "https://docs.test/storage/kv/", Some("/storage/kv/")),
            (
                "a page and query",
                "https://docs.test/storage/kv/?x=1&y=2",
                Some("/storage/kv/?x=1&y=2"),
            ),
            (
                "the fragment is dropped",
                "https://docs.test/storage/kv/#try-it",
                Some("/storage/kv/"),
            ),
            ("the bare origin", "https://docs.test", Some("/")),
            ("the origin and a query", "https://docs.test?x=1", Some("/?x=1")),
            ("scheme and host in capitals", "HTTPS://DOCS.TEST/a", Some("/a")),
            ("backslash after the origin", "https://docs.test/\\evil.example", None),
            ("backslash path", "https://docs.test\\evil.example", None),
            ("two backslashes", "\\\\evil.example", None),
            ("backslash later in the path", "https://docs.test/a\\b", None),
            ("scheme-relative path", "https://docs.test//evil.example/", None),
            ("scheme-relative reference", "//evil.example/", None),
            ("relative reference", "/storage/kv/", None),
            ("tab before the slashes", "https://docs.test/\t/evil.example", None),
            ("newline before the slashes", "https://docs.test/\n/evil.example", None),
            ("carriage return", "https://docs.test/\r\n/evil.example", None),
            ("space", "https://docs.test/ /evil.example", None),
            ("non-ASCII", "https://docs.test/caf\u{e9}", None),
            ("scheme without slashes", "https:evil.example", None),
            ("scheme and one slash", "https:/evil.example", None),
            ("userinfo naming the site", "https://docs.test@evil.example/", None),
            ("userinfo before the site", "https://user@docs.test/", None),
            ("a longer host", "https://docs.test.evil.example/", None),
            ("another port", "https://docs.test:8443/storage/kv/", None),
            ("another scheme", "http://docs.test/storage/kv/", None),
            ("javascript", "javascript:alert(1)//https://docs.test/", None),
            ("another origin", "https://evil.example/storage/kv/", None),
            ("empty", "", None),
            (
                "encoded slashes stay encoded",
                "https://docs.test/%2F%2Fevil.example",
                Some("/%2F%2Fevil.example"),
            ),
            (
                "encoded backslash stays encoded",
                "https://docs.test/%5Cevil.example",
                Some("/%5Cevil.example"),
            ),
            (
                "encoded newline stays encoded",
                "https://docs.test/a%0D%0ALocation:x",
                Some("/a%0D%0ALocation:x"),
            ),
            (
                "dot segments stay on the path",
                "https://docs.test/.//evil.example",
                Some("/.//evil.example"),
            ),
            (
                "a lone percent is encoded",
                "https://docs.test/100%/x?p=5%",
                Some("/100%25/x?p=5%25"),
            ),
            (
                "quotes and brackets are encoded",
                "https://docs.test/a?q=\"<x>\"|{}^`",
                Some("/a?q=%22%3Cx%3E%22%7C%7B%7D%5E%60"),
            ),
        ];
        for (name, referer, expected) in cases {
            assert_eq!(
                same_origin_location(referer, ORIGIN).as_deref(),
                *expected,
                "{name}: {referer:?}"
            );
        }
    }

    #[test]
    fn every_location_is_path_absolute_and_plain() {
        let referers = [
            "https://docs.test/a/b?c=d",
            "https://docs.test/%2F%2Fx",
            "https://docs.test?//x",
            "https://docs.test/a?q=\"<x>\"",
        ];
        for referer in referers {
            let location = same_origin_location(referer, ORIGIN).expect("same origin");
            assert!(location.starts_with('/') && !location.starts_with("//"), "{location}");
            assert!(
                location.bytes().all(|byte| is_kept_as_is(byte) || byte == b'%'),
                "{location}"
            );
        }
    }
}
