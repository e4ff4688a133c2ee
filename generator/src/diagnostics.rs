//! Diagnostics: what went wrong, where (file:line:col) and how to fix it.
//!
//! Every stage of the build reports problems as [`Diagnostic`]s instead of stopping at the first one, so an
//! author sees all of them in one run. This module owns their shape and their rendering; it does not decide
//! what is an error.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A position in a source file, 1-based, with the path relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Self {
            file: file.into(),
            line,
            column,
        }
    }

    /// The location of byte `offset` in `text`, a file that starts at `base` (line 1, column 1 unless the
    /// text is a fragment of a bigger file).
    pub fn at_offset(file: &Path, text: &str, offset: usize, base: LineColumn) -> Self {
        let position = LineColumn::of_offset(text, offset);
        let line = base.line + position.line - 1;
        let column = if position.line == 1 {
            base.column + position.column - 1
        } else {
            position.column
        };
        Self {
            file: file.to_path_buf(),
            line,
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

impl LineColumn {
    pub const START: Self = Self { line: 1, column: 1 };

    /// The line and column of byte `offset` in `text` (clamped to the text). Lines end as Markdown's
    /// do: at `\n`, `\r\n` or a lone `\r`.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // The `\n` of a `\r\n` is the same line end as its `\r`.
        if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
            offset -= 1;
        }
        let before = &text[..offset];
        let bytes = before.as_bytes();
        let mut line = 1;
        let mut line_start = 0;
        for (index, byte) in bytes.iter().enumerate() {
            let ends_line = *byte == b'\n' || (*byte == b'\r' && text.as_bytes().get(index + 1) != Some(&b'\n'));
            if ends_line {
                line += 1;
                line_start = index + 1;
            }
        }
        let column = before[line_start..].chars().count() + 1;
        Self { line, column }
    }
}

/// One problem found in the site's sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(location: Option<Location>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(location: Option<Location>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &self.location {
            Some(location) => write!(f, "{label}: {location}: {}", self.message)?,
            None => write!(f, "{label}: {}", self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A collection of diagnostics, gathered across stages and threads.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    /// Sorts by file, line and column so output is stable whatever order threads finished in.
    pub fn sort(&mut self) {
        self.items
            .sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.message.cmp(&b.message)));
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Returns `Err(BuildFailed)` when any diagnostic is an error.
    pub fn into_result(mut self) -> Result<Vec<Diagnostic>, BuildFailed> {
        self.sort();
        if self.has_errors() {
            Err(BuildFailed {
                diagnostics: self.items,
            })
        } else {
            Ok(self.items)
        }
    }
}

/// The build found errors in the site's sources; every one of them is listed.
#[derive(Debug, thiserror::Error)]
pub struct BuildFailed {
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailed {
    pub fn single(diagnostic: Diagnostic) -> Self {
        Self {
            diagnostics: vec![diagnostic],
        }
    }
}

impl fmt::Display for BuildFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
        }
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(
            f,
            "build failed with {errors} error{}",
            if errors == 1 { "" } else { "s" }
        )
    }
}

/// The closest of `candidates` to `unknown`, if one is close enough to be a likely typo.
pub fn closest_match<'a>(unknown: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// The closest of `candidates` to `unknown` when both are paths (`/storage/kvv/`, `diagram.pgn`): by edit
/// distance between what follows the folders they share, since a long shared prefix would make every
/// path in the same folder look close.
pub fn closest_path<'a>(unknown: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let score = |candidate: &str| {
        let shared = unknown
            .char_indices()
            .zip(candidate.chars())
            .take_while(|((_, a), b)| a == b)
            .filter(|((_, a), _)| *a == '/')
            .last()
            .map_or(0, |((index, _), _)| index + 1);
        strsim::normalized_levenshtein(&unknown[shared..], &candidate[shared..])
    };
    candidates
        .into_iter()
        .map(|candidate| (score(candidate), candidate))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "ab\nçé x";
        assert_eq!(LineColumn::of_offset(text, 0), LineColumn { line: 1, column: 1 });
        assert_eq!(LineColumn::of_offset(text, 3), LineColumn { line: 2, column: 1 });
        assert_eq!(
            LineColumn::of_offset(text, "ab\nçé ".len()),
            LineColumn { line: 2, column: 4 }
        );
    }

    #[test]
    fn lines_end_at_lf_crlf_and_a_lone_cr_as_in_markdown() {
        let text = "a\r\nb\rc\nd";
        assert_eq!(
            LineColumn::of_offset(text, text.find('b').unwrap()),
            LineColumn { line: 2, column: 1 }
        );
        assert_eq!(
            LineColumn::of_offset(text, text.find('c').unwrap()),
            LineColumn { line: 3, column: 1 }
        );
        assert_eq!(
            LineColumn::of_offset(text, text.find('d').unwrap()),
            LineColumn { line: 4, column: 1 }
        );
        assert_eq!(
            LineColumn::of_offset(text, 1),
            LineColumn { line: 1, column: 2 },
            "before the CR of a CRLF"
        );
        assert_eq!(
            LineColumn::of_offset(text, 2),
            LineColumn { line: 1, column: 2 },
            "the LF of a CRLF is the same line end"
        );
    }

    #[test]
    fn offset_inside_a_fragment_is_shifted_by_its_base() {
        let location = Location::at_offset(Path::new("a.md"), "x\ny", 2, LineColumn { line: 10, column: 3 });
        assert_eq!(location.to_string(), "a.md:11:1");
        let location = Location::at_offset(Path::new("a.md"), "xy", 1, LineColumn { line: 10, column: 3 });
        assert_eq!(location.to_string(), "a.md:10:4");
    }

    #[test]
    fn closest_match_finds_typos_only() {
        assert_eq!(closest_match("titel", ["title", "theme", "language"]), Some("title"));
        assert_eq!(closest_match("zzz", ["title", "theme"]), None);
    }

    #[test]
    fn closest_path_ignores_shared_prefixes() {
        let pages = ["content/guide.md", "content/storage/kv.md", "content/storage/_index.md"];
        assert_eq!(closest_path("content/storage/limits.md", pages), None);
        assert_eq!(closest_path("content/storage/gone.md", pages), None);
        assert_eq!(
            closest_path("/storage/kvv/", ["/storage/", "/storage/kv/"]),
            Some("/storage/kv/")
        );
        assert_eq!(
            closest_path("content/storage/kvv.md", pages),
            Some("content/storage/kv.md")
        );
        assert_eq!(
            closest_path("/storage/r2/diagram.pgn", ["/storage/r2/", "/storage/r2/diagram.png"]),
            Some("/storage/r2/diagram.png")
        );
    }

    #[test]
    fn diagnostic_renders_location_and_help() {
        let d = Diagnostic::error(Some(Location::new("site.toml", 2, 1)), "unknown key `titel`")
            .with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "error: site.toml:2:1: unknown key `titel`\n  help: did you mean `title`?"
        );
    }
}
