//! The whole KV keyspace the edge reads and writes, in one place: the site-wide pinned message, one
//! theme per session, and flags under `flag:<sessionId>:<tenant>:<name>`. Every key the core names is
//! built here, so what a listing can reach is decided by this file alone. It validates nothing (the
//! handlers check tenants and names before they build a key, and [`crate::validate_kv_write`] the
//! whole write).

use crate::session::SessionId;

/// The KV key of the site-wide pinned message (written by the site's owner, only ever read here).
pub const PINNED_MESSAGE_KEY: &str = "pinned_message";

/// The KV key holding a session's colour theme: `theme:<sessionId>`.
pub fn theme_key(session: &SessionId) -> String {
    format!("theme:{}", session.as_str())
}

/// The key prefix of all of one session's flags, in every tenant: `flag:<sessionId>:`.
pub fn session_flags_prefix(session: &SessionId) -> String {
    format!("flag:{}:", session.as_str())
}

/// The key prefix of one tenant's flags within one session: `flag:<sessionId>:<tenant>:`. Tenant ids
/// contain no `:`, so the prefix of one tenant never covers another's keys.
pub fn flag_prefix(session: &SessionId, tenant: &str) -> String {
    format!("{}{tenant}:", session_flags_prefix(session))
}

/// The key of one flag: its tenant's prefix followed by its name.
pub fn flag_key(session: &SessionId, tenant: &str, name: &str) -> String {
    format!("{}{name}", flag_prefix(session, tenant))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{VISITOR, visitor_session};

    #[test]
    fn every_key_of_a_session_starts_with_its_prefix_and_no_other_sessions() {
        let session = visitor_session();
        assert_eq!(theme_key(&session), format!("theme:{VISITOR}"));
        assert_eq!(session_flags_prefix(&session), format!("flag:{VISITOR}:"));
        assert_eq!(flag_prefix(&session, "acme"), format!("flag:{VISITOR}:acme:"));
        assert_eq!(flag_key(&session, "acme", "beta"), format!("flag:{VISITOR}:acme:beta"));
        assert!(flag_key(&session, "acme", "beta").starts_with(&flag_prefix(&session, "acme")));
        assert!(flag_prefix(&session, "acme").starts_with(&session_flags_prefix(&session)));
        assert!(
            !flag_key(&session, "acme-2", "beta").starts_with(&flag_prefix(&session, "acme")),
            "a tenant whose id extends another's is outside its prefix"
        );
        assert!(
            !theme_key(&session).starts_with("flag:"),
            "themes are never listed with flags"
        );
    }
}
