//! Redraws the SVG of Mermaid's other renderers (sequence, class, state, ER, gantt, pie, ...) in the
//! theme's terms: geometry and text are kept; colours, fonts, `<style>` and `style` attributes are
//! dropped; each element's Mermaid classes become a `dg-*` class through [`super::roles`]; HTML
//! labels in `foreignObject` become SVG `<text>`; markers are renamed under the caller's prefix.
//! The flowchart, whose DOM the site redraws more closely, is [`super::restyle`]'s job.

use std::collections::HashMap;
use std::fmt::Write as _;

use roxmltree::{Document, Node};

use super::label::{LabelLine, label_lines};
use super::restyle::{
    DiagramSummary, RestyleOptions, has_class, is_label_box, parse_view_box, url_reference, write_label,
};
use super::roles::{MarkerPaint, Roles, SKIP};
use super::svg_text::{escape_text, format_number};

/// Attributes that carry geometry or text placement and are copied as they are (numbers only).
const PLACEMENT_ATTRIBUTES: [&str; 21] = [
    "x",
    "y",
    "dx",
    "dy",
    "width",
    "height",
    "rx",
    "ry",
    "d",
    "points",
    "cx",
    "cy",
    "r",
    "x1",
    "y1",
    "x2",
    "y2",
    "font-size",
    "text-anchor",
    "dominant-baseline",
    "transform",
];
/// Mermaid's classes of the group that draws one node (a class, a state, an entity, a service):
/// the group becomes `g.dg-node`, as in flowcharts, so each node is one element of the SVG.
const NODE_GROUPS: [&str; 3] = ["node", "architecture-service", "architecture-junction"];
/// Elements drawn as shapes.
const SHAPES: [&str; 7] = ["rect", "path", "polygon", "circle", "ellipse", "line", "polyline"];

/// Mermaid's `aria-roledescription` of the SVG: which renderer drew it (`sequence`, `flowchart-v2`).
pub(crate) fn role_description(merman_svg: &str) -> Result<String, String> {
    let document = Document::parse(merman_svg).map_err(|error| format!("merman's SVG is not well-formed: {error}"))?;
    Ok(document
        .root_element()
        .attribute("aria-roledescription")
        .unwrap_or_default()
        .to_owned())
}

/// The author's `accTitle:` / `accDescr:` and every distinct text of the diagram in drawing order,
/// for the accessible title and description.
pub(crate) fn summarise(merman_svg: &str) -> Result<DiagramSummary, String> {
    let document = Document::parse(merman_svg).map_err(|error| format!("merman's SVG is not well-formed: {error}"))?;
    let root = document.root_element();
    let root_text = |name: &str| {
        root.children()
            .find(|child| child.has_tag_name(name))
            .and_then(|child| child.text())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let mut summary = DiagramSummary {
        accessible_title: root_text("title"),
        accessible_description: root_text("desc"),
        ..DiagramSummary::default()
    };
    for node in root.descendants().filter(|node| is_label_box(*node)) {
        if node.ancestors().any(|ancestor| ancestor.has_tag_name("marker")) {
            continue;
        }
        let text = label_lines(node)
            .iter()
            .map(LabelLine::text)
            .collect::<Vec<_>>()
            .join(" ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() && !summary.node_titles.contains(&text) {
            summary.node_titles.push(text);
        }
    }
    Ok(summary)
}

/// Rewrites `merman_svg`, drawn by the renderer `roles` describes.
pub(crate) fn redraw(merman_svg: &str, roles: &Roles, options: &RestyleOptions<'_>) -> Result<String, String> {
    let document = Document::parse(merman_svg).map_err(|error| format!("merman's SVG is not well-formed: {error}"))?;
    let root = document.root_element();
    let view_box = parse_view_box(root.attribute("viewBox").unwrap_or_default())
        .ok_or_else(|| "merman's SVG has no usable viewBox".to_owned())?;
    let prefix = options.id_prefix;
    let mut writer = Redrawer {
        roles,
        markers: HashMap::new(),
        ordinals: HashMap::new(),
    };
    let mut defs = String::new();
    for (index, marker) in root
        .descendants()
        .filter(|node| node.has_tag_name("marker"))
        .enumerate()
    {
        let Some(id) = marker.attribute("id") else { continue };
        let new_id = format!("{prefix}-marker-{index}");
        write_marker(marker, &new_id, roles, &mut defs);
        writer.markers.insert(id.to_owned(), new_id);
    }

    let [min_x, min_y, width, height] = view_box;
    let mut svg = String::with_capacity(merman_svg.len() / 2);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg {}\" role=\"img\" \
         aria-labelledby=\"{prefix}-title {prefix}-desc\" viewBox=\"{} {} {} {}\" width=\"{}\" height=\"{}\">",
        roles.svg_class,
        format_number(min_x),
        format_number(min_y),
        format_number(width),
        format_number(height),
        format_number(width.ceil()),
        format_number(height.ceil()),
    );
    let _ = write!(
        svg,
        "<title id=\"{prefix}-title\">{}</title><desc id=\"{prefix}-desc\">{}</desc>",
        escape_text(options.title),
        escape_text(options.description)
    );
    if !defs.is_empty() {
        let _ = write!(svg, "<defs>{defs}</defs>");
    }
    for child in root.children().filter(Node::is_element) {
        writer.write_element(child, &mut svg);
    }
    svg.push_str("</svg>");
    Ok(svg)
}

struct Redrawer<'a> {
    roles: &'a Roles,
    /// Merman's marker id -> the renamed one.
    markers: HashMap<String, String>,
    /// How many elements of each numbered role were drawn so far (pie slices, legend keys).
    ordinals: HashMap<String, usize>,
}

impl Redrawer<'_> {
    fn write_element(&mut self, node: Node<'_, '_>, svg: &mut String) {
        let name = node.tag_name().name();
        match name {
            "svg" if node.parent_element().is_some() => self.write_nested_svg(node, svg),
            "g" | "a" | "svg" => self.write_group(node, svg),
            // Mermaid's journey puts an HTML label and its SVG `<text>` fallback in a `<switch>`.
            "switch" => {
                let mut children = node.children().filter(Node::is_element);
                let chosen = children
                    .clone()
                    .find(|child| child.has_tag_name("text"))
                    .or_else(|| children.next());
                if let Some(child) = chosen {
                    self.write_element(child, svg);
                }
            }
            "foreignObject" => {
                let class = if is_in_edge_label(node) {
                    "dg-edge-label-text"
                } else {
                    self.roles.label_class(node)
                };
                let mut label = String::new();
                write_label(node, class, &mut label);
                if !label.is_empty() {
                    let _ = write!(
                        svg,
                        "<g text-anchor=\"middle\" dominant-baseline=\"central\">{label}</g>"
                    );
                }
            }
            "text" => self.write_text(node, svg),
            _ if SHAPES.contains(&name) => self.write_shape(node, svg),
            // `style`, `defs`, `marker`, `symbol`, `filter`, gradients, `title`, `desc`, `use`, ...
            _ => {}
        }
    }

    fn write_group(&mut self, node: Node<'_, '_>, svg: &mut String) {
        if !node.descendants().skip(1).any(|child| is_drawn(child)) {
            return;
        }
        svg.push_str("<g");
        if NODE_GROUPS.iter().any(|class| has_class(node, class)) {
            svg.push_str(" class=\"dg-node\"");
        }
        write_placement(node, svg);
        svg.push('>');
        for child in node.children().filter(Node::is_element) {
            self.write_element(child, svg);
        }
        svg.push_str("</g>");
    }

    /// A nested `<svg>` (an architecture diagram's icon) as a group that places and scales its
    /// drawing the way its `x`, `y`, `width` and `viewBox` did.
    fn write_nested_svg(&mut self, node: Node<'_, '_>, svg: &mut String) {
        if !node.descendants().skip(1).any(|child| is_drawn(child)) {
            return;
        }
        let number = |name: &str| {
            node.attribute(name)
                .and_then(|value| value.trim().trim_end_matches("px").parse::<f64>().ok())
                .filter(|value| value.is_finite())
        };
        let (x, y) = (number("x").unwrap_or(0.0), number("y").unwrap_or(0.0));
        let view_box = node.attribute("viewBox").and_then(parse_view_box);
        let scale = match (view_box, number("width")) {
            (Some([_, _, box_width, _]), Some(width)) if box_width > 0.0 && width > 0.0 => width / box_width,
            _ => 1.0,
        };
        let (shift_x, shift_y) = view_box.map_or((0.0, 0.0), |[min_x, min_y, _, _]| (-min_x * scale, -min_y * scale));
        let _ = write!(
            svg,
            "<g transform=\"translate({} {}) scale({})\">",
            format_number(x + shift_x),
            format_number(y + shift_y),
            (scale * 10_000.0).round() / 10_000.0
        );
        for child in node.children().filter(Node::is_element) {
            self.write_element(child, svg);
        }
        svg.push_str("</g>");
    }

    fn write_shape(&mut self, node: Node<'_, '_>, svg: &mut String) {
        let name = node.tag_name().name();
        if name == "rect" && node.attribute("width").is_none() {
            return;
        }
        let class = self.roles.shape_class(node);
        if class == SKIP {
            return;
        }
        let class = self.numbered(&class);
        if name == "rect"
            && has_class(node, "milestone")
            && let Some(points) = milestone_diamond(node)
        {
            let _ = write!(svg, "<polygon class=\"{class}\" points=\"{points}\"/>");
            return;
        }
        let _ = write!(svg, "<{name} class=\"{class}\"");
        write_placement(node, svg);
        for attribute in ["marker-start", "marker-end"] {
            if let Some(marker) = node
                .attribute(attribute)
                .and_then(url_reference)
                .and_then(|id| self.markers.get(id))
            {
                let _ = write!(svg, " {attribute}=\"url(#{marker})\"");
            }
        }
        svg.push_str("/>");
    }

    fn write_text(&mut self, node: Node<'_, '_>, svg: &mut String) {
        let text: String = node
            .descendants()
            .filter(Node::is_text)
            .filter_map(|child| child.text())
            .collect();
        if text.trim().is_empty() {
            return;
        }
        let class = self.roles.text_class(node);
        if class == SKIP {
            return;
        }
        let class = self.numbered(class);
        let _ = write!(svg, "<text class=\"{class}\"");
        write_placement(node, svg);
        write_anchor_from_style(node, svg);
        svg.push('>');
        for child in node.children() {
            if child.is_text() {
                svg.push_str(&escape_text(child.text().unwrap_or_default().trim_end()));
            } else if child.has_tag_name("tspan") {
                svg.push_str("<tspan");
                write_placement(child, svg);
                svg.push('>');
                let inner: String = child
                    .descendants()
                    .filter(Node::is_text)
                    .filter_map(|text| text.text())
                    .collect();
                svg.push_str(&escape_text(&inner));
                svg.push_str("</tspan>");
            }
        }
        svg.push_str("</text>");
    }

    /// Replaces a role's `#` with its running number, so the n-th slice gets `dg-series-n`.
    fn numbered(&mut self, class: &str) -> String {
        if !class.contains('#') {
            return class.to_owned();
        }
        let count = self.ordinals.entry(class.to_owned()).or_insert(0);
        let number = *count % 8;
        *count += 1;
        class.replace('#', &number.to_string())
    }
}

/// A gantt milestone as the diamond Mermaid draws by rotating its square 45 degrees and scaling it
/// to 0.8 with CSS: here the geometry itself, the four corners around the square's centre, so no
/// style is needed.
fn milestone_diamond(square: Node<'_, '_>) -> Option<String> {
    let number = |name: &str| {
        square
            .attribute(name)?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
    };
    let (x, y, width, height) = (number("x")?, number("y")?, number("width")?, number("height")?);
    let (centre_x, centre_y) = (x + width / 2.0, y + height / 2.0);
    // The rotated square's half diagonal: side / sqrt(2) * 2 / 2, then Mermaid's 0.8 scale.
    let reach = width.max(height) * std::f64::consts::FRAC_1_SQRT_2 * 0.8;
    let corners = [
        (centre_x, centre_y - reach),
        (centre_x + reach, centre_y),
        (centre_x, centre_y + reach),
        (centre_x - reach, centre_y),
    ];
    Some(
        corners
            .iter()
            .map(|(corner_x, corner_y)| format!("{},{}", format_number(*corner_x), format_number(*corner_y)))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Whether `node` puts anything on the canvas.
fn is_drawn(node: Node<'_, '_>) -> bool {
    let name = node.tag_name().name();
    SHAPES.contains(&name) || name == "foreignObject" || name == "text"
}

fn is_in_edge_label(node: Node<'_, '_>) -> bool {
    node.ancestors()
        .any(|ancestor| has_class(ancestor, "edgeLabel") || has_class(ancestor, "edgeTerminals"))
}

/// Copies the placement attributes whose values are plain numbers, lengths, keywords or transforms,
/// so nothing that could carry a colour, URL or script comes through.
fn write_placement(node: Node<'_, '_>, svg: &mut String) {
    for attribute in PLACEMENT_ATTRIBUTES {
        let Some(value) = node.attribute(attribute) else {
            continue;
        };
        let allowed = value.chars().all(|character| {
            character.is_ascii_alphanumeric() || matches!(character, ' ' | ',' | '.' | '-' | '(' | ')' | '_')
        }) && !value.contains("url");
        if allowed {
            let _ = write!(svg, " {attribute}=\"{}\"", escape_text(value));
        }
    }
}

/// `style="text-anchor: middle"` becomes the `text-anchor` attribute, which the CSP allows.
fn write_anchor_from_style(node: Node<'_, '_>, svg: &mut String) {
    if node.attribute("text-anchor").is_some() {
        return;
    }
    let anchor = node.attribute("style").and_then(|style| {
        style.split(';').find_map(|declaration| {
            let (property, value) = declaration.split_once(':')?;
            (property.trim() == "text-anchor").then(|| value.trim())
        })
    });
    if let Some(anchor @ ("start" | "middle" | "end")) = anchor {
        let _ = write!(svg, " text-anchor=\"{anchor}\"");
    }
}

fn write_marker(marker: Node<'_, '_>, new_id: &str, roles: &Roles, svg: &mut String) {
    let _ = write!(svg, "<marker id=\"{new_id}\"");
    for name in [
        "viewBox",
        "refX",
        "refY",
        "markerUnits",
        "markerWidth",
        "markerHeight",
        "orient",
    ] {
        if let Some(value) = marker.attribute(name) {
            let _ = write!(svg, " {name}=\"{}\"", escape_text(value));
        }
    }
    svg.push('>');
    for shape in marker
        .descendants()
        .filter(|node| SHAPES.contains(&node.tag_name().name()))
    {
        let class = match roles.marker_paint(marker, shape) {
            MarkerPaint::Solid => "dg-marker",
            MarkerPaint::Stroke => "dg-marker dg-marker--stroke",
            MarkerPaint::Hollow => "dg-marker dg-marker--hollow",
        };
        let _ = write!(svg, "<{} class=\"{class}\"", shape.tag_name().name());
        write_placement(shape, svg);
        svg.push_str("/>");
    }
    svg.push_str("</marker>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_values_that_could_carry_colour_or_urls_are_dropped() {
        let document =
            Document::parse(r##"<text x="1.5" font-size="11" transform="url(#a)" dy="#f00" text-anchor="end"/>"##)
                .unwrap();
        let mut svg = String::new();
        write_placement(document.root_element(), &mut svg);
        assert_eq!(svg, " x=\"1.5\" font-size=\"11\" text-anchor=\"end\"");
    }

    #[test]
    fn a_milestone_square_becomes_a_diamond_around_its_centre() {
        let document =
            Document::parse(r#"<rect class="task milestone" x="10" y="20" width="20" height="20"/>"#).unwrap();
        let points = milestone_diamond(document.root_element()).expect("a square has corners");
        let corners: Vec<(f64, f64)> = points
            .split(' ')
            .map(|corner| {
                let (x, y) = corner.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        let reach = 20.0 * std::f64::consts::FRAC_1_SQRT_2 * 0.8;
        let expected = [
            (20.0, 30.0 - reach),
            (20.0 + reach, 30.0),
            (20.0, 30.0 + reach),
            (20.0 - reach, 30.0),
        ];
        for ((x, y), (expected_x, expected_y)) in corners.iter().zip(expected) {
            assert!(
                (x - expected_x).abs() < 0.01 && (y - expected_y).abs() < 0.01,
                "{points}"
            );
        }
        let broken = Document::parse(r#"<rect class="milestone" x="NaN" y="0" width="4" height="4"/>"#).unwrap();
        assert_eq!(milestone_diamond(broken.root_element()), None);
    }

    #[test]
    fn text_anchor_moves_from_style_to_attribute() {
        let document = Document::parse(r#"<text style="font-size:16px; text-anchor: middle;"/>"#).unwrap();
        let mut svg = String::new();
        write_anchor_from_style(document.root_element(), &mut svg);
        assert_eq!(svg, " text-anchor=\"middle\"");
    }
}
