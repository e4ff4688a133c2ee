//! Building blocks of plausible text: words an author would write, the punctuation every syntax here
//! gives a meaning to, and the Unicode that trips byte/character arithmetic. Targets compose them into
//! whole inputs; now and then an arbitrary string slips in so nothing is ruled out.

use arbitrary::{Arbitrary, Result, Unstructured};

/// Words from documentation, identifiers and a few non-ASCII ones.
pub const WORDS: &[&str] = &[
    "kv",
    "storage",
    "read",
    "write",
    "list-keys",
    "the",
    "a",
    "value",
    "key",
    "Worker",
    "edge",
    "cache",
    "TTL",
    "theme",
    "dark",
    "light",
    "session",
    "flag",
    "tenant",
    "acme",
    "x",
    "y1",
    "_private",
    "Déjà",
    "vu",
    "naïve",
    "日本語",
    "Ωmega",
    "🚀",
    "über",
    "a-b",
    "a_b",
    "v1.2",
    "0",
    "42",
    "-1",
    "index",
    "main",
    "fn",
    "let",
    "const",
    "script",
    "style",
    "onload",
    "javascript",
    "id",
    "class",
    "href",
    "note",
    "NOTE",
    "WARNING",
    "tip",
    "md",
];

/// Characters and short sequences that mean something to Markdown, HTML, TOML, Mermaid or a fence.
pub const PUNCTUATION: &[&str] = &[
    "*", "**", "_", "__", "`", "``", "~~", "[", "]", "(", ")", "<", ">", "&", "#", "##", "!", "|", "\\", "\"", "'",
    "...", "--", "---", "&amp;", "&#x27;", "&lt;", "#quot;", "$", "{", "}", ":", "-", "=", ",", ";", "/", ".", "%",
    "%20", "^", "+", "@", "?", "=>", "->", "-->", "\\\"", "\\\\", "{#", "}}", "{{", "[^", "]:", "<!--", "-->", "</",
    "/>", "+++",
];

/// Unicode that differs in bytes, characters and display width, or that editors hide.
pub const UNICODE: &[&str] = &[
    "é",
    "e\u{301}",
    "🚀",
    "👩‍👩‍👧",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "\u{a0}",
    "\t",
    "\u{0}",
    "\u{fffd}",
    "\u{10ffff}",
    "ß",
    "İ",
    "ﬁ",
    "\r",
    "\u{2028}",
    "中",
];

/// One of `items`, chosen by the input.
pub fn choose<'a>(u: &mut Unstructured<'_>, items: &[&'a str]) -> Result<&'a str> {
    Ok(items[usize::from(u.arbitrary::<u8>()?) % items.len()])
}

/// A short arbitrary string (the input's own bytes, lossily decoded).
pub fn raw_string(u: &mut Unstructured<'_>, max_bytes: usize) -> Result<String> {
    let len = u.int_in_range(0..=max_bytes)?;
    let bytes = u.bytes(len.min(u.len()))?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// An identifier-like word: usually from [`WORDS`], sometimes with a digit or a non-ASCII letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word(pub String);

impl<'a> Arbitrary<'a> for Word {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut word = choose(u, WORDS)?.to_owned();
        match u.arbitrary::<u8>()? % 8 {
            0 => word.push_str(&u.arbitrary::<u8>()?.to_string()),
            1 => word.push_str(choose(u, UNICODE)?),
            2 => {
                word.push('-');
                word.push_str(choose(u, WORDS)?);
            }
            _ => {}
        }
        Ok(Self(word))
    }
}

/// A run of prose: words, spaces, punctuation and odd Unicode, or now and then anything at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let pieces = u.int_in_range(0..=10)?;
        let mut text = String::new();
        for _ in 0..pieces {
            match u.arbitrary::<u8>()? % 16 {
                0..=6 => text.push_str(choose(u, WORDS)?),
                7..=9 => text.push(' '),
                10..=12 => text.push_str(choose(u, PUNCTUATION)?),
                13 | 14 => text.push_str(choose(u, UNICODE)?),
                _ => text.push_str(&raw_string(u, 12)?),
            }
        }
        Ok(Self(text))
    }
}

/// [`Text`] on one line: no line breaks, for places where a newline ends the construct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineText(pub String);

impl<'a> Arbitrary<'a> for LineText {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let Text(text) = Text::arbitrary(u)?;
        Ok(Self(text.replace(['\n', '\r', '\u{2028}'], " ")))
    }
}

/// A small number, biased to the edges that matter (0, 1, the end of a block, huge).
pub fn line_number(u: &mut Unstructured<'_>) -> Result<u64> {
    Ok(match u.arbitrary::<u8>()? % 8 {
        0 => 0,
        1 => 1,
        2 => u64::from(u32::MAX),
        3 => u64::from(u32::MAX) + 1,
        4 => u64::MAX,
        _ => u64::from(u.arbitrary::<u8>()? % 40),
    })
}

/// A list whose length the input picks outright (up to 16, now and then up to 64), where a derived
/// `Vec` would stop after each element with even odds and so stay short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Many<T>(pub Vec<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Many<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let count = match u.arbitrary::<u8>()? {
            byte @ 0..=239 => usize::from(byte % 17),
            byte => usize::from(byte % 65),
        };
        let mut items = Vec::with_capacity(count);
        for _ in 0..count {
            if u.is_empty() {
                break;
            }
            items.push(T::arbitrary(u)?);
        }
        Ok(Self(items))
    }
}

impl<T> std::ops::Deref for Many<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'b, T> IntoIterator for &'b Many<T> {
    type Item = &'b T;
    type IntoIter = std::slice::Iter<'b, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
