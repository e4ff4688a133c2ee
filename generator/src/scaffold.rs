//! `edgedocs init`: a new site in an empty folder: a commented `site.toml`, a home page, a first page, a
//! section with a page, a `.gitignore` and the `wrangler.jsonc` that deploys it with its edge. The files
//! live in `generator/scaffold/`, embedded in the binary; `{{title}}`, `{{slug}}` and `{{worker_name}}`
//! in them become the site's name, taken from the folder's.

use anyhow::{Context, Result, bail};
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffold");

/// What [`init`] did.
#[derive(Debug, Default)]
pub struct Scaffolded {
    /// The site's title, from the folder's name.
    pub title: String,
    /// Files written, relative to the folder.
    pub written: Vec<PathBuf>,
    /// Files that existed already and were left as they were (with `force`).
    pub kept: Vec<PathBuf>,
}

/// Writes a new site into `dir` (created if missing). Refuses a folder that is not empty unless
/// `force`, and even then never replaces a file: it only adds the missing ones.
pub fn init(dir: &Path, force: bool) -> Result<Scaffolded> {
    let is_empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => true,
        Err(error) => return Err(error).with_context(|| format!("could not read `{}`", dir.display())),
    };
    if !is_empty && !force {
        bail!(
            "`{}` is not empty: `edgedocs init` makes a new site in an empty folder (pass `--force` to add the site's files to it; no existing file is replaced)",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("could not create `{}`", dir.display()))?;
    let name = folder_name(dir);
    let mut scaffolded = Scaffolded {
        title: title_of(&name),
        ..Scaffolded::default()
    };
    let slug = slug_of(&name);
    let mut files = Vec::new();
    collect(&SCAFFOLD, &mut files);
    for (relative, contents) in files {
        let relative = match relative.to_str() {
            Some("gitignore") => PathBuf::from(".gitignore"),
            _ => relative,
        };
        let target = dir.join(&relative);
        if target.exists() {
            scaffolded.kept.push(relative);
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("could not create `{}`", parent.display()))?;
        }
        let text = contents
            .replace("{{title}}", &scaffolded.title)
            .replace("{{slug}}", &slug)
            .replace("{{worker_name}}", &worker_name_of(&slug));
        std::fs::write(&target, text).with_context(|| format!("could not write `{}`", target.display()))?;
        scaffolded.written.push(relative);
    }
    Ok(scaffolded)
}

fn collect(dir: &Dir<'static>, into: &mut Vec<(PathBuf, &'static str)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            into.push((file.path().to_path_buf(), text));
        }
    }
    for sub in dir.dirs() {
        collect(sub, into);
    }
}

/// The folder's own name (`tally` for `./tally` or `.` inside it).
fn folder_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    absolute
        .components()
        .next_back()
        .map(|name| name.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `my-cli_docs` -> `My cli docs`; characters TOML strings would need escaped are left out.
fn title_of(name: &str) -> String {
    let words: String = name
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .filter(|c| !matches!(c, '"' | '\\') && !c.is_control())
        .collect();
    let words = words.trim();
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My docs".to_owned(),
    }
}

/// `My CLI` -> `my-cli`, for the example project URL.
fn slug_of(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() { "docs".to_owned() } else { slug }
}

/// The Worker's name for `wrangler.jsonc`: Cloudflare takes 1-63 of `a-z`, `0-9` and `-`, starting and
/// ending with a letter or digit (`my-cli` stays, `Ünïcode docs` becomes `n-code-docs`).
fn worker_name_of(slug: &str) -> String {
    let mut name = String::new();
    for c in slug.chars() {
        let c = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    name.truncate(63);
    let name = name.trim_matches('-');
    if name.is_empty() {
        "docs".to_owned()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_titles_and_slugs() {
        assert_eq!(title_of("tally"), "Tally");
        assert_eq!(title_of("my-cli_docs"), "My cli docs");
        assert_eq!(title_of("a\"b\\c"), "Abc");
        assert_eq!(title_of(""), "My docs");
        assert_eq!(slug_of("My CLI"), "my-cli");
        assert_eq!(slug_of("..."), "docs");
        assert_eq!(worker_name_of("my-cli"), "my-cli");
        assert_eq!(worker_name_of("ünïcode-docs"), "n-code-docs");
        assert_eq!(worker_name_of("a--b"), "a-b");
        assert_eq!(worker_name_of("ü"), "docs");
        assert_eq!(worker_name_of(&"x".repeat(80)).len(), 63);
        assert_eq!(worker_name_of(&format!("{}-y", "x".repeat(62))), "x".repeat(62));
    }

    #[test]
    fn init_writes_a_site_and_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("tally");
        let done = init(&site, false).unwrap();
        assert_eq!(done.title, "Tally");
        let mut written: Vec<String> = done.written.iter().map(|p| p.display().to_string()).collect();
        written.sort();
        assert_eq!(
            written,
            [
                ".gitignore",
                "content/_index.md",
                "content/getting-started.md",
                "content/guides/_index.md",
                "content/guides/first-guide.md",
                "site.toml",
                "wrangler.jsonc"
            ]
        );
        let wrangler = std::fs::read_to_string(site.join("wrangler.jsonc")).unwrap();
        assert!(wrangler.contains("\"name\": \"tally\""), "{wrangler}");
        assert!(
            wrangler.contains(&format!(
                "\"main\": \"{}/{}\"",
                crate::edge_worker::WORKER_DIR,
                crate::edge_worker::WORKER_ENTRY
            )),
            "{wrangler}"
        );
        assert!(!wrangler.contains("{{"), "{wrangler}");
        let config = std::fs::read_to_string(site.join("site.toml")).unwrap();
        assert!(config.contains("title = \"Tally\""), "{config}");
        assert!(!config.contains("{{"), "{config}");

        let error = init(&site, false).unwrap_err().to_string();
        assert!(error.contains("is not empty"), "{error}");
        std::fs::write(site.join("site.toml"), "mine").unwrap();
        std::fs::remove_file(site.join(".gitignore")).unwrap();
        let again = init(&site, true).unwrap();
        assert_eq!(again.written, [PathBuf::from(".gitignore")]);
        assert_eq!(std::fs::read_to_string(site.join("site.toml")).unwrap(), "mine", "kept");
    }
}
