//! The preview's updates of a [`Site`] kept in memory: re-render one edited document, the pages that
//! show an edited title, reload the content, the templates or the assets, copy the static files again.
//! Each re-runs only the stages the change needs and must leave the site as a fresh build would
//! (the tests compare both).

use super::model::{Site, failure};
use super::stages::{build_assets, discover_content, index_sources, load_templates, read_content};
use crate::content::navigation::ReadingOrder;
use crate::content::tree::{ContentTree, Document, DocumentId, TreeOptions};
use crate::diagnostics::{BuildFailed, Diagnostic, Diagnostics};
use crate::link_check;
use crate::output::{MemoryOutput, OutputSink};
use crate::render::{EditedDocuments, RenderedDocument};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

/// What [`Site::update_documents`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentUpdate {
    /// The documents were re-read and re-rendered (or, when unreadable, keep their last rendering and
    /// now carry the error); these are their URL paths.
    Rendered(Vec<String>),
    /// A file was added, removed or renamed, a document became a draft or moved to another URL, or the
    /// content has errors: reload the content with [`Site::reload_content`].
    NeedsContentReload,
}

/// What [`Site::rebuild_assets`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetRebuild {
    /// Every asset was rebuilt and written under the URL pages already use, so no page changes. The
    /// contents no longer match the fingerprint: fine for a server that sends `no-cache`, never for `build`.
    SameUrls,
    /// An asset was added or removed: the templates were reloaded and every page re-rendered.
    Renamed,
    /// An asset failed to build; the previous ones stay and the site reports the error.
    Failed,
}
impl Site {
    /// Re-reads the documents at `sources` (relative to the root) and re-renders each whose change stays
    /// within its own page: the body, headings included (the table of contents is the page's own), or
    /// its `template`; then re-checks the links. A change other pages show (title, weight, description,
    /// extra) re-renders the pages around the document instead; anything more asks for a content reload.
    pub fn update_documents(&mut self, sources: &[PathBuf], output: &dyn OutputSink) -> DocumentUpdate {
        let mut rendered_paths = Vec::new();
        let mut rendered = Vec::new();
        let mut anchors_changed = false;
        if self.config.book.is_some() {
            // A chapter's text depends on the files it includes and its place on SUMMARY.md.
            return DocumentUpdate::NeedsContentReload;
        }
        for source in sources {
            let Some(id) = self.tree.by_source(source).map(|document| document.id) else {
                return DocumentUpdate::NeedsContentReload;
            };
            let Some(&file_index) = self.source_files.get(source) else {
                return DocumentUpdate::NeedsContentReload;
            };
            let options = TreeOptions {
                root: &self.config.root,
                site_title: &self.config.title,
                build_drafts: self.config.build_drafts,
                base_path: &self.config.base_path,
                relative_links: self.tree.relative_links(),
                url_segments: self.tree.url_segments(),
            };
            let mut read_diagnostics = Diagnostics::new();
            let reread = ContentTree::build(
                std::slice::from_ref(&self.content_files[file_index]),
                &options,
                &mut read_diagnostics,
            );
            if read_diagnostics.has_errors() {
                // Unreadable now: the page keeps its last rendering and the site reports the error.
                self.rendered[id.0].diagnostics = read_diagnostics.into_vec();
                rendered_paths.push(self.tree.get(id).path.clone());
                continue;
            }
            let Some(after) = reread.by_source(source) else {
                return DocumentUpdate::NeedsContentReload; // it became a draft
            };
            if edit_reaches_other_pages(self.tree.get(id), after) {
                return self.update_around(sources, output);
            }
            self.edits.insert(id, reread);
            let mut document = self.job().render_document(id, output);
            document.diagnostics.extend(read_diagnostics.into_vec());
            anchors_changed |= !same_anchors(&self.rendered[id.0].anchor_ids, &document.anchor_ids);
            self.rendered[id.0] = document;
            rendered.push(id);
            rendered_paths.push(self.tree.get(id).path.clone());
        }
        if !rendered.is_empty() {
            // `llms-full.txt` holds every page's Markdown; `llms.txt` shows only what reaches other pages.
            let mut written = Diagnostics::new();
            self.write_llms_full(output, &mut written);
            self.stages.site_files.extend(written.into_vec());
            self.write_search_index(output);
            self.check_document_templates();
            if anchors_changed {
                // Links from any page may point at the anchors that came or went.
                self.check_links();
            } else {
                for id in rendered {
                    self.check_links_of(id);
                }
            }
        }
        DocumentUpdate::Rendered(rendered_paths)
    }

    /// Re-reads the content tree after edits that other pages show (a title, a weight, a description)
    /// and re-renders only the pages that show the edited documents: the pages under their parent
    /// section (whose navigation lists them), the parent (its listing), their own subpages
    /// (breadcrumbs), and their previous and next pages before and after the change. When files or
    /// URLs changed, or the content has errors, it asks for a content reload instead.
    fn update_around(&mut self, sources: &[PathBuf], output: &dyn OutputSink) -> DocumentUpdate {
        let mut content = Diagnostics::new();
        let (content_files, tree) = read_content(&self.config, &mut content);
        let same_documents = !content.has_errors()
            && tree.documents().len() == self.tree.documents().len()
            && tree
                .documents()
                .iter()
                .zip(self.tree.documents())
                .all(|(new, old)| new.source == old.source && new.path == old.path && new.kind == old.kind);
        if !same_documents {
            return DocumentUpdate::NeedsContentReload;
        }
        let order = ReadingOrder::new(&tree);
        let edited: Vec<DocumentId> = sources
            .iter()
            .filter_map(|source| tree.by_source(source).map(|document| document.id))
            .collect();
        let mut affected: Vec<DocumentId> = Vec::new();
        for (tree, order) in [(&self.tree, &self.order), (&tree, &order)] {
            for &id in &edited {
                affected.push(id);
                let section = tree.get(id).parent.unwrap_or(id);
                collect_subtree(tree, section, &mut affected);
                collect_subtree(tree, id, &mut affected);
                for neighbour in [order.previous(tree, id), order.next(tree, id)].into_iter().flatten() {
                    affected.extend(tree.by_path(&neighbour.path).map(|document| document.id));
                }
            }
        }
        affected.sort_unstable();
        affected.dedup();

        self.source_files = index_sources(&self.config, &content_files);
        self.content_files = content_files;
        self.tree = tree;
        self.order = order;
        self.edits = EditedDocuments::default();
        self.stages.content = content;
        let job = self.job();
        let rendered: Vec<RenderedDocument> = affected.par_iter().map(|id| job.render_document(*id, output)).collect();
        for document in rendered {
            let index = document.id.0;
            self.rendered[index] = document;
        }
        self.write_search_index(output);
        self.check_document_templates();
        self.check_links();
        self.write_site_files(output);
        DocumentUpdate::Rendered(affected.iter().map(|id| self.tree.get(*id).path.clone()).collect())
    }

    /// Re-discovers and re-reads `content/`, then renders every document. On errors in the content the
    /// site stays as it was and the errors are returned.
    pub fn reload_content(&mut self, output: &dyn OutputSink) -> Result<(), BuildFailed> {
        let mut content = Diagnostics::new();
        let (content_files, tree) = read_content(&self.config, &mut content);
        if content.has_errors() {
            return Err(failure(content));
        }
        self.source_files = index_sources(&self.config, &content_files);
        self.order = ReadingOrder::new(&tree);
        self.content_files = content_files;
        self.tree = tree;
        self.edits = EditedDocuments::default();
        self.stages.content = content;
        self.check_document_templates();
        self.copy_static_files(output);
        self.render_all(output);
        self.write_search_index(output);
        self.check_links();
        self.write_site_files(output);
        Ok(())
    }

    /// Reloads the theme's templates and renders every document with them. On template errors the
    /// previous templates stay and the errors are returned.
    pub fn reload_templates(&mut self, output: &dyn OutputSink) -> Result<(), BuildFailed> {
        let mut diagnostics = Diagnostics::new();
        let Some(templates) = load_templates(&self.config, &self.theme, &self.asset_urls, &mut diagnostics) else {
            return Err(failure(diagnostics));
        };
        self.templates = templates;
        self.stages.templates = diagnostics;
        self.check_document_templates();
        self.render_all(output);
        self.write_search_index(output);
        self.check_links();
        self.write_site_files(output);
        Ok(())
    }

    /// Rebuilds the theme's assets (the stylesheet bundle and the other files under `assets/`).
    pub fn rebuild_assets(&mut self, output: &dyn OutputSink) -> AssetRebuild {
        let scratch = MemoryOutput::default();
        let mut diagnostics = Diagnostics::new();
        let urls = build_assets(&self.config, &self.theme, &scratch, &mut diagnostics);
        let failed = diagnostics.has_errors();
        self.stages.assets = diagnostics;
        if failed {
            return AssetRebuild::Failed;
        }
        let same_names =
            urls.len() == self.asset_urls.len() && urls.keys().all(|name| self.asset_urls.contains_key(name));
        if same_names {
            for (name, url) in &urls {
                if let Some(contents) = scratch.get(url.trim_start_matches('/')) {
                    let stable = self.asset_urls[name].trim_start_matches('/');
                    if let Err(error) = output.write(stable, &contents) {
                        self.stages.assets.push(Diagnostic::error(None, format!("{error:#}")));
                    }
                }
            }
            return AssetRebuild::SameUrls;
        }
        for path in scratch.paths() {
            if let Some(contents) = scratch.get(&path)
                && let Err(error) = output.write(&path, &contents)
            {
                self.stages.assets.push(Diagnostic::error(None, format!("{error:#}")));
            }
        }
        self.asset_urls = Arc::new(urls);
        if let Err(failed) = self.reload_templates(output) {
            self.stages.templates = failed.into();
        }
        AssetRebuild::Renamed
    }

    /// Copies the `static/` folders and content files again, and re-checks links to them.
    pub fn recopy_static_files(&mut self, output: &dyn OutputSink) {
        let mut discovery = Diagnostics::new();
        self.content_files = discover_content(&self.config, &mut discovery);
        self.source_files = index_sources(&self.config, &self.content_files);
        self.copy_static_files(output);
        self.stages.static_files.extend(discovery.into_vec());
        self.check_links();
    }

    /// Checks the links written in the document `id` alone, against the anchors of the pages they reach
    /// (when the document's own anchors are unchanged, no other document's links can change verdict).
    fn check_links_of(&mut self, id: DocumentId) {
        let document = &self.rendered[id.0];
        let mut subset = vec![RenderedDocument {
            id,
            search: None,
            anchor_ids: document.anchor_ids.clone(),
            internal_links: document.internal_links.clone(),
            diagnostics: Vec::new(),
            twin: Default::default(),
        }];
        let mut targets: Vec<DocumentId> = document
            .internal_links
            .iter()
            .filter_map(|(_, link)| link_target(&self.tree, &link.path))
            .filter(|target| *target != id)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        subset.extend(targets.into_iter().map(|target| RenderedDocument {
            id: target,
            search: None,
            anchor_ids: self.rendered[target.0].anchor_ids.clone(),
            internal_links: Vec::new(),
            diagnostics: Vec::new(),
            twin: Default::default(),
        }));
        let mut diagnostics = Diagnostics::new();
        link_check::check(&self.tree, &subset, &self.written_files(), &mut diagnostics);
        let source = self.tree.get(id).source.clone();
        let severity = self.config.broken_links;
        let diagnostics = diagnostics
            .into_vec()
            .into_iter()
            .map(|mut diagnostic| {
                diagnostic.severity = diagnostic.severity.min(severity);
                diagnostic
            })
            .collect();
        self.stages.links.insert(source, diagnostics);
    }
}

/// Whether an edit of one document changes what other pages show of it (navigation, listings,
/// previous/next, breadcrumbs, the sitemap) or where it lives, so that one re-render is not enough.
fn edit_reaches_other_pages(before: &Document, after: &Document) -> bool {
    let (old, new) = (&before.front_matter, &after.front_matter);
    before.title != after.title
        || before.title_from_heading != after.title_from_heading
        || old.weight != new.weight
        || old.draft != new.draft
        || old.slug != new.slug
        || old.description != new.description
        || old.extra != new.extra
        || old.search != new.search
        || old.aliases != new.aliases
        || old.redirect_to != new.redirect_to
        || old.date != new.date
        || old.updated != new.updated
        || old.sort_by != new.sort_by
        || old.render != new.render
}

/// The page a root-relative link reaches (`/storage/kv`, `/storage/kv/`, `/storage/kv/index.html`), the
/// way the link check resolves it, so that a one-document check sees the anchors it needs.
fn link_target(tree: &ContentTree, path: &str) -> Option<DocumentId> {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let found = if path.ends_with('/') {
        tree.by_path(path)
    } else {
        tree.by_path(&format!("{path}/"))
    };
    found.map(|document| document.id)
}

/// `id` and every document below it.
fn collect_subtree(tree: &ContentTree, id: DocumentId, into: &mut Vec<DocumentId>) {
    let mut stack = vec![id];
    while let Some(next) = stack.pop() {
        into.push(next);
        stack.extend(tree.get(next).children.iter().copied());
    }
}

fn same_anchors(before: &[String], after: &[String]) -> bool {
    let before: HashSet<&String> = before.iter().collect();
    let after: HashSet<&String> = after.iter().collect();
    before == after
}
#[cfg(test)]
mod tests {
    use super::super::build;
    use super::*;
    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::test_fixtures::fixture_site;

    fn edit(root: &Path, file: &str, from: &str, to: &str) {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no `{from}`");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn files(output: MemoryOutput) -> BTreeMap<String, Vec<u8>> {
        output
            .into_files()
            .into_iter()
            .map(|(path, contents)| (path, contents.to_vec()))
            .collect()
    }

    fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
        String::from_utf8(files[path].clone()).unwrap()
    }

    /// Incremental and fresh builds agree on every file the site still outputs (the preview stops
    /// serving the others, such as search index files replaced by new ones).
    fn assert_same_site(site: &Site, served: &BTreeMap<String, Vec<u8>>, fresh: &BTreeMap<String, Vec<u8>>) {
        let outputs = site.output_paths();
        let served: BTreeMap<String, Vec<u8>> = served
            .iter()
            .filter(|(path, _)| outputs.contains(*path))
            .map(|(path, contents)| (path.clone(), contents.clone()))
            .collect();
        let differing: Vec<&String> = served
            .keys()
            .chain(fresh.keys())
            .filter(|path| served.get(*path) != fresh.get(*path))
            .collect();
        assert!(
            differing.is_empty(),
            "these files differ from a fresh build: {differing:?}"
        );
    }

    /// What a fresh build of the site at `root` writes.
    fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
        let output = MemoryOutput::default();
        build(root, &output).unwrap();
        files(output)
    }

    #[test]
    fn editing_a_body_re_renders_only_that_page_and_matches_a_fresh_build() {
        let dir = fixture_site();
        let config = dir.path().join("site.toml");
        let settings = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, settings + "\n[search]\nenabled = true\n").unwrap();
        let first = MemoryOutput::default();
        let mut site = Site::load(dir.path(), &first).unwrap();
        let mut served = files(first);

        edit(
            dir.path(),
            "content/storage/kv.md",
            "eventually consistent",
            "consistent in the end",
        );
        let changed = MemoryOutput::default();
        let update = site.update_documents(&[PathBuf::from("content/storage/kv.md")], &changed);
        assert_eq!(update, DocumentUpdate::Rendered(vec!["/storage/kv/".into()]));
        let changed = files(changed);
        let pages: Vec<&String> = changed.keys().filter(|path| !path.starts_with("search/")).collect();
        assert_eq!(
            pages,
            ["llms-full.txt", "storage/kv/index.html", "storage/kv/index.md"],
            "the page, its Markdown and the file with every page's Markdown"
        );
        assert!(
            changed.contains_key("search/manifest.json"),
            "the search index follows the edit"
        );
        assert!(text(&changed, "storage/kv/index.html").contains("consistent in the end"));
        assert!(text(&changed, "storage/kv/index.md").contains("consistent in the end"));
        assert!(text(&changed, "llms-full.txt").contains("consistent in the end"));
        assert!(site.check().is_ok());

        served.extend(changed);
        assert_same_site(&site, &served, &fresh_build(dir.path()));
    }

    #[test]
    fn editing_a_title_re_renders_the_pages_that_show_it_and_matches_a_fresh_build() {
        let dir = fixture_site();
        let first = MemoryOutput::default();
        let mut site = Site::load(dir.path(), &first).unwrap();
        let mut served = files(first);
        assert!(text(&served, "storage/r2/index.html").contains(">KV<"));

        edit(
            dir.path(),
            "content/storage/kv.md",
            "title = \"KV\"",
            "title = \"Workers KV\"",
        );
        let output = MemoryOutput::default();
        let update = site.update_documents(&[PathBuf::from("content/storage/kv.md")], &output);
        assert_eq!(
            update,
            DocumentUpdate::Rendered(vec!["/storage/".into(), "/storage/kv/".into(), "/storage/r2/".into()]),
            "the section (listing), the page, and its sibling (navigation, previous link)"
        );
        let rebuilt = files(output);
        assert!(
            text(&rebuilt, "storage/r2/index.html").contains(">Workers KV<"),
            "the sidebar elsewhere"
        );
        assert!(
            !rebuilt.contains_key("guide/index.html"),
            "a page that does not show it"
        );
        served.extend(rebuilt);
        assert_same_site(&site, &served, &fresh_build(dir.path()));
    }

    #[test]
    fn adding_a_page_reloads_the_content() {
        let dir = fixture_site();
        let first = MemoryOutput::default();
        let mut site = Site::load(dir.path(), &first).unwrap();
        let mut served = files(first);
        std::fs::write(dir.path().join("content/storage/d1.md"), "# D1\n\nNew.\n").unwrap();
        let output = MemoryOutput::default();
        site.reload_content(&output).unwrap();
        served.extend(files(output));
        assert!(served.contains_key("storage/d1/index.html"));
        assert_same_site(&site, &served, &fresh_build(dir.path()));
    }

    #[test]
    fn a_heading_change_rechecks_links_from_other_pages() {
        let dir = fixture_site();
        let mut site = Site::load(dir.path(), &MemoryOutput::default()).unwrap();
        edit(dir.path(), "content/guide.md", "## First steps", "## Getting going");
        let output = MemoryOutput::default();
        site.update_documents(&[PathBuf::from("content/guide.md")], &output);
        let failed = site.check().unwrap_err().to_string();
        assert!(
            failed.starts_with("error: content/_index.md:5:"),
            "the link on the home page to the old heading: {failed}"
        );
        assert!(
            failed.contains("link to a missing anchor `#first-steps` on `/guide/`"),
            "{failed}"
        );
        assert!(text(&files(output), "guide/index.html").contains("id=\"getting-going\""));
    }

    #[test]
    fn a_broken_link_in_an_edited_body_is_reported_like_build_and_cleared_by_the_fix() {
        let dir = fixture_site();
        let mut site = Site::load(dir.path(), &MemoryOutput::default()).unwrap();
        let source = PathBuf::from("content/guide.md");
        let good = "[KV limits](/storage/kv/#why-kv-feels-different)";
        let broken = "[KV limits](/storage/kv/#why-kv-feels-same)";
        edit(dir.path(), "content/guide.md", good, broken);
        site.update_documents(std::slice::from_ref(&source), &MemoryOutput::default());
        let failed = site.check().unwrap_err().to_string();
        let build_says = build(dir.path(), &MemoryOutput::default()).unwrap_err().to_string();
        assert_eq!(failed, build_says, "the same text as `build`");
        assert!(failed.contains("did you mean `#why-kv-feels-different`?"), "{failed}");

        edit(dir.path(), "content/guide.md", broken, good);
        site.update_documents(&[source], &MemoryOutput::default());
        assert!(site.check().is_ok());
    }

    #[test]
    fn broken_front_matter_is_reported_like_build_and_cleared_by_the_fix() {
        let dir = fixture_site();
        let first = MemoryOutput::default();
        let mut site = Site::load(dir.path(), &first).unwrap();
        let before = text(&files(first), "storage/kv/index.html");
        let source = PathBuf::from("content/storage/kv.md");

        edit(dir.path(), "content/storage/kv.md", "weight = 1", "weight = ");
        let output = MemoryOutput::default();
        site.update_documents(std::slice::from_ref(&source), &output);
        let failed = site.check().unwrap_err().to_string();
        let build_says = build(dir.path(), &MemoryOutput::default()).unwrap_err().to_string();
        assert_eq!(failed, build_says, "the same text as `build`");
        assert!(failed.starts_with("error: content/storage/kv.md:4:"), "{failed}");
        assert!(files(output).is_empty(), "the last good rendering stays");

        edit(dir.path(), "content/storage/kv.md", "weight = ", "weight = 1");
        let output = MemoryOutput::default();
        site.update_documents(&[source], &output);
        assert!(site.check().is_ok());
        assert_eq!(text(&files(output), "storage/kv/index.html"), before);
    }

    #[test]
    fn a_stylesheet_change_keeps_the_url_pages_use() {
        let dir = fixture_site();
        let first = MemoryOutput::default();
        let mut site = Site::load(dir.path(), &first).unwrap();
        let stylesheet = site.asset_urls["main.css"].trim_start_matches('/').to_owned();

        let main_css = dir.path().join("themes/default/assets/main.css");
        let css = std::fs::read_to_string(&main_css).unwrap();
        std::fs::write(&main_css, format!("{css}\n.preview-test{{color:red}}\n")).unwrap();
        let output = MemoryOutput::default();
        assert_eq!(site.rebuild_assets(&output), AssetRebuild::SameUrls);
        let changed = files(output);
        assert_eq!(changed.keys().collect::<Vec<_>>(), [&stylesheet], "no page changes");
        assert!(text(&changed, &stylesheet).contains(".preview-test{color:red}"));

        std::fs::write(&main_css, format!("@import \"missing.css\";\n{css}")).unwrap();
        assert_eq!(site.rebuild_assets(&MemoryOutput::default()), AssetRebuild::Failed);
        assert!(site.check().unwrap_err().to_string().contains("CSS error"));
    }

    #[test]
    fn which_edits_reach_other_pages() {
        let dir = fixture_site();
        let site = Site::load(dir.path(), &MemoryOutput::default()).unwrap();
        let kv = site.tree.by_source(Path::new("content/storage/kv.md")).unwrap();
        let cases = [
            ("the body", "KV is", "Workers KV is", false),
            (
                "a heading",
                "## Why KV feels different",
                "## Why it is different",
                false,
            ),
            ("the title", "title = \"KV\"", "title = \"KV store\"", true),
            ("the weight", "weight = 1", "weight = 5", true),
            ("draft", "weight = 1", "weight = 1\ndraft = false", false),
            ("a slug", "weight = 1", "weight = 1\nslug = \"kv-store\"", true),
            ("the description", "Key-value storage.", "Storage.", true),
            ("extra", "badge = \"beta\"", "badge = \"ga\"", true),
            (
                "the template",
                "weight = 1",
                "weight = 1\ntemplate = \"page.html\"",
                false,
            ),
        ];
        for (what, from, to, reaches) in cases {
            edit(dir.path(), "content/storage/kv.md", from, to);
            let file = &site.content_files[site.source_files[Path::new("content/storage/kv.md")]];
            let options = TreeOptions {
                root: dir.path(),
                site_title: "Fixture docs",
                build_drafts: false,
                base_path: "",
                relative_links: Default::default(),
                url_segments: Default::default(),
            };
            let reread = ContentTree::build(std::slice::from_ref(file), &options, &mut Diagnostics::new());
            let after = reread.by_source(Path::new("content/storage/kv.md")).unwrap();
            assert_eq!(edit_reaches_other_pages(kv, after), reaches, "{what}");
            edit(dir.path(), "content/storage/kv.md", to, from);
        }
    }
}
