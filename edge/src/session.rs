//! Visitor sessions and cookies: the session id format (128 random bits as 32 hex digits), parsing the
//! `Cookie` header, and the `Set-Cookie` lines for the session and the short-lived `theme_hint`.
//! Randomness comes from the caller ([`SessionId::from_random_bytes`]) or from [`SessionId::generate`].
//!
//! Over HTTPS the session cookie is `__Host-session`: browsers accept a cookie of that name only from
//! this very host, `Secure`, with `Path=/` and no `Domain`, so no sibling subdomain can set or replace
//! it. The plain-HTTP preview cannot use the prefix and keeps the plain name `session`, which the
//! Worker still reads while visitors from before the prefix carry it (see
//! [`EdgeConfig::accept_plain_session_cookie`]).

use std::fmt;

use crate::config::{EdgeConfig, SESSION_LIFETIME_SECONDS, THEME_HINT_LIFETIME_SECONDS};

/// Name of the session cookie over HTTPS (`Secure` cookies).
pub const SESSION_COOKIE: &str = "__Host-session";
/// Name of the session cookie without `Secure` (the plain-HTTP preview), and its name over HTTPS before
/// the `__Host-` prefix.
pub const PLAIN_SESSION_COOKIE: &str = "session";
/// Name of the cookie that carries a just-saved theme until KV has propagated it.
pub const THEME_HINT_COOKIE: &str = "theme_hint";
/// Random bytes in a session id.
pub(crate) const SESSION_ID_BYTES: usize = 16;

/// A visitor's session id: 128 random bits, written as 32 lower-case hex digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    /// Makes an id from caller-supplied random bytes (the sans-IO way: tests pass fixed bytes).
    pub fn from_random_bytes(bytes: [u8; SESSION_ID_BYTES]) -> Self {
        Self(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
    }

    /// Makes an id from the operating system's (or, in wasm, Web Crypto's) random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0_u8; SESSION_ID_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self::from_random_bytes(bytes))
    }

    /// Accepts only the exact format this module mints; anything else is no session.
    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == SESSION_ID_BYTES * 2
            && text
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        well_formed.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionId {
    /// Shows only a prefix so logs never carry a whole session id.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "SessionId({}…)", &self.0[..6])
    }
}

/// The value of the first cookie called `name` in a `Cookie` header.
pub(crate) fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|pair| {
        let (cookie_name, value) = pair.split_once('=')?;
        (cookie_name.trim() == name).then(|| value.trim().trim_matches('"'))
    })
}

/// The name the session cookie is set under: [`SESSION_COOKIE`] when cookies are `Secure`, else
/// [`PLAIN_SESSION_COOKIE`].
pub fn session_cookie_name(config: &EdgeConfig) -> &'static str {
    if config.secure_cookies {
        SESSION_COOKIE
    } else {
        PLAIN_SESSION_COOKIE
    }
}

/// A visitor's session as their cookies name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VisitorSession {
    pub id: SessionId,
    /// The id came from the plain `session` cookie although cookies are `Secure`: a cookie set before
    /// the `__Host-` prefix (or by a sibling subdomain), to be set again under the prefixed name.
    pub from_plain_cookie: bool,
}

/// The session named by the request's cookies, when it is well formed: the cookie named
/// [`session_cookie_name`], else (with `Secure` cookies, while
/// [`EdgeConfig::accept_plain_session_cookie`]) the plain `session` cookie.
pub(crate) fn visitor_session(cookie_header: &str, config: &EdgeConfig) -> Option<VisitorSession> {
    let name = session_cookie_name(config);
    if let Some(id) = cookie_value(cookie_header, name).and_then(SessionId::parse) {
        return Some(VisitorSession {
            id,
            from_plain_cookie: false,
        });
    }
    if name == PLAIN_SESSION_COOKIE || !config.accept_plain_session_cookie {
        return None;
    }
    cookie_value(cookie_header, PLAIN_SESSION_COOKIE)
        .and_then(SessionId::parse)
        .map(|id| VisitorSession {
            id,
            from_plain_cookie: true,
        })
}

/// The session id named by the request's cookies (see [`visitor_session`]).
pub(crate) fn session_from_cookies(cookie_header: &str, config: &EdgeConfig) -> Option<SessionId> {
    visitor_session(cookie_header, config).map(|session| session.id)
}

/// The `theme_hint` cookie's value, only when it names an allow-listed theme.
pub(crate) fn theme_hint_from_cookies(cookie_header: &str, config: &EdgeConfig) -> Option<String> {
    cookie_value(cookie_header, THEME_HINT_COOKIE)
        .filter(|name| config.is_allowed_theme(name))
        .map(str::to_owned)
}

fn cookie_line(name: &str, value: &str, max_age_seconds: u64, config: &EdgeConfig) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Max-Age={max_age_seconds}; Path=/; HttpOnly{secure}; SameSite=Lax")
}

/// `Set-Cookie` for the session: 90 days, `HttpOnly; Secure; SameSite=Lax; Path=/`, no `Domain`,
/// under [`session_cookie_name`].
pub(crate) fn session_set_cookie(session: &SessionId, config: &EdgeConfig) -> String {
    cookie_line(
        session_cookie_name(config),
        session.as_str(),
        SESSION_LIFETIME_SECONDS,
        config,
    )
}

/// The `Set-Cookie` lines that move a session found in the plain `session` cookie to the prefixed
/// name: the session under [`SESSION_COOKIE`], and the plain cookie expired.
pub(crate) fn session_moved_from_plain_cookie(session: &SessionId, config: &EdgeConfig) -> [String; 2] {
    [
        session_set_cookie(session, config),
        cookie_line(PLAIN_SESSION_COOKIE, "", 0, config),
    ]
}

/// `Set-Cookie` for the theme hint: a few minutes, same attributes as the session.
pub(crate) fn theme_hint_set_cookie(theme: &str, config: &EdgeConfig) -> String {
    cookie_line(THEME_HINT_COOKIE, theme, THEME_HINT_LIFETIME_SECONDS, config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::config;

    #[test]
    fn minted_ids_are_128_bits_of_hex_and_parse_back() {
        let id = SessionId::from_random_bytes([0xab; SESSION_ID_BYTES]);
        assert_eq!(id.as_str(), "ab".repeat(16));
        assert_eq!(SessionId::parse(id.as_str()), Some(id));
        let generated = SessionId::generate().expect("the OS has randomness");
        assert_eq!(generated.as_str().len(), 32);
        assert_ne!(generated, SessionId::generate().expect("the OS has randomness"));
    }

    #[test]
    fn session_parsing_rejects_anything_not_minted_here() {
        let cases = [
            ("", None),
            ("__Host-session=", None),
            ("__Host-session=ABABABABABABABABABABABABABABABAB", None),
            ("__Host-session=abab", None),
            (
                "__Host-session=abababababababababababababababab; other=1",
                Some("abababababababababababababababab"),
            ),
            (
                "other=1; __Host-session=0123456789abcdef0123456789abcdef",
                Some("0123456789abcdef0123456789abcdef"),
            ),
            ("x__Host-session=0123456789abcdef0123456789abcdef", None),
            ("__host-session=0123456789abcdef0123456789abcdef", None),
            ("__Host-session=0123456789abcdef0123456789abcdef:flag", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                session_from_cookies(header, &config()).as_ref().map(SessionId::as_str),
                expected,
                "{header:?}"
            );
        }
    }

    #[test]
    fn the_prefixed_cookie_wins_and_the_plain_one_is_read_only_while_accepted() {
        const PREFIXED: &str = "0123456789abcdef0123456789abcdef";
        const PLAIN: &str = "fedcba9876543210fedcba9876543210";
        let https = config();
        let mut no_plain = config();
        no_plain.accept_plain_session_cookie = false;
        let mut plain_http = config();
        plain_http.secure_cookies = false;
        let both = format!("session={PLAIN}; __Host-session={PREFIXED}");
        let plain_only = format!("session={PLAIN}");
        let prefixed_only = format!("__Host-session={PREFIXED}");
        /// (name, header, config, the session found and whether it came from the plain cookie)
        type Case<'a> = (&'a str, &'a str, &'a EdgeConfig, Option<(&'a str, bool)>);
        let cases: Vec<Case<'_>> = vec![
            ("both: the prefixed one wins", &both, &https, Some((PREFIXED, false))),
            ("only the plain one", &plain_only, &https, Some((PLAIN, true))),
            (
                "a malformed prefixed one falls back",
                "__Host-session=x; session=fedcba9876543210fedcba9876543210",
                &https,
                Some((PLAIN, true)),
            ),
            ("plain one no longer accepted", &plain_only, &no_plain, None),
            (
                "prefixed one without the plain fallback",
                &prefixed_only,
                &no_plain,
                Some((PREFIXED, false)),
            ),
            (
                "plain http reads the plain name",
                &plain_only,
                &plain_http,
                Some((PLAIN, false)),
            ),
            (
                "plain http ignores the prefixed name",
                &prefixed_only,
                &plain_http,
                None,
            ),
        ];
        for (name, header, config, expected) in cases {
            let found = visitor_session(header, config);
            let found = found
                .as_ref()
                .map(|session| (session.id.as_str(), session.from_plain_cookie));
            assert_eq!(found, expected, "{name}");
        }
    }

    #[test]
    fn theme_hint_is_trusted_only_for_allowed_names() {
        let cases = [
            ("theme_hint=dark", Some("dark")),
            ("theme_hint=neon", None),
            ("theme_hint=dark%22%3E", None),
            ("theme_hint=", None),
            ("a=b", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                theme_hint_from_cookies(header, &config()).as_deref(),
                expected,
                "{header:?}"
            );
        }
    }

    #[test]
    fn set_cookie_lines_carry_the_required_attributes() {
        let id = SessionId::from_random_bytes([1; SESSION_ID_BYTES]);
        assert_eq!(
            session_set_cookie(&id, &config()),
            format!(
                "__Host-session={}; Max-Age=7776000; Path=/; HttpOnly; Secure; SameSite=Lax",
                id.as_str()
            )
        );
        assert_eq!(
            session_moved_from_plain_cookie(&id, &config()),
            [
                session_set_cookie(&id, &config()),
                "session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax".to_owned()
            ]
        );
        let mut insecure = config();
        insecure.secure_cookies = false;
        assert_eq!(
            session_set_cookie(&id, &insecure),
            format!(
                "session={}; Max-Age=7776000; Path=/; HttpOnly; SameSite=Lax",
                id.as_str()
            )
        );
        assert_eq!(
            theme_hint_set_cookie("dark", &insecure),
            "theme_hint=dark; Max-Age=300; Path=/; HttpOnly; SameSite=Lax"
        );
    }
}
