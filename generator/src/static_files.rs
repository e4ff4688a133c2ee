//! Copies of the files published as they are: the theme's `static/` with the site's own `static/` over
//! it, and the files under `content/` that are not Markdown, each read inside the site root and bounded.

use crate::content::discover::{SourceFile, SourceKind};
use crate::content::tree::UrlSegments;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputSink;
use crate::site_root::{MAX_COPIED_FILE_BYTES, SiteRoot, read_bounded};
use crate::theme::{FileKind, ThemeFiles};
use std::collections::HashSet;

/// Copies the theme's `static/` (the site's own files replacing the theme's at the same path), then the
/// non-Markdown files under `content/`, in the folders the pages beside them are published at
/// (`url_segments`). Returns every path written.
pub(crate) fn copy_static_files(
    site_root: &SiteRoot,
    theme_files: &ThemeFiles,
    content_files: &[SourceFile],
    url_segments: UrlSegments,
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
) -> HashSet<String> {
    let mut written = HashSet::new();
    let listing = theme_files.list(site_root, FileKind::Static);
    diagnostics.extend(listing.errors.iter().map(|error| error.to_diagnostic(None)));
    for file in listing.files {
        let bytes = match file.read(MAX_COPIED_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(error) => {
                diagnostics.push(error.to_diagnostic(None));
                continue;
            }
        };
        write_one(&file.relative, &bytes, output, diagnostics, &mut written);
    }
    for file in content_files.iter().filter(|f| f.kind == SourceKind::Asset) {
        match read_bounded(
            &file.absolute,
            &site_root.display(&file.absolute),
            MAX_COPIED_FILE_BYTES,
        ) {
            Ok(bytes) => write_one(
                &published_path(&file.relative, url_segments),
                &bytes,
                output,
                diagnostics,
                &mut written,
            ),
            Err(error) => diagnostics.push(error.to_diagnostic(None)),
        }
    }
    written
}

/// Where a file under `content/` is published: its folders named as the pages' URLs name them, its own
/// name as written (`themes/Ergo/screenshot.png` -> `themes/ergo/screenshot.png` on a Zola site).
fn published_path(relative: &str, url_segments: UrlSegments) -> String {
    if url_segments == UrlSegments::AsWritten {
        return relative.to_owned();
    }
    match relative.rsplit_once('/') {
        Some((folders, name)) => {
            let folders: Vec<String> = folders.split('/').map(|folder| url_segments.segment(folder)).collect();
            format!("{}/{name}", folders.join("/"))
        }
        None => relative.to_owned(),
    }
}

fn write_one(
    to: &str,
    bytes: &[u8],
    output: &dyn OutputSink,
    diagnostics: &mut Diagnostics,
    written: &mut HashSet<String>,
) {
    match output.write(to, bytes) {
        Ok(()) => {
            written.insert(to.to_owned());
        }
        Err(error) => diagnostics.push(Diagnostic::error(None, format!("{error:#}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_beside_pages_follow_the_pages_folders() {
        assert_eq!(
            published_path("themes/Ergo/shot.png", UrlSegments::AsWritten),
            "themes/Ergo/shot.png"
        );
        assert_eq!(
            published_path("themes/Ergo/Shot.png", UrlSegments::Slugified),
            "themes/ergo/Shot.png"
        );
        assert_eq!(published_path("a_b/c d/x.txt", UrlSegments::Slugified), "a-b/c-d/x.txt");
        assert_eq!(published_path("top.txt", UrlSegments::Slugified), "top.txt");
    }
}
