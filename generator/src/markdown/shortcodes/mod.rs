//! Shortcodes: `{{ name(arg=value) }}` inline and `{% name(arg=value) %}body{% end %}` in a page's
//! Markdown, rendered from tera templates (see [`registry`]) in one pass over the source, before the
//! Markdown is parsed. Calls inside code (fenced, indented or inline) stay as written, and so does an
//! escaped call, `{{/* name() */}}`, which is written without its `/* */`.
//!
//! An HTML shortcode's output is kept aside and its call replaced by a placeholder comment that the
//! Markdown renderer passes through, then swapped back into the page's HTML ([`Expanded::fill`]), so
//! it is never read as Markdown; a Markdown shortcode's output is read with the page (and may call
//! shortcodes itself). Lines after a call keep their numbers where the output is not longer than the call.

mod args;
mod registry;

pub(crate) use registry::{ShortcodeSource, Shortcodes};

use crate::diagnostics::{Diagnostic, LineColumn, Location};
use args::parse_arguments;
use registry::Output;
use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

/// How deep Markdown shortcodes may call shortcodes in their output.
const MAX_DEPTH: usize = 8;
const PLACEHOLDER_START: &str = "<!--edgedocs-shortcode-";
const PLACEHOLDER_END: &str = "-->";

/// What a page's shortcodes need.
pub(crate) struct ShortcodeInput<'a> {
    pub file: &'a Path,
    /// The page's body and the line of the file it starts on.
    pub body: &'a str,
    pub body_line: usize,
    pub shortcodes: &'a Shortcodes,
    /// `page` in the templates: the page's title, path, permalink and `extra`.
    pub page: &'a tera::Value,
    /// A site of another generator: a call that fails to render is a warning and is left out.
    pub lenient: bool,
}

/// The body with its shortcodes expanded.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    /// The Markdown to render: Markdown shortcodes' output in place, HTML ones as placeholders.
    pub markdown: String,
    /// The HTML shortcodes' output, by placeholder number.
    html: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Expanded {
    /// `rendered` (the HTML of [`Self::markdown`]) with each placeholder replaced by its shortcode's
    /// HTML.
    pub(crate) fn fill(&self, rendered: &str) -> String {
        if self.html.is_empty() {
            return rendered.to_owned();
        }
        let mut filled = String::with_capacity(rendered.len());
        let mut rest = rendered;
        while let Some(start) = rest.find(PLACEHOLDER_START) {
            filled.push_str(&rest[..start]);
            let after = &rest[start + PLACEHOLDER_START.len()..];
            let number = after
                .find(PLACEHOLDER_END)
                .and_then(|end| Some((after[..end].parse::<usize>().ok()?, end)));
            match number.and_then(|(number, end)| Some((self.html.get(number)?, end))) {
                Some((html, end)) => {
                    filled.push_str(html);
                    rest = &after[end + PLACEHOLDER_END.len()..];
                }
                None => {
                    filled.push_str(PLACEHOLDER_START);
                    rest = after;
                }
            }
        }
        filled.push_str(rest);
        filled
    }

    /// The Markdown with the HTML shortcodes' output in place, for the page's Markdown twin.
    pub(crate) fn markdown_with_html(&self) -> String {
        self.fill(&self.markdown)
    }
}

/// Expands every shortcode call of `input.body`.
pub(crate) fn expand(input: &ShortcodeInput<'_>) -> Expanded {
    let mut expanded = Expanded::default();
    if !input.body.contains("{{") && !input.body.contains("{%") {
        expanded.markdown = input.body.to_owned();
        return expanded;
    }
    let mut calls = HashMap::new();
    expanded.markdown = expand_text(input, input.body, 0, &mut calls, &mut expanded);
    expanded
}

/// A call found in the text.
struct Call<'a> {
    name: &'a str,
    arguments: &'a str,
    /// The byte range of the whole call, its block's body and `{% end %}` included.
    range: Range<usize>,
    body: Option<&'a str>,
}

fn expand_text(
    input: &ShortcodeInput<'_>,
    text: &str,
    depth: usize,
    calls: &mut HashMap<String, usize>,
    expanded: &mut Expanded,
) -> String {
    let code = code_ranges(text);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = text[at..].find(['{']).map(|offset| at + offset) {
        out.push_str(&text[at..found]);
        let rest = &text[found..];
        if !(rest.starts_with("{{") || rest.starts_with("{%")) {
            out.push('{');
            at = found + 1;
            continue;
        }
        if let Some(range) = code.iter().find(|range| range.contains(&found)) {
            out.push_str(&text[found..range.end]);
            at = range.end;
            continue;
        }
        if let Some((literal, length)) = escaped_call(rest) {
            out.push_str(&literal);
            at = found + length;
            continue;
        }
        let location = || {
            if depth == 0 {
                Location::at_offset(
                    input.file,
                    text,
                    found,
                    LineColumn {
                        line: input.body_line,
                        column: 1,
                    },
                )
            } else {
                Location::at_offset(
                    input.file,
                    input.body,
                    0,
                    LineColumn {
                        line: input.body_line,
                        column: 1,
                    },
                )
            }
        };
        match find_call(text, found) {
            Some(Ok(call)) => {
                let replacement = match parse_arguments(call.arguments) {
                    Some(arguments) => render_call(input, &call, &arguments, depth, calls, expanded, location()),
                    // Not literal arguments: template text (`{{ get_url(path=asset) }}`), unless the
                    // name is a shortcode's.
                    None if !input.shortcodes.has(call.name) => text[call.range.clone()].to_owned(),
                    None => {
                        expanded.diagnostics.push(
                            Diagnostic::error(
                                Some(location()),
                                format!(
                                    "the shortcode `{}` has arguments that are not literals: `{}`",
                                    call.name,
                                    call.arguments.trim()
                                ),
                            )
                            .with_help("write `name = value` pairs separated by commas; values are strings in quotes, numbers, true/false or [arrays]"),
                        );
                        String::new()
                    }
                };
                out.push_str(&replacement);
                // Keep the lines after the call where they were, when the output is shorter.
                let lines = text[call.range.clone()].matches('\n').count();
                let written = replacement.matches('\n').count();
                if lines > written {
                    out.push_str(&"\n".repeat(lines - written));
                }
                at = call.range.end;
            }
            Some(Err(message)) => {
                expanded
                    .diagnostics
                    .push(Diagnostic::error(Some(location()), message).with_help(
                        "close a block shortcode with `{% end %}` on its own, e.g. `{% note() %}text{% end %}`",
                    ));
                out.push_str(&rest[..2]);
                at = found + 2;
            }
            None => {
                out.push_str(&rest[..2]);
                at = found + 2;
            }
        }
    }
    out.push_str(&text[at..]);
    out
}

/// `{{/* name(...) */}}` -> `{{ name(...) }}`, and the same for `{%/* ... */%}`: the literal text and
/// how long the escaped call is.
fn escaped_call(text: &str) -> Option<(String, usize)> {
    let (open, close, end) = if text.starts_with("{{/*") {
        ("{{", "}}", "*/}}")
    } else if text.starts_with("{%/*") {
        ("{%", "%}", "*/%}")
    } else {
        return None;
    };
    let inner_end = text.find(end)?;
    let inner = &text[4..inner_end];
    Some((format!("{open}{inner}{close}"), inner_end + end.len()))
}

/// The call at `start` of `text` (which starts with `{{` or `{%`): `None` when the text there is not
/// a call (`{{ page.title }}`), `Err` for a block that is never closed or an `{% end %}` alone.
fn find_call(text: &str, start: usize) -> Option<Result<Call<'_>, String>> {
    let (head, is_block) = parse_head(text, start)?;
    let Head {
        name,
        arguments,
        end: head_end,
    } = head;
    if name == "end" && is_block && arguments.is_none() {
        return Some(Err("`{% end %}` closes no shortcode".to_owned()));
    }
    let arguments = arguments?;
    if !is_block {
        return Some(Ok(Call {
            name,
            arguments,
            range: start..head_end,
            body: None,
        }));
    }
    // Find the matching `{% end %}`, counting blocks opened in between.
    let mut depth = 1;
    let mut at = head_end;
    while let Some(offset) = text[at..].find("{%") {
        let position = at + offset;
        match parse_head(text, position) {
            Some((inner, true)) if inner.name == "end" && inner.arguments.is_none() => {
                depth -= 1;
                if depth == 0 {
                    return Some(Ok(Call {
                        name,
                        arguments,
                        range: start..inner.end,
                        body: Some(&text[head_end..position]),
                    }));
                }
                at = inner.end;
            }
            Some((inner, true)) if inner.arguments.is_some() => {
                depth += 1;
                at = inner.end;
            }
            _ => at = position + 2,
        }
    }
    Some(Err(format!(
        "the shortcode `{name}` is opened here and never closed with `{{% end %}}`"
    )))
}

struct Head<'a> {
    name: &'a str,
    /// The text between the parentheses; `None` for `{% end %}`.
    arguments: Option<&'a str>,
    /// Where the head ends (after `}}` or `%}`).
    end: usize,
}

/// Reads `{{ name(args) }}` or `{% name(args) %}` (or `{% end %}`) at `start`, and whether it is a
/// block tag.
fn parse_head(text: &str, start: usize) -> Option<(Head<'_>, bool)> {
    let rest = &text[start..];
    let is_block = rest.starts_with("{%");
    let close = if is_block { "%}" } else { "}}" };
    let after_open = rest.get(2..)?;
    let trimmed = after_open.trim_start_matches([' ', '\t']);
    let mut at = start + 2 + (after_open.len() - trimmed.len());
    let name_length = args::identifier_length(trimmed);
    if name_length == 0 {
        return None;
    }
    let name = &trimmed[..name_length];
    at += name_length;
    let after_name = &text[at..];
    if name == "end" && is_block {
        let after = after_name.trim_start_matches([' ', '\t']);
        if after.starts_with(close) {
            let end = at + (after_name.len() - after.len()) + close.len();
            return Some((
                Head {
                    name,
                    arguments: None,
                    end,
                },
                true,
            ));
        }
    }
    let after_name_trimmed = after_name.trim_start_matches([' ', '\t']);
    at += after_name.len() - after_name_trimmed.len();
    if !after_name_trimmed.starts_with('(') {
        return None;
    }
    let arguments_start = at + 1;
    let arguments_end = arguments_start + closing_parenthesis(&text[arguments_start..])?;
    let after_arguments = &text[arguments_end + 1..];
    let after = after_arguments.trim_start_matches([' ', '\t']);
    if !after.starts_with(close) {
        return None;
    }
    let end = arguments_end + 1 + (after_arguments.len() - after.len()) + close.len();
    Some((
        Head {
            name,
            arguments: Some(&text[arguments_start..arguments_end]),
            end,
        },
        is_block,
    ))
}

/// The offset of the `)` that closes the arguments, skipping over quoted strings; none past a line
/// break outside a string or a closing tag.
fn closing_parenthesis(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (index, c) in text.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                ')' => return Some(index),
                '}' | '%' if text[index..].starts_with("}}") || text[index..].starts_with("%}") => return None,
                _ => {}
            },
        }
    }
    None
}

fn render_call(
    input: &ShortcodeInput<'_>,
    call: &Call<'_>,
    arguments: &args::Arguments,
    depth: usize,
    calls: &mut HashMap<String, usize>,
    expanded: &mut Expanded,
    location: Location,
) -> String {
    let problem = |message: String| {
        if input.lenient {
            Diagnostic::warning(Some(location.clone()), message)
        } else {
            Diagnostic::error(Some(location.clone()), message)
        }
    };
    if !input.shortcodes.has(call.name) {
        let diagnostic = match input.shortcodes.broken(call.name) {
            Some(template) => problem(format!(
                "the shortcode `{}` is left out: its template does not compile",
                call.name
            ))
            .with_help(format!("see the error reported for `{}`", template.display())),
            None => {
                let known: Vec<&str> = input.shortcodes.names().collect();
                Diagnostic::error(Some(location), format!("unknown shortcode `{}`", call.name)).with_help(
                    if known.is_empty() {
                        format!("there are no shortcodes: add `templates/shortcodes/{}.html`", call.name)
                    } else {
                        format!(
                            "known shortcodes: {}; or add `templates/shortcodes/{}.html`",
                            known.join(", "),
                            call.name
                        )
                    },
                )
            }
        };
        expanded.diagnostics.push(diagnostic);
        return String::new();
    }
    let nth = {
        let count = calls.entry(call.name.to_owned()).or_insert(0);
        *count += 1;
        *count
    };
    match input
        .shortcodes
        .render(call.name, arguments, call.body, nth, input.page)
    {
        Ok((html, Output::Html)) => {
            let placeholder = format!("{PLACEHOLDER_START}{}{PLACEHOLDER_END}", expanded.html.len());
            expanded.html.push(html);
            placeholder
        }
        // A template file's final line break would end the line the call is on.
        Ok((markdown, Output::Markdown)) if depth < MAX_DEPTH => expand_text(
            input,
            markdown.trim_end_matches(['\n', '\r']),
            depth + 1,
            calls,
            expanded,
        ),
        Ok(_) => {
            expanded.diagnostics.push(
                Diagnostic::error(
                    Some(location),
                    format!(
                        "shortcodes call each other more than {MAX_DEPTH} deep from `{}`",
                        call.name
                    ),
                )
                .with_help("a Markdown shortcode's output calls shortcodes; check that none calls itself"),
            );
            String::new()
        }
        Err(message) => {
            expanded.diagnostics.push(
                problem(format!(
                    "the shortcode `{}` could not be rendered: {message}",
                    call.name
                ))
                .with_help("check the call's arguments against the variables its template uses"),
            );
            String::new()
        }
    }
}

/// The byte ranges of `text` that are code: fenced and indented blocks and inline code spans.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    let options = super::parser_options(super::MarkdownOptions {
        smart_punctuation: false,
        heading_ids: super::headings::HeadingIds::Github,
    });
    Parser::new_ext(text, options)
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)))
        .map(|(_, range)| range)
        .collect()
}

#[cfg(test)]
mod tests;
