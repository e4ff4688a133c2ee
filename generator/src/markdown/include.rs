//! Code includes: a fence with `include="path/to/file.rs#region"` shows a file (or one marked region of it)
//! from the repository, read at build time, so the docs cannot drift from the code.
//!
//! A region is the lines between `#region name` and `#endregion name` (in any comment syntax:
//! `// #region handler`, `# #region config`); nested region markers are left out of the result, and the
//! common indentation is removed.

use crate::site_root::{MAX_SOURCE_BYTES, SitePathError, SiteRoot};

/// Why an include could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncludeError {
    #[error("cannot include: {0}")]
    Path(SitePathError),
    #[error("`{path}` has no region `{region}`")]
    MissingRegion {
        path: String,
        region: String,
        available: Vec<String>,
    },
    #[error("region `{region}` in `{path}` is not closed")]
    UnclosedRegion { path: String, region: String },
}

impl IncludeError {
    pub fn help(&self) -> String {
        match self {
            IncludeError::Path(SitePathError::Absolute { .. }) => {
                "write the path from the site root, e.g. `include=\"edge/src/theme.rs#handler\"`".into()
            }
            IncludeError::Path(error) => error.help().into(),
            IncludeError::MissingRegion { region, available, .. } if available.is_empty() => {
                format!("mark the lines with `// #region {region}` and `// #endregion {region}` in the file")
            }
            IncludeError::MissingRegion { available, .. } => format!("regions in the file: {}", available.join(", ")),
            IncludeError::UnclosedRegion { region, .. } => {
                format!("add `// #endregion {region}` after the region's last line")
            }
        }
    }
}

/// Reads `spec` (`path` or `path#region`), a path inside the site root.
pub fn read_include(root: &SiteRoot, spec: &str) -> Result<String, IncludeError> {
    let (path, region) = match spec.split_once('#') {
        Some((path, region)) => (path, Some(region)),
        None => (spec, None),
    };
    let text = root.read_text(path, MAX_SOURCE_BYTES).map_err(IncludeError::Path)?;
    match region {
        None => Ok(text),
        Some(region) => extract_region(&text, region).map_err(|error| match error {
            RegionError::Missing(available) => IncludeError::MissingRegion {
                path: path.to_owned(),
                region: region.to_owned(),
                available,
            },
            RegionError::Unclosed => IncludeError::UnclosedRegion {
                path: path.to_owned(),
                region: region.to_owned(),
            },
        }),
    }
}

enum RegionError {
    Missing(Vec<String>),
    Unclosed,
}

/// `#region NAME` or `#endregion NAME` in a comment line, as (is_start, name).
fn marker(line: &str) -> Option<(bool, &str)> {
    let trimmed = line
        .trim_start()
        .trim_start_matches(['/', '#', '-', '*', '<', '!', ';'])
        .trim_start();
    let (is_start, rest) = if let Some(rest) = trimmed.strip_prefix("#region") {
        (true, rest)
    } else {
        (false, trimmed.strip_prefix("#endregion")?)
    };
    let name = rest.trim().trim_end_matches("-->").trim_end_matches("*/").trim();
    Some((is_start, name))
}

fn extract_region(text: &str, region: &str) -> Result<String, RegionError> {
    let mut lines = text.lines();
    let mut available = Vec::new();
    let mut found = false;
    for line in lines.by_ref() {
        if let Some((true, name)) = marker(line) {
            if name == region {
                found = true;
                break;
            }
            available.push(name.to_owned());
        }
    }
    if !found {
        for line in text.lines() {
            if let Some((true, name)) = marker(line)
                && !available.iter().any(|a| a == name)
            {
                available.push(name.to_owned());
            }
        }
        return Err(RegionError::Missing(available));
    }
    let mut body = Vec::new();
    let mut closed = false;
    for line in lines {
        match marker(line) {
            Some((false, name)) if name == region || name.is_empty() => {
                closed = true;
                break;
            }
            Some(_) => continue,
            None => body.push(line),
        }
    }
    if !closed {
        return Err(RegionError::Unclosed);
    }
    Ok(dedent(&body))
}

fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in lines {
        out.push_str(line.get(indent..).unwrap_or("").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "fn a() {}\n    // #region handler\n    fn handler() {\n        // #region inner\n        work();\n        // #endregion inner\n    }\n    // #endregion handler\n# #region config\nx = 1\n# #endregion\n";

    #[test]
    fn extracts_a_region_without_nested_markers_and_dedents() {
        let Ok(text) = extract_region(SOURCE, "handler") else {
            panic!("region not found")
        };
        assert_eq!(text, "fn handler() {\n    work();\n}\n");
        let Ok(text) = extract_region(SOURCE, "config") else {
            panic!("region not found")
        };
        assert_eq!(text, "x = 1\n");
    }

    #[test]
    fn reading_a_missing_region_lists_the_available_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lib.rs"), SOURCE).unwrap();
        let root = SiteRoot::new(dir.path()).unwrap();
        let error = read_include(&root, "lib.rs#handlr").unwrap_err();
        assert_eq!(error.to_string(), "`lib.rs` has no region `handlr`");
        assert_eq!(error.help(), "regions in the file: handler, inner, config");
        assert_eq!(
            read_include(&root, "nope.rs").unwrap_err().to_string(),
            "cannot include: `nope.rs` does not exist"
        );
        assert_eq!(read_include(&root, "lib.rs#inner").unwrap(), "work();\n");
    }
}
