//! The KV demo APIs: which endpoint a request is for, the two steps every API request goes through
//! (validate and name the KV reads, then decide the response and the writes from what was read), and
//! the keys a runtime throttles API requests under. The endpoints live one per file (`theme.rs`,
//! `flags.rs`) and return their own pending state; this module wraps it in the opaque [`PendingApi`]
//! and turns their errors into refusals. Requests refused by validation never cost a KV read, and
//! nothing is written for a refused request.
//!
//! Nothing below imports this module: the shared pieces are leaves (`outcome.rs`, `request.rs`,
//! `visitor.rs`, `error.rs`, `referer.rs`, `client_address.rs`).

mod client_address;
mod error;
mod flags;
mod outcome;
mod referer;
mod request;
mod theme;
mod visitor;

#[cfg(any(target_arch = "wasm32", test))]
pub(crate) mod bounded_body;
#[cfg(any(target_arch = "wasm32", test))]
pub(crate) mod session_queue;

pub use error::ApiError;
pub use flags::{validate_flag_name, validate_tenant};
pub use outcome::Outcome;
pub use request::RequestContext;

use crate::config::EdgeConfig;
use crate::http::{EdgeRequest, Method};
use crate::kv::{KvReads, KvSnapshot};
use client_address::client_network;
use flags::PendingFlags;
use outcome::Step;
use theme::PendingTheme;
use visitor::Visitor;

/// The first step of an API request.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per request, moved once; boxing would only add an allocation"
)]
pub enum ApiStep {
    /// The request is answered without reading KV (it may still carry writes).
    Done(Outcome),
    /// Perform `reads`, then call [`crate::Edge::finish_api`] with `pending` and the snapshot.
    NeedsKv { reads: KvReads, pending: PendingApi },
}

/// A validated API request waiting for its KV reads. Opaque: only the core looks inside.
#[derive(Debug)]
pub struct PendingApi(PendingKind);

#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "one short-lived value per request, moved once; boxing would only add an allocation"
)]
enum PendingKind {
    Theme(PendingTheme),
    Flags(PendingFlags),
}

/// The API endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiEndpoint {
    /// `/api/kv/theme`: the visitor's colour theme.
    Theme,
    /// `/api/kv/flags`: the keyspace-as-index demo.
    Flags,
    /// Any other path under `/api/`: answered 404.
    Unknown,
}

impl<Pending> Step<Pending> {
    /// The handler's step as the runtime sees it, its pending state wrapped by `kind`.
    fn wrap(self, kind: fn(Pending) -> PendingKind) -> ApiStep {
        match self {
            Step::Done(outcome) => ApiStep::Done(outcome),
            Step::NeedsKv { reads, pending } => ApiStep::NeedsKv {
                reads,
                pending: PendingApi(kind(pending)),
            },
        }
    }
}

/// Validates a request for `endpoint` and either answers it or names the KV reads it needs.
pub(crate) fn start(
    endpoint: ApiEndpoint,
    request: &EdgeRequest,
    context: &RequestContext,
    config: &EdgeConfig,
) -> ApiStep {
    let step = match endpoint {
        ApiEndpoint::Theme => theme::start(request, context, config).map(|step| step.wrap(PendingKind::Theme)),
        ApiEndpoint::Flags => flags::start(request, context, config).map(|step| step.wrap(PendingKind::Flags)),
        ApiEndpoint::Unknown => Err(ApiError::NotFound),
    };
    step.unwrap_or_else(|error| ApiStep::Done(Outcome::refuse(&error)))
}

/// Answers a validated request from the KV values read for it.
pub(crate) fn finish(pending: PendingApi, snapshot: &KvSnapshot, config: &EdgeConfig) -> Outcome {
    let outcome = match pending.0 {
        PendingKind::Theme(pending) => Ok(theme::finish(pending, snapshot, config)),
        PendingKind::Flags(pending) => flags::finish(pending, snapshot, config),
    };
    outcome.unwrap_or_else(|error| Outcome::refuse(&error))
}

/// The key a runtime's rate limiter counts a request under, for the requests that cost KV a write or
/// a list (`POST` to the theme and flags APIs, `GET` of flags); `None` for every other request. A
/// client is its IP address as the runtime names it in `cf-connecting-ip` (an IPv6 address counts as
/// its /64, which one client usually holds whole); without that header, its session; without either,
/// one shared key.
pub(crate) fn rate_limit_key(endpoint: ApiEndpoint, request: &EdgeRequest, config: &EdgeConfig) -> Option<String> {
    let costs_kv = matches!(
        (endpoint, request.method),
        (ApiEndpoint::Theme | ApiEndpoint::Flags, Method::Post) | (ApiEndpoint::Flags, Method::Get)
    );
    if !costs_kv {
        return None;
    }
    if let Some(address) = request.header("cf-connecting-ip") {
        return Some(format!("client:{}", client_network(address.trim())));
    }
    Some(match Visitor::from_cookies(request, config) {
        Some(visitor) => format!("session:{}", visitor.session.as_str()),
        None => "client:unknown".to_owned(),
    })
}

/// The key under which a runtime runs a request one at a time with the others of the same key, for
/// requests that count what their session holds before they write (a flag `POST`): two of them
/// overlapping would both pass the count. `None` for every other request.
pub(crate) fn counted_write_key(endpoint: ApiEndpoint, request: &EdgeRequest, config: &EdgeConfig) -> Option<String> {
    match (endpoint, request.method) {
        (ApiEndpoint::Flags, Method::Post) => {
            Visitor::from_cookies(request, config).map(|visitor| visitor.session.as_str().to_owned())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{VISITOR, config, request as on_origin};

    #[test]
    fn requests_that_cost_kv_a_write_or_a_list_are_rate_limited_by_client() {
        let config = config();
        let session = format!("__Host-session={VISITOR}");
        let request = |method: Method, headers: &[(&str, &str)]| {
            headers
                .iter()
                .fold(on_origin(method, "/api/kv/flags"), |request, (name, value)| {
                    request.with_header(*name, *value)
                })
        };
        // (name, endpoint, request, key)
        let cases: Vec<(&str, ApiEndpoint, EdgeRequest, Option<&str>)> = vec![
            (
                "a flag write by IPv4",
                ApiEndpoint::Flags,
                request(Method::Post, &[("cf-connecting-ip", "203.0.113.7")]),
                Some("client:203.0.113.7"),
            ),
            (
                "a theme save by IPv6 counts the /64",
                ApiEndpoint::Theme,
                request(
                    Method::Post,
                    &[("cf-connecting-ip", "2001:db8:1:2:aaaa:bbbb:cccc:dddd")],
                ),
                Some("client:2001:db8:1:2::/64"),
            ),
            (
                "another address in the same /64 is the same client",
                ApiEndpoint::Theme,
                request(Method::Post, &[("cf-connecting-ip", "2001:db8:1:2::1")]),
                Some("client:2001:db8:1:2::/64"),
            ),
            (
                "a written-out IPv6 address is the same /64",
                ApiEndpoint::Theme,
                request(
                    Method::Post,
                    &[("cf-connecting-ip", "2001:0db8:0001:0002:0000:0000:0000:0001")],
                ),
                Some("client:2001:db8:1:2::/64"),
            ),
            (
                "the unspecified address",
                ApiEndpoint::Theme,
                request(Method::Post, &[("cf-connecting-ip", "::")]),
                Some("client:0:0:0:0::/64"),
            ),
            (
                "not an address: as sent",
                ApiEndpoint::Theme,
                request(Method::Post, &[("cf-connecting-ip", "1:2:3")]),
                Some("client:1:2:3"),
            ),
            (
                "an IPv4-mapped address is its IPv4",
                ApiEndpoint::Flags,
                request(Method::Post, &[("cf-connecting-ip", "::ffff:203.0.113.7")]),
                Some("client:203.0.113.7"),
            ),
            (
                "a flags listing costs a list",
                ApiEndpoint::Flags,
                request(Method::Get, &[("cf-connecting-ip", "203.0.113.7")]),
                Some("client:203.0.113.7"),
            ),
            (
                "without an address, the session",
                ApiEndpoint::Flags,
                request(Method::Post, &[("cookie", &session)]),
                Some("session:0123456789abcdef0123456789abcdef"),
            ),
            (
                "without either, one shared key",
                ApiEndpoint::Theme,
                request(Method::Post, &[]),
                Some("client:unknown"),
            ),
            (
                "reading the theme costs no write or list",
                ApiEndpoint::Theme,
                request(Method::Get, &[("cf-connecting-ip", "203.0.113.7")]),
                None,
            ),
            (
                "an unknown API costs nothing",
                ApiEndpoint::Unknown,
                request(Method::Post, &[("cf-connecting-ip", "203.0.113.7")]),
                None,
            ),
            (
                "a refused method costs nothing",
                ApiEndpoint::Flags,
                request(Method::Put, &[("cf-connecting-ip", "203.0.113.7")]),
                None,
            ),
        ];
        for (name, endpoint, request, key) in cases {
            assert_eq!(rate_limit_key(endpoint, &request, &config).as_deref(), key, "{name}");
        }
    }

    #[test]
    fn only_counted_writes_of_a_session_are_queued() {
        let config = config();
        let with_session = |method: Method| {
            on_origin(method, "/api/kv/flags").with_header("cookie", format!("__Host-session={VISITOR}"))
        };
        let cases = [
            (
                "a flag write",
                ApiEndpoint::Flags,
                with_session(Method::Post),
                Some("0123456789abcdef0123456789abcdef"),
            ),
            ("a flag listing", ApiEndpoint::Flags, with_session(Method::Get), None),
            (
                "a theme save writes without counting",
                ApiEndpoint::Theme,
                with_session(Method::Post),
                None,
            ),
            (
                "a flag write without a session is refused anyway",
                ApiEndpoint::Flags,
                on_origin(Method::Post, "/api/kv/flags"),
                None,
            ),
        ];
        for (name, endpoint, request, key) in cases {
            assert_eq!(counted_write_key(endpoint, &request, &config).as_deref(), key, "{name}");
        }
    }
}
