//! Finds one fenced code block per language in Markdown text, with a line scan rather than a full
//! parse, so the highlighter can warm up each grammar (see `edgedocs_highlight::warm_up`) while the
//! rest of the build gets ready. A block the scan gets wrong only makes a worse sample: the pages
//! themselves are rendered from the real parse.

use std::collections::HashSet;

/// A fence's info string (`ts title="x.ts" {3}`) and its code.
pub type CodeSample = (String, String);

/// The first block of each language found in `bodies`, in order of first appearance.
pub fn first_block_per_language<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Vec<CodeSample> {
    let mut languages = HashSet::new();
    let mut samples = Vec::new();
    for body in bodies {
        let mut lines = body.lines();
        while let Some(line) = lines.next() {
            let Some((fence, info)) = opening_fence(line) else {
                continue;
            };
            let language = info.split_whitespace().next().unwrap_or_default().to_lowercase();
            let mut code = String::new();
            for line in lines.by_ref() {
                if closes(line, fence) {
                    break;
                }
                code.push_str(line);
                code.push('\n');
            }
            if !language.is_empty() && languages.insert(language) {
                samples.push((info.to_owned(), code));
            }
        }
    }
    samples
}

/// ```` ```ts title="a" ```` -> ("```", "ts title=\"a\""), for fences indented by at most three spaces.
fn opening_fence(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.len() - trimmed.trim_start_matches(marker).len();
    if length < 3 {
        return None;
    }
    let (fence, info) = trimmed.split_at(length);
    let info = info.trim();
    (marker == '~' || !info.contains('`')).then_some((fence, info))
}

fn closes(line: &str, fence: &str) -> bool {
    let trimmed = line.trim();
    let marker = fence.as_bytes()[0] as char;
    trimmed.len() >= fence.len() && trimmed.chars().all(|c| c == marker)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_per_language_in_order() {
        let page = "# A\n\n```ts title=\"a.ts\"\nconst a = 1;\n```\n\n~~~~rust\nfn a() {}\n```\nstill rust\n~~~~\n\n```TS\nconst b = 2;\n```\n";
        let other = "```\nno language\n```\n\n```bash\necho hi\n```\n";
        assert_eq!(
            first_block_per_language([page, other]),
            [
                ("ts title=\"a.ts\"".to_owned(), "const a = 1;\n".to_owned()),
                ("rust".to_owned(), "fn a() {}\n```\nstill rust\n".to_owned()),
                ("bash".to_owned(), "echo hi\n".to_owned()),
            ]
        );
    }

    #[test]
    fn indented_code_and_inline_backticks_are_not_fences() {
        assert!(first_block_per_language(["    ```ts\n    x\n    ```\n", "``x`` and ```a`b```\n"]).is_empty());
    }
}
