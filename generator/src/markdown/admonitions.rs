//! Admonitions: GitHub-style `> [!NOTE]` ... `> [!CAUTION]` blockquotes become labelled asides.

use pulldown_cmark::{BlockQuoteKind, CowStr, Event, Tag, TagEnd};

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
