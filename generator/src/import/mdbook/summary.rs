//! `SUMMARY.md`, a book's table of contents: its title, prefix chapters, numbered chapters (nested
//! lists, any depth) with part titles and separators between them, draft chapters (`[Title]()`) and
//! suffix chapters. Read with pulldown-cmark; what the parser cannot place is reported with its
//! file:line:col. Turning chapters into pages is [`super::chapters`]' job.

use crate::diagnostics::{Diagnostic, LineColumn, Location};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The parsed table of contents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The `# Title` before every item, if any.
    pub title: Option<String>,
    /// Unnumbered chapters before the first list.
    pub prefix: Vec<SummaryItem>,
    /// The numbered chapters, with part titles and separators.
    pub numbered: Vec<SummaryItem>,
    /// Unnumbered chapters after the lists.
    pub suffix: Vec<SummaryItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryItem {
    Chapter(Chapter),
    /// `---`
    Separator,
    /// `# Part title` between numbered lists.
    PartTitle(String),
}

/// A chapter as the table of contents lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub name: String,
    /// The file, relative to the book's `src` folder; `None` for a draft (`[Title]()`).
    pub file: Option<String>,
    /// `[1, 2]` for chapter 1.2; empty for prefix and suffix chapters.
    pub number: Vec<u32>,
    pub nested: Vec<SummaryItem>,
    /// Where the chapter is listed.
    pub location: Location,
}

impl Chapter {
    /// The number as mdBook shows it: `1.2.`; `None` for unnumbered chapters.
    pub fn number_label(&self) -> Option<String> {
        (!self.number.is_empty()).then(|| self.number.iter().map(|n| format!("{n}.")).collect())
    }
}

/// Parses `text`, the contents of `file` (relative to the book root, for diagnostics).
pub fn parse(file: &Path, text: &str) -> Result<Summary, Diagnostic> {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new(text).into_offset_iter().collect();
    let mut parser = SummaryParser {
        file: file.to_path_buf(),
        text,
        events,
        position: 0,
    };
    parser.parse()
}

struct SummaryParser<'a> {
    file: PathBuf,
    text: &'a str,
    events: Vec<(Event<'a>, Range<usize>)>,
    position: usize,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Stage {
    Prefix,
    Numbered,
    Suffix,
}

impl<'a> SummaryParser<'a> {
    fn location(&self, offset: usize) -> Location {
        Location::at_offset(&self.file, self.text, offset, LineColumn::START)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Some(self.location(offset)), message).with_help(
            "SUMMARY.md lists chapters as `[Title](file.md)`: prefix chapters, then numbered ones in `-` lists \
             (part titles as `# Title`, separators as `---`), then suffix chapters",
        )
    }

    fn next(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        let event = self.events.get(self.position).cloned();
        self.position += 1;
        event
    }

    fn parse(&mut self) -> Result<Summary, Diagnostic> {
        let mut summary = Summary::default();
        let mut stage = Stage::Prefix;
        let mut seen_item = false;
        // Numbers continue across parts.
        let mut top_number = 0;
        while let Some((event, span)) = self.next() {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    let title = self.text_until(TagEnd::Heading(level));
                    if !seen_item && summary.title.is_none() && level == HeadingLevel::H1 {
                        summary.title = Some(title);
                        continue;
                    }
                    if stage == Stage::Suffix {
                        return Err(self.error(span.start, "a part title after the suffix chapters"));
                    }
                    stage = Stage::Numbered;
                    seen_item = true;
                    summary.numbered.push(SummaryItem::PartTitle(title));
                }
                Event::Rule => {
                    seen_item = true;
                    let list = match stage {
                        Stage::Prefix => &mut summary.prefix,
                        Stage::Numbered => &mut summary.numbered,
                        Stage::Suffix => &mut summary.suffix,
                    };
                    list.push(SummaryItem::Separator);
                }
                Event::Start(Tag::Paragraph) => {
                    seen_item = true;
                    let chapters = self.paragraph_links(span.start)?;
                    if stage == Stage::Numbered {
                        stage = Stage::Suffix;
                    }
                    let list = if stage == Stage::Prefix {
                        &mut summary.prefix
                    } else {
                        &mut summary.suffix
                    };
                    list.extend(chapters.into_iter().map(SummaryItem::Chapter));
                }
                Event::Start(Tag::List(_)) => {
                    seen_item = true;
                    if stage == Stage::Suffix {
                        return Err(self.error(
                            span.start,
                            "a numbered list after the suffix chapters: suffix chapters come last",
                        ));
                    }
                    stage = Stage::Numbered;
                    let items = self.list(&[], &mut top_number)?;
                    summary.numbered.extend(items);
                }
                Event::Html(_) | Event::InlineHtml(_) | Event::SoftBreak | Event::HardBreak => {}
                Event::End(_) => {}
                Event::Text(text) if text.trim().is_empty() => {}
                _ => return Err(self.error(span.start, "SUMMARY.md has something here that is not a chapter")),
            }
        }
        Ok(summary)
    }

    /// The text of the events up to `end`, which is consumed.
    fn text_until(&mut self, end: TagEnd) -> String {
        let mut text = String::new();
        while let Some((event, _)) = self.next() {
            match event {
                Event::End(found) if found == end => break,
                Event::Text(part) | Event::Code(part) => text.push_str(&part),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        text.trim().to_owned()
    }

    /// The links of a paragraph of prefix or suffix chapters.
    fn paragraph_links(&mut self, start: usize) -> Result<Vec<Chapter>, Diagnostic> {
        let mut chapters = Vec::new();
        while let Some((event, span)) = self.next() {
            match event {
                Event::End(TagEnd::Paragraph) => break,
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let name = self.text_until(TagEnd::Link);
                    chapters.push(self.chapter(name, &dest_url, Vec::new(), span.start));
                }
                Event::SoftBreak | Event::HardBreak | Event::Html(_) | Event::InlineHtml(_) => {}
                Event::Text(text) if text.trim().is_empty() => {}
                _ => {
                    return Err(self.error(
                        span.start.max(start),
                        "text in SUMMARY.md that is not a link to a chapter",
                    ));
                }
            }
        }
        Ok(chapters)
    }

    fn chapter(&self, name: String, dest: &str, number: Vec<u32>, offset: usize) -> Chapter {
        let file = (!dest.trim().is_empty()).then(|| {
            let decoded = percent_encoding::percent_decode_str(dest.trim()).decode_utf8_lossy();
            decoded.trim_start_matches("./").to_owned()
        });
        Chapter {
            name,
            file,
            number,
            nested: Vec::new(),
            location: self.location(offset),
        }
    }

    /// A list (its `Start` consumed) of numbered chapters under `parent`, numbered from `counter`.
    fn list(&mut self, parent: &[u32], counter: &mut u32) -> Result<Vec<SummaryItem>, Diagnostic> {
        let mut items = Vec::new();
        while let Some((event, span)) = self.next() {
            match event {
                Event::End(TagEnd::List(_)) => break,
                Event::Start(Tag::Item) => {
                    *counter += 1;
                    let mut number = parent.to_vec();
                    number.push(*counter);
                    items.push(SummaryItem::Chapter(self.item(number, span.start)?));
                }
                _ => {}
            }
        }
        Ok(items)
    }

    /// A list item (its `Start` consumed): one link, then an optional nested list.
    fn item(&mut self, number: Vec<u32>, start: usize) -> Result<Chapter, Diagnostic> {
        let mut chapter: Option<Chapter> = None;
        while let Some((event, span)) = self.next() {
            match event {
                Event::End(TagEnd::Item) => break,
                Event::Start(Tag::Link { dest_url, .. }) if chapter.is_none() => {
                    let name = self.text_until(TagEnd::Link);
                    chapter = Some(self.chapter(name, &dest_url, number.clone(), span.start));
                }
                Event::Start(Tag::List(_)) => {
                    let Some(parent) = chapter.as_mut() else {
                        return Err(self.error(span.start, "a nested list under an item that is not a chapter link"));
                    };
                    let mut counter = 0;
                    let nested = self.list(&number, &mut counter)?;
                    parent.nested.extend(nested);
                }
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
                Event::SoftBreak | Event::HardBreak | Event::Html(_) | Event::InlineHtml(_) => {}
                Event::Text(text) if text.trim().is_empty() => {}
                _ => {
                    return Err(self.error(
                        span.start,
                        "a list item of SUMMARY.md must be a link to a chapter, `[Title](file.md)`",
                    ));
                }
            }
        }
        chapter.ok_or_else(|| self.error(start, "an empty list item in SUMMARY.md"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(items: &[SummaryItem], depth: usize, out: &mut Vec<String>) {
        for item in items {
            match item {
                SummaryItem::Chapter(chapter) => {
                    out.push(format!(
                        "{}{}{} -> {}",
                        "  ".repeat(depth),
                        chapter.number_label().map(|n| format!("{n} ")).unwrap_or_default(),
                        chapter.name,
                        chapter.file.as_deref().unwrap_or("(draft)")
                    ));
                    outline(&chapter.nested, depth + 1, out);
                }
                SummaryItem::Separator => out.push(format!("{}---", "  ".repeat(depth))),
                SummaryItem::PartTitle(title) => out.push(format!("# {title}")),
            }
        }
    }

    fn render(summary: &Summary) -> Vec<String> {
        let mut out = Vec::new();
        outline(&summary.prefix, 0, &mut out);
        out.push("==".into());
        outline(&summary.numbered, 0, &mut out);
        out.push("==".into());
        outline(&summary.suffix, 0, &mut out);
        out
    }

    #[test]
    fn every_kind_of_entry_is_read_in_order() {
        let text = "# Summary\n\n[Introduction](README.md)\n[Foreword](./foreword.md)\n\n---\n\n# Getting started\n\n- [Install](install.md)\n    - [On Linux](install/linux.md)\n        - [From source](install/linux/source.md)\n    - [Later]()\n- [`Option` and you](option%20you.md)\n\n---\n\n# Reference\n\n- [Syntax](syntax.md)\n\n---\n\n[Contributors](contributors.md)\n";
        let summary = parse(Path::new("src/SUMMARY.md"), text).unwrap();
        assert_eq!(summary.title.as_deref(), Some("Summary"));
        assert_eq!(
            render(&summary),
            [
                "Introduction -> README.md",
                "Foreword -> foreword.md",
                "---",
                "==",
                "# Getting started",
                "1. Install -> install.md",
                "  1.1. On Linux -> install/linux.md",
                "    1.1.1. From source -> install/linux/source.md",
                "  1.2. Later -> (draft)",
                "2. Option and you -> option you.md",
                "---",
                "# Reference",
                "3. Syntax -> syntax.md",
                "---",
                "==",
                "Contributors -> contributors.md",
            ]
        );
        let SummaryItem::Chapter(install) = &summary.numbered[1] else {
            panic!("not a chapter")
        };
        assert_eq!(install.location, Location::new("src/SUMMARY.md", 10, 3));
    }

    #[test]
    fn text_that_is_not_a_chapter_is_an_error_with_its_place() {
        let error = parse(Path::new("src/SUMMARY.md"), "# Summary\n\n- [A](a.md)\n- just text\n").unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("error: src/SUMMARY.md:4:3: a list item of SUMMARY.md must be a link"),
            "{message}"
        );
        let error = parse(
            Path::new("src/SUMMARY.md"),
            "[A](a.md)\n\n- [B](b.md)\n\n[C](c.md)\n\n- [D](d.md)\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("src/SUMMARY.md:7:1: a numbered list after the suffix"),
            "{error}"
        );
    }
}
