//! Text put together from pieces of several files (a book chapter with its `{{#include}}`s expanded),
//! with the file and line each of its lines came from, so that a problem found in the assembled text is
//! reported where the author wrote it.
//!
//! [`MappedText`] is the builder: it appends slices of other mapped texts and generated text, keeping
//! one [`LineOrigin`] per line. [`LineMap`] is what a document keeps of it, to move a [`Location`] in
//! the assembled text back to its source. Lines end as [`LineColumn`] counts them: at `\n`, `\r\n` or
//! a lone `\r`.
//!
//! [`LineColumn`]: crate::diagnostics::LineColumn

use crate::diagnostics::Location;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Where one line of an assembled text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOrigin {
    pub file: Arc<Path>,
    /// 1-based.
    pub line: usize,
    /// What to add to a column of the assembled line to get the column in `file` (`-2` for a line that
    /// got a `# ` in front; positive for a line that starts in the middle of its source line).
    pub column_shift: isize,
}

impl LineOrigin {
    pub fn new(file: Arc<Path>, line: usize) -> Self {
        Self {
            file,
            line,
            column_shift: 0,
        }
    }

    fn location(&self, column: usize) -> Location {
        let column = (column as isize + self.column_shift).max(1) as usize;
        Location {
            file: self.file.to_path_buf(),
            line: self.line,
            column,
        }
    }
}

/// The origins of an assembled text's lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap {
    /// Indexed by the assembled text's 0-based line.
    lines: Vec<LineOrigin>,
}

impl LineMap {
    /// `location` (in `assembled_file`, the file the assembled text is reported as) moved to where its
    /// line came from; a location in another file, or past the map, is returned as it is.
    pub fn locate(&self, assembled_file: &Path, location: &Location) -> Location {
        if location.file != assembled_file {
            return location.clone();
        }
        match location.line.checked_sub(1).and_then(|index| self.lines.get(index)) {
            Some(origin) => origin.location(location.column),
            None => location.clone(),
        }
    }

    /// Whether every line is the same line of one file (nothing to move).
    pub fn is_identity(&self, file: &Path) -> bool {
        self.lines
            .iter()
            .enumerate()
            .all(|(index, origin)| *origin.file == *file && origin.line == index + 1 && origin.column_shift == 0)
    }
}

/// A text being assembled, with the origin of each of its lines.
#[derive(Debug, Clone, Default)]
pub struct MappedText {
    text: String,
    /// One per line of `text` (none while `text` is empty and nothing was pushed).
    lines: Vec<LineOrigin>,
    /// The byte offset in `text` at which each line starts.
    line_starts: Vec<usize>,
}

impl MappedText {
    /// `text`, the contents of `file`: each line is its own origin.
    pub fn from_file(file: Arc<Path>, text: &str) -> Self {
        let mut mapped = MappedText::default();
        mapped.push_text(text, |line| LineOrigin::new(file.clone(), line + 1));
        mapped
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn into_parts(self) -> (String, LineMap) {
        (self.text, LineMap { lines: self.lines })
    }

    /// Where byte `offset` of the text was written.
    pub fn location(&self, offset: usize) -> Option<Location> {
        let line = self
            .line_starts
            .partition_point(|start| *start <= offset)
            .checked_sub(1)?;
        let start = self.line_starts[line];
        let end = offset.min(self.text.len());
        let column = self.text.get(start..end).map_or(1, |before| before.chars().count() + 1);
        Some(self.lines[line].location(column))
    }

    /// Appends `source.text()[range]`, its lines keeping their origins. A range that is not on
    /// character boundaries appends nothing.
    pub fn push_slice(&mut self, source: &MappedText, range: Range<usize>) {
        let Some(slice) = source.text.get(range.clone()) else {
            return;
        };
        if slice.is_empty() {
            return;
        }
        let first_line = source
            .line_starts
            .partition_point(|start| *start <= range.start)
            .saturating_sub(1);
        let first = source.lines.get(first_line).cloned();
        let Some(mut first) = first else {
            return;
        };
        // A slice that starts inside its line: its columns come after what the line had before it.
        let line_start = source.line_starts[first_line];
        let chars_before = source.text[line_start..range.start].chars().count();
        first.column_shift += chars_before as isize;
        self.push_text(slice, |index| {
            if index == 0 {
                first.clone()
            } else {
                source
                    .lines
                    .get(first_line + index)
                    .cloned()
                    .unwrap_or_else(|| first.clone())
            }
        });
    }

    /// Appends text that was made up (a fence around included code), every line of it from `origin`.
    pub fn push_generated(&mut self, text: &str, origin: &LineOrigin) {
        self.push_text(text, |_| origin.clone());
    }

    /// Appends all of `other`.
    pub fn push_mapped(&mut self, other: &MappedText) {
        self.push_slice(other, 0..other.text.len());
    }

    /// Appends `chunk`; `origin_of(k)` is the origin of its line `k` (0-based). Its first line continues
    /// the text's last line, whose origin it takes over while that line is still empty.
    fn push_text(&mut self, chunk: &str, origin_of: impl Fn(usize) -> LineOrigin) {
        let current_line_empty = self.line_starts.last().is_none_or(|start| *start == self.text.len());
        if self.lines.is_empty() {
            self.lines.push(origin_of(0));
            self.line_starts.push(0);
        } else if current_line_empty
            && !chunk.is_empty()
            && let Some(last) = self.lines.last_mut()
        {
            *last = origin_of(0);
        }
        let base = self.text.len();
        // A `\r` ending the text and a `\n` starting the chunk are one line end, already counted.
        let joins_crlf = self.text.ends_with('\r') && chunk.starts_with('\n');
        let bytes = chunk.as_bytes();
        let mut line = 0;
        for (index, byte) in bytes.iter().enumerate() {
            let ends_line = match byte {
                b'\n' => !(index == 0 && joins_crlf),
                b'\r' => bytes.get(index + 1) != Some(&b'\n'),
                _ => false,
            };
            if ends_line {
                line += 1;
                self.lines.push(origin_of(line));
                self.line_starts.push(base + index + 1);
            }
        }
        if joins_crlf && let Some(start) = self.line_starts.last_mut() {
            // The line after the `\r` starts after the `\n` now.
            *start = base + 1;
        }
        self.text.push_str(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::LineColumn;

    fn line_column(text: &str, offset: usize) -> LineColumn {
        LineColumn::of_offset(text, offset)
    }

    fn file(name: &str) -> Arc<Path> {
        Arc::from(Path::new(name))
    }

    fn at(text: &MappedText, needle: &str) -> String {
        let offset = text.text().find(needle).expect("needle in text");
        text.location(offset).expect("location").to_string()
    }

    #[test]
    fn a_file_maps_to_itself() {
        let text = MappedText::from_file(file("a.md"), "one\ntwo\r\nthree\rfour");
        assert_eq!(at(&text, "two"), "a.md:2:1");
        assert_eq!(at(&text, "hree"), "a.md:3:2");
        assert_eq!(at(&text, "four"), "a.md:4:1");
        let (assembled, map) = text.into_parts();
        assert!(map.is_identity(Path::new("a.md")));
        for (offset, _) in assembled.char_indices() {
            let position = line_column(&assembled, offset);
            let location = Location::new("a.md", position.line, position.column);
            assert_eq!(map.locate(Path::new("a.md"), &location), location);
        }
    }

    #[test]
    fn an_inclusion_keeps_the_lines_after_it_where_they_were_written() {
        let chapter = MappedText::from_file(file("ch.md"), "# Title\n{{#include a.rs}}\nafter [x](y)\n");
        let included = MappedText::from_file(file("a.rs"), "fn a() {}\nfn b() {}");
        let directive = chapter.text().find("{{").unwrap();
        let directive_end = chapter.text().find("}}").unwrap() + 2;
        let mut assembled = MappedText::default();
        assembled.push_slice(&chapter, 0..directive);
        assembled.push_mapped(&included);
        assembled.push_slice(&chapter, directive_end..chapter.text().len());
        assert_eq!(assembled.text(), "# Title\nfn a() {}\nfn b() {}\nafter [x](y)\n");
        assert_eq!(at(&assembled, "Title"), "ch.md:1:3");
        assert_eq!(at(&assembled, "fn a"), "a.rs:1:1");
        assert_eq!(at(&assembled, "b()"), "a.rs:2:4");
        assert_eq!(at(&assembled, "[x]"), "ch.md:3:7");

        let (text, map) = assembled.into_parts();
        let offset = text.find("[x]").unwrap();
        let position = line_column(&text, offset);
        let reported = Location::new("ch.md", position.line, position.column);
        assert_eq!(map.locate(Path::new("ch.md"), &reported).to_string(), "ch.md:3:7");
        assert!(!map.is_identity(Path::new("ch.md")));
        // Other files and lines past the map are left alone.
        let elsewhere = Location::new("other.md", 2, 1);
        assert_eq!(map.locate(Path::new("ch.md"), &elsewhere), elsewhere);
        let past = Location::new("ch.md", 99, 1);
        assert_eq!(map.locate(Path::new("ch.md"), &past), past);
    }

    #[test]
    fn generated_lines_and_shifted_columns() {
        let directive = LineOrigin::new(file("ch.md"), 4);
        let hidden = LineOrigin {
            column_shift: -2,
            ..LineOrigin::new(file("a.rs"), 7)
        };
        let mut assembled = MappedText::default();
        assembled.push_generated("```rust", &directive);
        assembled.push_generated("\n", &hidden);
        assembled.push_generated("# use std::io;", &hidden);
        assembled.push_generated("\n```", &directive);
        assert_eq!(at(&assembled, "```rust"), "ch.md:4:1");
        assert_eq!(at(&assembled, "use"), "a.rs:7:1");
        assert_eq!(at(&assembled, "std"), "a.rs:7:5");
        assert_eq!(
            assembled.location(assembled.text().len() - 1).unwrap().to_string(),
            "ch.md:4:3"
        );
    }

    #[test]
    fn a_slice_from_the_middle_of_a_line_counts_its_columns_from_the_line_start() {
        let chapter = MappedText::from_file(file("ch.md"), "see {{#include x}} and [y](z)\n");
        let after = chapter.text().find(" and").unwrap();
        let mut assembled = MappedText::default();
        assembled.push_generated("line one\n", &LineOrigin::new(file("x"), 1));
        assembled.push_slice(&chapter, after..chapter.text().len());
        assert_eq!(at(&assembled, "[y]"), "ch.md:1:24");
    }

    #[test]
    fn crlf_split_between_two_pieces_is_one_line_end() {
        let mut assembled = MappedText::default();
        assembled.push_generated("a\r", &LineOrigin::new(file("f"), 1));
        assembled.push_generated("\nb", &LineOrigin::new(file("f"), 2));
        assert_eq!(at(&assembled, "b"), "f:2:1");
        assert_eq!(line_column(assembled.text(), 3).line, 2);
    }

    #[test]
    fn odd_offsets_and_slices_do_not_panic() {
        let text = MappedText::from_file(file("f"), "é\n");
        assert!(text.location(1).is_some());
        assert!(text.location(500).is_some());
        let mut assembled = MappedText::default();
        assembled.push_slice(&text, 1..2);
        assembled.push_slice(&text, 2..900);
        assert_eq!(assembled.text(), "");
        assert_eq!(MappedText::default().location(0), None);
    }
}
