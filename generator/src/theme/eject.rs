//! `edgedocs theme eject`: copies the built-in theme into the site (`themes/default/`), for those who
//! want to own all of it. The site then builds with its copy, and later versions of the built-in theme
//! no longer reach it.

use super::{BUILTIN_THEME, BUILTIN_THEME_FILES};
use anyhow::{Context, Result, bail};
use include_dir::Dir;
use std::path::{Path, PathBuf};

/// What [`eject`] wrote.
#[derive(Debug)]
pub struct Ejected {
    /// The folder, relative to the site root: `themes/default`.
    pub folder: PathBuf,
    pub files: usize,
}

/// Writes every file of the built-in theme under `root/themes/default/`. Refuses when that folder
/// exists, unless `force` (then files at the same paths are replaced, others are left alone).
pub fn eject(root: &Path, force: bool) -> Result<Ejected> {
    let folder = Path::new("themes").join(BUILTIN_THEME);
    let target = root.join(&folder);
    if target.exists() && !force {
        bail!(
            "`{}` already exists: the site already has its own copy of the theme (pass `--force` to overwrite its files with the built-in ones)",
            folder.display()
        );
    }
    let mut files = 0;
    write_dir(&BUILTIN_THEME_FILES, &target, &mut files)?;
    Ok(Ejected { folder, files })
}

fn write_dir(dir: &Dir<'_>, target: &Path, count: &mut usize) -> Result<()> {
    for file in dir.files() {
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("could not create `{}`", parent.display()))?;
        }
        std::fs::write(&path, file.contents()).with_context(|| format!("could not write `{}`", path.display()))?;
        *count += 1;
    }
    for sub in dir.dirs() {
        write_dir(sub, target, count)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eject_writes_the_whole_theme_once() {
        let dir = tempfile::tempdir().unwrap();
        let ejected = eject(dir.path(), false).unwrap();
        assert_eq!(ejected.folder, Path::new("themes/default"));
        assert!(ejected.files > 10, "{ejected:?}");
        let page = dir.path().join("themes/default/templates/page.html");
        assert_eq!(
            std::fs::read(&page).unwrap(),
            BUILTIN_THEME_FILES.get_file("templates/page.html").unwrap().contents()
        );
        std::fs::write(&page, "mine").unwrap();
        let again = eject(dir.path(), false).unwrap_err().to_string();
        assert!(again.contains("already exists"), "{again}");
        assert_eq!(
            std::fs::read_to_string(&page).unwrap(),
            "mine",
            "nothing was overwritten"
        );
        eject(dir.path(), true).unwrap();
        assert_ne!(std::fs::read_to_string(&page).unwrap(), "mine");
    }
}
