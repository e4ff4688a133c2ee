//! The link check: after every page is rendered, each internal link must reach a page (or a file the
//! build wrote) and, when it names one, an anchor on that page.

use crate::content::tree::ContentTree;
use crate::diagnostics::{Diagnostic, Diagnostics, closest_match};
use crate::render::RenderedDocument;
use std::collections::{HashMap, HashSet};

/// Reports every internal link in `rendered` whose page, file or anchor does not exist.
pub fn check(
    tree: &ContentTree,
    rendered: &[RenderedDocument],
    written_files: &HashSet<String>,
    diagnostics: &mut Diagnostics,
) {
    let anchors: HashMap<&str, HashSet<&str>> = rendered
        .iter()
        .map(|document| {
            (
                tree.get(document.id).path.as_str(),
                document.anchor_ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    for document in rendered {
        let own_path = tree.get(document.id).path.as_str();
        for (location, link) in &document.internal_links {
            let target = if link.path.is_empty() {
                Some(own_path.to_owned())
            } else {
                page_path(tree, &link.path)
            };
            let Some(target) = target else {
                let file = link.path.trim_start_matches('/');
                if written_files.contains(file) || written_files.contains(&format!("{}index.html", with_slash(file))) {
                    continue;
                }
                let what = if link.is_image { "image" } else { "page" };
                diagnostics.push(
                    Diagnostic::error(Some(location.clone()), format!("link to a missing {what} `{}`", link.written))
                        .with_help("no page or file of the site has this path; write the link as a relative `.md` path to let the build resolve it"),
                );
                continue;
            };
            let Some(anchor) = link.anchor.as_deref().filter(|a| !a.is_empty()) else {
                continue;
            };
            let ids = anchors.get(target.as_str());
            if ids.is_some_and(|ids| ids.contains(anchor)) {
                continue;
            }
            let mut diagnostic = Diagnostic::error(
                Some(location.clone()),
                format!(
                    "link to a missing anchor `#{anchor}` on `{target}` (written `{}`)",
                    link.written
                ),
            );
            if let Some(ids) = ids {
                diagnostic = match closest_match(anchor, ids.iter().copied()) {
                    Some(close) => diagnostic.with_help(format!("did you mean `#{close}`?")),
                    None if ids.is_empty() => {
                        diagnostic.with_help(format!("`{target}` has no headings or ids to link to"))
                    }
                    None => {
                        let mut listed: Vec<&str> = ids.iter().copied().collect();
                        listed.sort_unstable();
                        listed.truncate(8);
                        diagnostic.with_help(format!("anchors on `{target}` include: #{}", listed.join(", #")))
                    }
                };
            }
            diagnostics.push(diagnostic);
        }
    }
}

/// The page path a root-relative link reaches (`/storage/kv`, `/storage/kv/`, `/storage/kv/index.html`).
fn page_path(tree: &ContentTree, path: &str) -> Option<String> {
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let normalized = with_slash(path);
    tree.by_path(&normalized).map(|document| document.path.clone())
}

fn with_slash(path: &str) -> String {
    if path.ends_with('/') || path.is_empty() {
        path.to_owned()
    } else {
        format!("{path}/")
    }
}
