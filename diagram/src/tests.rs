//! Tests of the public API: the showcase diagram, the HTML/CSP contract, errors and hostile input.

use super::*;

const SHOWCASE: &str = r#"flowchart LR
  browser["browser<br/><small>your visitor</small>"] -- "request" --> worker["worker<br/><small>routes + reads cookie</small>"]
  worker -- "get / put" --> kv[("kv<br/><small>theme:&lt;sessionId&gt;</small>")]
  kv -- "value" --> worker
  worker -- "response + session cookie" --> browser
  subgraph edge ["edge-cached"]
    kv
  end
"#;

fn options(prefix: &str) -> DiagramOptions<'_> {
    DiagramOptions {
        id_prefix: prefix,
        caption: None,
    }
}

fn render(source: &str) -> Result<String, DiagramError> {
    render_diagram(DiagramKind::Mermaid, source, &options("d1"))
}

/// Every `id="..."` in `svg`.
fn ids(svg: &str) -> Vec<&str> {
    svg.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn fence_languages_map_to_kinds() {
    assert_eq!(DiagramKind::from_fence_lang("mermaid"), Some(DiagramKind::Mermaid));
    assert_eq!(DiagramKind::from_fence_lang(" Mermaid "), Some(DiagramKind::Mermaid));
    assert_eq!(DiagramKind::from_fence_lang("rust"), None);
}

#[test]
fn showcase_draws_every_label_with_theme_classes() {
    let svg = render(SHOWCASE).expect("the showcase renders");
    for text in [
        "browser",
        "your visitor",
        "worker",
        "routes + reads cookie",
        "theme:&lt;sessionId&gt;",
        "edge-cached",
    ] {
        assert!(svg.contains(&format!(">{text}</text>")), "missing {text:?} in {svg}");
    }
    for text in ["request", "get / put", "value", "response + session cookie"] {
        assert!(
            svg.contains(&format!("class=\"dg-edge-label-text\" x=\"0\" y=\"0\">{text}</text>")),
            "{text}"
        );
    }
    assert!(svg.contains("class=\"dg-node-label dg-sub\""), "sub-labels are marked");
    assert!(
        svg.contains("class=\"dg-cluster-shape\""),
        "the edge-cached group is drawn"
    );
    assert_eq!(svg.matches("class=\"dg-edge\"").count(), 4);
    assert_eq!(svg.matches("class=\"dg-node\"").count(), 3);
}

#[test]
fn svg_follows_the_theme_contract_and_the_content_security_policy() {
    let svg = render(SHOWCASE).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg dg-flowchart\" role=\"img\""));
    assert!(svg.contains("aria-labelledby=\"d1-title d1-desc\""));
    assert!(svg.contains("<title id=\"d1-title\">"));
    assert!(svg.contains("viewBox=\""));
    for forbidden in [
        "style=",
        "<style",
        "foreignObject",
        "<script",
        "href=",
        "fill=\"#",
        "stroke=\"#",
        "font-family",
    ] {
        assert!(!svg.contains(forbidden), "{forbidden} in {svg}");
    }
    roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
}

#[test]
fn ids_carry_the_prefix_so_two_diagrams_can_share_a_page() {
    let first = render_diagram(DiagramKind::Mermaid, SHOWCASE, &options("diagram-1")).unwrap();
    let second = render_diagram(DiagramKind::Mermaid, SHOWCASE, &options("diagram-2")).unwrap();
    let first_ids = ids(&first);
    assert!(first_ids.len() >= 3, "{first_ids:?}");
    assert!(first_ids.iter().all(|id| id.starts_with("diagram-1-")), "{first_ids:?}");
    assert!(ids(&second).iter().all(|id| !first_ids.contains(id)));
    let references: Vec<&str> = first
        .split("url(#")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    assert!(!references.is_empty());
    assert!(
        references.iter().all(|reference| first_ids.contains(reference)),
        "{references:?}"
    );
}

#[test]
fn id_prefixes_are_sanitised() {
    assert_eq!(sanitise_id_prefix("diagram 1"), "diagram-1");
    assert_eq!(sanitise_id_prefix(""), "diagram");
    assert_eq!(sanitise_id_prefix("9\"><x"), "diagram9---x");
}

#[test]
fn figure_wraps_the_svg_with_an_escaped_caption() {
    let figure = render_diagram_figure(
        DiagramKind::Mermaid,
        "flowchart LR\n  a --> b\n",
        &DiagramOptions {
            id_prefix: "d",
            caption: Some("KV <round trip>"),
        },
    )
    .unwrap();
    assert!(
        figure.starts_with(
            "<figure class=\"diagram\" data-diagram=\"mermaid\" id=\"d\"><div class=\"diagram__frame\" \
             id=\"d-frame\" tabindex=\"0\" role=\"group\" aria-labelledby=\"d-title\"><svg "
        ),
        "{figure}"
    );
    assert!(
        figure.contains("</svg></div><figcaption>KV &lt;round trip&gt;</figcaption><p class=\"diagram__actions\">"),
        "{figure}"
    );
    assert!(
        figure.ends_with(
            "<a class=\"diagram__open\" href=\"#d\">Open full size</a>\
             <a class=\"diagram__close\" href=\"#d-frame\">Close full size</a></p></figure>"
        ),
        "{figure}"
    );
    assert!(figure.contains("<title id=\"d-title\">KV &lt;round trip&gt;</title>"));
}

#[test]
fn only_diagrams_wider_than_a_desktop_column_are_marked_wide() {
    let render_figure = |source: &str| {
        render_diagram_figure(
            DiagramKind::Mermaid,
            source,
            &DiagramOptions {
                id_prefix: "w",
                caption: None,
            },
        )
        .unwrap()
    };
    let narrow = render_figure("flowchart LR\n  a --> b\n");
    assert!(narrow.contains("<p class=\"diagram__actions\">"), "{narrow}");
    let steps: Vec<String> = (0..12).map(|step| format!("s{step}[\"step number {step}\"]")).collect();
    let wide = render_figure(&format!("flowchart LR\n  {}\n", steps.join(" --> ")));
    assert!(
        wide.contains("<p class=\"diagram__actions diagram__actions--wide\">"),
        "{wide}"
    );
}

#[test]
fn intrinsic_width_reads_the_root_element_only() {
    assert_eq!(
        intrinsic_width(r#"<svg viewBox="0 0 5 5" width="812" height="5"><rect width="9"/>"#),
        Some(812.0)
    );
    assert_eq!(intrinsic_width(r#"<svg viewBox="0 0 5 5"><rect width="9"/>"#), None);
}

#[test]
fn accessible_text_names_nodes_and_edges_without_a_caption() {
    let svg = render(SHOWCASE).unwrap();
    assert!(
        svg.contains("<title id=\"d1-title\">Diagram: browser, worker, kv</title>"),
        "{svg}"
    );
    assert!(svg.contains("browser to worker: request."), "{svg}");
    let titled = render("flowchart LR\n  accTitle: Theme flow\n  accDescr: How a theme is read\n  a --> b\n").unwrap();
    assert!(titled.contains(">Theme flow</title>"), "{titled}");
    assert!(titled.contains(">How a theme is read</desc>"), "{titled}");
}

#[test]
fn author_colours_are_dropped_and_accent_classes_kept() {
    let svg = render("flowchart LR\n  a --> b\n  style a fill:#f9f\n  classDef accent fill:#f00\n  class b accent\n")
        .unwrap();
    assert!(!svg.contains("#f9f") && !svg.contains("#f00"), "{svg}");
    assert_eq!(svg.matches("dg-node--accent").count(), 1);
}

#[test]
fn linked_nodes_are_drawn_without_the_link() {
    let svg = render("flowchart LR\n  a --> b\n  click a \"https://example.com\"\n").unwrap();
    assert_eq!(svg.matches("class=\"dg-node\"").count(), 2, "{svg}");
    assert!(!svg.contains("example.com"));
}

#[test]
fn edge_styles_map_to_classes() {
    let svg = render("flowchart TD\n  a -.-> b\n  b ==> c\n  c ~~~ d\n  d --o e\n").unwrap();
    assert!(svg.contains("class=\"dg-edge dg-edge--dotted\""));
    assert!(svg.contains("class=\"dg-edge dg-edge--thick\""));
    assert_eq!(
        svg.matches("<path class=\"dg-edge").count(),
        3,
        "the invisible edge is not drawn"
    );
    assert!(svg.contains("-circle-end"));
}

#[test]
fn syntax_errors_point_into_the_fence_and_say_how_to_fix() {
    let error = render("flowchart LR\n  a --> b\n  b --> c[\"unclosed\n").unwrap_err();
    assert_eq!((error.line, error.column), (3, 10), "the opening bracket: {error:?}");
    assert!(error.message.contains("missing `]`"), "{}", error.message);
    assert!(error.message.contains("close the label"), "{}", error.message);

    let unknown = render("flowchrt LR\n  a --> b\n").unwrap_err();
    assert_eq!((unknown.line, unknown.column), (1, 1));
    assert!(unknown.message.contains("`flowchart LR`"), "{}", unknown.message);

    assert!(render("").is_err());
    assert!(render("   \n\n").is_err());
}

#[test]
fn error_positions_count_characters_not_bytes() {
    assert_eq!(
        SourcePosition::of_byte_offset("ab\ncé d", 7),
        SourcePosition { line: 2, column: 4 }
    );
    assert_eq!(
        SourcePosition::of_byte_offset("é", 1),
        SourcePosition { line: 1, column: 1 }
    );
    assert_eq!(
        SourcePosition::of_byte_offset("a", 99),
        SourcePosition { line: 1, column: 2 }
    );
}

/// Truncations, duplications and byte noise of real diagrams: each must return, never panic.
#[test]
fn hostile_input_returns_a_value() {
    let seeds = [
        SHOWCASE,
        "flowchart TD\n  a{\"x\"} -->|y| b((z)) --> c[(d)] --> e>f] --> g{{h}} --> i[/j/]\n",
        "graph LR\n  subgraph s [\"t\"]\n  direction TB\n  a --> b\n  end\n  s --> c\n",
        "flowchart LR\n  a:::accent --> b\n  click a \"https://example.com\"\n  linkStyle 0 stroke:red\n",
        SEQUENCE,
        CLASSES,
        "pie\n  \"a\" : 1\n  \"b\" : 2\n",
        "gantt\n  dateFormat YYYY-MM-DD\n  section s\n  t :done, a, 2024-01-01, 2d\n",
    ];
    let noise = [
        "\"",
        "[",
        "]",
        "(",
        "-->",
        "|",
        "\u{0}",
        "é",
        "%%{init: {}}%%",
        "<br/>",
        "&",
        "#",
        ";",
        "\n",
        "end",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut inputs: Vec<String> = Vec::new();
    for seed in seeds {
        let boundaries: Vec<usize> = (0..=seed.len()).filter(|&index| seed.is_char_boundary(index)).collect();
        for step in (0..boundaries.len()).step_by(7) {
            inputs.push(seed[..boundaries[step]].to_owned());
        }
        for _ in 0..12 {
            let at = boundaries[(next() as usize) % boundaries.len()];
            let insert = noise[(next() as usize) % noise.len()];
            inputs.push(format!("{}{insert}{}", &seed[..at], &seed[at..]));
        }
    }
    inputs.push(format!("flowchart LR\n{}", "  a --> b\n".repeat(200)));
    inputs.push(format!("flowchart LR\n  a[\"{}\"]\n", "w ".repeat(2000)));
    for input in &inputs {
        if let Ok(svg) = render(input) {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{input:?}");
            assert!(!svg.contains("style="), "{input:?}");
        }
    }
}

#[test]
fn rendering_is_deterministic_and_works_from_many_threads() {
    let expected = render(SHOWCASE).unwrap();
    let outputs: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| render(SHOWCASE).unwrap())).collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    assert!(outputs.iter().all(|output| *output == expected));
}

#[test]
fn css_styles_every_class_the_svg_uses() {
    let svg = render(SHOWCASE).unwrap();
    let css = diagram_css();
    let classes: std::collections::BTreeSet<&str> = svg
        .split("class=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .flat_map(str::split_whitespace)
        .collect();
    let structural = [
        "dg-flowchart",
        "dg-edges",
        "dg-edge-labels",
        "dg-node",
        "dg-cluster",
        "dg-edge-label",
    ];
    for class in classes.into_iter().filter(|class| !structural.contains(class)) {
        assert!(
            css.contains(&format!(".{class}")),
            "diagram_css has no rule for .{class}"
        );
    }
    for property in [
        "--diagram-fg",
        "--diagram-bg",
        "--diagram-node-bg",
        "--diagram-node-border",
        "--diagram-accent",
    ] {
        assert!(css.contains(property), "{property}");
    }
    assert!(css.contains("--diagram-muted"));
}

/// The contract every diagram type keeps: CSP-safe, well-formed, named, text as `<text>`, and a CSS
/// rule for every class it uses.
fn assert_theme_contract(svg: &str, svg_class: &str) {
    assert!(
        svg.starts_with(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dg {svg_class}\" role=\"img\""
        )),
        "{svg}"
    );
    assert!(svg.contains("aria-labelledby=\"d1-title d1-desc\""));
    for forbidden in [
        "style=",
        "<style",
        "foreignObject",
        "<script",
        "href=",
        "fill=\"",
        "stroke=\"",
        "font-family",
        "url(#m",
    ] {
        assert!(!svg.contains(forbidden), "{forbidden} in {svg}");
    }
    let document = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    let title = document
        .descendants()
        .find(|node| node.has_tag_name("title"))
        .and_then(|node| node.text())
        .unwrap_or_default();
    assert!(title.len() > 10, "accessible name: {title:?}");
    let css = diagram_css();
    for class in document
        .descendants()
        .filter_map(|node| node.attribute("class"))
        .flat_map(str::split_whitespace)
        .filter(|class| *class != "dg" && *class != svg_class)
    {
        assert!(
            css.contains(&format!(".{class}")),
            "diagram_css has no rule for .{class}"
        );
    }
}

/// Every label of the source appears as SVG text (joined across `<tspan>`s and runs).
fn assert_texts(svg: &str, texts: &[&str]) {
    let document = roxmltree::Document::parse(svg).unwrap();
    let drawn: Vec<String> = document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| {
            let text: String = node
                .descendants()
                .filter(roxmltree::Node::is_text)
                .filter_map(|child| child.text())
                .collect();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    for text in texts {
        assert!(
            drawn.iter().any(|line| line.contains(text)),
            "missing {text:?} in {drawn:?}"
        );
    }
}

const SEQUENCE: &str = "sequenceDiagram
  autonumber
  participant B as Browser
  actor U as User
  participant W as Worker
  U->>B: open page
  B->>W: GET /docs
  Note right of W: reads the session cookie
  loop every asset
    B->>W: fetch asset
    W-->>B: cached copy
  end
  alt theme stored
    W->>B: page with theme
  else no theme
    W-xB: default page
  end
  Note over B,W: edge-cached
";

#[test]
fn sequence_diagrams_draw_notes_loops_and_alternatives() {
    let svg = render(SEQUENCE).expect("the sequence diagram renders");
    assert_theme_contract(&svg, "dg-sequence");
    assert_texts(
        &svg,
        &[
            "Browser",
            "User",
            "Worker",
            "open page",
            "GET /docs",
            "reads the session cookie",
            "every asset",
            "fetch asset",
            "cached copy",
            "theme stored",
            "no theme",
            "default page",
            "edge-cached",
            "loop",
            "alt",
        ],
    );
    assert_eq!(svg.matches("class=\"dg-note\"").count(), 2, "two notes");
    assert!(svg.contains("class=\"dg-edge dg-edge--dotted"), "the dashed reply");
    assert!(svg.contains("class=\"dg-frame\""), "loop and alt frames");
    let title = svg.split("<title id=\"d1-title\">").nth(1).unwrap_or_default();
    assert!(
        title.starts_with("Sequence diagram: ") && title.contains("Browser"),
        "{title}"
    );
}

const CLASSES: &str = "classDiagram
  class Site {
    +String title
    +build() Result
  }
  class Page {
    -String path
    +render() String
  }
  class Theme {
    <<interface>>
    +css() String
  }
  Site \"1\" *-- \"many\" Page : contains
  Site --> Theme : uses
  Page ..|> Theme
";

#[test]
fn class_diagrams_draw_members_relations_and_multiplicities() {
    let svg = render(CLASSES).expect("the class diagram renders");
    assert_theme_contract(&svg, "dg-class");
    assert_texts(
        &svg,
        &[
            "Site",
            "+String title",
            "+build() : Result",
            "Page",
            "-String path",
            "Theme",
            "interface",
            "contains",
            "uses",
            "1",
            "many",
        ],
    );
    assert_eq!(svg.matches("<path class=\"dg-edge").count(), 3);
    assert!(svg.contains("dg-marker--hollow"), "the realisation triangle is hollow");
}

#[test]
fn parse_errors_in_other_types_point_into_the_fence() {
    let error = render("sequenceDiagram\n  A->>B: hi\n  loop\n  A->>B: again\n").unwrap_err();
    assert!(error.line >= 2, "{error:?}");
    assert!(!error.message.contains("Cargo"), "{error:?}");
}

#[test]
fn unsupported_diagram_types_name_the_supported_ones() {
    let error = render("sankey-beta\n  a,b,10\n").unwrap_err();
    assert_eq!((error.line, error.column), (1, 1));
    assert!(error.message.contains("sequenceDiagram"), "{}", error.message);
}

#[test]
fn state_diagrams_draw_composite_states_notes_and_end_states() {
    let source = "stateDiagram-v2
  [*] --> Idle
  Idle --> Building : file changed
  state Building {
    [*] --> Parsing
    Parsing --> Rendering : parsed
    Rendering --> [*]
  }
  Building --> Serving : done
  Serving --> Idle
  note right of Serving : live reload
  Serving --> [*]
";
    let svg = render(source).expect("the state diagram renders");
    assert_theme_contract(&svg, "dg-state");
    assert_texts(
        &svg,
        &[
            "Idle",
            "Building",
            "Parsing",
            "Rendering",
            "Serving",
            "file changed",
            "parsed",
            "done",
            "live reload",
        ],
    );
    assert!(
        svg.contains("class=\"dg-composite-inner\""),
        "the composite state is drawn"
    );
    assert_eq!(
        svg.matches("class=\"dg-fill-fg\"").count(),
        4,
        "two start and two end dots"
    );
    assert!(svg.contains("class=\"dg-note\""));
}

#[test]
fn entity_relationship_diagrams_draw_attributes_and_cardinalities() {
    let source = "erDiagram
  SITE ||--o{ PAGE : contains
  PAGE }|..|{ TAG : \"tagged with\"
  SITE {
    string title PK
    string base_url
  }
  PAGE {
    string path PK
    string site_id FK
  }
";
    let svg = render(source).expect("the ER diagram renders");
    assert_theme_contract(&svg, "dg-er");
    assert_texts(
        &svg,
        &[
            "SITE",
            "PAGE",
            "TAG",
            "title",
            "base_url",
            "site_id",
            "PK",
            "FK",
            "contains",
            "tagged with",
        ],
    );
    let ends = |svg: &str| {
        svg.matches("marker-start=\"url(#d1-marker-").count() + svg.matches("marker-end=\"url(#d1-marker-").count()
    };
    assert_eq!(ends(&svg), 4, "every relationship end shows its cardinality");
    assert!(
        svg.contains("<path class=\"dg-edge dg-dashed"),
        "the non-identifying relationship is dashed"
    );
    assert!(
        svg.contains("dg-marker--hollow"),
        "the zero of zero-or-more is a hollow circle"
    );
}

#[test]
fn gantt_charts_draw_sections_tasks_and_axis_without_today() {
    let source = "gantt
  title Release plan
  dateFormat YYYY-MM-DD
  section Design
  Spec          :done, spec, 2024-01-01, 5d
  Review        :active, review, after spec, 3d
  section Build
  Implement     :crit, impl, after review, 10d
  Release       :milestone, rel, after impl, 0d
";
    let svg = render(source).expect("the gantt chart renders");
    assert_theme_contract(&svg, "dg-gantt");
    assert_texts(
        &svg,
        &[
            "Release plan",
            "Design",
            "Build",
            "Spec",
            "Review",
            "Implement",
            "Release",
            "2024-01-01",
        ],
    );
    for class in [
        "dg-task dg-task--done",
        "dg-task dg-task--active",
        "dg-task dg-task--crit",
        "dg-task--milestone",
        "dg-band-0",
    ] {
        assert!(svg.contains(class), "{class}");
    }
    let milestone = svg
        .split('<')
        .find(|element| element.contains("dg-task--milestone"))
        .expect("the milestone is drawn");
    assert!(
        milestone.starts_with("polygon ") && milestone.contains(" points=\""),
        "the milestone is a diamond, not a square rotated by CSS: <{milestone}"
    );
    assert!(
        !svg.contains("transform-origin"),
        "merman's CSS rotation origin is not copied"
    );
    assert_eq!(
        svg,
        render(source).unwrap(),
        "no line for today, so builds do not depend on the date"
    );
}

#[test]
fn pie_charts_give_each_slice_and_its_legend_key_one_series_colour() {
    let svg = render("pie showData\n  title Page weight\n  \"HTML\" : 40\n  \"CSS\" : 25\n  \"Fonts\" : 35\n")
        .expect("the pie chart renders");
    assert_theme_contract(&svg, "dg-pie");
    assert_texts(&svg, &["Page weight", "HTML", "CSS", "Fonts", "40%", "25%", "35%"]);
    for series in 0..3 {
        assert!(
            svg.contains(&format!("class=\"dg-slice dg-series-{series}\"")),
            "slice {series}"
        );
        assert!(
            svg.contains(&format!("class=\"dg-legend-key dg-series-{series}\"")),
            "key {series}"
        );
    }
    assert!(svg.contains("<title id=\"d1-title\">Pie chart: "), "{svg}");
}

/// The other types Mermaid documents, each with the labels it must draw and a class that shows the
/// renderer's table was used.
#[test]
fn charts_and_maps_draw_every_label_in_theme_classes() {
    let cases: [(&str, &str, &[&str], &str); 7] = [
        (
            "mindmap\n  root((edgedocs))\n    Build\n      Markdown\n      Diagrams\n    Edge\n      Worker\n      KV\n",
            "dg-mindmap",
            &["edgedocs", "Build", "Markdown", "Diagrams", "Edge", "Worker", "KV"],
            "dg-node--root",
        ),
        (
            "timeline\n  title Release history\n  section 2024\n    v0.1 : First build\n    v0.2 : Diagrams : Search\n  section 2025\n    v1.0 : Edge worker\n",
            "dg-timeline",
            &[
                "Release history",
                "2024",
                "2025",
                "v0.1",
                "First build",
                "Diagrams",
                "Search",
                "Edge worker",
            ],
            "dg-node-shape",
        ),
        (
            "gitGraph\n  commit id: \"init\"\n  branch feature\n  checkout feature\n  commit id: \"add diagrams\"\n  checkout main\n  merge feature tag: \"v1.0\"\n  commit id: \"fix\"\n",
            "dg-git",
            &["main", "feature", "init", "add diagrams", "v1.0", "fix"],
            "dg-commit dg-commit--merge",
        ),
        (
            "journey\n  title Reading the docs\n  section Find\n    Search the site: 4: Reader\n    Open a page: 5: Reader\n  section Read\n    Switch to dark theme: 3: Reader, Worker\n",
            "dg-journey",
            &[
                "Reading the docs",
                "Find",
                "Read",
                "Search the site",
                "Open a page",
                "Switch to dark theme",
                "Reader",
                "Worker",
            ],
            "dg-face",
        ),
        (
            "quadrantChart\n  title Effort and value\n  x-axis Low effort --> High effort\n  y-axis Low value --> High value\n  quadrant-1 Plan\n  quadrant-2 Do now\n  quadrant-3 Skip\n  quadrant-4 Delegate\n  Search: [0.3, 0.8]\n  Themes: [0.7, 0.6]\n",
            "dg-quadrant",
            &[
                "Effort and value",
                "Low effort",
                "High value",
                "Plan",
                "Do now",
                "Skip",
                "Delegate",
                "Search",
                "Themes",
            ],
            "dg-quadrant-area dg-series-3",
        ),
        (
            "xychart-beta\n  title \"Build time\"\n  x-axis [v1, v2, v3, v4]\n  y-axis \"Seconds\" 0 --> 10\n  bar [8, 6, 4, 3]\n  line [8, 6, 4, 3]\n",
            "dg-xychart",
            &["Build time", "v1", "v4", "Seconds", "10"],
            "dg-plot-line",
        ),
        (
            "block-beta\n  columns 3\n  browser[\"Browser\"] space worker[\"Worker\"]\n  browser --> worker\n  kv[(\"KV\")]:3\n",
            "dg-block",
            &["Browser", "Worker", "KV"],
            "dg-edge",
        ),
    ];
    for (source, svg_class, texts, class) in cases {
        let svg = render(source).unwrap_or_else(|error| panic!("{svg_class}: {error}"));
        assert_theme_contract(&svg, svg_class);
        assert_texts(&svg, texts);
        assert!(svg.contains(class), "{svg_class} lacks {class}: {svg}");
    }
}

#[test]
fn architecture_diagrams_draw_groups_services_icons_and_edges() {
    let source = "architecture-beta
  group edge(cloud)[Edge]
  service worker(server)[Worker] in edge
  service kv(database)[KV store] in edge
  service visitor(internet)[Visitor]
  junction split
  visitor:R --> L:worker
  worker:R -- L:kv
  kv:B -- T:split
";
    let svg = render(source).expect("the architecture diagram renders");
    assert_theme_contract(&svg, "dg-architecture");
    assert_texts(&svg, &["Edge", "Worker", "KV store", "Visitor"]);
    assert_eq!(svg.matches("class=\"dg-edge\"").count(), 3, "{svg}");
    assert_eq!(svg.matches("class=\"dg-cluster-shape\"").count(), 1, "{svg}");
    assert_eq!(
        svg.matches("<g class=\"dg-node\"").count(),
        4,
        "each service and the junction is one group: {svg}"
    );
    assert_eq!(
        svg.matches("class=\"dg-icon-tile\"").count(),
        4,
        "three services and the group have an icon: {svg}"
    );
    assert!(svg.contains("class=\"dg-icon-line"), "{svg}");
    assert!(svg.contains("class=\"dg-marker\""), "the arrowhead is drawn: {svg}");
    assert!(!svg[1..].contains("<svg"), "icons are groups, not nested SVG");
    assert!(
        svg.contains(" scale(0.375)\"") || svg.contains(" scale(1)\""),
        "icons keep their size: {svg}"
    );
}
