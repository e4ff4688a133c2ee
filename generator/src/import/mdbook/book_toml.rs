//! `book.toml`: the keys of an mdBook book that have an edgedocs meaning, read with where each is
//! written. Every other key is reported once as ignored (a warning, never an error), so a book builds
//! unchanged whatever renderers and preprocessors it also configures.

use crate::diagnostics::{Diagnostic, Diagnostics, LineColumn, Location};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The file name of a book's configuration, at its root.
pub const BOOK_FILE: &str = "book.toml";

/// `book.toml`, the parts edgedocs uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookToml {
    /// `[book] title`.
    pub title: Option<String>,
    /// `[book] authors`.
    pub authors: Vec<String>,
    /// `[book] description`.
    pub description: Option<String>,
    /// `[book] language`.
    pub language: Option<String>,
    /// `[book] src`: the folder of the chapters. Default: `src`.
    pub src: String,
    /// `[output.html] git-repository-url`: a link in the header.
    pub git_repository_url: Option<Located<String>>,
    /// `[output.html] edit-url-template`, with `{path}` for the chapter's file under `src`.
    pub edit_url_template: Option<Located<String>>,
    /// `[output.html] site-url`: the path the book is served under (`/book/`).
    pub site_url: Option<Located<String>>,
    /// `[output.html] cname`: the host the book is served from.
    pub cname: Option<String>,
    /// `[output.html] no-section-label`: no chapter numbers in the navigation.
    pub no_section_label: bool,
    /// `[output.html] additional-css`: style sheets added to the theme's.
    pub additional_css: Vec<Located<String>>,
    /// `[output.html.redirect]`: old path -> new URL, each with where it is written.
    pub redirects: Vec<BookRedirect>,
}

/// A value and where it is written in `book.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

/// One entry of `[output.html.redirect]`: `"/old.html" = "new.html"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookRedirect {
    /// The old path, as written (`/old/page.html`).
    pub from: String,
    /// Where it goes, as written: a path relative to the old one, a site path or a URL.
    pub to: String,
    pub location: Location,
}

/// Reads `text`, the contents of `book.toml`: warnings for ignored keys, errors for a syntax error or a
/// known key of the wrong type.
pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<BookToml> {
    let reader = Reader { text, diagnostics };
    reader.read()
}

struct Reader<'a> {
    text: &'a str,
    diagnostics: &'a mut Diagnostics,
}

type Spanned<T> = toml::Spanned<T>;

impl Reader<'_> {
    fn location(&self, offset: usize) -> Location {
        Location::at_offset(Path::new(BOOK_FILE), self.text, offset, LineColumn::START)
    }

    fn read(mut self) -> Option<BookToml> {
        let document = match DeTable::parse(self.text) {
            Ok(document) => document,
            Err(error) => {
                let location = error.span().map(|span| self.location(span.start));
                self.diagnostics.push(
                    Diagnostic::error(location, format!("book.toml: {}", error.message().trim_end()))
                        .with_help("check the TOML syntax: strings need quotes, tables `[name]`, arrays `[a, b]`"),
                );
                return None;
            }
        };
        let errors_before = self.diagnostics.error_count();
        let mut book = BookToml {
            src: "src".to_owned(),
            ..BookToml::default()
        };
        for (key, value) in document.get_ref() {
            match (key.get_ref().as_ref(), value.get_ref()) {
                ("book", DeValue::Table(table)) => self.read_book(table, &mut book),
                ("output", DeValue::Table(table)) => self.read_output(table, &mut book),
                ("preprocessor", _) => self.ignored(key, "`preprocessor`", true),
                (name, _) => self.ignored(key, &format!("`{name}`"), false),
            }
        }
        (self.diagnostics.error_count() == errors_before).then_some(book)
    }

    fn read_book(&mut self, table: &DeTable<'_>, book: &mut BookToml) {
        for (key, value) in table {
            match key.get_ref().as_ref() {
                "title" => book.title = self.string(key, value),
                "description" => book.description = self.string(key, value),
                "language" => book.language = self.string(key, value),
                "src" => {
                    if let Some(src) = self.string(key, value) {
                        book.src = src;
                    }
                }
                "authors" => book.authors = self.strings(key, value).into_iter().map(|s| s.value).collect(),
                name => self.ignored(key, &format!("`book.{name}`"), false),
            }
        }
    }

    fn read_output(&mut self, table: &DeTable<'_>, book: &mut BookToml) {
        for (key, value) in table {
            match (key.get_ref().as_ref(), value.get_ref()) {
                ("html", DeValue::Table(html)) => self.read_html(html, book),
                (name, _) => self.ignored(key, &format!("the renderer `output.{name}`"), true),
            }
        }
    }

    fn read_html(&mut self, table: &DeTable<'_>, book: &mut BookToml) {
        for (key, value) in table {
            let located = |reader: &mut Self, key: &Spanned<_>, value| {
                reader.string(key, value).map(|text| Located {
                    value: text,
                    location: reader.location(value_span(value).start),
                })
            };
            match key.get_ref().as_ref() {
                "git-repository-url" => book.git_repository_url = located(self, key, value),
                "edit-url-template" => book.edit_url_template = located(self, key, value),
                "site-url" => book.site_url = located(self, key, value),
                "cname" => book.cname = self.string(key, value),
                "no-section-label" => match value.get_ref() {
                    DeValue::Boolean(flag) => book.no_section_label = *flag,
                    _ => self.wrong_type(key, value, "true or false"),
                },
                "additional-css" => book.additional_css = self.strings(key, value),
                "redirect" => match value.get_ref() {
                    DeValue::Table(redirects) => {
                        for (from, to) in redirects {
                            if let Some(target) = self.string(from, to) {
                                book.redirects.push(BookRedirect {
                                    from: from.get_ref().to_string(),
                                    to: target,
                                    location: self.location(from.span().start),
                                });
                            }
                        }
                    }
                    _ => self.wrong_type(key, value, "a table of `\"/old.html\" = \"new.html\"`"),
                },
                name => self.ignored(key, &format!("`output.html.{name}`"), false),
            }
        }
    }

    fn string(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, value: &Spanned<DeValue<'_>>) -> Option<String> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.to_string()),
            _ => {
                self.wrong_type(key, value, "a string in quotes");
                None
            }
        }
    }

    fn strings(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Vec<Located<String>> {
        match value.get_ref() {
            DeValue::Array(items) if items.iter().all(|item| matches!(item.get_ref(), DeValue::String(_))) => items
                .iter()
                .filter_map(|item| match item.get_ref() {
                    DeValue::String(text) => Some(Located {
                        value: text.to_string(),
                        location: self.location(item.span().start),
                    }),
                    _ => None,
                })
                .collect(),
            _ => {
                self.wrong_type(key, value, "an array of strings, e.g. `[\"a\", \"b\"]`");
                Vec::new()
            }
        }
    }

    fn wrong_type(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, value: &Spanned<DeValue<'_>>, expected: &str) {
        let location = self.location(value_span(value).start);
        self.diagnostics.push(
            Diagnostic::error(
                Some(location),
                format!("`{}` in book.toml must be {expected}", key.get_ref()),
            )
            .with_help("mdBook reads the same type; see its book.toml reference"),
        );
    }

    /// Reports `key` as ignored; `runs_a_tool` for the table of a renderer or preprocessor.
    fn ignored(&mut self, key: &Spanned<std::borrow::Cow<'_, str>>, what: &str, runs_a_tool: bool) {
        let location = self.location(key.span().start);
        let help = if runs_a_tool {
            "edgedocs renders the book itself and runs no other mdBook renderer or preprocessor; remove the table to silence this"
        } else {
            "edgedocs has no use for this key; remove it to silence this warning"
        };
        self.diagnostics
            .push(Diagnostic::warning(Some(location), format!("book.toml: {what} is ignored")).with_help(help));
    }
}

fn value_span(value: &Spanned<DeValue<'_>>) -> std::ops::Range<usize> {
    value.span()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Option<BookToml>, Vec<String>) {
        let mut diagnostics = Diagnostics::new();
        let book = parse(text, &mut diagnostics);
        diagnostics.sort();
        (book, diagnostics.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_keys_with_a_meaning_are_read() {
        let text = r#"[book]
title = "The Book"
authors = ["A", "B"]
description = "About things"
language = "fr"
src = "chapters"

[output.html]
git-repository-url = "https://github.com/o/book"
edit-url-template = "https://github.com/o/book/edit/main/chapters/{path}"
site-url = "/book/"
no-section-label = true
additional-css = ["theme/extra.css"]

[output.html.redirect]
"/old.html" = "new.html"
"#;
        let (book, messages) = read(text);
        assert!(messages.is_empty(), "{messages:?}");
        let book = book.unwrap();
        assert_eq!(book.title.as_deref(), Some("The Book"));
        assert_eq!(book.authors, ["A", "B"]);
        assert_eq!(book.language.as_deref(), Some("fr"));
        assert_eq!(book.src, "chapters");
        assert_eq!(book.site_url.unwrap().value, "/book/");
        assert!(book.no_section_label);
        assert_eq!(book.additional_css[0].value, "theme/extra.css");
        assert_eq!(book.additional_css[0].location.line, 13);
        assert_eq!(
            book.redirects,
            [BookRedirect {
                from: "/old.html".into(),
                to: "new.html".into(),
                location: Location::new("book.toml", 16, 1),
            }]
        );
    }

    #[test]
    fn every_other_key_is_a_warning_once_with_its_place() {
        let text = "[book]\ntitle = \"T\"\nmultilingual = false\n\n[rust]\nedition = \"2021\"\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n\n[output.html]\nfold.enable = true\nmathjax-support = true\n\n[output.linkcheck]\nfollow-web-links = false\n";
        let (book, messages) = read(text);
        assert_eq!(book.unwrap().src, "src");
        let firsts: Vec<&str> = messages.iter().map(|m| m.lines().next().unwrap()).collect();
        assert_eq!(
            firsts,
            [
                "warning: book.toml:3:1: book.toml: `book.multilingual` is ignored",
                "warning: book.toml:5:2: book.toml: `rust` is ignored",
                "warning: book.toml:8:2: book.toml: `preprocessor` is ignored",
                "warning: book.toml:12:1: book.toml: `output.html.fold` is ignored",
                "warning: book.toml:13:1: book.toml: `output.html.mathjax-support` is ignored",
                "warning: book.toml:15:9: book.toml: the renderer `output.linkcheck` is ignored",
            ]
        );
    }

    #[test]
    fn a_known_key_of_the_wrong_type_is_an_error() {
        let (book, messages) = read("[book]\ntitle = 3\n[output.html]\nno-section-label = \"yes\"\n");
        assert!(book.is_none());
        assert_eq!(messages.len(), 2);
        assert!(
            messages[0].starts_with("error: book.toml:2:9: `title` in book.toml must be a string"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].starts_with("error: book.toml:4:20: `no-section-label`"),
            "{}",
            messages[1]
        );
    }
}
