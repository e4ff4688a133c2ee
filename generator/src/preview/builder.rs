//! The builder: owns the [`Site`], turns each batch of file changes into a [`RebuildPlan`], runs it into
//! a scratch output, prints the outcome (errors in the same words as `build`), and tells the server what
//! to publish, or that the site has errors and the last good version stays. It talks to the watcher and
//! the server only over channels.

use super::build_events::{BuildEvent, FailureReport, PageChange, Publication};
use super::changes::{ChangedPath, SiteLayout, classify};
use super::plan::{AssetStep, ContentStep, RebuildPlan};
use crate::diagnostics::BuildFailed;
use crate::output::MemoryOutput;
use crate::site::{AssetRebuild, DocumentUpdate, Overrides, Site};
use crate::terminal::{note, say};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;

/// Files built but not yet published, because the site had errors when they were built.
#[derive(Default)]
struct Unpublished {
    files: HashMap<String, Arc<[u8]>>,
    replace_all: bool,
    removed: BTreeSet<String>,
    change: Option<PageChange>,
}

impl Unpublished {
    fn add(&mut self, output: MemoryOutput, replace_all: bool, change: PageChange) {
        if replace_all {
            self.files.clear();
            self.removed.clear();
            self.replace_all = true;
        }
        let files = output.into_files();
        for path in files.keys() {
            self.removed.remove(path);
        }
        self.files.extend(files);
        self.change = Some(match self.change.take() {
            Some(previous) => previous.merge(change),
            None => change,
        });
    }

    /// Paths the site no longer has since what was last published.
    fn remove(&mut self, paths: impl IntoIterator<Item = String>) {
        for path in paths {
            self.files.remove(&path);
            self.removed.insert(path);
        }
    }
}

/// The builder's state between batches.
pub(super) struct Builder {
    root: PathBuf,
    site: Option<Site>,
    unpublished: Unpublished,
    /// `--base-url` and `--drafts`, applied to every build.
    overrides: Overrides,
    /// The steps that failed last time, run again with the next batch.
    retry: RebuildPlan,
    events: UnboundedSender<BuildEvent>,
}

impl Builder {
    pub(super) fn new(root: &Path, overrides: Overrides, events: UnboundedSender<BuildEvent>) -> Self {
        Self {
            root: root.to_path_buf(),
            overrides,
            site: None,
            unpublished: Unpublished::default(),
            retry: RebuildPlan::default(),
            events,
        }
    }

    /// Builds the site once, then rebuilds for every batch of changes until the watcher stops.
    pub(super) fn run(mut self, batches: &Receiver<Vec<ChangedPath>>) {
        self.rebuild(RebuildPlan::everything());
        while let Ok(mut batch) = batches.recv() {
            // Batches that queued up while the last build ran are handled together.
            while let Ok(more) = batches.try_recv() {
                batch.extend(more);
            }
            self.apply(&batch);
        }
    }

    /// Classifies a batch, plans and rebuilds.
    pub(super) fn apply(&mut self, batch: &[ChangedPath]) {
        let plan = match &self.site {
            None => RebuildPlan::everything(),
            Some(site) => {
                let theme_dir = relative_to(&self.root, &site.theme().dir);
                let output_dir = relative_to(&self.root, &crate::site::default_output_dir(&self.root));
                let layout = SiteLayout {
                    theme_dir: &theme_dir,
                    output_dir: &output_dir,
                    is_document: &|source| site.has_document(source),
                    has_documents_under: &|folder| site.document_sources().any(|source| source.starts_with(folder)),
                    book_src: site
                        .config()
                        .book
                        .is_some()
                        .then_some(site.config().content_folder.as_path()),
                };
                RebuildPlan::for_changes(&classify(batch, &layout))
            }
        };
        self.rebuild(plan);
    }

    /// Runs `plan` (with whatever failed last time), then publishes or reports.
    pub(super) fn rebuild(&mut self, plan: RebuildPlan) {
        let plan = plan.merge(std::mem::take(&mut self.retry));
        if plan.is_empty() {
            return;
        }
        let started = Instant::now();
        let outcome = if plan.full || self.site.is_none() {
            self.load()
        } else {
            self.run_steps(plan)
        };
        let elapsed = started.elapsed().as_millis();
        let verdict = match outcome {
            Err(failure) => Err(failure),
            Ok(what) => match self.site.as_ref().map(Site::check) {
                Some(Err(failed)) => Err(FailureReport::from_failed(&failed)),
                _ => Ok(what),
            },
        };
        match verdict {
            Ok(what) => {
                say(&format!("{what} in {elapsed} ms"));
                self.publish();
            }
            Err(failure) => {
                note(&failure.text);
                let _ = self.events.send(BuildEvent::Failed(failure));
            }
        }
    }

    fn load(&mut self) -> Result<String, FailureReport> {
        let output = MemoryOutput::default();
        match Site::load_with(&self.root, &self.overrides, &output) {
            Ok(site) => {
                let summary = site.summary(std::time::Duration::ZERO);
                let documents = site.document_sources().count();
                self.site = Some(site);
                self.unpublished.add(output, true, PageChange::Everything);
                if let Ok(summary) = summary {
                    for warning in &summary.warnings {
                        note(&warning.to_string());
                    }
                }
                Ok(format!("Built {documents} documents"))
            }
            Err(error) => {
                self.retry = RebuildPlan::everything();
                Err(FailureReport::from_error(&error))
            }
        }
    }

    fn run_steps(&mut self, plan: RebuildPlan) -> Result<String, FailureReport> {
        let Some(site) = self.site.as_mut() else {
            return Err(FailureReport::from_error(&anyhow::anyhow!("the site is not loaded")));
        };
        let output = MemoryOutput::default();
        let mut change: Option<PageChange> = None;
        let mut done: Vec<String> = Vec::new();
        let mut failure: Option<BuildFailed> = None;
        let add = |change: &mut Option<PageChange>, more: PageChange| {
            *change = Some(match change.take() {
                Some(previous) => previous.merge(more),
                None => more,
            });
        };

        // The steps that can drop files (a deleted page, static file or asset) note the paths first.
        let mut paths_before = None;
        if plan.assets != AssetStep::Unchanged {
            paths_before = Some(site.output_paths());
            match site.rebuild_assets(&output) {
                AssetRebuild::SameUrls if plan.assets == AssetStep::Stylesheets => {
                    add(&mut change, PageChange::Stylesheets);
                    done.push("the stylesheet".into());
                }
                AssetRebuild::SameUrls | AssetRebuild::Renamed => {
                    add(&mut change, PageChange::Everything);
                    done.push("the assets".into());
                }
                AssetRebuild::Failed => done.push("the assets (with errors)".into()),
            }
        }
        if plan.templates {
            match site.reload_templates(&output) {
                Ok(()) => {
                    add(&mut change, PageChange::Everything);
                    done.push("the templates and every page".into());
                }
                Err(failed) => {
                    self.retry.templates = true;
                    failure = Some(failed);
                }
            }
        }
        let mut reload_content = plan.content == ContentStep::Reload;
        if let ContentStep::Documents(sources) = &plan.content {
            let sources: Vec<PathBuf> = sources.iter().cloned().collect();
            match site.update_documents(&sources, &output) {
                DocumentUpdate::Rendered(paths) => {
                    done.push(describe_pages(&paths));
                    add(&mut change, PageChange::Pages(paths.into_iter().collect()));
                }
                DocumentUpdate::NeedsContentReload => reload_content = true,
            }
        }
        if reload_content {
            paths_before.get_or_insert_with(|| site.output_paths());
            match site.reload_content(&output) {
                Ok(()) => {
                    add(&mut change, PageChange::Everything);
                    done.push("the content and every page".into());
                }
                Err(failed) => {
                    self.retry.content = ContentStep::Reload;
                    failure = Some(failed);
                }
            }
        }
        if plan.static_files {
            paths_before.get_or_insert_with(|| site.output_paths());
            site.recopy_static_files(&output);
            add(&mut change, PageChange::Everything);
            done.push("the static files".into());
        }
        if let Some(before) = paths_before {
            let after = site.output_paths();
            self.unpublished
                .remove(before.into_iter().filter(|path| !after.contains(path)));
        }
        self.unpublished
            .add(output, false, change.unwrap_or(PageChange::Pages(BTreeSet::new())));
        match failure {
            Some(failed) => Err(FailureReport::from_failed(&failed)),
            None => Ok(format!("Rebuilt {}", done.join(" and "))),
        }
    }

    fn publish(&mut self) {
        let unpublished = std::mem::take(&mut self.unpublished);
        let edge = self.site.as_ref().map(|site| site.edge_settings()).unwrap_or_default();
        let base_path = self
            .site
            .as_ref()
            .map(|site| site.config().base_path.clone())
            .unwrap_or_default();
        let _ = self.events.send(BuildEvent::Published(Publication {
            files: unpublished.files,
            replace_all: unpublished.replace_all,
            removed: unpublished.removed,
            change: unpublished.change.unwrap_or(PageChange::Pages(BTreeSet::new())),
            edge,
            base_path,
        }));
    }
}

/// `/a/`, `/a/, /b/` or `52 pages (/a/, /b/, ...)`, for the terminal.
fn describe_pages(paths: &[String]) -> String {
    match paths.len() {
        0 => "no page".into(),
        1..=3 => paths.join(", "),
        count => format!("{count} pages ({}, {}, ...)", paths[0], paths[1]),
    }
}

fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::UnboundedReceiver;

    use crate::test_fixtures::fixture_site;

    fn edit(root: &Path, file: &str, from: &str, to: &str) {
        let path = root.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn next(events: &mut UnboundedReceiver<BuildEvent>) -> BuildEvent {
        events.try_recv().expect("the builder sent an event")
    }

    /// The fixture site built once: its folder, the builder, its events and the first publication.
    fn first_build() -> (tempfile::TempDir, Builder, UnboundedReceiver<BuildEvent>, Publication) {
        let dir = fixture_site();
        let (sender, mut events) = tokio::sync::mpsc::unbounded_channel();
        let mut builder = Builder::new(dir.path(), Overrides::default(), sender);
        builder.rebuild(RebuildPlan::everything());
        let BuildEvent::Published(first) = next(&mut events) else {
            panic!("the first build publishes");
        };
        (dir, builder, events, first)
    }

    #[test]
    fn the_last_good_version_is_published_and_errors_hold_back_what_follows() {
        let (dir, mut builder, mut events, first) = first_build();
        assert!(first.replace_all && first.change == PageChange::Everything);
        assert!(first.files.contains_key("storage/kv/index.html"));

        // A body edit: that page only.
        edit(
            dir.path(),
            "content/storage/kv.md",
            "eventually consistent",
            "consistent later",
        );
        builder.apply(&[ChangedPath::file("content/storage/kv.md")]);
        let BuildEvent::Published(page) = next(&mut events) else {
            panic!("a good edit publishes");
        };
        assert!(!page.replace_all);
        assert_eq!(
            page.change,
            PageChange::Pages(BTreeSet::from(["/storage/kv/".to_owned()]))
        );
        let mut published: Vec<&String> = page.files.keys().filter(|path| !path.starts_with("search/")).collect();
        published.sort();
        assert_eq!(
            published,
            ["llms-full.txt", "storage/kv/index.html", "storage/kv/index.md"]
        );

        // A static file and a page that come and go: once deleted, they are no longer served. (The
        // search index's replaced files go too.)
        let outside_search = |paths: &BTreeSet<String>| -> BTreeSet<String> {
            paths
                .iter()
                .filter(|path| !path.starts_with("search/"))
                .cloned()
                .collect()
        };
        for (source, outputs) in [
            ("static/notes.txt", &["notes.txt"][..]),
            ("content/notes.md", &["notes/index.html", "notes/index.md"][..]),
        ] {
            std::fs::write(dir.path().join(source), "# Notes\n").unwrap();
            builder.apply(&[ChangedPath::file(source)]);
            let BuildEvent::Published(added) = next(&mut events) else {
                panic!("adding {source} publishes");
            };
            assert!(
                outputs.iter().all(|output| added.files.contains_key(*output))
                    && outside_search(&added.removed).is_empty()
            );
            std::fs::remove_file(dir.path().join(source)).unwrap();
            builder.apply(&[ChangedPath::removed(source)]);
            let removed = match next(&mut events) {
                BuildEvent::Published(removed) => removed,
                BuildEvent::Failed(failure) => panic!("removing {source}: {}", failure.text),
            };
            let expected: BTreeSet<String> = outputs.iter().map(|output| (*output).to_owned()).collect();
            assert_eq!(outside_search(&removed.removed), expected);
            assert!(outputs.iter().all(|output| !removed.files.contains_key(*output)));
        }

        // Broken front matter: an error, nothing published.
        edit(dir.path(), "content/storage/kv.md", "weight = 1", "weight = ");
        builder.apply(&[ChangedPath::file("content/storage/kv.md")]);
        let BuildEvent::Failed(failure) = next(&mut events) else {
            panic!("a broken edit fails");
        };
        assert!(
            failure.text.starts_with("error: content/storage/kv.md:4:"),
            "{}",
            failure.text
        );
        assert_eq!(
            failure.diagnostics[0].location.as_deref().map(|l| &l[..22]),
            Some("content/storage/kv.md:")
        );

        // Another page's edit while the error stands: built, held back.
        edit(dir.path(), "content/guide.md", "Read the", "Now read the");
        builder.apply(&[ChangedPath::file("content/guide.md")]);
        assert!(
            matches!(next(&mut events), BuildEvent::Failed(_)),
            "the error still stands"
        );

        // The fix publishes both pages.
        edit(dir.path(), "content/storage/kv.md", "weight = ", "weight = 1");
        builder.apply(&[ChangedPath::file("content/storage/kv.md")]);
        let BuildEvent::Published(fixed) = next(&mut events) else {
            panic!("the fix publishes");
        };
        let mut paths: Vec<&String> = fixed.files.keys().filter(|path| !path.starts_with("search/")).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "guide/index.html",
                "guide/index.md",
                "llms-full.txt",
                "storage/kv/index.html",
                "storage/kv/index.md"
            ]
        );
        assert_eq!(
            fixed.change,
            PageChange::Pages(BTreeSet::from(["/guide/".to_owned(), "/storage/kv/".to_owned()]))
        );
        assert!(events.try_recv().is_err(), "one event per batch");
    }

    #[test]
    fn a_stylesheet_change_publishes_only_the_stylesheet() {
        let (dir, mut builder, mut events, _) = first_build();
        let main_css = dir.path().join("themes/default/assets/main.css");
        let css = std::fs::read_to_string(&main_css).unwrap();
        std::fs::write(&main_css, format!("{css}\n.probe{{color:red}}\n")).unwrap();
        builder.apply(&[ChangedPath::file("themes/default/assets/main.css")]);
        let BuildEvent::Published(publication) = next(&mut events) else {
            panic!("publishes");
        };
        assert_eq!(publication.change, PageChange::Stylesheets);
        assert_eq!(publication.files.len(), 1);
        assert!(publication.files.keys().all(|path| path.starts_with("assets/main.")));
    }

    #[test]
    fn a_template_error_keeps_the_site_and_is_retried_with_the_next_change() {
        let (dir, mut builder, mut events, _) = first_build();
        let page = dir.path().join("themes/default/templates/page.html");
        let template = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{template}{{{{ broken }}\n")).unwrap();
        builder.apply(&[ChangedPath::file("themes/default/templates/page.html")]);
        let BuildEvent::Failed(failure) = next(&mut events) else {
            panic!("fails");
        };
        assert!(
            failure.text.contains("themes/default/templates/page.html:"),
            "{}",
            failure.text
        );

        std::fs::write(&page, &template).unwrap();
        edit(dir.path(), "content/guide.md", "Read the", "Now read the");
        // Only the page changed in this batch; the templates are reloaded because they failed before.
        builder.apply(&[ChangedPath::file("content/guide.md")]);
        let BuildEvent::Published(publication) = next(&mut events) else {
            panic!("publishes");
        };
        assert_eq!(publication.change, PageChange::Everything);
    }
}
