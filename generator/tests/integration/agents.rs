//! What a build publishes for language models: `llms.txt`, `llms-full.txt` and a Markdown twin beside
//! every page, and the built-in theme's links to the twins.

use crate::support::SiteTest;

/// The `docs` fixture served from `base_url`.
fn docs_at(base_url: &str) -> SiteTest {
    let site = SiteTest::new("docs");
    let config = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    let config: Vec<String> = config
        .lines()
        .map(|line| {
            if line.starts_with("base_url") {
                format!("base_url = \"{base_url}\"")
            } else {
                line.to_owned()
            }
        })
        .collect();
    site.write("site.toml", &config.join("\n"));
    site
}

#[test]
fn llms_txt_lists_every_page_twin_by_top_level_section() {
    let mut site = docs_at("https://example.github.io/tally/");
    site.write(
        "content/storage/internal.md",
        "+++\ntitle = \"Internal\"\nsearch = false\n+++\nNot for agents.\n",
    );
    site.build();
    assert_eq!(
        site.file("llms.txt"),
        "# Fixture docs\n\n\
         > A small site for integration tests.\n\n\
         Each link leads to a page as Markdown; the same URL without `index.md` is the page as HTML. \
         Every page in one file: https://example.github.io/tally/llms-full.txt\n\n\
         ## Home\n\n\
         - [Home](https://example.github.io/tally/index.md)\n\
         - [Guide](https://example.github.io/tally/guide/index.md)\n\n\
         ## Storage\n\n\
         - [Storage](https://example.github.io/tally/storage/index.md): Where data lives.\n\
         - [KV](https://example.github.io/tally/storage/kv/index.md): Key-value storage.\n\
         - [R2 buckets](https://example.github.io/tally/storage/r2/index.md)\n"
    );
    assert!(
        site.exists("storage/internal/index.md"),
        "`search = false` keeps the page out of llms.txt, not its twin"
    );
    site.check_file_lacks("llms-full.txt", &["Not for agents", "Unfinished"]);
}

#[test]
fn every_page_has_a_markdown_twin_with_absolute_links() {
    let mut site = docs_at("https://example.github.io/tally/");
    site.build();
    let twin = site.file("storage/kv/index.md");
    assert!(
        twin.starts_with("# KV\n\nKV is \"fast\" -- and eventually consistent...\n"),
        "{twin}"
    );
    assert!(
        !twin.contains("+++") && !twin.contains("badge"),
        "no front matter: {twin}"
    );
    for link in [
        "[the R2 bundle](https://example.github.io/tally/storage/r2/)",
        "[reads](https://example.github.io/tally/storage/kv/#reads)",
        "[the home page](https://example.github.io/tally/)",
    ] {
        assert!(twin.contains(link), "{link} in {twin}");
    }
    assert!(twin.contains("| Limit | Value |") && twin.contains("[^1]: A footnote."));
    site.check_file(
        "storage/r2/index.md",
        &[
            "# R2 buckets\n\n![diagram](https://example.github.io/tally/storage/r2/diagram.png)",
            "[KV](https://example.github.io/tally/storage/kv/#why-kv-feels-different-1)",
        ],
    );
    assert_eq!(
        site.file("guide/index.md"),
        "# Guide\n\n## First steps\n\nRead the [KV limits](https://example.github.io/tally/storage/kv/#why-kv-feels-different) \
         and fetch [the extra file](https://example.github.io/tally/extra.txt).\n"
    );
    let full = site.file("llms-full.txt");
    assert!(
        full.contains(
            "# KV\n\nURL: https://example.github.io/tally/storage/kv/\n\nKV is \"fast\" -- and eventually consistent"
        ),
        "{full}"
    );
    let order: Vec<usize> = ["# Home\n", "# Storage\n", "# KV\n", "# R2 buckets\n", "# Guide\n"]
        .iter()
        .map(|heading| full.find(heading).unwrap_or_else(|| panic!("{heading} in {full}")))
        .collect();
    assert!(order.is_sorted(), "reading order: {order:?}");
    site.check_file(
        "_headers",
        &[
            "/*.md\n  Content-Type: text/markdown; charset=utf-8\n",
            "/llms.txt\n  Content-Type: text/plain; charset=utf-8\n",
        ],
    );
}

#[test]
fn twins_fill_includes_and_keep_diagrams_as_mermaid() {
    let mut site = SiteTest::new("code");
    site.write(
        "content/flow.md",
        "# Flow\n\n```mermaid caption=\"One round trip\"\nflowchart LR\n  a --> b\n```\n",
    );
    site.build();
    site.check_file(
        "samples/index.md",
        &["```rust tab=\"Rust\"\npub fn handle(theme: &str) -> String {\n    format!(\"theme-{theme}\")\n}\n```\n"],
    );
    site.check_file_lacks("samples/index.md", &["include=", "outside"]);
    assert_eq!(
        site.file("flow/index.md"),
        "# Flow\n\n```mermaid caption=\"One round trip\"\nflowchart LR\n  a --> b\n```\n"
    );
}

#[test]
fn the_built_in_theme_links_and_copies_the_twin() {
    let mut site = SiteTest::without_theme("docs");
    site.build();
    site.check_file(
        "storage/kv/index.html",
        &[
            "<link rel=\"alternate\" type=\"text/markdown\" href=\"/storage/kv/index.md\">",
            "data-copy-markdown=\"/storage/kv/index.md\" hidden>Copy page as Markdown</button>",
            "<a class=\"doc__action\" href=\"/storage/kv/index.md\" type=\"text/markdown\">View as Markdown</a>",
            "role=\"status\" aria-live=\"polite\" data-copy-markdown-status",
        ],
    );
    site.check_file("index.html", &["href=\"/index.md\""]);
    site.check_file("storage/index.html", &["href=\"/storage/index.md\""]);
}

#[test]
fn a_static_file_in_place_of_a_twin_or_llms_txt_is_an_error() {
    let mut site = SiteTest::new("docs");
    site.write("static/storage/kv/index.md", "mine\n");
    site.write("static/llms.txt", "mine\n");
    let stderr = site.build_fails();
    assert!(
        stderr.contains(
            "error: the file `storage/kv/index.md` copied from a `static/` folder or `content/` would replace the Markdown version of the page made from `content/storage/kv.md`\n  help: remove or rename the file; the build generates that path"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: the file `llms.txt` copied from a `static/` folder or `content/` would replace the one the build writes"),
        "{stderr}"
    );
}
