//! Who is asking: the visitor's session from their cookies (or one minted for them), where it came
//! from, and the `Set-Cookie` lines a response must carry for it.

use super::request::RequestContext;
use crate::config::EdgeConfig;
use crate::http::{EdgeRequest, EdgeResponse};
use crate::session::{self, SessionId};

/// Where a request's session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionSource {
    /// The session cookie under its current name.
    Cookie,
    /// The plain `session` cookie while cookies are `Secure`: it is moved to the prefixed name.
    PlainCookie,
    /// Minted by this request.
    Minted,
}

/// The visitor's session and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Visitor {
    pub(crate) session: SessionId,
    pub(crate) source: SessionSource,
}

impl Visitor {
    /// The visitor's session from their cookies, if they have one.
    pub(crate) fn from_cookies(request: &EdgeRequest, config: &EdgeConfig) -> Option<Self> {
        session::visitor_session(&request.cookie_header(), config).map(|found| Self {
            session: found.id,
            source: if found.from_plain_cookie {
                SessionSource::PlainCookie
            } else {
                SessionSource::Cookie
            },
        })
    }

    /// The visitor's session, or the fresh one from the context.
    pub(crate) fn or_mint(request: &EdgeRequest, context: &RequestContext, config: &EdgeConfig) -> Self {
        Self::from_cookies(request, config).unwrap_or_else(|| Self {
            session: context.fresh_session.clone(),
            source: SessionSource::Minted,
        })
    }

    /// The `Set-Cookie` lines a response must carry for this session: the new cookie when it was
    /// minted, the move to the prefixed name when it came from the plain cookie, and otherwise the
    /// cookie again only when `refresh` (to keep it alive as long as a key it names).
    pub(crate) fn set_cookie_lines(&self, refresh: bool, config: &EdgeConfig) -> Vec<String> {
        match self.source {
            SessionSource::PlainCookie => session::session_moved_from_plain_cookie(&self.session, config).into(),
            SessionSource::Minted => vec![session::session_set_cookie(&self.session, config)],
            SessionSource::Cookie if refresh => vec![session::session_set_cookie(&self.session, config)],
            SessionSource::Cookie => Vec::new(),
        }
    }
}

/// Adds `Set-Cookie` lines to a response.
pub(crate) fn with_set_cookies(mut response: EdgeResponse, lines: Vec<String>) -> EdgeResponse {
    response
        .headers
        .extend(lines.into_iter().map(|line| ("set-cookie".to_owned(), line)));
    response
}
