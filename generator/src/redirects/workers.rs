//! The `_redirects` file Workers Static Assets (and Netlify-style hosts) read: one rule a line,
//! `from to status`, within the platform's limits (2,000 static and 100 dynamic rules, 1,000 characters
//! a line). Also read back by the preview, so `serve` answers the same redirects a deploy does.

use super::{Redirect, RedirectList};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The file's name in the output.
pub(crate) const REDIRECTS_FILE: &str = "_redirects";
/// At most this many rules without placeholders.
pub(crate) const MAX_STATIC_RULES: usize = 2_000;
/// At most this many rules with `*` or `:name` in their source.
pub(crate) const MAX_DYNAMIC_RULES: usize = 100;
/// At most this many characters a line.
pub(crate) const MAX_LINE_CHARS: usize = 1_000;

/// Whether a rule's source has placeholders (`/blog/*`, `/docs/:page/`), which the platform counts
/// and matches apart from plain paths.
fn is_dynamic(from: &str) -> bool {
    from.contains('*') || from.split('/').any(|segment| segment.starts_with(':'))
}

/// The `_redirects` text of `list`, every path under `base_path` (`/tally`, or empty); `None` with
/// every limit broken reported into `diagnostics`.
pub(crate) fn redirects_file(list: &RedirectList, base_path: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    let mut text = String::from("# Written by edgedocs from the site's redirects: edit those, not this file.\n");
    let (mut statics, mut dynamics) = (0, 0);
    let mut fits = true;
    for redirect in list.iter() {
        let line = rule_line(redirect, base_path);
        if line.chars().count() > MAX_LINE_CHARS {
            diagnostics.push(
                Diagnostic::error(
                    Some(redirect.origin.clone()),
                    format!(
                        "the redirect from `{}` is {} characters long in `_redirects`; hosts read at most {MAX_LINE_CHARS}",
                        redirect.from,
                        line.chars().count()
                    ),
                )
                .with_help("shorten the old URL or the target"),
            );
            fits = false;
        }
        if is_dynamic(&redirect.from) {
            dynamics += 1;
        } else {
            statics += 1;
        }
        text.push_str(&line);
        text.push('\n');
    }
    for (count, limit, kind, help) in [
        (
            statics,
            MAX_STATIC_RULES,
            "static",
            "group old URLs that share a folder into one rule with `*` (a dynamic rule), or drop aliases nobody visits any more",
        ),
        (
            dynamics,
            MAX_DYNAMIC_RULES,
            "dynamic",
            "merge rules with placeholders into fewer, wider ones",
        ),
    ] {
        if count > limit {
            diagnostics.push(
                Diagnostic::error(
                    None,
                    format!("the site has {count} {kind} redirects; Workers Static Assets read at most {limit}"),
                )
                .with_help(help),
            );
            fits = false;
        }
    }
    fits.then_some(text)
}

fn rule_line(redirect: &Redirect, base_path: &str) -> String {
    let to = if redirect.is_external() {
        redirect.to.clone()
    } else {
        format!("{base_path}{}", redirect.to)
    };
    format!("{base_path}{} {to} {}", redirect.from, redirect.status.code())
}

/// The rules of a `_redirects` file, for answering requests as the host would.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Rules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    from: String,
    to: String,
    status: u16,
}

impl Rules {
    /// Reads `text` as hosts do: `#` starts a comment line, the status defaults to 302, a line that is
    /// not a rule is skipped.
    pub(crate) fn parse(text: &str) -> Self {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                let from = fields.next()?.to_owned();
                let to = fields.next()?.to_owned();
                let status = match fields.next() {
                    Some(code) => code.parse().ok()?,
                    None => 302,
                };
                Some(Rule { from, to, status })
            })
            .collect();
        Self { rules }
    }

    /// The status and `Location` for a request of `path` (the URL's path, as requested), if a rule
    /// matches: plain rules first, then the ones with placeholders, each in file order. Rewrites
    /// (status 200) are not redirects and are not answered here.
    pub(crate) fn find(&self, path: &str) -> Option<(u16, String)> {
        let redirects = || self.rules.iter().filter(|rule| (300..400).contains(&rule.status));
        if let Some(rule) = redirects().find(|rule| !is_dynamic(&rule.from) && rule.from == path) {
            return Some((rule.status, rule.to.clone()));
        }
        redirects()
            .filter(|rule| is_dynamic(&rule.from))
            .find_map(|rule| Some((rule.status, placeholders(&rule.from, path)?.fill(&rule.to))))
    }
}

/// The values a rule's placeholders took from a path.
struct Bound<'a> {
    named: Vec<(&'a str, &'a str)>,
    splat: Option<&'a str>,
}

impl Bound<'_> {
    fn fill(&self, to: &str) -> String {
        let mut filled = to.to_owned();
        if let Some(splat) = self.splat {
            filled = filled.replace(":splat", splat);
        }
        for (name, value) in &self.named {
            filled = filled.replace(&format!(":{name}"), value);
        }
        filled
    }
}

/// Matches `path` against a source with `:name` segments and a trailing `*`.
fn placeholders<'a>(from: &'a str, path: &'a str) -> Option<Bound<'a>> {
    let mut bound = Bound {
        named: Vec::new(),
        splat: None,
    };
    if let Some(prefix) = from.strip_suffix('*') {
        let fixed = placeholders(prefix, path.get(..prefix.len()).unwrap_or(path));
        if let (Some(mut fixed), Some(rest)) = (fixed, path.get(prefix.len()..)) {
            fixed.splat = Some(rest);
            return Some(fixed);
        }
        return None;
    }
    let (from_segments, path_segments): (Vec<&str>, Vec<&str>) = (from.split('/').collect(), path.split('/').collect());
    if from_segments.len() != path_segments.len() {
        return None;
    }
    for (pattern, segment) in from_segments.into_iter().zip(path_segments) {
        match pattern.strip_prefix(':') {
            Some(name) if !segment.is_empty() => bound.named.push((name, segment)),
            Some(_) => return None,
            None if pattern == segment => {}
            None => return None,
        }
    }
    Some(bound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use crate::redirects::RedirectStatus;

    fn list(pairs: &[(&str, &str)]) -> RedirectList {
        let mut list = RedirectList::new();
        for (line, (from, to)) in pairs.iter().enumerate() {
            list.push(Redirect {
                from: (*from).to_owned(),
                to: (*to).to_owned(),
                status: RedirectStatus::MovedPermanently,
                origin: Location::new("content/a.md", line + 2, 1),
            });
        }
        list
    }

    #[test]
    fn rules_are_written_under_the_base_path() {
        let mut diagnostics = Diagnostics::new();
        let text = redirects_file(
            &list(&[("/old/", "/guide/#setup"), ("/gone/", "https://example.com/")]),
            "/tally",
            &mut diagnostics,
        )
        .unwrap();
        assert!(diagnostics.iter().next().is_none());
        let rules: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            rules,
            [
                "/tally/old/ /tally/guide/#setup 301",
                "/tally/gone/ https://example.com/ 301"
            ]
        );
    }

    #[test]
    fn the_platform_limits_fail_the_build() {
        let froms: Vec<String> = (0..=MAX_STATIC_RULES).map(|n| format!("/old/{n}/")).collect();
        let pairs: Vec<(&str, &str)> = froms.iter().map(|from| (from.as_str(), "/")).collect();
        let mut diagnostics = Diagnostics::new();
        assert!(redirects_file(&list(&pairs), "", &mut diagnostics).is_none());
        let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 1);
        assert!(
            messages[0]
                .starts_with("error: the site has 2001 static redirects; Workers Static Assets read at most 2000")
        );

        let froms: Vec<String> = (0..=MAX_DYNAMIC_RULES).map(|n| format!("/old/{n}/*")).collect();
        let pairs: Vec<(&str, &str)> = froms.iter().map(|from| (from.as_str(), "/")).collect();
        let mut diagnostics = Diagnostics::new();
        assert!(redirects_file(&list(&pairs), "", &mut diagnostics).is_none());
        assert!(
            diagnostics
                .iter()
                .next()
                .unwrap()
                .message
                .contains("101 dynamic redirects")
        );

        let long = format!("/{}/", "a".repeat(MAX_LINE_CHARS));
        let mut diagnostics = Diagnostics::new();
        assert!(redirects_file(&list(&[(&long, "/")]), "", &mut diagnostics).is_none());
        let first = diagnostics.iter().next().unwrap().to_string();
        assert!(
            first.starts_with("error: content/a.md:2:1: the redirect from `/aaa"),
            "{first}"
        );
        assert!(first.contains("hosts read at most 1000"), "{first}");
    }

    #[test]
    fn rules_read_back_answer_like_the_host() {
        let rules = Rules::parse(
            "# comment\n/old/ /guide/ 301\n/blog/* /news/:splat 308\n/docs/:page/ /guide/:page/\n/api/* /api.html 200\nnot-a-rule\n/bad /x nope\n",
        );
        assert_eq!(rules.find("/old/"), Some((301, "/guide/".to_owned())));
        assert_eq!(rules.find("/old"), None);
        assert_eq!(rules.find("/blog/2024/x"), Some((308, "/news/2024/x".to_owned())));
        assert_eq!(rules.find("/docs/kv/"), Some((302, "/guide/kv/".to_owned())));
        assert_eq!(rules.find("/docs//"), None);
        assert_eq!(rules.find("/api/x"), None, "a rewrite is not a redirect");
        assert_eq!(rules.find("/bad"), None);
        assert_eq!(rules.find("/"), None);
    }

    #[test]
    fn what_is_written_is_what_is_read() {
        let mut diagnostics = Diagnostics::new();
        let text = redirects_file(&list(&[("/old/", "/guide/"), ("/a.html", "/a/")]), "", &mut diagnostics).unwrap();
        let rules = Rules::parse(&text);
        assert_eq!(rules.find("/old/"), Some((301, "/guide/".to_owned())));
        assert_eq!(rules.find("/a.html"), Some((301, "/a/".to_owned())));
    }
}
