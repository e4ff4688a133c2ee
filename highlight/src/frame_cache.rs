//! Reusing code frames rendered before: [`FrameKey`] names everything a frame's HTML depends on (the
//! code, the fence's options and [`output_fingerprint`], which changes with the grammars and with this
//! crate's code), and [`render_code_frame_cached`] asks a [`FrameCache`] before highlighting. Where
//! the frames are kept (a folder on disk, memory) is the caller's concern.

use std::sync::LazyLock;

use super::frame::{FrameOptions, Rendered, render_code_frame};
use super::line_ranges::LineRanges;

/// The key of one code frame: a BLAKE3 hash of the code and of every field of [`FrameOptions`].
/// Frames from another version of the highlighter are told apart by [`output_fingerprint`], which
/// the caller keeps beside the frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameKey(pub [u8; 32]);

impl FrameKey {
    /// The key of the frame `render_code_frame(info, code)` renders.
    pub fn new(info: &FrameOptions<'_>, code: &str) -> FrameKey {
        // Destructured, so that a new option cannot be left out of the key.
        let FrameOptions {
            lang,
            title,
            highlighted_lines,
            inserted_lines,
            deleted_lines,
            hidden_lines,
        } = *info;
        let mut hasher = blake3::Hasher::new();
        for text in [lang, title] {
            match text {
                None => hasher.update(&[0]),
                Some(text) => hasher
                    .update(&[1])
                    .update(&(text.len() as u64).to_le_bytes())
                    .update(text.as_bytes()),
            };
        }
        for lines in [highlighted_lines, inserted_lines, deleted_lines, hidden_lines] {
            hash_lines(&mut hasher, lines);
        }
        hasher
            .update(&(code.len() as u64).to_le_bytes())
            .update(code.as_bytes());
        FrameKey(*hasher.finalize().as_bytes())
    }
}

fn hash_lines(hasher: &mut blake3::Hasher, lines: &LineRanges) {
    hasher.update(&(lines.ranges().len() as u64).to_le_bytes());
    for range in lines.ranges() {
        hasher
            .update(&range.start().to_le_bytes())
            .update(&range.end().to_le_bytes());
    }
}

/// Where rendered frames are kept between builds. Implementations must be usable from the threads
/// that render pages (`Sync`), and may forget anything at any time.
pub trait FrameCache: Sync {
    /// The HTML of the frame with this key, if it was kept.
    fn get(&self, key: &FrameKey) -> Option<String>;
    /// Keeps the HTML just rendered for `key`.
    fn put(&self, key: FrameKey, html: &str);
}

/// [`render_code_frame`], taking the frame from `cache` when it has it. Only frames without warnings
/// are kept, so a block the author should fix is warned about on every build.
pub fn render_code_frame_cached(cache: &dyn FrameCache, info: &FrameOptions<'_>, code: &str) -> Rendered {
    let key = FrameKey::new(info, code);
    if let Some(html) = cache.get(&key) {
        return Rendered {
            html,
            warnings: Vec::new(),
        };
    }
    let rendered = render_code_frame(info, code);
    if rendered.warnings.is_empty() {
        cache.put(key, &rendered.html);
    }
    rendered
}

/// The source of the modules whose code shapes a frame's HTML: a change to any of them (during
/// development, without a new version number) must not reuse frames rendered before it.
const OUTPUT_SOURCES: &[&str] = &[
    include_str!("frame.rs"),
    include_str!("frame_cache.rs"),
    include_str!("languages.rs"),
    include_str!("line_cache.rs"),
    include_str!("line_ranges.rs"),
    include_str!("token_class.rs"),
    include_str!("tokenize.rs"),
];

static OUTPUT_FINGERPRINT: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for source in OUTPUT_SOURCES {
        hasher
            .update(&(source.len() as u64).to_le_bytes())
            .update(source.as_bytes());
    }
    hasher.update(super::languages::syntax_set_dump());
    *hasher.finalize().as_bytes()
});

/// What every frame's HTML depends on besides its own key: this crate's version and code, and the
/// grammars (the syntax set `build.rs` wrote). Frames kept under another fingerprint are stale.
pub fn output_fingerprint() -> [u8; 32] {
    *OUTPUT_FINGERPRINT
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    #[derive(Default)]
    struct MemoryCache {
        frames: Mutex<HashMap<FrameKey, String>>,
        gets: Mutex<usize>,
    }

    impl FrameCache for MemoryCache {
        fn get(&self, key: &FrameKey) -> Option<String> {
            *self.gets.lock().unwrap() += 1;
            self.frames.lock().unwrap().get(key).cloned()
        }
        fn put(&self, key: FrameKey, html: &str) {
            self.frames.lock().unwrap().insert(key, html.to_owned());
        }
    }

    fn options<'a>(lang: Option<&'a str>, title: Option<&'a str>, lines: &'a [LineRanges; 4]) -> FrameOptions<'a> {
        FrameOptions {
            lang,
            title,
            highlighted_lines: &lines[0],
            inserted_lines: &lines[1],
            deleted_lines: &lines[2],
            hidden_lines: &lines[3],
        }
    }

    #[test]
    fn every_option_and_the_code_change_the_key() {
        let none: [LineRanges; 4] = Default::default();
        let base = FrameKey::new(&options(Some("ts"), Some("a.ts"), &none), "let a = 1;\n");
        assert_eq!(
            base,
            FrameKey::new(&options(Some("ts"), Some("a.ts"), &none), "let a = 1;\n")
        );
        let mut others = vec![
            FrameKey::new(&options(Some("ts"), Some("a.ts"), &none), "let a = 2;\n"),
            FrameKey::new(&options(Some("js"), Some("a.ts"), &none), "let a = 1;\n"),
            FrameKey::new(&options(None, Some("a.ts"), &none), "let a = 1;\n"),
            FrameKey::new(&options(Some("ts"), None, &none), "let a = 1;\n"),
            FrameKey::new(&options(Some("ts"), Some("b.ts"), &none), "let a = 1;\n"),
            // The text moved between the language and the title: still another key.
            FrameKey::new(&options(Some("tsa"), Some(".ts"), &none), "let a = 1;\n"),
        ];
        for which in 0..4 {
            let mut marked: [LineRanges; 4] = Default::default();
            marked[which] = LineRanges::from_ranges([1..=1]);
            others.push(FrameKey::new(
                &options(Some("ts"), Some("a.ts"), &marked),
                "let a = 1;\n",
            ));
        }
        for (index, other) in others.iter().enumerate() {
            assert_ne!(*other, base, "variant {index}");
            for later in &others[index + 1..] {
                assert_ne!(other, later);
            }
        }
    }

    #[test]
    fn a_kept_frame_is_the_frame_rendering_gives() {
        let cache = MemoryCache::default();
        let none: [LineRanges; 4] = Default::default();
        let info = options(Some("rust"), None, &none);
        let code = "fn main() {}\n";
        let first = render_code_frame_cached(&cache, &info, code);
        assert_eq!(first, render_code_frame(&info, code));
        assert_eq!(cache.frames.lock().unwrap().len(), 1);
        // What the cache holds is what is returned, not a fresh render.
        cache
            .frames
            .lock()
            .unwrap()
            .values_mut()
            .for_each(|html| html.push_str("<!-- kept -->"));
        let second = render_code_frame_cached(&cache, &info, code);
        assert!(second.html.ends_with("<!-- kept -->"), "{}", second.html);
    }

    #[test]
    fn frames_with_warnings_are_not_kept() {
        let cache = MemoryCache::default();
        let none: [LineRanges; 4] = Default::default();
        let rendered = render_code_frame_cached(&cache, &options(Some("no-such-language"), None, &none), "x\n");
        assert_eq!(rendered.warnings.len(), 1);
        assert!(cache.frames.lock().unwrap().is_empty());
        let again = render_code_frame_cached(&cache, &options(Some("no-such-language"), None, &none), "x\n");
        assert_eq!(again.warnings.len(), 1, "the warning comes back on every build");
        assert_eq!(*cache.gets.lock().unwrap(), 2);
    }

    #[test]
    fn the_fingerprint_covers_every_module_that_shapes_the_html() {
        // Every module but the stylesheet's, the build script's helper and the crate root.
        let not_output = ["css.rs", "palette.rs", "identifier_classes.rs", "lib.rs"];
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut modules: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs") && !not_output.contains(&name.as_str()))
            .collect();
        modules.sort();
        let covered: Vec<String> = modules
            .iter()
            .filter(|name| {
                let text = std::fs::read_to_string(folder.join(name)).unwrap();
                OUTPUT_SOURCES.contains(&text.as_str())
            })
            .cloned()
            .collect();
        assert_eq!(covered, modules, "add the new module to OUTPUT_SOURCES");
        assert_eq!(output_fingerprint(), output_fingerprint());
    }
}
