//! One tiny site per kind of bad input: the build fails with exactly this message, and the previous
//! `public/` survives untouched.

mod support;

use support::SiteTest;

fn fails_keeping_previous_output(case: &str) -> String {
    let mut site = SiteTest::new(&format!("invalid/{case}"));
    site.write("public/index.html", "previous build");
    let stderr = site.build_fails();
    assert_eq!(
        site.file("index.html"),
        "previous build",
        "{case}: the previous public/ must survive"
    );
    assert_eq!(
        site.output_files(),
        ["index.html"],
        "{case}: nothing is half-written into public/"
    );
    assert!(
        !site.top_level().iter().any(|name| name.starts_with('.')),
        "{case}: no staging folder is left: {:?}",
        site.top_level()
    );
    stderr
}

#[test]
fn bad_front_matter() {
    assert_eq!(
        fails_keeping_previous_output("bad_front_matter"),
        "error: content/kv.md:2:12: front matter: invalid basic string, expected `\"`\n  help: check the TOML syntax: strings need quotes, tables `[name]`, arrays `[a, b]`\nbuild failed with 1 error\n"
    );
}

#[test]
fn unknown_front_matter_key() {
    assert_eq!(
        fails_keeping_previous_output("unknown_front_matter_key"),
        "error: content/kv.md:3:1: unknown key `weigth` in front matter\n  help: did you mean `weight`?\nbuild failed with 1 error\n"
    );
}

#[test]
fn unknown_config_key() {
    assert_eq!(
        fails_keeping_previous_output("unknown_config_key"),
        "error: site.toml:3:1: unknown key `languag` in site.toml\n  help: did you mean `language`?\n\
         error: site.toml:6:1: unknown key `smart_punctuaton` in site.toml\n  help: did you mean `smart_punctuation`?\n\
         build failed with 2 errors\n"
    );
}

#[test]
fn broken_internal_link() {
    assert_eq!(
        fails_keeping_previous_output("broken_link"),
        "error: content/guide.md:3:9: link to a missing page `storage/limits.md` (no file `content/storage/limits.md`)\n  help: fix the path (it is relative to this file), or create the page\nbuild failed with 1 error\n"
    );
}

#[test]
fn broken_anchor() {
    assert_eq!(
        fails_keeping_previous_output("broken_anchor"),
        "error: content/guide.md:5:5: link to a missing anchor `#limit` on `/kv/` (written `kv.md#limit`)\n  help: did you mean `#limits`?\n\
         error: content/guide.md:5:35: link to a missing anchor `#reads` on `/kv/` (written `/kv/#reads`)\n  help: anchors on `/kv/` include: #limits\n\
         build failed with 2 errors\n"
    );
}

#[test]
fn undefined_template_variable() {
    assert_eq!(
        fails_keeping_previous_output("undefined_template_variable"),
        "error: themes/default/templates/page.html:3:59: template error: Field `subtitle` is not defined. Available fields: ancestors, content, description, extra, next, path, permalink, previous, reading_time, title, toc, word_count (while rendering content/kv.md)\n  help: guard optional values with `{% if value is defined %}` or use the `default` filter; the theme's README lists every variable\nbuild failed with 1 error\n"
    );
}

#[test]
fn template_syntax_error() {
    assert_eq!(
        fails_keeping_previous_output("template_syntax_error"),
        "error: themes/default/templates/section.html:3:18: template error: Found `}` but expected }}.\n  help: see the theme's README for the template context and tera's documentation for the syntax\nbuild failed with 1 error\n"
    );
}

#[test]
fn missing_include_region() {
    assert_eq!(
        fails_keeping_previous_output("missing_include_region"),
        "error: content/code.md:3:1: `main.rs` has no region `handler`\n  help: mark the lines with `// #region handler` and `// #endregion handler` in the file\nbuild failed with 1 error\n"
    );
}

#[test]
fn bad_fence_info() {
    assert_eq!(
        fails_keeping_previous_output("bad_fence_info"),
        "error: content/code.md:3:7: invalid code fence info string\n  help: unknown attribute `titel`; did you mean `title=`?\nbuild failed with 1 error\n"
    );
}

#[test]
fn bad_diagram() {
    assert_eq!(
        fails_keeping_previous_output("bad_diagram"),
        "error: content/flow.md:5:21: diagram error: Unterminated node label (missing `]`); close the label with the bracket that opened it, e.g. `id[\"text\"]`, `id(text)`, `id[(text)]`\n  help: see the Mermaid flowchart syntax: `flowchart LR`, then `a[\"Label\"] -- \"edge label\" --> b`\nbuild failed with 1 error\n"
    );
}
