//! `HtmlInjector` on arbitrary HTML (pages built from real elements, broken markup, raw bytes that are
//! not UTF-8) with an arbitrary plan, fed at arbitrary chunk boundaries.
//!
//! Properties: no panic; the output, the report and success or failure are the same whatever the
//! chunking (one chunk, the input's own chunk sizes, single bytes); the injection adds no `<script`.

use std::fmt::Write as _;

use arbitrary::{Arbitrary, Result, Unstructured};
use edgedocs_edge::{HtmlInjector, InjectionPlan, InjectionReport};

use super::{count_ignoring_case, input};
use crate::pieces::{LineText, Many, Text, Word, choose};

#[derive(Debug, Arbitrary)]
struct InjectorInput {
    page: Many<Piece>,
    theme_class: Option<ThemeClass>,
    pinned_message: Option<Text>,
    edge_name: Word,
    chunk_sizes: Many<u16>,
}

#[derive(Debug)]
struct ThemeClass(String);

impl<'a> Arbitrary<'a> for ThemeClass {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(
            choose(u, &["theme-dark", "theme-light", "theme-sepia", "theme-", "docs"])?.to_owned(),
        ))
    }
}

/// A piece of a page.
#[derive(Debug, Arbitrary)]
enum Piece {
    Doctype,
    Bom,
    HtmlOpen {
        class: Option<LineText>,
        extra: Option<Word>,
        quote: Quote,
    },
    HtmlClose,
    Head,
    PinnedSlot {
        hidden: bool,
        inner: Option<Text>,
        tag: SlotTag,
    },
    Text(Text),
    Element {
        tag: Tag,
        attribute: Option<(Word, LineText)>,
        inner: Text,
    },
    Comment(Text),
    Script(Text),
    Style(Text),
    RawText {
        tag: RawTag,
        inner: Text,
    },
    Cdata(Text),
    UnclosedTag(Word),
    Entity(Entity),
    Bytes(Vec<u8>),
    Raw(LineText),
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum Quote {
    Double,
    Single,
    None,
}

#[derive(Debug, Clone, Copy, Arbitrary)]
enum SlotTag {
    Div,
    Span,
    DivUppercase,
}

#[derive(Debug)]
struct Tag(&'static str);

impl<'a> Arbitrary<'a> for Tag {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(choose(
            u,
            &[
                "p", "div", "main", "a", "svg", "math", "template", "table", "tr", "td", "li", "body", "html", "br",
            ],
        )?))
    }
}

#[derive(Debug)]
struct RawTag(&'static str);

impl<'a> Arbitrary<'a> for RawTag {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(choose(
            u,
            &[
                "textarea",
                "title",
                "xmp",
                "iframe",
                "noembed",
                "noframes",
                "noscript",
                "plaintext",
            ],
        )?))
    }
}

#[derive(Debug)]
struct Entity(&'static str);

impl<'a> Arbitrary<'a> for Entity {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Self(choose(
            u,
            &["&amp;", "&lt;", "&#x1F680;", "&nbsp", "&", "&#0;", "&#xD800;"],
        )?))
    }
}

impl InjectorInput {
    fn page_bytes(&self) -> Vec<u8> {
        let mut page: Vec<u8> = Vec::new();
        for piece in &self.page {
            let mut text = String::new();
            match piece {
                Piece::Doctype => text.push_str("<!doctype html>\n"),
                Piece::Bom => text.push('\u{feff}'),
                Piece::HtmlOpen { class, extra, quote } => {
                    text.push_str("<html lang=\"en\"");
                    if let Some(class) = class {
                        let value = class.0.replace(['"', '\''], "");
                        match quote {
                            Quote::Double => {
                                let _ = write!(text, " class=\"{value}\"");
                            }
                            Quote::Single => {
                                let _ = write!(text, " class='{value}'");
                            }
                            Quote::None => {
                                let _ = write!(text, " class={}", value.replace(' ', ""));
                            }
                        }
                    }
                    if let Some(extra) = extra {
                        let _ = write!(text, " {}", extra.0);
                    }
                    text.push('>');
                }
                Piece::HtmlClose => text.push_str("</html>"),
                Piece::Head => text.push_str("<head><meta charset=\"utf-8\"><title>KV</title></head>"),
                Piece::PinnedSlot { hidden, inner, tag } => {
                    let name = match tag {
                        SlotTag::Div => "div",
                        SlotTag::Span => "span",
                        SlotTag::DivUppercase => "DIV",
                    };
                    let _ = write!(
                        text,
                        "<{name} id=\"pinned-message\" class=\"pinned-message\"{}>{}</{name}>",
                        if *hidden { " hidden" } else { "" },
                        inner.as_ref().map_or("", |inner| inner.0.as_str())
                    );
                }
                Piece::Text(inner) => text.push_str(&inner.0),
                Piece::Element { tag, attribute, inner } => {
                    let _ = write!(text, "<{}", tag.0);
                    if let Some((name, value)) = attribute {
                        let _ = write!(text, " {}=\"{}\"", name.0, value.0.replace('"', "&quot;"));
                    }
                    let _ = write!(text, ">{}</{}>", inner.0, tag.0);
                }
                Piece::Comment(inner) => {
                    let _ = write!(text, "<!--{}-->", inner.0);
                }
                Piece::Script(inner) => {
                    let _ = write!(text, "<script>{}</script>", inner.0);
                }
                Piece::Style(inner) => {
                    let _ = write!(text, "<style>{}</style>", inner.0);
                }
                Piece::RawText { tag, inner } => {
                    let _ = write!(text, "<{}>{}</{}>", tag.0, inner.0, tag.0);
                }
                Piece::Cdata(inner) => {
                    let _ = write!(text, "<![CDATA[{}]]>", inner.0);
                }
                Piece::UnclosedTag(word) => {
                    let _ = write!(text, "<{} ", word.0);
                }
                Piece::Entity(entity) => text.push_str(entity.0),
                Piece::Bytes(bytes) => page.extend_from_slice(bytes),
                Piece::Raw(raw) => text.push_str(&raw.0),
            }
            page.extend_from_slice(text.as_bytes());
        }
        page
    }

    fn plan(&self) -> InjectionPlan {
        InjectionPlan {
            theme_class: self.theme_class.as_ref().map(|class| class.0.clone()),
            pinned_message: self.pinned_message.as_ref().map(|message| message.0.clone()),
            edge_name: self.edge_name.0.clone(),
        }
    }
}

pub fn show(bytes: &[u8]) -> String {
    match input::<InjectorInput>(bytes) {
        Some(input) => format!(
            "plan: {:?}\nchunk sizes: {:?}\npage:\n{}",
            input.plan(),
            input.chunk_sizes,
            String::from_utf8_lossy(&input.page_bytes())
        ),
        None => "(no input)".to_owned(),
    }
}

/// What one injection did: the output bytes and the report, or the error's text.
type Injected = std::result::Result<(Vec<u8>, InjectionReport), String>;

/// Feeds `page` in chunks of `sizes` (cycled; a zero is an empty write).
fn inject_in_chunks(plan: &InjectionPlan, page: &[u8], sizes: &[usize]) -> Injected {
    let mut output = Vec::new();
    let mut injector = HtmlInjector::new(plan, |chunk: &[u8]| output.extend_from_slice(chunk));
    let mut offset = 0;
    let mut sizes = sizes.iter().cycle();
    while offset < page.len() {
        let size = *sizes.next().unwrap_or(&page.len());
        let end = (offset + size).min(page.len());
        injector.write(&page[offset..end]).map_err(|error| error.to_string())?;
        offset = end;
    }
    let report = injector.end().map_err(|error| error.to_string())?;
    Ok((output, report))
}

pub fn run(bytes: &[u8]) {
    let Some(input) = input::<InjectorInput>(bytes) else {
        return;
    };
    let page = input.page_bytes();
    let plan = input.plan();
    check_chunking(
        &plan,
        &page,
        &input
            .chunk_sizes
            .iter()
            .map(|size| usize::from(*size) % 300)
            .collect::<Vec<_>>(),
    );
}

/// Injects `page` whole, in `sizes`, and byte by byte; all three must agree.
pub fn check_chunking(plan: &InjectionPlan, page: &[u8], sizes: &[usize]) {
    let whole = inject_in_chunks(plan, page, &[page.len().max(1)]);
    let mut sizes = sizes.to_vec();
    if sizes.iter().all(|size| *size == 0) {
        sizes.push(1);
    }
    let chunked = inject_in_chunks(plan, page, &sizes);
    assert_eq!(chunked, whole, "chunk sizes {sizes:?} change the output");
    if page.len() <= 4096 {
        let bytewise = inject_in_chunks(plan, page, &[1]);
        assert_eq!(bytewise, whole, "single-byte chunks change the output");
    }
    if let Ok((output, _)) = &whole {
        let scripts_in = count_ignoring_case(&String::from_utf8_lossy(page), "<script");
        let scripts_out = count_ignoring_case(&String::from_utf8_lossy(output), "<script");
        assert!(
            scripts_out <= scripts_in,
            "the injection added `<script` ({scripts_in} in, {scripts_out} out)"
        );
    }
}

/// `--text`: the file is a page, injected with a full plan in chunks of 1 to 7 bytes.
pub fn check_text(text: &str) {
    let plan = InjectionPlan {
        theme_class: Some("theme-dark".to_owned()),
        pinned_message: Some("<b>Maintenance</b> & more".to_owned()),
        edge_name: "fuzz".to_owned(),
    };
    check_chunking(&plan, text.as_bytes(), &[1, 2, 3, 5, 7]);
}
