//! Reading author-written TOML (`site.toml`, front matter, `theme.toml`) into typed structs with
//! diagnostics that point at the exact line and column.
//!
//! serde stops at the first unknown field; [`TomlSource::deserialize`] reports all of them, each with the
//! closest valid key. It owns no schema: the structs it fills decide what is valid.

use crate::diagnostics::{Diagnostic, Diagnostics, LineColumn, Location, closest_match};
use serde::de::DeserializeOwned;
use std::path::Path;

/// A TOML text and where it sits, for diagnostics.
pub struct TomlSource<'a> {
    /// The file, relative to the site root.
    pub file: &'a Path,
    /// The TOML text (for front matter, only the part between the `+++` lines).
    pub text: &'a str,
    /// Where `text` starts in `file`.
    pub start: LineColumn,
    /// What the text is, for messages: `site.toml`, `front matter`, `theme.toml`.
    pub what: &'a str,
}

impl TomlSource<'_> {
    fn location(&self, offset: usize) -> Location {
        Location::at_offset(self.file, self.text, offset, self.start)
    }

    /// Deserializes the text, pushing a diagnostic for every unknown key and for the first other error.
    ///
    /// To find every unknown key, the offending key (or whole table) is blanked out with spaces, which keeps
    /// every other byte offset valid, and deserialization runs again.
    pub fn deserialize<T: DeserializeOwned>(&self, diagnostics: &mut Diagnostics) -> Option<T> {
        let mut current = self.text.to_owned();
        let mut found_unknown = false;
        let mut suggested: Vec<String> = Vec::new();
        for _ in 0..64 {
            let error = match toml::from_str::<T>(&current) {
                Ok(value) => return if found_unknown { None } else { Some(value) },
                Err(error) => error,
            };
            let span = error.span();
            let location = span.clone().map(|span| self.location(span.start));
            let message = error.message().trim_end().to_owned();
            match (unknown_field(&message), span) {
                (Some((field, expected)), Some(span)) => {
                    let written = current[span.clone()].trim().trim_matches(['[', ']', '"']).to_owned();
                    let key = if written.is_empty() { field.clone() } else { written };
                    let diagnostic = Diagnostic::error(location, format!("unknown key `{key}` in {}", self.what));
                    let diagnostic = match closest_match(&field, expected.iter().map(String::as_str)) {
                        Some(close) => {
                            suggested.push(close.to_owned());
                            diagnostic.with_help(format!("did you mean `{close}`?"))
                        }
                        None => diagnostic.with_help(format!("valid keys here: {}", expected.join(", "))),
                    };
                    diagnostics.push(diagnostic);
                    found_unknown = true;
                    blank_out_entry(&mut current, span.start);
                }
                _ => {
                    // `titel` was already reported with "did you mean `title`?": the missing `title` is the same mistake.
                    if let Some(missing) = message
                        .strip_prefix("missing field `")
                        .and_then(|rest| rest.split('`').next())
                        && suggested.iter().any(|s| s == missing)
                    {
                        return None;
                    }
                    let help = if message.starts_with("missing field") {
                        format!("add the missing key to the {}", self.what)
                    } else if location.is_some() && span_is_syntax(&message) {
                        "check the TOML syntax: strings need quotes, tables `[name]`, arrays `[a, b]`".to_owned()
                    } else {
                        "see the README for every key and its type".to_owned()
                    };
                    diagnostics.push(Diagnostic::error(location, format!("{}: {message}", self.what)).with_help(help));
                    return None;
                }
            }
        }
        None
    }
}

fn span_is_syntax(message: &str) -> bool {
    !message.starts_with("invalid type")
        && !message.starts_with("invalid value")
        && !message.starts_with("unknown variant")
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into the field and the expected names.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    Some((field.to_owned(), expected))
}

/// Replaces the key/value (or the whole `[table]`) that starts on the line of `offset` with spaces.
fn blank_out_entry(text: &mut String, offset: usize) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let is_table_header = text[line_start..line_end].trim_start().starts_with('[');
    let mut end = line_end;
    if is_table_header {
        while end < text.len() {
            let next_end = text[end + 1..].find('\n').map_or(text.len(), |i| end + 1 + i);
            if text[end + 1..next_end].trim_start().starts_with('[') {
                break;
            }
            end = next_end;
        }
    }
    // Keep byte offsets: each character becomes as many spaces as it had bytes; newlines stay.
    let blanked: String = text[line_start..end]
        .chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_owned()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    text.replace_range(line_start..end, &blanked);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[allow(dead_code)]
        title: String,
    }

    #[test]
    fn fragment_errors_are_shifted_to_the_file_position() {
        let mut diagnostics = Diagnostics::new();
        let source = TomlSource {
            file: Path::new("content/a.md"),
            text: "title = \"x\"\ntitel2 = 1\n",
            start: LineColumn { line: 2, column: 1 },
            what: "front matter",
        };
        assert!(source.deserialize::<Sample>(&mut diagnostics).is_none());
        let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered,
            vec!["error: content/a.md:3:1: unknown key `titel2` in front matter\n  help: did you mean `title`?"]
        );
    }

    #[test]
    fn syntax_errors_point_into_the_text() {
        let mut diagnostics = Diagnostics::new();
        let source = TomlSource {
            file: Path::new("x.toml"),
            text: "title = \n",
            start: LineColumn::START,
            what: "x.toml",
        };
        assert!(source.deserialize::<Sample>(&mut diagnostics).is_none());
        let first = diagnostics.iter().next().unwrap().to_string();
        assert!(first.starts_with("error: x.toml:1:"), "{first}");
        assert!(first.contains("help: check the TOML syntax"), "{first}");
    }
}
