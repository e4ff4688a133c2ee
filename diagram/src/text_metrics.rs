//! Text widths for laying diagrams out without a browser: one table of sans-serif advance widths
//! that both the layout (through merman's measurement callback) and the SVG writer use, so boxes
//! and the text drawn in them agree.
//!
//! The table holds the classic Helvetica/Arial advances in thousandths of an em. System UI fonts
//! (Segoe UI, San Francisco, Roboto) are a little narrower and DejaVu Sans a little wider, so widths
//! are padded by [`SAFETY_FACTOR`]: a box is then a few pixels roomy rather than clipped.

/// Font size of node labels, in CSS pixels.
pub(crate) const NODE_FONT_SIZE: f64 = 14.0;
/// Font size of sub-labels (`<small>` in a label) and edge labels, in CSS pixels.
pub(crate) const SMALL_FONT_SIZE: f64 = 12.0;
/// Line height as a multiple of the font size of a node label's first line.
pub(crate) const LINE_HEIGHT_FACTOR: f64 = 1.5;
/// Width padding for fonts wider than Arial and for the semi-bold node titles.
const SAFETY_FACTOR: f64 = 1.08;

/// Advance widths of printable ASCII (0x20..=0x7e) in thousandths of an em.
const ASCII_ADVANCES: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
    278, 278, 584, 584, 584, 556, 1015, // :..@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A..M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N..Z
    278, 278, 278, 469, 556, 333, // [..`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a..m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n..z
    334, 260, 334, 584, // {..~
];

/// Width of `text` set in the diagram font at `font_size` pixels.
pub(crate) fn text_width(text: &str, font_size: f64) -> f64 {
    let thousandths: u32 = text.chars().map(advance_thousandths).sum();
    f64::from(thousandths) / 1000.0 * font_size * SAFETY_FACTOR
}

fn advance_thousandths(character: char) -> u32 {
    match character {
        ' '..='~' => u32::from(ASCII_ADVANCES[character as usize - 0x20]),
        '\u{300}'..='\u{36f}' | '\u{200b}'..='\u{200d}' | '\u{ad}' => 0,
        _ if is_wide(character) => 1000,
        _ => 600,
    }
}

/// East Asian wide characters and emoji take a full em.
fn is_wide(character: char) -> bool {
    matches!(character as u32,
        0x1100..=0x115f | 0x2e80..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xfe30..=0xfe4f
        | 0xff00..=0xff60 | 0xffe0..=0xffe6 | 0x1f300..=0x1faff | 0x20000..=0x3fffd)
}

/// Breaks `text` at spaces into lines no wider than `max_width` (a single long word stays whole).
pub(crate) fn wrap_words(text: &str, font_size: f64, max_width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        if current.is_empty() {
            current.push_str(word);
            continue;
        }
        let candidate = format!("{current} {word}");
        if text_width(&candidate, font_size) <= max_width + 0.5 {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current.push_str(word);
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        assert!(text_width("worker", 14.0) > text_width("kv", 14.0));
        assert!(text_width("worker", 14.0) > text_width("worker", 12.0));
        assert_eq!(text_width("", 14.0), 0.0);
    }

    #[test]
    fn wide_characters_take_a_full_em() {
        let width = text_width("漢字", 10.0);
        assert!((width - 2.0 * 10.0 * SAFETY_FACTOR).abs() < 1e-9);
    }

    #[test]
    fn wrapping_keeps_long_words_whole_and_breaks_at_spaces() {
        assert_eq!(wrap_words("one two three", 14.0, 1.0), ["one", "two", "three"]);
        assert_eq!(wrap_words("one two", 14.0, 1000.0), ["one two"]);
        assert_eq!(wrap_words("", 14.0, 10.0), [""]);
    }
}
