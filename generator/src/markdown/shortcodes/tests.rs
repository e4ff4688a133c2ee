use super::*;
use crate::diagnostics::Diagnostics;

fn shortcodes(templates: &[(&str, &str)]) -> Shortcodes {
    let sources = templates
        .iter()
        .map(|(name, text)| ShortcodeSource {
            relative: format!("shortcodes/{name}"),
            display: format!("templates/shortcodes/{name}"),
            text: (*text).to_owned(),
        })
        .collect();
    let mut diagnostics = Diagnostics::new();
    let loaded = Shortcodes::load(sources, false, &mut diagnostics);
    assert!(diagnostics.iter().next().is_none(), "{diagnostics:?}");
    loaded
}

fn expand_with(shortcodes: &Shortcodes, body: &str) -> Expanded {
    let page = tera::Value::from_serializable(&serde_json::json!({"title": "KV"}));
    expand(&ShortcodeInput {
        file: Path::new("content/a.md"),
        body,
        body_line: 4,
        shortcodes,
        page: &page,
        lenient: false,
    })
}

fn standard() -> Shortcodes {
    shortcodes(&[
        ("badge.html", "<span class=\"badge\">{{ text }}</span>"),
        ("note.html", "<aside>{{ body | markdown | safe }}</aside>"),
        ("wrap.md", "<div class=\"wrap\">\n\n{{ body }}\n\n</div>"),
        ("count.html", "{{ nth }}:{{ page.title }}"),
    ])
}

#[test]
fn inline_calls_render_their_template_through_a_placeholder() {
    let expanded = expand_with(&standard(), "Status {{ badge(text=\"beta & more\") }} now.\n");
    assert!(expanded.diagnostics.is_empty());
    assert_eq!(expanded.markdown, "Status <!--edgedocs-shortcode-0--> now.\n");
    assert_eq!(
        expanded.fill("<p>Status <!--edgedocs-shortcode-0--> now.</p>"),
        "<p>Status <span class=\"badge\">beta &amp; more</span> now.</p>"
    );
    assert_eq!(
        expanded.markdown_with_html(),
        "Status <span class=\"badge\">beta &amp; more</span> now.\n"
    );
}

#[test]
fn block_calls_get_their_body_and_keep_the_lines_after_them() {
    let expanded = expand_with(&standard(), "{% note() %}\nSome *text*.\n{% end %}\nafter\n");
    assert_eq!(
        expanded.markdown, "<!--edgedocs-shortcode-0-->\n\n\nafter\n",
        "`after` stays on line 4"
    );
    assert_eq!(
        expanded.fill(&expanded.markdown),
        "<aside><p>Some <em>text</em>.</p>\n</aside>\n\n\nafter\n"
    );
}

#[test]
fn markdown_shortcodes_are_read_with_the_page_and_may_nest() {
    let expanded = expand_with(
        &standard(),
        "{% wrap() %}\n{% wrap() %}\n- {{ badge(text=\"a\") }}\n{% end %}\n{% end %}\n",
    );
    assert!(expanded.diagnostics.is_empty(), "{:?}", expanded.diagnostics);
    assert!(
        expanded
            .markdown
            .starts_with("<div class=\"wrap\">\n\n\n<div class=\"wrap\">\n\n\n- <!--edgedocs-shortcode-0-->"),
        "{}",
        expanded.markdown
    );
}

#[test]
fn code_and_escaped_calls_stay_as_written() {
    let body = "`{{ badge(text=\"x\") }}`\n\n```\n{{ badge(text=\"y\") }}\n```\n\n    {{ badge(text=\"z\") }}\n\n{{/* badge(text=\"w\") */}} {%/* note() */%}\n";
    let expanded = expand_with(&standard(), body);
    assert!(expanded.diagnostics.is_empty());
    assert_eq!(
        expanded.markdown,
        body.replace("{{/* badge(text=\"w\") */}}", "{{ badge(text=\"w\") }}")
            .replace("{%/* note() */%}", "{% note() %}")
    );
}

#[test]
fn template_text_that_is_not_a_call_is_left_alone() {
    let body = "{{ page.title }} {{ get_url(path=asset) }} {% if x %} {{ a }}\n";
    let expanded = expand_with(&standard(), body);
    assert!(expanded.diagnostics.is_empty());
    assert_eq!(expanded.markdown, body);
}

#[test]
fn calls_are_counted_and_see_the_page() {
    let expanded = expand_with(&standard(), "{{ count() }} {{ count() }}");
    assert_eq!(expanded.markdown_with_html(), "1:KV 2:KV");
}

#[test]
fn problems_point_at_the_call() {
    let expanded = expand_with(&standard(), "text\n\n  {{ nope(a=1) }}\n{% note() %}\nnever closed\n");
    let messages: Vec<String> = expanded.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "error: content/a.md:6:3: unknown shortcode `nope`\n  help: known shortcodes: badge, count, note, wrap; or add `templates/shortcodes/nope.html`",
            "error: content/a.md:7:1: the shortcode `note` is opened here and never closed with `{% end %}`\n  help: close a block shortcode with `{% end %}` on its own, e.g. `{% note() %}text{% end %}`",
        ]
    );
    let not_literal = expand_with(&standard(), "{{ badge(text=name) }}");
    assert!(not_literal.diagnostics[0].message.contains("not literals: `text=name`"));
    let failed = expand_with(&standard(), "{{ badge() }}");
    assert!(
        failed.diagnostics[0]
            .to_string()
            .starts_with("error: content/a.md:4:1: the shortcode `badge` could not be rendered:"),
        "{}",
        failed.diagnostics[0]
    );
}

#[test]
fn a_template_that_does_not_compile_is_reported_once_and_its_calls_left_out() {
    let mut diagnostics = Diagnostics::new();
    let loaded = Shortcodes::load(
        vec![ShortcodeSource {
            relative: "shortcodes/bad.html".into(),
            display: "templates/shortcodes/bad.html".into(),
            text: "{% if %}".into(),
        }],
        true,
        &mut diagnostics,
    );
    let reported: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(reported.len(), 1);
    assert!(
        reported[0].starts_with("warning: templates/shortcodes/bad.html:1:1: the shortcode `bad` does not compile"),
        "{}",
        reported[0]
    );
    let page = tera::Value::from_serializable(&serde_json::json!({}));
    let expanded = expand(&ShortcodeInput {
        file: Path::new("content/a.md"),
        body: "{{ bad() }}",
        body_line: 1,
        shortcodes: &loaded,
        page: &page,
        lenient: true,
    });
    assert_eq!(expanded.markdown, "");
    assert!(
        expanded.diagnostics[0]
            .to_string()
            .starts_with("warning: content/a.md:1:1: the shortcode `bad` is left out")
    );
}
