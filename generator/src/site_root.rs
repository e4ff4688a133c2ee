//! The site root as a boundary. Every path an author, a theme or the config names (code includes, the
//! theme, the folders the build walks, stylesheet imports) is resolved here, symlinks included, and must
//! stay inside the folder that holds `site.toml`; every read is bounded in size and takes regular files
//! only. A pull request to a docs repository therefore cannot make the build publish a file from elsewhere
//! on the machine (`/proc/self/environ`, a CI secret) or read without end (`/dev/zero`).
//!
//! It owns reading what the site names; where the build writes is [`crate::output`]'s concern.

use crate::diagnostics::{Diagnostic, Location};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use walkdir::WalkDir;

/// The most a text source may hold: a Markdown page, a template, a stylesheet, a TOML file, an include.
pub const MAX_SOURCE_BYTES: u64 = 16 * 1024 * 1024;

/// The most a copied file (a static file, an image beside a page, a theme asset) may hold: the largest
/// file Workers Static Assets serve.
pub const MAX_COPIED_FILE_BYTES: u64 = 25 * 1024 * 1024;

/// Why a path the site names cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SitePathError {
    #[error("`{written}` is an absolute path")]
    Absolute { written: String },
    #[error("`{written}` leads outside the site root")]
    Outside { written: String },
    #[error("`{written}` is a symlink to a place outside the site root")]
    SymlinkOutside { written: String },
    #[error("`{written}` does not exist")]
    NotFound { written: String },
    #[error("`{written}` is not a regular file")]
    NotAFile { written: String },
    #[error("`{written}` is larger than the limit of {limit_mib} MiB")]
    TooLarge { written: String, limit_mib: u64 },
    #[error("`{written}` is not UTF-8 text")]
    NotText { written: String },
    #[error("could not read `{written}`: {reason}")]
    Unreadable { written: String, reason: String },
}

impl SitePathError {
    /// The error as a diagnostic, at `location` when the path was written somewhere.
    pub fn to_diagnostic(&self, location: Option<Location>) -> Diagnostic {
        Diagnostic::error(location, self.to_string()).with_help(self.help())
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            SitePathError::Absolute { .. } => "write the path from the site root (the folder that holds site.toml)",
            SitePathError::Outside { .. } => {
                "the build reads only files inside the site root; copy the file into the site"
            }
            SitePathError::SymlinkOutside { .. } => {
                "the build follows symlinks only within the site root; replace the link with the files themselves"
            }
            SitePathError::NotFound { .. } => "check the path: it is relative to the folder that holds site.toml",
            SitePathError::NotAFile { .. } => "name a regular file, not a folder, device or pipe",
            SitePathError::TooLarge { .. } => "split the file, or leave it out of the site",
            SitePathError::NotText { .. } => "save the file as UTF-8",
            SitePathError::Unreadable { .. } => "check the file's permissions",
        }
    }
}

/// The folder that holds `site.toml`, with its symlinks resolved.
#[derive(Debug, Clone)]
pub struct SiteRoot {
    /// As given on the command line; paths in diagnostics are relative to it.
    given: PathBuf,
    /// With every symlink resolved: what "inside" is measured against.
    canonical: PathBuf,
}

impl SiteRoot {
    pub fn new(root: &Path) -> std::io::Result<Self> {
        Ok(Self {
            given: root.to_path_buf(),
            canonical: root.canonicalize()?,
        })
    }

    /// The root as given.
    pub fn path(&self) -> &Path {
        &self.given
    }

    /// `path` (under the root as given) relative to the root, with `/`, for messages.
    pub fn display(&self, path: &Path) -> String {
        slash_path(path.strip_prefix(&self.given).unwrap_or(path))
    }

    /// A path written by an author, relative to the root (`edge/src/kv.rs`), as a path to read. Fails when
    /// it is absolute, climbs out with `..`, or reaches outside through a symlink.
    pub fn resolve(&self, written: &str) -> Result<PathBuf, SitePathError> {
        let relative = Path::new(written);
        if relative.has_root() || relative.components().any(|c| matches!(c, Component::Prefix(_))) {
            return Err(SitePathError::Absolute {
                written: written.to_owned(),
            });
        }
        if lexically_escapes(relative) {
            return Err(SitePathError::Outside {
                written: written.to_owned(),
            });
        }
        self.contain(&self.given.join(relative), written)
    }

    /// `path`, a path under the root as given, with its symlinks resolved; fails unless that stays inside.
    /// `written` names it in the error.
    pub fn contain(&self, path: &Path, written: &str) -> Result<PathBuf, SitePathError> {
        match path.canonicalize() {
            Ok(canonical) if canonical.starts_with(&self.canonical) => Ok(canonical),
            Ok(_) => Err(SitePathError::SymlinkOutside {
                written: written.to_owned(),
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Err(SitePathError::NotFound {
                written: written.to_owned(),
            }),
            Err(error) => Err(SitePathError::Unreadable {
                written: written.to_owned(),
                reason: error.to_string(),
            }),
        }
    }

    /// Whether `path` (under the root as given) exists and stays inside the root.
    pub fn is_inside(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|canonical| canonical.starts_with(&self.canonical))
    }

    /// Reads the text an author names (`written`, relative to the root), at most `limit` bytes.
    pub fn read_text(&self, written: &str, limit: u64) -> Result<String, SitePathError> {
        let path = self.resolve(written)?;
        read_text_bounded(&path, written, limit)
    }

    /// Every regular file under `dir` (a folder under the root as given), in name order, skipping names
    /// that start with `.` below `dir` when `skip_hidden`. Symlinks are followed while they stay inside
    /// the root; one that leads outside is reported (and not followed), as is a `dir` that does.
    pub fn walk(&self, dir: &Path, skip_hidden: bool) -> Walk {
        let mut walk = Walk::default();
        if !dir.exists() {
            if dir.symlink_metadata().is_ok() {
                walk.errors.push(SitePathError::NotFound {
                    written: self.display(dir),
                });
            }
            return walk;
        }
        if let Err(error) = self.contain(dir, &self.display(dir)) {
            walk.errors.push(error);
            return walk;
        }
        let mut escapes = Vec::new();
        let entries = WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                if entry.depth() > 0 && skip_hidden && entry.file_name().to_string_lossy().starts_with('.') {
                    return false;
                }
                if entry.path_is_symlink() && !self.is_inside(entry.path()) {
                    escapes.push(SitePathError::SymlinkOutside {
                        written: self.display(entry.path()),
                    });
                    return false;
                }
                true
            });
        for entry in entries {
            match entry {
                Ok(entry) if entry.file_type().is_file() => walk.files.push(WalkedFile {
                    relative: slash_path(entry.path().strip_prefix(dir).unwrap_or(entry.path())),
                    depth: entry.depth(),
                    path: entry.into_path(),
                }),
                Ok(_) => {}
                Err(error) => {
                    let written = error.path().map(|path| self.display(path)).unwrap_or_default();
                    let reason = if error.loop_ancestor().is_some() {
                        "a symlink loops back to a folder above it".to_owned()
                    } else {
                        error.to_string()
                    };
                    walk.errors.push(SitePathError::Unreadable { written, reason });
                }
            }
        }
        walk.errors.extend(escapes);
        walk
    }
}

/// What [`SiteRoot::walk`] found.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<WalkedFile>,
    pub errors: Vec<SitePathError>,
}

/// A regular file found by [`SiteRoot::walk`].
#[derive(Debug, Clone)]
pub struct WalkedFile {
    /// Under the root as given (symlinks not resolved), e.g. `<root>/content/storage/kv.md`.
    pub path: PathBuf,
    /// Relative to the walked folder, with `/`: `storage/kv.md`.
    pub relative: String,
    /// 1 for a file directly in the walked folder.
    pub depth: usize,
}

/// Reads at most `limit` bytes of the regular file `path` (already known to be inside the root); `written`
/// names it in errors.
pub fn read_bounded(path: &Path, written: &str, limit: u64) -> Result<Vec<u8>, SitePathError> {
    let unreadable = |error: std::io::Error| SitePathError::Unreadable {
        written: written.to_owned(),
        reason: error.to_string(),
    };
    let not_found_or = |error: std::io::Error| match error.kind() {
        std::io::ErrorKind::NotFound => SitePathError::NotFound {
            written: written.to_owned(),
        },
        _ => unreadable(error),
    };
    // Before opening: opening a named pipe for reading waits for a writer.
    if !std::fs::metadata(path).map_err(not_found_or)?.is_file() {
        return Err(SitePathError::NotAFile {
            written: written.to_owned(),
        });
    }
    let file = std::fs::File::open(path).map_err(not_found_or)?;
    let metadata = file.metadata().map_err(unreadable)?;
    let too_large = || SitePathError::TooLarge {
        written: written.to_owned(),
        limit_mib: limit / (1024 * 1024),
    };
    if metadata.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // The file may grow between the size check and the read: never read past the limit.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read_bounded`], as UTF-8 text.
pub fn read_text_bounded(path: &Path, written: &str, limit: u64) -> Result<String, SitePathError> {
    String::from_utf8(read_bounded(path, written, limit)?).map_err(|_| SitePathError::NotText {
        written: written.to_owned(),
    })
}

/// Whether a relative path climbs above its start with `..` at any point.
fn lexically_escapes(relative: &Path) -> bool {
    let mut depth: usize = 0;
    for component in relative.components() {
        match component {
            Component::ParentDir => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return true,
            },
            Component::Normal(_) => depth += 1,
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    false
}

/// `path` with `/` between its components, whatever the platform writes.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A site root with `inside.txt`, `docs/page.md`, and an outside folder holding `secret.txt`.
    fn fixture() -> (tempfile::TempDir, SiteRoot) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(root.join("inside.txt"), "inside").unwrap();
        std::fs::write(root.join("docs/page.md"), "# Page").unwrap();
        std::fs::write(dir.path().join("outside/secret.txt"), "TOKEN").unwrap();
        let site_root = SiteRoot::new(&root).unwrap();
        (dir, site_root)
    }

    #[test]
    fn paths_inside_the_root_resolve() {
        let (_dir, root) = fixture();
        assert_eq!(root.read_text("inside.txt", 100).unwrap(), "inside");
        assert_eq!(root.read_text("docs/../inside.txt", 100).unwrap(), "inside");
        assert_eq!(root.read_text("./docs/page.md", 100).unwrap(), "# Page");
    }

    #[test]
    fn escapes_are_refused_before_anything_is_read() {
        let (_dir, root) = fixture();
        let cases = [
            ("../outside/secret.txt", "leads outside the site root"),
            ("docs/../../outside/secret.txt", "leads outside the site root"),
            (
                "../../../../../../../../proc/self/environ",
                "leads outside the site root",
            ),
            ("/etc/passwd", "is an absolute path"),
            ("missing.txt", "does not exist"),
            ("docs", "is not a regular file"),
        ];
        for (written, expected) in cases {
            let error = root.read_text(written, 100).unwrap_err();
            assert!(error.to_string().contains(expected), "{written}: {error}");
        }
    }

    #[test]
    fn a_symlink_out_of_the_root_is_refused() {
        let (dir, root) = fixture();
        symlink(dir.path().join("outside/secret.txt"), root.path().join("link.txt")).unwrap();
        symlink(dir.path().join("outside"), root.path().join("linked-folder")).unwrap();
        symlink("/dev/zero", root.path().join("zero")).unwrap();
        for written in ["link.txt", "linked-folder/secret.txt", "zero"] {
            assert_eq!(
                root.read_text(written, 100),
                Err(SitePathError::SymlinkOutside {
                    written: written.to_owned()
                }),
                "{written}"
            );
        }
        symlink("inside.txt", root.path().join("alias.txt")).unwrap();
        assert_eq!(
            root.read_text("alias.txt", 100).unwrap(),
            "inside",
            "a link within the root is fine"
        );
    }

    #[test]
    fn reads_stop_at_the_limit() {
        let (_dir, root) = fixture();
        std::fs::write(root.path().join("big.txt"), "x".repeat(101)).unwrap();
        assert_eq!(
            root.read_text("big.txt", 100),
            Err(SitePathError::TooLarge {
                written: "big.txt".into(),
                limit_mib: 0
            })
        );
        assert!(root.read_text("big.txt", 101).is_ok());
        let error = read_bounded(Path::new("/dev/zero"), "zero", 1024).unwrap_err();
        assert!(matches!(error, SitePathError::NotAFile { .. }), "{error}");
        let pipe = root.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&pipe)
                .status()
                .unwrap()
                .success()
        );
        let error = read_bounded(&pipe, "pipe", 1024).unwrap_err();
        assert!(
            matches!(error, SitePathError::NotAFile { .. }),
            "a pipe is refused without waiting: {error}"
        );
    }

    #[test]
    fn walks_follow_links_inside_and_report_links_outside() {
        let (dir, root) = fixture();
        let docs = root.path().join("docs");
        std::fs::create_dir_all(docs.join(".hidden")).unwrap();
        std::fs::write(docs.join(".hidden/x.md"), "").unwrap();
        symlink(dir.path().join("outside"), docs.join("leak")).unwrap();
        symlink(dir.path().join("outside/secret.txt"), docs.join("leak.txt")).unwrap();
        symlink(root.path().join("inside.txt"), docs.join("shared.txt")).unwrap();
        symlink("..", docs.join("loop")).unwrap();
        let walk = root.walk(&docs, true);
        let found: Vec<&str> = walk.files.iter().map(|file| file.relative.as_str()).collect();
        assert_eq!(found, ["page.md", "shared.txt"], "{walk:?}");
        let errors: Vec<String> = walk.errors.iter().map(ToString::to_string).collect();
        assert!(
            errors.contains(&"`docs/leak` is a symlink to a place outside the site root".to_owned()),
            "{errors:?}"
        );
        assert!(
            errors.contains(&"`docs/leak.txt` is a symlink to a place outside the site root".to_owned()),
            "{errors:?}"
        );
        assert!(errors.iter().any(|error| error.contains("loops back")), "{errors:?}");
    }

    #[test]
    fn a_walk_root_linked_out_of_the_site_is_refused() {
        let (dir, root) = fixture();
        symlink(dir.path().join("outside"), root.path().join("static")).unwrap();
        let walk = root.walk(&root.path().join("static"), false);
        assert!(walk.files.is_empty());
        assert_eq!(
            walk.errors,
            [SitePathError::SymlinkOutside {
                written: "static".into()
            }]
        );
    }
}
