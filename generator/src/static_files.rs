//! Copies of the files published as they are: the theme's `static/`, the site's `static/` (which wins),
//! and the files under `content/` that are not Markdown, each read inside the site root and bounded.

use crate::content::discover::{SourceFile, SourceKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputSink;
use crate::site_root::{MAX_COPIED_FILE_BYTES, SiteRoot, read_bounded};
use std::collections::HashSet;
use std::path::Path;

/// Copies the theme's `static/`, then the site's (which wins), then the non-Markdown files under
/// `content/`. Returns every path written.
pub fn copy_static_files(
    site_root: &SiteRoot,
    static_folders: [&Path; 2],
    content_files: &[SourceFile],
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) -> HashSet<String> {
    let mut written = HashSet::new();
    for folder in static_folders {
        let walk = site_root.walk(folder, false);
        diagnostics.extend(walk.errors.iter().map(|error| error.to_diagnostic(None)));
        for file in walk.files {
            copy_one(site_root, &file.path, &file.relative, output, diagnostics, &mut written);
        }
    }
    for file in content_files.iter().filter(|f| f.kind == SourceKind::Asset) {
        copy_one(
            site_root,
            &file.absolute,
            &file.relative,
            output,
            diagnostics,
            &mut written,
        );
    }
    written
}

fn copy_one(
    site_root: &SiteRoot,
    from: &Path,
    to: &str,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
    written: &mut HashSet<String>,
) {
    let bytes = match read_bounded(from, &site_root.display(from), MAX_COPIED_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(error) => return diagnostics.push(error.to_diagnostic(None)),
    };
    match output.write(to, &bytes) {
        Ok(()) => {
            written.insert(to.to_owned());
        }
        Err(error) => diagnostics.push(Diagnostic::error(None, format!("{error:#}"))),
    }
}
