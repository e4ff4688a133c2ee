//! The redirects pages ask for in their front matter: each of `aliases = ["/old/url/"]` leads to the
//! page, and `redirect_to = "..."` sends the page's own URL elsewhere.

use super::{Redirect, RedirectList, RedirectStatus, is_external_url, normalise_path};
use crate::content::tree::{ContentTree, Document};
use crate::diagnostics::{Diagnostic, Diagnostics, LineColumn, Location, closest_path};
use std::path::Path;

/// The redirects of every document's front matter; a value that cannot be a URL is reported.
pub(crate) fn from_documents(tree: &ContentTree, diagnostics: &mut Diagnostics) -> RedirectList {
    let mut list = RedirectList::new();
    for document in tree.documents().iter().filter(|document| !document.is_virtual) {
        for alias in &document.front_matter.aliases {
            let origin = value_location(document, "aliases", alias);
            if let Some(problem) = alias_problem(alias) {
                diagnostics.push(
                    Diagnostic::error(Some(origin), format!("the alias `{}` {problem}", alias.escape_debug()))
                        .with_help("write the old URL's path within the site, e.g. `aliases = [\"/old/url/\"]`"),
                );
                continue;
            }
            list.push(Redirect {
                from: normalise_path(alias),
                to: document.path.clone(),
                status: RedirectStatus::MovedPermanently,
                origin,
            });
        }
        if let Some(target) = &document.front_matter.redirect_to {
            let origin = value_location(document, "redirect_to", target);
            if let Some(to) = resolve_target(tree, target, &origin, diagnostics) {
                list.push(Redirect {
                    from: document.path.clone(),
                    to,
                    status: RedirectStatus::MovedPermanently,
                    origin,
                });
            }
        }
    }
    list
}

/// Why `alias` cannot be an old URL of the site, if it cannot.
fn alias_problem(alias: &str) -> Option<&'static str> {
    if alias.trim().is_empty() {
        Some("is empty")
    } else if is_external_url(alias) {
        Some("names another site: an alias is a path of this one")
    } else if alias.contains(['?', '#']) {
        Some("has a query or a fragment, which never reach the server")
    } else if alias.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\') {
        Some("has spaces, control characters or `\\`")
    } else if alias.split('/').any(|segment| segment == "." || segment == "..") {
        Some("has a `.` or `..` segment")
    } else {
        None
    }
}

/// `redirect_to`'s value as a target: `@/file.md#anchor` becomes that page's path, a path gets its
/// slashes, an absolute URL stays as written.
fn resolve_target(
    tree: &ContentTree,
    target: &str,
    origin: &Location,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    if is_external_url(target) {
        return Some(target.to_owned());
    }
    let Some(source) = target.strip_prefix("@/") else {
        return Some(normalise_path(target));
    };
    let (file, fragment) = match source.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (source, None),
    };
    let source = Path::new("content").join(file);
    match tree.by_source(&source) {
        Some(page) => Some(match fragment {
            Some(fragment) => format!("{}#{fragment}", page.path),
            None => page.path.clone(),
        }),
        None => {
            let sources: Vec<String> = tree
                .documents()
                .iter()
                .filter(|document| !document.is_virtual)
                .map(|document| document.source.to_string_lossy().into_owned())
                .collect();
            let help = match closest_path(&source.to_string_lossy(), sources.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `@/{}`?", near.trim_start_matches("content/")),
                None => "write `@/` and the page's path under content/, e.g. `@/guide/intro.md`".to_owned(),
            };
            diagnostics.push(
                Diagnostic::error(
                    Some(origin.clone()),
                    format!(
                        "`redirect_to` names `{}`, which is not a page of the site",
                        source.display()
                    ),
                )
                .with_help(help),
            );
            None
        }
    }
}

/// Where `value` is written as the value of `key` in the document's front matter: the opening quote
/// of its first occurrence after the key, else the key, else the front matter's first line.
fn value_location(document: &Document, key: &str, value: &str) -> Location {
    let text = document.front_matter_text();
    let key_offset = text
        .lines()
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|(start, line)| start + (line.len() - line.trim_start().len()));
    let Some(key_offset) = key_offset else {
        return Location::new(&document.source, 1, 1);
    };
    let offset = [format!("\"{value}\""), format!("'{value}'")]
        .iter()
        .filter_map(|quoted| text[key_offset..].find(quoted.as_str()))
        .min()
        .map_or(key_offset, |found| key_offset + found);
    Location::at_offset(&document.source, text, offset, LineColumn::START)
}
