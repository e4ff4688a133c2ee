//! Tests of the local KV store against Cloudflare KV's semantics.

use super::*;
use edgedocs_edge::{KvLimitError, MAX_KEY_BYTES, MAX_METADATA_BYTES, MAX_VALUE_BYTES};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};

const START: u64 = 1_700_000_000;

/// A store in a temporary folder with a clock the test moves by hand.
struct TestStore {
    store: LocalKv,
    clock: Arc<AtomicU64>,
    folder: tempfile::TempDir,
}

impl TestStore {
    fn new() -> Self {
        let folder = tempfile::tempdir().unwrap();
        let clock = Arc::new(AtomicU64::new(START));
        let store = open_with_clock(&folder.path().join("kv.sqlite3"), &clock);
        Self { store, clock, folder }
    }

    /// A second handle (its own SQLite connection) on the same file, on the same clock.
    fn second_handle(&self) -> LocalKv {
        open_with_clock(&self.folder.path().join("kv.sqlite3"), &self.clock)
    }

    fn advance(&self, seconds: u64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    fn now(&self) -> u64 {
        self.clock.load(Ordering::SeqCst)
    }

    fn rows_in_file(&self) -> i64 {
        self.store
            .connection()
            .query_row("SELECT count(*) FROM entries", [], |row| row.get(0))
            .unwrap()
    }

    fn put(&self, key: &str, value: &str) {
        self.store.put(&write(key, value)).unwrap();
    }

    fn names(&self, prefix: &str) -> Vec<String> {
        let page = self.store.list(prefix, None, MAX_LIST_PAGE_KEYS).unwrap();
        assert!(page.list_complete);
        page.keys.into_iter().map(|entry| entry.name).collect()
    }
}

fn open_with_clock(path: &Path, clock: &Arc<AtomicU64>) -> LocalKv {
    let clock = Arc::clone(clock);
    LocalKv::open_at(path)
        .unwrap()
        .with_clock(move || clock.load(Ordering::SeqCst))
}

fn write(key: &str, value: &str) -> KvWrite {
    KvWrite {
        key: key.to_owned(),
        value: value.to_owned(),
        expiration_ttl: None,
        metadata: None,
    }
}

fn limit_kind(error: LocalKvError) -> KvLimitError {
    match error {
        LocalKvError::Limit(kind) => kind,
        other => panic!("expected a KV limit error, got {other:?}"),
    }
}

#[test]
fn store_handles_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<LocalKv>();
}

#[test]
fn put_then_get_round_trips_the_value() {
    let test = TestStore::new();
    assert_eq!(test.store.get("greeting").unwrap(), None);
    test.put("greeting", "héllo\nworld");
    assert_eq!(test.store.get("greeting").unwrap().as_deref(), Some("héllo\nworld"));
    assert_eq!(
        test.store.get_with_metadata("greeting").unwrap(),
        Some(("héllo\nworld".to_owned(), None))
    );
}

#[test]
fn writes_kv_would_refuse_are_refused_and_write_nothing() {
    let test = TestStore::new();
    test.put("kept", "before");
    let key_at_limit = "k".repeat(MAX_KEY_BYTES);
    let multibyte_key_over_limit = "é".repeat(MAX_KEY_BYTES / 2 + 1);
    let big_metadata = json!({ "note": "m".repeat(MAX_METADATA_BYTES) });
    let metadata_at_limit = json!("m".repeat(MAX_METADATA_BYTES - 2));
    let cases: Vec<(&str, KvWrite, Option<KvLimitError>)> = vec![
        ("empty key", write("", "v"), Some(KvLimitError::EmptyKey)),
        ("dot", write(".", "v"), Some(KvLimitError::ReservedKey(".".into()))),
        (
            "dot dot",
            write("..", "v"),
            Some(KvLimitError::ReservedKey("..".into())),
        ),
        ("key at the limit", write(&key_at_limit, "v"), None),
        (
            "key over the limit in bytes, not characters",
            write(&multibyte_key_over_limit, "v"),
            Some(KvLimitError::KeyTooLong {
                bytes: MAX_KEY_BYTES + 2,
            }),
        ),
        (
            "value over the limit",
            KvWrite {
                value: "v".repeat(MAX_VALUE_BYTES + 1),
                ..write("kept", "")
            },
            Some(KvLimitError::ValueTooLarge {
                bytes: MAX_VALUE_BYTES + 1,
            }),
        ),
        (
            "metadata at the limit",
            KvWrite {
                metadata: Some(metadata_at_limit),
                ..write("meta", "v")
            },
            None,
        ),
        (
            "metadata over the limit",
            KvWrite {
                metadata: Some(big_metadata),
                ..write("kept", "after")
            },
            Some(KvLimitError::MetadataTooLarge {
                bytes: MAX_METADATA_BYTES + 11,
            }),
        ),
        (
            "ttl at the minimum",
            KvWrite {
                expiration_ttl: Some(60),
                ..write("ttl", "v")
            },
            None,
        ),
        (
            "ttl under the minimum",
            KvWrite {
                expiration_ttl: Some(59),
                ..write("kept", "after")
            },
            Some(KvLimitError::ExpirationTtlTooShort { seconds: 59 }),
        ),
    ];
    for (name, kv_write, expected) in cases {
        let result = test.store.put(&kv_write);
        match expected {
            None => {
                result.unwrap_or_else(|error| panic!("{name}: {error}"));
                assert_eq!(test.store.get(&kv_write.key).unwrap(), Some(kv_write.value), "{name}");
            }
            Some(kind) => {
                assert_eq!(limit_kind(result.unwrap_err()), kind, "{name}");
                assert_eq!(test.store.get("kept").unwrap().as_deref(), Some("before"), "{name}");
            }
        }
    }
}

#[test]
fn reads_and_deletes_check_the_key_too() {
    let test = TestStore::new();
    let long_key = "k".repeat(MAX_KEY_BYTES + 1);
    for (name, key, expected) in [
        ("empty", "", KvLimitError::EmptyKey),
        ("reserved", "..", KvLimitError::ReservedKey("..".into())),
        (
            "too long",
            long_key.as_str(),
            KvLimitError::KeyTooLong {
                bytes: MAX_KEY_BYTES + 1,
            },
        ),
    ] {
        assert_eq!(limit_kind(test.store.get(key).unwrap_err()), expected, "get {name}");
        assert_eq!(
            limit_kind(test.store.delete(key).unwrap_err()),
            expected,
            "delete {name}"
        );
    }
}

#[test]
fn a_key_with_a_ttl_disappears_when_the_clock_passes_it() {
    let test = TestStore::new();
    test.store
        .put(&KvWrite {
            expiration_ttl: Some(60),
            ..write("session", "abc")
        })
        .unwrap();
    test.put("forever", "x");
    let expires_at = START + 60;
    test.advance(59);
    assert_eq!(test.store.get("session").unwrap().as_deref(), Some("abc"));
    let listing = test.store.list("", None, 10).unwrap().keys;
    assert_eq!(listing[1].name, "session");
    assert_eq!(listing[1].expiration, Some(expires_at));

    test.advance(1);
    assert_eq!(test.store.list("", None, 10).unwrap().keys.len(), 1, "hidden from list");
    assert_eq!(test.store.get("session").unwrap(), None, "hidden from get");
    assert_eq!(test.store.get_with_metadata("session").unwrap(), None);
    assert_eq!(test.rows_in_file(), 2, "reads never write");
    test.put("unrelated", "v");
    assert_eq!(test.rows_in_file(), 2, "the next write purges it");
    assert_eq!(test.names(""), ["forever", "unrelated"]);
}

#[test]
fn writes_sweep_every_expired_key() {
    let test = TestStore::new();
    for key in ["a", "b", "c"] {
        test.store
            .put(&KvWrite {
                expiration_ttl: Some(120),
                ..write(key, "v")
            })
            .unwrap();
    }
    test.advance(120);
    assert_eq!(test.rows_in_file(), 3);
    assert!(!test.store.delete("a").unwrap(), "an expired key counts as absent");
    assert_eq!(test.rows_in_file(), 0);
}

#[test]
fn absolute_expirations_must_be_a_minute_ahead() {
    let test = TestStore::new();
    let now = test.now();
    test.store
        .put_with_expiration(&write("at-limit", "v"), Some(now + 60))
        .unwrap();
    assert_eq!(test.store.list("", None, 1).unwrap().keys[0].expiration, Some(now + 60));

    for (name, expiration, message) in [
        (
            "too soon",
            now + 59,
            "the expiration 1700000059 is 59 s from now; KV needs it at least 60 s in the future\n  \
             help: give a Unix time of 1700000060 or later, or a TTL in seconds instead",
        ),
        (
            "in the past",
            now - 5,
            "the expiration 1699999995 is 5 s in the past; KV needs it at least 60 s in the future\n  \
             help: give a Unix time of 1700000060 or later, or a TTL in seconds instead",
        ),
    ] {
        let error = test
            .store
            .put_with_expiration(&write("refused", "v"), Some(expiration))
            .unwrap_err();
        assert!(matches!(error, LocalKvError::ExpirationTooSoon { .. }), "{name}");
        assert_eq!(error.to_string(), message, "{name}");
    }
    let both = KvWrite {
        expiration_ttl: Some(60),
        ..write("refused", "v")
    };
    assert!(matches!(
        test.store.put_with_expiration(&both, Some(now + 600)),
        Err(LocalKvError::ConflictingExpiration)
    ));
    assert_eq!(test.store.get("refused").unwrap(), None);
}

#[test]
fn ttls_and_expirations_past_what_kv_takes_are_refused() {
    let test = TestStore::new();
    let now = test.now();
    let with_ttl = |seconds| KvWrite {
        expiration_ttl: Some(seconds),
        ..write("k", "v")
    };
    test.store.put(&with_ttl(MAX_EXPIRATION_SECONDS)).unwrap();
    assert_eq!(
        test.store.list("k", None, 1).unwrap().keys[0].expiration,
        Some(now + MAX_EXPIRATION_SECONDS)
    );
    test.store
        .put_with_expiration(&write("k", "v"), Some(MAX_EXPIRATION_SECONDS))
        .unwrap();
    assert_eq!(
        test.store.list("k", None, 1).unwrap().keys[0].expiration,
        Some(MAX_EXPIRATION_SECONDS)
    );

    let ttl_message = |seconds: u64| {
        format!(
            "expirationTtl is {seconds} s; KV takes at most 2147483647 s (about 68 years)\n  \
             help: use a TTL of 2147483647 seconds or less, or none for a key that never expires"
        )
    };
    let expiration_message = |expiration: u64| {
        format!(
            "the expiration {expiration} is later than KV takes: 2147483647 (2038-01-19 03:14:07 UTC)\n  \
             help: give a Unix time in seconds (not milliseconds) of 2147483647 or earlier, \
             or none for a key that never expires"
        )
    };
    let cases = [
        (
            "ttl one over",
            Some(MAX_EXPIRATION_SECONDS + 1),
            None,
            ttl_message(2_147_483_648),
        ),
        ("ttl that saturated", Some(u64::MAX), None, ttl_message(u64::MAX)),
        (
            "expiration one over",
            None,
            Some(MAX_EXPIRATION_SECONDS + 1),
            expiration_message(2_147_483_648),
        ),
        (
            "expiration in milliseconds",
            None,
            Some(now * 1_000),
            expiration_message(now * 1_000),
        ),
    ];
    for (name, ttl, expiration, message) in cases {
        let refused = KvWrite {
            expiration_ttl: ttl,
            ..write("refused", "v")
        };
        let error = test.store.put_with_expiration(&refused, expiration).unwrap_err();
        assert_eq!(error.to_string(), message, "{name}");
        assert_eq!(test.store.get("refused").unwrap(), None, "{name}");
    }
}

#[test]
fn a_put_replaces_value_metadata_and_expiration_together() {
    let test = TestStore::new();
    test.store
        .put(&KvWrite {
            key: "k".into(),
            value: "old".into(),
            expiration_ttl: Some(300),
            metadata: Some(json!({ "version": 1 })),
        })
        .unwrap();
    test.put("k", "new");
    assert_eq!(
        test.store.get_with_metadata("k").unwrap(),
        Some(("new".to_owned(), None))
    );
    let entry = &test.store.list("k", None, 1).unwrap().keys[0];
    assert_eq!((entry.expiration, &entry.metadata), (None, &None));
    test.advance(1_000);
    assert_eq!(
        test.store.get("k").unwrap().as_deref(),
        Some("new"),
        "the old TTL is gone"
    );
}

#[test]
fn metadata_round_trips_through_get_and_list() {
    let test = TestStore::new();
    let metadata = json!({
        "author": "Zoë",
        "tags": ["kv", "edge"],
        "nested": { "count": 3, "ratio": 0.25, "ok": true, "none": null },
    });
    test.store
        .put(&KvWrite {
            metadata: Some(metadata.clone()),
            ..write("doc", "body")
        })
        .unwrap();
    assert_eq!(
        test.store.get_with_metadata("doc").unwrap(),
        Some(("body".to_owned(), Some(metadata.clone())))
    );
    let listing = test.store.list("", None, 10).unwrap().keys;
    assert_eq!(
        listing,
        [KvListEntry {
            name: "doc".into(),
            expiration: None,
            metadata: Some(metadata),
        }]
    );
}

#[test]
fn list_returns_keys_in_byte_order() {
    let test = TestStore::new();
    let keys = ["b", "a", "é", "aa", "Z", "~", "a b", "A", "0", "日本", "ab"];
    for key in keys {
        test.put(key, "v");
    }
    let mut expected: Vec<String> = keys.iter().map(|key| key.to_string()).collect();
    expected.sort_by(|left, right| left.as_bytes().cmp(right.as_bytes()));
    assert_eq!(test.names(""), expected);
    assert_eq!(test.names("")[..3], ["0", "A", "Z"]);
}

#[test]
fn list_keeps_only_keys_with_the_prefix() {
    let test = TestStore::new();
    for key in [
        "fla",
        "flag:",
        "flag:s1:t1:dark",
        "flag:s1:t2:beta",
        "flag;",
        "flags",
        "theme:s1",
        "flag:s2:t1:x",
    ] {
        test.put(key, "v");
    }
    assert_eq!(test.names("flag:s1:"), ["flag:s1:t1:dark", "flag:s1:t2:beta"]);
    assert_eq!(
        test.names("flag:"),
        ["flag:", "flag:s1:t1:dark", "flag:s1:t2:beta", "flag:s2:t1:x"]
    );
    assert_eq!(test.names("nothing"), Vec::<String>::new());
    assert_eq!(test.names("").len(), 8);
}

#[test]
fn list_pages_through_2500_keys_with_cursors() {
    let test = TestStore::new();
    let mut expected: Vec<String> = (0..2_500).map(|i| format!("key:{:05}", i * 7 % 2_500)).collect();
    for key in &expected {
        test.put(key, "v");
    }
    test.put("other", "v");
    expected.sort();

    let mut listed = Vec::new();
    let mut page_sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = test.store.list("key:", cursor.as_deref(), MAX_LIST_PAGE_KEYS).unwrap();
        page_sizes.push(page.keys.len());
        listed.extend(page.keys.into_iter().map(|entry| entry.name));
        assert_eq!(page.list_complete, page.cursor.is_none());
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(page_sizes, [1_000, 1_000, 500]);
    assert_eq!(listed, expected);
}

#[test]
fn a_page_that_ends_exactly_at_the_last_key_is_complete() {
    let test = TestStore::new();
    for key in ["p:1", "p:2", "p:3", "p:4", "q"] {
        test.put(key, "v");
    }
    let first = test.store.list("p:", None, 2).unwrap();
    assert_eq!(first.keys.len(), 2);
    assert!(!first.list_complete);
    let second = test.store.list("p:", first.cursor.as_deref(), 2).unwrap();
    let names: Vec<_> = second.keys.iter().map(|entry| entry.name.as_str()).collect();
    assert_eq!(names, ["p:3", "p:4"]);
    assert!(second.list_complete, "no empty last page");
    assert_eq!(second.cursor, None);
}

#[test]
fn a_cursor_stays_valid_when_its_key_is_deleted() {
    let test = TestStore::new();
    for key in ["a", "b", "c"] {
        test.put(key, "v");
    }
    let first = test.store.list("", None, 1).unwrap();
    test.store.delete("a").unwrap();
    let rest = test.store.list("", first.cursor.as_deref(), 10).unwrap();
    let names: Vec<_> = rest.keys.iter().map(|entry| entry.name.as_str()).collect();
    assert_eq!(names, ["b", "c"]);
}

#[test]
fn list_refuses_bad_limits_and_foreign_cursors() {
    let test = TestStore::new();
    test.put("flag:1", "v");
    for limit in [0, MAX_LIST_PAGE_KEYS + 1] {
        let error = test.store.list("", None, limit).unwrap_err();
        assert!(matches!(error, LocalKvError::ListLimit { .. }), "{limit}");
    }
    assert_eq!(
        test.store.list("", None, 0).unwrap_err().to_string(),
        "a list page holds 1 to 1000 keys, not 0\n  help: ask for at most 1000 keys and follow the cursor for more"
    );
    let theme_cursor = cursor::cursor_after("theme:x");
    for cursor in ["not-a-cursor", theme_cursor.as_str()] {
        let error = test.store.list("flag:", Some(cursor), 10).unwrap_err();
        assert!(matches!(error, LocalKvError::BadCursor { .. }), "{cursor}");
    }
}

#[test]
fn delete_reports_whether_the_key_was_there() {
    let test = TestStore::new();
    test.put("k", "v");
    assert!(test.store.delete("k").unwrap());
    assert!(!test.store.delete("k").unwrap());
    assert_eq!(test.store.get("k").unwrap(), None);
}

#[test]
fn a_second_handle_on_the_same_file_sees_the_first_ones_writes() {
    let test = TestStore::new();
    let other = test.second_handle();
    // Read first, so the second connection has the file open and warm when the write lands.
    assert_eq!(other.get("theme:s1").unwrap(), None);
    test.put("theme:s1", "dark");
    assert_eq!(other.get("theme:s1").unwrap().as_deref(), Some("dark"));
    assert_eq!(other.list("theme:", None, 10).unwrap().keys.len(), 1);
    other.delete("theme:s1").unwrap();
    assert_eq!(test.store.get("theme:s1").unwrap(), None);
}

#[test]
fn concurrent_writers_on_separate_connections_never_see_database_is_locked() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("kv.sqlite3");
    let writers = 4;
    let keys_per_writer = 150;
    let start_together = std::sync::Barrier::new(writers);
    std::thread::scope(|scope| {
        for writer in 0..writers {
            let (path, start_together) = (&path, &start_together);
            scope.spawn(move || {
                start_together.wait();
                // Every writer also races to create the file and its table.
                let store = LocalKv::open_at(path).unwrap();
                for i in 0..keys_per_writer {
                    store.put(&write(&format!("w{writer}:{i:04}"), "value")).unwrap();
                    if i % 10 == 0 {
                        store.list(&format!("w{writer}:"), None, 5).unwrap();
                        store.delete(&format!("w{writer}:gone")).unwrap();
                    }
                }
            });
        }
    });
    let store = LocalKv::open_at(&path).unwrap();
    let mut total = 0;
    let mut cursor = None;
    loop {
        let page = store.list("w", cursor.as_deref(), MAX_LIST_PAGE_KEYS).unwrap();
        total += page.keys.len();
        if page.list_complete {
            break;
        }
        cursor = page.cursor;
    }
    assert_eq!(total, writers * keys_per_writer);
}

fn sqlite_error(code: i32) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
}

#[test]
fn busy_attempts_are_retried_until_they_succeed() {
    let mut calls = 0;
    let result = retry_while_busy(BUSY_TIMEOUT, || {
        calls += 1;
        match calls {
            1 => Err(sqlite_error(rusqlite::ffi::SQLITE_BUSY)),
            2 => Err(sqlite_error(rusqlite::ffi::SQLITE_LOCKED)),
            _ => Ok("switched"),
        }
    });
    assert_eq!(result.unwrap(), "switched");
    assert_eq!(calls, 3);
}

#[test]
fn other_failures_are_not_retried() {
    let mut calls = 0;
    let result: rusqlite::Result<()> = retry_while_busy(BUSY_TIMEOUT, || {
        calls += 1;
        Err(sqlite_error(rusqlite::ffi::SQLITE_NOTADB))
    });
    assert_eq!(
        result.unwrap_err().sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase)
    );
    assert_eq!(calls, 1);
}

#[test]
fn a_lock_held_past_the_deadline_is_reported_as_busy() {
    let deadline = Duration::from_millis(30);
    let started = Instant::now();
    let mut calls = 0;
    let result: rusqlite::Result<()> = retry_while_busy(deadline, || {
        calls += 1;
        Err(sqlite_error(rusqlite::ffi::SQLITE_BUSY))
    });
    assert!(is_busy(&result.unwrap_err()));
    assert!(started.elapsed() >= deadline, "it waited the whole deadline");
    assert!(calls > 2, "it tried more than once: {calls}");
}

#[test]
fn one_handle_serves_many_threads() {
    let test = TestStore::new();
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let store = &test.store;
            scope.spawn(move || {
                for i in 0..50 {
                    store.put(&write(&format!("t{thread}:{i}"), "v")).unwrap();
                    assert!(store.get(&format!("t{thread}:{i}")).unwrap().is_some());
                }
            });
        }
    });
    assert_eq!(test.rows_in_file(), 200);
}

#[test]
fn open_creates_a_git_ignored_folder_and_keeps_data_across_opens() {
    let site = tempfile::tempdir().unwrap();
    let store = LocalKv::open(site.path()).unwrap();
    assert_eq!(store.path(), LocalKv::path_for_site(site.path()));
    assert!(site.path().join(".edgedocs/kv.sqlite3").is_file());
    let ignore = std::fs::read_to_string(site.path().join(".edgedocs/.gitignore")).unwrap();
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
    store.put(&write("kept", "yes")).unwrap();
    drop(store);
    let reopened = LocalKv::open(site.path()).unwrap();
    assert_eq!(reopened.get("kept").unwrap().as_deref(), Some("yes"));
}

#[test]
fn a_file_from_a_newer_edgedocs_is_refused() {
    let test = TestStore::new();
    test.store
        .connection()
        .pragma_update(None, "user_version", LAYOUT_VERSION + 1)
        .unwrap();
    let error = LocalKv::open_at(test.store.path()).unwrap_err();
    assert!(matches!(error, LocalKvError::NewerLayout { found: 2, .. }), "{error:?}");
}

#[test]
fn a_file_that_is_not_a_database_is_reported_with_its_path() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("kv.sqlite3");
    std::fs::write(
        &path,
        "this is not SQLite, just some text that is long enough to have a header",
    )
    .unwrap();
    let error = LocalKv::open_at(&path).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, LocalKvError::Storage { .. }), "{error:?}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(
        message.contains("help: the file is damaged or not an edgedocs store"),
        "{message}"
    );
}

#[test]
fn limit_errors_say_how_to_fix_them() {
    let cases = [
        (
            KvLimitError::EmptyKey,
            "the key is empty\n  help: give a key of 1 to 512 bytes",
        ),
        (
            KvLimitError::ReservedKey(".".into()),
            "the key `.` is reserved by KV\n  help: choose another key; `.` and `..` cannot be KV keys",
        ),
        (
            KvLimitError::KeyTooLong { bytes: 600 },
            "the key is 600 bytes; KV keys are at most 512 bytes\n  help: shorten the key to 512 bytes or fewer",
        ),
        (
            KvLimitError::ValueTooLarge { bytes: 26_214_401 },
            "the value is 26214401 bytes; KV values are at most 26214400 bytes\n  \
             help: store at most 25 MiB under one key, or split the value across several keys",
        ),
        (
            KvLimitError::MetadataTooLarge { bytes: 2_000 },
            "the metadata is 2000 bytes of JSON; KV metadata is at most 1024 bytes\n  \
             help: keep the metadata under 1024 bytes of JSON and move larger data into the value",
        ),
        (
            KvLimitError::ExpirationTtlTooShort { seconds: 30 },
            "expirationTtl is 30 s; KV needs at least 60 s\n  help: use a TTL of 60 seconds or more",
        ),
    ];
    for (kind, message) in cases {
        assert_eq!(LocalKvError::from(kind).to_string(), message);
    }
}
