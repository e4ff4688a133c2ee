//! The end of an API request as every handler returns it: the [`Outcome`] (a response plus the KV
//! writes to make first), and a handler's first [`Step`], generic over the handler's own pending
//! state, which `api/mod.rs` wraps for the runtime.

use super::error::ApiError;
use crate::http::EdgeResponse;
use crate::kv::{KvReads, KvWrite};

/// The end of an API request: the response to send and the KV writes to make first. When a write
/// fails, the runtime sends [`Outcome::kv_unavailable`]'s response instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: EdgeResponse,
    pub writes: Vec<KvWrite>,
}

impl Outcome {
    /// A response with no KV write.
    pub fn respond(response: EdgeResponse) -> Self {
        Self {
            response,
            writes: Vec::new(),
        }
    }

    /// The refusal for `error`; it never writes.
    pub fn refuse(error: &ApiError) -> Self {
        Self::respond(error.to_response())
    }

    /// What the runtime answers when KV fails or times out: 503 with a JSON error.
    pub fn kv_unavailable() -> Self {
        Self::refuse(&ApiError::KvUnavailable)
    }

    /// What the runtime answers when its rate limiter refuses the request's
    /// [`crate::Edge::rate_limit_key`]: 429 with a JSON error and `Retry-After`.
    pub fn rate_limited() -> Self {
        Self::refuse(&ApiError::RateLimited)
    }
}

impl From<ApiError> for Outcome {
    fn from(error: ApiError) -> Self {
        Self::refuse(&error)
    }
}

/// A handler's first step: answered already, or waiting for `reads` with the handler's own state.
#[derive(Debug)]
pub(crate) enum Step<Pending> {
    /// The request is answered without reading KV (it may still carry writes).
    Done(Outcome),
    /// Perform `reads`, then finish the handler with `pending` and the snapshot.
    NeedsKv { reads: KvReads, pending: Pending },
}
