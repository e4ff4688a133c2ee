//! HTML escaping for the code frame: text nodes escape `&`, `<` and `>` only (quotes are common in
//! code and cost five bytes each when escaped); attribute values also escape both quotes.

/// Appends `text` escaped for an HTML text node.
pub fn push_escaped_text(out: &mut String, text: &str) {
    push_escaped(out, text, |byte| matches!(byte, b'&' | b'<' | b'>'));
}

/// Appends `text` escaped for a double- or single-quoted HTML attribute value.
pub fn push_escaped_attribute(out: &mut String, text: &str) {
    push_escaped(out, text, |byte| matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\''));
}

fn push_escaped(out: &mut String, text: &str, needs_escape: impl Fn(u8) -> bool) {
    let mut clean_start = 0;
    for (index, byte) in text.bytes().enumerate() {
        if !needs_escape(byte) {
            continue;
        }
        out.push_str(&text[clean_start..index]);
        out.push_str(match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        clean_start = index + 1;
    }
    out.push_str(&text[clean_start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_but_keeps_quotes() {
        let mut out = String::new();
        push_escaped_text(&mut out, r#"a < b && "c" > 'd' ✓"#);
        assert_eq!(out, r#"a &lt; b &amp;&amp; "c" &gt; 'd' ✓"#);
    }

    #[test]
    fn attributes_escape_quotes_too() {
        let mut out = String::new();
        push_escaped_attribute(&mut out, r#"x"><script>'&"#);
        assert_eq!(out, "x&quot;&gt;&lt;script&gt;&#39;&amp;");
    }
}
