//! What each Mermaid renderer's elements are, in the theme's terms: per diagram type, tables from
//! Mermaid's class names (`messageLine1`, `relationshipLine`, `crit0`) to `dg-*` classes, which
//! [`super::redraw`] applies and `diagram.css` colours. It owns no drawing.

use roxmltree::Node;

use super::restyle::has_class;

/// How a marker's shape is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MarkerPaint {
    /// Filled with the line colour (arrowheads, filled diamonds).
    Solid,
    /// Only outlined (crow's feet, crosses, open arrows).
    Stroke,
    /// Outlined and filled with the canvas (inheritance triangles, ER circles).
    Hollow,
}

/// One renderer's table; the first matching entry of the element itself wins, then of its nearest
/// ancestor, and so on. A role of [`SKIP`] drops the element. `#` in a role is replaced by a running
/// number (the n-th pie slice gets `dg-series-n`).
pub(crate) struct Roles {
    /// The diagram type authors write, named in errors and the accessible title.
    pub name: &'static str,
    /// What the accessible title calls it ("Sequence diagram").
    pub title: &'static str,
    /// Mermaid's `aria-roledescription` for this renderer.
    pub role_description: &'static str,
    /// The SVG's class besides `dg`.
    pub svg_class: &'static str,
    shapes: &'static [(&'static str, &'static str)],
    texts: &'static [(&'static str, &'static str)],
    labels: &'static [(&'static str, &'static str)],
    hollow_markers: &'static [&'static str],
    /// A shape the tables cannot name by class (the state diagram's end dot).
    special_shape: Option<fn(Node<'_, '_>) -> Option<&'static str>>,
}

/// The role that leaves an element out (the gantt's "today" line would make builds date-dependent).
pub(crate) const SKIP: &str = "-";

impl Roles {
    /// The table for the renderer whose `aria-roledescription` is `description`.
    pub(crate) fn for_role_description(description: &str) -> Option<&'static Roles> {
        RENDERERS
            .iter()
            .find(|roles| roles.role_description.eq_ignore_ascii_case(description))
    }

    /// The class of a shape; line patterns and `fill="none"` add modifiers.
    pub(crate) fn shape_class(&self, node: Node<'_, '_>) -> String {
        let name = node.tag_name().name();
        let fallback = if name == "line" || name == "polyline" {
            "dg-line"
        } else {
            "dg-shape"
        };
        let mut class = self
            .special_shape
            .and_then(|special| special(node))
            .or_else(|| lookup(self.shapes, node))
            .unwrap_or(fallback)
            .to_owned();
        if class == SKIP {
            return class;
        }
        if (has_class(node, "edge-pattern-dashed") || has_class(node, "edge-pattern-dotted") || has_dash(node))
            && !class.contains("--dotted")
        {
            class.push_str(" dg-dashed");
        }
        if node.attribute("fill") == Some("none") || style_value(node, "fill") == Some("none") {
            class.push_str(" dg-unfilled");
        }
        class
    }

    pub(crate) fn text_class(&self, node: Node<'_, '_>) -> &'static str {
        lookup(self.texts, node).unwrap_or("dg-text")
    }

    /// The class of an HTML label (outside edge labels, which are drawn as in flowcharts).
    pub(crate) fn label_class(&self, node: Node<'_, '_>) -> &'static str {
        lookup(self.labels, node).unwrap_or("dg-label")
    }

    pub(crate) fn marker_paint(&self, marker: Node<'_, '_>, shape: Node<'_, '_>) -> MarkerPaint {
        let fill = shape
            .attribute("fill")
            .or_else(|| style_value(shape, "fill"))
            .unwrap_or_default();
        if self.hollow_markers.iter().any(|class| has_class(marker, class)) {
            if has_class(marker, "er") && shape.has_tag_name("path") {
                MarkerPaint::Stroke
            } else {
                MarkerPaint::Hollow
            }
        } else if fill == "none" {
            MarkerPaint::Stroke
        } else if matches!(fill, "white" | "transparent" | "#fff" | "#ffffff") {
            MarkerPaint::Hollow
        } else {
            MarkerPaint::Solid
        }
    }
}

/// The diagram types that draw, as authors start them.
pub(crate) fn supported_names() -> Vec<&'static str> {
    let mut names = vec!["flowchart"];
    names.extend(RENDERERS.iter().map(|roles| roles.name));
    names
}

fn lookup(table: &[(&str, &'static str)], node: Node<'_, '_>) -> Option<&'static str> {
    node.ancestors().filter(Node::is_element).find_map(|ancestor| {
        let classes = ancestor.attribute("class")?;
        let tag = ancestor.tag_name().name();
        table.iter().find_map(|(key, role)| {
            let (key_tag, key_class) = key.split_once('.').unwrap_or(("", key));
            let tag_matches = key_tag.is_empty() || key_tag == tag;
            let class_matches = classes
                .split_ascii_whitespace()
                .any(|class| class == key_class || class.trim_end_matches(|c: char| c.is_ascii_digit()) == key_class);
            (tag_matches && class_matches).then_some(*role)
        })
    })
}

fn style_value<'a>(node: Node<'a, '_>, property: &str) -> Option<&'a str> {
    node.attribute("style")?.split(';').find_map(|declaration| {
        let (name, value) = declaration.split_once(':')?;
        (name.trim() == property).then(|| value.trim())
    })
}

/// A non-zero `stroke-dasharray` (Mermaid's "else" separators, dashed relations).
fn has_dash(node: Node<'_, '_>) -> bool {
    let dash = node
        .attribute("stroke-dasharray")
        .or_else(|| style_value(node, "stroke-dasharray"))
        .unwrap_or_default();
    dash.split([',', ' '])
        .filter_map(|part| part.trim().parse::<f64>().ok())
        .any(|length| length > 0.0)
}

static RENDERERS: &[Roles] = &[
    Roles {
        name: "sequenceDiagram",
        title: "Sequence diagram",
        role_description: "sequence",
        svg_class: "dg-sequence",
        shapes: &[
            ("actor-man", "dg-stick"),
            ("actor", "dg-node-shape"),
            ("actor-line", "dg-lifeline"),
            ("messageLine0", "dg-edge"),
            ("messageLine1", "dg-edge dg-edge--dotted"),
            ("loopLine", "dg-frame"),
            ("labelBox", "dg-frame-tab"),
            ("note", "dg-note"),
            ("activation", "dg-activation"),
            ("rect.rect", "dg-band dg-band-0"),
        ],
        texts: &[
            ("sequenceNumber", "dg-number-text"),
            ("actor", "dg-node-label"),
            ("messageText", "dg-message-text"),
            ("labelText", "dg-frame-label"),
            ("loopText", "dg-frame-label"),
            ("sectionTitle", "dg-frame-label"),
            ("noteText", "dg-text"),
        ],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "classDiagram",
        title: "Class diagram",
        role_description: "classDiagram",
        svg_class: "dg-class",
        shapes: &[
            ("divider", "dg-divider"),
            ("relation", "dg-edge"),
            ("note", "dg-note"),
            ("node", "dg-node-shape"),
        ],
        texts: &[],
        labels: &[
            ("annotation-group", "dg-sub"),
            ("label-group", "dg-node-label"),
            ("members-group", "dg-label"),
            ("methods-group", "dg-label"),
        ],
        hollow_markers: &["extension", "aggregation", "lollipop"],
        special_shape: None,
    },
    Roles {
        name: "stateDiagram-v2",
        title: "State diagram",
        role_description: "stateDiagram",
        svg_class: "dg-state",
        shapes: &[
            ("note-cluster", SKIP),
            ("note-edge", "dg-edge dg-edge--dotted"),
            ("transition", "dg-edge"),
            ("state-start", "dg-fill-fg"),
            ("statediagram-note", "dg-note"),
            ("inner", "dg-composite-inner"),
            ("divider", "dg-divider"),
            ("node", "dg-node-shape"),
            ("statediagram-cluster", "dg-node-shape"),
        ],
        texts: &[],
        labels: &[
            ("noteLabel", "dg-label"),
            ("cluster-label", "dg-node-label"),
            ("node", "dg-node-label"),
        ],
        hollow_markers: &[],
        special_shape: Some(end_state_dot),
    },
    Roles {
        name: "erDiagram",
        title: "Entity relationship diagram",
        role_description: "er",
        svg_class: "dg-er",
        shapes: &[
            ("relationshipLine", "dg-edge"),
            ("row-rect-odd", "dg-row"),
            ("row-rect-even", "dg-row dg-row--even"),
            ("node", "dg-node-shape"),
        ],
        texts: &[],
        labels: &[
            ("name", "dg-node-label"),
            ("attribute-keys", "dg-label dg-key"),
            ("attribute-type", "dg-label dg-type"),
            ("attribute-name", "dg-label"),
            ("node", "dg-node-label"),
        ],
        hollow_markers: &["er"],
        special_shape: None,
    },
    Roles {
        name: "gantt",
        title: "Gantt chart",
        role_description: "gantt",
        svg_class: "dg-gantt",
        shapes: &[
            ("today", SKIP),
            ("vert", SKIP),
            ("section0", "dg-band dg-band-0"),
            ("section2", "dg-band dg-band-0"),
            ("section1", "dg-band dg-band-1"),
            ("section3", "dg-band dg-band-1"),
            ("milestone", "dg-task dg-task--milestone"),
            ("activeCrit", "dg-task dg-task--crit"),
            ("doneCrit", "dg-task dg-task--done dg-task--crit"),
            ("crit", "dg-task dg-task--crit"),
            ("done", "dg-task dg-task--done"),
            ("active", "dg-task dg-task--active"),
            ("task", "dg-task"),
            ("grid", "dg-grid"),
        ],
        texts: &[
            ("today", SKIP),
            ("titleText", "dg-title"),
            ("sectionTitle", "dg-frame-label"),
            ("taskTextOutsideLeft", "dg-text dg-text-end"),
            ("taskTextOutsideRight", "dg-text"),
            ("taskTextOutside", "dg-text"),
            ("taskText", "dg-task-text"),
            ("grid", "dg-axis-text"),
        ],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "pie",
        title: "Pie chart",
        role_description: "pie",
        svg_class: "dg-pie",
        shapes: &[
            ("pieCircle", "dg-slice dg-series-#"),
            ("pieOuterCircle", "dg-pie-outline"),
            ("legend", "dg-legend-key dg-series-#"),
        ],
        texts: &[("slice", "dg-slice-text"), ("pieTitleText", "dg-title")],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "mindmap",
        title: "Mind map",
        role_description: "mindmap",
        svg_class: "dg-mindmap",
        shapes: &[
            ("edge", "dg-edge"),
            ("node-line-", "dg-line"),
            ("section-root", "dg-node-shape dg-node--root"),
            ("node", "dg-node-shape"),
        ],
        texts: &[],
        labels: &[
            ("section-root", "dg-node-label dg-on-accent"),
            ("node", "dg-node-label"),
        ],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "timeline",
        title: "Timeline",
        role_description: "timeline",
        svg_class: "dg-timeline",
        shapes: &[
            ("node-line-", "dg-line"),
            ("node-bkg", "dg-node-shape"),
            ("lineWrapper", "dg-edge"),
        ],
        texts: &[],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "gitGraph",
        title: "Git graph",
        role_description: "gitGraph",
        svg_class: "dg-git",
        shapes: &[
            ("branch", "dg-lifeline"),
            ("arrow", "dg-edge dg-unfilled"),
            ("commit-merge", "dg-commit dg-commit--merge"),
            ("tag-hole", "dg-tag-hole"),
            ("tag-label-bkg", "dg-note"),
            ("commit-label-bkg", "dg-label-bg"),
            ("branchLabelBkg", "dg-node-shape"),
            ("commit", "dg-commit"),
        ],
        texts: &[("commit-label", "dg-small"), ("tag-label", "dg-small")],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "journey",
        title: "User journey",
        role_description: "journey",
        svg_class: "dg-journey",
        shapes: &[
            ("task-line", "dg-lifeline"),
            ("face", "dg-face"),
            ("mouth", "dg-edge dg-unfilled"),
            ("journey-section", "dg-node-shape dg-node--accent-fill"),
            ("task", "dg-node-shape"),
        ],
        texts: &[("journey-section", "dg-on-accent"), ("legend", "dg-text")],
        labels: &[],
        hollow_markers: &[],
        special_shape: Some(journey_actor),
    },
    Roles {
        name: "quadrantChart",
        title: "Quadrant chart",
        role_description: "quadrantChart",
        svg_class: "dg-quadrant",
        shapes: &[
            ("quadrant", "dg-quadrant-area dg-series-#"),
            ("border", "dg-line"),
            ("data-point", "dg-fill-fg"),
        ],
        texts: &[("title", "dg-title")],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "xychart-beta",
        title: "XY chart",
        role_description: "xychart",
        svg_class: "dg-xychart",
        shapes: &[
            ("background", "dg-background"),
            ("bar-plot-", "dg-bar"),
            ("line-plot-", "dg-plot-line dg-unfilled"),
            ("axis-line", "dg-line"),
            ("axisl-line", "dg-line"),
            ("ticks", "dg-line"),
        ],
        texts: &[("title", "dg-title")],
        labels: &[],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "block-beta",
        title: "Block diagram",
        role_description: "block",
        svg_class: "dg-block",
        shapes: &[("flowchart-link", "dg-edge"), ("node", "dg-node-shape")],
        texts: &[],
        labels: &[("node", "dg-node-label")],
        hollow_markers: &[],
        special_shape: None,
    },
    Roles {
        name: "architecture-beta",
        title: "Architecture diagram",
        role_description: "architecture",
        svg_class: "dg-architecture",
        shapes: &[
            ("architecture-junction", SKIP),
            ("arrow", "dg-marker"),
            ("background", SKIP),
            ("architecture-edges", "dg-edge"),
        ],
        texts: &[
            ("architecture-groups", "dg-cluster-label"),
            ("architecture-edges", "dg-edge-label-text"),
            ("architecture-service", "dg-node-label"),
        ],
        labels: &[("architecture-service", "dg-node-label")],
        hollow_markers: &[],
        special_shape: Some(architecture_part),
    },
];

/// The parts of an architecture diagram its classes do not name: a group's box, a service's box
/// (when it has no icon), and the icons, which Mermaid draws as nested SVG in fixed colours: here
/// the icon's square takes the accent colour and its drawing the canvas colour.
fn architecture_part(node: Node<'_, '_>) -> Option<&'static str> {
    let nested_svg = node
        .ancestors()
        .skip(1)
        .find(|ancestor| ancestor.has_tag_name("svg") && ancestor.parent_element().is_some());
    if let Some(icon) = nested_svg {
        let first_shape = icon.descendants().find(|descendant| {
            matches!(
                descendant.tag_name().name(),
                "rect" | "path" | "circle" | "ellipse" | "polygon" | "line"
            )
        });
        return Some(if first_shape == Some(node) {
            "dg-icon-tile"
        } else {
            "dg-icon-line"
        });
    }
    if !has_class(node, "node-bkg") {
        return None;
    }
    if node
        .ancestors()
        .any(|ancestor| has_class(ancestor, "architecture-groups"))
    {
        Some("dg-cluster-shape")
    } else {
        Some("dg-node-shape")
    }
}

/// A journey's actor dot (`actor-1`) in the legend and on each task: one series colour per actor.
fn journey_actor(node: Node<'_, '_>) -> Option<&'static str> {
    const KEYS: [&str; 8] = [
        "dg-legend-key dg-series-0",
        "dg-legend-key dg-series-1",
        "dg-legend-key dg-series-2",
        "dg-legend-key dg-series-3",
        "dg-legend-key dg-series-4",
        "dg-legend-key dg-series-5",
        "dg-legend-key dg-series-6",
        "dg-legend-key dg-series-7",
    ];
    let number: usize = node
        .attribute("class")?
        .split_ascii_whitespace()
        .find_map(|class| class.strip_prefix("actor-")?.parse().ok())?;
    Some(KEYS[number % KEYS.len()])
}

/// The filled dot of a state diagram's end state: a shape in an unnamed group inside `outer-path`.
fn end_state_dot(node: Node<'_, '_>) -> Option<&'static str> {
    let group = node.parent_element()?;
    let outer = group.parent_element()?;
    (group.has_tag_name("g") && group.attribute("class").is_none() && has_class(outer, "outer-path"))
        .then_some("dg-fill-fg")
}

#[cfg(test)]
mod tests {
    use roxmltree::Document;

    use super::*;

    fn roles(description: &str) -> &'static Roles {
        Roles::for_role_description(description).expect("a known renderer")
    }

    #[test]
    fn nearest_class_wins_and_trailing_numbers_are_ignored() {
        let document = Document::parse(
            r#"<g class="actor-man"><line class="messageLine1" fill="none"/><circle/><rect class="activation2" width="1"/></g>"#,
        )
        .unwrap();
        let mut shapes = document.root_element().children();
        let sequence = roles("sequence");
        assert_eq!(
            sequence.shape_class(shapes.next().unwrap()),
            "dg-edge dg-edge--dotted dg-unfilled"
        );
        assert_eq!(sequence.shape_class(shapes.next().unwrap()), "dg-stick");
        assert_eq!(sequence.shape_class(shapes.next().unwrap()), "dg-activation");
    }

    #[test]
    fn dashes_of_zero_length_are_solid() {
        let document =
            Document::parse(r#"<g><path stroke-dasharray="0 0"/><line style="stroke-dasharray: 3, 3;"/></g>"#).unwrap();
        let mut shapes = document.root_element().children();
        assert!(!has_dash(shapes.next().unwrap()));
        assert!(has_dash(shapes.next().unwrap()));
    }

    #[test]
    fn journey_actors_keep_their_colour_wherever_they_appear() {
        let document = Document::parse(r#"<g><circle class="actor-1"/><circle class="actor-0 x"/></g>"#).unwrap();
        let mut dots = document.root_element().children();
        let journey = roles("journey");
        assert_eq!(journey.shape_class(dots.next().unwrap()), "dg-legend-key dg-series-1");
        assert_eq!(journey.shape_class(dots.next().unwrap()), "dg-legend-key dg-series-0");
    }

    #[test]
    fn unknown_renderers_have_no_table() {
        assert!(Roles::for_role_description("sankey").is_none());
        assert!(supported_names().starts_with(&["flowchart", "sequenceDiagram"]));
    }
}
