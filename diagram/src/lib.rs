//! Build-time diagrams: a ```` ```mermaid ```` fence becomes inline SVG that draws with the theme's
//! `--diagram-*` custom properties, so it follows light and dark without JavaScript.
//!
//! It owns the diagram syntaxes, their layout and the SVG and CSS they produce. It does not find the
//! fences (the Markdown pass does) and does not know file names: errors give a line and column
//! within the fence, and the caller adds the file and the fence's offset.
//!
//! The SVG satisfies a `style-src 'self'` Content-Security-Policy: no `style` attributes and no
//! `<style>` element; every element carries a `dg-*` class that [`diagram_css`] styles, and the
//! build appends that CSS to the bundled stylesheet.

mod label;
mod mermaid;
mod redraw;
mod restyle;
mod roles;
mod svg_text;
mod text_metrics;

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use self::restyle::{DiagramSummary, RestyleOptions};
use self::roles::Roles;
use self::svg_text::escape_text;

/// The diagram syntaxes a fence can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagramKind {
    /// Mermaid syntax: flowcharts and the other diagram types [`roles`] knows (sequence, class, ...).
    Mermaid,
}

impl DiagramKind {
    /// The kind a fence's language names, if it is a diagram (`mermaid`; case-insensitive).
    pub fn from_fence_lang(lang: &str) -> Option<Self> {
        match lang.trim().to_ascii_lowercase().as_str() {
            "mermaid" | "mmd" => Some(Self::Mermaid),
            _ => None,
        }
    }

    /// The name written to `data-diagram` on the figure.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mermaid => "mermaid",
        }
    }
}

/// How one diagram is rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiagramOptions<'a> {
    /// Prefix of every id inside the SVG; unique per diagram on a page (e.g. `diagram-2`). Characters
    /// outside `[A-Za-z0-9_-]` are replaced, and an empty prefix becomes `diagram`.
    pub id_prefix: &'a str,
    /// The fence's `caption="..."`: the figure's caption and the SVG's accessible title.
    pub caption: Option<&'a str>,
}

/// A 1-based line and column (in characters) within the fence's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourcePosition {
    pub line: usize,
    pub column: usize,
}

impl SourcePosition {
    pub const START: Self = Self { line: 1, column: 1 };

    /// The position of byte `offset` in `source` (clamped to its end and to a character boundary).
    pub fn of_byte_offset(source: &str, offset: usize) -> Self {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Self {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// A diagram that could not be drawn: where in the fence, and what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column} of the diagram: {message}")]
pub struct DiagramError {
    /// 1-based line within the fence's content.
    pub line: usize,
    /// 1-based column (in characters) within that line.
    pub column: usize,
    /// The renderer's message, with how to fix it where known.
    pub message: String,
}

impl DiagramError {
    fn new(position: SourcePosition, message: impl Into<String>) -> Self {
        Self {
            line: position.line,
            column: position.column,
            message: message.into(),
        }
    }
}

/// Renders `source` to an `<svg>` element (no figure around it). Safe to call from many threads.
pub fn render_diagram(kind: DiagramKind, source: &str, options: &DiagramOptions<'_>) -> Result<String, DiagramError> {
    let id_prefix = sanitise_id_prefix(options.id_prefix);
    let rendered = catch_unwind(AssertUnwindSafe(|| match kind {
        DiagramKind::Mermaid => render_mermaid(source, &id_prefix, options.caption),
    }));
    rendered.unwrap_or_else(|_| {
        Err(DiagramError::new(
            SourcePosition::START,
            "the diagram renderer failed on this input; simplify the diagram or check its syntax",
        ))
    })
}

/// Diagrams wider than this (CSS pixels) are shrunk to fit a desktop content column, so the figure
/// offers its full-size view there too; on phones every diagram offers it.
const WIDE_DIAGRAM_WIDTH: f64 = 720.0;

/// Renders `source` wrapped in the theme's figure:
///
/// ```html
/// <figure class="diagram" data-diagram="mermaid" id="PREFIX">
///   <div class="diagram__frame" id="PREFIX-frame" tabindex="0" role="group" aria-labelledby="PREFIX-title">
///     <svg ...>...</svg>
///   </div>
///   <figcaption>...</figcaption>
///   <p class="diagram__actions"><a class="diagram__open" href="#PREFIX">Open full size</a>
///     <a class="diagram__close" href="#PREFIX-frame">Close full size</a></p>
/// </figure>
/// ```
///
/// The frame is the scroll region of a diagram wider than the screen, so it takes keyboard focus
/// and is named by the diagram's title. The full-size view needs no script: the open link targets
/// the figure, which the theme's `.diagram:target` rule shows over the page at the SVG's own size;
/// the close link (or the browser's Back) targets the frame and puts it back in the text.
/// `diagram__actions--wide` marks a diagram wider than a desktop column.
pub fn render_diagram_figure(
    kind: DiagramKind,
    source: &str,
    options: &DiagramOptions<'_>,
) -> Result<String, DiagramError> {
    let svg = render_diagram(kind, source, options)?;
    let id = sanitise_id_prefix(options.id_prefix);
    let mut figure = format!(
        "<figure class=\"diagram\" data-diagram=\"{}\" id=\"{id}\">\
         <div class=\"diagram__frame\" id=\"{id}-frame\" tabindex=\"0\" role=\"group\" aria-labelledby=\"{id}-title\">\
         {svg}</div>",
        kind.name()
    );
    if let Some(caption) = options.caption.map(str::trim).filter(|caption| !caption.is_empty()) {
        figure.push_str("<figcaption>");
        figure.push_str(&escape_text(caption));
        figure.push_str("</figcaption>");
    }
    let wide = if intrinsic_width(&svg).is_some_and(|width| width > WIDE_DIAGRAM_WIDTH) {
        " diagram__actions--wide"
    } else {
        ""
    };
    let _ = write!(
        figure,
        "<p class=\"diagram__actions{wide}\"><a class=\"diagram__open\" href=\"#{id}\">Open full size</a>\
         <a class=\"diagram__close\" href=\"#{id}-frame\">Close full size</a></p></figure>"
    );
    Ok(figure)
}

/// The `width` attribute of the SVG's root element, in CSS pixels.
fn intrinsic_width(svg: &str) -> Option<f64> {
    let root = &svg[..svg.find('>')?];
    let value = root.split(" width=\"").nth(1)?.split('"').next()?;
    value.parse().ok()
}

/// The CSS the diagrams need, for the build to append to the bundled stylesheet.
pub fn diagram_css() -> &'static str {
    include_str!("diagram.css")
}

fn render_mermaid(source: &str, id_prefix: &str, caption: Option<&str>) -> Result<String, DiagramError> {
    let merman_svg = mermaid::layout_svg(source)?;
    let internal = |message: String| DiagramError::new(SourcePosition::START, message);
    let renderer = redraw::role_description(&merman_svg).map_err(internal)?;
    if renderer.starts_with("flowchart") {
        return render_flowchart(&merman_svg, id_prefix, caption);
    }
    let roles = Roles::for_role_description(&renderer).ok_or_else(|| {
        DiagramError::new(
            SourcePosition::START,
            format!(
                "`{renderer}` diagrams are not supported; use one of: {}",
                roles::supported_names().join(", ")
            ),
        )
    })?;
    let summary = redraw::summarise(&merman_svg).map_err(internal)?;
    let title = caption_or(caption, summary.accessible_title.clone()).unwrap_or_else(|| {
        let names: Vec<&str> = summary.node_titles.iter().map(String::as_str).take(6).collect();
        format!("{}: {}", roles.title, names.join(", "))
    });
    let description = summary
        .accessible_description
        .clone()
        .unwrap_or_else(|| summary.node_titles.join(", "));
    let options = RestyleOptions {
        id_prefix,
        title: &title,
        description: &description,
    };
    redraw::redraw(&merman_svg, roles, &options).map_err(internal)
}

/// The author's caption, else `fallback`.
fn caption_or(caption: Option<&str>, fallback: Option<String>) -> Option<String> {
    caption
        .map(str::trim)
        .filter(|caption| !caption.is_empty())
        .map(str::to_owned)
        .or(fallback)
}

fn render_flowchart(merman_svg: &str, id_prefix: &str, caption: Option<&str>) -> Result<String, DiagramError> {
    let internal = |message: String| DiagramError::new(SourcePosition::START, message);
    let summary = restyle::summarise(merman_svg).map_err(internal)?;
    let title = caption_or(caption, summary.accessible_title.clone()).unwrap_or_else(|| default_title(&summary));
    let description = summary
        .accessible_description
        .clone()
        .unwrap_or_else(|| describe_edges(&summary));
    restyle::restyle(
        merman_svg,
        &RestyleOptions {
            id_prefix,
            title: &title,
            description: &description,
        },
    )
    .map_err(internal)
}

fn default_title(summary: &DiagramSummary) -> String {
    let names: Vec<&str> = summary
        .node_titles
        .iter()
        .map(String::as_str)
        .filter(|title| !title.is_empty())
        .take(6)
        .collect();
    if names.is_empty() {
        "Diagram".to_owned()
    } else {
        format!("Diagram: {}", names.join(", "))
    }
}

/// `browser to worker: request. worker to kv: get / put.` for screen readers.
fn describe_edges(summary: &DiagramSummary) -> String {
    summary
        .edges
        .iter()
        .map(|(from, to, label)| {
            if label.is_empty() {
                format!("{from} to {to}.")
            } else {
                format!("{from} to {to}: {label}.")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sanitise_id_prefix(prefix: &str) -> String {
    let mut sanitised: String = prefix
        .trim()
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '-' || character == '_' {
                character
            } else {
                '-'
            }
        })
        .collect();
    if !sanitised.starts_with(|character: char| character.is_ascii_alphabetic()) {
        sanitised.insert_str(0, "diagram");
    }
    sanitised
}

#[cfg(test)]
mod tests;
