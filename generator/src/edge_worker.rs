//! The site's Cloudflare Worker, for `npx wrangler deploy` without a Rust toolchain: the prebuilt
//! bundle in `edge/dist/` (built from `edge/` by `scripts/build-worker.sh`; CI checks it against the
//! sources with `scripts/check-worker-bundle.sh`) travels inside the binary, and `edgedocs build`
//! writes it into `.edgedocs/worker/` with the site's settings (`edge-config.js`), where the
//! `wrangler.jsonc` of `edgedocs init` points. It does not build or run the Worker.

use anyhow::{Context, Result};
use edgedocs_edge::SiteEdgeConfig;
use std::path::{Path, PathBuf};

/// Where the Worker is written, relative to the site's root.
pub const WORKER_DIR: &str = ".edgedocs/worker";

/// The entry module, the one file `wrangler.jsonc`'s `main` names.
pub const WORKER_ENTRY: &str = "entry.js";

/// The module holding the site's settings, which the entry module imports.
pub const EDGE_CONFIG_MODULE: &str = "edge-config.js";

/// The prebuilt bundle: the entry module, worker-build's glue and the wasm (after wasm-opt).
const BUNDLE: [(&str, &[u8]); 3] = [
    (WORKER_ENTRY, include_bytes!("../../edge/dist/entry.js")),
    ("index.js", include_bytes!("../../edge/dist/index.js")),
    ("index_bg.wasm", include_bytes!("../../edge/dist/index_bg.wasm")),
];

/// The text of `edge-config.js` for `settings`: one JSON object as the module's default export.
pub fn edge_config_module(settings: &SiteEdgeConfig) -> String {
    format!(
        "// What this site tells its edge, written by `edgedocs build` from site.toml and the theme.\nexport default {};\n",
        settings.to_json()
    )
}

/// Writes the Worker and `settings` into [`WORKER_DIR`] under `root`, leaving alone the files that
/// are already as they should be; returns the folder.
pub fn write_worker(root: &Path, settings: &SiteEdgeConfig) -> Result<PathBuf> {
    let folder = root.join(WORKER_DIR);
    std::fs::create_dir_all(&folder).with_context(|| format!("could not create `{}`", folder.display()))?;
    let config = edge_config_module(settings);
    let files = BUNDLE
        .iter()
        .copied()
        .chain(std::iter::once((EDGE_CONFIG_MODULE, config.as_bytes())));
    for (name, contents) in files {
        let path = folder.join(name);
        if std::fs::read(&path).is_ok_and(|existing| existing == contents) {
            continue;
        }
        std::fs::write(&path, contents).with_context(|| format!("could not write `{}`", path.display()))?;
    }
    Ok(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_module_imports_the_glue_and_the_settings() {
        let entry = std::str::from_utf8(BUNDLE[0].1).unwrap();
        assert!(entry.contains("from \"./index.js\""), "{entry}");
        assert!(entry.contains(&format!("from \"./{EDGE_CONFIG_MODULE}\"")), "{entry}");
        let glue = std::str::from_utf8(BUNDLE[1].1).unwrap();
        assert!(glue.contains("index_bg.wasm"), "the glue loads the wasm beside it");
        assert_eq!(&BUNDLE[2].1[..4], b"\0asm");
    }

    #[test]
    fn writes_the_bundle_and_the_settings_and_rewrites_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let settings = SiteEdgeConfig {
            color_themes: vec!["light".into(), "dark".into()],
            demo_apis: false,
            page_policy: None,
        };
        let folder = write_worker(dir.path(), &settings).unwrap();
        assert_eq!(folder, dir.path().join(".edgedocs/worker"));
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["edge-config.js", "entry.js", "index.js", "index_bg.wasm"]);
        let module = std::fs::read_to_string(folder.join(EDGE_CONFIG_MODULE)).unwrap();
        let json = module
            .lines()
            .find_map(|line| line.strip_prefix("export default "))
            .and_then(|rest| rest.strip_suffix(';'))
            .unwrap();
        assert_eq!(SiteEdgeConfig::from_json(json).unwrap(), settings);

        let wasm = folder.join("index_bg.wasm");
        let written_at = std::fs::metadata(&wasm).unwrap().modified().unwrap();
        let demos = SiteEdgeConfig {
            demo_apis: true,
            ..settings
        };
        write_worker(dir.path(), &demos).unwrap();
        assert_eq!(std::fs::metadata(&wasm).unwrap().modified().unwrap(), written_at);
        let module = std::fs::read_to_string(folder.join(EDGE_CONFIG_MODULE)).unwrap();
        assert!(module.contains("\"demo_apis\":true"), "{module}");
    }
}
