//! Fence info strings (`ts title="x" {3-5} ins={7}`) through `parse_fence_info`, then the highlighter
//! on real-looking code in that language.
//!
//! Properties: a parsed info string written back in canonical form parses to the same value; an error
//! points at a column of the info string; the code frame renders the same twice (the second time from
//! the line cache), has one line span per code line, and its text is exactly the code.

use std::fmt::Write as _;
use std::sync::LazyLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use edgedocs::markdown::fence_info::{FenceInfo, parse_fence_info};
use edgedocs_highlight::render_code_frame;

use super::{assert_column_in, input};
use crate::pieces::{LineText, PUNCTUATION, UNICODE, WORDS, Word, choose, line_number, raw_string};

/// Language words a fence may name: the curated ones plus other syntect syntaxes and near misses.
static LANGUAGES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut languages = edgedocs_highlight::known_languages();
    languages.extend([
        "python",
        "go",
        "c",
        "sql",
        "xml",
        "php",
        "java",
        "rb",
        "Dockerfile",
        "makefile",
        "TypeScript",
        "RUST",
        "typscript",
        "rust,ignore",
        "ts,no_run",
        "mermaid",
        "mmd",
        "text",
        "plain",
        "console",
        "shell-session",
    ]);
    languages
});

/// A fence's info string, item by item.
#[derive(Debug, Clone)]
pub struct InfoModel {
    lang: Option<LangModel>,
    items: Vec<(Separator, Item)>,
}

#[derive(Debug, Clone)]
enum LangModel {
    Known(String),
    Word(String),
}

impl<'a> Arbitrary<'a> for LangModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(if u.ratio(3, 4)? {
            Self::Known(choose(u, &LANGUAGES)?.to_owned())
        } else {
            Self::Word(Word::arbitrary(u)?.0.replace(char::is_whitespace, ""))
        })
    }
}

impl<'a> Arbitrary<'a> for InfoModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let lang = if u.ratio(7, 8)? {
            Some(LangModel::arbitrary(u)?)
        } else {
            None
        };
        let count = u.int_in_range(0..=6)?;
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            items.push((Separator::arbitrary(u)?, Item::arbitrary(u)?));
        }
        Ok(Self { lang, items })
    }
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Separator {
    Space,
    Spaces,
    Tab,
    Nothing,
}

#[derive(Debug, Clone, Arbitrary)]
enum Item {
    Lines(LineList),
    Attribute { key: Key, value: Value },
    Raw(LineText),
}

#[derive(Debug, Clone)]
enum Key {
    Known(&'static str),
    Typo(String),
}

impl<'a> Arbitrary<'a> for Key {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const KNOWN: &[&str] = &["title", "tab", "include", "caption", "mark", "ins", "del"];
        Ok(if u.ratio(5, 6)? {
            Self::Known(choose(u, KNOWN)?)
        } else {
            Self::Typo(choose(u, &["titel", "Title", "hl_lines", "lines", "lang", "", "mark_", "x-y"])?.to_owned())
        })
    }
}

#[derive(Debug, Clone, Arbitrary)]
enum Value {
    DoubleQuoted(LineText),
    SingleQuoted(LineText),
    Bare(Word),
    Braced(LineList),
    QuotedLines(LineList),
    BareLines(LineList),
    Empty,
    Unclosed(LineText),
}

/// `3-5,7`, sometimes with spaces, backwards ranges or junk.
#[derive(Debug, Clone)]
struct LineList(String);

impl<'a> Arbitrary<'a> for LineList {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = u.int_in_range(0..=4)?;
        let mut text = String::new();
        for index in 0..count {
            if index > 0 {
                text.push_str(choose(u, &[",", ",", ", ", " ,", ",,", ";"])?);
            }
            match u.arbitrary::<u8>()? % 8 {
                0..=3 => text.push_str(&line_number(u)?.to_string()),
                4..=6 => {
                    let _ = write!(text, "{}-{}", line_number(u)?, line_number(u)?);
                }
                _ => text.push_str(choose(u, PUNCTUATION)?),
            }
        }
        Ok(Self(text))
    }
}

fn escape_quoted(text: &str, quote: char) -> String {
    let mut escaped = String::new();
    for character in text.chars() {
        if character == quote || character == '\\' {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

impl InfoModel {
    /// The info string as an author would write it after the backticks.
    pub fn to_info_string(&self) -> String {
        let mut info = String::new();
        match &self.lang {
            Some(LangModel::Known(lang) | LangModel::Word(lang)) => info.push_str(lang),
            None => {}
        }
        for (separator, item) in &self.items {
            info.push_str(match separator {
                Separator::Space => " ",
                Separator::Spaces => "   ",
                Separator::Tab => "\t",
                Separator::Nothing => "",
            });
            match item {
                Item::Lines(lines) => {
                    let _ = write!(info, "{{{}}}", lines.0);
                }
                Item::Raw(text) => info.push_str(&text.0),
                Item::Attribute { key, value } => {
                    info.push_str(match key {
                        Key::Known(key) => key,
                        Key::Typo(key) => key,
                    });
                    info.push('=');
                    match value {
                        Value::DoubleQuoted(text) => {
                            let _ = write!(info, "\"{}\"", escape_quoted(&text.0, '"'));
                        }
                        Value::SingleQuoted(text) => {
                            let _ = write!(info, "'{}'", escape_quoted(&text.0, '\''));
                        }
                        Value::Bare(word) => info.push_str(&word.0),
                        Value::Braced(lines) => {
                            let _ = write!(info, "{{{}}}", lines.0);
                        }
                        Value::QuotedLines(lines) => {
                            let _ = write!(info, "\"{}\"", lines.0);
                        }
                        Value::BareLines(lines) => info.push_str(&lines.0),
                        Value::Empty => {}
                        Value::Unclosed(text) => {
                            info.push('"');
                            info.push_str(&text.0);
                        }
                    }
                }
            }
        }
        info
    }
}

/// Real-looking code: lines of tokens from many languages' syntax, indentation and odd Unicode.
#[derive(Debug, Clone)]
pub struct CodeModel(pub String);

const CODE_TOKENS: &[&str] = &[
    "fn",
    "let",
    "const",
    "function",
    "import",
    "export",
    "from",
    "if",
    "else",
    "return",
    "pub",
    "struct",
    "impl",
    "=>",
    "async",
    "await",
    "class",
    "def",
    "for",
    "in",
    "while",
    "match",
    "type",
    "interface",
    "enum",
    "mut",
    "&",
    "\"str\"",
    "'c'",
    "`tmpl ${x}`",
    "r#\"raw\"#",
    "\"open",
    "'open",
    "`open",
    "// comment",
    "/* open",
    "*/",
    "/** doc */",
    "# comment",
    "<!-- c -->",
    "<!--",
    "-->",
    "<div class=\"x\">",
    "</div>",
    "<script>",
    "</script>",
    "<style>",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    ".",
    "::",
    "->",
    "=",
    "==",
    "===",
    "+",
    "-",
    "*",
    "/",
    "%",
    "!",
    "?",
    "<",
    ">",
    "<<EOF",
    "EOF",
    "$",
    "$ ",
    "${HOME}",
    "\\",
    "0",
    "42",
    "3.14",
    "0x1F",
    "1e10",
    "/ab+c/gi",
    "{\"a\": [1, 2, null]}",
    "[table]",
    "[[array]]",
    "key = \"v\"",
    "- item",
    "key: value",
    "---",
    "+added",
    "-removed",
    "@@ -1,3 +1,4 @@",
    "@media",
    "color: red;",
    "#id",
    ".class",
    "?>",
    "<?php",
    "#!/bin/sh",
    "#[derive(Debug)]",
    "'a",
    "b'x'",
    "\\n",
    "\\u{1F680}",
    "true",
    "null",
    "None",
    "self",
];

impl<'a> Arbitrary<'a> for CodeModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let lines = u.int_in_range(0..=24)?;
        let mut code = String::new();
        for _ in 0..lines {
            for _ in 0..u.int_in_range(0..=3)? {
                code.push_str(choose(u, &["  ", "    ", "\t"])?);
            }
            for token in 0..u.int_in_range(0..=8)? {
                if token > 0 && u.ratio(2, 3)? {
                    code.push(' ');
                }
                match u.arbitrary::<u8>()? % 16 {
                    0..=9 => code.push_str(choose(u, CODE_TOKENS)?),
                    10..=12 => code.push_str(choose(u, WORDS)?),
                    13 => code.push_str(choose(u, UNICODE)?),
                    14 => code.push_str(choose(u, PUNCTUATION)?),
                    _ => code.push_str(&raw_string(u, 16)?),
                }
            }
            code.push_str(choose(u, &["\n", "\n", "\n", "\n", "\r\n", " \n", "\\\n"])?);
        }
        if u.ratio(1, 4)? {
            code.pop();
        }
        Ok(Self(code))
    }
}

#[derive(Debug, Arbitrary)]
pub struct FenceInput {
    info: InfoModel,
    code: CodeModel,
}

pub fn show(bytes: &[u8]) -> String {
    match input::<FenceInput>(bytes) {
        Some(fence) => format!("```{}\n{}\n```", fence.info.to_info_string(), fence.code.0),
        None => "(no input)".to_owned(),
    }
}

pub fn run(bytes: &[u8]) {
    let Some(fence) = input::<FenceInput>(bytes) else {
        return;
    };
    let info_string = fence.info.to_info_string();
    check_info_string(&info_string);
    let info = parse_fence_info(&info_string).unwrap_or_default();
    check_code_frame(&info, &fence.code.0);
}

/// The info string parses or points at a column inside it; what parses survives a round trip.
pub fn check_info_string(info_string: &str) {
    match parse_fence_info(info_string) {
        Ok(info) => {
            let canonical = canonical_info_string(&info);
            let again = parse_fence_info(&canonical)
                .unwrap_or_else(|error| panic!("canonical form `{canonical}` of `{info_string}` fails: {error}"));
            assert_eq!(
                again, info,
                "`{info_string}` and its canonical form `{canonical}` differ"
            );
        }
        Err(error) => {
            assert_column_in(info_string, error.column, "fence info error");
            assert!(!error.message.is_empty(), "an info string error without a message");
        }
    }
}

/// `info` written back as an info string, every value double-quoted.
pub fn canonical_info_string(info: &FenceInfo) -> String {
    let mut text = info.lang.clone().unwrap_or_default();
    // Rust example attributes follow the language after commas, as mdBook books write them.
    for attribute in &info.attributes {
        let _ = write!(text, ",{attribute}");
    }
    for (key, value) in [
        ("title", &info.title),
        ("tab", &info.tab),
        ("include", &info.include),
        ("caption", &info.caption),
    ] {
        if let Some(value) = value {
            let _ = write!(text, " {key}=\"{}\"", escape_quoted(value, '"'));
        }
    }
    for (key, lines) in [
        ("mark", &info.highlighted_lines),
        ("ins", &info.inserted_lines),
        ("del", &info.deleted_lines),
    ] {
        if !lines.is_empty() {
            let _ = write!(text, " {key}={{{lines}}}");
        }
    }
    text
}

/// The frame renders the same twice, with one line span per line, and its text is the code.
pub fn check_code_frame(info: &FenceInfo, code: &str) {
    let first = render_code_frame(&info.frame(), code);
    let second = render_code_frame(&info.frame(), code);
    assert_eq!(
        first, second,
        "the code frame differs between two renders (line cache?)"
    );
    let html = &first.html;
    assert!(html.starts_with("<figure class=\"code-frame\"") && html.ends_with("</figure>\n"));
    let code_start = html.find("<code>").expect("a <code> element") + "<code>".len();
    let code_end = html.rfind("</code>").expect("a </code>");
    let inner = &html[code_start..code_end];
    let normalised = code.replace("\r\n", "\n");
    let lines: Vec<&str> = normalised
        .split_inclusive('\n')
        .map(|line| {
            let line = line.strip_suffix('\n').unwrap_or(line);
            line.strip_suffix('\r').unwrap_or(line)
        })
        .collect();
    assert_eq!(
        inner.matches("<span class=\"line").count(),
        lines.len(),
        "one line span per code line"
    );
    assert_eq!(
        inner.matches("<span").count(),
        inner.matches("</span>").count(),
        "unbalanced spans"
    );
    let text = text_of(inner);
    assert_eq!(text, lines.join("\n"), "the frame's text is not the code");
}

/// The text of an HTML fragment made of spans and escaped text.
pub fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').expect("a tag is closed");
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// `--text`: the file is a fence: its first line the info string (after the backticks, if any), the
/// rest the code.
pub fn check_text(text: &str) {
    let (first, code) = text.split_once('\n').unwrap_or((text, ""));
    let info_string = first.trim_start_matches(['`', '~']);
    check_info_string(info_string);
    check_code_frame(&parse_fence_info(info_string).unwrap_or_default(), code);
}
