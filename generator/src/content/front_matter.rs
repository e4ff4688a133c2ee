//! Front matter: the TOML between `+++` lines at the top of a Markdown file, split from the body and read
//! into [`FrontMatter`]. A file without front matter is valid.

use crate::diagnostics::{Diagnostic, Diagnostics, LineColumn, Location};
use crate::toml_input::{TomlSchema, TomlSource};
use serde::Deserialize;
use serde_aux::serde_introspection::serde_introspect;
use std::path::Path;

/// The front matter keys an author can write.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    /// The page title. Default: the first `#` heading, else the file name.
    pub title: Option<String>,
    /// A one-line summary for `<meta name="description">` and section listings.
    pub description: Option<String>,
    /// When the page last changed (`updated = 2026-03-01`): shown as "Last updated" and written as the
    /// sitemap's `<lastmod>`, instead of the date of the file's last commit.
    pub updated: Option<WrittenDate>,
    /// When the page was published (`date = 2026-03-01`): shown as "Last updated" when there is no
    /// `updated`, and the order of a section with `sort_by = "date"`.
    pub date: Option<WrittenDate>,
    /// Order among siblings: lower first; pages without a weight come after weighted ones.
    pub weight: Option<i64>,
    /// Drafts are skipped unless `build_drafts = true` in `site.toml`.
    pub draft: bool,
    /// Replaces the last segment of the page's URL.
    pub slug: Option<String>,
    /// A template other than `page.html` / `section.html`.
    pub template: Option<String>,
    /// Free-form values for templates, as `page.extra`.
    pub extra: toml::Table,
    /// Whether the page is in the site's search index and listed in `llms.txt` / `llms-full.txt`.
    /// Default: true.
    pub search: bool,
    /// Old URLs of this page (`aliases = ["/old/url/"]`): each redirects here, permanently.
    pub aliases: Vec<String>,
    /// For sections: how their pages are ordered. Default: `weight` (then title).
    pub sort_by: Option<SortBy>,
    /// Whether the page is rendered to its URL. `false` keeps it out of the output (a section that only
    /// groups pages). Default: true.
    pub render: bool,
    /// Zola's name for `search`; when written, it wins.
    pub in_search_index: Option<bool>,
    /// Zola's heading anchor placement: accepted; the theme decides where anchors go.
    pub insert_anchor_links: Option<String>,
    /// Zola's template for a section's pages: accepted; the theme's `page.html` renders them.
    pub page_template: Option<String>,
    /// Zola's pagination of a section's listing: accepted; the navigation lists every page.
    pub paginate_by: Option<usize>,
    /// Zola's pagination path: accepted.
    pub paginate_path: Option<String>,
    /// Zola's pagination order: accepted.
    pub paginate_reversed: bool,
    /// Zola's passing of a section's pages to its parent: accepted.
    pub transparent: bool,
    /// Zola's feed switch for a section: accepted.
    pub generate_feeds: bool,
    /// The page's authors, for templates (`page.authors` in Zola themes).
    pub authors: Vec<String>,
    /// Taxonomy terms (`[taxonomies] tags = ["kv"]`): accepted, for templates.
    pub taxonomies: toml::Table,
    /// Where this page's URL redirects instead of showing the page: a URL path (`/guide/`, or relative
    /// to the site's root: `guide/intro/`), `@/guide/intro.md`, or an absolute URL.
    pub redirect_to: Option<String>,
}

impl Default for FrontMatter {
    fn default() -> Self {
        Self {
            title: None,
            description: None,
            updated: None,
            weight: None,
            draft: false,
            slug: None,
            template: None,
            extra: toml::Table::new(),
            search: true,
            aliases: Vec::new(),
            redirect_to: None,
            date: None,
            sort_by: None,
            render: true,
            in_search_index: None,
            insert_anchor_links: None,
            page_template: None,
            paginate_by: None,
            paginate_path: None,
            paginate_reversed: false,
            transparent: false,
            generate_feeds: false,
            authors: Vec::new(),
            taxonomies: toml::Table::new(),
        }
    }
}

/// A date as front matter writes it: a TOML date (`2026-03-01`, `2026-03-01T10:00:00Z`) or a string
/// holding one (`"2026-03-01"`, as Zola sites often write).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum WrittenDate {
    Toml(toml::value::Datetime),
    Text(String),
}

impl std::fmt::Display for WrittenDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Toml(datetime) => datetime.fmt(f),
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Lower `weight` first, unweighted last, then by title.
    Weight,
    /// Newest `date` first, undated last.
    Date,
    /// Newest `updated` (else `date`) first.
    UpdateDate,
    /// By title, ignoring case.
    Title,
    /// By title, byte by byte.
    TitleBytes,
    /// By URL.
    Slug,
    /// As Zola's default: by weight, then title.
    None,
}

impl TomlSchema for FrontMatter {
    fn keys_at(_: &[&str]) -> &'static [&'static str] {
        serde_introspect::<FrontMatter>()
    }
}

/// A Markdown file split into its front matter and body.
#[derive(Debug)]
pub struct SplitFile<'a> {
    /// The TOML text between the fences and where it starts.
    pub front_matter: Option<(&'a str, LineColumn)>,
    pub body: &'a str,
    /// The 1-based line of the file on which `body` starts.
    pub body_line: usize,
}

/// Splits `text` at its `+++` fences.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<SplitFile<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first_line = text[..first_line_end].trim_end();
    if first_line == "---" {
        return Err(Diagnostic::error(
            Some(Location::new(file, 1, 1)),
            "front matter must be TOML between `+++` lines, not YAML between `---`",
        )
        .with_help("replace both `---` lines with `+++` and write the keys as TOML, e.g. `title = \"KV\"`"));
    }
    if first_line != "+++" {
        return Ok(SplitFile {
            front_matter: None,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_line_end;
    let mut line = 2;
    while offset < text.len() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        if text[offset..line_end].trim_end() == "+++" {
            return Ok(SplitFile {
                front_matter: Some((&text[first_line_end..offset], LineColumn { line: 2, column: 1 })),
                body: &text[line_end..],
                body_line: line + 1,
            });
        }
        offset = line_end;
        line += 1;
    }
    Err(Diagnostic::error(
        Some(Location::new(file, 1, 1)),
        "front matter is not closed: the opening `+++` has no closing `+++`",
    )
    .with_help("add a line with only `+++` after the last front matter key"))
}

/// Parses the front matter of `split`, if any.
pub fn parse(file: &Path, split: &SplitFile<'_>, diagnostics: &mut Diagnostics) -> Option<FrontMatter> {
    let Some((text, start)) = split.front_matter else {
        return Some(FrontMatter::default());
    };
    let source = TomlSource {
        file,
        text,
        start,
        what: "front matter",
    };
    let mut front_matter: FrontMatter = source.deserialize(diagnostics)?;
    if let Some(indexed) = front_matter.in_search_index {
        front_matter.search = indexed;
    }
    if !front_matter.render {
        front_matter.search = false;
    }
    if let Some(slug) = &front_matter.slug
        && !is_url_segment(slug)
    {
        let line = text
            .lines()
            .position(|line| {
                line.trim_start()
                    .strip_prefix("slug")
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map_or(start.line, |index| start.line + index);
        diagnostics.push(
            Diagnostic::error(
                Some(Location::new(file, line, 1)),
                format!("`slug = \"{}\"` is not a valid URL segment", slug.escape_debug()),
            )
            .with_help("use one segment of letters, digits, `-`, `_` or `.`, without `/`, spaces, `?` or `#`, and not `.` or `..`, e.g. `slug = \"key-value\"`"),
        );
        return None;
    }
    Some(front_matter)
}

/// Whether `slug` can be one segment of a URL path and one folder of the output: it cannot climb out of
/// its section (`..`), name it (`.`), hold separators, or change the URL's meaning (`?`, `#`, `%`).
fn is_url_segment(slug: &str) -> bool {
    !slug.is_empty()
        && slug != "."
        && slug != ".."
        && !slug
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\' | '?' | '#' | '%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_lines() {
        let split = split(Path::new("a.md"), "+++\ntitle = \"A\"\n+++\n# Body\n").unwrap();
        assert_eq!(split.front_matter.unwrap().0, "title = \"A\"\n");
        assert_eq!(split.body, "# Body\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn a_file_without_front_matter_is_all_body() {
        let split = split(Path::new("a.md"), "# Hello\n").unwrap();
        assert!(split.front_matter.is_none());
        assert_eq!(split.body_line, 1);
    }

    #[test]
    fn unclosed_and_yaml_front_matter_are_errors() {
        let unclosed = split(Path::new("a.md"), "+++\ntitle = \"A\"\n# Body\n").unwrap_err();
        assert_eq!(
            unclosed.to_string(),
            "error: a.md:1:1: front matter is not closed: the opening `+++` has no closing `+++`\n  help: add a line with only `+++` after the last front matter key"
        );
        let yaml = split(Path::new("a.md"), "---\ntitle: A\n---\n").unwrap_err();
        assert!(yaml.message.contains("not YAML"));
    }

    #[test]
    fn slugs_must_be_one_url_segment() {
        for slug in [
            "..", ".", "", "a/b", "a\\\\b", "a b", "a?b", "a#b", "%2e%2e", "a\\u0001",
        ] {
            let text = format!("+++\ntitle = \"A\"\nslug = \"{slug}\"\n+++\n");
            let split = split(Path::new("content/a.md"), &text).unwrap();
            let mut diagnostics = Diagnostics::new();
            assert!(
                parse(Path::new("content/a.md"), &split, &mut diagnostics).is_none(),
                "{slug}"
            );
            let first = diagnostics.iter().next().unwrap().to_string();
            assert!(
                first.starts_with("error: content/a.md:3:1: `slug = "),
                "{slug}: {first}"
            );
        }
        for slug in ["key-value", "v1.2", "größe", "a_b"] {
            let text = format!("+++\nslug = \"{slug}\"\n+++\n");
            let split = split(Path::new("content/a.md"), &text).unwrap();
            let mut diagnostics = Diagnostics::new();
            assert!(
                parse(Path::new("content/a.md"), &split, &mut diagnostics).is_some(),
                "{slug}"
            );
        }
    }

    #[test]
    fn pages_are_searchable_unless_they_say_otherwise() {
        let parsed = |text: &str| {
            let split = split(Path::new("a.md"), text).unwrap();
            parse(Path::new("a.md"), &split, &mut Diagnostics::new()).unwrap()
        };
        assert!(parsed("# No front matter\n").search);
        assert!(parsed("+++\ntitle = \"A\"\n+++\n").search);
        assert!(!parsed("+++\nsearch = false\n+++\n").search);
    }

    #[test]
    fn zola_keys_are_understood() {
        let text = "+++\ntitle = \"A\"\ndate = 2024-01-02\nupdated = \"2024-02-03\"\nsort_by = \"date\"\nin_search_index = false\ninsert_anchor_links = \"right\"\ntemplate = \"docs.html\"\npage_template = \"doc.html\"\npaginate_by = 10\ntransparent = true\nrender = true\naliases = [\"/old/\"]\nredirect_to = \"/new/\"\n[taxonomies]\ntags = [\"kv\"]\n[extra]\nx = 1\n+++\n";
        let split = split(Path::new("a.md"), text).unwrap();
        let mut diagnostics = Diagnostics::new();
        let parsed = parse(Path::new("a.md"), &split, &mut diagnostics).unwrap();
        assert!(diagnostics.iter().next().is_none());
        assert_eq!(parsed.date.unwrap().to_string(), "2024-01-02");
        assert_eq!(parsed.updated.unwrap().to_string(), "2024-02-03");
        assert_eq!(parsed.sort_by, Some(SortBy::Date));
        assert!(!parsed.search, "in_search_index = false");
        assert_eq!(parsed.aliases, ["/old/"]);
        assert_eq!(parsed.redirect_to.as_deref(), Some("/new/"));
        let hidden = split_and_parse("+++\nrender = false\n+++\n");
        assert!(!hidden.render && !hidden.search);
    }

    fn split_and_parse(text: &str) -> FrontMatter {
        let split = split(Path::new("a.md"), text).unwrap();
        parse(Path::new("a.md"), &split, &mut Diagnostics::new()).unwrap()
    }

    #[test]
    fn bad_keys_point_at_their_line() {
        let text = "+++\ntitle = \"A\"\nweigth = 3\n+++\n";
        let split = split(Path::new("content/a.md"), text).unwrap();
        let mut diagnostics = Diagnostics::new();
        assert!(parse(Path::new("content/a.md"), &split, &mut diagnostics).is_none());
        let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        assert_eq!(
            rendered,
            vec!["error: content/a.md:3:1: unknown key `weigth` in front matter\n  help: did you mean `weight`?"]
        );
    }
}
