//! Visitor sessions and cookies: the session id format (128 random bits as 32 hex digits), parsing the
//! `Cookie` header, and the `Set-Cookie` lines for the session and the short-lived `theme_hint`.
//! Randomness comes from the caller ([`SessionId::from_random_bytes`]) or from [`SessionId::generate`].

use std::fmt;

use crate::config::{EdgeConfig, SESSION_LIFETIME_SECONDS, THEME_HINT_LIFETIME_SECONDS};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "session";
/// Name of the cookie that carries a just-saved theme until KV has propagated it.
pub const THEME_HINT_COOKIE: &str = "theme_hint";
/// Random bytes in a session id.
pub const SESSION_ID_BYTES: usize = 16;

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
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header.split(';').find_map(|pair| {
        let (cookie_name, value) = pair.split_once('=')?;
        (cookie_name.trim() == name).then(|| value.trim().trim_matches('"'))
    })
}

/// The session named by the request's cookies, when it is well formed.
pub fn session_from_cookies(cookie_header: &str) -> Option<SessionId> {
    cookie_value(cookie_header, SESSION_COOKIE).and_then(SessionId::parse)
}

/// The `theme_hint` cookie's value, only when it names an allow-listed theme.
pub fn theme_hint_from_cookies(cookie_header: &str, config: &EdgeConfig) -> Option<String> {
    cookie_value(cookie_header, THEME_HINT_COOKIE)
        .filter(|name| config.is_allowed_theme(name))
        .map(str::to_owned)
}

fn cookie_line(name: &str, value: &str, max_age_seconds: u64, config: &EdgeConfig) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Max-Age={max_age_seconds}; Path=/; HttpOnly{secure}; SameSite=Lax")
}

/// `Set-Cookie` for the session: 90 days, `HttpOnly; Secure; SameSite=Lax; Path=/`.
pub fn session_set_cookie(session: &SessionId, config: &EdgeConfig) -> String {
    cookie_line(SESSION_COOKIE, session.as_str(), SESSION_LIFETIME_SECONDS, config)
}

/// `Set-Cookie` for the theme hint: a few minutes, same attributes as the session.
pub fn theme_hint_set_cookie(theme: &str, config: &EdgeConfig) -> String {
    cookie_line(THEME_HINT_COOKIE, theme, THEME_HINT_LIFETIME_SECONDS, config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> EdgeConfig {
        EdgeConfig::new(vec!["light".into(), "dark".into()], "test")
    }

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
            ("session=", None),
            ("session=ABABABABABABABABABABABABABABABAB", None),
            ("session=abab", None),
            (
                "session=abababababababababababababababab; other=1",
                Some("abababababababababababababababab"),
            ),
            (
                "other=1; session=0123456789abcdef0123456789abcdef",
                Some("0123456789abcdef0123456789abcdef"),
            ),
            ("xsession=0123456789abcdef0123456789abcdef", None),
            ("session=0123456789abcdef0123456789abcdef:flag", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                session_from_cookies(header).as_ref().map(SessionId::as_str),
                expected,
                "{header:?}"
            );
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
                "session={}; Max-Age=7776000; Path=/; HttpOnly; Secure; SameSite=Lax",
                id.as_str()
            )
        );
        let mut insecure = config();
        insecure.secure_cookies = false;
        assert_eq!(
            theme_hint_set_cookie("dark", &insecure),
            "theme_hint=dark; Max-Age=300; Path=/; HttpOnly; SameSite=Lax"
        );
    }
}
