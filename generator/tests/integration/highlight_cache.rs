//! The cache of highlighted code blocks (`.edgedocs/cache/highlight/`): a second build takes every
//! block from it and writes the same bytes; `--no-cache`, a damaged cache and a changed theme never
//! change what is built.

use crate::support::SiteTest;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `public/` with its bytes.
fn output(site: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    site.output_files()
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(site.root().join("public").join(&file)).unwrap();
            (file, bytes)
        })
        .collect()
}

/// The summary line's `, R of N code blocks from the highlight cache`, as (R, N).
fn cache_counts(stdout: &str) -> Option<(usize, usize)> {
    let (before, _) = stdout.split_once(" code blocks from the highlight cache")?;
    let (reused, total) = before.rsplit_once(", ")?.1.split_once(" of ")?;
    Some((reused.parse().ok()?, total.parse().ok()?))
}

fn cache_files(root: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(root.join(".edgedocs/cache/highlight"))
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect()
}

#[test]
fn a_second_build_takes_every_block_from_the_cache_and_writes_the_same_bytes() {
    let mut site = SiteTest::new("code");
    site.build();
    let first = output(&site);
    let (reused, total) = cache_counts(&site.stdout()).unwrap_or_else(|| panic!("{}", site.stdout()));
    assert_eq!(reused, 0, "{}", site.stdout());
    assert!(total >= 5, "{}", site.stdout());
    assert_eq!(cache_files(site.root()).len(), 1, "one file for the one page with code");

    site.build();
    // The block in an unknown language is warned about on every build, so it is never kept.
    assert_eq!(
        cache_counts(&site.stdout()),
        Some((total - 1, total)),
        "{}",
        site.stdout()
    );
    assert!(
        site.stderr().contains("klingon"),
        "the warning comes again: {}",
        site.stderr()
    );
    assert_eq!(output(&site), first);
}

#[test]
fn no_cache_neither_reads_nor_writes_it_and_builds_the_same() {
    let mut site = SiteTest::new("code");
    site.run_ok(&["build", "--no-cache"]);
    assert_eq!(cache_counts(&site.stdout()), None, "{}", site.stdout());
    assert!(cache_files(site.root()).is_empty());
    let without = output(&site);

    site.build();
    site.build();
    let (reused, _) = cache_counts(&site.stdout()).unwrap();
    assert!(reused > 0);
    assert_eq!(output(&site), without);
    // The cache is there, but --no-cache highlights everything again.
    site.run_ok(&["build", "--no-cache"]);
    assert_eq!(output(&site), without);
}

#[test]
fn a_damaged_cache_is_ignored_and_replaced() {
    let mut site = SiteTest::new("code");
    site.build();
    let first = output(&site);
    for file in cache_files(site.root()) {
        let mut bytes = std::fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x20;
        std::fs::write(&file, bytes).unwrap();
    }
    site.build();
    assert_eq!(cache_counts(&site.stdout()).unwrap().0, 0, "{}", site.stdout());
    assert_eq!(output(&site), first);
    site.build();
    assert!(
        cache_counts(&site.stdout()).unwrap().0 > 0,
        "the file was written again"
    );
}

#[test]
fn a_changed_page_or_theme_builds_what_a_build_without_the_cache_builds() {
    let mut site = SiteTest::new("code");
    site.build();
    // One block edited, one colour theme renamed.
    let samples = site.root().join("content/samples.md");
    let text = std::fs::read_to_string(&samples).unwrap();
    std::fs::write(
        &samples,
        text.replace("comments are fine in JSONC", "comments are welcome"),
    )
    .unwrap();
    let theme = site.root().join("themes/default/theme.toml");
    let text = std::fs::read_to_string(&theme).unwrap();
    std::fs::write(&theme, text.replace("name = \"dark\"", "name = \"night\"")).unwrap();

    site.build();
    let (reused, total) = cache_counts(&site.stdout()).unwrap();
    assert_eq!(
        total - reused,
        2,
        "the edited block and the warned one: {}",
        site.stdout()
    );
    let cached = output(&site);
    assert!(
        cached
            .values()
            .any(|bytes| String::from_utf8_lossy(bytes).contains("night")),
        "the renamed colour theme is in the output"
    );
    site.check_file("samples/index.html", &["comments are welcome"]);
    site.run_ok(&["build", "--no-cache"]);
    assert_eq!(output(&site), cached);
}
