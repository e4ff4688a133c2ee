//! Whole Markdown pages with TOML front matter, through `front_matter::split`, `front_matter::parse` and
//! `markdown::render`, the way the build reads a page: links, headings with attributes, admonitions,
//! footnotes, tables, raw HTML, nested lists and quotes, fenced code (and includes, against a small
//! site root with a source file), diagrams.
//!
//! Properties: no panic; the render is deterministic; every diagnostic points at a line and column of
//! the file; the HTML holds no `<script` that the page's own raw HTML did not; generated heading ids
//! are unique on the page.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::LazyLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use edgedocs::content::front_matter;
use edgedocs::diagnostics::{Diagnostic, Diagnostics};
use edgedocs::markdown::{self, MarkdownOptions, MarkdownSource, PageLookup, RenderContext};
use edgedocs::site_root::SiteRoot;
use pulldown_cmark::{Event, Parser, Tag};

use super::fence::{CodeModel, InfoModel};
use super::mermaid::FlowchartModel;
use super::{assert_position_in, count_ignoring_case, input};
use crate::pieces::{LineText, Many, Text, Word, choose, raw_string};

/// The file every page is rendered as.
const PAGE_FILE: &str = "content/guide/page.md";

/// The pages a relative link can reach.
struct Pages;

impl PageLookup for Pages {
    fn path_of_source(&self, source: &Path) -> Option<String> {
        match source.to_str()? {
            "content/guide/page.md" => Some("/guide/page/".into()),
            "content/guide/other.md" => Some("/guide/other/".into()),
            "content/guide/_index.md" => Some("/guide/".into()),
            "content/_index.md" => Some("/".into()),
            _ => None,
        }
    }
}

/// A site root holding one source file for `include="..."` fences.
static SITE_ROOT: LazyLock<SiteRoot> = LazyLock::new(|| {
    let root = tempfile::Builder::new()
        .prefix("edgedocs-fuzz-site")
        .tempdir()
        .expect("a temporary folder")
        .keep();
    std::fs::create_dir_all(root.join("src")).expect("src/");
    std::fs::write(
        root.join("src/lib.rs"),
        "fn a() {}\n    // #region handler\n    fn handler() {\n        // #region inner\n        work();\n        // #endregion inner\n    }\n    // #endregion handler\n// #region open\nlet x = 1;\n",
    )
    .expect("src/lib.rs");
    SiteRoot::new(&root).expect("the fuzz site root")
});

#[derive(Debug, Arbitrary)]
pub struct PageModel {
    front_matter: FrontMatterModel,
    blocks: Many<Block>,
    smart_punctuation: bool,
    line_ending: LineEnding,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum LineEnding {
    Lf,
    Crlf,
}

#[derive(Debug, Arbitrary)]
enum FrontMatterModel {
    None,
    Keys(Many<FrontMatterKey>),
    Raw(Text),
    Unclosed(Many<FrontMatterKey>),
    Yaml,
    Bom(Many<FrontMatterKey>),
}

#[derive(Debug, Arbitrary)]
enum FrontMatterKey {
    Title(LineText),
    Description(LineText),
    Weight(i64),
    WeightText(LineText),
    Draft(bool),
    Slug(Word),
    SlugRaw(LineText),
    Template(Word),
    Extra(Word, TomlValue),
    Typo(Word, TomlValue),
    Raw(LineText),
}

#[derive(Debug, Arbitrary)]
pub enum TomlValue {
    String(LineText),
    Integer(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<i16>),
    InlineTable(Word, i16),
    Date,
    Bad(LineText),
}

impl TomlValue {
    pub fn write(&self, out: &mut String) {
        match self {
            Self::String(text) => {
                let _ = write!(out, "{:?}", text.0);
            }
            Self::Integer(number) => {
                let _ = write!(out, "{number}");
            }
            Self::Float(number) => {
                let _ = write!(out, "{number:?}");
            }
            Self::Bool(value) => {
                let _ = write!(out, "{value}");
            }
            Self::Array(items) => {
                let _ = write!(out, "{items:?}");
            }
            Self::InlineTable(key, value) => {
                let _ = write!(out, "{{ {:?} = {value} }}", key.0);
            }
            Self::Date => out.push_str("1979-05-27T07:32:00Z"),
            Self::Bad(text) => out.push_str(&text.0),
        }
    }
}

fn write_key(out: &mut String, key: &str, value: impl FnOnce(&mut String)) {
    out.push_str(key);
    out.push_str(" = ");
    value(out);
    out.push('\n');
}

impl FrontMatterKey {
    fn write(&self, out: &mut String) {
        fn string(text: &str) -> impl FnOnce(&mut String) + '_ {
            move |out: &mut String| {
                let _ = write!(out, "{text:?}");
            }
        }
        match self {
            Self::Title(text) => write_key(out, "title", string(&text.0)),
            Self::Description(text) => write_key(out, "description", string(&text.0)),
            Self::Weight(weight) => write_key(out, "weight", |out| out.push_str(&weight.to_string())),
            Self::WeightText(text) => write_key(out, "weight", |out| out.push_str(&text.0)),
            Self::Draft(draft) => write_key(out, "draft", |out| out.push_str(&draft.to_string())),
            Self::Slug(word) => write_key(out, "slug", string(&word.0)),
            Self::SlugRaw(text) => write_key(out, "slug", string(&text.0)),
            Self::Template(word) => write_key(out, "template", string(&format!("{}.html", word.0))),
            Self::Extra(key, value) => {
                let _ = writeln!(out, "[extra]");
                write_key(out, &format!("{:?}", key.0), |out| value.write(out));
            }
            Self::Typo(key, value) => write_key(out, &format!("{:?}", key.0), |out| value.write(out)),
            Self::Raw(text) => {
                out.push_str(&text.0);
                out.push('\n');
            }
        }
    }
}

/// Markdown blocks; nested ones (lists, quotes, admonitions) hold more blocks.
#[derive(Debug, Arbitrary)]
enum Block {
    Paragraph(Many<Inline>),
    Heading {
        level: u8,
        text: Many<Inline>,
        attributes: Vec<HeadingAttribute>,
        setext: bool,
    },
    List {
        ordered: bool,
        task: bool,
        loose: bool,
        items: Many<Vec<Block>>,
    },
    Quote(Many<Block>),
    Admonition {
        kind: AdmonitionKind,
        body: Many<Block>,
    },
    Fence {
        info: InfoModel,
        code: CodeModel,
        tildes: bool,
    },
    Include {
        spec: IncludeSpec,
        body: bool,
    },
    Diagram {
        chart: FlowchartModel,
        caption: Option<LineText>,
    },
    Table {
        header: Many<Vec<Inline>>,
        alignments: Vec<Alignment>,
        rows: Many<Vec<Vec<Inline>>>,
    },
    Html(HtmlBlock),
    FootnoteDefinition {
        label: Word,
        body: Many<Inline>,
    },
    LinkDefinition {
        label: Word,
        url: Url,
        title: Option<LineText>,
    },
    DefinitionList {
        term: Vec<Inline>,
        definitions: Many<Vec<Inline>>,
    },
    ThematicBreak,
    IndentedCode(CodeModel),
    Raw(Text),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum AdmonitionKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
    Lowercase,
    Unknown,
}

#[derive(Debug, Arbitrary)]
enum HeadingAttribute {
    Id(Word),
    Class(Word),
    KeyValue(Word, Word),
    Raw(LineText),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Alignment {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug)]
enum IncludeSpec {
    Known(&'static str),
    Other(String),
}

impl<'a> Arbitrary<'a> for IncludeSpec {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const KNOWN: &[&str] = &[
            "src/lib.rs",
            "src/lib.rs#handler",
            "src/lib.rs#inner",
            "src/lib.rs#open",
            "src/lib.rs#missing",
            "src/lib.rs#",
            "src/missing.rs",
            "/etc/hostname",
            "src",
            "",
        ];
        Ok(if u.ratio(7, 8)? {
            Self::Known(choose(u, KNOWN)?)
        } else {
            Self::Other(Word::arbitrary(u)?.0)
        })
    }
}

#[derive(Debug, Arbitrary)]
enum HtmlBlock {
    Div { id: Option<Word>, inner: Text },
    Details { summary: LineText, body: Vec<Inline> },
    Script(LineText),
    Comment(Text),
    Span { id: Word, text: LineText },
    Raw(Text),
}

#[derive(Debug, Arbitrary)]
enum Inline {
    Text(Text),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Code(LineText),
    Link {
        text: Vec<Inline>,
        url: Url,
        title: Option<LineText>,
    },
    ReferenceLink {
        text: Vec<Inline>,
        label: Word,
    },
    Image {
        alt: LineText,
        url: Url,
    },
    FootnoteReference(Word),
    Html(InlineHtml),
    Autolink(Url),
    HardBreak,
    Entity(EntityModel),
    Raw(LineText),
}

#[derive(Debug, Arbitrary)]
enum InlineHtml {
    Span(LineText),
    Anchor { id: Word },
    Script,
    Break,
    Raw(LineText),
}

#[derive(Debug)]
struct EntityModel(&'static str);

impl<'a> Arbitrary<'a> for EntityModel {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(choose(
            u,
            &[
                "&amp;",
                "&lt;",
                "&#60;",
                "&#x3C;",
                "&nbsp;",
                "&copy;",
                "&#0;",
                "&#xFFFFFF;",
                "&bogus;",
                "&",
            ],
        )?))
    }
}

#[derive(Debug, Arbitrary)]
enum Url {
    Markdown {
        parents: u8,
        folder: Option<Word>,
        file: PageFile,
        anchor: Option<Word>,
    },
    RootRelative {
        segments: Vec<Word>,
        anchor: Option<Word>,
    },
    Anchor(Word),
    External(Word),
    Mailto(Word),
    Relative(Word),
    Percent(Word),
    Raw(LineText),
}

#[derive(Debug)]
struct PageFile(&'static str);

impl<'a> Arbitrary<'a> for PageFile {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(choose(
            u,
            &[
                "page.md",
                "other.md",
                "_index.md",
                "missing.md",
                "kv.md",
                ".md",
                "a b.md",
                "other.MD",
            ],
        )?))
    }
}

impl Url {
    fn to_text(&self) -> String {
        match self {
            Self::Markdown {
                parents,
                folder,
                file,
                anchor,
            } => {
                let mut url = "../".repeat(usize::from(parents % 4));
                if let Some(folder) = folder {
                    url.push_str(&folder.0);
                    url.push('/');
                }
                url.push_str(file.0);
                if let Some(anchor) = anchor {
                    url.push('#');
                    url.push_str(&anchor.0);
                }
                url.replace(' ', "%20")
            }
            Self::RootRelative { segments, anchor } => {
                let mut url = String::from("/");
                for segment in segments {
                    url.push_str(&segment.0);
                    url.push('/');
                }
                if let Some(anchor) = anchor {
                    url.push('#');
                    url.push_str(&anchor.0);
                }
                url
            }
            Self::Anchor(word) => format!("#{}", word.0),
            Self::External(word) => format!("https://example.com/{}", word.0),
            Self::Mailto(word) => format!("mailto:{}@example.com", word.0),
            Self::Relative(word) => format!("{}.png", word.0),
            Self::Percent(word) => format!("{}%2", word.0),
            Self::Raw(text) => text.0.clone(),
        }
    }
}

const MAX_DEPTH: usize = 12;

fn write_inlines(inlines: &[Inline], out: &mut String, depth: usize) {
    for inline in inlines {
        write_inline(inline, out, depth);
    }
}

fn write_inline(inline: &Inline, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match inline {
        Inline::Text(text) => out.push_str(&text.0.replace('\n', " ")),
        Inline::Emphasis(inner) => {
            out.push('*');
            write_inlines(inner, out, depth + 1);
            out.push('*');
        }
        Inline::Strong(inner) => {
            out.push_str("**");
            write_inlines(inner, out, depth + 1);
            out.push_str("**");
        }
        Inline::Strikethrough(inner) => {
            out.push_str("~~");
            write_inlines(inner, out, depth + 1);
            out.push_str("~~");
        }
        Inline::Code(text) => {
            let _ = write!(out, "`{}`", text.0);
        }
        Inline::Link { text, url, title } => {
            out.push('[');
            write_inlines(text, out, depth + 1);
            let _ = write!(out, "]({}", url.to_text());
            if let Some(title) = title {
                let _ = write!(out, " \"{}\"", title.0);
            }
            out.push(')');
        }
        Inline::ReferenceLink { text, label } => {
            out.push('[');
            write_inlines(text, out, depth + 1);
            let _ = write!(out, "][{}]", label.0);
        }
        Inline::Image { alt, url } => {
            let _ = write!(out, "![{}]({})", alt.0, url.to_text());
        }
        Inline::FootnoteReference(label) => {
            let _ = write!(out, "[^{}]", label.0);
        }
        Inline::Html(html) => match html {
            InlineHtml::Span(text) => {
                let _ = write!(out, "<span class=\"x\">{}</span>", text.0);
            }
            InlineHtml::Anchor { id } => {
                let _ = write!(out, "<a id=\"{}\"></a>", id.0);
            }
            InlineHtml::Script => out.push_str("<script>alert(1)</script>"),
            InlineHtml::Break => out.push_str("<br/>"),
            InlineHtml::Raw(text) => {
                let _ = write!(out, "<{}>", text.0);
            }
        },
        Inline::Autolink(url) => {
            let _ = write!(out, "<{}>", url.to_text());
        }
        Inline::HardBreak => out.push_str("  \n"),
        Inline::Entity(entity) => out.push_str(entity.0),
        Inline::Raw(text) => out.push_str(&text.0),
    }
}

fn inline_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    write_inlines(inlines, &mut out, 0);
    out.replace('\n', " ")
}

/// Appends `text`'s lines to `out`, the first after `first`, the others after `rest`.
fn push_prefixed(out: &mut String, text: &str, first: &str, rest: &str) {
    for (index, line) in text.lines().enumerate() {
        out.push_str(if index == 0 { first } else { rest });
        out.push_str(line);
        out.push('\n');
    }
    if text.is_empty() {
        out.push_str(first.trim_end());
        out.push('\n');
    }
}

fn write_blocks(blocks: &[Block], out: &mut String, depth: usize) {
    for block in blocks {
        write_block(block, out, depth);
        out.push('\n');
    }
}

fn write_block(block: &Block, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match block {
        Block::Paragraph(inlines) => {
            write_inlines(inlines, out, depth);
            out.push('\n');
        }
        Block::Heading {
            level,
            text,
            attributes,
            setext,
        } => {
            let level = usize::from(level % 7).max(1);
            let mut attribute_text = String::new();
            for attribute in attributes {
                attribute_text.push(' ');
                match attribute {
                    HeadingAttribute::Id(word) => {
                        let _ = write!(attribute_text, "#{}", word.0);
                    }
                    HeadingAttribute::Class(word) => {
                        let _ = write!(attribute_text, ".{}", word.0);
                    }
                    HeadingAttribute::KeyValue(key, value) => {
                        let _ = write!(attribute_text, "{}={}", key.0, value.0);
                    }
                    HeadingAttribute::Raw(text) => attribute_text.push_str(&text.0),
                }
            }
            let braces = if attributes.is_empty() {
                String::new()
            } else {
                format!(" {{{attribute_text} }}")
            };
            let text = inline_text(text);
            if *setext && level <= 2 {
                let _ = writeln!(out, "{text}{braces}\n{}", if level == 1 { "===" } else { "---" });
            } else {
                let _ = writeln!(out, "{} {text}{braces}", "#".repeat(level));
            }
        }
        Block::List {
            ordered,
            task,
            loose,
            items,
        } => {
            for (index, item) in items.iter().enumerate() {
                let mut inner = String::new();
                write_blocks(item, &mut inner, depth + 1);
                let inner = if *loose { inner } else { inner.trim_end().to_owned() };
                let marker = match (*ordered, *task) {
                    (true, _) => format!("{}. ", index + 1),
                    (false, true) => format!("- [{}] ", if index % 2 == 0 { ' ' } else { 'x' }),
                    (false, false) => "- ".to_owned(),
                };
                let indent = " ".repeat(if *ordered { marker.len() } else { 2 });
                push_prefixed(out, &inner, &marker, &indent);
            }
        }
        Block::Quote(blocks) => {
            let mut inner = String::new();
            write_blocks(blocks, &mut inner, depth + 1);
            push_prefixed(out, inner.trim_end(), "> ", "> ");
        }
        Block::Admonition { kind, body } => {
            let marker = match kind {
                AdmonitionKind::Note => "[!NOTE]",
                AdmonitionKind::Tip => "[!TIP]",
                AdmonitionKind::Important => "[!IMPORTANT]",
                AdmonitionKind::Warning => "[!WARNING]",
                AdmonitionKind::Caution => "[!CAUTION]",
                AdmonitionKind::Lowercase => "[!note]",
                AdmonitionKind::Unknown => "[!DANGER]",
            };
            let mut inner = format!("{marker}\n");
            write_blocks(body, &mut inner, depth + 1);
            push_prefixed(out, inner.trim_end(), "> ", "> ");
        }
        Block::Fence { info, code, tildes } => {
            let fence = if *tildes { "~~~" } else { "```" };
            let _ = write!(out, "{fence}{}\n{}", info.to_info_string().replace('\n', " "), code.0);
            if !code.0.ends_with('\n') && !code.0.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "{fence}");
        }
        Block::Include { spec, body } => {
            let spec = match spec {
                IncludeSpec::Known(spec) => (*spec).to_owned(),
                IncludeSpec::Other(spec) => spec.clone(),
            };
            let _ = writeln!(
                out,
                "```rust include=\"{spec}\"\n{}```",
                if *body { "ignored\n" } else { "" }
            );
        }
        Block::Diagram { chart, caption } => {
            out.push_str("```mermaid");
            if let Some(caption) = caption {
                let _ = write!(out, " caption=\"{}\"", caption.0.replace(['"', '\\'], ""));
            }
            let source = chart.to_source();
            let _ = write!(out, "\n{source}");
            if !source.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("```\n");
        }
        Block::Table {
            header,
            alignments,
            rows,
        } => {
            let columns = header.len().max(1);
            let cell = |inlines: &Vec<Inline>| inline_text(inlines).replace('|', "\\|");
            out.push('|');
            for column in 0..columns {
                let _ = write!(out, " {} |", header.get(column).map(cell).unwrap_or_default());
            }
            out.push_str("\n|");
            for column in 0..columns {
                out.push_str(match alignments.get(column).copied().unwrap_or(Alignment::None) {
                    Alignment::None => " --- |",
                    Alignment::Left => " :-- |",
                    Alignment::Center => " :-: |",
                    Alignment::Right => " --: |",
                });
            }
            out.push('\n');
            for row in rows {
                out.push('|');
                for cells in row {
                    let _ = write!(out, " {} |", cell(cells));
                }
                out.push('\n');
            }
        }
        Block::Html(html) => match html {
            HtmlBlock::Div { id, inner } => {
                match id {
                    Some(id) => {
                        let _ = write!(out, "<div id=\"{}\">", id.0);
                    }
                    None => out.push_str("<div>"),
                }
                let _ = writeln!(out, "\n{}\n</div>", inner.0);
            }
            HtmlBlock::Details { summary, body } => {
                let _ = writeln!(
                    out,
                    "<details><summary>{}</summary>\n\n{}\n\n</details>",
                    summary.0,
                    inline_text(body)
                );
            }
            HtmlBlock::Script(text) => {
                let _ = writeln!(out, "<script>\n{}\n</script>", text.0);
            }
            HtmlBlock::Comment(text) => {
                let _ = writeln!(out, "<!-- {} -->", text.0);
            }
            HtmlBlock::Span { id, text } => {
                let _ = writeln!(out, "<span id='{}'>{}</span>", id.0, text.0);
            }
            HtmlBlock::Raw(text) => {
                let _ = writeln!(out, "<{}", text.0);
            }
        },
        Block::FootnoteDefinition { label, body } => {
            let _ = writeln!(out, "[^{}]: {}", label.0, inline_text(body));
        }
        Block::LinkDefinition { label, url, title } => {
            let _ = write!(out, "[{}]: {}", label.0, url.to_text());
            if let Some(title) = title {
                let _ = write!(out, " \"{}\"", title.0);
            }
            out.push('\n');
        }
        Block::DefinitionList { term, definitions } => {
            let _ = writeln!(out, "{}", inline_text(term));
            for definition in definitions {
                let _ = writeln!(out, ": {}", inline_text(definition));
            }
        }
        Block::ThematicBreak => out.push_str("***\n"),
        Block::IndentedCode(code) => push_prefixed(out, &code.0, "    ", "    "),
        Block::Raw(text) => {
            out.push_str(&text.0);
            out.push('\n');
        }
    }
}

impl PageModel {
    /// The page's file text.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        let keys = |keys: &[FrontMatterKey], text: &mut String| {
            for key in keys {
                key.write(text);
            }
        };
        match &self.front_matter {
            FrontMatterModel::None => {}
            FrontMatterModel::Keys(list) => {
                text.push_str("+++\n");
                keys(list, &mut text);
                text.push_str("+++\n");
            }
            FrontMatterModel::Raw(raw) => {
                let _ = write!(text, "+++\n{}\n+++\n", raw.0);
            }
            FrontMatterModel::Unclosed(list) => {
                text.push_str("+++\n");
                keys(list, &mut text);
            }
            FrontMatterModel::Yaml => text.push_str("---\ntitle: x\n---\n"),
            FrontMatterModel::Bom(list) => {
                text.push_str("\u{feff}+++\n");
                keys(list, &mut text);
                text.push_str("+++\n");
            }
        }
        write_blocks(&self.blocks, &mut text, 0);
        match self.line_ending {
            LineEnding::Lf => text,
            LineEnding::Crlf => text.replace('\n', "\r\n"),
        }
    }
}

pub fn show(bytes: &[u8]) -> String {
    input::<PageModel>(bytes).map_or_else(|| "(no input)".to_owned(), |page| page.to_text())
}

/// What one page renders to, for comparing two runs.
#[derive(Debug, PartialEq)]
struct PageOutcome {
    html: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

fn render_page(file: &Path, text: &str, smart_punctuation: bool) -> (PageOutcome, Option<usize>) {
    let mut diagnostics = Diagnostics::new();
    let split = match front_matter::split(file, text) {
        Ok(split) => split,
        Err(diagnostic) => {
            return (
                PageOutcome {
                    html: None,
                    diagnostics: vec![diagnostic],
                },
                None,
            );
        }
    };
    let front = front_matter::parse(file, &split, &mut diagnostics);
    let Some(front) = front else {
        return (
            PageOutcome {
                html: None,
                diagnostics: diagnostics.into_vec(),
            },
            None,
        );
    };
    let source = MarkdownSource {
        file,
        body: split.body,
        body_line: split.body_line,
        drop_title_heading: front.title.is_none(),
        id_prefix: "d",
    };
    let context = RenderContext {
        site_root: &SITE_ROOT,
        pages: &Pages,
        options: MarkdownOptions {
            smart_punctuation,
            heading_ids: markdown::headings::HeadingIds::Github,
        },
        base_path: "",
        frame_cache: None,
    };
    let rendered = markdown::render(&source, &context);
    check_heading_ids(split.body, smart_punctuation, &rendered.html);
    check_heading_tags(&rendered.html);
    diagnostics.extend(rendered.diagnostics);
    let body_offset = text.len() - split.body.len();
    (
        PageOutcome {
            html: Some(rendered.html),
            diagnostics: diagnostics.into_vec(),
        },
        Some(body_offset),
    )
}

/// Ids the page generated for headings (not the ones an author wrote with `{#id}`) are unique, and
/// differ from every other id on the page.
fn check_heading_ids(body: &str, smart_punctuation: bool, html: &str) {
    let Some(events) = parse(body, smart_punctuation) else {
        return;
    };
    let explicit: Vec<String> = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut seen: HashSet<String> = HashSet::new();
    let mut explicit_left: Vec<&str> = explicit.iter().map(String::as_str).collect();
    for id in heading_ids_in(html) {
        if let Some(position) = explicit_left.iter().position(|written| *written == id) {
            explicit_left.remove(position);
            seen.insert(id);
            continue;
        }
        assert!(
            !explicit.contains(&id) && seen.insert(id.clone()),
            "the generated heading id `{id}` is used twice on the page"
        );
    }
}

/// Every heading element the renderer wrote (`<h2 id="..." ...>`) has well-formed attributes: names
/// of letters, digits, `-`, `_`, `:` and `.`, values in double quotes without a raw `"` or `<`.
fn check_heading_tags(html: &str) {
    let mut rest = html;
    while let Some(start) = rest.find("<h") {
        rest = &rest[start + 2..];
        let Some(level) = rest.chars().next() else { break };
        if !('1'..='6').contains(&level) || !rest[1..].starts_with(" id=\"") {
            continue;
        }
        let mut tag = &rest[1..];
        loop {
            tag = tag.trim_start_matches(' ');
            if tag.starts_with('>') {
                break;
            }
            let name_end = tag.find(['=', ' ', '>']).unwrap_or(tag.len());
            let name = &tag[..name_end];
            assert!(
                !name.is_empty()
                    && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c)),
                "a heading has an attribute named `{name}`"
            );
            tag = &tag[name_end..];
            if let Some(value) = tag.strip_prefix("=\"") {
                let end = value.find('"').expect("an attribute value is closed");
                assert!(!value[..end].contains('<'), "a heading attribute value holds `<`");
                tag = &value[end + 1..];
            }
            assert!(
                tag.starts_with([' ', '>']),
                "a heading tag is malformed: {}",
                &tag[..tag.len().min(40)]
            );
        }
    }
}

/// The `id` of every heading element the renderer wrote (`<h2 id="...">`), unescaped.
fn heading_ids_in(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<h") {
        rest = &rest[start + 2..];
        let Some(level) = rest.chars().next() else { break };
        if !('1'..='6').contains(&level) || !rest[1..].starts_with(" id=\"") {
            continue;
        }
        rest = &rest[6..];
        let Some(end) = rest.find('"') else { break };
        ids.push(
            rest[..end]
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
        );
    }
    ids
}

/// How many `<script` the page's raw HTML holds (as the Markdown parser sees it).
fn scripts_in_raw_html(body: &str, smart_punctuation: bool) -> usize {
    parse(body, smart_punctuation).map_or(0, |events| {
        events
            .iter()
            .map(|event| match event {
                Event::Html(html) | Event::InlineHtml(html) => count_ignoring_case(html, "<script"),
                _ => 0,
            })
            .sum()
    })
}

/// The body's events as the renderer's parser sees them; `None` when the parser panics (the render
/// reports that page as an error).
fn parse(body: &str, smart_punctuation: bool) -> Option<Vec<Event<'_>>> {
    let options = markdown::parser_options(MarkdownOptions {
        smart_punctuation,
        heading_ids: markdown::headings::HeadingIds::Github,
    });
    std::panic::catch_unwind(|| Parser::new_ext(body, options).collect()).ok()
}

pub fn run(bytes: &[u8]) {
    let Some(page) = input::<PageModel>(bytes) else {
        return;
    };
    let text = page.to_text();
    check_page(&text, page.smart_punctuation);
    if text.len() < 2048 {
        // Raw bytes: the same text with a few characters taken out of the structure's way.
        let mut u = Unstructured::new(bytes);
        if let Ok(extra) = raw_string(&mut u, 64) {
            let cut = u.int_in_range(0..=text.len()).unwrap_or(0);
            let mut mangled = text.clone();
            while !mangled.is_char_boundary(cut.min(mangled.len())) {
                mangled.pop();
            }
            mangled.insert_str(cut.min(mangled.len()), &extra);
            check_page(&mangled, page.smart_punctuation);
        }
    }
}

/// Renders `text` as a page twice and checks every property.
pub fn check_page(text: &str, smart_punctuation: bool) {
    let file = Path::new(PAGE_FILE);
    let (first, body_offset) = render_page(file, text, smart_punctuation);
    let (second, _) = render_page(file, text, smart_punctuation);
    assert_eq!(first, second, "two renders of the same page differ");
    for diagnostic in &first.diagnostics {
        if let Some(location) = &diagnostic.location {
            assert_eq!(location.file, file, "a diagnostic names another file: {diagnostic}");
            let what = format!("diagnostic `{diagnostic}`");
            // The file the author sees: without the byte-order mark the splitter skips.
            let shown = text.strip_prefix('\u{feff}').unwrap_or(text);
            assert_position_in(shown, location.line, location.column, &what);
        }
    }
    if let (Some(html), Some(body_offset)) = (&first.html, body_offset) {
        let body = &text[body_offset..];
        let allowed = scripts_in_raw_html(body, smart_punctuation);
        let found = count_ignoring_case(html, "<script");
        assert!(
            found <= allowed,
            "the HTML has {found} `<script` but the page's raw HTML only {allowed}"
        );
    }
}

/// `--text`: the file is a page, rendered with and without smart punctuation.
pub fn check_text(text: &str) {
    check_page(text, true);
    check_page(text, false);
}
