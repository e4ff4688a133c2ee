//! A book's chapters as the documents of the content tree: each file `SUMMARY.md` lists becomes a page
//! (a section when chapters are nested under it), at the URL of its file (`guide/setup.md` ->
//! `/guide/setup/`, `README.md` and `index.md` -> their folder), titled as the table of contents names
//! it, numbered as mdBook numbers it, with its directives expanded. Part titles, separators and draft
//! chapters become navigation notes. A `README.md` or `index.md` listed first becomes the home page;
//! otherwise the home page lists the chapters.

use super::Book;
use super::directives;
use super::summary::{Chapter, Summary, SummaryItem};
use crate::config::SiteConfig;
use crate::content::front_matter::FrontMatter;
use crate::content::tree::{DocumentKind, NavNote, OutlineDocument, first_heading};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site_root::{MAX_SOURCE_BYTES, SitePathError, slash_path};
use rayon::prelude::*;
use std::path::Path;

/// The documents of the book, the home page first, each after its parent.
pub fn outline(
    config: &SiteConfig,
    book: &Book,
    summary: &Summary,
    diagnostics: &mut Diagnostics,
) -> Vec<OutlineDocument> {
    let numbered = !book.settings.no_section_label;
    let mut planned = vec![Planned::home(&config.title)];
    let mut pending = Vec::new();
    let top: Vec<&SummaryItem> = summary
        .prefix
        .iter()
        .chain(&summary.numbered)
        .chain(&summary.suffix)
        .collect();
    let first_chapter = top.iter().find_map(|item| match item {
        SummaryItem::Chapter(chapter) if chapter.file.is_some() => Some(chapter),
        _ => None,
    });
    let home_chapter = first_chapter.filter(|chapter| {
        chapter
            .file
            .as_deref()
            .is_some_and(|file| matches!(file, "README.md" | "index.md"))
    });
    if let Some(chapter) = home_chapter {
        planned[0] = Planned::chapter(chapter, None, numbered);
    }
    plan_items(top.into_iter(), 0, home_chapter, numbered, &mut planned, &mut pending);
    planned[0].nav_after.append(&mut pending);
    read_chapters(config, book, planned, diagnostics)
}

/// A document before its file is read.
struct Planned<'s> {
    chapter: Option<&'s Chapter>,
    title: String,
    parent: Option<usize>,
    number: Option<String>,
    nav_before: Vec<NavNote>,
    nav_after: Vec<NavNote>,
    has_children: bool,
}

impl<'s> Planned<'s> {
    fn home(title: &str) -> Self {
        Planned {
            chapter: None,
            title: title.to_owned(),
            parent: None,
            number: None,
            nav_before: Vec::new(),
            nav_after: Vec::new(),
            has_children: false,
        }
    }

    fn chapter(chapter: &'s Chapter, parent: Option<usize>, numbered: bool) -> Self {
        Planned {
            chapter: Some(chapter),
            title: chapter.name.clone(),
            parent,
            number: if numbered { chapter.number_label() } else { None },
            nav_before: Vec::new(),
            nav_after: Vec::new(),
            has_children: false,
        }
    }
}

/// Plans `items` under the document `parent`; the notes met since the last chapter wait in `pending`.
fn plan_items<'s>(
    items: impl Iterator<Item = &'s SummaryItem>,
    parent: usize,
    home: Option<&'s Chapter>,
    numbered: bool,
    planned: &mut Vec<Planned<'s>>,
    pending: &mut Vec<NavNote>,
) {
    for item in items {
        match item {
            SummaryItem::Separator => pending.push(NavNote::Separator),
            SummaryItem::PartTitle(title) => pending.push(NavNote::Part(title.clone())),
            SummaryItem::Chapter(chapter) if home.is_some_and(|home| std::ptr::eq(home, chapter)) => {
                // The home page: listed here, its chapters are the home page's children.
                pending.push(NavNote::Home);
                plan_items(chapter.nested.iter(), 0, home, numbered, planned, pending);
            }
            SummaryItem::Chapter(chapter) if chapter.file.is_none() => {
                pending.push(NavNote::Draft {
                    title: chapter.name.clone(),
                    number: if numbered { chapter.number_label() } else { None },
                });
                // Its written chapters keep their place, one level up.
                plan_items(chapter.nested.iter(), parent, home, numbered, planned, pending);
            }
            SummaryItem::Chapter(chapter) => {
                let index = planned.len();
                let mut document = Planned::chapter(chapter, Some(parent), numbered);
                document.nav_before.append(pending);
                planned.push(document);
                planned[parent].has_children = true;
                let mut inner = Vec::new();
                plan_items(chapter.nested.iter(), index, home, numbered, planned, &mut inner);
                planned[index].nav_after = inner;
            }
        }
    }
}

/// The URL path of a chapter file (relative to `src`): `a/b.md` -> `/a/b/`, `a/README.md` -> `/a/`.
pub fn chapter_path(file: &str) -> String {
    let without = file.strip_suffix(".md").unwrap_or(file);
    let folder = match without.rsplit_once('/') {
        Some((folder, "README" | "index")) => Some(folder),
        None if matches!(without, "README" | "index") => Some(""),
        _ => None,
    };
    match folder {
        Some("") => "/".to_owned(),
        Some(folder) => format!("/{folder}/"),
        None => format!("/{without}/"),
    }
}

/// Reads and expands every planned chapter, in parallel.
fn read_chapters(
    config: &SiteConfig,
    book: &Book,
    planned: Vec<Planned<'_>>,
    diagnostics: &mut Diagnostics,
) -> Vec<OutlineDocument> {
    let src = book.src();
    let read: Vec<(OutlineDocument, Vec<Diagnostic>)> = planned
        .into_par_iter()
        .map(|planned| {
            let mut problems = Vec::new();
            let document = read_chapter(config, &src, planned, &mut problems);
            (document, problems)
        })
        .collect();
    let mut outline = Vec::with_capacity(read.len());
    for (document, problems) in read {
        diagnostics.extend(problems);
        outline.push(document);
    }
    outline
}

fn read_chapter(
    config: &SiteConfig,
    src: &Path,
    planned: Planned<'_>,
    problems: &mut Vec<Diagnostic>,
) -> OutlineDocument {
    let kind = if planned.has_children || planned.parent.is_none() {
        DocumentKind::Section
    } else {
        DocumentKind::Page
    };
    let mut document = OutlineDocument {
        kind,
        source: src.join("_index.md"),
        front_matter: FrontMatter::default(),
        text: String::new(),
        path: "/".to_owned(),
        title: planned.title,
        title_from_heading: false,
        parent: planned.parent,
        is_virtual: true,
        number: planned.number,
        nav_before: planned.nav_before,
        nav_after: planned.nav_after,
        line_map: None,
        nav_title: None,
    };
    let Some(chapter) = planned.chapter else {
        return document;
    };
    let file = chapter.file.as_deref().unwrap_or_default();
    let source = src.join(file);
    document.path = chapter_path(file);
    document.source = source.clone();
    document.is_virtual = false;
    let text = match config.site_root.read_text(&slash_path(&source), MAX_SOURCE_BYTES) {
        Ok(text) => text,
        Err(error) => {
            let help = match error {
                SitePathError::NotFound { .. } => {
                    "create the file, or remove its line from SUMMARY.md (the path is relative to the book's `src`)"
                }
                ref other => other.help(),
            };
            problems.push(
                Diagnostic::error(
                    Some(chapter.location.clone()),
                    format!("the chapter `{}` cannot be read: {error}", chapter.name),
                )
                .with_help(help),
            );
            return document;
        }
    };
    let expanded = directives::expand(&config.site_root, &source, &text, problems);
    document.title_from_heading = starts_with_title_heading(&expanded.text);
    // The page is titled by its own heading, as mdBook shows it; the table of contents' name for it
    // stays in the navigation.
    if document.title_from_heading
        && let Some(heading) = first_heading(&expanded.text)
        && !heading.is_empty()
        && heading != document.title
    {
        document.nav_title = Some(std::mem::replace(&mut document.title, heading));
    }
    if let Some(title) = expanded.title {
        document
            .front_matter
            .extra
            .insert("html_title".to_owned(), toml::Value::String(title));
    }
    document.text = expanded.text;
    document.line_map = (!expanded.line_map.is_identity(&source)).then_some(expanded.line_map);
    document
}

/// Whether the text opens with a `# ` heading (after blank lines, comments and raw HTML), which the
/// page's title then replaces.
fn starts_with_title_heading(text: &str) -> bool {
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('<') || trimmed.starts_with("[//]") {
            continue;
        }
        return trimmed.starts_with("# ");
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_files_have_the_urls_of_their_paths() {
        for (file, path) in [
            ("intro.md", "/intro/"),
            ("README.md", "/"),
            ("index.md", "/"),
            ("guide/README.md", "/guide/"),
            ("guide/setup.md", "/guide/setup/"),
            ("guide/index.md", "/guide/"),
            ("readme-notes.md", "/readme-notes/"),
        ] {
            assert_eq!(chapter_path(file), path, "{file}");
        }
    }

    #[test]
    fn a_title_heading_must_open_the_text() {
        assert!(starts_with_title_heading("\n<!-- c -->\n# Title\n"));
        assert!(!starts_with_title_heading("text\n# Title\n"));
        assert!(!starts_with_title_heading("## Sub\n"));
        assert!(!starts_with_title_heading("```\n# not a heading\n```\n# Title\n"));
    }
}
