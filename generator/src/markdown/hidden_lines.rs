//! Hidden lines of Rust examples, as rustdoc and mdBook write them: a line that starts with `# ` (or is
//! a lone `#`) is setup the reader does not need to see; `##` at the start escapes a line that must
//! start with `#`. The lines stay in the page, marked, and the theme hides them behind a toggle.

use edgedocs_highlight::LineRanges;

/// The code with the markers taken off, and the 1-based numbers of its hidden lines.
pub fn split_hidden_lines(code: &str) -> (String, LineRanges) {
    let mut shown = String::with_capacity(code.len());
    let mut hidden = LineRanges::default();
    for (index, line) in code.split_inclusive('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let (content, line_end) = match line.strip_suffix('\n') {
            Some(content) => (content, "\n"),
            None => (line, ""),
        };
        let indent = content.len() - content.trim_start().len();
        let (leading, rest) = content.split_at(indent);
        if let Some(escaped) = rest.strip_prefix("##") {
            shown.push_str(leading);
            shown.push('#');
            shown.push_str(escaped);
        } else if let Some(after) = rest.strip_prefix("# ") {
            hidden.insert(number..=number);
            shown.push_str(leading);
            shown.push_str(after);
        } else if rest == "#" {
            hidden.insert(number..=number);
            shown.push_str(leading);
        } else {
            shown.push_str(content);
        }
        shown.push_str(line_end);
    }
    (shown, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_lines_are_hidden_and_double_hashes_escape() {
        let code = "# fn main() {\nlet x = 1;\n    # let y = 2;\n#\n##[derive(Debug)]\n#[test]\n#![allow(x)]\n# }";
        let (shown, hidden) = split_hidden_lines(code);
        assert_eq!(
            shown,
            "fn main() {\nlet x = 1;\n    let y = 2;\n\n#[derive(Debug)]\n#[test]\n#![allow(x)]\n}"
        );
        assert_eq!(hidden.ranges(), [1..=1, 3..=4, 8..=8]);
    }

    #[test]
    fn code_without_markers_is_unchanged() {
        let code = "fn main() {}\n// # not a marker\n";
        let (shown, hidden) = split_hidden_lines(code);
        assert_eq!(shown, code);
        assert!(hidden.is_empty());
    }
}
