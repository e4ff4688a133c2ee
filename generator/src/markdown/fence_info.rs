//! The info string of a fenced code block (`ts title="src/kv.ts" {3-5} ins={7} del={8,10-11}`),
//! parsed into a typed [`FenceInfo`]. Rendering, language lookup and file inclusion live elsewhere.
//!
//! Grammar, items separated by whitespace:
//!
//! - the language, first and optional: `ts`, `rust` (`rust,ignore` keeps `rust`);
//! - the attributes rustdoc and mdBook give Rust examples, after the language's comma or as words of
//!   their own (`rust,ignore`, `rust editable`, `should_panic`): kept in [`FenceInfo::attributes`], and a
//!   fence that starts with one is Rust;
//! - `{3-5,7}`: lines to highlight (also written `mark={...}`);
//! - `ins={7}`, `del={8,10-11}`: inserted and deleted lines;
//! - `title="..."`, `tab="..."`, `include="path#anchor"`, `caption="..."`: text attributes.
//!
//! Values are `"double quoted"` (with `\"` and `\\` escapes), `'single quoted'` (with `\'`), or
//! bare up to the next space. Line lists may also be quoted or bare (`ins=7`, `del="8-9"`).

use edgedocs_highlight::{FrameOptions, LineRanges};
use std::ops::RangeInclusive;

/// The parsed info string of a fenced code block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FenceInfo {
    /// The language as written (`ts`, `Rust`), without any `,flags` suffix; `None` for a bare fence.
    pub lang: Option<String>,
    /// `title="..."`: shown in the frame's header, usually a file name.
    pub title: Option<String>,
    /// `{3-5}` or `mark={3-5}`: lines to highlight.
    pub highlighted_lines: LineRanges,
    /// `ins={7}`: lines shown as inserted.
    pub inserted_lines: LineRanges,
    /// `del={8,10-11}`: lines shown as deleted.
    pub deleted_lines: LineRanges,
    /// `tab="Rust"`: the label of this block in a group of tabs.
    pub tab: Option<String>,
    /// `include="path#anchor"`: a file (and optional anchor) whose text replaces the block's body.
    pub include: Option<String>,
    /// `caption="..."`: a caption for the figure (diagrams use it).
    pub caption: Option<String>,
    /// Rust example attributes (`ignore`, `should_panic`, `editable`, `noplayground`, `edition2021`...).
    pub attributes: Vec<String>,
    /// Lines shown only on request; not written in the info string: the code decides (see
    /// [`super::hidden_lines`]).
    pub hidden_lines: LineRanges,
}

impl FenceInfo {
    /// What the code frame needs of it.
    pub fn frame(&self) -> FrameOptions<'_> {
        FrameOptions {
            lang: self.lang.as_deref(),
            title: self.title.as_deref(),
            highlighted_lines: &self.highlighted_lines,
            inserted_lines: &self.inserted_lines,
            deleted_lines: &self.deleted_lines,
            hidden_lines: &self.hidden_lines,
        }
    }

    /// Whether the block is Rust, whose lines starting with `# ` are hidden.
    pub fn is_rust(&self) -> bool {
        self.lang
            .as_deref()
            .is_some_and(|lang| lang.eq_ignore_ascii_case("rust"))
    }
}

/// Whether `word` is an attribute rustdoc or mdBook gives a Rust example (`ignore`, `should_panic`,
/// `editable`, `edition2021`, ...).
pub fn is_rust_attribute(word: &str) -> bool {
    matches!(
        word,
        "ignore"
            | "should_panic"
            | "no_run"
            | "compile_fail"
            | "test_harness"
            | "allow_fail"
            | "editable"
            | "noplayground"
            | "noplaypen"
            | "mdbook-runnable"
            | "standalone_crate"
    ) || word.starts_with("edition")
        || word.starts_with("ignore-")
}

/// The text attributes a fence accepts, for error messages.
pub const TEXT_ATTRIBUTES: [&str; 4] = ["title", "tab", "include", "caption"];
/// The line-list attributes a fence accepts, for error messages.
pub const LINE_ATTRIBUTES: [&str; 3] = ["mark", "ins", "del"];

/// A malformed info string: the 1-based column (in characters) where it goes wrong, and what to
/// write instead. The caller adds the file and line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("code fence info string, column {column}: {message}")]
pub struct FenceInfoError {
    /// 1-based column in the info string, counted in characters.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Parses a fence's info string; see the module docs for the grammar.
pub fn parse_fence_info(info: &str) -> Result<FenceInfo, FenceInfoError> {
    let parse = |text: &str| {
        InfoParser {
            text,
            position: 0,
            info: FenceInfo::default(),
        }
        .parse()
    };
    // Zola's comma form (`toml,name=zola.toml`) when the text is not in edgedocs' own grammar.
    parse(info).or_else(|error| match super::zola_fence::translate(info) {
        Some(translated) => parse(&translated).map_err(|_| error),
        None => Err(error),
    })
}

struct InfoParser<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    position: usize,
    info: FenceInfo,
}

fn is_key_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || character == '_' || character == '-'
}

impl InfoParser<'_> {
    fn parse(mut self) -> Result<FenceInfo, FenceInfoError> {
        self.skip_whitespace();
        self.parse_language();
        loop {
            self.skip_whitespace();
            match self.peek() {
                None => return Ok(self.info),
                Some('{') => {
                    let lines = self.parse_braced_lines()?;
                    merge_lines(&mut self.info.highlighted_lines, lines);
                }
                Some(_) if self.eat_rust_attribute() => {}
                Some(_) => self.parse_attribute()?,
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.position..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let character = self.peek()?;
        self.position += character.len_utf8();
        Some(character)
    }

    fn eat(&mut self, expected: char) -> bool {
        if self.peek() == Some(expected) {
            self.position += expected.len_utf8();
            true
        } else {
            false
        }
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// The 1-based character column of byte offset `position`.
    fn column_at(&self, position: usize) -> usize {
        self.text[..position].chars().count() + 1
    }

    fn error_at(&self, position: usize, message: impl Into<String>) -> FenceInfoError {
        FenceInfoError {
            column: self.column_at(position),
            message: message.into(),
        }
    }

    /// The first word is the language unless it is an attribute (`key=`) or a line list (`{`).
    fn parse_language(&mut self) {
        let start = self.position;
        let word_end = self.text[start..]
            .find(|c: char| c.is_whitespace() || c == '{' || c == '=')
            .map_or(self.text.len(), |offset| start + offset);
        if word_end == start || self.text[word_end..].starts_with('=') {
            return;
        }
        let word = &self.text[start..word_end];
        let mut parts = word.split(',').filter(|part| !part.trim().is_empty());
        let lang = parts.next().unwrap_or_default().trim();
        if is_rust_attribute(lang) {
            self.info.lang = Some("rust".to_owned());
            self.info.attributes.push(lang.to_owned());
        } else if !lang.is_empty() {
            self.info.lang = Some(lang.to_owned());
        }
        self.info.attributes.extend(
            parts
                .map(str::trim)
                .filter(|part| is_rust_attribute(part))
                .map(str::to_owned),
        );
        self.position = word_end;
    }

    /// Takes the next word when it is a Rust example attribute of a Rust block (`rust editable`).
    fn eat_rust_attribute(&mut self) -> bool {
        if !self.info.is_rust() {
            return false;
        }
        let rest = &self.text[self.position..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let words = &rest[..end];
        if !words.split(',').filter(|w| !w.is_empty()).all(is_rust_attribute) || words.is_empty() {
            return false;
        }
        self.info
            .attributes
            .extend(words.split(',').filter(|w| !w.is_empty()).map(str::to_owned));
        self.position += end;
        true
    }

    fn parse_attribute(&mut self) -> Result<(), FenceInfoError> {
        let key_start = self.position;
        while self.peek().is_some_and(is_key_char) {
            self.bump();
        }
        let key = &self.text[key_start..self.position];
        if key.is_empty() {
            let character = self.peek().unwrap_or(' ');
            return Err(self.error_at(
                key_start,
                format!("unexpected `{character}`; write attributes as key=\"value\" and line lists as {{3-5}}"),
            ));
        }
        if !self.eat('=') {
            return Err(self.error_at(
                key_start,
                format!(
                    "`{key}` is not an attribute: the language comes first, everything after it is \
                     key=\"value\" or a line list like {{3-5}}; {}",
                    suggestion_for(key)
                ),
            ));
        }
        match key {
            "title" | "tab" | "include" | "caption" => {
                let value = self.parse_text_value(key)?;
                let slot = match key {
                    "title" => &mut self.info.title,
                    "tab" => &mut self.info.tab,
                    "include" => &mut self.info.include,
                    _ => &mut self.info.caption,
                };
                if slot.is_some() {
                    return Err(self.error_at(key_start, format!("`{key}` is given twice; keep one")));
                }
                *slot = Some(value);
            }
            "mark" | "ins" | "del" => {
                let lines = self.parse_line_value(key)?;
                let target = match key {
                    "mark" => &mut self.info.highlighted_lines,
                    "ins" => &mut self.info.inserted_lines,
                    _ => &mut self.info.deleted_lines,
                };
                merge_lines(target, lines);
            }
            _ => {
                return Err(self.error_at(key_start, format!("unknown attribute `{key}`; {}", suggestion_for(key))));
            }
        }
        Ok(())
    }

    /// A quoted or bare text value after `key=`.
    fn parse_text_value(&mut self, key: &str) -> Result<String, FenceInfoError> {
        let value_start = self.position;
        match self.peek() {
            Some(quote @ ('"' | '\'')) => {
                self.bump();
                let mut value = String::new();
                loop {
                    match self.bump() {
                        None => {
                            return Err(self.error_at(
                                value_start,
                                format!("the value of `{key}` has no closing {quote}; add one"),
                            ));
                        }
                        Some(character) if character == quote => break,
                        Some('\\') => match self.peek() {
                            Some(escaped) if escaped == quote || escaped == '\\' => {
                                self.bump();
                                value.push(escaped);
                            }
                            _ => value.push('\\'),
                        },
                        Some(character) => value.push(character),
                    }
                }
                self.expect_separator(key)?;
                Ok(value)
            }
            None => Err(self.error_at(value_start, format!("`{key}=` has no value; write {key}=\"...\""))),
            Some(character) if character.is_whitespace() => Err(self.error_at(
                value_start,
                format!("`{key}=` has no value; write {key}=\"...\" with no space after `=`"),
            )),
            Some(_) => {
                while self.peek().is_some_and(|c| !c.is_whitespace()) {
                    self.bump();
                }
                Ok(self.text[value_start..self.position].to_owned())
            }
        }
    }

    /// After a quoted value, the next item must be separated by whitespace.
    fn expect_separator(&self, key: &str) -> Result<(), FenceInfoError> {
        match self.peek() {
            None => Ok(()),
            Some(character) if character.is_whitespace() => Ok(()),
            Some(character) => Err(self.error_at(
                self.position,
                format!(
                    "unexpected `{character}` right after the value of `{key}`; add a space, \
                     or escape a quote inside the value as \\\""
                ),
            )),
        }
    }

    /// A line list after `key=`: `{3-5}`, `"3-5"` or `3-5`.
    fn parse_line_value(&mut self, key: &str) -> Result<Vec<RangeInclusive<u32>>, FenceInfoError> {
        match self.peek() {
            Some('{') => self.parse_braced_lines(),
            Some(quote @ ('"' | '\'')) => {
                let open = self.position;
                self.bump();
                let lines = self.parse_line_list(|c| c == quote)?;
                if !self.eat(quote) {
                    return Err(self.error_at(
                        open,
                        format!("the line list of `{key}` has no closing {quote}; add one"),
                    ));
                }
                self.expect_separator(key)?;
                Ok(lines)
            }
            Some(character) if !character.is_whitespace() => self.parse_line_list(char::is_whitespace),
            _ => Err(self.error_at(self.position, format!("`{key}=` has no lines; write {key}={{3-5}}"))),
        }
    }

    fn parse_braced_lines(&mut self) -> Result<Vec<RangeInclusive<u32>>, FenceInfoError> {
        let open = self.position;
        self.bump();
        let lines = self.parse_line_list(|c| c == '}')?;
        if !self.eat('}') {
            return Err(self.error_at(open, "this line list has no closing `}`; add one"));
        }
        Ok(lines)
    }

    /// Comma-separated line numbers and ranges, up to (not including) a character `is_end` accepts
    /// or the end of the info string.
    fn parse_line_list(&mut self, is_end: impl Fn(char) -> bool) -> Result<Vec<RangeInclusive<u32>>, FenceInfoError> {
        let mut lines = Vec::new();
        loop {
            self.skip_spaces_in_list(&is_end);
            match self.peek() {
                None => return Ok(lines),
                Some(character) if is_end(character) => return Ok(lines),
                Some(_) => {}
            }
            let start_position = self.position;
            let first = self.parse_line_number()?;
            self.skip_spaces_in_list(&is_end);
            let last = if self.eat('-') {
                self.skip_spaces_in_list(&is_end);
                self.parse_line_number()?
            } else {
                first
            };
            if last < first {
                return Err(self.error_at(
                    start_position,
                    format!("the range {first}-{last} runs backwards; write {last}-{first}"),
                ));
            }
            lines.push(first..=last);
            self.skip_spaces_in_list(&is_end);
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                None => return Ok(lines),
                Some(character) if is_end(character) => return Ok(lines),
                Some(character) => {
                    return Err(self.error_at(
                        self.position,
                        format!(
                            "unexpected `{character}` in a line list; separate lines and ranges \
                             with commas, like {{1,3-5}}"
                        ),
                    ));
                }
            }
        }
    }

    fn skip_spaces_in_list(&mut self, is_end: &impl Fn(char) -> bool) {
        while self.peek().is_some_and(|c| c.is_whitespace() && !is_end(c)) {
            self.bump();
        }
    }

    fn parse_line_number(&mut self) -> Result<u32, FenceInfoError> {
        let start = self.position;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        let digits = &self.text[start..self.position];
        if digits.is_empty() {
            let found = self.peek().map_or_else(|| "the end".to_owned(), |c| format!("`{c}`"));
            return Err(self.error_at(
                start,
                format!("expected a line number, found {found}; write lines like {{1,3-5}}"),
            ));
        }
        match digits.parse::<u32>() {
            Ok(0) => Err(self.error_at(start, "line numbers start at 1; there is no line 0")),
            Ok(number) => Ok(number),
            Err(_) => Err(self.error_at(start, format!("line number {digits} is too large"))),
        }
    }
}

fn merge_lines(target: &mut LineRanges, lines: Vec<RangeInclusive<u32>>) {
    for range in lines {
        target.insert(range);
    }
}

/// "did you mean `title`?" for a near miss, otherwise the list of attributes.
fn suggestion_for(word: &str) -> String {
    let known = TEXT_ATTRIBUTES.iter().chain(LINE_ATTRIBUTES.iter());
    let closest = known
        .map(|candidate| (strsim::damerau_levenshtein(word, candidate), *candidate))
        .min();
    match closest {
        Some((distance, candidate)) if distance <= 2 && distance < word.len() => {
            format!("did you mean `{candidate}=`?")
        }
        _ => format!(
            "the attributes are {} and {}",
            TEXT_ATTRIBUTES
                .iter()
                .map(|key| format!("{key}=\"...\""))
                .collect::<Vec<_>>()
                .join(", "),
            LINE_ATTRIBUTES
                .iter()
                .map(|key| format!("{key}={{...}}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ranges: &[RangeInclusive<u32>]) -> LineRanges {
        LineRanges::from_ranges(ranges.iter().cloned())
    }

    #[test]
    fn parses_the_full_example() {
        let info = parse_fence_info(r#"ts title="src/handlers/kv.ts" {3-5} ins={7} del={8,10-11}"#).unwrap();
        assert_eq!(
            info,
            FenceInfo {
                lang: Some("ts".into()),
                title: Some("src/handlers/kv.ts".into()),
                highlighted_lines: lines(&[3..=5]),
                inserted_lines: lines(&[7..=7]),
                deleted_lines: lines(&[8..=8, 10..=11]),
                ..FenceInfo::default()
            }
        );
    }

    #[test]
    fn valid_info_strings() {
        let cases: Vec<(&str, FenceInfo)> = vec![
            ("", FenceInfo::default()),
            ("   ", FenceInfo::default()),
            (
                "rust",
                FenceInfo {
                    lang: Some("rust".into()),
                    ..FenceInfo::default()
                },
            ),
            (
                "rust,ignore",
                FenceInfo {
                    lang: Some("rust".into()),
                    attributes: vec!["ignore".into()],
                    ..FenceInfo::default()
                },
            ),
            (
                "{1, 3 - 4}",
                FenceInfo {
                    highlighted_lines: lines(&[1..=1, 3..=4]),
                    ..FenceInfo::default()
                },
            ),
            (
                "ts{2}",
                FenceInfo {
                    lang: Some("ts".into()),
                    highlighted_lines: lines(&[2..=2]),
                    ..FenceInfo::default()
                },
            ),
            (
                r#"title="a \"quoted\" name with spaces""#,
                FenceInfo {
                    title: Some(r#"a "quoted" name with spaces"#.into()),
                    ..FenceInfo::default()
                },
            ),
            (
                r#"sh title='it\'s C:\dir' tab=Rust"#,
                FenceInfo {
                    lang: Some("sh".into()),
                    title: Some(r"it's C:\dir".into()),
                    tab: Some("Rust".into()),
                    ..FenceInfo::default()
                },
            ),
            (
                r#"rust include="edge/src/theme.rs#handler" caption="The handler""#,
                FenceInfo {
                    lang: Some("rust".into()),
                    include: Some("edge/src/theme.rs#handler".into()),
                    caption: Some("The handler".into()),
                    ..FenceInfo::default()
                },
            ),
            (
                r#"js mark={1} {2} ins=3-4,6 del="5""#,
                FenceInfo {
                    lang: Some("js".into()),
                    highlighted_lines: lines(&[1..=2]),
                    inserted_lines: lines(&[3..=4, 6..=6]),
                    deleted_lines: lines(&[5..=5]),
                    ..FenceInfo::default()
                },
            ),
            (
                r#"title="ünïcödé ✓""#,
                FenceInfo {
                    title: Some("ünïcödé ✓".into()),
                    ..FenceInfo::default()
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_fence_info(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn malformed_info_strings_point_at_the_column() {
        let cases: &[(&str, usize, &str)] = &[
            (
                r#"ts title="unterminated"#,
                10,
                "the value of `title` has no closing \"; add one",
            ),
            ("ts {3-5", 4, "this line list has no closing `}`; add one"),
            ("ts {5-3}", 5, "the range 5-3 runs backwards; write 3-5"),
            ("ts {0}", 5, "line numbers start at 1; there is no line 0"),
            (
                "ts {a}",
                5,
                "expected a line number, found `a`; write lines like {1,3-5}",
            ),
            (
                "ts {1;2}",
                6,
                "unexpected `;` in a line list; separate lines and ranges with commas, like {1,3-5}",
            ),
            ("ts titel=\"x\"", 4, "unknown attribute `titel`; did you mean `title=`?"),
            ("ts title=", 10, "`title=` has no value; write title=\"...\""),
            (
                "ts title= \"x\"",
                10,
                "`title=` has no value; write title=\"...\" with no space after `=`",
            ),
            ("ts title=\"a\" title=\"b\"", 14, "`title` is given twice; keep one"),
            ("ts ins=", 8, "`ins=` has no lines; write ins={3-5}"),
            (
                "ts title=\"a\"b",
                13,
                "unexpected `b` right after the value of `title`; add a space, or escape a quote \
                 inside the value as \\\"",
            ),
            ("ts {1,99999999999}", 7, "line number 99999999999 is too large"),
            (
                "ts ✓",
                4,
                "unexpected `✓`; write attributes as key=\"value\" and line lists as {3-5}",
            ),
            (
                "ts {1} %",
                8,
                "unexpected `%`; write attributes as key=\"value\" and line lists as {3-5}",
            ),
        ];
        for (text, column, message) in cases {
            let error = parse_fence_info(text).expect_err(text);
            assert_eq!((error.column, error.message.as_str()), (*column, *message), "{text}");
        }
    }

    #[test]
    fn a_second_bare_word_lists_the_attributes() {
        let error = parse_fence_info("rust tittle").unwrap_err();
        assert_eq!(error.column, 6);
        assert!(error.message.starts_with("`tittle` is not an attribute"), "{error}");
        assert!(error.message.contains("did you mean `title=`?"), "{error}");
        assert_eq!(
            error.to_string(),
            format!("code fence info string, column 6: {}", error.message)
        );
        let error = parse_fence_info("ts ignore").unwrap_err();
        assert!(error.message.starts_with("`ignore` is not an attribute"), "{error}");
        assert!(error.message.contains("title=\"...\""), "{error}");
    }

    #[test]
    fn line_ranges_merge_and_print() {
        let set = lines(&[10..=11, 3..=5, 4..=6, 7..=7, 1..=1]);
        assert_eq!(set.ranges(), &[1..=1, 3..=7, 10..=11]);
        assert_eq!(set.to_string(), "1,3-7,10-11");
        assert!(set.contains(7));
        assert!(!set.contains(8));
    }

    #[test]
    fn rust_example_attributes_are_understood() {
        for (written, lang, attributes) in [
            ("rust,ignore", "rust", vec!["ignore"]),
            ("rust,editable,should_panic", "rust", vec!["editable", "should_panic"]),
            ("rust editable", "rust", vec!["editable"]),
            ("rust noplayground title=\"a.rs\"", "rust", vec!["noplayground"]),
            ("should_panic", "rust", vec!["should_panic"]),
            ("no_run,edition2021", "rust", vec!["no_run", "edition2021"]),
            ("toml,ignore", "toml", vec!["ignore"]),
            ("console", "console", vec![]),
        ] {
            let info = parse_fence_info(written).unwrap();
            assert_eq!(info.lang.as_deref(), Some(lang), "{written}");
            assert_eq!(info.attributes, attributes, "{written}");
        }
        assert!(
            parse_fence_info("ts editable").is_err(),
            "only Rust blocks take bare attributes"
        );
    }
}
