//! Fixtures the core's unit tests share: one origin, two sessions, one configuration with three
//! colour themes, one request context, and request builders on that origin.

use crate::api::RequestContext;
use crate::config::EdgeConfig;
use crate::http::{EdgeRequest, Method};
use crate::session::{SESSION_ID_BYTES, SessionId};

/// The origin every test request is sent to.
pub(crate) const ORIGIN: &str = "https://docs.test";
/// A visitor's session id, as their cookie carries it.
pub(crate) const VISITOR: &str = "0123456789abcdef0123456789abcdef";
/// Another visitor's session id.
pub(crate) const OTHER_VISITOR: &str = "fedcba9876543210fedcba9876543210";
/// The name the test configuration writes into `data-edge`.
pub(crate) const EDGE_NAME: &str = "test";

/// The edge as the tests configure it: colour themes `light`, `dark` and `sepia`, the demo APIs on,
/// HTTPS cookies.
pub(crate) fn config() -> EdgeConfig {
    EdgeConfig {
        demo_apis: true,
        ..EdgeConfig::new(vec!["light".into(), "dark".into(), "sepia".into()], EDGE_NAME)
    }
}

/// A fixed clock (2023-11-14T22:13:20Z) and a fresh session that is neither of the visitors'.
pub(crate) fn context() -> RequestContext {
    RequestContext {
        now_unix_ms: 1_700_000_000_000,
        fresh_session: SessionId::from_random_bytes([7; SESSION_ID_BYTES]),
    }
}

/// A session id the tests spell out.
pub(crate) fn session(id: &str) -> SessionId {
    SessionId::parse(id).expect("a valid session id")
}

/// [`VISITOR`]'s session.
pub(crate) fn visitor_session() -> SessionId {
    session(VISITOR)
}

/// A request on [`ORIGIN`] for `path_and_query`.
pub(crate) fn request(method: Method, path_and_query: &str) -> EdgeRequest {
    EdgeRequest::new(method, ORIGIN, path_and_query)
}

/// `request` with `cookie` as its Cookie header, unless it is empty.
pub(crate) fn with_cookie(request: EdgeRequest, cookie: &str) -> EdgeRequest {
    if cookie.is_empty() {
        request
    } else {
        request.with_header("cookie", cookie)
    }
}

/// A `Cookie` header carrying [`VISITOR`]'s session under its HTTPS name.
pub(crate) fn visitor_cookie() -> String {
    format!("__Host-session={VISITOR}")
}
