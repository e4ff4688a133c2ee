//! Markdown features pinned as snapshots, one test per feature.

use super::*;
use std::path::PathBuf;

struct Pages;

impl PageLookup for Pages {
    fn path_of_source(&self, source: &Path) -> Option<String> {
        (source == Path::new("content/storage/kv.md")).then(|| "/storage/kv/".to_owned())
    }
}

fn render_markdown(body: &str) -> RenderedMarkdown {
    let root = SiteRoot::new(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/code")).unwrap();
    let source = MarkdownSource {
        file: Path::new("content/storage/guide.md"),
        body,
        body_line: 4,
        drop_title_heading: false,
        id_prefix: "d",
    };
    let context = RenderContext {
        site_root: &root,
        pages: &Pages,
        options: MarkdownOptions {
            smart_punctuation: true,
            heading_ids: crate::markdown::headings::HeadingIds::Github,
        },
        base_path: "",
        frame_cache: None,
    };
    render(&source, &context)
}

fn html(body: &str) -> String {
    let rendered = render_markdown(body);
    assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
    rendered.html
}

#[test]
fn tables() {
    insta::assert_snapshot!(html(
        "| Limit | Value |\n|:------|------:|\n| Key | 512 bytes |\n| Value | 25 MiB |\n"
    ));
}

#[test]
fn footnotes() {
    insta::assert_snapshot!(html(
        "Writes propagate in about a minute.[^lag]\n\n[^lag]: Usually less.\n"
    ));
}

#[test]
fn strikethrough_and_task_lists() {
    insta::assert_snapshot!(html(
        "~~strong consistency~~\n\n- [x] edge reads\n- [ ] atomic counters\n"
    ));
}

#[test]
fn heading_attributes_ids_and_anchors() {
    insta::assert_snapshot!(html(
        "## Reads {#edge-reads .fast data-x=1}\n\n## Reads\n\n## Reads\n\n### `list()` & cursors\n"
    ));
}

#[test]
fn admonitions() {
    insta::assert_snapshot!(html(
        "> [!NOTE]\n> KV is eventually consistent.\n\n> [!TIP]\n> Use `cacheTtl`.\n\n> [!IMPORTANT]\n> Keys are 512 bytes at most.\n\n> [!WARNING]\n> Not for counters.\n\n> [!CAUTION]\n> Deleting a namespace is final.\n\n> A plain quote.\n"
    ));
}

#[test]
fn definition_lists() {
    insta::assert_snapshot!(html("cacheTtl\n: How long a read is cached at the edge, in seconds.\n"));
}

#[test]
fn smart_punctuation() {
    insta::assert_snapshot!(html("\"Eventually\" -- it's consistent... --- mostly.\n"));
}

#[test]
fn links_are_resolved_and_recorded() {
    let rendered =
        render_markdown("[KV](kv.md#list) and [missing](gone.md) and [ext](https://x.dev) and [here](#top)\n");
    insta::assert_snapshot!(rendered.html);
    let written: Vec<(String, String)> = rendered
        .internal_links
        .iter()
        .map(|(location, link)| (location.to_string(), link.written.clone()))
        .collect();
    assert_eq!(
        written,
        [
            ("content/storage/guide.md:4:1".to_owned(), "kv.md#list".to_owned()),
            ("content/storage/guide.md:4:70".to_owned(), "#top".to_owned()),
        ]
    );
    let errors: Vec<String> = rendered.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "error: content/storage/guide.md:4:22: link to a missing page `gone.md` (no file `content/storage/gone.md`)\n  help: fix the path (it is relative to this file), or create the page"
        ]
    );
}

#[test]
fn table_of_contents_nests_h3_under_h2() {
    let rendered = render_markdown("# Title\n\n## One\n\n### One A\n\n### One B\n\n## Two\n\n#### Deep\n");
    let toc: Vec<(u8, &str, usize)> = rendered
        .toc
        .iter()
        .map(|e| (e.level, e.id.as_str(), e.children.len()))
        .collect();
    assert_eq!(toc, [(2, "one", 2), (2, "two", 0)]);
    assert_eq!(rendered.anchor_ids, ["title", "one", "one-a", "one-b", "two", "deep"]);
}

#[test]
fn raw_html_ids_are_link_targets() {
    let rendered =
        render_markdown("<div id=\"theme-demo\" class=\"demo\"></div>\n\nText with <span id='inline'>x</span>.\n");
    assert!(rendered.anchor_ids.contains(&"theme-demo".to_owned()));
    assert!(rendered.anchor_ids.contains(&"inline".to_owned()));
}

#[test]
fn a_parser_panic_on_a_nested_setext_heading_with_attributes_is_an_error_not_a_crash() {
    // pulldown-cmark 0.13.6 slices out of bounds on this page (found by fuzzing).
    let rendered = render_markdown(">>]\n> {}\n>>-");
    let messages: Vec<String> = rendered.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("error: content/storage/guide.md:4:1: the Markdown parser failed on this page"),
        "{}",
        messages[0]
    );
    assert!(rendered.html.is_empty());
}

#[test]
fn an_empty_unclosed_diagram_fence_at_the_end_reports_the_fence_line() {
    // Found by fuzzing: the error pointed at a line past the end of the file.
    let rendered = render_markdown("> [!TIP]\n> ```mermaid");
    let locations: Vec<String> = rendered
        .diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref().map(ToString::to_string))
        .collect();
    assert_eq!(
        locations,
        ["content/storage/guide.md:5:3"],
        "{:?}",
        rendered.diagnostics
    );
}

/// The location of the only diagnostic of `body`.
fn only_location(body: &str) -> String {
    let rendered = render_markdown(body);
    let locations: Vec<String> = rendered
        .diagnostics
        .iter()
        .filter_map(|d| d.location.as_ref().map(ToString::to_string))
        .collect();
    assert_eq!(locations.len(), 1, "{:?}", rendered.diagnostics);
    locations[0].clone()
}

#[test]
fn a_diagram_error_points_at_its_line_and_column_whatever_the_line_ends() {
    // Body line 1 is file line 4; the fence opens on body line 2, the unclosed `[` sits on body line 4, column 4.
    let lf = "Intro\n```mermaid\nflowchart LR\n  a[\"open --> b\n```\n";
    assert_eq!(only_location(lf), "content/storage/guide.md:7:4");
    assert_eq!(only_location(&lf.replace('\n', "\r\n")), "content/storage/guide.md:7:4");
}

#[test]
fn a_diagram_error_after_a_lone_carriage_return_stays_inside_the_file() {
    // Found by fuzzing: the renderer counts lines by `\n` only, so a lone `\r` inside the fence made the
    // reported line fall short of the file's, or its column run past the line's end.
    let body = "```mermaid\nflowchart LR\r  x --> y\n  a[\"open --> b\n```\n";
    let location = only_location(body);
    let line_count = body.split(['\n', '\r']).count();
    let (_, position) = location.split_once(".md:").unwrap();
    let (line, column) = position.split_once(':').unwrap();
    let (line, column): (usize, usize) = (line.parse().unwrap(), column.parse().unwrap());
    assert!(line >= 4 && line < 4 + line_count, "{location}");
    let text_line = body.split(['\n', '\r']).nth(line - 4).unwrap();
    assert!(
        column <= text_line.chars().count() + 1,
        "{location}: line {text_line:?}"
    );
    assert_eq!(location, "content/storage/guide.md:7:4");
}
