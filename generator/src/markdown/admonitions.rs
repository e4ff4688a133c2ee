//! Admonitions: GitHub-style `> [!NOTE]` ... `> [!CAUTION]` blockquotes become labelled asides, and a
//! blockquote opened by a marker of another kind (`> [!DANGER]`) gets a warning instead of showing the
//! marker as text.

use crate::diagnostics::{Diagnostic, Location, closest_match};
use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};
use std::ops::Range;

/// Replaces GitHub alert blockquotes by `<aside class="admonition admonition--{kind}">`.
pub fn process(events: &mut [Event<'_>]) {
    for event in events.iter_mut() {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = names(*kind);
                *event = Event::Html(CowStr::from(format!(
                    "<aside class=\"admonition admonition--{class}\" role=\"note\"><p class=\"admonition__title\">{title}</p>\n"
                )));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => *event = Event::Html(CowStr::Borrowed("</aside>\n")),
            _ => {}
        }
    }
}

fn names(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The markers of the known kinds, for messages.
const KNOWN_MARKERS: [&str; 5] = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

/// Finds blockquotes that open with a marker of an unknown kind (`> [!DANGER]`, `> [!WARN]`), which the
/// parser leaves as text: warns at the marker with the closest known kind, and removes the marker, so
/// the blockquote renders as a plain one instead of showing `[!DANGER]` to readers. Runs on the events
/// with their byte ranges in the body; `location` maps a byte offset to a file location.
pub fn check_unknown_markers(
    events: &mut Vec<(Event<'_>, Range<usize>)>,
    location: impl Fn(usize) -> Location,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut index = 0;
    while index + 2 < events.len() {
        let opens_quote = matches!(events[index].0, Event::Start(Tag::BlockQuote(None)))
            && matches!(events[index + 1].0, Event::Start(Tag::Paragraph));
        if !opens_quote {
            index += 1;
            continue;
        }
        let first_text = index + 2;
        let mut end = first_text;
        let mut written = String::new();
        while let Some((Event::Text(text), _)) = events.get(end) {
            written.push_str(text);
            end += 1;
        }
        let Some(kind) = unknown_marker(&written) else {
            index += 1;
            continue;
        };
        let marker_start = events[first_text].1.start;
        let upper = kind.to_ascii_uppercase();
        let diagnostic = Diagnostic::warning(
            Some(location(marker_start)),
            format!("unknown admonition `[!{kind}]`: it renders as a plain blockquote"),
        );
        let lower = kind.to_ascii_lowercase();
        let candidates = KNOWN_MARKERS.map(str::to_ascii_lowercase);
        let help = match closest_match(&lower, candidates.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `[!{}]`?", close.to_ascii_uppercase()),
            None => format!(
                "`[!{upper}]` is not a kind; the kinds are {}",
                KNOWN_MARKERS.map(|known| format!("`[!{known}]`")).join(", ")
            ),
        };
        diagnostics.push(diagnostic.with_help(help));
        // The marker's line goes, with the line break after it; a paragraph left empty goes too.
        let mut remove_to = end;
        if matches!(events.get(remove_to), Some((Event::SoftBreak | Event::HardBreak, _))) {
            remove_to += 1;
        }
        if matches!(events.get(remove_to), Some((Event::End(TagEnd::Paragraph), _))) {
            events.drain(index + 1..=remove_to);
        } else {
            events.drain(first_text..remove_to);
        }
        index += 1;
    }
}

/// `DANGER` for `[!DANGER]`: a marker's shape (letters between `[!` and `]`) whose kind the parser did
/// not take.
fn unknown_marker(written: &str) -> Option<&str> {
    let kind = written.trim().strip_prefix("[!")?.strip_suffix(']')?;
    let is_word = !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic() || c == '-' || c == '_');
    let known = KNOWN_MARKERS.iter().any(|known| known.eq_ignore_ascii_case(kind));
    (is_word && !known).then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn checked(markdown: &str) -> (String, Vec<String>) {
        let mut events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(markdown, Options::ENABLE_GFM)
            .into_offset_iter()
            .collect();
        let mut diagnostics = Vec::new();
        let location = |offset| {
            Location::at_offset(
                std::path::Path::new("content/a.md"),
                markdown,
                offset,
                crate::diagnostics::LineColumn::START,
            )
        };
        check_unknown_markers(&mut events, location, &mut diagnostics);
        let mut plain: Vec<Event<'_>> = events.into_iter().map(|(event, _)| event).collect();
        process(&mut plain);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, plain.into_iter());
        (html, diagnostics.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn an_unknown_marker_warns_with_the_closest_kind_and_is_not_shown() {
        let (html, warnings) = checked("Intro.\n\n> [!WARN]\n> Back up first.\n");
        assert_eq!(
            html,
            "<p>Intro.</p>\n<blockquote>\n<p>Back up first.</p>\n</blockquote>\n"
        );
        assert_eq!(
            warnings,
            [
                "warning: content/a.md:3:3: unknown admonition `[!WARN]`: it renders as a plain blockquote\n  help: did you mean `[!WARNING]`?"
            ]
        );
    }

    #[test]
    fn a_marker_with_no_close_kind_lists_the_kinds() {
        let (html, warnings) = checked("> [!DANGER]\n>\n> Do not.\n");
        assert_eq!(html, "<blockquote>\n<p>Do not.</p>\n</blockquote>\n");
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("warning: content/a.md:1:3: unknown admonition `[!DANGER]`"),
            "{}",
            warnings[0]
        );
        assert!(
            warnings[0].contains("the kinds are `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn known_kinds_plain_quotes_and_code_are_left_alone() {
        for markdown in [
            "> [!NOTE]\n> Fine.\n",
            "> [!tip]\n> Fine.\n",
            "> Just a quote with [!brackets] inside.\n",
            "> [!DANGER] with words after is text\n",
            "```md\n> [!DANGER]\n> in a fence\n```\n",
            "[!DANGER]\n",
        ] {
            let (_, warnings) = checked(markdown);
            assert!(warnings.is_empty(), "{markdown:?}: {warnings:?}");
        }
        let (html, _) = checked("> [!NOTE]\n> Fine.\n");
        assert!(
            html.starts_with("<aside class=\"admonition admonition--note\""),
            "{html}"
        );
    }

    #[test]
    fn a_nested_quote_is_checked_too() {
        let (html, warnings) = checked("> Outer.\n>\n> > [!INFO]\n> > Inner.\n");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(!html.contains("[!INFO]"), "{html}");
    }
}
