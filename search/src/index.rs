//! One page's part of the index: its sections tokenised into postings. Each part is made on its own
//! (in parallel over the site, or again for one page after an edit) and the parts are merged into the
//! shards by [`crate::build`]; nothing here knows about other pages.

use crate::format::PageFragment;
use crate::tokenize::tokenize;
use std::collections::BTreeMap;

/// Where one term occurs in one section of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionPosting {
    pub section: u32,
    /// How many of `positions` (the first ones) are in the heading, or the title for section 0.
    pub head_count: u32,
    /// The section's length in tokens.
    pub length: u32,
    pub positions: Vec<u32>,
}

/// A page's part of the index: what results show of it, and its terms.
#[derive(Debug, Clone, PartialEq)]
pub struct PageIndex {
    pub fragment: PageFragment,
    /// Every term of the page, in term order, with where it occurs.
    pub terms: BTreeMap<String, Vec<SectionPosting>>,
    /// The sum of the sections' lengths.
    pub total_length: u64,
}

impl PageIndex {
    /// Tokenises `page`. Section 0 is the text before the first heading: its head is the page title.
    pub fn new(page: PageFragment) -> Self {
        let mut terms: BTreeMap<String, Vec<SectionPosting>> = BTreeMap::new();
        let mut total_length = 0u64;
        for (number, section) in page.sections.iter().enumerate() {
            let Ok(number) = u32::try_from(number) else { break };
            let head = if number == 0 { &page.title } else { &section.heading };
            let head_tokens = tokenize(head);
            let body_tokens = tokenize(&section.text);
            // A gap of one position, so no phrase runs from the heading into the text.
            let body_start = head_tokens.last().map_or(0, |token| token.position + 2);
            let length = u32::try_from(head_tokens.len() + body_tokens.len()).unwrap_or(u32::MAX);
            total_length += u64::from(length);
            let mut section_terms: BTreeMap<&str, SectionPosting> = BTreeMap::new();
            let tokens = head_tokens
                .iter()
                .map(|token| (token, 0, true))
                .chain(body_tokens.iter().map(|token| (token, body_start, false)));
            for (token, offset, in_head) in tokens {
                let posting = section_terms.entry(&token.term).or_insert_with(|| SectionPosting {
                    section: number,
                    head_count: 0,
                    length,
                    positions: Vec::new(),
                });
                let position = token.position.saturating_add(offset);
                // An identifier and its first part share a position; a term is only once at each.
                if posting.positions.last() != Some(&position) {
                    posting.positions.push(position);
                    if in_head {
                        posting.head_count += 1;
                    }
                }
            }
            for (term, posting) in section_terms {
                terms.entry(term.to_owned()).or_default().push(posting);
            }
        }
        Self {
            fragment: page,
            terms,
            total_length,
        }
    }

    /// How many sections the page has.
    pub fn section_count(&self) -> u32 {
        u32::try_from(self.fragment.sections.len()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SectionFragment;

    pub(crate) fn section(anchor: &str, heading: &str, text: &str) -> SectionFragment {
        SectionFragment {
            anchor: anchor.into(),
            heading: heading.into(),
            trail: Vec::new(),
            text: text.into(),
        }
    }

    #[test]
    fn title_heading_and_text_positions_are_told_apart() {
        let page = PageIndex::new(PageFragment {
            url: "/kv/".into(),
            title: "Workers KV".into(),
            sections: vec![
                section("", "", "KV stores keys."),
                section("keys", "Listing keys", "Keys are listed with KV.list."),
            ],
        });
        assert_eq!(
            page.terms["kv"],
            [
                SectionPosting {
                    section: 0,
                    head_count: 1,
                    length: 5,
                    positions: vec![1, 3]
                },
                SectionPosting {
                    section: 1,
                    head_count: 0,
                    length: 7,
                    positions: vec![7]
                },
            ]
        );
        // `Listing keys` takes positions 0 and 1; the text starts at 3.
        assert_eq!(page.terms["key"][1].positions, [1, 3]);
        assert_eq!(page.terms["key"][1].head_count, 1);
        assert_eq!(page.terms["kv.list"][0].positions, [7]);
        assert_eq!(page.terms["list"][0].positions, [0, 5, 8]);
        assert_eq!(page.total_length, 12);
    }

    #[test]
    fn a_page_without_text_still_has_its_title() {
        let page = PageIndex::new(PageFragment {
            url: "/".into(),
            title: "Home".into(),
            sections: vec![section("", "", "")],
        });
        assert_eq!(page.terms.keys().collect::<Vec<_>>(), ["home"]);
    }
}
