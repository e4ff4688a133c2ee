//! The content tree: every page and section read from `content/`, with its URL path, title, parent
//! section and ordered children. Built once per build from the discovered files; rendering reads it.
//! A folder of pages without an `_index.md` is still a section: the tree makes one up for it, titled
//! from the folder's name, so its pages keep their place instead of joining the section above.

use super::discover::{SourceFile, SourceKind};
use super::front_matter::{self, FrontMatter, SortBy};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::line_map::LineMap;
use crate::site_root::{MAX_SOURCE_BYTES, SitePathError, read_text_bounded};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Index of a document in [`ContentTree::documents`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Section,
    Page,
}

/// A page or a section index, read and placed in the tree.
#[derive(Debug)]
pub struct Document {
    pub id: DocumentId,
    pub kind: DocumentKind,
    /// Relative to the site root, e.g. `content/storage/kv.md`.
    pub source: PathBuf,
    pub front_matter: FrontMatter,
    text: String,
    body_start: usize,
    /// The 1-based line of the source file on which the body starts.
    pub body_line: usize,
    /// The URL path within the site, e.g. `/storage/kv/`: what links and the tree are keyed by.
    pub path: String,
    /// The link a page writes to it: `path` under the site's base path (`/tally/storage/kv/`).
    pub href: String,
    pub title: String,
    /// The title came from the body's first `#` heading, which the page then does not repeat.
    pub title_from_heading: bool,
    pub parent: Option<DocumentId>,
    /// For sections: direct pages and subsections, ordered by weight then title.
    pub children: Vec<DocumentId>,
    /// The source file does not exist (a root section made up because `content/_index.md` is missing).
    pub is_virtual: bool,
    /// The number the navigation shows before the title (`1.2.`), for a book's numbered chapters.
    pub number: Option<String>,
    /// Entries of the navigation that are not pages, shown just before this document (a book's part
    /// titles, separators and draft chapters).
    pub nav_before: Vec<NavNote>,
    /// For sections: such entries after the last child.
    pub nav_after: Vec<NavNote>,
    /// The text was put together from several files (a book chapter's includes): where each line of
    /// the body came from, for problems found in it.
    pub line_map: Option<LineMap>,
    /// A shorter name for the navigation than the page's title (a book's table of contents names its
    /// chapters, which have headings of their own).
    pub nav_title: Option<String>,
}

/// An entry of the navigation that is not a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavNote {
    /// A part title (`# Part` in a book's SUMMARY.md).
    Part(String),
    /// A separator line (`---`).
    Separator,
    /// A chapter listed but not written yet (`[Title]()`).
    Draft { title: String, number: Option<String> },
    /// A link to the home page, for a book whose first chapter is the home page.
    Home,
}

impl Document {
    /// What the navigation calls the document.
    pub fn nav_label(&self) -> &str {
        self.nav_title.as_deref().unwrap_or(&self.title)
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The text before the body: the front matter with its `+++` fences (empty without front matter).
    pub fn front_matter_text(&self) -> &str {
        &self.text[..self.body_start]
    }

    pub fn is_section(&self) -> bool {
        self.kind == DocumentKind::Section
    }
}

/// All documents of the site and their relations.
#[derive(Debug)]
pub struct ContentTree {
    documents: Vec<Document>,
    root: DocumentId,
    by_path: HashMap<String, DocumentId>,
    by_source: HashMap<PathBuf, DocumentId>,
    /// Sources left out because of an error already reported (unreadable, bad front matter, a URL taken).
    unreadable: HashSet<PathBuf>,
    /// How the site's relative links to files other than Markdown are meant.
    relative_links: RelativeLinks,
    /// How folder and file names become URL segments.
    url_segments: UrlSegments,
    /// The folder under the site root the documents are read from (`content`).
    content_folder: PathBuf,
    /// For a tree read from another tool's sources ([`ContentTree::from_outline`]): the site's base
    /// path, from which that tool's page URLs are found.
    imported_base_path: Option<String>,
}

/// How a site means a relative link to anything but a Markdown file (`img.png`, `../guide/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RelativeLinks {
    /// From the Markdown file, as the author sees the repository (edgedocs' own sites).
    #[default]
    FromFile,
    /// From the page's URL, as the browser resolves them, written unchanged (Zola sites).
    FromPageUrl,
}

/// How the URL segment of a folder, file or `slug` is made from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrlSegments {
    /// As written (edgedocs' own sites).
    #[default]
    AsWritten,
    /// Zola's `[slugify] paths = "on"`, its default: ASCII, lower case, dashes
    /// (`Getting_Started` -> `getting-started`).
    Slugified,
    /// Zola's `safe`: as written, without the characters file systems refuse (`<>:"/\|?*`) and
    /// trailing spaces and dots.
    Safe,
}

impl UrlSegments {
    /// The URL segment of `name` (a folder's, a file's or a `slug`).
    pub fn segment(self, name: &str) -> String {
        match self {
            UrlSegments::AsWritten => name.to_owned(),
            UrlSegments::Slugified => slug::slugify(name),
            UrlSegments::Safe => name
                .trim_end_matches([' ', '.'])
                .chars()
                .filter(|c| !r#"<>:"/\|?*"#.contains(*c))
                .collect(),
        }
    }
}

/// A document placed by its reader rather than by its folder: a chapter of a book, whose URL, title,
/// parent and order come from the book's table of contents. See [`ContentTree::from_outline`].
#[derive(Debug)]
pub struct OutlineDocument {
    pub kind: DocumentKind,
    /// Relative to the site root, e.g. `src/intro.md`.
    pub source: PathBuf,
    pub front_matter: FrontMatter,
    /// The Markdown body, as the render reads it.
    pub text: String,
    pub path: String,
    pub title: String,
    pub title_from_heading: bool,
    /// The index of the parent in the list given to [`ContentTree::from_outline`]; it must come earlier.
    pub parent: Option<usize>,
    pub is_virtual: bool,
    pub number: Option<String>,
    pub nav_before: Vec<NavNote>,
    pub nav_after: Vec<NavNote>,
    pub line_map: Option<LineMap>,
    pub nav_title: Option<String>,
}

/// What [`ContentTree::build`] needs from the configuration.
pub struct TreeOptions<'a> {
    pub root: &'a Path,
    pub site_title: &'a str,
    pub build_drafts: bool,
    /// The path of the site's base URL (`/tally`, or empty): each document's `href` starts with it.
    pub base_path: &'a str,
    pub relative_links: RelativeLinks,
    pub url_segments: UrlSegments,
}

impl ContentTree {
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    pub fn get(&self, id: DocumentId) -> &Document {
        &self.documents[id.0]
    }

    pub fn root(&self) -> DocumentId {
        self.root
    }

    pub fn relative_links(&self) -> RelativeLinks {
        self.relative_links
    }

    pub fn url_segments(&self) -> UrlSegments {
        self.url_segments
    }

    /// The folder under the site root the documents are read from (`content`, or a book's `src`).
    pub fn content_folder(&self) -> &Path {
        &self.content_folder
    }

    /// For a tree read from another tool's sources: the URL of the folder that tool wrote the page of
    /// `source` in, its pages being files beside their sources (`src/guide/a.md` -> `/guide/a.html`).
    pub fn built_folder_url(&self, source: &Path) -> Option<String> {
        let base_path = self.imported_base_path.as_deref()?;
        let relative = source.strip_prefix(&self.content_folder).ok()?;
        let folder = crate::site_root::slash_path(relative.parent().unwrap_or(Path::new("")));
        Some(if folder.is_empty() {
            format!("{base_path}/")
        } else {
            format!("{base_path}/{folder}/")
        })
    }

    /// A tree whose places are given: the first document is the root, each other names an earlier one
    /// as its parent, and children keep the order of the list. Two documents with one URL: the later
    /// one is reported and left out, with its children.
    pub fn from_outline(
        outline: Vec<OutlineDocument>,
        content_folder: &Path,
        base_path: &str,
        diagnostics: &mut Diagnostics,
    ) -> ContentTree {
        let mut tree = ContentTree {
            documents: Vec::with_capacity(outline.len()),
            root: DocumentId(0),
            by_path: HashMap::new(),
            by_source: HashMap::new(),
            unreadable: HashSet::new(),
            relative_links: RelativeLinks::default(),
            url_segments: UrlSegments::default(),
            content_folder: content_folder.to_path_buf(),
            imported_base_path: Some(base_path.to_owned()),
        };
        // By outline index: the id it got, if it was kept.
        let mut ids: Vec<Option<DocumentId>> = Vec::with_capacity(outline.len());
        for (index, entry) in outline.into_iter().enumerate() {
            let parent = match entry.parent {
                Some(parent) => match ids.get(parent).copied().flatten() {
                    Some(id) => Some(id),
                    None => {
                        ids.push(None);
                        continue;
                    }
                },
                None if index > 0 => {
                    ids.push(None);
                    continue;
                }
                None => None,
            };
            if let Some(existing) = tree.by_path.get(&entry.path) {
                let existing = &tree.documents[existing.0];
                diagnostics.push(
                    Diagnostic::error(
                        Some(Location::new(&entry.source, 1, 1)),
                        format!(
                            "`{}` and `{}` both want the URL `{}`",
                            existing.source.display(),
                            entry.source.display(),
                            entry.path
                        ),
                    )
                    .with_help("list each file once in the table of contents"),
                );
                tree.unreadable.insert(entry.source);
                ids.push(None);
                continue;
            }
            let id = DocumentId(tree.documents.len());
            ids.push(Some(id));
            tree.by_path.insert(entry.path.clone(), id);
            if !entry.is_virtual {
                tree.by_source.insert(entry.source.clone(), id);
            }
            if let Some(parent) = parent {
                tree.documents[parent.0].children.push(id);
            }
            tree.documents.push(Document {
                id,
                kind: entry.kind,
                source: entry.source,
                front_matter: entry.front_matter,
                text: entry.text,
                body_start: 0,
                body_line: 1,
                href: format!("{base_path}{}", entry.path),
                path: entry.path,
                title: entry.title,
                title_from_heading: entry.title_from_heading,
                parent,
                children: Vec::new(),
                is_virtual: entry.is_virtual,
                number: entry.number,
                nav_before: entry.nav_before,
                nav_after: entry.nav_after,
                line_map: entry.line_map,
                nav_title: entry.nav_title,
            });
        }
        tree
    }

    pub fn by_path(&self, path: &str) -> Option<&Document> {
        self.by_path.get(path).map(|id| self.get(*id))
    }

    /// The document read from `source` (relative to the site root, e.g. `content/storage/kv.md`).
    pub fn by_source(&self, source: &Path) -> Option<&Document> {
        self.by_source.get(source).map(|id| self.get(*id))
    }

    /// Whether `source` was left out of the tree because of an error already reported.
    pub fn is_unreadable(&self, source: &Path) -> bool {
        self.unreadable.contains(source)
    }

    /// Whether the URL path `path` (`/storage/kv/`) is where a document left out because of an error
    /// would be (by its file name; its slug is unknown): links to it are not reported again.
    pub fn is_unreadable_path(&self, path: &str) -> bool {
        self.unreadable
            .iter()
            .any(|source| default_url_path(source).is_some_and(|default| default == path))
    }

    /// The section documents from the root down to `id`'s parent.
    pub fn ancestors(&self, id: DocumentId) -> Vec<DocumentId> {
        let mut chain = Vec::new();
        let mut current = self.get(id).parent;
        while let Some(parent) = current {
            chain.push(parent);
            current = self.get(parent).parent;
        }
        chain.reverse();
        chain
    }

    /// Every document in reading order: a section, then its children, depth first.
    pub fn reading_order(&self) -> Vec<DocumentId> {
        let mut order = Vec::with_capacity(self.documents.len());
        let mut stack = vec![self.root];
        while let Some(id) = stack.pop() {
            order.push(id);
            stack.extend(self.get(id).children.iter().rev());
        }
        order
    }

    /// Reads every Markdown file in `files` and builds the tree, reporting every problem found.
    pub fn build(files: &[SourceFile], options: &TreeOptions<'_>, diagnostics: &mut Diagnostics) -> ContentTree {
        let markdown: Vec<&SourceFile> = files.iter().filter(|f| f.kind != SourceKind::Asset).collect();
        let read: Vec<(Option<ReadDocument>, Diagnostics)> = markdown
            .par_iter()
            .map(|file| {
                let mut local = Diagnostics::new();
                let document = read_document(file, &mut local);
                (document, local)
            })
            .collect();

        let mut documents: Vec<ReadDocument> = Vec::with_capacity(read.len());
        let mut unreadable = HashSet::new();
        for ((document, local), file) in read.into_iter().zip(&markdown) {
            diagnostics.extend(local.into_vec());
            match document {
                Some(document) if options.build_drafts || !document.front_matter.draft => documents.push(document),
                Some(_) => {}
                None => {
                    unreadable.insert(Path::new("content").join(&file.relative));
                }
            }
        }
        if !documents
            .iter()
            .any(|d| d.kind == SourceKind::SectionIndex && d.folder.is_empty())
        {
            documents.insert(0, ReadDocument::virtual_root(options.site_title));
        }
        // After every real document, so that one of them keeps a URL a made-up section would also want.
        let generated: Vec<ReadDocument> = folders_without_index(&documents)
            .into_iter()
            .map(ReadDocument::virtual_section)
            .collect();
        documents.extend(generated);
        let mut tree = assemble(documents, options.base_path, options.url_segments, diagnostics);
        tree.unreadable.extend(unreadable);
        tree.relative_links = options.relative_links;
        tree.url_segments = options.url_segments;
        tree
    }
}

/// A Markdown file read and split, before it has a place in the tree.
struct ReadDocument {
    kind: SourceKind,
    source: PathBuf,
    /// The folder under `content/` the document belongs to (`storage` for `storage/kv.md` and
    /// `storage/_index.md`; `guide` for `guide/index.md`).
    folder: String,
    /// The file stem of a plain page (`kv` for `storage/kv.md`).
    stem: Option<String>,
    front_matter: FrontMatter,
    text: String,
    body_start: usize,
    body_line: usize,
    is_virtual: bool,
}

impl ReadDocument {
    /// The made-up section of `folder` (which has no `_index.md`), titled from the folder's name.
    fn virtual_section(folder: String) -> Self {
        ReadDocument {
            kind: SourceKind::SectionIndex,
            source: Path::new("content").join(&folder).join("_index.md"),
            front_matter: FrontMatter {
                title: Some(humanize(last_segment(&folder))),
                ..FrontMatter::default()
            },
            folder,
            stem: None,
            text: String::new(),
            body_start: 0,
            body_line: 1,
            is_virtual: true,
        }
    }

    fn virtual_root(site_title: &str) -> Self {
        ReadDocument {
            kind: SourceKind::SectionIndex,
            source: PathBuf::from("content/_index.md"),
            folder: String::new(),
            stem: None,
            front_matter: FrontMatter {
                title: Some(site_title.to_owned()),
                ..FrontMatter::default()
            },
            text: String::new(),
            body_start: 0,
            body_line: 1,
            is_virtual: true,
        }
    }
}

/// The folders under `content/` that hold documents (directly, or in folders below) but no `_index.md`,
/// sorted: each becomes a made-up section. The root is not one of them (it has its own made-up
/// section), nor is the folder of a bundle page (`guide/index.md` is the page at that folder's URL).
fn folders_without_index(documents: &[ReadDocument]) -> Vec<String> {
    let mut sections = HashSet::new();
    let mut bundles = HashSet::new();
    for document in documents {
        match document.kind {
            SourceKind::SectionIndex => sections.insert(document.folder.as_str()),
            SourceKind::BundlePage => bundles.insert(document.folder.as_str()),
            _ => false,
        };
    }
    let mut needed = std::collections::BTreeSet::new();
    for document in documents {
        let mut folder = match document.kind {
            SourceKind::Page => document.folder.as_str(),
            _ => parent_folder(&document.folder),
        };
        while !folder.is_empty() {
            if !sections.contains(folder) && !bundles.contains(folder) {
                needed.insert(folder.to_owned());
            }
            folder = parent_folder(folder);
        }
    }
    needed.into_iter().collect()
}

fn read_document(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<ReadDocument> {
    let source = Path::new("content").join(&file.relative);
    let text = match read_text_bounded(&file.absolute, &source.display().to_string(), MAX_SOURCE_BYTES) {
        Ok(text) => text,
        Err(error) => {
            let help = match error {
                SitePathError::NotText { .. } => "Markdown files must be UTF-8 text",
                _ => error.help(),
            };
            diagnostics.push(
                Diagnostic::error(Some(Location::new(&source, 1, 1)), format!("could not read {error}"))
                    .with_help(help),
            );
            return None;
        }
    };
    let split = match front_matter::split(&source, &text) {
        Ok(split) => split,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    let front_matter = front_matter::parse(&source, &split, diagnostics)?;
    let body_start = text.len() - split.body.len();
    let body_line = split.body_line;
    let (folder, stem) = match file.relative.rsplit_once('/') {
        Some((folder, name)) => (folder.to_owned(), name),
        None => (String::new(), file.relative.as_str()),
    };
    let stem = (file.kind == SourceKind::Page).then(|| stem.trim_end_matches(".md").to_owned());
    Some(ReadDocument {
        kind: file.kind.clone(),
        source,
        folder,
        stem,
        front_matter,
        text,
        body_start,
        body_line,
        is_virtual: false,
    })
}

/// Places the read documents in a tree: their URLs, titles, parents and ordered children.
fn assemble(
    read: Vec<ReadDocument>,
    base_path: &str,
    url_segments: UrlSegments,
    diagnostics: &mut Diagnostics,
) -> ContentTree {
    let folders = SectionFolders::new(&read, url_segments);
    let placed = place_documents(read, &folders, base_path, diagnostics);
    let Placed {
        mut documents,
        folder_of,
        by_path,
        by_source,
        unreadable,
    } = placed;
    let root = link_parents(&mut documents, &folder_of);
    order_children(&mut documents);
    ContentTree {
        documents,
        root,
        by_path,
        by_source,
        unreadable,
        relative_links: RelativeLinks::default(),
        url_segments: UrlSegments::default(),
        content_folder: PathBuf::from("content"),
        imported_base_path: None,
    }
}

/// The folders that are sections (they have an `_index.md`) and the URL segment each writes: its
/// `slug`, or its own name.
struct SectionFolders {
    slugs: HashMap<String, Option<String>>,
    url_segments: UrlSegments,
}

impl SectionFolders {
    fn new(read: &[ReadDocument], url_segments: UrlSegments) -> Self {
        let slugs = read
            .iter()
            .filter(|document| document.kind == SourceKind::SectionIndex)
            .map(|document| (document.folder.clone(), document.front_matter.slug.clone()))
            .collect();
        Self { slugs, url_segments }
    }

    /// The URL segment of a name (a folder's, a file's or a `slug`).
    fn segment(&self, name: &str) -> String {
        self.url_segments.segment(name)
    }

    /// The URL path of a folder under `content/`: `storage/guides` -> `/storage/guides/`, with each
    /// section's slug in place of its name.
    fn url_path(&self, folder: &str) -> String {
        let mut path = String::from("/");
        let mut prefix = String::new();
        for segment in folder.split('/').filter(|s| !s.is_empty()) {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(segment);
            let written = self.slugs.get(&prefix).cloned().flatten();
            path.push_str(&self.segment(written.as_deref().unwrap_or(segment)));
            path.push('/');
        }
        path
    }
}

/// The URL path of a document: its folder's for a section, its folder's (or its slug) for a bundle
/// page, its folder's plus its stem (or its slug) for a plain page.
fn document_path(document: &ReadDocument, folders: &SectionFolders) -> String {
    match document.kind {
        SourceKind::SectionIndex => folders.url_path(&document.folder),
        SourceKind::BundlePage => match &document.front_matter.slug {
            Some(slug) => {
                let parent = document.folder.rsplit_once('/').map_or("", |(parent, _)| parent);
                format!("{}{}/", folders.url_path(parent), folders.segment(slug))
            }
            None => folders.url_path(&document.folder),
        },
        _ => {
            let segment = document
                .front_matter
                .slug
                .clone()
                .or_else(|| document.stem.clone())
                .unwrap_or_default();
            format!("{}{}/", folders.url_path(&document.folder), folders.segment(&segment))
        }
    }
}

/// The title from front matter, else the body's first `#` heading (then `true`: the page leaves it
/// out of its body), else the file or folder name made readable.
fn document_title(document: &ReadDocument) -> (String, bool) {
    if let Some(title) = &document.front_matter.title {
        return (title.clone(), false);
    }
    match first_heading(&document.text[document.body_start..]) {
        Some(heading) => (heading, true),
        None => (
            humanize(
                document
                    .stem
                    .as_deref()
                    .unwrap_or_else(|| last_segment(&document.folder)),
            ),
            false,
        ),
    }
}

/// The documents with their URLs and titles, before parents and children are linked.
struct Placed {
    documents: Vec<Document>,
    /// By document: the folder under `content/` it belongs to.
    folder_of: Vec<String>,
    by_path: HashMap<String, DocumentId>,
    by_source: HashMap<PathBuf, DocumentId>,
    unreadable: HashSet<PathBuf>,
}

/// Gives every document its URL and title; a document whose URL is taken is reported and left out.
fn place_documents(
    read: Vec<ReadDocument>,
    folders: &SectionFolders,
    base_path: &str,
    diagnostics: &mut Diagnostics,
) -> Placed {
    let mut placed = Placed {
        documents: Vec::with_capacity(read.len()),
        folder_of: Vec::with_capacity(read.len()),
        by_path: HashMap::new(),
        by_source: HashMap::new(),
        unreadable: HashSet::new(),
    };
    for document in read {
        let id = DocumentId(placed.documents.len());
        let path = document_path(&document, folders);
        if let Some(existing) = placed.by_path.get(&path) {
            if document.is_virtual {
                // A page already has the URL of this made-up section (`a.md` beside `a/b.md`): the
                // folder's pages join the section above, as they would without it.
                continue;
            }
            let existing: &Document = &placed.documents[existing.0];
            diagnostics.push(
                Diagnostic::error(
                    Some(Location::new(&document.source, 1, 1)),
                    format!(
                        "`{}` and `{}` both want the URL `{path}`",
                        existing.source.display(),
                        document.source.display()
                    ),
                )
                .with_help("rename one of the files, or give one of them a different `slug` in its front matter"),
            );
            placed.unreadable.insert(document.source);
            continue;
        }
        let (title, title_from_heading) = document_title(&document);
        placed.by_path.insert(path.clone(), id);
        placed.by_source.insert(document.source.clone(), id);
        placed.folder_of.push(document.folder.clone());
        placed.documents.push(Document {
            id,
            kind: if document.kind == SourceKind::SectionIndex {
                DocumentKind::Section
            } else {
                DocumentKind::Page
            },
            source: document.source,
            front_matter: document.front_matter,
            text: document.text,
            body_start: document.body_start,
            body_line: document.body_line,
            href: format!("{base_path}{path}"),
            path,
            title,
            title_from_heading,
            parent: None,
            children: Vec::new(),
            is_virtual: document.is_virtual,
            number: None,
            nav_before: Vec::new(),
            nav_after: Vec::new(),
            line_map: None,
            nav_title: None,
        });
    }
    placed
}

/// Links every document to its parent section (the nearest folder above with an `_index.md`) and
/// returns the root section.
fn link_parents(documents: &mut [Document], folder_of: &[String]) -> DocumentId {
    let section_by_folder: HashMap<&str, DocumentId> = documents
        .iter()
        .zip(folder_of)
        .filter(|(document, _)| document.is_section())
        .map(|(document, folder)| (folder.as_str(), document.id))
        .collect();
    let root = section_by_folder[""];
    let parents: Vec<Option<DocumentId>> = documents
        .iter()
        .zip(folder_of)
        .map(|(document, folder)| {
            let mut search: Option<&str> = if document.is_section() {
                if folder.is_empty() {
                    None
                } else {
                    Some(parent_folder(folder))
                }
            } else {
                Some(folder.as_str())
            };
            while let Some(candidate) = search {
                if let Some(section) = section_by_folder.get(candidate) {
                    return Some(*section);
                }
                search = if candidate.is_empty() {
                    None
                } else {
                    Some(parent_folder(candidate))
                };
            }
            None
        })
        .collect();
    for (index, parent) in parents.into_iter().enumerate() {
        documents[index].parent = parent;
        // `render = false`: the document has no page, so no listing or navigation shows it.
        if let Some(parent) = parent
            && documents[index].front_matter.render
        {
            documents[parent.0].children.push(DocumentId(index));
        }
    }
    root
}

/// `storage/guides` -> `storage`; `storage` -> ``.
fn parent_folder(folder: &str) -> &str {
    folder.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Orders every section's children as its `sort_by` says: by default by weight (lower first,
/// unweighted last), then by title; by date newest first (undated last); by title; or by URL.
fn order_children(documents: &mut [Document]) {
    let by_weight: Vec<(bool, i64, String)> = documents
        .iter()
        .map(|d| {
            (
                d.front_matter.weight.is_none(),
                d.front_matter.weight.unwrap_or(0),
                d.title.to_lowercase(),
            )
        })
        .collect();
    let dates: Vec<(Option<String>, Option<String>)> = documents
        .iter()
        .map(|d| {
            let date = d.front_matter.date.as_ref().map(ToString::to_string);
            let updated = d
                .front_matter
                .updated
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| date.clone());
            (date, updated)
        })
        .collect();
    let titles: Vec<String> = documents.iter().map(|d| d.title.clone()).collect();
    let paths: Vec<String> = documents.iter().map(|d| d.path.clone()).collect();
    for document in documents {
        let newest_first = |date: &Option<String>, other: &Option<String>| match (date, other) {
            (Some(date), Some(other)) => other.cmp(date),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        match document.front_matter.sort_by.unwrap_or(SortBy::Weight) {
            SortBy::Weight | SortBy::None => document.children.sort_by(|a, b| by_weight[a.0].cmp(&by_weight[b.0])),
            SortBy::Date => document.children.sort_by(|a, b| {
                newest_first(&dates[a.0].0, &dates[b.0].0).then_with(|| by_weight[a.0].2.cmp(&by_weight[b.0].2))
            }),
            SortBy::UpdateDate => document.children.sort_by(|a, b| {
                newest_first(&dates[a.0].1, &dates[b.0].1).then_with(|| by_weight[a.0].2.cmp(&by_weight[b.0].2))
            }),
            SortBy::Title => document
                .children
                .sort_by(|a, b| by_weight[a.0].2.cmp(&by_weight[b.0].2)),
            SortBy::TitleBytes => document.children.sort_by(|a, b| titles[a.0].cmp(&titles[b.0])),
            SortBy::Slug => document.children.sort_by(|a, b| paths[a.0].cmp(&paths[b.0])),
        }
    }
}

/// The URL path a document at `source` (`content/storage/kv.md`) has without slugs: `/storage/kv/`.
fn default_url_path(source: &Path) -> Option<String> {
    let relative = source
        .strip_prefix("content")
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let without = relative
        .strip_suffix("_index.md")
        .or_else(|| relative.strip_suffix("index.md"))
        .map(str::to_owned)
        .or_else(|| relative.strip_suffix(".md").map(|stem| format!("{stem}/")))?;
    Some(format!("/{without}"))
}

fn last_segment(folder: &str) -> &str {
    folder.rsplit('/').next().unwrap_or(folder)
}

/// `kv-namespaces` -> `Kv namespaces`.
fn humanize(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The text of the body's first ATX `#` heading, outside code fences.
pub(crate) fn first_heading(body: &str) -> Option<String> {
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("# ") {
            let text = rest.trim().trim_end_matches('#').trim();
            let text = text.split(" {#").next().unwrap_or(text).trim();
            return Some(text.to_owned());
        }
        if !trimmed.is_empty() && !trimmed.starts_with('<') && !trimmed.starts_with("[//]") {
            // The title heading must come before any other content.
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{TreeFixture, content_tree};

    fn tree(files: &[(&str, &str)]) -> (ContentTree, Diagnostics) {
        content_tree(files, &TreeFixture::default())
    }

    fn paths(tree: &ContentTree, ids: &[DocumentId]) -> Vec<String> {
        ids.iter().map(|id| tree.get(*id).path.clone()).collect()
    }

    #[test]
    fn permalinks_follow_the_folder_tree() {
        let (tree, diagnostics) = tree(&[
            ("_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("storage/_index.md", "+++\ntitle = \"Storage\"\n+++\n"),
            ("storage/kv.md", "# KV\n"),
            ("storage/guides/bulk.md", "# Bulk\n"),
            ("storage/r2/index.md", "# R2\n"),
        ]);
        assert!(!diagnostics.has_errors());
        assert!(tree.by_path("/storage/kv/").is_some());
        assert!(tree.by_path("/storage/guides/bulk/").is_some());
        assert_eq!(tree.by_path("/storage/r2/").unwrap().title, "R2");
        let bulk = tree.by_path("/storage/guides/bulk/").unwrap();
        let guides = tree.get(bulk.parent.unwrap());
        assert_eq!(
            guides.path, "/storage/guides/",
            "a folder without _index.md is still a section"
        );
        assert!(guides.is_virtual);
        assert_eq!(guides.title, "Guides");
        assert_eq!(tree.get(guides.parent.unwrap()).path, "/storage/");
    }

    #[test]
    fn folders_without_index_become_sections_titled_from_their_names() {
        let (tree, diagnostics) = tree(&[
            ("getting-started/install.md", "# Install\n"),
            ("getting-started/first_steps/hello.md", "# Hello\n"),
            ("api/v2/_index.md", "+++\ntitle = \"API v2\"\n+++\n"),
            ("api/v2/auth.md", "# Auth\n"),
            ("tutorial/index.md", "# Tutorial\n"),
            ("tutorial/diagram.md", "# Diagram\n"),
            ("faq.md", "# FAQ\n"),
            ("faq/more.md", "# More\n"),
        ]);
        assert!(
            !diagnostics.has_errors(),
            "{:?}",
            diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
        let section = |path: &str| {
            let document = tree.by_path(path).unwrap_or_else(|| panic!("no {path}"));
            assert!(document.is_section(), "{path}");
            (document.title.as_str(), document.is_virtual)
        };
        assert_eq!(section("/getting-started/"), ("Getting started", true));
        assert_eq!(section("/getting-started/first_steps/"), ("First steps", true));
        assert_eq!(section("/api/"), ("Api", true), "a folder holding only a section");
        assert_eq!(section("/api/v2/"), ("API v2", false));
        let parent_of = |path: &str| tree.get(tree.by_path(path).unwrap().parent.unwrap()).path.clone();
        assert_eq!(
            parent_of("/getting-started/first_steps/hello/"),
            "/getting-started/first_steps/"
        );
        assert_eq!(parent_of("/getting-started/first_steps/"), "/getting-started/");
        assert_eq!(parent_of("/api/v2/"), "/api/");
        assert!(
            !tree.by_path("/tutorial/").unwrap().is_section(),
            "a bundle's folder stays its page"
        );
        assert!(!tree.by_path("/faq/").unwrap().is_section(), "a page keeps its URL");
        assert_eq!(parent_of("/faq/more/"), "/");
    }

    #[test]
    fn children_are_ordered_by_weight_then_title() {
        let (tree, _) = tree(&[
            ("b.md", "# Beta\n"),
            ("a.md", "# Alpha\n"),
            ("z.md", "+++\nweight = 1\n+++\n# Zed\n"),
            ("s/_index.md", "+++\ntitle = \"Section\"\nweight = 2\n+++\n"),
        ]);
        let root = tree.get(tree.root());
        assert_eq!(
            root.title, "Site",
            "the root section is made up when content/_index.md is missing"
        );
        assert_eq!(paths(&tree, &root.children), ["/z/", "/s/", "/a/", "/b/"]);
        assert_eq!(paths(&tree, &tree.reading_order()), ["/", "/z/", "/s/", "/a/", "/b/"]);
    }

    #[test]
    fn title_falls_back_to_the_first_heading_then_the_file_name() {
        let (tree, _) = tree(&[
            ("a.md", "```\n# not this\n```\n"),
            ("kv-store.md", "\n# KV store {#kv}\n\ntext\n"),
        ]);
        assert_eq!(tree.by_path("/kv-store/").unwrap().title, "KV store");
        assert!(tree.by_path("/kv-store/").unwrap().title_from_heading);
        assert_eq!(tree.by_path("/a/").unwrap().title, "A");
    }

    #[test]
    fn url_segments_follow_the_sites_rule() {
        for (name, as_written, slugified, safe) in [
            (
                "Getting_Started",
                "Getting_Started",
                "getting-started",
                "Getting_Started",
            ),
            ("Café crème", "Café crème", "cafe-creme", "Café crème"),
            ("what?.", "what?.", "what", "what"),
        ] {
            assert_eq!(UrlSegments::AsWritten.segment(name), as_written);
            assert_eq!(UrlSegments::Slugified.segment(name), slugified);
            assert_eq!(UrlSegments::Safe.segment(name), safe);
        }
    }

    #[test]
    fn slugs_and_drafts() {
        let (tree, _) = tree(&[
            ("s/_index.md", "+++\nslug = \"storage\"\n+++\n"),
            ("s/kv.md", "+++\nslug = \"key-value\"\n+++\n"),
            ("s/wip.md", "+++\ndraft = true\n+++\n"),
        ]);
        assert!(tree.by_path("/storage/key-value/").is_some());
        assert!(tree.by_path("/storage/wip/").is_none());
    }

    #[test]
    fn two_documents_with_one_url_are_an_error() {
        let (_, diagnostics) = tree(&[("a.md", "# A\n"), ("a/index.md", "# A again\n")]);
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].contains("both want the URL `/a/`"), "{}", messages[0]);
    }
}
