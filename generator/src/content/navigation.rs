//! Navigation derived from the content tree: the per-page sidebar tree (only the current branch open, big
//! sections windowed so a page's HTML does not grow with the site), previous/next links and breadcrumbs.

use super::tree::{ContentTree, DocumentId, DocumentKind, NavNote};
use serde::Serialize;

/// One entry of the sidebar.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NavEntry {
    pub title: String,
    pub path: String,
    /// The link to write: `path` under the site's base path.
    pub href: String,
    /// `section` or `page`; for entries that are not documents, `part` (a part title), `separator` or
    /// `draft` (listed, not written yet: no link).
    pub kind: &'static str,
    /// The number shown before the title (`1.2.`), in a book.
    pub number: Option<String>,
    pub is_current: bool,
    pub is_open: bool,
    pub children: Vec<NavEntry>,
    pub more: Option<MoreLink>,
}

/// Pages of a big section that the sidebar left out, and where they are all listed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MoreLink {
    pub count: usize,
    pub path: String,
    pub href: String,
}

/// A link to another document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DocumentLink {
    pub title: String,
    pub path: String,
    pub href: String,
}

/// Reading-order neighbours of every document, computed once per build.
pub struct ReadingOrder {
    position: Vec<usize>,
    order: Vec<DocumentId>,
}

impl ReadingOrder {
    pub fn new(tree: &ContentTree) -> Self {
        let order = tree.reading_order();
        let mut position = vec![usize::MAX; tree.documents().len()];
        for (index, id) in order.iter().enumerate() {
            position[id.0] = index;
        }
        Self { position, order }
    }

    pub fn previous(&self, tree: &ContentTree, id: DocumentId) -> Option<DocumentLink> {
        let index = self.position[id.0];
        (index > 0 && index != usize::MAX).then(|| link(tree, self.order[index - 1]))
    }

    pub fn next(&self, tree: &ContentTree, id: DocumentId) -> Option<DocumentLink> {
        let index = self.position[id.0];
        self.order.get(index.wrapping_add(1)).map(|next| link(tree, *next))
    }
}

pub fn link(tree: &ContentTree, id: DocumentId) -> DocumentLink {
    let document = tree.get(id);
    DocumentLink {
        title: document.nav_label().to_owned(),
        path: document.path.clone(),
        href: document.href.clone(),
    }
}

/// Breadcrumbs: the sections from the root down to the document's parent.
pub fn breadcrumbs(tree: &ContentTree, id: DocumentId) -> Vec<DocumentLink> {
    tree.ancestors(id)
        .into_iter()
        .map(|ancestor| link(tree, ancestor))
        .collect()
}

/// The sidebar for the page `current`: the root's children, with the sections on the way to `current`
/// open; an open section with more than `window` children lists only `window` of them around the one on
/// the way to `current`.
pub fn sidebar(tree: &ContentTree, current: DocumentId, window: usize) -> Vec<NavEntry> {
    let mut open_path = tree.ancestors(current);
    open_path.push(current);
    entries(tree, tree.root(), current, &open_path, window)
}

fn entries(
    tree: &ContentTree,
    section: DocumentId,
    current: DocumentId,
    open_path: &[DocumentId],
    window: usize,
) -> Vec<NavEntry> {
    let children = &tree.get(section).children;
    let focus = children.iter().position(|child| open_path.contains(child));
    let (start, end) = window_around(children.len(), focus, window);
    let mut listed = Vec::with_capacity(end - start);
    for &child in &children[start..end] {
        listed.extend(
            tree.get(child)
                .nav_before
                .iter()
                .map(|note| note_entry(tree, note, current)),
        );
        listed.push(entry(tree, child, current, open_path, window));
    }
    if end == children.len() {
        listed.extend(
            tree.get(section)
                .nav_after
                .iter()
                .map(|note| note_entry(tree, note, current)),
        );
    }
    listed
}

/// The entry of a navigation note: a part title, a separator, a draft chapter or the home page.
fn note_entry(tree: &ContentTree, note: &NavNote, current: DocumentId) -> NavEntry {
    let (kind, title, number) = match note {
        NavNote::Home => return home_entry(tree, current),
        NavNote::Part(title) => ("part", title.clone(), None),
        NavNote::Separator => ("separator", String::new(), None),
        NavNote::Draft { title, number } => ("draft", title.clone(), number.clone()),
    };
    NavEntry {
        title,
        path: String::new(),
        href: String::new(),
        kind,
        number,
        is_current: false,
        is_open: false,
        children: Vec::new(),
        more: None,
    }
}

/// The home page as an entry among the others (a book's first chapter).
fn home_entry(tree: &ContentTree, current: DocumentId) -> NavEntry {
    let home = tree.get(tree.root());
    NavEntry {
        title: home.nav_label().to_owned(),
        path: home.path.clone(),
        href: home.href.clone(),
        kind: "page",
        number: home.number.clone(),
        is_current: current == home.id,
        is_open: false,
        children: Vec::new(),
        more: None,
    }
}

fn entry(
    tree: &ContentTree,
    child: DocumentId,
    current: DocumentId,
    open_path: &[DocumentId],
    window: usize,
) -> NavEntry {
    let document = tree.get(child);
    let is_section = document.kind == DocumentKind::Section;
    let is_open = is_section && open_path.contains(&child);
    let (children, more) = if is_open {
        let nested = entries(tree, child, current, open_path, window);
        let listed = nested
            .iter()
            .filter(|entry| matches!(entry.kind, "section" | "page"))
            .count();
        let total = document.children.len();
        let more = (listed < total).then(|| MoreLink {
            count: total - listed,
            path: document.path.clone(),
            href: document.href.clone(),
        });
        (nested, more)
    } else {
        (Vec::new(), None)
    };
    NavEntry {
        title: document.nav_label().to_owned(),
        path: document.path.clone(),
        href: document.href.clone(),
        kind: if is_section { "section" } else { "page" },
        number: document.number.clone(),
        is_current: child == current,
        is_open,
        children,
        more,
    }
}

/// The `[start, end)` slice of `len` items, at most `window` long, that contains `focus` as centred as it
/// can be.
fn window_around(len: usize, focus: Option<usize>, window: usize) -> (usize, usize) {
    if len <= window {
        return (0, len);
    }
    let focus = focus.unwrap_or(0);
    let start = focus.saturating_sub(window / 2).min(len - window);
    (start, start + window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TreeFixture, content_tree};

    fn site(pages_in_big: usize) -> ContentTree {
        let mut files = vec![
            (
                "a/_index.md".to_owned(),
                "+++\ntitle = \"A\"\nweight = 1\n+++\n".to_owned(),
            ),
            ("a/one.md".to_owned(), "+++\nweight = 1\n+++\n# One\n".to_owned()),
            (
                "b/_index.md".to_owned(),
                "+++\ntitle = \"B\"\nweight = 2\n+++\n".to_owned(),
            ),
        ];
        for n in 0..pages_in_big {
            files.push((format!("b/p{n:03}.md"), format!("+++\nweight = {n}\n+++\n# P{n}\n")));
        }
        content_tree(&files, &TreeFixture::default()).0
    }

    #[test]
    fn only_the_current_branch_is_open() {
        let tree = site(3);
        let current = tree.by_path("/a/one/").unwrap().id;
        let nav = sidebar(&tree, current, 10);
        assert_eq!(nav.len(), 2);
        assert!(nav[0].is_open && nav[0].children.len() == 1 && nav[0].children[0].is_current);
        assert!(!nav[1].is_open && nav[1].children.is_empty());
    }

    #[test]
    fn a_big_section_is_windowed_around_the_current_page() {
        let tree = site(100);
        let current = tree.by_path("/b/p050/").unwrap().id;
        let nav = sidebar(&tree, current, 10);
        let b = &nav[1];
        assert_eq!(b.children.len(), 10);
        assert!(b.children.iter().any(|entry| entry.is_current));
        assert_eq!(
            b.more,
            Some(MoreLink {
                count: 90,
                path: "/b/".into(),
                href: "/b/".into()
            })
        );
        assert_eq!(window_around(100, Some(99), 10), (90, 100));
        assert_eq!(window_around(100, Some(0), 10), (0, 10));
    }

    #[test]
    fn previous_and_next_follow_reading_order() {
        let tree = site(2);
        let order = ReadingOrder::new(&tree);
        let one = tree.by_path("/a/one/").unwrap().id;
        assert_eq!(order.previous(&tree, one).unwrap().path, "/a/");
        assert_eq!(order.next(&tree, one).unwrap().path, "/b/");
        assert!(order.previous(&tree, tree.root()).is_none());
        let last = tree.by_path("/b/p001/").unwrap().id;
        assert!(order.next(&tree, last).is_none());
        assert_eq!(
            breadcrumbs(&tree, one),
            vec![link(&tree, tree.root()), link(&tree, tree.by_path("/a/").unwrap().id)]
        );
    }
}
