//! The `[theme_options]` table of `site.toml`: the knobs a site turns on the theme without writing a template
//! (logo, accent colour, header links, footer text, "Edit this page" links, "Last updated" dates and
//! the extra Content-Security-Policy sources for images, frames and scripts).
//!
//! It owns the raw table serde reads, the resolved [`ThemeOptions`] the build uses, and the checks that
//! keep every value from reaching CSS, HTML attributes or a header as anything but what it says: a
//! colour is matched against an allow-listed syntax, a CSP source against the source grammar, a URL is
//! parsed. It does not read `site.toml` itself; [`crate::config`] does and calls [`resolve`].

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use serde::{Deserialize, Serialize};
use serde_aux::serde_introspection::serde_introspect;
use std::path::Path;

/// `[theme_options]` as written.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub(crate) struct RawThemeOptions {
    /// The header's logo: a file under the site's `static/` (`logo.svg`) or an absolute `https://` URL.
    /// Default: the theme's own mark.
    logo: Option<String>,
    /// The accent colour: `#rgb`, `#rrggbb`, `rgb(...)`, `hsl(...)`, `oklch(...)`... or
    /// `light-dark(<colour>, <colour>)`. Default: the theme's.
    accent: Option<String>,
    /// Links in the header, e.g. the repository and the chat. Default: none.
    links: Vec<RawLink>,
    /// Text for the footer. Default: the site title and "Built with edgedocs".
    footer: Option<String>,
    /// An "Edit this page" URL, with `{path}` where the page's file under `content/` goes. Default: none.
    edit_url: Option<String>,
    /// Whether pages show when they were last updated (front matter `updated`, else git). Default: true.
    last_updated: bool,
    /// Extra Content-Security-Policy sources. Default: none (only the site's own origin).
    csp: RawCsp,
}

impl Default for RawThemeOptions {
    fn default() -> Self {
        Self {
            logo: None,
            accent: None,
            links: Vec::new(),
            footer: None,
            edit_url: None,
            last_updated: true,
            csp: RawCsp::default(),
        }
    }
}

/// One `[[theme_options.links]]`.
#[derive(Debug, Deserialize)]
pub(crate) struct RawLink {
    /// What the link says. Required.
    label: String,
    /// Where it goes: an absolute `https://` URL, or a path of the site starting with `/`. Required.
    url: String,
}

/// `[theme_options.csp]` or `csp = { ... }`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawCsp {
    /// Sources images may load from, e.g. `https://img.shields.io`. Default: none.
    img: Vec<String>,
    /// Sources frames may load from, e.g. `https://www.youtube-nocookie.com`. Default: none.
    frame: Vec<String>,
    /// Sources scripts may load from. Default: none.
    script: Vec<String>,
}

/// The valid keys of the tables under `[theme_options]`, for "did you mean" hints.
pub(crate) fn keys_at(path: &[&str]) -> Option<&'static [&'static str]> {
    match path {
        ["theme_options"] => Some(serde_introspect::<RawThemeOptions>()),
        ["theme_options", "links"] => Some(serde_introspect::<RawLink>()),
        ["theme_options", "csp"] => Some(serde_introspect::<RawCsp>()),
        _ => None,
    }
}

/// The `[theme_options]` knobs, validated. Templates see them as `site.theme`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ThemeOptions {
    /// The logo's `src`: the static file under the site's base path, or the URL as written.
    pub logo: Option<String>,
    /// A validated CSS colour.
    pub accent: Option<String>,
    pub links: Vec<HeaderLink>,
    pub footer: Option<String>,
    /// The template with `{path}` in it.
    pub edit_url: Option<String>,
    pub last_updated: bool,
    #[serde(skip)]
    pub csp: CspSources,
}

/// A header link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderLink {
    pub label: String,
    /// The `href` to write: a site path is already under the base path.
    pub url: String,
    /// Whether it leaves the site (the theme writes `rel="external"` on such links).
    pub external: bool,
}

/// Extra Content-Security-Policy sources, each checked by [`is_csp_source`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CspSources {
    pub img: Vec<String>,
    pub frame: Vec<String>,
    pub script: Vec<String>,
}

impl ThemeOptions {
    /// The "Edit this page" URL of the file `relative` (its path under `content/`, with `/`).
    pub fn edit_url_for(&self, relative: &str) -> Option<String> {
        let template = self.edit_url.as_deref()?;
        let encoded: String = relative
            .split('/')
            .map(|segment| percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/");
        Some(template.replace(EDIT_URL_PLACEHOLDER, &encoded))
    }

    /// CSS that sets the accent tokens from `accent`, appended to the theme's stylesheet; empty without
    /// one. `:root:root` outranks the `.theme-<name>` blocks, so the accent holds in every colour theme;
    /// the text and soft variants are mixed with the theme's own text and background colours.
    pub fn accent_css(&self) -> String {
        let Some(accent) = &self.accent else {
            return String::new();
        };
        format!(
            ":root:root{{--c-accent:{accent};\
             --c-accent-text:color-mix(in oklab,{accent} 70%,var(--c-text));\
             --c-accent-soft:color-mix(in oklab,{accent} 14%,var(--c-bg))}}\n"
        )
    }

    /// `policy` (a `; `-separated Content-Security-Policy) with the extra sources added: images to
    /// `img-src`, scripts to `script-src`, frames to a `frame-src` that also allows the site itself.
    pub fn content_security_policy(&self, policy: &str) -> String {
        let mut directives: Vec<String> = policy.split("; ").map(str::to_owned).collect();
        let mut extend = |name: &str, sources: &[String], base: &str| {
            if sources.is_empty() {
                return;
            }
            let joined = sources.join(" ");
            match directives
                .iter_mut()
                .find(|directive| directive.split(' ').next() == Some(name))
            {
                Some(directive) => {
                    directive.push(' ');
                    directive.push_str(&joined);
                }
                None => directives.push(format!("{name} {base} {joined}")),
            }
        };
        extend("img-src", &self.csp.img, "'self'");
        extend("script-src", &self.csp.script, "'self'");
        extend("frame-src", &self.csp.frame, "'self'");
        directives.join("; ")
    }
}

const EDIT_URL_PLACEHOLDER: &str = "{path}";

/// What a path segment of an edit URL escapes: controls, space and the characters that would end the
/// path or start a query or fragment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%');

/// Where things are written in `site.toml`, for diagnostics.
pub(crate) trait Locate {
    /// Where the string `value` is written (its opening quote), else where `key = ...` is.
    fn value(&self, key: &str, value: &str) -> Option<Location>;
}

/// What resolving needs besides the raw table.
pub(crate) struct ResolveInputs<'a> {
    /// The site's `static/` folder, where a logo path must name a file.
    pub static_dir: &'a Path,
    /// The site's base path, which a logo or link path is written under.
    pub base_path: &'a str,
}

/// Validates `raw`, pushing a diagnostic for every invalid value.
pub(crate) fn resolve(
    raw: RawThemeOptions,
    inputs: &ResolveInputs<'_>,
    locate: &dyn Locate,
    diagnostics: &mut Diagnostics,
) -> ThemeOptions {
    let mut csp = CspSources::default();
    let logo = raw.logo.and_then(|logo| match resolve_logo(&logo, inputs) {
        Ok(Logo::Url(url)) => {
            csp.img.push(url.origin().ascii_serialization());
            Some(url.to_string())
        }
        Ok(Logo::Static(src)) => Some(src),
        Err(help) => {
            diagnostics.push(
                Diagnostic::error(
                    locate.value("logo", &logo),
                    format!("`theme_options.logo` must be a file under `static/` or an https URL, not `{logo}`"),
                )
                .with_help(help),
            );
            None
        }
    });

    let accent = raw.accent.filter(|accent| {
        let valid = is_css_colour(accent);
        if !valid {
            diagnostics.push(
                Diagnostic::error(
                    locate.value("accent", accent),
                    format!("`theme_options.accent` is not a CSS colour: `{accent}`"),
                )
                .with_help("write a colour such as `#0b57c9`, `oklch(55% 0.2 260)` or `light-dark(#0b57c9, #80b6ff)`"),
            );
        }
        valid
    });

    let mut links = Vec::new();
    for link in raw.links {
        if link.label.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    locate.value("label", &link.label),
                    "a `[[theme_options.links]]` label is empty",
                )
                .with_help("write what the link says, e.g. `label = \"GitHub\"`"),
            );
            continue;
        }
        match link_url(&link.url, inputs.base_path) {
            Some((url, external)) => links.push(HeaderLink {
                label: link.label,
                url,
                external,
            }),
            None => diagnostics.push(
                Diagnostic::error(
                    locate.value("url", &link.url),
                    format!(
                        "the url of the `[[theme_options.links]]` `{}` is not a link: `{}`",
                        link.label, link.url
                    ),
                )
                .with_help(
                    "write an absolute URL (`https://github.com/org/repo`) or a path of the site (`/changelog/`)",
                ),
            ),
        }
    }

    let edit_url = raw.edit_url.filter(|template| {
        let parses = template.contains(EDIT_URL_PLACEHOLDER)
            && url::Url::parse(&template.replace(EDIT_URL_PLACEHOLDER, "a.md"))
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https"));
        if !parses {
            diagnostics.push(
                Diagnostic::error(
                    locate.value("edit_url", template),
                    format!("`theme_options.edit_url` must be an https URL with `{{path}}` in it, not `{template}`"),
                )
                .with_help("e.g. `edit_url = \"https://github.com/org/repo/edit/main/content/{path}\"`"),
            );
        }
        parses
    });

    for (directive, written, into) in [
        ("img", raw.csp.img, &mut csp.img),
        ("frame", raw.csp.frame, &mut csp.frame),
        ("script", raw.csp.script, &mut csp.script),
    ] {
        for source in written {
            if is_csp_source(&source) {
                if !into.contains(&source) {
                    into.push(source);
                }
            } else {
                diagnostics.push(
                    Diagnostic::error(
                        locate.value(directive, &source),
                        format!("`theme_options.csp.{directive}` has an invalid source: `{source}`"),
                    )
                    .with_help("write a host (`img.shields.io`, `*.example.com`), an origin (`https://img.shields.io`) or a scheme (`https:`); no quotes, `;`, `,` or spaces"),
                );
            }
        }
    }

    ThemeOptions {
        logo,
        accent,
        links,
        footer: raw.footer.filter(|footer| !footer.trim().is_empty()),
        edit_url,
        last_updated: raw.last_updated,
        csp,
    }
}

enum Logo {
    Url(url::Url),
    /// The `src` to write.
    Static(String),
}

/// A logo as an https URL or a file of `static/`; the error is the help line.
fn resolve_logo(written: &str, inputs: &ResolveInputs<'_>) -> Result<Logo, &'static str> {
    if written.contains("://") {
        return match url::Url::parse(written) {
            Ok(url) if matches!(url.scheme(), "https" | "http") && url.host_str().is_some() => Ok(Logo::Url(url)),
            _ => Err("write an absolute https URL, e.g. `https://example.com/logo.svg`"),
        };
    }
    let relative = written.trim_start_matches('/');
    let is_plain_path = !relative.is_empty()
        && relative
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
        && !relative.contains(['\\', '"', '\'', '<', '>', '?', '#'])
        && !relative.chars().any(char::is_control);
    if !is_plain_path {
        return Err("write the file's path under `static/`, e.g. `logo = \"logo.svg\"` for `static/logo.svg`");
    }
    if !inputs.static_dir.join(relative).is_file() {
        return Err(if relative.starts_with("static/") {
            "write the path without `static/`: `logo = \"logo.svg\"` for `static/logo.svg`"
        } else {
            "there is no such file under `static/`; put the image there or give its https URL"
        });
    }
    let encoded: Vec<String> = relative
        .split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string())
        .collect();
    Ok(Logo::Static(format!("{}/{}", inputs.base_path, encoded.join("/"))))
}

/// A header link's `href` and whether it leaves the site.
fn link_url(written: &str, base_path: &str) -> Option<(String, bool)> {
    if written.starts_with('/') && !written.starts_with("//") {
        let valid = !written.chars().any(|c| c.is_control() || c.is_whitespace() || c == '"');
        return valid.then(|| (format!("{base_path}{written}"), false));
    }
    let url = url::Url::parse(written).ok()?;
    match url.scheme() {
        "https" | "http" if url.host_str().is_some() => Some((url.to_string(), true)),
        "mailto" => Some((url.to_string(), true)),
        _ => None,
    }
}

/// A CSS colour in an allow-listed syntax: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, a colour function
/// (`rgb`, `rgba`, `hsl`, `hsla`, `hwb`, `lab`, `lch`, `oklab`, `oklch`) of numbers, percentages,
/// angles and `none`, or `light-dark()` of two of these. Named colours, `var()`, `url()`, comments and
/// anything that could end a declaration are refused, so the value can be written into the stylesheet
/// as it is.
pub(crate) fn is_css_colour(written: &str) -> bool {
    let colour = written.trim();
    if let Some(inner) = colour
        .strip_prefix("light-dark(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let Some((light, dark)) = split_top_level_comma(inner) else {
            return false;
        };
        return is_plain_colour(light.trim()) && is_plain_colour(dark.trim());
    }
    is_plain_colour(colour)
}

fn split_top_level_comma(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (index, character) in text.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => return Some((&text[..index], &text[index + 1..])),
            _ => {}
        }
    }
    None
}

fn is_plain_colour(colour: &str) -> bool {
    if let Some(hex) = colour.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    const FUNCTIONS: [&str; 9] = ["rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch"];
    let Some((name, rest)) = colour.split_once('(') else {
        return false;
    };
    let Some(arguments) = rest.strip_suffix(')') else {
        return false;
    };
    FUNCTIONS.contains(&name)
        && !arguments.trim().is_empty()
        && arguments
            .split([' ', ',', '/'])
            .filter(|token| !token.is_empty())
            .all(is_colour_argument)
}

/// `55%`, `0.2`, `-1.5e2`, `260deg`, `0.5turn`, `none`.
fn is_colour_argument(token: &str) -> bool {
    if token == "none" {
        return true;
    }
    let number = ["deg", "grad", "rad", "turn", "%"]
        .iter()
        .find_map(|unit| token.strip_suffix(unit))
        .unwrap_or(token);
    !number.is_empty() && number.chars().any(|c| c.is_ascii_digit()) && number.parse::<f64>().is_ok_and(f64::is_finite)
}

/// A Content-Security-Policy host or scheme source: `https:`, `img.shields.io`, `*.example.com`,
/// `https://cdn.example.com:8443/path/`. Keywords (which need quotes), `;`, `,`, quotes, whitespace
/// and anything else that could end the source or the directive are refused.
pub(crate) fn is_csp_source(source: &str) -> bool {
    let is_scheme = |scheme: &str| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    };
    if let Some(scheme) = source.strip_suffix(':') {
        return is_scheme(scheme);
    }
    let rest = match source.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => rest,
        Some(_) => return false,
        None => source,
    };
    let (authority, path) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = host == "*" || {
        let labels = host.strip_prefix("*.").unwrap_or(host);
        !labels.is_empty()
            && labels
                .split('.')
                .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    let port_ok = port.is_none_or(|port| port == "*" || (!port.is_empty() && port.chars().all(|c| c.is_ascii_digit())));
    let path_ok = path.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '/' | '-' | '.' | '_' | '~' | '%' | '!' | '$' | '&' | '(' | ')' | '*' | '+' | '=' | ':' | '@'
            )
    });
    host_ok && port_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_in_the_allowed_syntax_pass_and_nothing_else_does() {
        for colour in [
            "#0b57c9",
            "#fff",
            "#ffff",
            "#0b57c9cc",
            "oklch(55% 0.2 260)",
            "oklch(0.55 0.2 260deg / 50%)",
            "rgb(11 87 201)",
            "rgba(11, 87, 201, 0.5)",
            "hsl(215 90% 42%)",
            "lab(40 10 -60)",
            "oklch(55% none 260)",
            "light-dark(#0b57c9, oklch(80% 0.1 250))",
            "  #0b57c9  ",
        ] {
            assert!(is_css_colour(colour), "{colour}");
        }
        for colour in [
            "",
            "red",
            "#12",
            "#ggg",
            "#0b57c9; } body { display: none",
            "var(--x)",
            "url(https://x.dev/a.png)",
            "oklch(55% 0.2 260",
            "oklch()",
            "oklch(55% 0.2 calc(1))",
            "expression(alert(1))",
            "rgb(1 2 3) /* x */",
            "light-dark(#fff)",
            "light-dark(#fff, red)",
            "#fff\n}",
            "rgb(1e999 0 0)",
        ] {
            assert!(!is_css_colour(colour), "{colour:?}");
        }
    }

    #[test]
    fn csp_sources_follow_the_source_grammar() {
        for source in [
            "https:",
            "data:",
            "img.shields.io",
            "https://img.shields.io",
            "*.example.com",
            "https://*.example.com",
            "https://cdn.example.com:8443/path/",
            "http://localhost:*",
            "*",
        ] {
            assert!(is_csp_source(source), "{source}");
        }
        for source in [
            "",
            "'self'",
            "'unsafe-inline'",
            "\"https://x.dev\"",
            "https://x.dev; script-src *",
            "https://x.dev,https://y.dev",
            "https://x.dev other.dev",
            "https://x.dev\n",
            "https://",
            "x..dev",
            "https://x.dev:port",
            "1http://x.dev",
        ] {
            assert!(!is_csp_source(source), "{source:?}");
        }
    }

    #[test]
    fn extra_sources_extend_the_policy() {
        let options = ThemeOptions {
            csp: CspSources {
                img: vec!["https://img.shields.io".into()],
                frame: vec!["https://www.youtube-nocookie.com".into()],
                script: vec![],
            },
            ..ThemeOptions::default()
        };
        assert_eq!(
            options.content_security_policy("default-src 'self'; script-src 'self'; img-src 'self' data:"),
            "default-src 'self'; script-src 'self'; img-src 'self' data: https://img.shields.io; frame-src 'self' https://www.youtube-nocookie.com"
        );
        let none = ThemeOptions::default();
        assert_eq!(none.content_security_policy("default-src 'self'"), "default-src 'self'");
    }

    #[test]
    fn edit_urls_put_the_encoded_file_path_in() {
        let options = ThemeOptions {
            edit_url: Some("https://github.com/o/r/edit/main/content/{path}".into()),
            ..ThemeOptions::default()
        };
        assert_eq!(
            options.edit_url_for("storage/kv notes.md").as_deref(),
            Some("https://github.com/o/r/edit/main/content/storage/kv%20notes.md")
        );
        assert_eq!(ThemeOptions::default().edit_url_for("a.md"), None);
    }

    #[test]
    fn links_are_absolute_urls_or_site_paths() {
        assert_eq!(
            link_url("https://github.com/o/r", "/docs"),
            Some(("https://github.com/o/r".into(), true))
        );
        assert_eq!(
            link_url("/changelog/", "/docs"),
            Some(("/docs/changelog/".into(), false))
        );
        assert_eq!(
            link_url("mailto:team@x.dev", ""),
            Some(("mailto:team@x.dev".into(), true))
        );
        for written in [
            "javascript:alert(1)",
            "//evil.dev",
            "github.com",
            "data:text/html,x",
            "/a b",
        ] {
            assert_eq!(link_url(written, ""), None, "{written}");
        }
    }
}
