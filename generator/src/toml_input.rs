//! Reading author-written TOML (`site.toml`, front matter, `theme.toml`) into typed structs with
//! diagnostics that point at the exact line and column.
//!
//! One deserialization reports every unknown key: `serde_ignored` collects the keys the struct did not
//! take, the spanned document says where each is written, and the type's [`TomlSchema`] names the
//! valid keys beside it for a "did you mean" hint. It owns no schema: the structs it fills decide what
//! is valid.

use crate::diagnostics::{Diagnostic, Diagnostics, LineColumn, Location, closest_match};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// A TOML text and where it sits, for diagnostics.
pub(crate) struct TomlSource<'a> {
    /// The file, relative to the site root.
    pub file: &'a Path,
    /// The TOML text (for front matter, only the part between the `+++` lines).
    pub text: &'a str,
    /// Where `text` starts in `file`.
    pub start: LineColumn,
    /// What the text is, for messages: `site.toml`, `front matter`, `theme.toml`.
    pub what: &'a str,
}

/// What a key the struct does not take is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnknownKeys {
    /// A mistake: an error with the closest valid key.
    Errors,
    /// A setting of another tool: a warning that it is ignored.
    Ignored,
}

/// A struct read from author-written TOML: which keys each of its tables takes. Tables that take any
/// key (free-form `[extra]`) never have unknown keys, so they need no entry.
pub(crate) trait TomlSchema: DeserializeOwned {
    /// The keys valid in the table at `path` (`[]` for the top level, `["markdown"]`, array items
    /// without their index: `["color_themes"]`).
    fn keys_at(path: &[&str]) -> &'static [&'static str];
}

impl TomlSource<'_> {
    fn location(&self, offset: usize) -> Location {
        Location::at_offset(self.file, self.text, offset, self.start)
    }

    /// Deserializes the text, pushing a diagnostic for every unknown key and for the first other error.
    pub(crate) fn deserialize<T: TomlSchema>(&self, diagnostics: &mut Diagnostics) -> Option<T> {
        self.read(UnknownKeys::Errors, diagnostics)
    }

    /// Deserializes a file written for another tool: a key `T` does not take is reported once, as a
    /// warning that it is ignored, and the rest is read anyway.
    pub(crate) fn deserialize_ignoring_unknown<T: TomlSchema>(&self, diagnostics: &mut Diagnostics) -> Option<T> {
        self.read(UnknownKeys::Ignored, diagnostics)
    }

    fn read<T: TomlSchema>(&self, unknown_keys: UnknownKeys, diagnostics: &mut Diagnostics) -> Option<T> {
        let document = match DeTable::parse(self.text) {
            Ok(document) => document,
            Err(error) => {
                self.push_error(&error, &[], diagnostics);
                return None;
            }
        };
        let mut unknown: Vec<Vec<String>> = Vec::new();
        let result: Result<T, toml::de::Error> =
            serde_ignored::deserialize(toml::de::Deserializer::from(document), |path| {
                unknown.push(path_segments(&path))
            });
        let mut suggested = Vec::new();
        if !unknown.is_empty() {
            // Parsed again only to find where the unknown keys are written.
            let spans = DeTable::parse(self.text).ok();
            for path in &unknown {
                let span = spans.as_ref().and_then(|document| key_span(document.get_ref(), path));
                let key = path.last().map_or("", String::as_str);
                let table: Vec<&str> = path[..path.len().saturating_sub(1)]
                    .iter()
                    .map(String::as_str)
                    .filter(|segment| segment.parse::<usize>().is_err())
                    .collect();
                let expected = T::keys_at(&table);
                if unknown_keys == UnknownKeys::Ignored {
                    let written = path
                        .iter()
                        .filter(|segment| segment.parse::<usize>().is_err())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(".");
                    diagnostics.push(
                        Diagnostic::warning(
                            span.map(|span| self.location(span.start)),
                            format!(
                                "`{written}` in {} has no meaning for edgedocs and is ignored",
                                self.what
                            ),
                        )
                        .with_help(format!("edgedocs reads {} here", expected.join(", "))),
                    );
                    continue;
                }
                let diagnostic = Diagnostic::error(
                    span.map(|span| self.location(span.start)),
                    format!("unknown key `{key}` in {}", self.what),
                );
                let diagnostic = match closest_match(key, expected.iter().copied()) {
                    Some(close) => {
                        suggested.push(close);
                        diagnostic.with_help(format!("did you mean `{close}`?"))
                    }
                    None => diagnostic.with_help(format!("valid keys here: {}", expected.join(", "))),
                };
                diagnostics.push(diagnostic);
            }
        }
        match result {
            Ok(value) if unknown.is_empty() || unknown_keys == UnknownKeys::Ignored => Some(value),
            Ok(_) => None,
            Err(error) => {
                self.push_error(&error, &suggested, diagnostics);
                None
            }
        }
    }

    /// A syntax or type error as a diagnostic, unless it only repeats an unknown key already reported
    /// (`titel` with "did you mean `title`?" also leaves `title` missing).
    fn push_error(&self, error: &toml::de::Error, suggested: &[&str], diagnostics: &mut Diagnostics) {
        let message = error.message().trim_end().to_owned();
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            && suggested.contains(&missing)
        {
            return;
        }
        let location = error.span().map(|span| self.location(span.start));
        let help = if message.starts_with("missing field") {
            format!("add the missing key to the {}", self.what)
        } else if location.is_some() && span_is_syntax(&message) {
            "check the TOML syntax: strings need quotes, tables `[name]`, arrays `[a, b]`".to_owned()
        } else {
            "see the README for every key and its type".to_owned()
        };
        diagnostics.push(Diagnostic::error(location, format!("{}: {message}", self.what)).with_help(help));
    }
}

fn span_is_syntax(message: &str) -> bool {
    !message.starts_with("invalid type")
        && !message.starts_with("invalid value")
        && !message.starts_with("unknown variant")
}

/// `markdown.smart_punctuaton` as `["markdown", "smart_punctuaton"]`, `color_themes.0.labl` with `"0"`.
fn path_segments(path: &serde_ignored::Path<'_>) -> Vec<String> {
    let mut segments = match path {
        serde_ignored::Path::Root => return Vec::new(),
        serde_ignored::Path::Seq { parent, .. }
        | serde_ignored::Path::Map { parent, .. }
        | serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => path_segments(parent),
    };
    match path {
        serde_ignored::Path::Seq { index, .. } => segments.push(index.to_string()),
        serde_ignored::Path::Map { key, .. } => segments.push(key.clone()),
        _ => {}
    }
    segments
}

/// Where the key at the end of `path` is written in `table`.
fn key_span(table: &DeTable<'_>, path: &[String]) -> Option<std::ops::Range<usize>> {
    let (first, rest) = path.split_first()?;
    let (key, value) = table.iter().find(|(key, _)| key.get_ref() == first)?;
    if rest.is_empty() {
        return Some(key.span());
    }
    value_key_span(value.get_ref(), rest)
}

fn value_key_span(value: &DeValue<'_>, path: &[String]) -> Option<std::ops::Range<usize>> {
    match value {
        DeValue::Table(table) => key_span(table, path),
        DeValue::Array(items) => {
            let (index, rest) = path.split_first()?;
            let item = items.get(index.parse::<usize>().ok()?)?;
            value_key_span(item.get_ref(), rest)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Sample {
        #[allow(dead_code)]
        title: String,
    }

    impl TomlSchema for Sample {
        fn keys_at(_: &[&str]) -> &'static [&'static str] {
            &["title"]
        }
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
