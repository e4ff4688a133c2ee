//! Which `Host` and `Origin` the preview answers: its defence against DNS rebinding. A page on another
//! site whose name is made to resolve to this machine can reach the server, but its requests name that
//! site in `Host`, so they get 421 (Misdirected Request) before anything is served or written; and a
//! write (any method but GET and HEAD) or a live-reload socket asked for by a page of another origin gets
//! 403. This is not access control: whoever can reach the port and names an allowed host is served, as
//! by any static preview. The rules are pure ([`HostPolicy::check`]); the server applies them to every
//! request.
//!
//! The allowed hosts, each with the port the server listens on unless given with its own:
//! - the address the server is bound to (`127.0.0.1:1111`);
//! - bound to loopback or to every interface (`0.0.0.0`, `::`): `localhost`, `127.0.0.1` and `[::1]`;
//! - bound to every interface: the address of this machine that the connection came in on, written
//!   as an IP (`http://192.168.1.20:1111/` from another device on the network); host names other than
//!   `localhost` are not known to be this machine's, so they need `--allow-host`;
//! - every `--allow-host NAME[:PORT]` (a name on the network, a tunnel, or a port forwarded by a
//!   container: `--allow-host localhost:8080`).
//!
//! An IP written in `Host` cannot be the product of rebinding: the browser connected to that address
//! and holds it as the page's origin.

use axum::http::{HeaderMap, Method, Uri, header};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

/// A host as `Host` and `Origin` name it: a name (lowercased) or an IP.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostName {
    Name(String),
    Ip(IpAddr),
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(name) => f.write_str(name),
            Self::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Self::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
        }
    }
}

/// `host` or `host:port`, as in `Host` and in `Origin` after the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Authority {
    host: HostName,
    port: Option<u16>,
}

impl Authority {
    /// Parses `text`; `None` when it is not a host with an optional port (a URL, a path, user info,
    /// an empty name, a bad port).
    fn parse(text: &str) -> Option<Self> {
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest.split_once(']')?;
            let ip = Ipv6Addr::from_str(inside).ok()?;
            let port = match after {
                "" => None,
                _ => Some(parse_port(after.strip_prefix(':')?)?),
            };
            (HostName::Ip(IpAddr::V6(ip)), port)
        } else {
            let (host, port) = match text.split_once(':') {
                Some((host, port)) => (host, Some(parse_port(port)?)),
                None => (text, None),
            };
            let valid = |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_');
            if host.is_empty() || !host.bytes().all(valid) {
                return None;
            }
            let host = match Ipv4Addr::from_str(host) {
                Ok(ip) => HostName::Ip(IpAddr::V4(ip)),
                Err(_) => HostName::Name(host.to_ascii_lowercase()),
            };
            (host, port)
        };
        Some(Self { host, port })
    }

    /// The port, with HTTP's default when none is written.
    fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(80)
    }

    fn is(&self, host: &HostName, port: u16) -> bool {
        self.host == *host && self.port_or_default() == port
    }
}

/// The authority of an `http://` origin; `None` for another scheme, `null` or anything else.
fn http_origin(origin: &str) -> Option<Authority> {
    let (scheme, authority) = origin.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    Authority::parse(authority)
}

fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// One `--allow-host NAME[:PORT]`: a further name the preview answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost(Authority);

impl FromStr for AllowedHost {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Authority::parse(text.trim()).map(Self).ok_or_else(|| {
            format!(
                "`{text}` is not a host name with an optional port\n  \
                 help: give the name only, as the browser's address bar shows it without `http://` and the path: \
                 --allow-host docs.example.test, or --allow-host localhost:8080 for another port"
            )
        })
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// `Host` is missing or names a host the server does not answer to: 421.
    MisdirectedHost { host: Option<String> },
    /// A write or a socket asked for by a page of another origin: 403.
    ForeignOrigin { origin: String },
}

/// The hosts the server answers to, from the address it listens on and `--allow-host`.
#[derive(Debug, Clone)]
pub(super) struct HostPolicy {
    bound: SocketAddr,
    /// Hosts allowed whatever connection the request came on.
    fixed: Vec<(HostName, u16)>,
}

impl HostPolicy {
    /// The policy of a server listening on `bound` (its real port, once bound).
    pub(super) fn new(bound: SocketAddr, allowed: &[AllowedHost]) -> Self {
        let port = bound.port();
        let address = bound.ip().to_canonical();
        let mut fixed = Vec::new();
        if !address.is_unspecified() {
            fixed.push((HostName::Ip(address), port));
        }
        if address.is_loopback() || address.is_unspecified() {
            fixed.push((HostName::Name("localhost".into()), port));
            fixed.push((HostName::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)), port));
            fixed.push((HostName::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)), port));
        }
        for AllowedHost(authority) in allowed {
            fixed.push((authority.host.clone(), authority.port.unwrap_or(port)));
        }
        Self { bound, fixed }
    }

    /// The URL to open the site at: the bound address, or `localhost` when bound to every interface.
    pub(super) fn url(&self) -> String {
        let address = self.bound.ip().to_canonical();
        let host = if address.is_unspecified() {
            HostName::Name("localhost".into())
        } else {
            HostName::Ip(address)
        };
        format!("http://{host}:{}/", self.bound.port())
    }

    /// Checks a request: `Host` (and the request target's authority, when it has one) must be an
    /// allowed host; a write or a protocol upgrade must carry no `Origin`, or the origin `Host` names.
    /// `local` is the address of this machine that the connection came in on.
    pub(super) fn check(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        local: Option<SocketAddr>,
    ) -> Result<(), Refusal> {
        let host_text = headers.get(header::HOST).and_then(|host| host.to_str().ok());
        let misdirected = || Refusal::MisdirectedHost {
            host: host_text.map(str::to_owned),
        };
        let host = host_text.and_then(Authority::parse).ok_or_else(misdirected)?;
        if !self.allows(&host, local) {
            return Err(misdirected());
        }
        if let Some(target) = uri.authority()
            && Authority::parse(target.as_str()).is_none_or(|target| target != host)
        {
            return Err(misdirected());
        }
        let writes = *method != Method::GET && *method != Method::HEAD;
        if writes || headers.contains_key(header::UPGRADE) {
            for origin in headers.get_all(header::ORIGIN) {
                let same = origin
                    .to_str()
                    .ok()
                    .and_then(http_origin)
                    .is_some_and(|origin| origin.is(&host.host, host.port_or_default()));
                if !same {
                    return Err(Refusal::ForeignOrigin {
                        origin: String::from_utf8_lossy(origin.as_bytes()).into_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    fn allows(&self, host: &Authority, local: Option<SocketAddr>) -> bool {
        if self.fixed.iter().any(|(name, port)| host.is(name, *port)) {
            return true;
        }
        // Bound to every interface: the address the client reached this machine at.
        self.bound.ip().is_unspecified()
            && local.is_some_and(|local| host.is(&HostName::Ip(local.ip().to_canonical()), self.bound.port()))
    }

    /// What a refused request is told (plain text): what happened and how to get in.
    pub(super) fn explain(&self, refusal: &Refusal) -> String {
        match refusal {
            Refusal::MisdirectedHost { host } => {
                let named = host
                    .as_deref()
                    .map_or_else(|| "no host".to_owned(), |host| format!("the host `{host}`"));
                format!(
                    "Misdirected request: this edgedocs preview does not answer to {named}.\n\
                     Open {url} instead, or restart `edgedocs serve` with `--allow-host NAME[:PORT]` \
                     to answer to that name too.\n",
                    url = self.url()
                )
            }
            Refusal::ForeignOrigin { origin } => format!(
                "Forbidden: a page from `{origin}` may not change anything on this edgedocs preview or \
                 follow its live reload.\n"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(bound: &str, allowed: &[&str]) -> HostPolicy {
        let allowed: Vec<AllowedHost> = allowed.iter().map(|host| host.parse().unwrap()).collect();
        HostPolicy::new(bound.parse().unwrap(), &allowed)
    }

    fn request(method: Method, host: Option<&str>, origin: Option<&str>, upgrade: bool) -> (Method, Uri, HeaderMap) {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert(header::HOST, host.parse().unwrap());
        }
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        if upgrade {
            headers.insert(header::UPGRADE, "websocket".parse().unwrap());
        }
        (method, Uri::from_static("/"), headers)
    }

    /// Whether a GET with `Host: host` is served.
    fn serves(policy: &HostPolicy, host: Option<&str>, local: Option<&str>) -> bool {
        let (method, uri, headers) = request(Method::GET, host, None, false);
        let local = local.map(|local| local.parse().unwrap());
        match policy.check(&method, &uri, &headers, local) {
            Ok(()) => true,
            Err(Refusal::MisdirectedHost { .. }) => false,
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn hosts_a_dns_rebinding_page_would_send_are_misdirected() {
        // (bound to, --allow-host, Host, the connection's local address, served)
        type Case<'a> = (&'a str, &'a [&'a str], Option<&'a str>, Option<&'a str>, bool);
        let cases: &[Case<'_>] = &[
            ("127.0.0.1:1111", &[], Some("127.0.0.1:1111"), None, true),
            ("127.0.0.1:1111", &[], Some("localhost:1111"), None, true),
            ("127.0.0.1:1111", &[], Some("LocalHost:1111"), None, true),
            ("127.0.0.1:1111", &[], Some("[::1]:1111"), None, true),
            ("127.0.0.1:1111", &[], Some("evil.example:1111"), None, false),
            ("127.0.0.1:1111", &[], Some("localhost.evil.example:1111"), None, false),
            ("127.0.0.1:1111", &[], Some("localhost.:1111"), None, false),
            ("127.0.0.1:1111", &[], Some("127.0.0.1:2222"), None, false),
            ("127.0.0.1:1111", &[], Some("127.0.0.1"), None, false),
            ("127.0.0.1:1111", &[], Some("localhost:"), None, false),
            ("127.0.0.1:1111", &[], Some("localhost:01111x"), None, false),
            ("127.0.0.1:1111", &[], Some("user@localhost:1111"), None, false),
            ("127.0.0.1:1111", &[], Some(""), None, false),
            ("127.0.0.1:1111", &[], None, None, false),
            ("127.0.0.1:80", &[], Some("localhost"), None, true),
            ("[::1]:1111", &[], Some("[::1]:1111"), None, true),
            ("[::1]:1111", &[], Some("localhost:1111"), None, true),
            ("192.168.1.20:1111", &[], Some("192.168.1.20:1111"), None, true),
            ("192.168.1.20:1111", &[], Some("localhost:1111"), None, false),
            ("192.168.1.20:1111", &[], Some("docs.lan:1111"), None, false),
            ("192.168.1.20:1111", &["docs.lan"], Some("docs.lan:1111"), None, true),
            ("127.0.0.1:1111", &["docs.lan"], Some("docs.lan:80"), None, false),
            (
                "127.0.0.1:1111",
                &["localhost:8080"],
                Some("localhost:8080"),
                None,
                true,
            ),
            (
                "127.0.0.1:1111",
                &["localhost:8080"],
                Some("localhost:1111"),
                None,
                true,
            ),
            // Every interface: loopback names, and the address the client reached.
            (
                "0.0.0.0:1111",
                &[],
                Some("localhost:1111"),
                Some("127.0.0.1:1111"),
                true,
            ),
            (
                "0.0.0.0:1111",
                &[],
                Some("192.168.1.20:1111"),
                Some("192.168.1.20:1111"),
                true,
            ),
            (
                "0.0.0.0:1111",
                &[],
                Some("192.168.1.21:1111"),
                Some("192.168.1.20:1111"),
                false,
            ),
            ("0.0.0.0:1111", &[], Some("0.0.0.0:1111"), Some("127.0.0.1:1111"), false),
            (
                "0.0.0.0:1111",
                &[],
                Some("evil.example:1111"),
                Some("192.168.1.20:1111"),
                false,
            ),
            (
                "0.0.0.0:1111",
                &[],
                Some("myhost:1111"),
                Some("192.168.1.20:1111"),
                false,
            ),
            (
                "0.0.0.0:1111",
                &["myhost"],
                Some("myhost:1111"),
                Some("192.168.1.20:1111"),
                true,
            ),
            (
                "[::]:1111",
                &[],
                Some("192.168.1.20:1111"),
                Some("[::ffff:192.168.1.20]:1111"),
                true,
            ),
            ("[::]:1111", &[], Some("[fd00::20]:1111"), Some("[fd00::20]:1111"), true),
        ];
        for (bound, allowed, host, local, served) in cases {
            assert_eq!(
                serves(&policy(bound, allowed), *host, *local),
                *served,
                "bound to {bound}, --allow-host {allowed:?}, Host {host:?}, local {local:?}"
            );
        }
    }

    #[test]
    fn writes_and_sockets_from_another_origin_are_forbidden() {
        let policy = policy("127.0.0.1:1111", &[]);
        let cases = [
            // (method, Origin, upgrade, allowed)
            (Method::POST, None, false, true),
            (Method::POST, Some("http://localhost:1111"), false, true),
            (Method::POST, Some("HTTP://LOCALHOST:1111"), false, true),
            (Method::POST, Some("http://evil.example:1111"), false, false),
            (Method::POST, Some("http://127.0.0.1:1111"), false, false),
            (Method::POST, Some("https://localhost:1111"), false, false),
            (Method::POST, Some("http://localhost"), false, false),
            (Method::POST, Some("null"), false, false),
            (Method::PUT, Some("http://evil.example:1111"), false, false),
            (Method::DELETE, Some("http://evil.example:1111"), false, false),
            (Method::PATCH, Some("http://evil.example:1111"), false, false),
            (Method::OPTIONS, Some("http://evil.example:1111"), false, false),
            (Method::GET, Some("http://evil.example:1111"), false, true),
            (Method::HEAD, Some("http://evil.example:1111"), false, true),
            (Method::GET, Some("http://evil.example:1111"), true, false),
            (Method::GET, Some("null"), true, false),
            (Method::GET, Some("http://localhost:1111"), true, true),
            (Method::GET, None, true, true),
        ];
        for (method, origin, upgrade, allowed) in cases {
            let (method, uri, headers) = request(method, Some("localhost:1111"), origin, upgrade);
            let result = policy.check(&method, &uri, &headers, None);
            match (allowed, &result) {
                (true, Ok(())) | (false, Err(Refusal::ForeignOrigin { .. })) => {}
                _ => panic!("{method} with Origin {origin:?}, upgrade {upgrade}: {result:?}"),
            }
        }
    }

    #[test]
    fn an_absolute_request_target_must_name_the_same_host() {
        let policy = policy("127.0.0.1:1111", &[]);
        for (target, allowed) in [("http://localhost:1111/", true), ("http://evil.example:1111/", false)] {
            let (method, _, headers) = request(Method::GET, Some("localhost:1111"), None, false);
            let uri = Uri::from_static(target);
            assert_eq!(policy.check(&method, &uri, &headers, None).is_ok(), allowed, "{target}");
        }
    }

    #[test]
    fn allow_host_takes_a_name_and_an_optional_port() {
        for (text, expected) in [
            ("docs.lan", Some(("docs.lan", None))),
            ("Docs.LAN:8080", Some(("docs.lan", Some(8080)))),
            ("192.168.1.20", Some(("192.168.1.20", None))),
            ("[fd00::1]:8080", Some(("[fd00::1]", Some(8080)))),
            ("http://docs.lan", None),
            ("docs.lan/", None),
            ("docs.lan:http", None),
            ("docs.lan:65536", None),
            ("*.lan", None),
            ("", None),
        ] {
            let parsed = text.parse::<AllowedHost>();
            let parsed = parsed
                .as_ref()
                .map(|AllowedHost(authority)| (authority.host.to_string(), authority.port));
            assert_eq!(
                parsed.as_ref().ok().map(|(host, port)| (host.as_str(), *port)),
                expected,
                "{text}"
            );
        }
        assert_eq!(
            "http://docs.lan".parse::<AllowedHost>().unwrap_err(),
            "`http://docs.lan` is not a host name with an optional port\n  \
             help: give the name only, as the browser's address bar shows it without `http://` and the path: \
             --allow-host docs.example.test, or --allow-host localhost:8080 for another port"
        );
    }

    #[test]
    fn the_url_to_open_is_one_the_policy_allows() {
        for (bound, url) in [
            ("127.0.0.1:1111", "http://127.0.0.1:1111/"),
            ("0.0.0.0:1111", "http://localhost:1111/"),
            ("[::]:1111", "http://localhost:1111/"),
            ("[::1]:4000", "http://[::1]:4000/"),
            ("192.168.1.20:1111", "http://192.168.1.20:1111/"),
        ] {
            let policy = policy(bound, &[]);
            assert_eq!(policy.url(), url);
            let host = url.trim_start_matches("http://").trim_end_matches('/');
            assert!(serves(&policy, Some(host), Some("127.0.0.1:1111")), "{bound}");
        }
    }
}
