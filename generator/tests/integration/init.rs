//! `edgedocs init` with the real binary: a new site in an empty folder builds at once with the built-in
//! theme and its Worker, and a folder that is not empty is refused.

use std::path::Path;
use std::process::Command;

fn edgedocs(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_edgedocs"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_new_site_builds_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let init = edgedocs(dir.path(), &["init", "tally"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let said = String::from_utf8(init.stdout).unwrap();
    assert_eq!(
        said,
        "Created the site \"Tally\" (7 files).\n\nNext:\n  cd tally\n  edgedocs serve    # preview it at http://127.0.0.1:1111; pages follow every save\n  edgedocs build    # the site, into public/, ready for any static host\n  npx wrangler deploy    # after a build: the site and its edge on Cloudflare (see wrangler.jsonc)\n"
    );
    let site = dir.path().join("tally");
    let build = edgedocs(&site, &["build"]);
    assert!(
        build.status.success(),
        "{}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(
        String::from_utf8_lossy(&build.stdout).starts_with("Built 2 pages, 2 sections"),
        "{}",
        String::from_utf8_lossy(&build.stdout)
    );
    assert!(
        build.stderr.is_empty(),
        "no warnings: {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let guide = std::fs::read_to_string(site.join("public/guides/first-guide/index.html")).unwrap();
    assert!(guide.contains("<svg"), "the diagram is drawn");
    assert!(!site.join("themes").exists(), "no theme folder is needed");
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignored.contains("public/") && ignored.contains(".edgedocs/") && ignored.contains(".wrangler/"));

    // The Worker that wrangler.jsonc deploys, with the built-in theme's colour themes and no demo APIs.
    let wrangler = std::fs::read_to_string(site.join("wrangler.jsonc")).unwrap();
    assert!(
        wrangler.contains("\"main\": \".edgedocs/worker/entry.js\""),
        "{wrangler}"
    );
    assert!(wrangler.contains("\"directory\": \"public\""), "{wrangler}");
    let worker = site.join(".edgedocs/worker");
    for file in ["entry.js", "index.js", "index_bg.wasm"] {
        assert!(worker.join(file).is_file(), "{file}");
    }
    let settings = std::fs::read_to_string(worker.join("edge-config.js")).unwrap();
    assert!(
        settings.contains("export default {\"color_themes\":[\"light\",\"dark\""),
        "{settings}"
    );
    assert!(settings.contains("\"demo_apis\":false"), "{settings}");

    std::fs::write(
        site.join("site.toml"),
        std::fs::read_to_string(site.join("site.toml")).unwrap() + "\n[edge]\ndemo_apis = true\n",
    )
    .unwrap();
    assert!(edgedocs(&site, &["build"]).status.success());
    let settings = std::fs::read_to_string(worker.join("edge-config.js")).unwrap();
    assert!(settings.contains("\"demo_apis\":true"), "{settings}");
}

#[test]
fn a_folder_that_is_not_empty_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let init = edgedocs(dir.path(), &["init"]);
    assert_eq!(init.status.code(), Some(1));
    let stderr = String::from_utf8(init.stderr).unwrap();
    assert!(
        stderr.contains("is not empty: `edgedocs init` makes a new site in an empty folder"),
        "{stderr}"
    );
    assert!(!dir.path().join("site.toml").exists());
    let forced = edgedocs(dir.path(), &["init", "--force"]);
    assert!(forced.status.success());
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
    assert!(dir.path().join("site.toml").exists());
}
