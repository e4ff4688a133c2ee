//! Diagram labels as lines of styled text runs, read from the HTML that Mermaid puts in a label
//! (`browser<br/><small>your visitor</small>`, `**bold**` already turned into `<strong>`).
//! Only the line structure and three text styles survive: sub-label (`<small>`), bold and italic.

use roxmltree::Node;

use super::text_metrics::{NODE_FONT_SIZE, SMALL_FONT_SIZE, text_width, wrap_words};

/// How one run of text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct RunStyle {
    pub small: bool,
    pub bold: bool,
    pub italic: bool,
}

/// A stretch of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextRun {
    pub text: String,
    pub style: RunStyle,
}

/// One line of a label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct LabelLine {
    pub runs: Vec<TextRun>,
}

impl LabelLine {
    /// A line set entirely in `<small>` is a sub-label: smaller and muted.
    pub(crate) fn is_sub_label(&self) -> bool {
        !self.runs.is_empty() && self.runs.iter().all(|run| run.style.small)
    }

    pub(crate) fn font_size(&self) -> f64 {
        if self.is_sub_label() {
            SMALL_FONT_SIZE
        } else {
            NODE_FONT_SIZE
        }
    }

    pub(crate) fn text(&self) -> String {
        self.runs.iter().map(|run| run.text.as_str()).collect()
    }

    fn push(&mut self, text: &str, style: RunStyle) {
        match self.runs.last_mut() {
            Some(last) if last.style == style => last.text.push_str(text),
            _ => self.runs.push(TextRun {
                text: text.to_owned(),
                style,
            }),
        }
    }

    /// Collapses runs of whitespace as HTML does (across run boundaries) and trims the line.
    fn normalise_whitespace(mut self) -> Self {
        let mut previous_was_space = true;
        for run in &mut self.runs {
            let mut collapsed = String::with_capacity(run.text.len());
            for character in run.text.chars() {
                if character.is_whitespace() {
                    if !previous_was_space {
                        collapsed.push(' ');
                    }
                    previous_was_space = true;
                } else {
                    collapsed.push(character);
                    previous_was_space = false;
                }
            }
            run.text = collapsed;
        }
        self.runs.retain(|run| !run.text.is_empty());
        if let Some(last) = self.runs.last_mut() {
            last.text.truncate(last.text.trim_end().len());
        }
        self.runs.retain(|run| !run.text.is_empty());
        self
    }
}

/// Reads the label lines under `node` (the `<foreignObject>`'s HTML, or any element holding text).
pub(crate) fn label_lines(node: Node<'_, '_>) -> Vec<LabelLine> {
    let mut lines = vec![LabelLine::default()];
    collect_runs(node, RunStyle::default(), &mut lines);
    let lines: Vec<LabelLine> = lines
        .into_iter()
        .map(LabelLine::normalise_whitespace)
        .filter(|line| !line.runs.is_empty())
        .collect();
    lines
}

fn collect_runs(node: Node<'_, '_>, style: RunStyle, lines: &mut Vec<LabelLine>) {
    for child in node.children() {
        if child.is_text() {
            if let (Some(text), Some(line)) = (child.text(), lines.last_mut()) {
                line.push(text, style);
            }
            continue;
        }
        if !child.is_element() {
            continue;
        }
        let name = child.tag_name().name().to_ascii_lowercase();
        let mut child_style = style;
        match name.as_str() {
            "br" => {
                lines.push(LabelLine::default());
                continue;
            }
            "small" | "sub" | "sup" => child_style.small = true,
            "b" | "strong" => child_style.bold = true,
            "i" | "em" => child_style.italic = true,
            "style" | "script" => continue,
            _ => {}
        }
        let is_block = matches!(name.as_str(), "p" | "div" | "li");
        if is_block && lines.last().is_some_and(|line| !line.runs.is_empty()) {
            lines.push(LabelLine::default());
        }
        collect_runs(child, child_style, lines);
        if is_block {
            lines.push(LabelLine::default());
        }
    }
}

/// Wraps lines wider than `max_width` at spaces, the way the layout measured them. A wrapped line
/// keeps the style of its first run (mixed-style lines are rare in diagrams and short).
pub(crate) fn wrap_lines(lines: Vec<LabelLine>, max_width: f64) -> Vec<LabelLine> {
    let mut wrapped = Vec::with_capacity(lines.len());
    for line in lines {
        let font_size = line.font_size();
        let text = line.text();
        if text_width(&text, font_size) <= max_width + 0.5 || !text.contains(' ') {
            wrapped.push(line);
            continue;
        }
        let style = line.runs.first().map(|run| run.style).unwrap_or_default();
        wrapped.extend(
            wrap_words(&text, font_size, max_width)
                .into_iter()
                .map(|text| LabelLine {
                    runs: vec![TextRun { text, style }],
                }),
        );
    }
    wrapped
}

/// Decodes the HTML and Mermaid (`#lt;`, `#60;`) character references authors write in labels.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(['&', '#']) {
        decoded.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let reference = candidate[1..]
            .find(';')
            .filter(|&end| end > 0 && end <= 10)
            .and_then(|end| decode_reference(&candidate[1..=end]).map(|character| (character, end + 2)));
        match reference {
            Some((character, consumed)) => {
                decoded.push(character);
                rest = &candidate[consumed..];
            }
            None => {
                decoded.push_str(&candidate[..1]);
                rest = &candidate[1..];
            }
        }
    }
    decoded.push_str(rest);
    decoded
}

fn decode_reference(name: &str) -> Option<char> {
    let number = name.strip_prefix('#').unwrap_or(name);
    if number.starts_with(|c: char| c.is_ascii_digit()) {
        return number.parse::<u32>().ok().and_then(char::from_u32);
    }
    if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
    }
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(html: &str) -> Vec<(String, bool)> {
        let document = roxmltree::Document::parse(html).expect("test HTML is XML");
        label_lines(document.root_element())
            .into_iter()
            .map(|line| (line.text(), line.is_sub_label()))
            .collect()
    }

    #[test]
    fn br_splits_lines_and_small_marks_sub_labels() {
        assert_eq!(
            lines_of("<p>browser<br /><small>your visitor</small></p>"),
            [("browser".to_owned(), false), ("your visitor".to_owned(), true)]
        );
    }

    #[test]
    fn whitespace_collapses_and_styles_split_runs() {
        let document = roxmltree::Document::parse("<p>  a  <strong>bold</strong> and <em>it</em> </p>").unwrap();
        let lines = label_lines(document.root_element());
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text(), "a bold and it");
        assert_eq!(lines[0].runs[1].text, "bold");
        assert_eq!(lines[0].runs[2].text, " and ");
        assert!(lines[0].runs.iter().any(|run| run.style.bold && run.text == "bold"));
    }

    #[test]
    fn entities_decode_in_html_and_mermaid_forms() {
        assert_eq!(
            decode_entities("theme:&lt;id&gt; #lt;x#gt; #60; &#x41; # & a;b"),
            "theme:<id> <x> < A # & a;b"
        );
    }

    #[test]
    fn long_lines_wrap_at_spaces() {
        let line = LabelLine {
            runs: vec![TextRun {
                text: "one two three four".into(),
                style: RunStyle::default(),
            }],
        };
        let wrapped = wrap_lines(vec![line], text_width("three four", NODE_FONT_SIZE));
        assert_eq!(
            wrapped.iter().map(LabelLine::text).collect::<Vec<_>>(),
            ["one two", "three four"]
        );
    }
}
