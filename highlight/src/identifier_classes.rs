//! Cheaper identifier classes for the TypeScript grammars, applied when the syntax set is built
//! (`highlight/build.rs` includes this file).
//!
//! The TypeScript and TSX grammars spell an identifier character as `[_$\p{L}\p{N}]`, over a
//! thousand times each. Oniguruma builds every `\p{L}` from Unicode's tables when it compiles a
//! regex, which made compiling the TypeScript grammar take longer than highlighting a page of it.
//! Here `\p{L}` becomes ASCII letters plus every non-ASCII character, and `\p{N}` ASCII digits plus
//! every non-ASCII character. ASCII code highlights exactly as before (a test compares the two
//! grammars), a non-ASCII identifier (`const größe`) still highlights as one, and the only
//! difference is that a non-ASCII symbol outside strings and comments, which TypeScript rejects
//! anyway, now reads as part of an identifier.

/// The syntaxes whose regexes are rewritten, by name.
pub(crate) const REWRITTEN_SYNTAXES: &[&str] = &["TypeScript", "TypeScriptReact"];

/// Every code point above ASCII, as a character-class range.
const NON_ASCII: &str = r"\x{80}-\x{10FFFF}";

/// `regex` with each `\p{L}` and `\p{N}` replaced by its ASCII members plus [`NON_ASCII`], or
/// `None` when it has neither. Escapes, nested classes and `(?x)` comments are skipped over.
pub(crate) fn rewrite_identifier_classes(regex: &str) -> Option<String> {
    if !regex.contains(r"\p{L}") && !regex.contains(r"\p{N}") {
        return None;
    }
    let extended = regex.starts_with("(?x)");
    let mut out = String::with_capacity(regex.len() * 2);
    // Nesting depth of character classes, and where the innermost class's members start (a `]`
    // there is a literal, not the end of the class).
    let mut class_depth = 0usize;
    let mut members_start = None;
    let mut rest = regex;
    while let Some(c) = rest.chars().next() {
        if let Some(ascii_members) = ascii_members(rest) {
            let class = class_depth == 0;
            if class {
                out.push('[');
            }
            out.push_str(ascii_members);
            out.push_str(NON_ASCII);
            if class {
                out.push(']');
            }
            rest = &rest[5..];
            continue;
        }
        let taken = match c {
            '\\' => escape_len(rest),
            '#' if extended && class_depth == 0 => rest.find('\n').unwrap_or(rest.len()),
            '[' => {
                class_depth += 1;
                let negated = rest[1..].starts_with('^');
                members_start = Some(out.len() + 1 + usize::from(negated));
                1 + usize::from(negated)
            }
            ']' if class_depth > 0 && members_start != Some(out.len()) => {
                class_depth -= 1;
                1
            }
            _ => c.len_utf8(),
        };
        out.push_str(&rest[..taken]);
        rest = &rest[taken..];
    }
    Some(out)
}

/// The ASCII members of the property escape at the start of `text`, if it is one this module
/// rewrites (each is five bytes long).
fn ascii_members(text: &str) -> Option<&'static str> {
    if text.starts_with(r"\p{L}") {
        Some("a-zA-Z")
    } else if text.starts_with(r"\p{N}") {
        Some("0-9")
    } else {
        None
    }
}

/// The length of the escape at the start of `text`: the backslash and the character it escapes
/// (anything longer, like `\x{41}`, continues with characters that need no care).
fn escape_len(text: &str) -> usize {
    1 + text[1..].chars().next().map_or(0, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_get_ascii_members_and_everything_above_ascii() {
        assert_eq!(
            rewrite_identifier_classes(r"[_$\p{L}][_$\p{L}\p{N}]*").unwrap(),
            r"[_$a-zA-Z\x{80}-\x{10FFFF}][_$a-zA-Z\x{80}-\x{10FFFF}0-9\x{80}-\x{10FFFF}]*"
        );
        assert_eq!(
            rewrite_identifier_classes(r"(?<![^\._$\p{L}\p{N}])").unwrap(),
            r"(?<![^\._$a-zA-Z\x{80}-\x{10FFFF}0-9\x{80}-\x{10FFFF}])"
        );
    }

    #[test]
    fn a_property_outside_a_class_becomes_a_class() {
        assert_eq!(
            rewrite_identifier_classes(r"\p{L}+\.").unwrap(),
            r"[a-zA-Z\x{80}-\x{10FFFF}]+\."
        );
        // A literal `]` first in a class does not close it.
        assert_eq!(
            rewrite_identifier_classes(r"[]\p{N}]\p{L}").unwrap(),
            r"[]0-9\x{80}-\x{10FFFF}][a-zA-Z\x{80}-\x{10FFFF}]"
        );
        assert_eq!(
            rewrite_identifier_classes(r"[^]]\p{L}").unwrap(),
            r"[^]][a-zA-Z\x{80}-\x{10FFFF}]"
        );
    }

    #[test]
    fn escapes_comments_and_other_properties_are_left_alone() {
        assert_eq!(rewrite_identifier_classes(r"[\p{Lu}\p{Nd}]"), None);
        assert_eq!(
            rewrite_identifier_classes(r"\\p{L}\[\p{N}").unwrap(),
            r"\\p{L}\[[0-9\x{80}-\x{10FFFF}]"
        );
        assert_eq!(
            rewrite_identifier_classes("(?x)\\p{L} # a [ comment \\p{L}\n[\\p{N}]").unwrap(),
            "(?x)[a-zA-Z\\x{80}-\\x{10FFFF}] # a [ comment \\p{L}\n[0-9\\x{80}-\\x{10FFFF}]"
        );
        // POSIX brackets nest inside a class.
        assert_eq!(
            rewrite_identifier_classes(r"[[:alpha:]\p{N}]\p{L}").unwrap(),
            r"[[:alpha:]0-9\x{80}-\x{10FFFF}][a-zA-Z\x{80}-\x{10FFFF}]"
        );
    }
}
