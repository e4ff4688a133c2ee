//! Whether an open tab can take a page's new version in place: true when, between the two builds of
//! the page, nothing changed outside its `<main>` element except the `<title>` text and the
//! `<meta name="description">` tag. The client script then replaces `<main>` and the title instead of
//! reloading. Anything it cannot tell (no `<main>`, a changed navigation, stylesheets or scripts in the
//! head) means a reload. Works on the bytes the build wrote, before the edge or the preview add anything.

/// Whether `new` differs from `old` only inside `<main>`, in the title or in the description.
pub(super) fn is_swappable(old: &[u8], new: &[u8]) -> bool {
    match (Frame::of(old), Frame::of(new)) {
        (Some(old), Some(new)) => old == new,
        _ => false,
    }
}

/// A page without the parts a swap replaces: the pieces of text around them, in order.
#[derive(Debug, PartialEq, Eq)]
struct Frame<'a>(Vec<&'a [u8]>);

impl<'a> Frame<'a> {
    fn of(html: &'a [u8]) -> Option<Self> {
        let main_start = find_start_tag(html, b"main", 0)?;
        let main_close = rfind_ignoring_case(html, b"</main>")?;
        if main_close < main_start {
            return None;
        }
        let after_main = &html[main_close + b"</main>".len()..];
        let before_main = &html[..main_start];
        let mut pieces = Vec::new();
        let mut at = 0;
        for (start, end) in replaced_head_parts(before_main) {
            pieces.push(&before_main[at..start]);
            at = end;
        }
        pieces.push(&before_main[at..]);
        pieces.push(after_main);
        Some(Self(pieces))
    }
}

/// The byte ranges of `head` that a swap updates: the text of `<title>` and each description `<meta>`.
fn replaced_head_parts(head: &[u8]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    if let Some(title) = find_start_tag(head, b"title", 0)
        && let Some(open_end) = find_from(head, b">", title)
        && let Some(close) = find_ignoring_case(&head[open_end..], b"</title>")
    {
        parts.push((open_end + 1, open_end + close));
    }
    let mut from = 0;
    while let Some(meta) = find_start_tag(head, b"meta", from) {
        let Some(end) = find_from(head, b">", meta) else {
            break;
        };
        let tag = &head[meta..=end];
        if find_ignoring_case(tag, b"name=\"description\"").is_some() {
            parts.push((meta, end + 1));
        }
        from = end + 1;
    }
    parts.sort_unstable();
    parts
}

/// Where `<name` starts as a tag (followed by a space, `>` or `/`), from `from` on.
fn find_start_tag(html: &[u8], name: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let found = at + find_ignoring_case(html.get(at..)?, b"<")?;
        let after = found + 1 + name.len();
        if html
            .get(found + 1..after)
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
            && html
                .get(after)
                .is_some_and(|byte| byte.is_ascii_whitespace() || *byte == b'>' || *byte == b'/')
        {
            return Some(found);
        }
        at = found + 1;
    }
}

fn find_from(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    Some(from + find_ignoring_case(haystack.get(from..)?, needle)?)
}

/// Where `needle` first occurs in `haystack`, ASCII case ignored (also used by `livereload`).
pub(super) fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

fn rfind_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: &str, description: &str, nav: &str, main: &str) -> String {
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
             <meta name=\"description\" content=\"{description}\">\
             <link rel=\"stylesheet\" href=\"/assets/main.css\"></head>\
             <body><nav>{nav}</nav><main id=\"content\" class=\"main\">{main}</main><footer>f</footer></body></html>"
        )
    }

    #[test]
    fn changes_inside_main_title_and_description_can_be_swapped() {
        let old = page("KV", "Keys", "<a>KV</a>", "<p>one</p>");
        let cases = [
            ("the body text", page("KV", "Keys", "<a>KV</a>", "<p>two</p>"), true),
            ("the same page", old.clone(), true),
            ("the title", page("KV store", "Keys", "<a>KV</a>", "<p>one</p>"), true),
            ("the description", page("KV", "Values", "<a>KV</a>", "<p>two</p>"), true),
            (
                "the navigation",
                page("KV", "Keys", "<a>KV store</a>", "<p>one</p>"),
                false,
            ),
            (
                "a stylesheet",
                old.replace("/assets/main.css", "/assets/main.2.css"),
                false,
            ),
            ("the footer", old.replace("<footer>f", "<footer>g"), false),
            (
                "main's own attributes",
                old.replace("class=\"main\"", "class=\"main wide\""),
                true,
            ),
            ("no main any more", old.replace("main", "div"), false),
        ];
        for (name, new, expected) in cases {
            assert_eq!(is_swappable(old.as_bytes(), new.as_bytes()), expected, "{name}");
        }
    }

    #[test]
    fn tags_are_found_by_name_not_by_prefix() {
        let html = b"<mainly></mainly><MAIN>x</MAIN>";
        assert_eq!(find_start_tag(html, b"main", 0), Some(17));
        assert_eq!(find_start_tag(b"<title-x>", b"title", 0), None);
        assert_eq!(rfind_ignoring_case(html, b"</main>"), Some(24));
        assert!(!is_swappable(b"", b""), "no main: reload");
    }
}
