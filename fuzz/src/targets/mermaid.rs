//! Mermaid flowcharts through `diagram::render_diagram_figure`: nodes of every shape, edges of every
//! arrow with labels, subgraphs, class and style statements, directives, comments and labels with the
//! HTML authors put in them (`<br/>`, `<small>`, entities).
//!
//! Properties: no panic and no hang; an error points at a line and column of the source; the figure
//! renders the same twice, parses as XML, and keeps the page's Content-Security-Policy: no `<script`,
//! no `<style`, no `style=`, no `on...=` attribute and no `javascript:` URL.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use arbitrary::{Arbitrary, Result, Unstructured};
use edgedocs_diagram::{DiagramKind, DiagramOptions, render_diagram_figure};

use super::{assert_position_in, input};
use crate::pieces::{LineText, Many, Text, UNICODE, WORDS, choose};

/// Inputs on which merman panicked and edgedocs caught it (reported as a diagram error).
pub static RENDERER_PANICS_CAUGHT: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Arbitrary)]
pub struct FlowchartModel {
    header: Header,
    statements: Many<Statement>,
    indent: bool,
}

#[derive(Debug, Arbitrary)]
enum Header {
    Flowchart(Direction),
    Graph(Direction),
    Bare,
    Init(Direction, InitDirective),
    FrontMatter(Direction, LineText),
    Missing,
    Other(LineText),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Direction {
    Td,
    Tb,
    Lr,
    Rl,
    Bt,
    None,
    Bad,
}

impl Direction {
    fn text(self) -> &'static str {
        match self {
            Self::Td => " TD",
            Self::Tb => " TB",
            Self::Lr => " LR",
            Self::Rl => " RL",
            Self::Bt => " BT",
            Self::None => "",
            Self::Bad => " XY",
        }
    }
}

#[derive(Debug, Arbitrary)]
enum InitDirective {
    Theme,
    Curve,
    HtmlLabels(bool),
    Broken,
}

#[derive(Debug, Arbitrary)]
enum Statement {
    Node(Node),
    Edge {
        from: Node,
        arrow: Arrow,
        label: Option<EdgeLabel>,
        to: Node,
        chain: Option<Box<(Arrow, Node)>>,
    },
    Subgraph {
        id: NodeId,
        title: Option<Label>,
        direction: Option<Direction>,
        body: Many<Statement>,
    },
    ClassDef(NodeId, LineText),
    Class(NodeId, NodeId),
    Style(NodeId, LineText),
    LinkStyle(u8, LineText),
    Click(NodeId, LineText),
    Comment(LineText),
    Ampersand(NodeId, NodeId, NodeId),
    Raw(LineText),
}

#[derive(Debug, Arbitrary)]
struct Node {
    id: NodeId,
    shape: Option<(Shape, Label)>,
    class: Option<NodeId>,
}

#[derive(Debug)]
struct NodeId(String);

impl<'a> Arbitrary<'a> for NodeId {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const IDS: &[&str] = &[
            "a", "b", "c", "browser", "worker", "kv", "A1", "node_2", "end", "graph", "subgraph", "style", "class",
            "click", "x-y", "o", "v", "1", "é", "default", "style1", "call", "href",
        ];
        Ok(Self(choose(u, IDS)?.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Shape {
    Rectangle,
    Round,
    Stadium,
    Subroutine,
    Cylinder,
    Circle,
    Asymmetric,
    Rhombus,
    Hexagon,
    Parallelogram,
    ParallelogramAlt,
    Trapezoid,
    TrapezoidAlt,
    DoubleCircle,
    Unclosed,
}

impl Shape {
    fn brackets(self) -> (&'static str, &'static str) {
        match self {
            Self::Rectangle => ("[", "]"),
            Self::Round => ("(", ")"),
            Self::Stadium => ("([", "])"),
            Self::Subroutine => ("[[", "]]"),
            Self::Cylinder => ("[(", ")]"),
            Self::Circle => ("((", "))"),
            Self::Asymmetric => (">", "]"),
            Self::Rhombus => ("{", "}"),
            Self::Hexagon => ("{{", "}}"),
            Self::Parallelogram => ("[/", "/]"),
            Self::ParallelogramAlt => ("[\\", "\\]"),
            Self::Trapezoid => ("[/", "\\]"),
            Self::TrapezoidAlt => ("[\\", "/]"),
            Self::DoubleCircle => ("(((", ")))"),
            Self::Unclosed => ("[", ""),
        }
    }
}

/// A label: plain words, quoted text with HTML, Markdown strings, entities.
#[derive(Debug)]
struct Label(String);

impl<'a> Arbitrary<'a> for Label {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut inner = String::new();
        for _ in 0..u.int_in_range(0..=6)? {
            match u.arbitrary::<u8>()? % 14 {
                0..=5 => inner.push_str(choose(u, WORDS)?),
                6 => inner.push(' '),
                7 => inner.push_str(choose(
                    u,
                    &["<br/>", "<br>", "<b>", "</b>", "<i>x</i>", "<script>x</script>"],
                )?),
                8 => {
                    let _ = write!(inner, "<small>{}</small>", choose(u, WORDS)?);
                }
                9 => inner.push_str(choose(
                    u,
                    &["&lt;", "&gt;", "&amp;", "#quot;", "#35;", "&#9829;", "&bogus;"],
                )?),
                10 => inner.push_str(choose(u, UNICODE)?),
                11 => inner.push_str(choose(
                    u,
                    &["(", ")", "[", "]", "{", "}", "|", "\"", "-->", ";", ":", "%%"],
                )?),
                12 => inner.push_str(choose(u, &["**bold**", "*em*", "`code`", "\\n"])?),
                _ => inner.push_str(&LineText::arbitrary(u)?.0),
            }
        }
        Ok(Self(match u.arbitrary::<u8>()? % 4 {
            0 => format!("\"{}\"", inner.replace('"', "#quot;")),
            1 => format!("\"`{}`\"", inner.replace(['"', '`'], "")),
            _ => inner,
        }))
    }
}

#[derive(Debug)]
struct Arrow(&'static str);

impl<'a> Arbitrary<'a> for Arrow {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(choose(
            u,
            &[
                "-->", "---", "-.->", "-.-", "==>", "===", "--o", "--x", "<-->", "o--o", "x--x", "~~~", "---->",
                "-..->", "===>", "->", "--", "-->>", "<--", "--->|",
            ],
        )?))
    }
}

#[derive(Debug, Arbitrary)]
enum EdgeLabel {
    Pipes(Label),
    Inline(Label),
}

impl Node {
    fn write(&self, out: &mut String) {
        out.push_str(&self.id.0);
        if let Some((shape, label)) = &self.shape {
            let (open, close) = shape.brackets();
            let _ = write!(out, "{open}{}{close}", label.0);
        }
        if let Some(class) = &self.class {
            let _ = write!(out, ":::{}", class.0);
        }
    }
}

fn write_statement(statement: &Statement, out: &mut String, indent: &str, depth: usize) {
    if depth > 8 {
        return;
    }
    out.push_str(indent);
    match statement {
        Statement::Node(node) => node.write(out),
        Statement::Edge {
            from,
            arrow,
            label,
            to,
            chain,
        } => {
            from.write(out);
            match label {
                None => {
                    let _ = write!(out, " {} ", arrow.0);
                }
                Some(EdgeLabel::Pipes(label)) => {
                    let _ = write!(out, " {}|{}| ", arrow.0, label.0);
                }
                Some(EdgeLabel::Inline(label)) => {
                    let _ = write!(out, " -- {} {} ", label.0, arrow.0);
                }
            }
            to.write(out);
            if let Some(chain) = chain {
                let (arrow, node) = chain.as_ref();
                let _ = write!(out, " {} ", arrow.0);
                node.write(out);
            }
        }
        Statement::Subgraph {
            id,
            title,
            direction,
            body,
        } => {
            let _ = write!(out, "subgraph {}", id.0);
            if let Some(title) = title {
                let _ = write!(out, " [{}]", title.0);
            }
            out.push('\n');
            if let Some(direction) = direction {
                let _ = writeln!(out, "{indent}  direction{}", direction.text());
            }
            for inner in body {
                write_statement(inner, out, &format!("{indent}  "), depth + 1);
            }
            let _ = write!(out, "{indent}end");
        }
        Statement::ClassDef(id, text) => {
            let _ = write!(out, "classDef {} {}", id.0, text.0);
        }
        Statement::Class(node, class) => {
            let _ = write!(out, "class {} {}", node.0, class.0);
        }
        Statement::Style(id, text) => {
            let _ = write!(out, "style {} {}", id.0, text.0);
        }
        Statement::LinkStyle(index, text) => {
            let _ = write!(out, "linkStyle {index} {}", text.0);
        }
        Statement::Click(id, text) => {
            let _ = write!(out, "click {} \"{}\"", id.0, text.0);
        }
        Statement::Comment(text) => {
            let _ = write!(out, "%% {}", text.0);
        }
        Statement::Ampersand(a, b, c) => {
            let _ = write!(out, "{} & {} --> {}", a.0, b.0, c.0);
        }
        Statement::Raw(text) => out.push_str(&text.0),
    }
    out.push('\n');
}

impl FlowchartModel {
    /// The diagram's source, as written inside the fence.
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        match &self.header {
            Header::Flowchart(direction) => {
                let _ = writeln!(out, "flowchart{}", direction.text());
            }
            Header::Graph(direction) => {
                let _ = writeln!(out, "graph{}", direction.text());
            }
            Header::Bare => out.push_str("flowchart\n"),
            Header::Init(direction, init) => {
                let directive = match init {
                    InitDirective::Theme => "%%{init: {\"theme\": \"dark\"}}%%",
                    InitDirective::Curve => "%%{init: {\"flowchart\": {\"curve\": \"linear\"}}}%%",
                    InitDirective::HtmlLabels(true) => "%%{init: {\"flowchart\": {\"htmlLabels\": true}}}%%",
                    InitDirective::HtmlLabels(false) => "%%{init: {\"flowchart\": {\"htmlLabels\": false}}}%%",
                    InitDirective::Broken => "%%{init: {\"theme\": }%%",
                };
                let _ = writeln!(out, "{directive}\nflowchart{}", direction.text());
            }
            Header::FrontMatter(direction, title) => {
                let _ = writeln!(out, "---\ntitle: {}\n---\nflowchart{}", title.0, direction.text());
            }
            Header::Missing => {}
            Header::Other(text) => {
                let _ = writeln!(out, "{}", text.0);
            }
        }
        let indent = if self.indent { "  " } else { "" };
        for statement in &self.statements {
            write_statement(statement, &mut out, indent, 0);
        }
        out
    }
}

#[derive(Debug, Arbitrary)]
struct MermaidInput {
    chart: FlowchartModel,
    caption: Option<Text>,
    id_prefix: Option<LineText>,
}

pub fn show(bytes: &[u8]) -> String {
    input::<MermaidInput>(bytes).map_or_else(|| "(no input)".to_owned(), |input| input.chart.to_source())
}

pub fn run(bytes: &[u8]) {
    let Some(input) = input::<MermaidInput>(bytes) else {
        return;
    };
    let source = input.chart.to_source();
    let options = DiagramOptions {
        id_prefix: input
            .id_prefix
            .as_ref()
            .map_or("d-diagram-1", |prefix| prefix.0.as_str()),
        caption: input.caption.as_ref().map(|caption| caption.0.as_str()),
    };
    check_diagram(&source, &options);
}

/// Renders `source` twice and checks the figure (or the error).
pub fn check_diagram(source: &str, options: &DiagramOptions<'_>) {
    let first = render_diagram_figure(DiagramKind::Mermaid, source, options);
    let second = render_diagram_figure(DiagramKind::Mermaid, source, options);
    assert_eq!(first, second, "two renders of the same diagram differ");
    match first {
        Ok(figure) => {
            if let Err(error) = roxmltree::Document::parse(&figure) {
                panic!("the figure is not well-formed XML: {error}");
            }
            let lower = figure.to_ascii_lowercase();
            for forbidden in ["<script", "<style", "<foreignobject"] {
                assert!(!lower.contains(forbidden), "the figure contains `{forbidden}`");
            }
            assert!(
                !has_forbidden_attribute(&figure),
                "the figure has a style= or on...= attribute or a javascript: URL"
            );
        }
        Err(error) => {
            if error.message.contains("the diagram renderer failed on this input") {
                RENDERER_PANICS_CAUGHT.fetch_add(1, Ordering::Relaxed);
            }
            assert_position_in(source, error.line, error.column, "diagram error");
            assert!(!error.message.is_empty(), "a diagram error without a message");
        }
    }
}

/// Whether any element has a `style` attribute, an event handler (`onclick`, `onload`...) or a
/// `javascript:` URL. (Text may say `style=`: labels are the author's words.)
fn has_forbidden_attribute(xml: &str) -> bool {
    let Ok(document) = roxmltree::Document::parse(xml) else {
        return false;
    };
    document.descendants().any(|node| {
        node.attributes().any(|attribute| {
            let name = attribute.name().to_ascii_lowercase();
            name == "style"
                || name.starts_with("on")
                || attribute
                    .value()
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:")
        })
    })
}

/// `--text`: the file is a diagram's source.
pub fn check_text(text: &str) {
    check_diagram(
        text,
        &DiagramOptions {
            id_prefix: "d-diagram-1",
            caption: None,
        },
    );
}
