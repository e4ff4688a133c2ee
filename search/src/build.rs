//! Merging the pages' parts into the index's files: term shards cut at a target size in term order,
//! fragment files cut the same way in page order, each named by a hash of its contents, and the
//! manifest that lists them. Only the build needs this (feature `build`); it uses every core.

use crate::format::{FORMAT_VERSION, FragmentEntry, Manifest, PageFragment, ShardEntry};
use crate::index::{PageIndex, SectionPosting};
use rayon::prelude::*;
use std::fmt::Write;

/// How big the files of the index grow before the next one starts.
#[derive(Debug, Clone, Copy)]
pub struct FileSizes {
    /// Target bytes of a term shard. A term's postings are never split, so one shard can be bigger.
    pub term_shard: usize,
    /// Target bytes of a fragment file; a page is never split either.
    pub fragment_file: usize,
}

impl Default for FileSizes {
    /// About 40 KB of postings and 64 KB of text per file: a query fetches a few small files, and a
    /// site of 10,000 pages stays at a few thousand.
    fn default() -> Self {
        Self {
            term_shard: 40_000,
            fragment_file: 64_000,
        }
    }
}

/// The index as files: the manifest and the files it names.
#[derive(Debug, Clone)]
pub struct IndexFiles {
    pub manifest: Manifest,
    /// Term shards and fragment files, by the names the manifest gives them.
    pub files: Vec<IndexFile>,
}

/// One file of the index.
#[derive(Debug, Clone)]
pub struct IndexFile {
    /// `t.<hash>.json` or `f.<hash>.json`.
    pub name: String,
    pub contents: Vec<u8>,
}

impl IndexFiles {
    /// `manifest.json`'s contents.
    pub fn manifest_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.manifest).unwrap_or_default()
    }
}

/// Merges `pages` (page `i` of the index is `pages[i]`) into the index's files.
pub fn build_index(pages: &[&PageIndex], sizes: FileSizes) -> IndexFiles {
    let mut files = Vec::new();
    let shards = term_shards(pages, sizes.term_shard, &mut files);
    let fragments = fragment_files(pages, sizes.fragment_file, &mut files);
    let sections: u64 = pages.iter().map(|page| u64::from(page.section_count())).sum();
    let total_length: u64 = pages.iter().map(|page| page.total_length).sum();
    let manifest = Manifest {
        version: FORMAT_VERSION,
        pages: u32::try_from(pages.len()).unwrap_or(u32::MAX),
        sections: u32::try_from(sections).unwrap_or(u32::MAX),
        average_length: if sections == 0 {
            0.0
        } else {
            (total_length as f64 / sections as f64) as f32
        },
        shards,
        fragments,
    };
    IndexFiles { manifest, files }
}

/// One term of one page.
type TermOfPage<'a> = (&'a str, u32, &'a [SectionPosting]);

fn term_shards(pages: &[&PageIndex], target: usize, files: &mut Vec<IndexFile>) -> Vec<ShardEntry> {
    let mut entries: Vec<TermOfPage<'_>> = pages
        .iter()
        .enumerate()
        .flat_map(|(page, index)| {
            let page = u32::try_from(page).unwrap_or(u32::MAX);
            index
                .terms
                .iter()
                .map(move |(term, postings)| (term.as_str(), page, postings.as_slice()))
        })
        .collect();
    entries.par_sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let groups: Vec<&[TermOfPage<'_>]> = entries.chunk_by(|a, b| a.0 == b.0).collect();
    let encoded: Vec<(&str, String)> = groups
        .par_iter()
        .map(|group| (group[0].0, encode_term(group)))
        .collect();

    let mut shards: Vec<(String, String)> = Vec::new();
    let mut body = String::new();
    let mut first: Option<&str> = None;
    for (term, json) in encoded {
        if first.is_some() && body.len() + json.len() > target {
            shards.push((first.take().unwrap_or_default().to_owned(), std::mem::take(&mut body)));
        }
        if first.is_none() {
            first = Some(term);
        } else {
            body.push(',');
        }
        body.push_str(&json);
    }
    if let Some(first) = first {
        shards.push((first.to_owned(), body));
    }
    let named: Vec<(ShardEntry, IndexFile)> = shards
        .into_par_iter()
        .map(|(first, body)| {
            let contents = format!("{{{body}}}").into_bytes();
            let file = hashed_file("t", contents);
            (
                ShardEntry {
                    first,
                    file: file.name.clone(),
                },
                file,
            )
        })
        .collect();
    let (entries, shard_files): (Vec<_>, Vec<_>) = named.into_iter().unzip();
    files.extend(shard_files);
    entries
}

/// `"term":[[page,section,head_count,length,positions...],...]`
fn encode_term(group: &[TermOfPage<'_>]) -> String {
    let mut json = serde_json::to_string(group[0].0).unwrap_or_default();
    json.push_str(":[");
    let mut first = true;
    for (_, page, postings) in group {
        for posting in *postings {
            if !first {
                json.push(',');
            }
            first = false;
            let _ = write!(
                json,
                "[{},{},{},{}",
                page, posting.section, posting.head_count, posting.length
            );
            for position in &posting.positions {
                let _ = write!(json, ",{position}");
            }
            json.push(']');
        }
    }
    json.push(']');
    json
}

fn fragment_files(pages: &[&PageIndex], target: usize, files: &mut Vec<IndexFile>) -> Vec<FragmentEntry> {
    let encoded: Vec<String> = pages
        .par_iter()
        .map(|page| serde_json::to_string::<PageFragment>(&page.fragment).unwrap_or_default())
        .collect();
    let mut groups: Vec<(u32, String)> = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (page, json) in encoded.into_iter().enumerate() {
        let page = u32::try_from(page).unwrap_or(u32::MAX);
        match &mut current {
            Some((_, body)) if body.len() + json.len() <= target => {
                body.push(',');
                body.push_str(&json);
            }
            _ => {
                groups.extend(current.take());
                current = Some((page, json));
            }
        }
    }
    groups.extend(current);
    let named: Vec<(FragmentEntry, IndexFile)> = groups
        .into_par_iter()
        .map(|(first_page, body)| {
            let contents = format!("{{\"first_page\":{first_page},\"pages\":[{body}]}}").into_bytes();
            let file = hashed_file("f", contents);
            (
                FragmentEntry {
                    first_page,
                    file: file.name.clone(),
                },
                file,
            )
        })
        .collect();
    let (entries, fragment_files): (Vec<_>, Vec<_>) = named.into_iter().unzip();
    files.extend(fragment_files);
    entries
}

/// `<kind>.<first 16 hex digits of the BLAKE3 hash>.json`: a changed file gets a new name, so browsers
/// and the edge may cache every file but the manifest for good.
fn hashed_file(kind: &str, contents: Vec<u8>) -> IndexFile {
    let hash = blake3::hash(&contents).to_hex();
    IndexFile {
        name: format!("{kind}.{}.json", &hash.as_str()[..16]),
        contents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{FragmentFile, PostingView, SectionFragment, TermShard};

    fn page(url: &str, title: &str, text: &str) -> PageIndex {
        PageIndex::new(PageFragment {
            url: url.into(),
            title: title.into(),
            sections: vec![SectionFragment {
                anchor: String::new(),
                heading: String::new(),
                trail: Vec::new(),
                text: text.into(),
            }],
        })
    }

    fn file<'a>(files: &'a IndexFiles, name: &str) -> &'a [u8] {
        &files.files.iter().find(|file| file.name == name).unwrap().contents
    }

    #[test]
    fn shards_cover_every_term_once_in_order_and_parse_back() {
        let pages: Vec<PageIndex> = (0..60)
            .map(|i| {
                page(
                    &format!("/p{i}/"),
                    &format!("Page {i}"),
                    &format!("alpha{i} beta gamma{}", i % 7),
                )
            })
            .collect();
        let refs: Vec<&PageIndex> = pages.iter().collect();
        let files = build_index(
            &refs,
            FileSizes {
                term_shard: 300,
                fragment_file: 500,
            },
        );
        assert!(files.manifest.shards.len() > 3, "{:?}", files.manifest.shards);
        assert!(files.manifest.fragments.len() > 3);
        assert_eq!(files.manifest.pages, 60);
        assert_eq!(files.manifest.sections, 60);
        let mut all_terms = Vec::new();
        for (i, entry) in files.manifest.shards.iter().enumerate() {
            let shard: TermShard = serde_json::from_slice(file(&files, &entry.file)).unwrap();
            assert_eq!(shard.keys().next(), Some(&entry.first));
            if let Some(next) = files.manifest.shards.get(i + 1) {
                assert!(shard.keys().all(|term| *term < next.first));
            }
            all_terms.extend(shard.keys().cloned());
        }
        let expected: Vec<String> = {
            let mut terms: Vec<String> = pages.iter().flat_map(|p| p.terms.keys().cloned()).collect();
            terms.sort();
            terms.dedup();
            terms
        };
        assert_eq!(all_terms, expected);
        let beta: TermShard = serde_json::from_slice(file(
            &files,
            &files
                .manifest
                .shards
                .iter()
                .rev()
                .find(|s| s.first.as_str() <= "beta")
                .unwrap()
                .file,
        ))
        .unwrap();
        let pages_with_beta: Vec<u32> = beta["beta"]
            .iter()
            .map(|p| PostingView::read(p).unwrap().page)
            .collect();
        assert_eq!(pages_with_beta, (0..60).collect::<Vec<u32>>());

        let mut next_page = 0;
        for entry in &files.manifest.fragments {
            let fragment: FragmentFile = serde_json::from_slice(file(&files, &entry.file)).unwrap();
            assert_eq!(fragment.first_page, next_page);
            assert_eq!(fragment.first_page, entry.first_page);
            assert_eq!(fragment.pages[0].url, format!("/p{next_page}/"));
            next_page += u32::try_from(fragment.pages.len()).unwrap();
        }
        assert_eq!(next_page, 60);
    }

    #[test]
    fn file_names_follow_their_contents() {
        let one = [page("/a/", "A", "same text")];
        let two = [page("/a/", "A", "other text")];
        let build = |pages: &[PageIndex]| build_index(&pages.iter().collect::<Vec<_>>(), FileSizes::default());
        let (first, again, changed) = (build(&one), build(&one), build(&two));
        let names = |files: &IndexFiles| files.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&first), names(&again));
        assert_ne!(names(&first), names(&changed));
        assert!(
            names(&first)
                .iter()
                .all(|name| name.len() == "t.0123456789abcdef.json".len())
        );
    }

    #[test]
    fn an_empty_site_has_an_empty_index() {
        let files = build_index(&[], FileSizes::default());
        assert!(files.files.is_empty());
        assert_eq!(files.manifest.sections, 0);
        assert_eq!(files.manifest.average_length, 0.0);
    }
}
