//! Writing SVG text safely: XML escaping for text and attribute values, and compact numbers.

/// Escapes `&`, `<`, `>`, `"` and `'` so `text` is safe as element text and in quoted attributes, and
/// replaces the characters XML does not allow (control characters other than tab and line ends,
/// U+FFFE and U+FFFF) with U+FFFD, so the SVG stays well-formed.
pub(crate) fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    if text.chars().any(is_forbidden_in_xml) {
        let allowed: String = text
            .chars()
            .map(|character| {
                if is_forbidden_in_xml(character) {
                    '\u{fffd}'
                } else {
                    character
                }
            })
            .collect();
        let _ = pulldown_cmark_escape::escape_html(&mut escaped, &allowed);
    } else {
        let _ = pulldown_cmark_escape::escape_html(&mut escaped, text);
    }
    escaped
}

fn is_forbidden_in_xml(character: char) -> bool {
    matches!(character, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// A coordinate with at most two decimals and no trailing zeros (`12.5`, `3`, `-0.25`).
pub(crate) fn format_number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let mut text = format!("{rounded:.2}");
    while text.ends_with('0') {
        text.pop();
    }
    if text.ends_with('.') {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_text(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn characters_xml_forbids_become_replacement_characters() {
        // A caption with a control character made the figure ill-formed XML (found by fuzzing).
        assert_eq!(
            escape_text("a\u{6}b\u{0}\u{fffe}\tc\n"),
            "a\u{fffd}b\u{fffd}\u{fffd}\tc\n"
        );
        assert!(roxmltree::Document::parse(&format!("<t>{}</t>", escape_text("x\u{1b}y"))).is_ok());
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(61.07434944237919), "61.07");
    }
}
