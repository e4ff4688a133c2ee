//! One tiny site per kind of bad input: the build fails with exactly this message, and the previous
//! `public/` survives untouched.

use crate::support::SiteTest;

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
    // `.edgedocs/` may hold the blocks highlighted before the failure: the cache, not a staging folder.
    assert!(
        !site
            .top_level()
            .iter()
            .any(|name| name.starts_with('.') && name != ".edgedocs"),
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
fn invalid_theme_options() {
    assert_eq!(
        fails_keeping_previous_output("invalid_theme_options"),
        "error: site.toml:5:10: `theme_options.accent` is not a CSS colour: `#0b57c9; } body { display: none`\n  help: write a colour such as `#0b57c9`, `oklch(55% 0.2 260)` or `light-dark(#0b57c9, #80b6ff)`\n\
         error: site.toml:6:52: `theme_options.csp.frame` has an invalid source: `'self'`\n  help: write a host (`img.shields.io`, `*.example.com`), an origin (`https://img.shields.io`) or a scheme (`https:`); no quotes, `;`, `,` or spaces\n\
         error: site.toml:7:12: `theme_options.edit_url` must be an https URL with `{path}` in it, not `https://github.com/o/r/edit/main/content/`\n  help: e.g. `edit_url = \"https://github.com/org/repo/edit/main/content/{path}\"`\n\
         build failed with 3 errors\n"
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
        "error: themes/default/templates/page.html:3:59: template error: Field `subtitle` is not defined. Available fields: ancestors, content, description, edit_url, extra, href, markdown_href, next, path, permalink, previous, reading_time, title, toc, updated, word_count (while rendering content/kv.md)\n  help: guard optional values with `{% if value is defined %}` or use the `default` filter; the theme's README lists every variable\nbuild failed with 1 error\n"
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

// -- Paths that lead out of the site: a pull request must not be able to publish files from elsewhere on
// -- the build machine (a CI token in the environment, a secret file) or make the build read without end.

/// A site whose only page is `content/_index.md` with `body`, and a folder beside the site holding a
/// secret file, `../outside/secret.txt` from the site root.
fn hostile_site(body: &str) -> (SiteTest, std::path::PathBuf) {
    let site = SiteTest::new("docs");
    site.write("content/_index.md", body);
    let outside = site.beside().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "SECRET-FILE-CONTENTS").unwrap();
    std::fs::write(outside.join("leak.css"), ".leak { content: \"SECRET-FILE-CONTENTS\" }").unwrap();
    (site, outside)
}

/// The build fails with `expected` among its errors, keeps the previous `public/`, and nothing it printed
/// or wrote holds the secret.
fn refuses(site: &mut SiteTest, expected: &str) {
    site.write("public/index.html", "previous build");
    let stderr = site.build_fails();
    assert!(stderr.contains(expected), "expected {expected:?} in:\n{stderr}");
    assert!(!stderr.contains("SECRET"), "{stderr}");
    assert_eq!(site.output_files(), ["index.html"], "public/ is untouched");
    assert_eq!(site.file("index.html"), "previous build");
}

fn symlink(target: &std::path::Path, link: &std::path::Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[test]
fn an_include_cannot_climb_out_to_the_build_environment() {
    let (mut site, _) =
        hostile_site("# Home\n\n```text include=\"../../../../../../../../../../proc/self/environ\"\n```\n");
    site.env("EDGEDOCS_TEST_CI_TOKEN", "SECRET-CI-TOKEN");
    refuses(
        &mut site,
        "error: content/_index.md:3:1: cannot include: `../../../../../../../../../../proc/self/environ` leads outside the site root\n  help: the build reads only files inside the site root; copy the file into the site\n",
    );
}

#[test]
fn an_include_cannot_follow_a_symlink_out_of_the_site() {
    let (mut site, outside) =
        hostile_site("# Home\n\n```text include=\"notes.txt\"\n```\n\n```text include=\"zero\"\n```\n");
    symlink(&outside.join("secret.txt"), &site.root().join("notes.txt"));
    symlink(std::path::Path::new("/dev/zero"), &site.root().join("zero"));
    refuses(
        &mut site,
        "error: content/_index.md:3:1: cannot include: `notes.txt` is a symlink to a place outside the site root\n",
    );
    refuses(
        &mut site,
        "error: content/_index.md:6:1: cannot include: `zero` is a symlink to a place outside the site root\n",
    );
}

#[test]
fn an_include_of_a_device_or_a_huge_file_is_refused() {
    let (mut site, _) = hostile_site("# Home\n\n```text include=\"pipe\"\n```\n\n```text include=\"big.txt\"\n```\n");
    let status = std::process::Command::new("mkfifo")
        .arg(site.root().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let big = std::fs::File::create(site.root().join("big.txt")).unwrap();
    big.set_len(16 * 1024 * 1024 + 1).unwrap();
    refuses(
        &mut site,
        "error: content/_index.md:3:1: cannot include: `pipe` is not a regular file\n",
    );
    refuses(
        &mut site,
        "error: content/_index.md:6:1: cannot include: `big.txt` is larger than the limit of 16 MiB\n",
    );
}

#[test]
fn folders_the_build_walks_cannot_be_symlinks_out_of_the_site() {
    for (link, message) in [
        (
            "static",
            "error: `static` is a symlink to a place outside the site root\n",
        ),
        (
            "content/guides",
            "error: `content/guides` is a symlink to a place outside the site root\n",
        ),
        (
            "content/guides.md",
            "error: `content/guides.md` is a symlink to a place outside the site root\n",
        ),
        (
            "themes/default/static",
            "error: `themes/default/static` is a symlink to a place outside the site root\n",
        ),
        (
            "themes/default/assets/css",
            "error: `themes/default/assets/css` is a symlink to a place outside the site root\n",
        ),
        (
            "themes/default/templates/partials",
            "error: `themes/default/templates/partials` is a symlink to a place outside the site root\n",
        ),
    ] {
        let (mut site, outside) = hostile_site("# Home\n");
        let target = if link.ends_with(".md") {
            outside.join("secret.txt")
        } else {
            outside.clone()
        };
        let path = site.root().join(link);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        }
        symlink(&target, &path);
        refuses(&mut site, message);
    }
}

#[test]
fn the_whole_content_folder_cannot_be_a_symlink_out_of_the_site() {
    let (mut site, outside) = hostile_site("# Home\n");
    std::fs::write(outside.join("_index.md"), "# SECRET\n").unwrap();
    std::fs::remove_dir_all(site.root().join("content")).unwrap();
    symlink(&outside, &site.root().join("content"));
    refuses(
        &mut site,
        "error: `content` is a symlink to a place outside the site root\n",
    );
}

#[test]
fn symlinks_within_the_site_are_followed() {
    let (mut site, _) = hostile_site("# Home\n");
    std::fs::write(site.root().join("shared.txt"), "shared text").unwrap();
    symlink(&site.root().join("shared.txt"), &site.root().join("static/shared.txt"));
    site.build();
    assert_eq!(site.file("shared.txt"), "shared text");
}

#[test]
fn stylesheet_imports_cannot_leave_the_theme() {
    for (import, message) in [
        (
            "../../../../outside/leak.css",
            "error: themes/default/assets/main.css:1:1: CSS error: `@import \"../../../../outside/leak.css\"` leads outside the theme's `assets/` folder; imports must stay inside it\n",
        ),
        (
            "/etc/ssl/openssl.cnf",
            "error: themes/default/assets/main.css:1:1: CSS error: `@import \"/etc/ssl/openssl.cnf\"` is an absolute path; import files relative to the importing stylesheet\n",
        ),
        (
            "https://evil.example/x.css",
            "error: themes/default/assets/main.css:1:1: CSS error: `@import \"https://evil.example/x.css\"` loads a stylesheet from another site",
        ),
    ] {
        let (mut site, _) = hostile_site("# Home\n");
        site.write(
            "themes/default/assets/main.css",
            &format!("@import \"{import}\";\nbody {{ margin: 0; }}\n"),
        );
        refuses(&mut site, message);
    }
}

#[test]
fn the_theme_is_a_folder_inside_the_site() {
    let (mut site, _) = hostile_site("# Home\n");
    site.write(
        "site.toml",
        "title = \"Docs\"\nbase_url = \"https://x.dev\"\ntheme = \"../..\"\n",
    );
    refuses(
        &mut site,
        "error: site.toml:3:1: `theme` must be the name of a folder under `themes/`, not `../..`\n",
    );
}

#[test]
fn a_slug_cannot_write_above_the_output_folder() {
    let (mut site, _) = hostile_site("# Home\n");
    site.write("content/a/_index.md", "+++\ntitle = \"A\"\n+++\n");
    site.write("content/a/b/_index.md", "+++\ntitle = \"B\"\n+++\n");
    site.write(
        "content/a/b/page.md",
        "+++\ntitle = \"Page\"\nslug = \"..\"\n+++\nText.\n",
    );
    site.write("content/top.md", "+++\ntitle = \"Top\"\n\nslug = \"..\"\n+++\nText.\n");
    refuses(
        &mut site,
        "error: content/a/b/page.md:3:1: `slug = \"..\"` is not a valid URL segment\n",
    );
    let stderr = site.stderr();
    assert!(
        stderr.contains("error: content/top.md:4:1: `slug = \"..\"`"),
        "{stderr}"
    );
    let above: Vec<String> = std::fs::read_dir(site.beside())
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name == "index.html")
        .collect();
    assert!(above.is_empty(), "nothing is written above the site");
}

// -- Every local link and image must reach a file the build writes, and one run reports every problem.

#[test]
fn every_kind_of_dead_local_link_fails_with_the_nearest_target() {
    let mut site = SiteTest::new("docs");
    site.write(
        "content/guide.md",
        "+++\ntitle = \"Guide\"\n+++\n![i](missing.png)\n\n[x](nothing/here/) [y](storage/kv.html) [z](/storage/kvv/)\n\n![d](storage/r2/diagram.pgn) [s](../../outside.txt)\n\n## First steps\n",
    );
    site.write("public/index.html", "previous build");
    let stderr = site.build_fails();
    assert_eq!(
        stderr,
        "error: content/guide.md:4:1: link to a missing image `missing.png` (at `/missing.png` on the site)\n  help: no page or file of the site has this path; relative links are resolved from the Markdown file, so write the path as you see it in the repository\n\
         error: content/guide.md:6:1: link to a missing page or file `nothing/here/` (at `/nothing/here/` on the site)\n  help: no page or file of the site has this path; relative links are resolved from the Markdown file, so write the path as you see it in the repository\n\
         error: content/guide.md:6:20: link to a missing page or file `storage/kv.html` (at `/storage/kv.html` on the site)\n  help: that page is at `/storage/kv/`: link to its Markdown file instead (`kv.md`), and the build writes its URL\n\
         error: content/guide.md:6:41: link to a missing page or file `/storage/kvv/`\n  help: did you mean `/storage/kv/`?\n\
         error: content/guide.md:8:1: link to a missing image `storage/r2/diagram.pgn` (at `/storage/r2/diagram.pgn` on the site)\n  help: did you mean `/storage/r2/diagram.png`?\n\
         error: content/guide.md:8:30: link `../../outside.txt` leads outside `content/` (to `outside.txt`), where the site has no pages or files\n  help: relative links are resolved from this file; link to a file under `content/`, or use an absolute URL\n\
         build failed with 6 errors\n"
    );
    assert_eq!(site.output_files(), ["index.html"], "public/ is untouched");
}

#[test]
fn front_matter_errors_do_not_hide_link_errors() {
    let mut site = SiteTest::new("docs");
    site.write("content/storage/kv.md", "+++\ntitle = KV\n+++\nText.\n");
    site.write(
        "content/guide.md",
        "# Guide\n\n[KV](storage/kv.md) [gone](storage/gone.md) [kv](/storage/kv/)\n\n## First steps\n",
    );
    let stderr = site.build_fails();
    assert_eq!(
        stderr,
        "error: content/guide.md:3:21: link to a missing page `storage/gone.md` (no file `content/storage/gone.md`)\n  help: fix the path (it is relative to this file), or create the page\n\
         error: content/storage/kv.md:2:9: front matter: string values must be quoted, expected literal string\n  help: check the TOML syntax: strings need quotes, tables `[name]`, arrays `[a, b]`\n\
         build failed with 2 errors\n",
        "the links to the unreadable page are not reported on top of its own error"
    );
}

#[test]
fn a_template_mistake_is_reported_once_for_every_page() {
    let mut site = SiteTest::new("invalid/undefined_template_variable");
    site.write("content/a.md", "# A\n");
    site.write("content/b.md", "# B\n");
    let stderr = site.build_fails();
    assert_eq!(stderr.matches("is not defined").count(), 1, "{stderr}");
    assert!(
        stderr.contains("(while rendering content/a.md and 2 other pages)"),
        "{stderr}"
    );
    assert!(stderr.ends_with("build failed with 1 error\n"), "{stderr}");
}

#[test]
fn a_static_file_cannot_silently_replace_a_page() {
    let mut site = SiteTest::new("docs");
    site.write("static/guide/index.html", "<p>not the guide</p>");
    let stderr = site.build_fails();
    assert_eq!(
        stderr,
        "error: the file `guide/index.html` copied from a `static/` folder or `content/` would replace the page made from `content/guide.md`\n  help: remove or rename the file; the build generates that path\nbuild failed with 1 error\n"
    );
}
