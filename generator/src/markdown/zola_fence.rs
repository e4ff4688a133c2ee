//! Zola's form of a code fence's info string, `lang,name=file.toml,hl_lines=3-4 8-9,linenos`, written
//! in edgedocs' own grammar (see [`super::fence_info`]): `name` becomes `title`, `hl_lines` the lines
//! to highlight; `linenos`, `linenostart` and `hide_lines` are the theme's business and are dropped.

/// The info string in edgedocs' grammar, or `None` when `info` is not in Zola's comma form.
pub(crate) fn translate(info: &str) -> Option<String> {
    let mut items = info.split(',').map(str::trim);
    let lang = items.next()?;
    if lang.contains(char::is_whitespace) || lang.contains('=') {
        return None;
    }
    let mut translated = lang.to_owned();
    let mut any = false;
    for item in items.filter(|item| !item.is_empty()) {
        any = true;
        let (key, value) = item
            .split_once('=')
            .map_or((item, ""), |(key, value)| (key.trim(), value.trim()));
        match key {
            "name" => translated.push_str(&format!(
                " title=\"{}\"",
                value.replace('\\', "\\\\").replace('"', "\\\"")
            )),
            "hl_lines" => {
                let lines: Vec<&str> = value.split_whitespace().collect();
                if !lines.is_empty() {
                    translated.push_str(&format!(" {{{}}}", lines.join(",")));
                }
            }
            "linenos" | "linenostart" | "hide_lines" => {}
            _ => return None,
        }
    }
    any.then_some(translated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zola_fences_are_written_in_edgedocs_grammar() {
        for (zola, edgedocs) in [
            ("toml ,name=zola.toml", Some("toml title=\"zola.toml\"")),
            (
                "scss, linenos, linenostart=10, hl_lines=3-4 8-9, hide_lines=2 7",
                Some("scss {3-4,8-9}"),
            ),
            (
                "md ,name=content/blog/hello.md",
                Some("md title=\"content/blog/hello.md\""),
            ),
            ("rust", None),
            ("rust,ignore", None),
            ("ts title=\"a\", x", None),
        ] {
            assert_eq!(translate(zola).as_deref(), edgedocs, "{zola}");
        }
    }
}
