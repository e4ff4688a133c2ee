//! mdBook's preprocessor syntax in a chapter's text: `{{#include file}}` (with a line range `:2:10`,
//! `:5:`, `::8`, `:5`, or an anchor `:name`), `{{#rustdoc_include file}}` (the rest of the file as
//! hidden lines), `{{#playground file attrs}}` (a Rust block) and `{{#title text}}`. `\{{#...}}` stays
//! literal, without its backslash. Like mdBook, directives are expanded in the raw text, inside code
//! fences too, and in included files (at most [`MAX_DEPTH`] deep). Paths are relative to the file the
//! directive is written in and must stay inside the book's root.

use crate::diagnostics::{Diagnostic, Location};
use crate::line_map::{LineMap, LineOrigin, MappedText};
use crate::site_root::{MAX_SOURCE_BYTES, SitePathError, SiteRoot};
use std::ops::RangeInclusive;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// How deep included files may include others.
pub const MAX_DEPTH: usize = 10;

/// A chapter's text with its directives expanded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// `{{#title ...}}`: the title of the page's `<title>`.
    pub title: Option<String>,
    /// Where each line of `text` was written: the chapter, or the file an include took it from.
    pub line_map: LineMap,
}

/// Expands the directives of `text`, the contents of `file` (relative to the root). Problems are
/// pushed to `diagnostics` with the file:line:col of the directive (in an included file, if that is
/// where it is written); the directive then stays as written.
pub fn expand(root: &SiteRoot, file: &Path, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Expanded {
    let mut expander = Expander {
        root,
        diagnostics,
        title: None,
    };
    let source = MappedText::from_file(Arc::from(file), text);
    let (text, line_map) = expander.expand(file, &source, 0).into_parts();
    Expanded {
        text,
        title: expander.title,
        line_map,
    }
}

struct Expander<'a> {
    root: &'a SiteRoot,
    diagnostics: &'a mut Vec<Diagnostic>,
    title: Option<String>,
}

/// One directive found in a text.
struct Directive<'t> {
    /// Byte range of the whole `{{#...}}`.
    span: std::ops::Range<usize>,
    name: &'t str,
    args: &'t str,
}

impl Expander<'_> {
    /// `input` (text written in `file`) with its directives expanded.
    fn expand(&mut self, file: &Path, input: &MappedText, depth: usize) -> MappedText {
        let text = input.text();
        let mut output = MappedText::default();
        let mut rest_start = 0;
        let mut search = 0;
        while let Some(found) = text[search..].find("{{").map(|at| search + at) {
            search = found + 2;
            if found > 0 && text.as_bytes()[found - 1] == b'\\' {
                if directive_at(text, found).is_some() {
                    // `\{{#include x}}`: the directive as written, without the backslash.
                    output.push_slice(input, rest_start..found - 1);
                    rest_start = found;
                }
                continue;
            }
            let Some(directive) = directive_at(text, found) else {
                continue;
            };
            let location = input
                .location(directive.span.start)
                .unwrap_or_else(|| Location::new(file, 1, 1));
            let replacement = match self.run(file, &directive, &location, depth) {
                Ok(replacement) => replacement,
                Err(diagnostic) => {
                    self.diagnostics.push(diagnostic.at(location));
                    continue;
                }
            };
            output.push_slice(input, rest_start..directive.span.start);
            output.push_mapped(&replacement);
            rest_start = directive.span.end;
            search = directive.span.end;
        }
        output.push_slice(input, rest_start..text.len());
        output
    }

    /// The text that replaces `directive`, written in `file` at `location`.
    fn run(
        &mut self,
        file: &Path,
        directive: &Directive<'_>,
        location: &Location,
        depth: usize,
    ) -> Result<MappedText, Problem> {
        match directive.name {
            "title" => {
                self.title = Some(directive.args.trim().to_owned());
                Ok(MappedText::default())
            }
            "include" | "rustdoc_include" | "playground" => {
                if depth >= MAX_DEPTH {
                    return Err(Problem::error(
                        format!("includes nest more than {MAX_DEPTH} deep"),
                        "an included file probably includes itself; break the cycle",
                    ));
                }
                let mut words = directive.args.split_whitespace();
                let target = words.next().ok_or_else(|| {
                    Problem::error(
                        format!("`{{{{#{}}}}}` names no file", directive.name),
                        "write the file after the name, relative to this file: `{{#include ../listings/main.rs}}`",
                    )
                })?;
                let attributes: Vec<&str> = words.collect();
                let (path, selection) = match target.split_once(':') {
                    Some((path, selection)) => (path, Selection::parse(selection)),
                    None => (target, Selection::All),
                };
                let (included_file, contents) = self.read(file, path)?;
                let origin = Arc::from(included_file.as_path());
                match directive.name {
                    "include" => {
                        let selected = selection.take(&contents, path, &origin)?;
                        Ok(self.expand(&included_file, &selected, depth + 1))
                    }
                    "rustdoc_include" => {
                        let selected = selection.take_with_rest_hidden(&contents, path, &origin)?;
                        Ok(self.expand(&included_file, &selected, depth + 1))
                    }
                    _ => {
                        let code = selection.take(&contents, path, &origin)?;
                        let info = if attributes.is_empty() {
                            "rust".to_owned()
                        } else {
                            format!("rust,{}", attributes.join(","))
                        };
                        let code = self.expand(&included_file, &code, depth + 1);
                        // The fence lines are the directive's.
                        let fence = LineOrigin::new(Arc::from(location.file.as_path()), location.line);
                        let mut block = MappedText::default();
                        block.push_generated(&format!("```{info}\n"), &fence);
                        block.push_mapped(&code);
                        if !code.text().ends_with('\n') {
                            block.push_generated("\n", &fence);
                        }
                        block.push_generated("```", &fence);
                        Ok(block)
                    }
                }
            }
            other => Err(Problem::warning(
                format!("unknown directive `{{{{#{other}}}}}`, left as written"),
                "edgedocs knows mdBook's own `include`, `rustdoc_include`, `playground` and `title`; other \
                 preprocessors do not run",
            )),
        }
    }

    /// Reads `written` (relative to `file`'s folder): its path relative to the root, and its text.
    fn read(&self, file: &Path, written: &str) -> Result<(PathBuf, String), Problem> {
        let joined = file.parent().unwrap_or(Path::new("")).join(written);
        let Some(relative) = normalize(&joined) else {
            let error = SitePathError::Outside {
                written: written.to_owned(),
            };
            return Err(Problem::error(format!("cannot include: {error}"), error.help()));
        };
        let relative_text = crate::site_root::slash_path(&relative);
        match self.root.read_text(&relative_text, MAX_SOURCE_BYTES) {
            Ok(text) => Ok((relative, text)),
            Err(error) => {
                let help = match &error {
                    SitePathError::NotFound { .. } => "the path is relative to the file the directive is written in",
                    other => other.help(),
                };
                Err(Problem::error(format!("cannot include `{written}`: {error}"), help))
            }
        }
    }
}

/// `a/b/../c` -> `a/c`; `None` when it climbs above its start or is absolute.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !normal.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(normal)
}

/// The directive that starts at `start` (at `{{`), if it is one: `{{#name args}}` on one line.
fn directive_at(text: &str, start: usize) -> Option<Directive<'_>> {
    let after = &text[start + 2..];
    let trimmed = after.trim_start_matches([' ', '\t']);
    let body = trimmed.strip_prefix('#')?;
    let name_end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    if name_end == 0 {
        return None;
    }
    let close = body.find("}}")?;
    // As mdBook: a name alone (`{{#include}}`, `{{#toc}}`) is text, not a directive.
    if close < name_end || body[..close].contains('\n') || body[name_end..close].trim().is_empty() {
        return None;
    }
    let end = start + 2 + (after.len() - body.len()) + close + 2;
    Some(Directive {
        span: start..end,
        name: &body[..name_end],
        args: &body[name_end..close],
    })
}

/// What part of a file a directive takes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selection {
    All,
    /// 1-based, inclusive; an open end is the file's last line.
    Lines {
        start: usize,
        end: Option<usize>,
    },
    Anchor(String),
}

impl Selection {
    fn parse(written: &str) -> Selection {
        let number = |text: &str| text.trim().parse::<usize>().ok();
        match written.split_once(':') {
            Some((start, end))
                if (start.is_empty() || number(start).is_some()) && (end.is_empty() || number(end).is_some()) =>
            {
                Selection::Lines {
                    start: number(start).unwrap_or(1).max(1),
                    end: number(end),
                }
            }
            None if number(written).is_some() => {
                let line = number(written).unwrap_or(1).max(1);
                Selection::Lines {
                    start: line,
                    end: Some(line),
                }
            }
            None if written.is_empty() => Selection::All,
            _ => Selection::Anchor(written.to_owned()),
        }
    }

    /// The 0-based line indexes taken from `lines`.
    fn range(&self, lines: &[&str], path: &str) -> Result<RangeInclusive<usize>, Problem> {
        let last = lines.len().saturating_sub(1);
        match self {
            Selection::All => Ok(0..=last),
            Selection::Lines { start, end } => {
                let end = end.unwrap_or(lines.len()).min(lines.len());
                Ok((start - 1)..=end.saturating_sub(1))
            }
            Selection::Anchor(name) => {
                let begin = lines
                    .iter()
                    .position(|line| anchor_of(line) == Some((AnchorKind::Start, name.as_str())));
                let Some(begin) = begin else {
                    let names: Vec<&str> = lines
                        .iter()
                        .filter_map(|line| anchor_of(line))
                        .filter(|(kind, _)| *kind == AnchorKind::Start)
                        .map(|(_, name)| name)
                        .collect();
                    return Err(Problem::error(
                        format!("`{path}` has no anchor `{name}`"),
                        if names.is_empty() {
                            format!("mark the lines with `// ANCHOR: {name}` and `// ANCHOR_END: {name}` in the file")
                        } else {
                            format!("anchors in the file: {}", names.join(", "))
                        },
                    ));
                };
                let end = lines[begin + 1..]
                    .iter()
                    .position(|line| anchor_of(line) == Some((AnchorKind::End, name.as_str())))
                    .map_or(last, |offset| begin + offset);
                Ok(begin + 1..=end)
            }
        }
    }

    /// The selected lines of `file`, anchor markers left out, joined without a last line end (as mdBook
    /// does: the directive's own line end follows).
    fn take(&self, contents: &str, path: &str, file: &Arc<Path>) -> Result<MappedText, Problem> {
        let lines: Vec<&str> = contents.lines().collect();
        let mut taken = TakenLines::new(file);
        if lines.is_empty() {
            return Ok(taken.text);
        }
        let range = self.range(&lines, path)?;
        for index in range {
            match lines.get(index) {
                Some(line) if anchor_of(line).is_none() => taken.push(index, "", line),
                _ => {}
            }
        }
        Ok(taken.text)
    }

    /// Every line of `file`, those outside the selection hidden (`# `), anchor markers left out.
    fn take_with_rest_hidden(&self, contents: &str, path: &str, file: &Arc<Path>) -> Result<MappedText, Problem> {
        let lines: Vec<&str> = contents.lines().collect();
        let mut taken = TakenLines::new(file);
        if lines.is_empty() {
            return Ok(taken.text);
        }
        let range = self.range(&lines, path)?;
        for (index, line) in lines.iter().enumerate() {
            if anchor_of(line).is_some() {
                continue;
            }
            let prefix = if range.contains(&index) { "" } else { "# " };
            taken.push(index, prefix, line);
        }
        Ok(taken.text)
    }
}

/// Lines taken from a file, each mapped to its line there.
struct TakenLines<'f> {
    file: &'f Arc<Path>,
    text: MappedText,
    first: bool,
}

impl<'f> TakenLines<'f> {
    fn new(file: &'f Arc<Path>) -> Self {
        Self {
            file,
            text: MappedText::default(),
            first: true,
        }
    }

    /// Line `index` (0-based) of the file, written after `prefix`.
    fn push(&mut self, index: usize, prefix: &str, line: &str) {
        let origin = LineOrigin {
            column_shift: -(prefix.chars().count() as isize),
            ..LineOrigin::new(self.file.clone(), index + 1)
        };
        if !std::mem::take(&mut self.first) {
            self.text.push_generated("\n", &origin);
        }
        self.text.push_generated(prefix, &origin);
        self.text.push_generated(line, &origin);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnchorKind {
    Start,
    End,
}

/// `// ANCHOR: name` or `// ANCHOR_END: name` (in any comment syntax).
fn anchor_of(line: &str) -> Option<(AnchorKind, &str)> {
    let (kind, rest) = if let Some(at) = line.find("ANCHOR_END:") {
        (AnchorKind::End, &line[at + "ANCHOR_END:".len()..])
    } else if let Some(at) = line.find("ANCHOR:") {
        (AnchorKind::Start, &line[at + "ANCHOR:".len()..])
    } else {
        return None;
    };
    let name = rest.trim_start();
    let end = name
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(name.len());
    (end > 0).then(|| (kind, &name[..end]))
}

/// A problem with a directive, before it has a place.
struct Problem {
    error: bool,
    message: String,
    help: String,
}

impl Problem {
    fn error(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            error: true,
            message: message.into(),
            help: help.into(),
        }
    }

    fn warning(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            error: false,
            message: message.into(),
            help: help.into(),
        }
    }

    fn at(self, location: Location) -> Diagnostic {
        let diagnostic = if self.error {
            Diagnostic::error(Some(location), self.message)
        } else {
            Diagnostic::warning(Some(location), self.message)
        };
        diagnostic.with_help(self.help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "use std::io;\n// ANCHOR: main\nfn main() {\n    // ANCHOR: body\n    let x = 1;\n    // ANCHOR_END: body\n}\n// ANCHOR_END: main\n";

    fn book() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("src/chapter.md", ""),
            ("listings/main.rs", LISTING),
            ("src/nested.md", "before {{#include ../listings/main.rs:body}} after"),
            ("src/loop.md", "{{#include loop.md}}"),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn run(text: &str) -> (Expanded, Vec<String>) {
        let dir = book();
        let root = SiteRoot::new(dir.path()).unwrap();
        let mut diagnostics = Vec::new();
        let expanded = expand(&root, Path::new("src/chapter.md"), text, &mut diagnostics);
        (expanded, diagnostics.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn includes_take_ranges_and_anchors() {
        for (directive, expected) in [
            (
                "{{#include ../listings/main.rs}}",
                "use std::io;\nfn main() {\n    let x = 1;\n}",
            ),
            ("{{#include ../listings/main.rs:1:3}}", "use std::io;\nfn main() {"),
            ("{{#include ../listings/main.rs:7:}}", "}"),
            ("{{#include ../listings/main.rs::1}}", "use std::io;"),
            ("{{#include ../listings/main.rs:3}}", "fn main() {"),
            (
                "{{#include ../listings/main.rs:main}}",
                "fn main() {\n    let x = 1;\n}",
            ),
            ("{{ #include ../listings/main.rs:body }}", "    let x = 1;"),
            ("{{#include nested.md}}", "before     let x = 1; after"),
        ] {
            let (expanded, messages) = run(directive);
            assert!(messages.is_empty(), "{directive}: {messages:?}");
            assert_eq!(expanded.text, expected, "{directive}");
        }
    }

    #[test]
    fn every_expanded_line_knows_where_it_was_written() {
        let chapter = "# Intro\n{{#include nested.md}}\n{{#rustdoc_include ../listings/main.rs:body}}\nlast line\n";
        let (expanded, messages) = run(chapter);
        assert!(messages.is_empty(), "{messages:?}");
        let chapter_file = Path::new("src/chapter.md");
        let locate = |needle: &str| {
            let offset = expanded.text.find(needle).expect("needle");
            let position = crate::diagnostics::LineColumn::of_offset(&expanded.text, offset);
            let location = Location::new(chapter_file, position.line, position.column);
            expanded.line_map.locate(chapter_file, &location).to_string()
        };
        // `nested.md` is `before {{#include ../listings/main.rs:body}} after`.
        assert_eq!(locate("before"), "src/nested.md:1:1");
        assert_eq!(locate("let x = 1;\n# }"), "listings/main.rs:5:5");
        assert_eq!(locate("# use std::io"), "listings/main.rs:1:1");
        assert_eq!(locate("# }"), "listings/main.rs:7:1");
        assert_eq!(locate("last line"), "src/chapter.md:4:1");
    }

    #[test]
    fn rustdoc_include_hides_the_rest_of_the_file() {
        let (expanded, _) = run("```rust\n{{#rustdoc_include ../listings/main.rs:body}}\n```");
        assert_eq!(
            expanded.text,
            "```rust\n# use std::io;\n# fn main() {\n    let x = 1;\n# }\n```"
        );
    }

    #[test]
    fn playground_title_and_escapes() {
        let (expanded, messages) = run(
            "{{#title Custom title}}\n{{#playground ../listings/main.rs:body editable}}\n\\{{#include x.rs}}\n{{ not a directive }} {{#include}}",
        );
        assert!(messages.is_empty(), "{messages:?}");
        assert_eq!(expanded.title.as_deref(), Some("Custom title"));
        assert_eq!(
            expanded.text,
            "\n```rust,editable\n    let x = 1;\n```\n{{#include x.rs}}\n{{ not a directive }} {{#include}}"
        );
    }

    #[test]
    fn problems_name_the_directive_and_leave_it_as_written() {
        let (expanded, messages) = run(
            "line one\n  {{#include missing.rs}}\n{{#include ../../outside.rs}}\n{{#include ../listings/main.rs:nope}}\n{{#include loop.md}}\n{{#template x.md}}",
        );
        assert!(expanded.text.contains("{{#include missing.rs}}"));
        let firsts: Vec<&str> = messages.iter().map(|m| m.lines().next().unwrap()).collect();
        assert_eq!(
            firsts,
            [
                "error: src/chapter.md:2:3: cannot include `missing.rs`: `src/missing.rs` does not exist",
                "error: src/chapter.md:3:1: cannot include: `../../outside.rs` leads outside the site root",
                "error: src/chapter.md:4:1: `../listings/main.rs` has no anchor `nope`",
                "error: src/loop.md:1:1: includes nest more than 10 deep",
                "warning: src/chapter.md:6:1: unknown directive `{{#template}}`, left as written",
            ]
        );
        assert!(
            messages[2].contains("anchors in the file: main, body"),
            "{}",
            messages[2]
        );
    }

    #[test]
    fn a_symlink_out_of_the_book_is_refused() {
        let dir = book();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("src/link.txt")).unwrap();
        let root = SiteRoot::new(dir.path()).unwrap();
        let mut diagnostics = Vec::new();
        let expanded = expand(
            &root,
            Path::new("src/chapter.md"),
            "{{#include link.txt}}",
            &mut diagnostics,
        );
        assert_eq!(expanded.text, "{{#include link.txt}}");
        assert!(
            diagnostics[0].to_string().contains("is a symlink to a place outside"),
            "{}",
            diagnostics[0]
        );
    }
}
