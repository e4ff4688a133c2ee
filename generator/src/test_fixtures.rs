//! Fixture sites for unit tests that need a whole site on disk (the build session, the preview builder).

use std::path::Path;

/// The `docs` integration fixture with the test theme, in a temporary folder.
pub fn fixture_site() -> tempfile::TempDir {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        (fixtures.join("docs"), dir.path().to_path_buf()),
        (fixtures.join("_theme"), dir.path().join("themes/default")),
    ] {
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(&from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    dir
}
