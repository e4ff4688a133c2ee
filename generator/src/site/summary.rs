//! What `edgedocs build` prints when it succeeds.

use crate::diagnostics::Diagnostic;
pub use crate::render::highlight_cache::HighlightCacheStats;
use edgedocs_edge::SiteEdgeConfig;
use std::path::Path;
use std::time::Duration;

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    pub elapsed: Duration,
    /// Internal links, images and anchors the link check followed.
    pub links_checked: usize,
    pub warnings: Vec<Diagnostic>,
    /// What the site tells its edge, for the Worker written beside the output.
    pub edge: SiteEdgeConfig,
    /// Code blocks reused from `.edgedocs/cache/` and highlighted, when the build used the cache.
    pub highlight_cache: Option<HighlightCacheStats>,
}

impl BuildSummary {
    /// One line for the terminal: `Built 3 pages, 2 sections and 4 assets in 41 ms into public/, 12 links
    /// checked`, and with the cache `, 5 of 7 code blocks from the highlight cache`.
    pub fn line(&self, output: &Path) -> String {
        let mut line = format!(
            "Built {} page{}, {} section{} and {} asset{} in {} ms into {}, {} link{} checked",
            self.pages,
            plural(self.pages),
            self.sections,
            plural(self.sections),
            self.assets,
            plural(self.assets),
            self.elapsed.as_millis(),
            output.display(),
            self.links_checked,
            plural(self.links_checked)
        );
        if let Some(cache) = self.highlight_cache
            && cache.reused + cache.highlighted > 0
        {
            let blocks = cache.reused + cache.highlighted;
            line.push_str(&format!(
                ", {} of {blocks} code block{} from the highlight cache",
                cache.reused,
                plural(blocks)
            ));
        }
        line
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
