//! The [`Edge`]: one value holding the configuration, with the entry points every runtime calls in
//! the same order — route, then either the API's two steps or the page's two steps. It owns the order
//! of decisions, not the decisions themselves (those live in `api/` and `page/`).

use crate::api::{self, ApiEndpoint, ApiStep, Outcome, PendingApi, RequestContext};
use crate::config::EdgeConfig;
use crate::http::EdgeRequest;
use crate::kv::KvSnapshot;
use crate::page::{self, InjectionPlan, PendingPage};
use crate::search::{self, FileRead, PendingSearch, SearchStep};

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A KV demo API under `/api/`: answered by the core, never by the static assets.
    Api(ApiEndpoint),
    /// `/search`: the results page, from the index's files read through the assets ([`Edge::start_search`]),
    /// for `GET` and `HEAD`; other methods go to the assets like any path.
    Search,
    /// Anything else: fetched from the static assets; HTML responses get the injection.
    Asset,
}

/// The edge middleware, configured once and shared by every request.
#[derive(Debug, Clone)]
pub struct Edge {
    config: EdgeConfig,
}

impl Edge {
    pub fn new(config: EdgeConfig) -> Self {
        Self { config }
    }

    pub fn config(&self) -> &EdgeConfig {
        &self.config
    }

    /// Routes by path: `/api/kv/theme`, `/api/kv/flags` (when the site turned the demo APIs on), other
    /// `/api/...` (404), `/search`, or a static asset.
    pub fn route(&self, path: &str) -> Route {
        match path {
            "/api/kv/theme" => Route::Api(ApiEndpoint::Theme),
            "/api/kv/flags" if self.config.demo_apis => Route::Api(ApiEndpoint::Flags),
            "/api" => Route::Api(ApiEndpoint::Unknown),
            search::SEARCH_PATH => Route::Search,
            _ if path.starts_with("/api/") => Route::Api(ApiEndpoint::Unknown),
            _ => Route::Asset,
        }
    }

    /// Validates an API request and either answers it or names the KV reads it needs.
    pub fn start_api(&self, endpoint: ApiEndpoint, request: &EdgeRequest, context: &RequestContext) -> ApiStep {
        api::start(endpoint, request, context, &self.config)
    }

    /// The key to count this request under in a rate limiter, for requests that cost KV a write or a
    /// list (`None` for the rest): the client's address from `cf-connecting-ip` (an IPv6 address by its
    /// /64), else its session. A runtime with a limiter refuses the request with
    /// [`Outcome::rate_limited`] when the key is over its limit, before [`Edge::start_api`].
    pub fn rate_limit_key(&self, endpoint: ApiEndpoint, request: &EdgeRequest) -> Option<String> {
        api::rate_limit_key(endpoint, request, &self.config)
    }

    /// For a request that counts what its session holds before it writes (a flag `POST`), the key
    /// under which the runtime should run it one at a time with the others of that key: from
    /// [`Edge::start_api`] to the end of its writes. `None` for every other request.
    pub fn counted_write_key(&self, endpoint: ApiEndpoint, request: &EdgeRequest) -> Option<String> {
        api::counted_write_key(endpoint, request, &self.config)
    }

    /// Answers an API request from the KV values read for it. Make `outcome.writes` before sending
    /// `outcome.response`; if a write fails, send [`Outcome::kv_unavailable`] instead.
    pub fn finish_api(&self, pending: PendingApi, snapshot: &KvSnapshot) -> Outcome {
        api::finish(pending, snapshot, &self.config)
    }

    /// The first files a `/search?q=` request reads (see [`crate::search`]); the results page it ends
    /// with is an HTML page: send it through [`Edge::start_page`] and [`Edge::finish_page`] too.
    pub fn start_search(&self, request: &EdgeRequest) -> SearchStep {
        search::start_search(&request.query)
    }

    /// The next files to read, or the results page, from what the last files came to (in order).
    pub fn continue_search(&self, pending: PendingSearch, reads: Vec<FileRead>) -> SearchStep {
        search::continue_search(pending, reads)
    }

    /// The KV reads an HTML page needs ([`PendingPage::reads`]); start them while fetching the asset.
    pub fn start_page(&self, request: &EdgeRequest) -> PendingPage {
        page::start_page(request, &self.config)
    }

    /// The injection plan for a page; `snapshot` is `None` when KV failed or timed out (fail open:
    /// the page is served without KV content, never as an error).
    pub fn finish_page(&self, pending: PendingPage, snapshot: Option<&KvSnapshot>) -> InjectionPlan {
        page::finish_page(pending, snapshot, &self.config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let edge = Edge::new(crate::test_support::config());
        let cases = [
            ("/api/kv/theme", Route::Api(ApiEndpoint::Theme)),
            ("/api/kv/flags", Route::Api(ApiEndpoint::Flags)),
            ("/api/kv/theme/", Route::Api(ApiEndpoint::Unknown)),
            ("/api/kv/pinned_message", Route::Api(ApiEndpoint::Unknown)),
            ("/api", Route::Api(ApiEndpoint::Unknown)),
            ("/apix", Route::Asset),
            ("/search", Route::Search),
            ("/search/", Route::Asset),
            ("/search/manifest.json", Route::Asset),
            ("/", Route::Asset),
            ("/storage/kv/", Route::Asset),
        ];
        for (path, route) in cases {
            assert_eq!(edge.route(path), route, "{path}");
        }
    }

    #[test]
    fn without_the_demo_apis_only_the_theme_api_answers() {
        let edge = Edge::new(EdgeConfig::new(vec!["dark".into()], "test"));
        assert_eq!(edge.route("/api/kv/theme"), Route::Api(ApiEndpoint::Theme));
        assert_eq!(edge.route("/api/kv/flags"), Route::Api(ApiEndpoint::Unknown));
        assert_eq!(edge.route("/guide/"), Route::Asset);
    }
}
