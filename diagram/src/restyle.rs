//! Redraws merman's flowchart SVG in the theme's terms: the geometry (node shapes, edge paths,
//! arrowheads, label positions) is kept; colours, fonts and `style` attributes are dropped; every
//! element gets a `dg-*` class that [`super::diagram_css`] styles with the `--diagram-*` properties;
//! HTML labels in `foreignObject` become SVG `<text>`; ids are renamed under the caller's prefix.
//!
//! It reads Mermaid's flowchart DOM (`g.node`, `g.cluster`, `path.flowchart-link`, `g.edgeLabel`),
//! the structure merman keeps in step with Mermaid's own renderer.

use std::collections::HashMap;
use std::fmt::Write as _;

use roxmltree::{Document, Node};

use super::label::{LabelLine, label_lines, wrap_lines};
use super::svg_text::{escape_text, format_number};
use super::text_metrics::{LINE_HEIGHT_FACTOR, NODE_FONT_SIZE, text_width};

/// Node classes (from `classDef` / `class` / `:::`) that draw a node highlighted.
const ACCENT_CLASSES: [&str; 3] = ["accent", "highlight", "primary"];
/// Attributes that carry geometry and are copied from merman's shapes as they are.
const GEOMETRY_ATTRIBUTES: [&str; 16] = [
    "x",
    "y",
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
    "transform",
];
/// Room around an edge label's text, so the line it sits on stops short of the letters.
const EDGE_LABEL_PADDING: (f64, f64) = (5.0, 2.0);

/// What the restyled SVG needs besides merman's drawing.
pub(crate) struct RestyleOptions<'a> {
    pub id_prefix: &'a str,
    pub title: &'a str,
    pub description: &'a str,
}

/// The pieces of a restyled diagram the accessible description is built from.
#[derive(Debug, Default)]
pub(crate) struct DiagramSummary {
    /// First line of each node label, in drawing order.
    pub node_titles: Vec<String>,
    /// `(from, to, label)` per visible edge, using the first line of each node label.
    pub edges: Vec<(String, String, String)>,
    /// The author's `accTitle:`, if any.
    pub accessible_title: Option<String>,
    /// The author's `accDescr:`, if any.
    pub accessible_description: Option<String>,
}

/// Reads merman's SVG and returns its summary, used to write the title and description.
pub(crate) fn summarise(merman_svg: &str) -> Result<DiagramSummary, String> {
    let document = Document::parse(merman_svg).map_err(|error| format!("merman's SVG is not well-formed: {error}"))?;
    let mut summary = DiagramSummary::default();
    let root_text = |name: &str| {
        document
            .root_element()
            .children()
            .find(|child| child.has_tag_name(name))
            .and_then(|child| child.text())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    summary.accessible_title = root_text("title");
    summary.accessible_description = root_text("desc");
    let mut titles_by_id = HashMap::new();
    for node in document.descendants().filter(|node| has_class(*node, "node")) {
        let title = node
            .descendants()
            .find(|child| child.has_tag_name("foreignObject") || child.has_tag_name("text"))
            .and_then(|label| label_lines(label).into_iter().next())
            .map(|line| line.text())
            .unwrap_or_default();
        if let Some(id) = node.attribute("data-id") {
            titles_by_id.insert(id.to_owned(), title.clone());
        }
        summary.node_titles.push(title);
    }
    let labels_by_edge: HashMap<&str, String> = document
        .descendants()
        .filter(|node| has_class(*node, "label") && node.attribute("data-id").is_some())
        .filter_map(|node| {
            let text = label_lines(node)
                .iter()
                .map(LabelLine::text)
                .collect::<Vec<_>>()
                .join(" ");
            Some((node.attribute("data-id")?, text))
        })
        .collect();
    for path in document.descendants().filter(|node| is_edge_path(*node)) {
        let Some(edge_id) = path.attribute("data-id") else {
            continue;
        };
        let Some((from, to)) = edge_endpoints(edge_id, &titles_by_id) else {
            continue;
        };
        let label = labels_by_edge.get(edge_id).cloned().unwrap_or_default();
        summary.edges.push((from, to, label));
    }
    Ok(summary)
}

/// Mermaid names edges `L_<from>_<to>_<n>`; node ids may contain `_`, so try each split.
fn edge_endpoints(edge_id: &str, titles_by_id: &HashMap<String, String>) -> Option<(String, String)> {
    let inner = edge_id.strip_prefix("L_")?;
    let inner = inner.rsplit_once('_').map_or(inner, |(head, _)| head);
    inner.match_indices('_').find_map(|(index, _)| {
        let from = titles_by_id.get(&inner[..index])?;
        let to = titles_by_id.get(&inner[index + 1..])?;
        Some((from.clone(), to.clone()))
    })
}

/// Rewrites merman's SVG; see the module docs.
pub(crate) fn restyle(merman_svg: &str, options: &RestyleOptions<'_>) -> Result<String, String> {
    let document = Document::parse(merman_svg).map_err(|error| format!("merman's SVG is not well-formed: {error}"))?;
    let root = document.root_element();
    let view_box = parse_view_box(root.attribute("viewBox").unwrap_or_default())
        .ok_or_else(|| "merman's SVG has no usable viewBox".to_owned())?;
    let mut writer = Restyler::new(options.id_prefix);
    writer.collect_markers(root);

    let prefix = options.id_prefix;
    let [min_x, min_y, width, height] = view_box;
    let mut svg = String::with_capacity(merman_svg.len() / 3);
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg dg-flowchart\" role=\"img\" \
         aria-labelledby=\"{prefix}-title {prefix}-desc\" viewBox=\"{} {} {} {}\" width=\"{}\" height=\"{}\" \
         text-anchor=\"middle\" dominant-baseline=\"central\">",
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
    writer.write_marker_definitions(&mut svg);
    for child in root.children().filter(Node::is_element) {
        writer.write_element(child, &mut svg);
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// One arrowhead (or circle, cross) merman defines, renamed under the caller's prefix.
struct Marker<'a, 'input> {
    new_id: String,
    element: Node<'a, 'input>,
}

struct Restyler<'a, 'input> {
    id_prefix: &'a str,
    markers: HashMap<String, Marker<'a, 'input>>,
    marker_order: Vec<String>,
}

impl<'a, 'input> Restyler<'a, 'input> {
    fn new(id_prefix: &'a str) -> Self {
        Self {
            id_prefix,
            markers: HashMap::new(),
            marker_order: Vec::new(),
        }
    }

    fn collect_markers(&mut self, root: Node<'a, 'input>) {
        for marker in root.descendants().filter(|node| node.has_tag_name("marker")) {
            let Some(id) = marker.attribute("id") else { continue };
            let kind = marker_kind(id);
            let new_id = format!("{}-{kind}", self.id_prefix);
            self.marker_order.push(id.to_owned());
            self.markers.insert(
                id.to_owned(),
                Marker {
                    new_id,
                    element: marker,
                },
            );
        }
    }

    /// Writes the markers that visible edges use, renamed under the prefix.
    fn write_marker_definitions(&self, svg: &mut String) {
        let used = self.used_marker_ids();
        if used.is_empty() {
            return;
        }
        svg.push_str("<defs>");
        for id in &self.marker_order {
            if !used.contains(id) {
                continue;
            }
            let marker = &self.markers[id];
            let element = marker.element;
            let _ = write!(svg, "<marker id=\"{}\"", marker.new_id);
            for name in [
                "viewBox",
                "refX",
                "refY",
                "markerUnits",
                "markerWidth",
                "markerHeight",
                "orient",
            ] {
                if let Some(value) = element.attribute(name) {
                    let _ = write!(svg, " {name}=\"{}\"", escape_text(value));
                }
            }
            let is_cross = marker.new_id.ends_with("cross-end") || marker.new_id.ends_with("cross-start");
            let shape_class = if is_cross {
                "dg-marker dg-marker--stroke"
            } else {
                "dg-marker"
            };
            svg.push('>');
            for shape in element.children().filter(Node::is_element) {
                write_shape(shape, shape_class, svg);
            }
            svg.push_str("</marker>");
        }
        svg.push_str("</defs>");
    }

    fn used_marker_ids(&self) -> Vec<String> {
        let Some(first) = self.markers.values().next() else {
            return Vec::new();
        };
        let document = first.element.document();
        let mut used = Vec::new();
        for path in document
            .descendants()
            .filter(|node| is_edge_path(*node) && !is_invisible_edge(*node))
        {
            for attribute in ["marker-start", "marker-end"] {
                if let Some(id) = path.attribute(attribute).and_then(url_reference)
                    && !used.iter().any(|known| known == id)
                {
                    used.push(id.to_owned());
                }
            }
        }
        used
    }

    fn write_element(&self, node: Node<'a, 'input>, svg: &mut String) {
        match node.tag_name().name() {
            "style" | "marker" | "defs" | "filter" | "title" | "desc" | "foreignObject" => {}
            "g" if has_class(node, "node") => self.write_node(node, svg),
            "g" if has_class(node, "cluster") => self.write_cluster(node, svg),
            "g" if has_class(node, "edgeLabel") => self.write_edge_label(node, svg),
            "path" if is_edge_path(node) => self.write_edge(node, svg),
            // Links (`click id "url"`) are drawn as plain groups: a diagram is an image, not navigation.
            "g" | "a" => {
                let transform = node.attribute("transform").and_then(parse_translate);
                let children: Vec<_> = node.children().filter(Node::is_element).collect();
                if children.is_empty() {
                    return;
                }
                let group_class = group_class(node);
                match (transform, group_class) {
                    (Some((x, y)), _) => {
                        let _ = write!(
                            svg,
                            "<g transform=\"translate({},{})\">",
                            format_number(x),
                            format_number(y)
                        );
                    }
                    (None, Some(class)) => {
                        let _ = write!(svg, "<g class=\"{class}\">");
                    }
                    (None, None) => {
                        for child in children {
                            self.write_element(child, svg);
                        }
                        return;
                    }
                }
                for child in children {
                    self.write_element(child, svg);
                }
                svg.push_str("</g>");
            }
            _ => {}
        }
    }

    fn write_node(&self, node: Node<'a, 'input>, svg: &mut String) {
        let accent = ACCENT_CLASSES.iter().any(|class| has_class(node, class));
        let class = if accent { "dg-node dg-node--accent" } else { "dg-node" };
        open_group(node, class, svg);
        for child in node.children().filter(Node::is_element) {
            if has_class(child, "label") || child.has_tag_name("g") && child.descendants().any(is_label_box) {
                write_label(child, "dg-node-label", svg);
            } else {
                write_shape(child, "dg-node-shape", svg);
            }
        }
        svg.push_str("</g>");
    }

    fn write_cluster(&self, node: Node<'a, 'input>, svg: &mut String) {
        open_group(node, "dg-cluster", svg);
        for child in node.children().filter(Node::is_element) {
            if child.descendants().any(is_label_box) {
                write_label(child, "dg-cluster-label", svg);
            } else {
                write_shape(child, "dg-cluster-shape", svg);
            }
        }
        svg.push_str("</g>");
    }

    fn write_edge_label(&self, node: Node<'a, 'input>, svg: &mut String) {
        if !node.descendants().any(is_label_box) || label_lines(node).is_empty() {
            return;
        }
        open_group(node, "dg-edge-label", svg);
        for child in node.children().filter(Node::is_element) {
            write_label(child, "dg-edge-label-text", svg);
        }
        svg.push_str("</g>");
    }

    fn write_edge(&self, node: Node<'a, 'input>, svg: &mut String) {
        if is_invisible_edge(node) {
            return;
        }
        let Some(path) = node.attribute("d") else { return };
        let mut class = String::from("dg-edge");
        if has_class(node, "edge-pattern-dotted") || has_class(node, "edge-pattern-dashed") {
            class.push_str(" dg-edge--dotted");
        }
        if has_class(node, "edge-thickness-thick") {
            class.push_str(" dg-edge--thick");
        }
        let _ = write!(svg, "<path class=\"{class}\" d=\"{}\"", escape_text(path));
        for attribute in ["marker-start", "marker-end"] {
            if let Some(marker) = node
                .attribute(attribute)
                .and_then(url_reference)
                .and_then(|id| self.markers.get(id))
            {
                let _ = write!(svg, " {attribute}=\"url(#{})\"", marker.new_id);
            }
        }
        svg.push_str("/>");
    }
}

/// A marker's role from merman's id (`..._flowchart-v2-pointEnd-margin` -> `arrow-end`).
fn marker_kind(id: &str) -> String {
    let tail = id
        .rsplit(['_', '-'])
        .find(|part| part.ends_with("End") || part.ends_with("Start"));
    let lower = id.to_ascii_lowercase();
    let shape = if lower.contains("circle") {
        "circle"
    } else if lower.contains("cross") {
        "cross"
    } else {
        "arrow"
    };
    let end = match tail {
        Some(part) if part.ends_with("Start") => "start",
        _ => "end",
    };
    let variant = if lower.ends_with("margin") { "-m" } else { "" };
    format!("{shape}-{end}{variant}")
}

fn group_class(node: Node<'_, '_>) -> Option<&'static str> {
    if has_class(node, "edgePaths") {
        Some("dg-edges")
    } else if has_class(node, "edgeLabels") {
        Some("dg-edge-labels")
    } else {
        None
    }
}

fn open_group(node: Node<'_, '_>, class: &str, svg: &mut String) {
    let _ = write!(svg, "<g class=\"{class}\"");
    if let Some((x, y)) = node.attribute("transform").and_then(parse_translate) {
        let _ = write!(
            svg,
            " transform=\"translate({},{})\"",
            format_number(x),
            format_number(y)
        );
    }
    svg.push('>');
}

/// Copies one shape element's geometry under `class`; anything that is not a shape is dropped.
fn write_shape(node: Node<'_, '_>, class: &str, svg: &mut String) {
    let name = node.tag_name().name();
    match name {
        "rect" | "path" | "polygon" | "circle" | "ellipse" | "line" | "polyline" => {}
        "g" => {
            let transform = node.attribute("transform").and_then(parse_translate);
            if let Some((x, y)) = transform {
                let _ = write!(
                    svg,
                    "<g transform=\"translate({},{})\">",
                    format_number(x),
                    format_number(y)
                );
            }
            for child in node.children().filter(Node::is_element) {
                write_shape(child, class, svg);
            }
            if transform.is_some() {
                svg.push_str("</g>");
            }
            return;
        }
        _ => return,
    }
    if name == "rect" && node.attribute("width").is_none() {
        return;
    }
    let _ = write!(svg, "<{name} class=\"{class}\"");
    for attribute in GEOMETRY_ATTRIBUTES {
        if let Some(value) = node.attribute(attribute) {
            let _ = write!(svg, " {attribute}=\"{}\"", escape_text(value));
        }
    }
    svg.push_str("/>");
}

pub(crate) fn is_label_box(node: Node<'_, '_>) -> bool {
    node.has_tag_name("foreignObject") || node.has_tag_name("text")
}

/// Draws the label under `node` (a `g.label` holding a `foreignObject`, or SVG `<text>`) centred
/// in the box merman measured, one `<text>` per line.
pub(crate) fn write_label(node: Node<'_, '_>, class: &str, svg: &mut String) {
    let Some(label_box) = node.descendants().find(|child| is_label_box(*child)) else {
        return;
    };
    let (offset_x, offset_y) = node
        .attribute("transform")
        .and_then(parse_translate)
        .unwrap_or((0.0, 0.0));
    let box_width = number_attribute(label_box, "width").unwrap_or(0.0);
    let box_height = number_attribute(label_box, "height").unwrap_or(0.0);
    let lines = wrap_lines(label_lines(label_box), box_width.max(1.0));
    if lines.is_empty() {
        return;
    }
    let centre_x = offset_x + box_width / 2.0;
    let centre_y = offset_y + box_height / 2.0;
    let pitches: Vec<f64> = lines.iter().map(|line| line.font_size() * LINE_HEIGHT_FACTOR).collect();
    let block_height: f64 = pitches.iter().sum();
    let is_edge_label = class == "dg-edge-label-text";
    if is_edge_label {
        let widest = lines
            .iter()
            .map(|line| text_width(&line.text(), line.font_size()))
            .fold(0.0, f64::max);
        let (pad_x, pad_y) = EDGE_LABEL_PADDING;
        let background_width = widest.min(box_width.max(widest)) + 2.0 * pad_x;
        let background_height = block_height + 2.0 * pad_y - 4.0;
        let _ = write!(
            svg,
            "<rect class=\"dg-edge-label-bg\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
            format_number(centre_x - background_width / 2.0),
            format_number(centre_y - background_height / 2.0),
            format_number(background_width),
            format_number(background_height),
        );
    }
    let mut top = centre_y - block_height / 2.0;
    for (line, pitch) in lines.iter().zip(pitches) {
        let mut line_class = String::from(class);
        if line.is_sub_label() {
            line_class.push_str(" dg-sub");
        } else if line.font_size() < NODE_FONT_SIZE {
            line_class.push_str(" dg-small");
        }
        let _ = write!(
            svg,
            "<text class=\"{line_class}\" x=\"{}\" y=\"{}\">",
            format_number(centre_x),
            format_number(top + pitch / 2.0)
        );
        let whole_line_style = line.runs.first().map(|run| run.style);
        let uniform = line.runs.iter().all(|run| Some(run.style) == whole_line_style);
        for run in &line.runs {
            let mut run_classes = Vec::new();
            if run.style.bold {
                run_classes.push("dg-bold");
            }
            if run.style.italic {
                run_classes.push("dg-italic");
            }
            if run.style.small && !line.is_sub_label() {
                run_classes.push("dg-small");
            }
            if run_classes.is_empty() || (uniform && run_classes.is_empty()) {
                svg.push_str(&escape_text(&run.text));
            } else {
                let _ = write!(
                    svg,
                    "<tspan class=\"{}\">{}</tspan>",
                    run_classes.join(" "),
                    escape_text(&run.text)
                );
            }
        }
        svg.push_str("</text>");
        top += pitch;
    }
}

pub(crate) fn has_class(node: Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|classes| classes.split_ascii_whitespace().any(|name| name == class))
}

fn is_edge_path(node: Node<'_, '_>) -> bool {
    node.has_tag_name("path") && has_class(node, "flowchart-link")
}

fn is_invisible_edge(node: Node<'_, '_>) -> bool {
    has_class(node, "edge-thickness-invisible")
}

pub(crate) fn url_reference(value: &str) -> Option<&str> {
    value.trim().strip_prefix("url(#")?.strip_suffix(')')
}

fn number_attribute(node: Node<'_, '_>, name: &str) -> Option<f64> {
    node.attribute(name)?
        .trim()
        .trim_end_matches("px")
        .parse()
        .ok()
        .filter(|value: &f64| value.is_finite())
}

/// `translate(x, y)` / `translate(x y)` / `translate(x)`; other transforms are not label offsets.
fn parse_translate(transform: &str) -> Option<(f64, f64)> {
    let inner = transform.trim().strip_prefix("translate(")?.strip_suffix(')')?;
    let mut numbers = inner
        .split([',', ' '])
        .filter(|part| !part.is_empty())
        .map(str::parse::<f64>);
    let x = numbers.next()?.ok()?;
    let y = numbers.next().transpose().ok()?.unwrap_or(0.0);
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

pub(crate) fn parse_view_box(value: &str) -> Option<[f64; 4]> {
    let numbers: Vec<f64> = value
        .split([',', ' '])
        .filter(|part| !part.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [x, y, width, height] = numbers.try_into().ok()?;
    ([x, y, width, height].iter().all(|number: &f64| number.is_finite()) && width > 0.0 && height > 0.0)
        .then_some([x, y, width, height])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translate_forms_parse() {
        assert_eq!(parse_translate("translate(1.5, -2)"), Some((1.5, -2.0)));
        assert_eq!(parse_translate("translate(3 4)"), Some((3.0, 4.0)));
        assert_eq!(parse_translate("translate(7)"), Some((7.0, 0.0)));
        assert_eq!(parse_translate("rotate(45)"), None);
        assert_eq!(parse_translate("translate(NaN, 1)"), None);
    }

    #[test]
    fn view_boxes_must_have_area() {
        assert_eq!(parse_view_box("0 0 10 20"), Some([0.0, 0.0, 10.0, 20.0]));
        assert_eq!(parse_view_box("0,0,10,0"), None);
        assert_eq!(parse_view_box("0 0 10"), None);
    }

    #[test]
    fn marker_kinds_follow_mermaid_names() {
        assert_eq!(marker_kind("m_flowchart-v2-pointEnd"), "arrow-end");
        assert_eq!(marker_kind("m_flowchart-v2-pointStart-margin"), "arrow-start-m");
        assert_eq!(marker_kind("m_flowchart-v2-circleEnd"), "circle-end");
        assert_eq!(marker_kind("m_flowchart-v2-crossStart"), "cross-start");
    }

    #[test]
    fn edge_ids_split_into_known_nodes() {
        let titles: HashMap<String, String> = [("a_b", "A B"), ("c", "C")]
            .into_iter()
            .map(|(id, title)| (id.to_owned(), title.to_owned()))
            .collect();
        assert_eq!(
            edge_endpoints("L_a_b_c_0", &titles),
            Some(("A B".to_owned(), "C".to_owned()))
        );
        assert_eq!(edge_endpoints("L_x_y_0", &titles), None);
    }
}
