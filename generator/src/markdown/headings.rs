//! Headings: unique slug ids, the anchor link after each heading's text, and the table of contents.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;

/// An entry of the table of contents: an h2 with its h3 children.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// What the heading pass learned about a page.
#[derive(Debug, Default)]
pub struct HeadingsOutcome {
    pub toc: Vec<TocEntry>,
    /// Every id given to a heading, for anchor checks.
    pub ids: Vec<String>,
}

/// How a heading's id is made from its text (`[markdown] heading_ids`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeadingIds {
    /// GitHub's and mdBook's: lower case, letters, digits, `-` and `_` kept, spaces to `-`, other
    /// punctuation dropped (`Storage_API v2` -> `storage_api-v2`).
    #[default]
    Github,
    /// Zola's default: transliterated to ASCII, lower case, every run of other characters one `-`
    /// (`Storage_API v2` -> `storage-api-v2`, `Café` -> `cafe`).
    Ascii,
    /// Zola's `safe` and `off`: the text as written, whitespace to `_`.
    Verbatim,
}

impl HeadingIds {
    /// The id of a heading whose text is `text`, before it is made unique on the page.
    pub fn id_of(self, text: &str) -> String {
        let id = match self {
            HeadingIds::Github => return slugify(text),
            HeadingIds::Ascii => slug::slugify(text),
            HeadingIds::Verbatim => text.trim().replace(|c: char| c.is_ascii_whitespace(), "_"),
        };
        if id.is_empty() { "section".to_owned() } else { id }
    }
}

/// Gives ids to headings and appends anchor links; drops the leading h1 when it became the page title.
pub fn process<'a>(
    events: Vec<Event<'a>>,
    drop_title_heading: bool,
    heading_ids: HeadingIds,
) -> (Vec<Event<'a>>, HeadingsOutcome) {
    let mut slugger = Slugger::default();
    let mut outcome = HeadingsOutcome::default();
    let mut output = Vec::with_capacity(events.len() + 8);
    let mut index = 0;
    if drop_title_heading && let Some(end) = leading_h1_end(&events) {
        index = end + 1;
    }
    // Ids the author chose are taken before any is generated, so `## Key` before `# Other {#key}`
    // becomes `key-1` instead of a second `key`.
    for event in &events[index..] {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            slugger.reserve(id);
        }
    }
    while index < events.len() {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &events[index]
        else {
            output.push(events[index].clone());
            index += 1;
            continue;
        };
        let end = (index + 1..events.len())
            .find(|&i| matches!(events[i], Event::End(TagEnd::Heading(_))))
            .unwrap_or(events.len());
        let inner = &events[index + 1..end];
        let text = plain_text(inner);
        let id = match id {
            Some(id) => slugger.claim(id),
            None => slugger.unique(&heading_ids.id_of(&text)),
        };
        let mut open = format!("<{level} id=\"");
        escape_into(&mut open, &id);
        open.push('"');
        if !classes.is_empty() {
            open.push_str(" class=\"");
            escape_into(&mut open, &classes.join(" "));
            open.push('"');
        }
        for (name, value) in attrs.iter().filter(|(name, _)| is_attribute_name(name)) {
            let _ = write!(open, " {}", name.as_ref());
            if let Some(value) = value {
                open.push_str("=\"");
                escape_into(&mut open, value);
                open.push('"');
            }
        }
        open.push('>');
        output.push(Event::Html(CowStr::from(open)));
        output.extend(inner.iter().cloned());
        let mut close = String::from(" <a class=\"anchor\" href=\"#");
        escape_into(&mut close, &id);
        let _ = writeln!(close, "\" aria-label=\"Link to this section\">#</a></{level}>");
        output.push(Event::Html(CowStr::from(close)));
        add_to_toc(&mut outcome.toc, *level, &id, &text);
        outcome.ids.push(id);
        index = end + 1;
    }
    (output, outcome)
}

/// Whether `name` can be written as an attribute name as is: pulldown-cmark takes any word of a
/// heading's `{...}` as a name, including `x"y`, which would break the tag.
fn is_attribute_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

/// The index of the `End` of a leading h1 (only blank HTML may come before it).
fn leading_h1_end(events: &[Event<'_>]) -> Option<usize> {
    let start = events
        .iter()
        .position(|event| !matches!(event, Event::Html(html) | Event::InlineHtml(html) if html.trim().is_empty()))?;
    if !matches!(
        events[start],
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        })
    ) {
        return None;
    }
    (start..events.len()).find(|&i| matches!(events[i], Event::End(TagEnd::Heading(HeadingLevel::H1))))
}

fn add_to_toc(toc: &mut Vec<TocEntry>, level: HeadingLevel, id: &str, title: &str) {
    let entry = |level: u8| TocEntry {
        level,
        id: id.to_owned(),
        title: title.to_owned(),
        children: Vec::new(),
    };
    match level {
        HeadingLevel::H2 => toc.push(entry(2)),
        HeadingLevel::H3 => match toc.last_mut() {
            Some(parent) => parent.children.push(entry(3)),
            None => toc.push(entry(3)),
        },
        _ => {}
    }
}

/// The readable text of inline events (code spans included, markup dropped).
pub fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// GitHub-style slug: lowercase, letters/digits/`-`/`_` kept, spaces to `-`, other punctuation dropped.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            slug.push('-');
        }
    }
    if slug.is_empty() { "section".to_owned() } else { slug }
}

/// Hands out unique ids within one page.
#[derive(Default)]
struct Slugger {
    /// For each id handed out: how many headings asked for it as a base, or, once it needed a
    /// suffix, one more than the last suffix given, so the next search starts there.
    used: HashMap<String, usize>,
    /// Candidate ids tried, for the test that keeps the search linear.
    probes: usize,
}

impl Slugger {
    fn unique(&mut self, base: &str) -> String {
        let count = self.used.entry(base.to_owned()).or_insert(0);
        *count += 1;
        if *count == 1 {
            return base.to_owned();
        }
        let mut n = *count - 1;
        loop {
            self.probes += 1;
            let candidate = format!("{base}-{n}");
            if !self.used.contains_key(&candidate) {
                self.used.insert(candidate.clone(), 1);
                // Every suffix below `n` is taken: the next repeat of `base` starts after it.
                self.used.insert(base.to_owned(), n + 1);
                return candidate;
            }
            n += 1;
        }
    }

    /// Marks an id the author chose as used before the headings are numbered.
    fn reserve(&mut self, id: &str) {
        self.used.entry(id.to_owned()).or_insert(1);
    }

    /// An id the author chose with `{#id}`: kept as written, and reserved.
    fn claim(&mut self, id: &str) -> String {
        self.reserve(id);
        id.to_owned()
    }
}

pub fn escape_into(out: &mut String, text: &str) {
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_id_never_repeats_one_the_author_chose_further_down() {
        // `## key` then `# {#key}` gave two headings the id `key` (found by fuzzing).
        let events: Vec<Event<'_>> =
            pulldown_cmark::Parser::new_ext("## key\n# {#key}\n## key\n", pulldown_cmark::Options::all()).collect();
        let (_, outcome) = process(events, false, HeadingIds::Github);
        assert_eq!(outcome.ids, ["key-1", "key", "key-2"]);
    }

    #[test]
    fn numbering_repeated_headings_stays_linear_when_their_numbered_ids_are_taken() {
        // `## a-1` ... `## a-n`, then `## a` n times: each `a` searched from `a-1` again, so a
        // 500 KB page took 30 s to build (found by bench/pathological.py).
        let n = 2000;
        let mut slugger = Slugger::default();
        for i in 1..=n {
            assert_eq!(slugger.unique(&format!("a-{i}")), format!("a-{i}"));
        }
        assert_eq!(slugger.unique("a"), "a");
        let repeats: Vec<String> = (0..n).map(|_| slugger.unique("a")).collect();
        assert_eq!(repeats[0], format!("a-{}", n + 1));
        assert_eq!(repeats[n - 1], format!("a-{}", 2 * n));
        assert!(slugger.probes <= 2 * n + 1, "{} probes for {n} repeats", slugger.probes);
    }

    #[test]
    fn heading_attributes_with_names_that_would_break_the_tag_are_left_out() {
        // `{x"y=1}` became `<h2 id="b" x"y="1">` (found by fuzzing).
        let events: Vec<Event<'_>> =
            pulldown_cmark::Parser::new_ext("## B {x\"y=1 data-a=b 1x=2 #b}\n", pulldown_cmark::Options::all())
                .collect();
        let (events, _) = process(events, false, HeadingIds::Github);
        let Event::Html(open) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(open.as_ref(), "<h2 id=\"b\" data-a=\"b\">");
    }

    #[test]
    fn zola_sites_get_zola_ids() {
        for (text, github, ascii, verbatim) in [
            ("Storage_API v2", "storage_api-v2", "storage-api-v2", "Storage_API_v2"),
            ("Café & crème", "café--crème", "cafe-creme", "Café_&_crème"),
            ("  What's new?  ", "whats-new", "what-s-new", "What's_new?"),
            ("!!!", "section", "section", "!!!"),
        ] {
            assert_eq!(HeadingIds::Github.id_of(text), github, "{text}");
            assert_eq!(HeadingIds::Ascii.id_of(text), ascii, "{text}");
            assert_eq!(HeadingIds::Verbatim.id_of(text), verbatim, "{text}");
        }
    }

    #[test]
    fn slugs_are_github_style() {
        assert_eq!(slugify("The keyspace as an index"), "the-keyspace-as-an-index");
        assert_eq!(slugify("Why KV feels different?"), "why-kv-feels-different");
        assert_eq!(slugify("`env.KV.get()` & friends"), "envkvget--friends");
        assert_eq!(slugify("Ünïcödé wörds"), "ünïcödé-wörds");
    }

    #[test]
    fn repeated_headings_get_numbered_ids() {
        let mut slugger = Slugger::default();
        assert_eq!(slugger.unique("usage"), "usage");
        assert_eq!(slugger.unique("usage"), "usage-1");
        assert_eq!(slugger.unique("usage"), "usage-2");
        assert_eq!(slugger.unique("usage-1"), "usage-1-1");
    }
}
