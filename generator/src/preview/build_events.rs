//! What the builder tells the server, the only things that cross the channel between them: a good
//! build's files to serve ([`Publication`]) with what the open pages should do about them
//! ([`PageChange`]), or the errors that keep the last good version served ([`FailureReport`], which
//! the live-reload overlay shows as it is).

use crate::diagnostics::{BuildFailed, Diagnostic};
use edgedocs_edge::SiteEdgeConfig;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// What the builder tells the server.
#[derive(Debug)]
pub(super) enum BuildEvent {
    /// A good build: new files to serve and what the open pages should do.
    Published(Publication),
    /// The site has errors; the server keeps serving the last good files and shows these.
    Failed(FailureReport),
}

/// Files of a good build, to serve from now on.
#[derive(Debug)]
pub(super) struct Publication {
    /// Output paths (`storage/kv/index.html`) and their contents.
    pub(super) files: HashMap<String, Arc<[u8]>>,
    /// The files are the whole site: drop every file served before.
    pub(super) replace_all: bool,
    /// Output paths the site no longer has (a deleted page or static file): stop serving them.
    pub(super) removed: BTreeSet<String>,
    pub(super) change: PageChange,
    /// What the site tells its edge: the colour themes of its theme (the allow-list) and `[edge]`.
    pub(super) edge: SiteEdgeConfig,
    /// The path of the site's base URL (`/tally`, or empty): the site is served under it.
    pub(super) base_path: String,
}

/// What changed for the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PageChange {
    /// Only stylesheets: swap them, no reload.
    Stylesheets,
    /// These pages (URL paths) changed; others stay as they are.
    Pages(BTreeSet<String>),
    /// Anything may have changed: reload every page.
    Everything,
}

impl PageChange {
    /// Both changes at once, as one message to the open pages.
    pub(super) fn merge(self, other: PageChange) -> PageChange {
        match (self, other) {
            (PageChange::Everything, _) | (_, PageChange::Everything) => PageChange::Everything,
            (PageChange::Stylesheets, PageChange::Stylesheets) => PageChange::Stylesheets,
            (PageChange::Pages(mut a), PageChange::Pages(b)) => {
                a.extend(b);
                PageChange::Pages(a)
            }
            // Pages and stylesheets: the pages reload, which brings the new stylesheet; others swap.
            _ => PageChange::Everything,
        }
    }
}

/// A failed build, for the terminal and the page overlay.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(super) struct FailureReport {
    /// What `edgedocs build` prints for the same errors.
    pub(super) text: String,
    pub(super) diagnostics: Vec<DiagnosticReport>,
}

/// One diagnostic, as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(super) struct DiagnosticReport {
    pub(super) severity: &'static str,
    /// `content/storage/kv.md:3:1`, when the diagnostic has a place.
    pub(super) location: Option<String>,
    pub(super) message: String,
    pub(super) help: Option<String>,
}

impl FailureReport {
    pub(super) fn from_failed(failed: &BuildFailed) -> Self {
        Self {
            text: failed.to_string(),
            diagnostics: failed.diagnostics.iter().map(DiagnosticReport::from).collect(),
        }
    }

    /// An error that is not a list of diagnostics (an I/O error, say), with its causes.
    pub(super) fn from_error(error: &anyhow::Error) -> Self {
        if let Some(failed) = error.downcast_ref::<BuildFailed>() {
            return Self::from_failed(failed);
        }
        let message = format!("{error:#}");
        Self {
            text: format!("error: {message}"),
            diagnostics: vec![DiagnosticReport {
                severity: "error",
                location: None,
                message,
                help: None,
            }],
        }
    }
}

impl From<&Diagnostic> for DiagnosticReport {
    fn from(diagnostic: &Diagnostic) -> Self {
        Self {
            severity: if diagnostic.is_error() { "error" } else { "warning" },
            location: diagnostic.location.as_ref().map(ToString::to_string),
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_changes_reload_unless_both_are_pages_or_both_stylesheets() {
        let pages = |paths: &[&str]| PageChange::Pages(paths.iter().map(|path| (*path).to_owned()).collect());
        let cases = [
            (pages(&["/a/"]), pages(&["/b/", "/a/"]), pages(&["/a/", "/b/"])),
            (
                PageChange::Stylesheets,
                PageChange::Stylesheets,
                PageChange::Stylesheets,
            ),
            (pages(&["/a/"]), PageChange::Stylesheets, PageChange::Everything),
            (PageChange::Stylesheets, pages(&["/a/"]), PageChange::Everything),
            (PageChange::Everything, pages(&[]), PageChange::Everything),
            (PageChange::Stylesheets, PageChange::Everything, PageChange::Everything),
        ];
        for (first, second, merged) in cases {
            let described = format!("{first:?} + {second:?}");
            assert_eq!(first.merge(second), merged, "{described}");
        }
    }
}
