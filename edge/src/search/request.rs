//! The query of a search request: the `q` parameter of the URL, decoded, trimmed and cut to
//! [`MAX_SEARCH_QUERY_BYTES`], plus the form of it a page may show (control characters replaced).

/// The longest query searched, in bytes of UTF-8 after trimming; the rest is cut off (at a character
/// boundary) and the results page says so.
pub const MAX_SEARCH_QUERY_BYTES: usize = 256;

/// What a visitor searched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The query as searched: decoded, trimmed, at most [`MAX_SEARCH_QUERY_BYTES`].
    pub text: String,
    /// The query was longer and was cut.
    pub cut: bool,
}

impl SearchQuery {
    /// The first `q` parameter of a query string (`q=kv+list&x=1`); missing or blank is empty.
    /// Invalid percent-encoded UTF-8 becomes U+FFFD, never an error.
    pub fn from_query_string(query: &str) -> Self {
        let value = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "q")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        Self::new(&value)
    }

    /// `text` trimmed and cut to [`MAX_SEARCH_QUERY_BYTES`] at a character boundary.
    pub fn new(text: &str) -> Self {
        let trimmed = text.trim();
        let mut end = trimmed.len().min(MAX_SEARCH_QUERY_BYTES);
        while !trimmed.is_char_boundary(end) {
            end -= 1;
        }
        let kept = trimmed[..end].trim_end();
        Self {
            text: kept.to_owned(),
            cut: end < trimmed.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The query as a page shows it (in text or an attribute, escaped by the writer): control
    /// characters, NUL included, which HTML cannot carry, become U+FFFD.
    pub fn shown(&self) -> String {
        self.text
            .chars()
            .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_q_parameter() {
        let cases = [
            ("q=kv+list", "kv list", false),
            ("x=1&q=%22key+value%22&q=second", "\"key value\"", false),
            ("q=", "", false),
            ("", "", false),
            ("q=+++", "", false),
            ("qq=kv", "", false),
            ("q=caf%C3%A9", "café", false),
            ("q=%FF%FE", "\u{FFFD}\u{FFFD}", false),
            ("q=%00nul", "\0nul", false),
        ];
        for (query, text, cut) in cases {
            let read = SearchQuery::from_query_string(query);
            assert_eq!((read.text.as_str(), read.cut), (text, cut), "{query}");
        }
    }

    #[test]
    fn a_long_query_is_cut_at_a_character_boundary() {
        let ten_kb = "é".repeat(5 * 1024);
        let query = SearchQuery::new(&ten_kb);
        assert!(query.cut);
        assert!(query.text.len() <= MAX_SEARCH_QUERY_BYTES);
        assert_eq!(
            query.text.len(),
            MAX_SEARCH_QUERY_BYTES,
            "128 two-byte characters fit exactly"
        );
        let odd = format!("a{}", "é".repeat(200));
        let query = SearchQuery::new(&odd);
        assert_eq!(
            query.text.len(),
            MAX_SEARCH_QUERY_BYTES - 1,
            "a character is never split"
        );
        let exact = "k".repeat(MAX_SEARCH_QUERY_BYTES);
        assert!(!SearchQuery::new(&exact).cut);
    }

    #[test]
    fn control_characters_are_not_shown() {
        let query = SearchQuery::new("a\0b\u{7}c \u{200F}rtl e\u{301} 🦀");
        assert_eq!(query.shown(), "a\u{FFFD}b\u{FFFD}c \u{200F}rtl e\u{301} 🦀");
    }
}
