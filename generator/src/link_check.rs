//! The link check: after every page is rendered, each internal link must reach a page (or a file the
//! build wrote) and, when it names one, an anchor on that page.

use crate::content::tree::{ContentTree, RelativeLinks};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, closest_match, closest_path};
use crate::render::RenderedDocument;
use std::collections::{HashMap, HashSet};

/// Whether `written` is a relative link to something other than a Markdown file (`../faq/`,
/// `shot.png`), as opposed to a root-relative, `@/` or `.md` link.
fn is_plain_relative(written: &str) -> bool {
    let path = written.split(['#', '?']).next().unwrap_or_default();
    !path.is_empty() && !path.starts_with('/') && !path.starts_with('@') && !path.ends_with(".md")
}

/// Reports every internal link in `rendered` whose page, file or anchor does not exist.
pub(crate) fn check(
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
    let mut candidates: Option<Vec<String>> = None;
    for document in rendered {
        let own_path = tree.get(document.id).path.as_str();
        for (location, link) in &document.internal_links {
            let target = if link.path.is_empty() {
                Some(own_path.to_owned())
            } else {
                page_path(tree, &link.path)
            };
            let Some(target) = target else {
                let decoded = percent_decode(&link.path);
                let file = decoded.trim_start_matches('/');
                if written_files.contains(file)
                    || written_files.contains(&format!("{}index.html", with_slash(file)))
                    || tree.is_unreadable_path(&with_slash(&decoded))
                {
                    continue;
                }
                let what = if link.is_image { "image" } else { "page or file" };
                let mut message = format!("link to a missing {what} `{}`", link.written);
                if link.written.split(['?', '#']).next() != Some(link.path.as_str()) {
                    message.push_str(&format!(" (at `{}` on the site)", link.path));
                }
                let candidates = candidates.get_or_insert_with(|| targets(tree, written_files));
                let help = match nearest_target(tree, candidates, &decoded) {
                    Some(Nearest::PageOfHtml(page)) => format!(
                        "that page is at `{page}`: link to its Markdown file instead (`{}.md`), and the build writes its URL",
                        decoded.trim_end_matches(".html").rsplit('/').next().unwrap_or_default()
                    ),
                    Some(Nearest::Similar(close)) => format!("did you mean `{close}`?"),
                    None if tree.relative_links() == RelativeLinks::FromPageUrl => "no page or file of the site has this path; this site's relative links are resolved from the page's URL, as the browser does".to_owned(),
                    None => "no page or file of the site has this path; relative links are resolved from the Markdown file, so write the path as you see it in the repository".to_owned(),
                };
                let mut diagnostic = Diagnostic::error(Some(location.clone()), message).with_help(help);
                if tree.relative_links() == RelativeLinks::FromPageUrl && is_plain_relative(&link.written) {
                    // A site of another generator that never checked these links: reported, not fatal.
                    diagnostic.severity = Severity::Warning;
                }
                diagnostics.push(diagnostic);
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

/// Every URL path a link may reach: the pages, then the files the build wrote.
fn targets(tree: &ContentTree, written_files: &HashSet<String>) -> Vec<String> {
    let mut targets: Vec<String> = tree.documents().iter().map(|document| document.path.clone()).collect();
    let mut files: Vec<String> = written_files.iter().map(|file| format!("/{file}")).collect();
    files.sort_unstable();
    targets.extend(files);
    targets
}

/// What a missing link probably meant.
enum Nearest<'a> {
    /// `chapter.html` where the page `chapter/` exists (links written for mdBook's output).
    PageOfHtml(&'a str),
    Similar(&'a str),
}

fn nearest_target<'a>(tree: &'a ContentTree, candidates: &'a [String], missing: &str) -> Option<Nearest<'a>> {
    if let Some(stem) = missing.strip_suffix(".html")
        && let Some(page) = tree.by_path(&format!("{stem}/"))
    {
        return Some(Nearest::PageOfHtml(&page.path));
    }
    closest_path(missing, candidates.iter().map(String::as_str)).map(Nearest::Similar)
}

/// `%20`-style escapes decoded, as the host maps a URL to a file.
fn percent_decode(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8_lossy()
        .into_owned()
}

/// The page path a root-relative link reaches (`/storage/kv`, `/storage/kv/`, `/storage/kv/index.html`).
fn page_path(tree: &ContentTree, path: &str) -> Option<String> {
    let path = percent_decode(path);
    let path = path.strip_suffix("index.html").unwrap_or(&path);
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
