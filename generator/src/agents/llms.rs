//! `llms.txt` and `llms-full.txt` in the llmstxt.org shape: the site's name as an H1, its description
//! as a `>` summary, then one H2 per top-level section (the root's own pages first, under the root's
//! title) listing `- [Page title](URL of its Markdown twin): description`; and every page's twin in
//! reading order. Drafts, pages with `search = false` and a made-up root stay out of both.

#[cfg(test)]
use super::twin::MarkdownTwin;
use super::twin::{title_text, twin_file};
use crate::content::tree::{ContentTree, Document, DocumentId};
use std::borrow::Cow;
use std::fmt::Write;

/// The file the site's index for agents is written to.
pub(crate) const LLMS_TXT: &str = "llms.txt";
/// The file with every page's Markdown.
pub(crate) const LLMS_FULL_TXT: &str = "llms-full.txt";

/// What the two files say about the site as a whole.
pub(crate) struct SiteSummary<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The site's absolute base URL without a trailing slash (`https://x.dev/tally`).
    pub base_url: &'a str,
}

/// Whether `document` is listed for agents: read from a file, not a draft, not `search = false`.
pub(crate) fn is_listed(document: &Document) -> bool {
    !document.is_virtual && !document.front_matter.draft && document.front_matter.search
}

/// One H2 of `llms.txt`: a title and its documents in reading order.
struct Group<'a> {
    title: &'a str,
    documents: Vec<DocumentId>,
}

/// The root and the pages directly under it, under the root's title; then each top-level section with
/// every document below it.
fn groups(tree: &ContentTree) -> Vec<Group<'_>> {
    let root = tree.get(tree.root());
    let mut top = Group {
        title: &root.title,
        documents: vec![root.id],
    };
    let mut sections = Vec::new();
    for &child in &root.children {
        let document = tree.get(child);
        if document.is_section() {
            let mut documents = Vec::new();
            let mut stack = vec![child];
            while let Some(id) = stack.pop() {
                documents.push(id);
                stack.extend(tree.get(id).children.iter().rev());
            }
            sections.push(Group {
                title: &document.title,
                documents,
            });
        } else {
            top.documents.push(child);
        }
    }
    let mut all = vec![top];
    all.extend(sections);
    for group in &mut all {
        group.documents.retain(|id| is_listed(tree.get(*id)));
    }
    all.retain(|group| !group.documents.is_empty());
    all
}

/// `llms.txt`: the site's name, summary and every listed page's twin, grouped by top-level section.
pub(crate) fn llms_txt(site: &SiteSummary<'_>, tree: &ContentTree) -> String {
    let mut text = header(site);
    let _ = writeln!(
        text,
        "Each link leads to a page as Markdown; the same URL without `index.md` is the page as HTML. \
         Every page in one file: {}/{LLMS_FULL_TXT}\n",
        site.base_url
    );
    for group in groups(tree) {
        let _ = writeln!(text, "## {}\n", title_text(group.title));
        for id in group.documents {
            let document = tree.get(id);
            let url = format!("{}/{}", site.base_url, twin_file(&document.path));
            let _ = write!(text, "- [{}]({})", link_text(&document.title), destination(&url));
            match document.front_matter.description.as_deref().map(one_line) {
                Some(description) if !description.is_empty() => {
                    let _ = writeln!(text, ": {description}");
                }
                _ => text.push('\n'),
            }
        }
        text.push('\n');
    }
    finish(text)
}

/// `llms-full.txt`: every listed page in reading order, each as its title (H1), its URL and its twin's
/// body. `twin_of` gives a document's twin. (The build streams it with [`write_llms_full_txt`].)
#[cfg(test)]
pub(crate) fn llms_full_txt<'a>(
    site: &SiteSummary<'_>,
    tree: &ContentTree,
    twin_of: impl Fn(DocumentId) -> &'a MarkdownTwin,
) -> String {
    let mut text = Vec::new();
    write_llms_full_txt(site, tree, &mut text, |id| Ok(Cow::Borrowed(twin_of(id).body())))
        .expect("writing to memory does not fail");
    String::from_utf8(text).expect("the pieces are text")
}

/// Writes `llms-full.txt` to `out` one page at a time, so no more than one page's Markdown is in
/// memory: `body_of` gives a document's twin without its title (read back from the twin's file, say).
pub(crate) fn write_llms_full_txt<'a>(
    site: &SiteSummary<'_>,
    tree: &ContentTree,
    out: &mut dyn std::io::Write,
    mut body_of: impl FnMut(DocumentId) -> std::io::Result<Cow<'a, str>>,
) -> std::io::Result<()> {
    let mut text = TrimmedEnd::new(out);
    text.write(&header(site))?;
    for id in tree.reading_order() {
        let document = tree.get(id);
        if !is_listed(document) {
            continue;
        }
        text.write(&format!(
            "# {}\n\nURL: {}{}\n\n",
            title_text(&document.title),
            site.base_url,
            document.path
        ))?;
        text.write(body_of(id)?.trim_end())?;
        text.write("\n\n")?;
    }
    text.finish()
}

/// Writes text with its trailing whitespace cut and one newline added, as [`finish`] does to a whole
/// string, while the text streams: whitespace is held back until more text follows it.
struct TrimmedEnd<'w> {
    out: &'w mut dyn std::io::Write,
    held_back: String,
}

impl<'w> TrimmedEnd<'w> {
    fn new(out: &'w mut dyn std::io::Write) -> Self {
        Self {
            out,
            held_back: String::new(),
        }
    }

    fn write(&mut self, piece: &str) -> std::io::Result<()> {
        let text = piece.trim_end();
        if !text.is_empty() {
            self.out.write_all(self.held_back.as_bytes())?;
            self.held_back.clear();
            self.out.write_all(text.as_bytes())?;
        }
        self.held_back.push_str(&piece[text.len()..]);
        Ok(())
    }

    fn finish(self) -> std::io::Result<()> {
        self.out.write_all(b"\n")
    }
}

fn header(site: &SiteSummary<'_>) -> String {
    let mut text = format!("# {}\n\n", title_text(site.title));
    let description = one_line(site.description);
    if !description.is_empty() {
        let _ = writeln!(text, "> {description}\n");
    }
    text
}

fn finish(text: String) -> String {
    let mut text = text.trim_end().to_owned();
    text.push('\n');
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A title as the text of a link: one line, brackets escaped.
fn link_text(title: &str) -> String {
    one_line(title)
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// A URL as a Markdown link destination: in `<...>` when it holds spaces or parentheses.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')']) {
        format!("<{url}>")
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TreeFixture, content_tree};

    fn tree(files: &[(&str, &str)]) -> ContentTree {
        let fixture = TreeFixture {
            site_title: "Docs",
            build_drafts: true,
            base_path: "/tally",
        };
        let (tree, diagnostics) = content_tree(files, &fixture);
        assert!(!diagnostics.has_errors(), "{diagnostics:?}");
        tree
    }

    const SITE: SiteSummary<'static> = SiteSummary {
        title: "Tally docs",
        description: "Counting at\nthe edge.",
        base_url: "https://x.dev/tally",
    };

    fn site_tree() -> ContentTree {
        tree(&[
            (
                "_index.md",
                "+++\ntitle = \"Home\"\ndescription = \"Start here.\"\n+++\n",
            ),
            ("intro.md", "+++\nweight = 1\n+++\n# Intro [v2]\n"),
            ("storage/_index.md", "+++\ntitle = \"Storage\"\nweight = 2\n+++\n"),
            (
                "storage/kv.md",
                "+++\ntitle = \"KV\"\ndescription = \"Key-value storage.\"\nweight = 1\n+++\n",
            ),
            ("storage/hidden.md", "+++\ntitle = \"Hidden\"\nsearch = false\n+++\n"),
            ("storage/wip.md", "+++\ntitle = \"WIP\"\ndraft = true\n+++\n"),
            ("storage/deep/_index.md", "+++\ntitle = \"Deep\"\nweight = 2\n+++\n"),
            ("storage/deep/r2.md", "# R2\n"),
            (
                "api/_index.md",
                "+++\ntitle = \"API\"\nweight = 3\nsearch = false\n+++\n",
            ),
        ])
    }

    #[test]
    fn llms_txt_has_the_llmstxt_shape() {
        let text = llms_txt(&SITE, &site_tree());
        assert_eq!(
            text,
            "# Tally docs\n\n\
             > Counting at the edge.\n\n\
             Each link leads to a page as Markdown; the same URL without `index.md` is the page as HTML. \
             Every page in one file: https://x.dev/tally/llms-full.txt\n\n\
             ## Home\n\n\
             - [Home](https://x.dev/tally/index.md): Start here.\n\
             - [Intro \\[v2\\]](https://x.dev/tally/intro/index.md)\n\n\
             ## Storage\n\n\
             - [Storage](https://x.dev/tally/storage/index.md)\n\
             - [KV](https://x.dev/tally/storage/kv/index.md): Key-value storage.\n\
             - [Deep](https://x.dev/tally/storage/deep/index.md)\n\
             - [R2](https://x.dev/tally/storage/deep/r2/index.md)\n",
            "drafts, `search = false` and a section left with no page stay out"
        );
    }

    #[test]
    fn llms_full_txt_has_every_listed_page_in_reading_order() {
        let tree = site_tree();
        let twins: Vec<MarkdownTwin> = tree
            .documents()
            .iter()
            .map(|document| MarkdownTwin::untitled(format!("{} body.\n", document.title)))
            .collect();
        let text = llms_full_txt(&SITE, &tree, |id| &twins[id.0]);
        let headings: Vec<&str> = text.lines().filter(|line| line.starts_with("# ")).collect();
        assert_eq!(
            headings,
            [
                "# Tally docs",
                "# Home",
                "# Intro \\[v2\\]",
                "# Storage",
                "# KV",
                "# Deep",
                "# R2"
            ]
        );
        assert!(
            text.contains("# KV\n\nURL: https://x.dev/tally/storage/kv/\n\nKV body.\n\n# Deep\n"),
            "{text}"
        );
        assert!(text.ends_with("R2 body.\n"));
    }

    #[test]
    fn a_site_without_description_or_root_page_still_has_its_title() {
        let tree = tree(&[("a.md", "# A (draft notes)\n")]);
        let site = SiteSummary {
            description: "",
            ..SITE
        };
        assert_eq!(
            llms_txt(&site, &tree),
            "# Tally docs\n\n\
             Each link leads to a page as Markdown; the same URL without `index.md` is the page as HTML. \
             Every page in one file: https://x.dev/tally/llms-full.txt\n\n\
             ## Docs\n\n\
             - [A (draft notes)](https://x.dev/tally/a/index.md)\n"
        );
    }

    #[test]
    fn streaming_cuts_the_end_as_the_whole_text_would_be_cut() {
        let tree = site_tree();
        for last_body in ["", "  \n\n", "R2 body.\n\n\n", "R2 body. \t"] {
            let twins: Vec<MarkdownTwin> = tree
                .documents()
                .iter()
                .map(|document| {
                    let body = if document.title == "R2" || document.title == "Deep" {
                        last_body.to_owned()
                    } else {
                        format!("{} body.\n", document.title)
                    };
                    MarkdownTwin::untitled(body)
                })
                .collect();
            let streamed = llms_full_txt(&SITE, &tree, |id| &twins[id.0]);
            // The text as one string, cut once at the end.
            let mut whole = header(&SITE);
            for id in tree.reading_order().into_iter().filter(|id| is_listed(tree.get(*id))) {
                let document = tree.get(id);
                whole.push_str(&format!(
                    "# {}\n\nURL: {}{}\n\n{}\n\n",
                    title_text(&document.title),
                    SITE.base_url,
                    document.path,
                    twins[id.0].body().trim_end()
                ));
            }
            assert_eq!(streamed, finish(whole), "last body {last_body:?}");
        }
    }
}
