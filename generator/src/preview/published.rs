//! The site as the server publishes it: the files of the last good build, its generation, the
//! fingerprinted assets rewritten in place, and the error that stands. It applies the builder's
//! events ([`super::build_events`]) and words what the open pages must do about each, as live-reload
//! messages; serving the files over HTTP is [`super::server`]'s job.

use super::build_events::{FailureReport, PageChange, Publication};
use super::livereload::ClientMessage;
use super::static_host::ASSETS_FOLDER;
use super::swap;
use crate::render::output_file;
use edgedocs_edge::SiteEdgeConfig;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The files being served and what the open pages need to know about them.
pub(super) struct PublishedSite {
    files: HashMap<String, Arc<[u8]>>,
    /// Counts good builds, from the server's start time in milliseconds, so that a page served by an
    /// earlier run of the server never mistakes a restarted one for the same site.
    generation: u64,
    /// A good build has been published.
    built: bool,
    /// Fingerprinted assets rewritten in place (a stylesheet change keeps its URL so pages need not be
    /// rendered again), with a version for each.
    rewritten_assets: RewrittenAssets,
    /// The error that stands since the last good build.
    error: Option<FailureReport>,
    /// What the site told its edge in the last good build.
    edge: SiteEdgeConfig,
    /// The path of the site's base URL (`/tally`, or empty): the files are served under it.
    base_path: String,
}

/// What publishing a build changed, for the server to pass on.
pub(super) struct Published {
    /// The live-reload message for the open pages.
    pub(super) message: String,
    /// The site's edge settings, when they are not the ones the edge was given before.
    pub(super) new_edge: Option<SiteEdgeConfig>,
}

impl PublishedSite {
    /// Nothing built yet; generations count from `first_generation` (the server's start time).
    pub(super) fn new(first_generation: u64) -> Self {
        Self {
            files: HashMap::new(),
            generation: first_generation,
            built: false,
            rewritten_assets: RewrittenAssets::default(),
            error: None,
            edge: SiteEdgeConfig::default(),
            base_path: String::new(),
        }
    }

    /// Serves the files of a good build from now on, and clears the error.
    pub(super) fn publish(&mut self, publication: Publication) -> Published {
        // Compared with what was served until now, before it is replaced.
        let pages = match &publication.change {
            PageChange::Pages(paths) if !publication.replace_all => {
                Some(PageUpdates::sort(&self.files, &publication.files, paths))
            }
            _ => None,
        };
        if publication.replace_all {
            self.files = publication.files;
        } else {
            for path in &publication.removed {
                self.files.remove(path);
            }
            self.files.extend(publication.files);
        }
        self.rewritten_assets = RewrittenAssets::in_files(&self.files);
        self.base_path = publication.base_path;
        self.generation += 1;
        self.built = true;
        self.error = None;
        let new_edge = (self.edge != publication.edge).then(|| {
            self.edge = publication.edge;
            self.edge.clone()
        });
        let generation = self.generation;
        let message = match (&publication.change, pages) {
            (PageChange::Stylesheets, _) => ClientMessage::Stylesheets { generation }.to_json(),
            (PageChange::Pages(_), Some(pages)) => ClientMessage::Pages {
                generation,
                swap: &pages.swap,
                reload: &pages.reload,
            }
            .to_json(),
            _ => ClientMessage::Reload { generation }.to_json(),
        };
        Published { message, new_edge }
    }

    /// Keeps the last good files and lets the error stand; returns the message for the open pages.
    pub(super) fn fail(&mut self, failure: FailureReport) -> String {
        let message = ClientMessage::Error { error: &failure }.to_json();
        self.error = Some(failure);
        message
    }

    /// What a page that connects is told first: the generation and the error that stands.
    pub(super) fn hello(&self) -> String {
        ClientMessage::Hello {
            generation: self.generation,
            error: self.error.as_ref(),
        }
        .to_json()
    }

    /// Output paths (`storage/kv/index.html`) and their contents.
    pub(super) fn files(&self) -> &HashMap<String, Arc<[u8]>> {
        &self.files
    }

    pub(super) fn base_path(&self) -> &str {
        &self.base_path
    }

    pub(super) fn generation(&self) -> u64 {
        self.generation
    }

    /// A good build has been published.
    pub(super) fn is_built(&self) -> bool {
        self.built
    }

    pub(super) fn rewritten_assets(&self) -> &RewrittenAssets {
        &self.rewritten_assets
    }
}

/// How the open tabs take a batch of re-rendered pages (URL paths); a page whose HTML came out the same
/// as before is in neither set.
#[derive(Debug, Default, PartialEq, Eq)]
struct PageUpdates {
    /// Changed only inside `<main>`, the title or the description: replaced in place.
    swap: BTreeSet<String>,
    /// Changed elsewhere too (or not found): reloaded.
    reload: BTreeSet<String>,
}

impl PageUpdates {
    /// Sorts `paths` by comparing each page in `served` (what the tabs show) with `built`.
    fn sort(served: &HashMap<String, Arc<[u8]>>, built: &HashMap<String, Arc<[u8]>>, paths: &BTreeSet<String>) -> Self {
        let mut updates = Self::default();
        for path in paths {
            let file = output_file(path);
            match (served.get(&file), built.get(&file)) {
                (Some(old), Some(new)) if old == new => {}
                (Some(old), Some(new)) if swap::is_swappable(old, new) => {
                    updates.swap.insert(path.clone());
                }
                _ => {
                    updates.reload.insert(path.clone());
                }
            }
        }
        updates
    }
}

/// The fingerprinted assets whose contents no longer match the hash in their name (`/assets/...`
/// URLs), each with the hash of what it holds now: pages ask for `name?v=<hash>`, so every asset URL
/// still means one content and browsers may cache them all without asking again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RewrittenAssets(Vec<(String, String)>);

impl RewrittenAssets {
    fn in_files(files: &HashMap<String, Arc<[u8]>>) -> Self {
        let rewritten = files
            .iter()
            .filter_map(|(path, contents)| {
                let logical = path.strip_prefix(ASSETS_FOLDER)?;
                let name = logical_asset_name(logical)?;
                let current = crate::assets::fingerprinted_name(&name, contents);
                (current != logical).then(|| {
                    let hash = blake3::hash(contents).to_hex();
                    (format!("/{path}"), hash.as_str()[..10].to_owned())
                })
            })
            .collect();
        Self(rewritten)
    }

    /// `html` with every reference to a rewritten asset pointing at its current version.
    pub(super) fn versioned(&self, html: Vec<u8>) -> Vec<u8> {
        if self.0.is_empty() {
            return html;
        }
        let mut text = match String::from_utf8(html) {
            Ok(text) => text,
            Err(not_text) => return not_text.into_bytes(),
        };
        for (url, version) in &self.0 {
            text = text.replace(&format!("\"{url}\""), &format!("\"{url}?v={version}\""));
        }
        text.into_bytes()
    }
}

/// `css/main.1a2b3c4d5e.css` -> `css/main.css`: the name before fingerprinting.
fn logical_asset_name(fingerprinted: &str) -> Option<String> {
    let (folder, file) = match fingerprinted.rsplit_once('/') {
        Some((folder, file)) => (format!("{folder}/"), file),
        None => (String::new(), fingerprinted),
    };
    let mut parts: Vec<&str> = file.split('.').collect();
    let hash_at = if parts.len() >= 3 {
        parts.len() - 2
    } else {
        parts.len().checked_sub(1)?
    };
    let hash = parts.get(hash_at)?;
    if hash.len() != 10 || !hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    parts.remove(hash_at);
    Some(format!("{folder}{}", parts.join(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_rewritten_in_place_get_a_version_in_pages() {
        let css: &[u8] = b".a{color:red}";
        let fingerprinted = crate::assets::fingerprinted_name("main.css", css);
        let files: HashMap<String, Arc<[u8]>> = HashMap::from([
            (format!("assets/{fingerprinted}"), Arc::from(css)),
            ("assets/site.0123456789.js".to_owned(), Arc::from(&b"changed()"[..])),
            ("favicon.svg".to_owned(), Arc::from(&b"<svg/>"[..])),
        ]);
        let rewritten = RewrittenAssets::in_files(&files);
        let script_version = blake3::hash(b"changed()").to_hex().as_str()[..10].to_owned();
        assert_eq!(
            rewritten,
            RewrittenAssets(vec![("/assets/site.0123456789.js".to_owned(), script_version.clone())]),
            "only the script no longer matches its name"
        );
        let page = b"<script src=\"/assets/site.0123456789.js\" defer></script>".to_vec();
        let versioned = String::from_utf8(rewritten.versioned(page)).unwrap();
        assert_eq!(
            versioned,
            format!("<script src=\"/assets/site.0123456789.js?v={script_version}\" defer></script>")
        );
        assert_eq!(
            rewritten.versioned(b"\xff<p>not UTF-8</p>".to_vec()),
            b"\xff<p>not UTF-8</p>",
            "a page that is not UTF-8 is served as built, not emptied"
        );
        assert_eq!(
            logical_asset_name("fonts/inter.0123456789.woff2").as_deref(),
            Some("fonts/inter.woff2")
        );
        assert_eq!(logical_asset_name("LICENSE.0123456789").as_deref(), Some("LICENSE"));
        assert_eq!(logical_asset_name("main.css"), None);
    }

    #[test]
    fn re_rendered_pages_are_swapped_reloaded_or_left_alone() {
        let page = |nav: &str, main: &str| -> Arc<[u8]> {
            Arc::from(
                format!("<html><head><title>t</title></head><body><nav>{nav}</nav><main>{main}</main></body></html>")
                    .as_bytes(),
            )
        };
        let served: HashMap<String, Arc<[u8]>> = HashMap::from([
            ("index.html".to_owned(), page("a", "home")),
            ("a/index.html".to_owned(), page("a", "one")),
            ("b/index.html".to_owned(), page("a", "two")),
            ("c/index.html".to_owned(), page("a", "three")),
        ]);
        let built: HashMap<String, Arc<[u8]>> = HashMap::from([
            ("index.html".to_owned(), page("a", "home")),
            ("a/index.html".to_owned(), page("a", "one, edited")),
            ("b/index.html".to_owned(), page("a, renamed", "two")),
            ("d/index.html".to_owned(), page("a", "new")),
        ]);
        let paths: BTreeSet<String> = ["/", "/a/", "/b/", "/c/", "/d/"].map(str::to_owned).into();
        let updates = PageUpdates::sort(&served, &built, &paths);
        assert_eq!(updates.swap, BTreeSet::from(["/a/".to_owned()]));
        assert_eq!(
            updates.reload,
            BTreeSet::from(["/b/", "/c/", "/d/"].map(str::to_owned)),
            "the navigation changed, the page is missing, or was not served before"
        );
    }
}
