//! The excerpt of a result: a window of a section's text around its best match, HTML-escaped, with
//! `<mark>` around the matched terms and whitespace (code's newlines and indentation) collapsed.

use crate::tokenize::tokenize;
use std::collections::HashSet;
use std::ops::Range;

/// The longest excerpt, in bytes of text before escaping.
pub const EXCERPT_BYTES: usize = 180;

/// How much text comes before the first match of the window, in bytes.
const LEAD_BYTES: usize = 40;

/// An excerpt of `text` of at most `max_bytes` around the place with the most of `terms` (index terms,
/// as [`tokenize`] makes them), as HTML.
pub fn excerpt(text: &str, terms: &[String], max_bytes: usize) -> String {
    let wanted: HashSet<&str> = terms.iter().map(String::as_str).collect();
    let matches: Vec<(Range<usize>, &str)> = if wanted.is_empty() {
        Vec::new()
    } else {
        tokenize(text)
            .into_iter()
            .filter(|token| wanted.contains(token.term.as_str()))
            .map(|token| {
                let term = *wanted.get(token.term.as_str()).unwrap_or(&"");
                (token.span, term)
            })
            .collect()
    };
    let window = best_window(text, &matches, max_bytes);
    let marks = merged_marks(matches.iter().map(|(span, _)| span.clone()), &window);

    let mut html = String::with_capacity(max_bytes + 64);
    if window.start > 0 {
        html.push('…');
    }
    let mut cursor = window.start;
    for mark in marks {
        push_escaped(&mut html, &text[cursor..mark.start]);
        html.push_str("<mark>");
        push_escaped(&mut html, &text[mark.clone()]);
        html.push_str("</mark>");
        cursor = mark.end;
    }
    push_escaped(&mut html, &text[cursor..window.end]);
    let trimmed_len = html.trim_end().len();
    html.truncate(trimmed_len);
    if window.end < text.len() {
        html.push('…');
    }
    html
}

/// The window holding the most distinct matched terms, starting a little before its first match and
/// cut at spaces.
fn best_window(text: &str, matches: &[(Range<usize>, &str)], max_bytes: usize) -> Range<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (i, (span, _)) in matches.iter().enumerate() {
        let distinct: HashSet<&str> = matches[i..]
            .iter()
            .take_while(|(other, _)| other.end <= span.start + max_bytes)
            .map(|(_, term)| *term)
            .collect();
        if best.is_none_or(|(count, _)| distinct.len() > count) {
            best = Some((distinct.len(), span.start));
        }
    }
    let first_match = best.map_or(0, |(_, start)| start);
    let mut start = floor_boundary(text, first_match.saturating_sub(LEAD_BYTES));
    if start > 0 {
        // Start at a word: after the first space of the lead, if it has one.
        if let Some(space) = text[start..first_match].find(char::is_whitespace) {
            start += space;
        }
        start += text[start..].len() - text[start..].trim_start().len();
    }
    let mut end = floor_boundary(text, (start + max_bytes).min(text.len()));
    if end < text.len()
        && let Some(space) = text[start..end].rfind(char::is_whitespace)
        && start + space > first_match
    {
        end = start + space;
    }
    start..end
}

/// The matches inside `window`, overlapping ones (an identifier and its parts) merged, in order.
fn merged_marks(spans: impl Iterator<Item = Range<usize>>, window: &Range<usize>) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = spans
        .filter(|span| span.start >= window.start && span.end <= window.end)
        .collect();
    spans.sort_by_key(|span| (span.start, span.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Appends `text` HTML-escaped, each run of whitespace as one space.
fn push_escaped(html: &mut String, text: &str) {
    let mut in_space = html.ends_with(' ');
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                html.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            _ => html.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(terms: &[&str]) -> Vec<String> {
        terms.iter().map(|term| (*term).to_owned()).collect()
    }

    #[test]
    fn matched_terms_are_marked_and_the_rest_escaped() {
        assert_eq!(
            excerpt("Keys <b>listed</b> by KV.list & co", &terms(&["list", "kv.list"]), 200),
            "Keys &lt;b&gt;<mark>listed</mark>&lt;/b&gt; by <mark>KV.list</mark> &amp; co"
        );
    }

    #[test]
    fn the_window_goes_where_most_terms_are() {
        let text = format!(
            "{} the keyspace is flat. {} a prefix and a keyspace make an index here.",
            "filler ".repeat(40),
            "more ".repeat(40)
        );
        let html = excerpt(&text, &terms(&["keyspac", "index", "prefix"]), 120);
        assert!(
            html.starts_with('…') && html.ends_with('…') || html.ends_with("here."),
            "{html}"
        );
        assert!(html.contains("<mark>prefix</mark>"), "{html}");
        assert!(html.contains("<mark>index</mark>"), "{html}");
        assert!(html.len() < 120 + 60, "{html}");
    }

    #[test]
    fn no_match_gives_the_start_of_the_text_and_whitespace_is_collapsed() {
        assert_eq!(
            excerpt("fn main() {\n    run();\n}", &terms(&["zzz"]), 200),
            "fn main() { run(); }"
        );
        assert_eq!(excerpt("", &terms(&["a"]), 200), "");
        let long = "word ".repeat(100);
        let html = excerpt(&long, &[], 50);
        assert!(html.ends_with('…') && html.len() <= 50 + 3, "{html}");
    }

    #[test]
    fn odd_text_never_splits_a_character() {
        let text = "é".repeat(500) + " 東京都 " + &"ß".repeat(500);
        for max in [1, 7, 60, 181] {
            let html = excerpt(&text, &terms(&["東京"]), max);
            assert!(html.contains("<mark>東京</mark>") || max < 10, "{max}: {html}");
        }
        excerpt(&"x".repeat(10_000), &terms(&["x"]), EXCERPT_BYTES);
    }
}
