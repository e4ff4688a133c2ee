//! A fluent harness for integration tests: copy a fixture site to a temporary folder, run the real
//! `edgedocs` binary on it, and check what it wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fixture site copied to a temporary folder.
pub(crate) struct SiteTest {
    /// Holds the site in `site/`, so a test can put files beside the site, outside its root.
    dir: tempfile::TempDir,
    root: PathBuf,
    last: Option<Output>,
    env: Vec<(String, String)>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl SiteTest {
    /// Copies the test theme as `themes/default`, then `tests/fixtures/<name>` over it, so a fixture holds
    /// only the theme files it changes.
    pub(crate) fn new(name: &str) -> Self {
        let site = Self::without_theme(name);
        copy_tree(&fixtures().join("_theme"), &site.root.join("themes/default"));
        copy_tree(&fixtures().join(name), &site.root);
        site
    }

    /// Copies only `tests/fixtures/<name>`: a site with no `themes/` folder, built with the theme built
    /// into the binary (and whatever of its files the fixture overrides).
    pub(crate) fn without_theme(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_tree(&fixtures().join(name), &root);
        Self {
            dir,
            root,
            last: None,
            env: Vec::new(),
        }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The temporary folder that holds the site, for files outside its root.
    pub(crate) fn beside(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, path: &str, contents: &str) -> &Self {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Sets an environment variable for every later run of the binary.
    pub(crate) fn env(&mut self, name: &str, value: &str) -> &mut Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn run(&mut self, args: &[&str]) -> &Output {
        let output = Command::new(env!("CARGO_BIN_EXE_edgedocs"))
            .arg("--root")
            .arg(self.root())
            .args(args)
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .output()
            .unwrap();
        self.last = Some(output);
        self.last.as_ref().unwrap()
    }

    /// Runs `edgedocs build` and asserts that it succeeded.
    pub(crate) fn build(&mut self) -> &mut Self {
        let output = self.run(&["build"]).clone();
        assert!(
            output.status.success(),
            "build failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        self
    }

    /// Runs `edgedocs build`, asserts that it failed, and returns what it printed on stderr (with the
    /// temporary folder's path replaced by `<site>`).
    pub(crate) fn build_fails(&mut self) -> String {
        let output = self.run(&["build"]).clone();
        assert!(
            !output.status.success(),
            "build succeeded but should have failed:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
        self.stderr()
    }

    pub(crate) fn stdout(&self) -> String {
        let output = self.last.as_ref().expect("run the binary first");
        String::from_utf8_lossy(&output.stdout).replace(&self.root().display().to_string(), "<site>")
    }

    pub(crate) fn stderr(&self) -> String {
        let output = self.last.as_ref().expect("run the binary first");
        String::from_utf8_lossy(&output.stderr).replace(&self.root().display().to_string(), "<site>")
    }

    /// The contents of `public/<path>`.
    pub(crate) fn file(&self, path: &str) -> String {
        let full = self.root().join("public").join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("could not read public/{path}: {error}"))
    }

    pub(crate) fn exists(&self, path: &str) -> bool {
        self.root().join("public").join(path).exists()
    }

    /// Asserts that `public/<path>` contains each of `needles`.
    pub(crate) fn check_file(&self, path: &str, needles: &[&str]) -> &Self {
        let contents = self.file(path);
        for needle in needles {
            assert!(
                contents.contains(needle),
                "public/{path} does not contain {needle:?}:\n{contents}"
            );
        }
        self
    }

    /// Asserts that `public/<path>` contains none of `needles`.
    pub(crate) fn check_file_lacks(&self, path: &str, needles: &[&str]) -> &Self {
        let contents = self.file(path);
        for needle in needles {
            assert!(
                !contents.contains(needle),
                "public/{path} contains {needle:?}:\n{contents}"
            );
        }
        self
    }

    /// Every file under `public/`, relative, sorted.
    pub(crate) fn output_files(&self) -> Vec<String> {
        let public = self.root().join("public");
        let mut files: Vec<String> = walkdir::WalkDir::new(&public)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&public)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        files.sort();
        files
    }

    /// Every entry at the top of the site folder (to see that no staging folder was left behind).
    pub(crate) fn top_level(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Running any subcommand and checking how it ended (used by the `edgedocs kv` tests).
impl SiteTest {
    /// Runs the binary with `args`, asserts that it succeeded, and returns its stdout.
    pub(crate) fn run_ok(&mut self, args: &[&str]) -> String {
        let output = self.run(args).clone();
        assert!(
            output.status.success(),
            "`edgedocs {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        self.stdout()
    }

    /// Runs the binary with `args`, asserts that it failed with exit code 1 (an error, not a usage
    /// mistake), and returns its stderr.
    pub(crate) fn run_fails(&mut self, args: &[&str]) -> String {
        let output = self.run(args).clone();
        assert_eq!(
            output.status.code(),
            Some(1),
            "`edgedocs {}` should have failed with exit code 1:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        self.stderr()
    }
}
