//! A document's sections as the search index sees them, read from its Markdown events: the text
//! before the first heading, then one section per heading with its heading trail and plain text (code
//! blocks included, raw HTML left out). It reads the events before code blocks are rendered, so code is
//! still text, and takes the heading ids the heading pass gave, in the same order.

use edgedocs_search::SectionFragment;
use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

/// A document's sections before their headings have ids.
#[derive(Debug, Default)]
pub(crate) struct Outline {
    /// The text before the first heading.
    intro: String,
    headed: Vec<HeadedSection>,
}

#[derive(Debug)]
struct HeadedSection {
    level: HeadingLevel,
    heading: String,
    text: String,
}

/// Reads the sections of a body's events. With `drop_title_heading`, a leading `#` heading is left out,
/// as the heading pass leaves it out (it became the page title).
pub(crate) fn read_outline(events: &[(Event<'_>, Range<usize>)], drop_title_heading: bool) -> Outline {
    let mut outline = Outline::default();
    let mut skip_until = 0;
    if drop_title_heading && let Some(end) = leading_h1_end(events) {
        skip_until = end + 1;
    }
    let mut heading: Option<(HeadingLevel, String)> = None;
    for (event, _) in &events[skip_until..] {
        let text = match &mut heading {
            Some((_, heading_text)) => heading_text,
            None => outline
                .headed
                .last_mut()
                .map_or(&mut outline.intro, |section| &mut section.text),
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((*level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, heading_text)) = heading.take() {
                    outline.headed.push(HeadedSection {
                        level,
                        heading: collapse_whitespace(&heading_text),
                        text: String::new(),
                    });
                }
            }
            Event::Text(content) | Event::Code(content) | Event::InlineMath(content) | Event::DisplayMath(content) => {
                text.push_str(content)
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::TableCell) => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::BlockQuote(_)
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
                | TagEnd::FootnoteDefinition,
            ) => text.push('\n'),
            _ => {}
        }
    }
    outline
}

/// The sections with their anchors (`heading_ids`, one per heading in order, from the heading pass)
/// and heading trails.
pub(crate) fn into_sections(outline: Outline, heading_ids: &[String]) -> Vec<SectionFragment> {
    let mut sections = Vec::with_capacity(outline.headed.len() + 1);
    sections.push(SectionFragment {
        anchor: String::new(),
        heading: String::new(),
        trail: Vec::new(),
        text: collapse_whitespace(&outline.intro),
    });
    let mut open: Vec<(HeadingLevel, String)> = Vec::new();
    for (section, anchor) in outline.headed.into_iter().zip(heading_ids) {
        while open.last().is_some_and(|(level, _)| *level >= section.level) {
            open.pop();
        }
        sections.push(SectionFragment {
            anchor: anchor.clone(),
            heading: section.heading.clone(),
            trail: open.iter().map(|(_, heading)| heading.clone()).collect(),
            text: collapse_whitespace(&section.text),
        });
        open.push((section.level, section.heading));
    }
    sections
}

/// The index of the `End` of a leading h1 (only blank HTML may come before it), the way the heading
/// pass finds it.
fn leading_h1_end(events: &[(Event<'_>, Range<usize>)]) -> Option<usize> {
    let start = events.iter().position(
        |(event, _)| !matches!(event, Event::Html(html) | Event::InlineHtml(html) if html.trim().is_empty()),
    )?;
    if !matches!(
        events[start].0,
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        })
    ) {
        return None;
    }
    (start..events.len()).find(|&i| matches!(events[i].0, Event::End(TagEnd::Heading(HeadingLevel::H1))))
}

/// Whitespace runs (code's indentation and newlines) as one space: the index needs no layout, and
/// the fragment files stay small.
fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::headings;
    use pulldown_cmark::{Options, Parser};

    fn sections(markdown: &str, drop_title_heading: bool) -> Vec<SectionFragment> {
        let events: Vec<(Event<'_>, Range<usize>)> =
            Parser::new_ext(markdown, Options::all()).into_offset_iter().collect();
        let outline = read_outline(&events, drop_title_heading);
        let (_, outcome) = headings::process(
            events.into_iter().map(|(event, _)| event).collect(),
            drop_title_heading,
            headings::HeadingIds::Github,
        );
        into_sections(outline, &outcome.ids)
    }

    #[test]
    fn headings_split_the_text_into_sections_with_trails_and_anchors() {
        let markdown = "# KV\n\nIntro *text*.\n\n## Design\n\nWhy.\n\n### The keyspace as an index\n\nKeys `sort`.\n\n```js\nawait env.KV.list({\n  prefix: \"a\" })\n```\n\n## Limits {#limits}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let sections = sections(markdown, true);
        let summary: Vec<(&str, &str, Vec<String>, &str)> = sections
            .iter()
            .map(|s| (s.anchor.as_str(), s.heading.as_str(), s.trail.clone(), s.text.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("", "", vec![], "Intro text."),
                ("design", "Design", vec![], "Why."),
                (
                    "the-keyspace-as-an-index",
                    "The keyspace as an index",
                    vec!["Design".to_owned()],
                    "Keys sort. await env.KV.list({ prefix: \"a\" })"
                ),
                ("limits", "Limits", vec![], "a b 1 2"),
            ]
        );
    }

    #[test]
    fn a_title_heading_is_left_out_only_when_it_became_the_title() {
        assert_eq!(sections("# Title\n\nText.\n", false)[1].heading, "Title");
        assert_eq!(sections("# Title\n\nText.\n", true).len(), 1);
        assert_eq!(sections("Text first.\n\n# Title\n", true)[1].anchor, "title");
    }

    #[test]
    fn raw_html_is_not_text_and_repeated_headings_get_the_ids_the_page_has() {
        let sections = sections("<div id=\"x\">hidden</div>\n\n## Usage\n\na\n\n## Usage\n\nb\n", false);
        assert_eq!(sections[0].text, "");
        assert_eq!(sections[1].anchor, "usage");
        assert_eq!(sections[2].anchor, "usage-1");
        assert_eq!(sections[2].text, "b");
    }
}
