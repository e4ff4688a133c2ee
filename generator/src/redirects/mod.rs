//! Redirects: one list of old URLs and where they lead, which any source adds to (front matter's
//! `aliases` and `redirect_to` here; an imported book's settings elsewhere), checked as a whole
//! ([`validate`]) and written for hosts ([`workers`]: `_redirects`; [`stub_page`]: a page at each old
//! URL). It does not decide what a page's URL is: that is the content tree's job.

mod from_front_matter;
pub(crate) mod stub_page;
mod validate;
pub(crate) mod workers;

pub(crate) use from_front_matter::from_documents;
pub(crate) use validate::{LiveUrls, flatten_chains, validate};

use crate::diagnostics::Location;

/// The HTTP status a redirect answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectStatus {
    /// 301: the page moved for good (what `aliases` and `redirect_to` mean).
    MovedPermanently,
    /// 302: the page is elsewhere for now.
    Found,
    /// 303: see the other page.
    SeeOther,
    /// 307: elsewhere for now, same method.
    TemporaryRedirect,
    /// 308: moved for good, same method.
    PermanentRedirect,
}

impl RedirectStatus {
    pub fn code(self) -> u16 {
        match self {
            Self::MovedPermanently => 301,
            Self::Found => 302,
            Self::SeeOther => 303,
            Self::TemporaryRedirect => 307,
            Self::PermanentRedirect => 308,
        }
    }

    /// The status of `code`, if hosts can answer a redirect with it.
    pub fn from_code(code: u16) -> Option<Self> {
        [
            Self::MovedPermanently,
            Self::Found,
            Self::SeeOther,
            Self::TemporaryRedirect,
            Self::PermanentRedirect,
        ]
        .into_iter()
        .find(|status| status.code() == code)
    }
}

/// One old URL and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The old URL path within the site (`/old/url/`, `/chapter.html`), without the base path.
    pub from: String,
    /// Where it leads: a URL path within the site (`/guide/intro/`, maybe with `#anchor`), without the
    /// base path, or an absolute URL of another site.
    pub to: String,
    pub status: RedirectStatus,
    /// Where the redirect was written, for errors.
    pub origin: Location,
}

impl Redirect {
    /// Whether `to` leaves the site (`https://...`, `//host/...`, `mailto:`).
    pub fn is_external(&self) -> bool {
        is_external_url(&self.to)
    }

    /// `to` without its `#fragment` or `?query`: the path that must be a page of the site.
    pub fn to_path(&self) -> &str {
        self.to.split(['#', '?']).next().unwrap_or_default()
    }
}

/// The site's redirects, in the order their sources added them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedirectList {
    items: Vec<Redirect>,
}

impl RedirectList {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, redirect: Redirect) {
        self.items.push(redirect);
    }

    pub fn extend(&mut self, other: RedirectList) {
        self.items.extend(other.items);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Redirect> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The output files of the pages left at the old URLs (see [`stub_page::stub_file`]).
    pub fn stub_files(&self) -> impl Iterator<Item = String> + '_ {
        self.items
            .iter()
            .filter_map(|redirect| stub_page::stub_file(&redirect.from))
    }
}

/// Whether `url` names another site or scheme rather than a path of this one.
pub(crate) fn is_external_url(url: &str) -> bool {
    url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !scheme.contains('/')
        })
}

/// A URL path as the list keeps it: with a leading `/`, and a trailing `/` unless its last segment
/// names a file (`chapter.html`): `guide/intro` -> `/guide/intro/`.
pub(crate) fn normalise_path(path: &str) -> String {
    let (path, rest) = match path.find(['#', '?']) {
        Some(index) => path.split_at(index),
        None => (path, ""),
    };
    let mut normal = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normal.push('/');
    }
    normal.push_str(path);
    let last = normal.rsplit('/').next().unwrap_or_default();
    if !last.is_empty() && !last.contains('.') {
        normal.push('/');
    }
    normal.push_str(rest);
    normal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_get_their_slashes() {
        for (written, normal) in [
            ("/old/url/", "/old/url/"),
            ("old/url", "/old/url/"),
            ("/old/url", "/old/url/"),
            ("/chapter.html", "/chapter.html"),
            ("guide/intro#setup", "/guide/intro/#setup"),
            ("/", "/"),
            ("", "/"),
        ] {
            assert_eq!(normalise_path(written), normal, "{written}");
        }
    }

    #[test]
    fn external_urls_are_told_apart_from_paths() {
        for url in ["https://example.com/", "//example.com/a", "mailto:a@b.c"] {
            assert!(is_external_url(url), "{url}");
        }
        for url in ["/guide/", "guide/intro", "/a:b/", "a/b:c"] {
            assert!(!is_external_url(url), "{url}");
        }
    }

    #[test]
    fn statuses_round_trip_through_their_codes() {
        for code in [301, 302, 303, 307, 308] {
            assert_eq!(RedirectStatus::from_code(code).map(RedirectStatus::code), Some(code));
        }
        assert_eq!(RedirectStatus::from_code(200), None);
        assert_eq!(RedirectStatus::from_code(304), None);
    }
}
