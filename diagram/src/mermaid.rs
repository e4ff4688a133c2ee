//! Mermaid sources: merman parses the source and lays it out (dagre for flowcharts, its own
//! layouts for the other types), measuring text with [`super::text_metrics`]; [`super::restyle`] or
//! [`super::redraw`] then redraws merman's SVG in the theme's terms. This module owns the merman
//! configuration and the translation of its errors.

use std::sync::LazyLock;

use merman::svg::{
    DeterministicTextMeasurer, MeasurementProfileId, SvgEnvironment, TextMeasurementPolicy, TextMeasurementProfile,
    TextMeasurementProfileIdentity, TextStyle,
};
use merman::{
    MermaidEngine, OperationControl, RenderError, RenderOutput, RenderRequest, Renderer, SourcePresentationConfig,
    SvgRequest,
};

use super::label::decode_entities;
use super::roles::supported_names;
use super::text_metrics::{NODE_FONT_SIZE, SMALL_FONT_SIZE, text_width};
use super::{DiagramError, SourcePosition};

/// Mermaid settings the site applies under every author's diagram (authors can still override
/// them with `%%{init: ...}%%` or front matter, as in Mermaid).
fn site_config() -> serde_json::Value {
    serde_json::json!({
        "theme": "base",
        "look": "classic",
        "fontFamily": "sans-serif",
        "themeVariables": { "fontSize": format!("{NODE_FONT_SIZE}px") },
        "flowchart": {
            "htmlLabels": true,
            "curve": "basis",
            "padding": 10,
            "nodeSpacing": 30,
            "rankSpacing": 44,
            "diagramPadding": 4,
            "wrappingWidth": 200
        }
    })
}

/// One renderer for the whole build: it holds only settings, so threads share it.
static RENDERER: LazyLock<Renderer> = LazyLock::new(|| {
    let engine = MermaidEngine::new().with_site_config(SourcePresentationConfig::from_value(site_config()));
    Renderer::new().with_presentation_engine(engine)
});

/// Lays `source` out and returns merman's SVG (HTML labels in `foreignObject`), ready for restyling.
pub(crate) fn layout_svg(source: &str) -> Result<String, DiagramError> {
    let mut request = SvgRequest::default();
    request.options.diagram_id = Some("m".to_owned());
    request.environment =
        SvgEnvironment::deterministic().with_text_measurement_policy(measurement_policy(SmallText::scan(source)));
    let output = RENDERER
        .render(RenderRequest::svg(source, OperationControl::new(), request))
        .map_err(|error| translate_error(source, &error))?;
    match output {
        RenderOutput::Svg(Some(svg)) => Ok(svg.into_parts().0),
        _ => Err(no_diagram_error()),
    }
}

fn measurement_policy(small_text: SmallText) -> TextMeasurementPolicy {
    let measurer = DeterministicTextMeasurer::default()
        .with_width_callback(move |text: &str, _style: &TextStyle| small_text.width_of(text));
    let identity = MeasurementProfileId::new("edgedocs.sans")
        .and_then(|profile| TextMeasurementProfileIdentity::new(profile, env!("CARGO_PKG_VERSION")))
        .expect("a static, non-empty measurement profile name is valid");
    TextMeasurementPolicy::uniform(TextMeasurementProfile::new(identity, measurer))
}

/// The texts authors wrote inside `<small>`: merman measures every label line at one size, so the
/// callback recognises sub-label text and measures it at the size it is drawn.
struct SmallText {
    fragments: Vec<String>,
    elsewhere: String,
}

impl SmallText {
    fn scan(source: &str) -> Self {
        let lower = source.to_ascii_lowercase();
        let mut fragments = Vec::new();
        let mut elsewhere = String::with_capacity(source.len());
        let mut cursor = 0;
        while let Some(open) = lower[cursor..].find("<small>").map(|offset| cursor + offset) {
            let inner_start = open + "<small>".len();
            let Some(close) = lower[inner_start..].find("</small>").map(|offset| inner_start + offset) else {
                break;
            };
            elsewhere.push_str(&source[cursor..open]);
            fragments.push(decode_entities(&source[inner_start..close]));
            cursor = close + "</small>".len();
        }
        elsewhere.push_str(&source[cursor..]);
        Self {
            fragments,
            elsewhere: decode_entities(&elsewhere),
        }
    }

    fn width_of(&self, text: &str) -> f64 {
        let trimmed = text.trim();
        let is_small = !trimmed.is_empty()
            && self.fragments.iter().any(|fragment| fragment.contains(trimmed))
            && !self.elsewhere.contains(trimmed);
        text_width(text, if is_small { SMALL_FONT_SIZE } else { NODE_FONT_SIZE })
    }
}

fn no_diagram_error() -> DiagramError {
    DiagramError::new(
        SourcePosition::START,
        "no Mermaid diagram found: start the fence with a diagram type such as `flowchart LR` or `flowchart TD`",
    )
}

/// Turns merman's error into one that points into the fence and says what to change.
fn translate_error(source: &str, error: &RenderError) -> DiagramError {
    if let Some(kind) = unsupported_type(&error.to_string()) {
        return DiagramError::new(
            SourcePosition::START,
            format!(
                "`{kind}` diagrams are not supported; use one of: {}",
                supported_names().join(", ")
            ),
        );
    }
    match error {
        RenderError::NoDiagram => no_diagram_error(),
        RenderError::Parse(diagnostic) => {
            let details = diagnostic.terminal_diagnostic_details();
            if details.code.ends_with("no_diagram_detected") {
                return no_diagram_error();
            }
            let position = details
                .span
                .map(|span| SourcePosition::of_byte_offset(source, span.start))
                .unwrap_or(SourcePosition::START);
            DiagramError::new(position, explain_parse_message(&diagnostic.terminal_safe_message()))
        }
        RenderError::ResourceLimitExceeded(limit) => DiagramError::new(
            SourcePosition::START,
            format!("the diagram is too large to lay out ({limit}); split it into smaller diagrams"),
        ),
        other => DiagramError::new(
            SourcePosition::START,
            format!("the diagram could not be drawn: {other}"),
        ),
    }
}

/// The type in merman's "Unsupported diagram type: sankey; enable the ... Cargo feature", which
/// names a build option the site's authors do not have.
/// The same goes for "render session lacks capability `layout-cytoscape` required by diagram
/// `architecture`": a layout engine the site is built without.
fn unsupported_type(message: &str) -> Option<&str> {
    if let Some((_, rest)) = message.split_once("Unsupported diagram type: ") {
        return rest.split([';', ' ']).next().filter(|kind| !kind.is_empty());
    }
    let (_, rest) = message.split_once("lacks capability")?;
    let (_, kind) = rest.split_once("required by diagram `")?;
    kind.split('`').next().filter(|kind| !kind.is_empty())
}

/// Strips merman's prefix and adds a hint for the mistakes authors make most.
fn explain_parse_message(message: &str) -> String {
    let message = message
        .strip_prefix("Diagram parse error (flowchart-v2): ")
        .or_else(|| message.strip_prefix("Diagram parse error: "))
        .unwrap_or(message);
    let hint = if message.contains("Unterminated node label") {
        Some("close the label with the bracket that opened it, e.g. `id[\"text\"]`, `id(text)`, `id[(text)]`")
    } else if message.contains("Unterminated string") || message.contains("quote") {
        Some("close the quoted text with `\"`; write a literal quote as `#quot;`")
    } else if message.contains("Expecting") || message.contains("Unexpected") {
        Some(
            "check the arrow and label syntax, e.g. `a -- \"label\" --> b` or `a -->|label| b`; \
             put text with punctuation in quotes",
        )
    } else {
        None
    };
    match hint {
        Some(hint) => format!("{message}; {hint}"),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_text_is_measured_smaller_only_when_it_appears_only_in_small() {
        let small = SmallText::scan("a[\"kv<br/><small>theme:&lt;id&gt;</small>\"] --> b[\"kv\"]");
        assert_eq!(small.width_of("theme:<id>"), text_width("theme:<id>", SMALL_FONT_SIZE));
        assert_eq!(small.width_of("kv"), text_width("kv", NODE_FONT_SIZE));
    }

    #[test]
    fn unsupported_types_are_read_from_the_feature_message() {
        assert_eq!(
            unsupported_type("Unsupported diagram type: sankey; enable the `diagram-sankey` Cargo feature"),
            Some("sankey")
        );
        assert_eq!(
            unsupported_type("render session lacks capability `layout-cytoscape` required by diagram `architecture`"),
            Some("architecture")
        );
        assert_eq!(unsupported_type("Diagram parse error: Expecting 'end'"), None);
    }

    #[test]
    fn parse_messages_gain_a_fix() {
        let message =
            explain_parse_message("Diagram parse error (flowchart-v2): Unterminated node label (missing `]`)");
        assert!(
            message.starts_with("Unterminated node label (missing `]`); close the label"),
            "{message}"
        );
    }
}
