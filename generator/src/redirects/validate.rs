//! Checking the redirect list as a whole: every target is a page the build wrote, no redirect leads to
//! another (a chain) or back to itself (a loop), no old URL is claimed twice, and no old URL is still a
//! live page. Every problem is reported, each at the redirect's origin.

use super::{Redirect, RedirectList};
use crate::diagnostics::{Diagnostic, Diagnostics, closest_path};
use std::collections::{HashMap, HashSet};

/// What the build wrote, by which a redirect's target is found.
pub(crate) struct LiveUrls<'a> {
    /// The URL paths of the pages (`/guide/intro/`), those that redirect left out.
    pub pages: &'a HashSet<String>,
    /// Every other file written, relative to the output (`assets/main.css`, `book.pdf`).
    pub files: &'a HashSet<String>,
}

impl LiveUrls<'_> {
    /// Whether a request for `path` (`/guide/`, `/book.pdf`) finds something the build wrote.
    fn has(&self, path: &str) -> bool {
        let file = path.trim_start_matches('/');
        self.pages.contains(path)
            || self.files.contains(file)
            || (path.ends_with('/') && self.files.contains(&format!("{file}index.html")))
    }
}

/// Reports every problem of `list` into `diagnostics`.
pub(crate) fn validate(list: &RedirectList, live: &LiveUrls<'_>, diagnostics: &mut Diagnostics) {
    let mut by_from: HashMap<&str, &Redirect> = HashMap::new();
    for redirect in list.iter() {
        match by_from.get(redirect.from.as_str()) {
            Some(first) => diagnostics.push(
                Diagnostic::error(
                    Some(redirect.origin.clone()),
                    format!(
                        "the old URL `{}` is already redirected to `{}` by {}",
                        redirect.from, first.to, first.origin
                    ),
                )
                .with_help("keep the old URL in one place only: remove one of the two"),
            ),
            None => {
                by_from.insert(&redirect.from, redirect);
            }
        }
    }
    // A rule whose old URL is a live page never answers (the page does), so it starts no chain.
    by_from.retain(|from, _| !live.has(from));
    for redirect in list.iter() {
        if live.has(&redirect.from) {
            diagnostics.push(
                Diagnostic::error(
                    Some(redirect.origin.clone()),
                    format!("the old URL `{}` is also a page of the site", redirect.from),
                )
                .with_help(
                    "a live page cannot redirect: remove the redirect, or move or rename the page that has this URL",
                ),
            );
        }
    }
    for redirect in list.iter().filter(|redirect| !redirect.is_external()) {
        if by_from.contains_key(redirect.to_path()) {
            diagnostics.push(chain_or_loop(redirect, &by_from));
        } else if !live.has(redirect.to_path()) {
            let near = closest_path(redirect.to_path(), live.pages.iter().map(String::as_str));
            diagnostics.push(
                Diagnostic::error(
                    Some(redirect.origin.clone()),
                    format!(
                        "`{}` redirects to `{}`, which is not a page of the site",
                        redirect.from, redirect.to
                    ),
                )
                .with_help(match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "point it at a page the site builds, or remove it".to_owned(),
                }),
            );
        }
    }
}

/// Points every redirect whose target is itself redirected straight at the end of the chain, each
/// with a warning: for sites of another generator, which follows chains. Loops are left for
/// [`validate`] to report.
pub(crate) fn flatten_chains(list: &RedirectList, diagnostics: &mut Diagnostics) -> RedirectList {
    let by_from: HashMap<&str, &Redirect> = list.iter().map(|redirect| (redirect.from.as_str(), redirect)).collect();
    let mut flat = RedirectList::new();
    for redirect in list.iter() {
        let mut current = redirect;
        let mut seen: HashSet<&str> = HashSet::from([redirect.from.as_str()]);
        let mut looped = false;
        while let Some(next) = by_from.get(current.to_path()).copied() {
            if !seen.insert(next.from.as_str()) {
                looped = true;
                break;
            }
            current = next;
        }
        let mut redirect = redirect.clone();
        if !looped && current.from != redirect.from {
            diagnostics.push(
                Diagnostic::warning(
                    Some(redirect.origin.clone()),
                    format!(
                        "`{}` redirects to `{}`, which redirects again: written straight to `{}`",
                        redirect.from, redirect.to, current.to
                    ),
                )
                .with_help(format!(
                    "point it at `{}` to keep the source and the output alike",
                    current.to
                )),
            );
            redirect.to = current.to.clone();
        }
        flat.push(redirect);
    }
    flat
}

/// The error for a redirect whose target is itself redirected: a loop if following the targets comes
/// back to `redirect`, else a chain, with the final target to point at instead.
fn chain_or_loop(redirect: &Redirect, by_from: &HashMap<&str, &Redirect>) -> Diagnostic {
    let mut hops = vec![redirect.from.as_str()];
    let mut seen: HashSet<&str> = HashSet::from([redirect.from.as_str()]);
    let mut current = redirect;
    while let Some(next) = by_from.get(current.to_path()).copied() {
        if !seen.insert(next.from.as_str()) {
            hops.push(next.from.as_str());
            let shown = hops.join(" -> ");
            return Diagnostic::error(Some(redirect.origin.clone()), format!("the redirects loop: {shown}"))
                .with_help("point one of them at the page that now has the content");
        }
        hops.push(next.from.as_str());
        current = next;
    }
    hops.push(&current.to);
    let shown = hops.join(" -> ");
    Diagnostic::error(Some(redirect.origin.clone()), format!("the redirects chain: {shown}")).with_help(format!(
        "point `{}` straight at `{}`: browsers and search engines follow one hop",
        redirect.from, current.to
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use crate::redirects::RedirectStatus;

    fn redirect(from: &str, to: &str, line: usize) -> Redirect {
        Redirect {
            from: from.to_owned(),
            to: to.to_owned(),
            status: RedirectStatus::MovedPermanently,
            origin: Location::new("content/a.md", line, 3),
        }
    }

    fn problems(redirects: &[Redirect]) -> Vec<String> {
        let mut list = RedirectList::new();
        for redirect in redirects {
            list.push(redirect.clone());
        }
        let pages: HashSet<String> = ["/", "/guide/", "/guide/intro/"].map(str::to_owned).into();
        let files: HashSet<String> = ["book.pdf"].map(str::to_owned).into();
        let mut diagnostics = Diagnostics::new();
        validate(
            &list,
            &LiveUrls {
                pages: &pages,
                files: &files,
            },
            &mut diagnostics,
        );
        diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn redirects_to_pages_files_and_other_sites_are_fine() {
        assert!(
            problems(&[
                redirect("/old/", "/guide/intro/#setup", 2),
                redirect("/manual.pdf", "/book.pdf", 3),
                redirect("/gone/", "https://example.com/", 4),
            ])
            .is_empty()
        );
    }

    #[test]
    fn a_redirect_to_a_missing_page_names_the_nearest() {
        assert_eq!(
            problems(&[redirect("/old/", "/guide/intr/", 2)]),
            [
                "error: content/a.md:2:3: `/old/` redirects to `/guide/intr/`, which is not a page of the site\n  help: did you mean `/guide/intro/`?"
            ]
        );
    }

    #[test]
    fn chains_and_loops_are_errors() {
        assert_eq!(
            problems(&[redirect("/a/", "/b/", 2), redirect("/b/", "/guide/", 3)]),
            [
                "error: content/a.md:2:3: the redirects chain: /a/ -> /b/ -> /guide/\n  help: point `/a/` straight at `/guide/`: browsers and search engines follow one hop"
            ]
        );
        let looped = problems(&[redirect("/a/", "/b/", 2), redirect("/b/", "/a/", 3)]);
        assert_eq!(
            looped,
            [
                "error: content/a.md:2:3: the redirects loop: /a/ -> /b/ -> /a/\n  help: point one of them at the page that now has the content",
                "error: content/a.md:3:3: the redirects loop: /b/ -> /a/ -> /b/\n  help: point one of them at the page that now has the content",
            ]
        );
        assert_eq!(
            problems(&[redirect("/a/", "/a/", 2)]),
            [
                "error: content/a.md:2:3: the redirects loop: /a/ -> /a/\n  help: point one of them at the page that now has the content"
            ]
        );
    }

    #[test]
    fn chains_of_imported_sites_are_flattened_with_a_warning() {
        let mut list = RedirectList::new();
        for redirect in [
            redirect("/a/", "/b/", 2),
            redirect("/b/", "/guide/#x", 3),
            redirect("/e/", "/f/", 4),
            redirect("/f/", "/e/", 5),
        ] {
            list.push(redirect);
        }
        let mut diagnostics = Diagnostics::new();
        let flat = flatten_chains(&list, &mut diagnostics);
        let targets: Vec<&str> = flat.iter().map(|redirect| redirect.to.as_str()).collect();
        assert_eq!(
            targets,
            ["/guide/#x", "/guide/#x", "/f/", "/e/"],
            "loops are left alone"
        );
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "warning: content/a.md:2:3: `/a/` redirects to `/b/`, which redirects again: written straight to `/guide/#x`\n  help: point it at `/guide/#x` to keep the source and the output alike"
            ]
        );
    }

    #[test]
    fn an_old_url_claimed_twice_or_still_live_is_an_error() {
        assert_eq!(
            problems(&[redirect("/old/", "/guide/", 2), redirect("/old/", "/", 5)]),
            [
                "error: content/a.md:5:3: the old URL `/old/` is already redirected to `/guide/` by content/a.md:2:3\n  help: keep the old URL in one place only: remove one of the two"
            ]
        );
        assert_eq!(
            problems(&[redirect("/guide/intro/", "/guide/", 2)]),
            [
                "error: content/a.md:2:3: the old URL `/guide/intro/` is also a page of the site\n  help: a live page cannot redirect: remove the redirect, or move or rename the page that has this URL"
            ]
        );
    }
}
