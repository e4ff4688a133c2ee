//! Turns source lines into HTML token spans: parses each line with syntect, classifies every token
//! with [`super::token_class`], merges neighbours of the same class and writes
//! `<span class="k">...</span>` (no span for plain text). The frame around the lines lives in
//! [`super::frame`].
//!
//! One [`LineHighlighter`] serves one code block: it owns the block's parse state, so blocks
//! highlight in parallel while sharing the one syntax set.

use std::ops::Range;
use std::rc::Rc;

use syntect::parsing::{ParseState, ParsingError, SyntaxReference, SyntaxSet};

use super::languages::{Language, LanguageMode, syntax_set};
use super::line_cache::{LineKey, ParsedLine};
use super::token_class::{ClassStack, TokenClass};
use pulldown_cmark_escape::escape_html_body_text;

/// A run of one line's text with one class (`None`: plain).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    class: Option<TokenClass>,
    bytes: Range<usize>,
}

/// Highlights the lines of one block, in order.
pub(crate) struct LineHighlighter {
    mode: LanguageMode,
    syntax: &'static SyntaxReference,
    syntax_set: &'static SyntaxSet,
    parse_state: ParseState,
    classes: ClassStack,
    /// In a shell session: whether the previous command line ended with `\` and continues.
    command_continues: bool,
    /// Reused per line to avoid an allocation per line.
    segments: Vec<Segment>,
}

impl LineHighlighter {
    /// A highlighter at the start of a block in `language`.
    pub(crate) fn new(language: Language) -> LineHighlighter {
        let syntax = language.syntax();
        LineHighlighter {
            mode: language.mode,
            syntax,
            syntax_set: syntax_set(),
            parse_state: ParseState::new(syntax),
            classes: ClassStack::new(),
            command_continues: false,
            segments: Vec::new(),
        }
    }

    /// Appends the HTML of `line` (which may end with its `\n`, left out of the output) to `out`.
    pub(crate) fn write_line(&mut self, line: &str, out: &mut String) -> Result<(), ParsingError> {
        match self.mode {
            LanguageMode::PlainText => {
                let _ = escape_html_body_text(&mut *out, trim_line_ending(line));
                Ok(())
            }
            LanguageMode::Source => self.write_source_line(line, out),
            LanguageMode::ShellSession => self.write_session_line(line, out),
        }
    }

    fn write_source_line(&mut self, line: &str, out: &mut String) -> Result<(), ParsingError> {
        self.classify_line(line)?;
        let content = trim_line_ending(line);
        merge_segments(&mut self.segments, content);
        write_segments(&self.segments, content, out);
        Ok(())
    }

    /// `$ command` lines (and their `\` continuations) are highlighted as shell commands after a
    /// prompt span; every other line is plain output.
    fn write_session_line(&mut self, line: &str, out: &mut String) -> Result<(), ParsingError> {
        let content = trim_line_ending(line);
        let command = if self.command_continues {
            Some(line)
        } else if content.starts_with("$ ") {
            self.start_command();
            out.push_str("<span class=\"pr\">$</span> ");
            Some(&line[2..])
        } else if content == "$" {
            self.start_command();
            out.push_str("<span class=\"pr\">$</span>");
            Some(&line[1..])
        } else {
            None
        };
        match command {
            Some(command) => {
                self.command_continues = trim_line_ending(command).ends_with('\\');
                self.write_source_line(command, out)
            }
            None => {
                let _ = escape_html_body_text(&mut *out, content);
                Ok(())
            }
        }
    }

    /// Each command of a session starts from a fresh parse state, so an unbalanced quote in one
    /// command cannot colour the output and commands after it.
    fn start_command(&mut self) {
        self.parse_state = ParseState::new(self.syntax);
        self.classes.clear();
    }

    /// Fills `self.segments` with the classified runs of `line`'s content.
    fn classify_line(&mut self, line: &str) -> Result<(), ParsingError> {
        self.segments.clear();
        let content_end = trim_line_ending(line).len();
        let parsed = self.parse(line)?;
        let mut start = 0;
        for (position, operation) in &parsed.operations {
            let end = (*position).min(content_end);
            if end > start {
                self.segments.push(Segment {
                    class: self.classes.current(),
                    bytes: start..end,
                });
                start = end;
            }
            self.classes.apply(operation);
        }
        if content_end > start {
            self.segments.push(Segment {
                class: self.classes.current(),
                bytes: start..content_end,
            });
        }
        Ok(())
    }
}

impl LineHighlighter {
    /// Parses `line` from the current state (or finds how it parsed before from the same state),
    /// and moves the state past it.
    fn parse(&mut self, line: &str) -> Result<Rc<ParsedLine>, ParsingError> {
        let key = LineKey::new(self.syntax, line);
        if let Some(parsed) = key.as_ref().and_then(|key| key.get(&self.parse_state)) {
            self.parse_state.clone_from(&parsed.state_after);
            return Ok(parsed);
        }
        let state_before = key.as_ref().map(|_| self.parse_state.clone());
        let operations = self.parse_state.parse_line(line, self.syntax_set)?;
        let parsed = Rc::new(ParsedLine {
            operations,
            state_after: self.parse_state.clone(),
        });
        if let (Some(key), Some(state_before)) = (key, state_before) {
            key.insert(state_before, Rc::clone(&parsed));
        }
        Ok(parsed)
    }
}

fn trim_line_ending(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// Merges neighbours of the same class, and absorbs plain whitespace between two tokens of the
/// same class (`pub fn` becomes one keyword span): whitespace shows no colour.
fn merge_segments(segments: &mut Vec<Segment>, content: &str) {
    let is_blank = |bytes: &Range<usize>| content[bytes.clone()].bytes().all(|byte| byte == b' ' || byte == b'\t');
    // Compacts in place: `segments[..kept]` holds the merged runs so far.
    let mut kept = 0;
    for index in 0..segments.len() {
        let segment = segments[index].clone();
        if kept >= 1 && segments[kept - 1].class == segment.class {
            segments[kept - 1].bytes.end = segment.bytes.end;
        } else if segment.class.is_some()
            && kept >= 2
            && segments[kept - 1].class.is_none()
            && segments[kept - 2].class == segment.class
            && is_blank(&segments[kept - 1].bytes)
        {
            kept -= 1;
            segments[kept - 1].bytes.end = segment.bytes.end;
        } else {
            segments[kept] = segment;
            kept += 1;
        }
    }
    segments.truncate(kept);
}

fn write_segments(segments: &[Segment], content: &str, out: &mut String) {
    for segment in segments {
        let text = &content[segment.bytes.clone()];
        match segment.class {
            None => {
                let _ = escape_html_body_text(&mut *out, text);
            }
            Some(class) => {
                out.push_str("<span class=\"");
                out.push_str(class.css_class());
                out.push_str("\">");
                let _ = escape_html_body_text(&mut *out, text);
                out.push_str("</span>");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::languages::find_language;
    use super::*;

    fn highlight(lang: &str, code: &str) -> String {
        let mut highlighter = LineHighlighter::new(find_language(lang).unwrap());
        let mut out = String::new();
        for line in code.split_inclusive('\n') {
            highlighter.write_line(line, &mut out).unwrap();
            out.push('\n');
        }
        out
    }

    #[test]
    fn typescript_tokens_get_short_classes() {
        assert_eq!(
            highlight("ts", "const x = \"a<b\"; // done\n"),
            "<span class=\"k\">const</span> x <span class=\"o\">=</span> \
             <span class=\"s\">&quot;a&lt;b&quot;</span>; <span class=\"c\">// done</span>\n"
                .replace("&quot;", "\"")
        );
    }

    #[test]
    fn whitespace_between_tokens_of_one_class_joins_them() {
        assert_eq!(
            highlight("rust", "pub fn main() {}\n"),
            "<span class=\"k\">pub fn</span> <span class=\"f\">main</span>() {}\n"
        );
    }

    #[test]
    fn jsonc_comments_and_keys_are_classified() {
        let html = highlight("jsonc", "{\n  // note\n  \"name\": \"kv\", /* x */\n}\n");
        assert_eq!(
            html,
            "{\n  <span class=\"c\">// note</span>\n  <span class=\"a\">\"name\"</span>: \
             <span class=\"s\">\"kv\"</span>, <span class=\"c\">/* x */</span>\n}\n"
        );
    }

    #[test]
    fn shell_sessions_mark_prompts_and_leave_output_plain() {
        let html = highlight("console", "$ echo \"hi\" \\\n  --flag\nhi <there>\n$\n");
        assert_eq!(
            html,
            "<span class=\"pr\">$</span> <span class=\"f\">echo</span> \
             <span class=\"s\">\"hi\"</span> \\\n  --flag\nhi &lt;there&gt;\n\
             <span class=\"pr\">$</span>\n"
        );
    }

    #[test]
    fn merging_keeps_different_classes_apart() {
        let segment = |class, bytes| Segment { class, bytes };
        let content = "ab  cd e";
        let mut segments = vec![
            segment(Some(TokenClass::Keyword), 0..1),
            segment(Some(TokenClass::Keyword), 1..2),
            segment(None, 2..4),
            segment(Some(TokenClass::Keyword), 4..5),
            segment(Some(TokenClass::String), 5..6),
            segment(None, 6..7),
            segment(Some(TokenClass::Keyword), 7..8),
        ];
        merge_segments(&mut segments, content);
        assert_eq!(
            segments,
            [
                segment(Some(TokenClass::Keyword), 0..5),
                segment(Some(TokenClass::String), 5..6),
                segment(None, 6..7),
                segment(Some(TokenClass::Keyword), 7..8),
            ]
        );
    }

    #[test]
    fn a_repeated_line_is_classified_by_its_own_parse_state() {
        // The same text outside, inside and again outside a block comment: remembered parses must
        // not leak from one state into another, and a second block gets the same output.
        let code = "let y = 1;\n/*\nlet y = 1;\n*/\nlet y = 1;\n";
        let first = highlight("ts", code);
        let lines: Vec<&str> = first.lines().collect();
        assert_eq!(lines[0], lines[4]);
        assert!(lines[0].starts_with("<span class=\"k\">let</span>"), "{first}");
        assert_eq!(lines[2], "<span class=\"c\">let y = 1;</span>", "{first}");
        assert_eq!(highlight("ts", code), first);
    }

    #[test]
    fn line_endings_are_left_out() {
        assert_eq!(highlight("text", "a\r\nb"), "a\nb\n");
    }
}
