//! The code frame: the `<figure class="code-frame">` around a highlighted block, exactly as the
//! theme contract (`themes/default/README.md`) fixes it, and the warnings a block can raise.
//! Token spans inside the lines come from [`super::tokenize`].

use std::borrow::Cow;
use std::fmt;

use super::languages::{Language, find_language, plain_text, similar_languages};
use super::line_ranges::LineRanges;
use super::tokenize::LineHighlighter;
use pulldown_cmark_escape::{escape_html, escape_html_body_text};

/// A rendered code frame and what the author should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The `<figure class="code-frame">` element, ending with a newline.
    pub html: String,
    /// Problems that did not stop rendering; the caller adds file:line and reports them.
    pub warnings: Vec<HighlightWarning>,
}

/// Which line marker of the info string a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineMarker {
    /// `{3-5}` or `mark={3-5}`.
    Highlighted,
    /// `ins={7}`.
    Inserted,
    /// `del={8}`.
    Deleted,
}

impl LineMarker {
    fn written_as(self, lines: &LineRanges) -> String {
        match self {
            LineMarker::Highlighted => format!("{{{lines}}}"),
            LineMarker::Inserted => format!("ins={{{lines}}}"),
            LineMarker::Deleted => format!("del={{{lines}}}"),
        }
    }
}

/// Something the author should fix in a code block; the block still renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HighlightWarning {
    /// The fence names a language the syntax set does not know; the block renders as plain text.
    UnknownLanguage {
        /// The language as written in the fence.
        lang: String,
        /// Known languages close to it, closest first (may be empty).
        similar: Vec<String>,
    },
    /// A line marker names lines past the end of the block; those marks are ignored.
    LinesOutOfRange {
        marker: LineMarker,
        /// The marked ranges that reach past the last line.
        lines: LineRanges,
        /// How many lines the block has.
        line_count: usize,
    },
    /// The syntax failed on this block (a syntect error); it renders as plain text.
    HighlightFailed {
        /// The language's label.
        language: String,
        /// syntect's error.
        reason: String,
    },
}

impl fmt::Display for HighlightWarning {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HighlightWarning::UnknownLanguage { lang, similar } => {
                write!(formatter, "unknown code language `{lang}`, shown as plain text; ")?;
                if similar.is_empty() {
                    write!(
                        formatter,
                        "use one of {}, or `text` for no highlighting",
                        super::known_languages().join(", ")
                    )
                } else {
                    let similar: Vec<String> = similar.iter().map(|word| format!("`{word}`")).collect();
                    write!(formatter, "did you mean {}?", similar.join(" or "))
                }
            }
            HighlightWarning::LinesOutOfRange {
                marker,
                lines,
                line_count,
            } => write!(
                formatter,
                "`{}` marks lines past the end of this {line_count}-line code block; those marks \
                 are ignored: fix the line numbers or remove them",
                marker.written_as(lines)
            ),
            HighlightWarning::HighlightFailed { language, reason } => write!(
                formatter,
                "could not highlight this {language} block ({reason}); it is shown as plain text"
            ),
        }
    }
}

/// What a code frame shows besides the code: the language, the title and the marked lines (the
/// options of a fence that concern highlighting; the caller parses the fence).
#[derive(Debug, Clone, Copy)]
pub struct FrameOptions<'a> {
    /// The language as written (`ts`, `Rust`); `None` for plain text.
    pub lang: Option<&'a str>,
    /// Shown in the frame's header, usually a file name.
    pub title: Option<&'a str>,
    pub highlighted_lines: &'a LineRanges,
    pub inserted_lines: &'a LineRanges,
    pub deleted_lines: &'a LineRanges,
    /// Lines in the HTML but hidden until the reader asks for them (a Rust example's setup lines):
    /// each is a `line hidden` span, and the header gets a toggle the theme's script shows.
    pub hidden_lines: &'a LineRanges,
}

/// Renders a fenced code block as a code frame: highlighted lines, line marks, header with the
/// title and the language's label.
pub fn render_code_frame(info: &FrameOptions<'_>, code: &str) -> Rendered {
    // Syntaxes expect `\n` line ends; a CRLF file would otherwise leave `\r` in the last token.
    let code: Cow<'_, str> = if code.contains('\r') {
        Cow::Owned(code.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(code)
    };
    let code = code.as_ref();
    let mut warnings = Vec::new();
    let (language, lang_attribute, label) = match info.lang {
        None => {
            let language = plain_text();
            (language, "text".to_owned(), language.label().to_owned())
        }
        Some(lang) => match find_language(lang) {
            Some(language) => (language, lang.to_lowercase(), language.label().to_owned()),
            None => {
                warnings.push(HighlightWarning::UnknownLanguage {
                    lang: lang.to_owned(),
                    similar: similar_languages(lang),
                });
                (plain_text(), lang.to_lowercase(), lang.to_owned())
            }
        },
    };

    let line_count = code.split_inclusive('\n').count();
    for (marker, lines) in [
        (LineMarker::Highlighted, info.highlighted_lines),
        (LineMarker::Inserted, info.inserted_lines),
        (LineMarker::Deleted, info.deleted_lines),
    ] {
        let past_end = LineRanges::from_ranges(
            lines
                .ranges()
                .iter()
                .filter(|range| *range.end() as usize > line_count)
                .cloned(),
        );
        if !past_end.is_empty() {
            warnings.push(HighlightWarning::LinesOutOfRange {
                marker,
                lines: past_end,
                line_count,
            });
        }
    }

    let mut html = String::with_capacity(code.len() * 2 + 320);
    let has_hidden = (1..=line_count).any(|line| info.hidden_lines.contains(u32::try_from(line).unwrap_or(u32::MAX)));
    html.push_str(if has_hidden {
        "<figure class=\"code-frame has-hidden-lines\" data-lang=\""
    } else {
        "<figure class=\"code-frame\" data-lang=\""
    });
    let _ = escape_html(&mut html, &lang_attribute);
    html.push_str("\">\n  <figcaption class=\"code-frame__header\">\n");
    if let Some(title) = info.title {
        html.push_str("    <span class=\"code-frame__title\">");
        let _ = escape_html_body_text(&mut html, title);
        html.push_str("</span>\n");
    }
    html.push_str("    <span class=\"code-frame__lang\">");
    let _ = escape_html_body_text(&mut html, &label);
    html.push_str("</span>\n");
    if has_hidden {
        html.push_str(
            "    <button type=\"button\" class=\"code-frame__reveal\" aria-pressed=\"false\" hidden>Show hidden lines</button>\n",
        );
    }
    html.push_str(
        "    <button type=\"button\" class=\"code-frame__copy\" hidden>Copy</button>\n  \
         </figcaption>\n  <pre class=\"code\"><code>",
    );
    let lines_start = html.len();
    if let Err(reason) = write_lines(info, code, language, &mut html) {
        html.truncate(lines_start);
        warnings.push(HighlightWarning::HighlightFailed {
            language: label,
            reason: reason.to_string(),
        });
        write_lines(info, code, plain_text(), &mut html).expect("plain text never fails to highlight");
    }
    html.push_str("</code></pre>\n</figure>\n");
    Rendered { html, warnings }
}

/// Writes one `<span class="line ...">` per line, separated by newlines.
fn write_lines(
    info: &FrameOptions<'_>,
    code: &str,
    language: Language,
    html: &mut String,
) -> Result<(), syntect::parsing::ParsingError> {
    let mut highlighter = LineHighlighter::new(language);
    let mut previous_hidden = false;
    let line_count = code.split_inclusive('\n').count();
    for (index, line) in code.split_inclusive('\n').enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let hidden = info.hidden_lines.contains(number);
        // A hidden line carries its own line end, so hiding it leaves no empty line behind.
        if index > 0 && !previous_hidden {
            html.push('\n');
        }
        previous_hidden = hidden;
        html.push_str("<span class=\"line");
        if hidden {
            html.push_str(" hidden");
        }
        if info.highlighted_lines.contains(number) {
            html.push_str(" hl");
        }
        if info.inserted_lines.contains(number) {
            html.push_str(" ins");
        }
        if info.deleted_lines.contains(number) {
            html.push_str(" del");
        }
        html.push_str("\">");
        highlighter.write_line(line, html)?;
        if hidden && index + 1 < line_count {
            html.push('\n');
        }
        html.push_str("</span>");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block's frame options, built up in tests.
    #[derive(Default)]
    struct Block {
        lang: Option<&'static str>,
        title: Option<&'static str>,
        marks: [LineRanges; 3],
        hidden: LineRanges,
    }

    fn block(lang: &'static str) -> Block {
        Block {
            lang: (!lang.is_empty()).then_some(lang),
            ..Block::default()
        }
    }

    impl Block {
        fn title(mut self, title: &'static str) -> Self {
            self.title = Some(title);
            self
        }

        /// Marks `lines` as highlighted (0), inserted (1) or deleted (2).
        fn mark(mut self, which: usize, lines: std::ops::RangeInclusive<u32>) -> Self {
            self.marks[which].insert(lines);
            self
        }

        fn hide(mut self, lines: std::ops::RangeInclusive<u32>) -> Self {
            self.hidden.insert(lines);
            self
        }

        fn render(&self, code: &str) -> Rendered {
            let [highlighted_lines, inserted_lines, deleted_lines] = &self.marks;
            let options = FrameOptions {
                lang: self.lang,
                title: self.title,
                highlighted_lines,
                inserted_lines,
                deleted_lines,
                hidden_lines: &self.hidden,
            };
            render_code_frame(&options, code)
        }
    }

    fn render(lang: &'static str, code: &str) -> Rendered {
        block(lang).render(code)
    }

    #[test]
    fn frame_follows_the_theme_contract() {
        let rendered = block("ts")
            .title("src/handlers/kv.ts")
            .mark(0, 2..=2)
            .mark(1, 3..=3)
            .mark(2, 4..=4)
            .render("let a = 1;\nlet b = 2;\nlet c = 3;\nlet d = 4;\n");
        assert!(rendered.warnings.is_empty());
        insta::assert_snapshot!(&rendered.html);
    }

    #[test]
    fn a_bare_fence_is_plain_text_without_title() {
        let rendered = render("", "<b>&\n");
        assert!(rendered.warnings.is_empty());
        insta::assert_snapshot!(&rendered.html);
    }

    #[test]
    fn titles_and_languages_are_escaped() {
        let rendered = block("x\"y").title("<img src=x onerror=alert(1)>").render("a\n");
        assert!(rendered.html.contains("data-lang=\"x&quot;y\""), "{}", rendered.html);
        assert!(
            rendered
                .html
                .contains("<span class=\"code-frame__title\">&lt;img src=x onerror=alert(1)&gt;</span>"),
            "{}",
            rendered.html
        );
        assert!(!rendered.html.contains("style="));
    }

    #[test]
    fn unknown_language_renders_plain_with_a_warning() {
        let rendered = render("typscript", "const x = 1;\n");
        assert!(rendered.html.contains("<span class=\"line\">const x = 1;</span>"));
        assert!(
            rendered
                .html
                .contains("<span class=\"code-frame__lang\">typscript</span>")
        );
        let [HighlightWarning::UnknownLanguage { lang, similar }] = rendered.warnings.as_slice() else {
            panic!("{:?}", rendered.warnings);
        };
        assert_eq!(lang, "typscript");
        assert_eq!(similar.first().map(String::as_str), Some("typescript"));
        assert_eq!(
            rendered.warnings[0].to_string(),
            format!(
                "unknown code language `typscript`, shown as plain text; did you mean {}?",
                similar
                    .iter()
                    .map(|word| format!("`{word}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        );
    }

    #[test]
    fn marks_past_the_end_warn_and_the_rest_still_apply() {
        let rendered = block("rust")
            .mark(0, 2..=3)
            .mark(1, 9..=9)
            .render("fn a() {}\nfn b() {}\n");
        assert!(rendered.html.contains("<span class=\"line hl\">"));
        assert_eq!(
            rendered.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "`{2-3}` marks lines past the end of this 2-line code block; those marks are \
                 ignored: fix the line numbers or remove them",
                "`ins={9}` marks lines past the end of this 2-line code block; those marks are \
                 ignored: fix the line numbers or remove them",
            ]
        );
    }

    #[test]
    fn crlf_line_ends_render_like_lf() {
        assert_eq!(
            render("rust", "let a = 1;\r\nlet b;\r\n"),
            render("rust", "let a = 1;\nlet b;\n")
        );
    }

    #[test]
    fn code_without_final_newline_and_empty_code() {
        let rendered = render("text", "a\n\nb");
        assert!(rendered.html.contains(
            "<code><span class=\"line\">a</span>\n<span class=\"line\"></span>\n<span class=\"line\">b</span></code>"
        ));
        let empty = render("ts", "");
        assert!(empty.html.contains("<code></code>"));
        assert!(empty.warnings.is_empty());
    }

    #[test]
    fn every_curated_language_renders_without_warnings() {
        for lang in super::super::known_languages() {
            let rendered = render(lang, "x = \"1\" # c\n");
            assert!(rendered.warnings.is_empty(), "{lang}: {:?}", rendered.warnings);
        }
    }

    #[test]
    fn hidden_lines_carry_their_line_end_and_add_a_toggle() {
        let rendered = block("").hide(1..=1).hide(3..=3).render("a\nb\nc\nd\n");
        assert!(
            rendered.html.contains("class=\"code-frame has-hidden-lines\""),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains("class=\"code-frame__reveal\""),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains(
                "<code><span class=\"line hidden\">a\n</span><span class=\"line\">b</span>\n<span class=\"line hidden\">c\n</span><span class=\"line\">d</span></code>"
            ),
            "{}",
            rendered.html
        );
        let plain = block("").render("a\nb\n");
        assert!(!plain.html.contains("hidden-lines") && !plain.html.contains("code-frame__reveal"));
    }
}
