//! Fenced code blocks: highlighted code frames, build-time diagrams (```` ```mermaid ````), code includes
//! and tab groups (adjacent fences that each carry `tab="Label"`). Highlighting belongs to
//! [`crate::highlight`], drawing diagrams to [`crate::diagram`], reading included files to [`super::include`].

use super::fence_info::{FenceInfo, parse_fence_info};
use super::include::read_include;
use super::{MarkdownSource, RenderContext};
use crate::diagnostics::Diagnostic;
use edgedocs_diagram::{self as diagram, DiagramKind, DiagramOptions};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::ops::Range;

/// Replaces fenced code blocks in `events` by their rendered HTML.
pub fn process<'a>(
    events: Vec<(Event<'a>, Range<usize>)>,
    source: &MarkdownSource<'_>,
    context: &RenderContext<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Event<'a>> {
    let mut output = Vec::with_capacity(events.len());
    let mut tabs = TabGroup::default();
    let mut diagram_count = 0;
    let mut events = events.into_iter();
    while let Some((event, span)) = events.next() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            tabs.flush_into(&mut output);
            output.push(event);
            continue;
        };
        let info = match kind {
            CodeBlockKind::Fenced(info) => info.into_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        let mut chunks = Vec::new();
        for (inner, range) in events.by_ref() {
            match inner {
                Event::Text(text) => {
                    chunks.push(CodeChunk {
                        code_start: code.len(),
                        body: range,
                    });
                    code.push_str(&text);
                }
                Event::End(TagEnd::CodeBlock) => break,
                _ => {}
            }
        }
        let block = FencedBlock {
            info: &info,
            code: &code,
            chunks: &chunks,
            span,
        };
        let (html, tab) = render_block(&block, source, context, &mut diagram_count, diagnostics);
        match tab {
            Some(label) => tabs.panels.push((label, html)),
            None => {
                tabs.flush_into(&mut output);
                output.push(Event::Html(CowStr::from(html)));
            }
        }
    }
    tabs.flush_into(&mut output);
    output
}

struct FencedBlock<'a> {
    info: &'a str,
    /// The block's text, the concatenation of its text events.
    code: &'a str,
    /// Where each text event of `code` came from in the body.
    chunks: &'a [CodeChunk],
    /// Byte range of the whole block in the body.
    span: Range<usize>,
}

/// One text event of a code block: where it starts in the block's text and its range in the body.
struct CodeChunk {
    code_start: usize,
    body: Range<usize>,
}

impl FencedBlock<'_> {
    /// The body offset of a (line, column) position inside the block's text, lines counted by `\n` and
    /// columns in characters as a diagram renderer reports them; `None` past the text's end. Mapping through
    /// the body keeps the reported location right whatever line ends the file uses (a lone `\r` ends a
    /// line for the file but not for the renderer).
    fn body_offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let mut line_start = 0;
        for _ in 1..line.max(1) {
            line_start += self.code.get(line_start..)?.find('\n')? + 1;
        }
        let rest = self.code.get(line_start..)?;
        if rest.is_empty() {
            return None;
        }
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let within: usize = line_text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum();
        let code_offset = line_start + within;
        let chunk = self.chunks.iter().rev().find(|chunk| chunk.code_start <= code_offset)?;
        let delta = (code_offset - chunk.code_start).min(chunk.body.len().saturating_sub(1));
        Some(chunk.body.start + delta)
    }

    /// Where the fence's info string starts in the body.
    fn info_offset(&self, body: &str) -> usize {
        let line = &body[self.span.start..];
        let fence_end = line.trim_start().find(|c: char| c != '`' && c != '~').unwrap_or(0);
        let indent = line.len() - line.trim_start().len();
        let after_fence = &line[indent + fence_end..];
        self.span.start + indent + fence_end + (after_fence.len() - after_fence.trim_start().len())
    }
}

/// Renders one block; returns its HTML and its tab label, if any.
fn render_block(
    block: &FencedBlock<'_>,
    source: &MarkdownSource<'_>,
    context: &RenderContext<'_>,
    diagram_count: &mut usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, Option<String>) {
    let fence_location = source.location(block.span.start);
    let info = match parse_fence_info(block.info) {
        Ok(info) => info,
        Err(error) => {
            let info_start = block.info_offset(source.body);
            let column_offset: usize = block
                .info
                .chars()
                .take(error.column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            diagnostics.push(
                Diagnostic::error(
                    Some(source.location(info_start + column_offset)),
                    "invalid code fence info string",
                )
                .with_help(error.message),
            );
            FenceInfo::default()
        }
    };
    if let Some(kind) = info.lang.as_deref().and_then(DiagramKind::from_fence_lang) {
        *diagram_count += 1;
        let id_prefix = format!("{}-diagram-{diagram_count}", source.id_prefix);
        let options = DiagramOptions {
            id_prefix: &id_prefix,
            caption: info.caption.as_deref(),
        };
        return match diagram::render_diagram_figure(kind, block.code, &options) {
            Ok(html) => (html, info.tab.clone()),
            Err(error) => {
                // An error past the block's last line (an empty or unclosed fence) is reported at the fence.
                let location = match block.body_offset_of(error.line, error.column) {
                    Some(offset) => source.location(offset),
                    None => fence_location.clone(),
                };
                diagnostics.push(
                    Diagnostic::error(Some(location), format!("diagram error: {}", error.message))
                        .with_help(diagram_help(block.code)),
                );
                (String::new(), info.tab.clone())
            }
        };
    }
    let included;
    let code = match &info.include {
        Some(spec) => match read_include(context.site_root, spec) {
            Ok(text) => {
                if !block.code.trim().is_empty() {
                    diagnostics.push(
                        Diagnostic::warning(
                            Some(fence_location.clone()),
                            format!("the block's own text is replaced by `include=\"{spec}\"`"),
                        )
                        .with_help("leave the fence empty when it includes a file"),
                    );
                }
                included = text;
                included.as_str()
            }
            Err(error) => {
                diagnostics
                    .push(Diagnostic::error(Some(fence_location.clone()), error.to_string()).with_help(error.help()));
                block.code
            }
        },
        None => block.code,
    };
    let mut info = info;
    let shown;
    let code = if info.is_rust() {
        let (text, hidden) = super::hidden_lines::split_hidden_lines(code);
        info.hidden_lines = hidden;
        shown = text;
        shown.as_str()
    } else {
        code
    };
    let rendered = match context.frame_cache {
        Some(cache) => edgedocs_highlight::render_code_frame_cached(cache, &info.frame(), code),
        None => edgedocs_highlight::render_code_frame(&info.frame(), code),
    };
    for warning in rendered.warnings {
        diagnostics.push(Diagnostic::warning(Some(fence_location.clone()), warning.to_string()));
    }
    (rendered.html, info.tab.clone())
}

/// The help line of a diagram error: the syntax of the diagram's own type.
fn diagram_help(code: &str) -> String {
    let keyword = code
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with("%%") && !line.starts_with("---"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or("");
    match keyword {
        "flowchart" | "graph" => {
            "see the Mermaid flowchart syntax: `flowchart LR`, then `a[\"Label\"] -- \"edge label\" --> b`".to_owned()
        }
        "" => "a Mermaid diagram starts with its type, e.g. `flowchart LR` or `sequenceDiagram`".to_owned(),
        keyword => format!("check the block against Mermaid's syntax for `{keyword}` diagrams"),
    }
}

/// Adjacent blocks with `tab="..."`, waiting to be wrapped in one tab group.
#[derive(Default)]
struct TabGroup {
    panels: Vec<(String, String)>,
}

impl TabGroup {
    fn flush_into(&mut self, output: &mut Vec<Event<'_>>) {
        if self.panels.is_empty() {
            return;
        }
        let mut html =
            String::from("<div class=\"tabs\" data-tabs>\n<div class=\"tabs__list\" role=\"tablist\" hidden></div>\n");
        for (label, panel) in self.panels.drain(..) {
            html.push_str("<div class=\"tabs__panel\" role=\"tabpanel\" data-tab=\"");
            super::headings::escape_into(&mut html, &label);
            html.push_str("\">\n");
            html.push_str(&panel);
            html.push_str("</div>\n");
        }
        html.push_str("</div>\n");
        output.push(Event::Html(CowStr::from(html)));
    }
}
