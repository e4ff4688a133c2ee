//! The KV model shared by the Worker and the preview server's local store: the reads a handler asks
//! for, the values it gets back, the writes it asks the runtime to make, and Cloudflare KV's limits
//! with the one function that checks a write against them. It performs no KV operation itself.

use std::collections::HashMap;

/// Longest key KV accepts, in bytes.
pub const MAX_KEY_BYTES: usize = 512;
/// Largest value KV accepts, in bytes (25 MiB).
pub const MAX_VALUE_BYTES: usize = 25 * 1024 * 1024;
/// Largest metadata KV accepts, in bytes of its JSON serialisation.
pub const MAX_METADATA_BYTES: usize = 1024;
/// Most keys one `list()` call returns; more come through the cursor.
pub const MAX_LIST_PAGE_KEYS: usize = 1000;
/// Shortest `expirationTtl` KV accepts, in seconds.
pub const MIN_EXPIRATION_TTL_SECONDS: u64 = 60;
/// Shortest `cacheTtl` KV accepts for reads, in seconds.
pub const MIN_CACHE_TTL_SECONDS: u64 = 60;
/// Most pages a runtime requests for one [`KvList`]. KV may answer a page with fewer keys than asked,
/// even none, and a cursor (it skips expired keys), so a walk bounded only by `max_keys` could go on
/// as long as a store keeps doing that; past this many pages the listing is given up as unavailable.
pub const MAX_LIST_PAGES: usize = 100;

/// One `get` the handler needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvGet {
    pub key: String,
    /// How long the edge may cache the value (`cacheTtl`); `None` keeps KV's default.
    pub cache_ttl_seconds: Option<u64>,
}

/// One `list({ prefix })` the handler needs: follow the cursor until the listing is complete or
/// `max_keys` keys are collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvList {
    pub prefix: String,
    pub max_keys: usize,
}

/// Every KV read one request needs. Runtimes perform them concurrently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KvReads {
    pub gets: Vec<KvGet>,
    pub lists: Vec<KvList>,
}

impl KvReads {
    /// True when the request needs no KV read at all.
    pub fn is_empty(&self) -> bool {
        self.gets.is_empty() && self.lists.is_empty()
    }
}

/// Following one [`KvList`]'s cursor, the same way in every runtime: [`ListWalk::next_page`] says
/// what to ask the store for, [`ListWalk::record`] takes its answer, until the listing is complete,
/// holds `max_keys` keys, or has taken [`MAX_LIST_PAGES`] pages (then [`ListWalk::finish`] refuses it).
#[derive(Debug)]
pub struct ListWalk {
    prefix: String,
    max_keys: usize,
    entries: Vec<KvListEntry>,
    cursor: Option<String>,
    pages: usize,
    done: bool,
}

/// One page to ask the store for: `limit` keys with the walk's prefix, after `cursor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListPageRequest<'walk> {
    pub prefix: &'walk str,
    pub cursor: Option<&'walk str>,
    pub limit: usize,
}

/// A listing that had not ended after [`MAX_LIST_PAGES`] pages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("listing `{prefix}` had not ended after {pages} pages")]
pub struct EndlessListing {
    pub prefix: String,
    pub pages: usize,
}

impl ListWalk {
    pub fn new(list: &KvList) -> Self {
        Self {
            prefix: list.prefix.clone(),
            max_keys: list.max_keys,
            entries: Vec::new(),
            cursor: None,
            pages: 0,
            done: list.max_keys == 0,
        }
    }

    /// The next page to request, or `None` when the walk is over (complete, full, or out of pages).
    pub fn next_page(&self) -> Option<ListPageRequest<'_>> {
        if self.done || self.pages >= MAX_LIST_PAGES {
            return None;
        }
        Some(ListPageRequest {
            prefix: &self.prefix,
            cursor: self.cursor.as_deref(),
            limit: self.max_keys.saturating_sub(self.entries.len()).min(MAX_LIST_PAGE_KEYS),
        })
    }

    /// Records the store's answer to [`Self::next_page`]: its keys, its cursor, whether it was the last.
    pub fn record(&mut self, keys: Vec<KvListEntry>, cursor: Option<String>, list_complete: bool) {
        self.pages += 1;
        self.entries.extend(keys);
        self.entries.truncate(self.max_keys);
        match cursor {
            Some(next) if !list_complete && self.entries.len() < self.max_keys => self.cursor = Some(next),
            _ => self.done = true,
        }
    }

    /// The prefix and its keys, once the walk is over; an error when it ran out of pages first.
    pub fn finish(self) -> Result<(String, Vec<KvListEntry>), EndlessListing> {
        if self.done {
            Ok((self.prefix, self.entries))
        } else {
            Err(EndlessListing {
                prefix: self.prefix,
                pages: self.pages,
            })
        }
    }
}

/// One key of a `list()` result: KV returns the metadata without the value.
#[derive(Debug, Clone, PartialEq)]
pub struct KvListEntry {
    pub name: String,
    /// Absolute expiry in seconds since the Unix epoch, when the key has one.
    pub expiration: Option<u64>,
    pub metadata: Option<serde_json::Value>,
}

/// The answers to a [`KvReads`]: each key's value (`None` when absent) and each prefix's listing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KvSnapshot {
    values: HashMap<String, Option<String>>,
    listings: HashMap<String, Vec<KvListEntry>>,
}

impl KvSnapshot {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the answer to a `get` (`None`: the key is absent).
    pub fn insert_value(&mut self, key: impl Into<String>, value: Option<String>) {
        self.values.insert(key.into(), value);
    }

    /// Records the answer to a `list` of `prefix`, in key order.
    pub fn insert_listing(&mut self, prefix: impl Into<String>, entries: Vec<KvListEntry>) {
        self.listings.insert(prefix.into(), entries);
    }

    /// Builder-style [`Self::insert_value`].
    #[must_use]
    pub fn with_value(mut self, key: impl Into<String>, value: Option<&str>) -> Self {
        self.insert_value(key, value.map(str::to_owned));
        self
    }

    /// Builder-style [`Self::insert_listing`].
    #[must_use]
    pub fn with_listing(mut self, prefix: impl Into<String>, entries: Vec<KvListEntry>) -> Self {
        self.insert_listing(prefix, entries);
        self
    }

    /// The value read for `key`; absent keys and keys that were not read are both `None`.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(|value| value.as_deref())
    }

    /// The listing read for `prefix`; empty when nothing was listed.
    pub fn listing(&self, prefix: &str) -> &[KvListEntry] {
        self.listings.get(prefix).map(Vec::as_slice).unwrap_or_default()
    }
}

/// One `put` the handler asks the runtime to make.
#[derive(Debug, Clone, PartialEq)]
pub struct KvWrite {
    pub key: String,
    pub value: String,
    /// Seconds until KV deletes the key (`expirationTtl`).
    pub expiration_ttl: Option<u64>,
    pub metadata: Option<serde_json::Value>,
}

/// Why KV would refuse a write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KvLimitError {
    #[error("the key is empty")]
    EmptyKey,
    #[error("the key `{0}` is reserved by KV")]
    ReservedKey(String),
    #[error("the key is {bytes} bytes; KV keys are at most {MAX_KEY_BYTES} bytes")]
    KeyTooLong { bytes: usize },
    #[error("the value is {bytes} bytes; KV values are at most {MAX_VALUE_BYTES} bytes")]
    ValueTooLarge { bytes: usize },
    #[error("the metadata is {bytes} bytes of JSON; KV metadata is at most {MAX_METADATA_BYTES} bytes")]
    MetadataTooLarge { bytes: usize },
    #[error("expirationTtl is {seconds} s; KV needs at least {MIN_EXPIRATION_TTL_SECONDS} s")]
    ExpirationTtlTooShort { seconds: u64 },
}

/// Checks a key against KV's rules: not empty, not `.` or `..`, at most [`MAX_KEY_BYTES`].
pub fn validate_kv_key(key: &str) -> Result<(), KvLimitError> {
    match key {
        "" => Err(KvLimitError::EmptyKey),
        "." | ".." => Err(KvLimitError::ReservedKey(key.to_owned())),
        _ if key.len() > MAX_KEY_BYTES => Err(KvLimitError::KeyTooLong { bytes: key.len() }),
        _ => Ok(()),
    }
}

/// Checks a write against every KV limit, in the order KV itself reports them.
pub fn validate_kv_write(write: &KvWrite) -> Result<(), KvLimitError> {
    validate_kv_key(&write.key)?;
    if write.value.len() > MAX_VALUE_BYTES {
        return Err(KvLimitError::ValueTooLarge {
            bytes: write.value.len(),
        });
    }
    if let Some(metadata) = &write.metadata {
        let bytes = metadata_bytes(metadata);
        if bytes > MAX_METADATA_BYTES {
            return Err(KvLimitError::MetadataTooLarge { bytes });
        }
    }
    match write.expiration_ttl {
        Some(seconds) if seconds < MIN_EXPIRATION_TTL_SECONDS => Err(KvLimitError::ExpirationTtlTooShort { seconds }),
        _ => Ok(()),
    }
}

/// The size KV counts for metadata: its compact JSON serialisation.
pub fn metadata_bytes(metadata: &serde_json::Value) -> usize {
    serde_json::to_vec(metadata).map_or(usize::MAX, |json| json.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(key: &str, value_len: usize, metadata: Option<serde_json::Value>, ttl: Option<u64>) -> KvWrite {
        KvWrite {
            key: key.to_owned(),
            value: "v".repeat(value_len),
            expiration_ttl: ttl,
            metadata,
        }
    }

    #[test]
    fn validate_kv_write_applies_each_limit() {
        let long_key = "k".repeat(MAX_KEY_BYTES + 1);
        let max_key = "k".repeat(MAX_KEY_BYTES);
        let big_metadata = json!({ "text": "m".repeat(MAX_METADATA_BYTES) });
        let cases: Vec<(&str, KvWrite, Result<(), KvLimitError>)> = vec![
            ("plain write", write("theme:abc", 4, None, Some(60)), Ok(())),
            ("empty key", write("", 1, None, None), Err(KvLimitError::EmptyKey)),
            (
                "dot key",
                write(".", 1, None, None),
                Err(KvLimitError::ReservedKey(".".into())),
            ),
            ("key at the limit", write(&max_key, 1, None, None), Ok(())),
            (
                "key over the limit",
                write(&long_key, 1, None, None),
                Err(KvLimitError::KeyTooLong {
                    bytes: MAX_KEY_BYTES + 1,
                }),
            ),
            (
                "value over the limit",
                write("k", MAX_VALUE_BYTES + 1, None, None),
                Err(KvLimitError::ValueTooLarge {
                    bytes: MAX_VALUE_BYTES + 1,
                }),
            ),
            (
                "metadata over the limit",
                write("k", 1, Some(big_metadata.clone()), None),
                Err(KvLimitError::MetadataTooLarge {
                    bytes: metadata_bytes(&big_metadata),
                }),
            ),
            (
                "ttl under the minimum",
                write("k", 1, None, Some(59)),
                Err(KvLimitError::ExpirationTtlTooShort { seconds: 59 }),
            ),
        ];
        for (name, kv_write, expected) in cases {
            assert_eq!(validate_kv_write(&kv_write), expected, "{name}");
        }
    }

    fn key(name: &str) -> KvListEntry {
        KvListEntry {
            name: name.to_owned(),
            expiration: None,
            metadata: None,
        }
    }

    /// Walks a list against pages given in advance, returning the limits asked and the outcome.
    fn walk(max_keys: usize, pages: Vec<(Vec<&str>, Option<&str>, bool)>) -> (Vec<usize>, Result<usize, usize>) {
        let mut walk = ListWalk::new(&KvList {
            prefix: "flag:".into(),
            max_keys,
        });
        let mut limits = Vec::new();
        let mut pages = pages.into_iter();
        while let Some(request) = walk.next_page() {
            limits.push(request.limit);
            let Some((keys, cursor, complete)) = pages.next() else {
                panic!("asked for more pages than the store has");
            };
            walk.record(keys.into_iter().map(key).collect(), cursor.map(str::to_owned), complete);
        }
        (
            limits,
            walk.finish()
                .map(|(_, entries)| entries.len())
                .map_err(|error| error.pages),
        )
    }

    #[test]
    fn a_list_walk_follows_the_cursor_until_complete_or_full() {
        assert_eq!(walk(50, vec![(vec!["a", "b"], None, true)]), (vec![50], Ok(2)));
        assert_eq!(
            walk(50, vec![(vec!["a", "b"], Some("b"), false), (vec!["c"], None, true)]),
            (vec![50, 48], Ok(3))
        );
        assert_eq!(
            walk(
                3,
                vec![(vec!["a", "b"], Some("b"), false), (vec!["c", "d"], Some("d"), false)]
            ),
            (vec![3, 1], Ok(3)),
            "never more than max_keys, even from a store that sends more than asked"
        );
        assert_eq!(
            walk(5000, vec![(vec!["a"], Some("a"), false), (vec![], None, true)]).0,
            vec![MAX_LIST_PAGE_KEYS, MAX_LIST_PAGE_KEYS],
            "a page asks for at most what KV serves"
        );
        assert_eq!(walk(0, Vec::new()), (Vec::new(), Ok(0)));
    }

    #[test]
    fn a_store_that_keeps_sending_empty_pages_ends_the_walk_after_max_list_pages() {
        let endless = (0..MAX_LIST_PAGES)
            .map(|_| (Vec::new(), Some("again"), false))
            .collect();
        let (limits, outcome) = walk(50, endless);
        assert_eq!(limits.len(), MAX_LIST_PAGES);
        assert_eq!(outcome, Err(MAX_LIST_PAGES));
    }

    #[test]
    fn snapshot_answers_absent_and_unread_keys_alike() {
        let snapshot = KvSnapshot::new()
            .with_value("present", Some("x"))
            .with_value("absent", None);
        assert_eq!(snapshot.value("present"), Some("x"));
        assert_eq!(snapshot.value("absent"), None);
        assert_eq!(snapshot.value("never-read"), None);
        assert!(snapshot.listing("flag:").is_empty());
    }
}
