//! What `edgedocs build` prints when it succeeds.

use crate::diagnostics::Diagnostic;
use std::path::Path;
use std::time::Duration;

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    /// The internal links, images and anchors the link check followed.
    pub links_checked: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
}

impl BuildSummary {
    /// One line for the terminal: `Built 3 pages, 2 sections and 4 assets in 41 ms into public/ (12
    /// links checked)`.
    pub fn line(&self, output: &Path) -> String {
        format!(
            "Built {} page{}, {} section{} and {} asset{} in {} ms into {} ({} link{} checked)",
            self.pages,
            plural(self.pages),
            self.sections,
            plural(self.sections),
            self.assets,
            plural(self.assets),
            self.elapsed.as_millis(),
            output.display(),
            self.links_checked,
            plural(self.links_checked),
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
