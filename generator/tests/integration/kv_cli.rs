//! `edgedocs kv` with the real binary: round trips, expirations, metadata, listings across pages,
//! sharing the store with a running process, and the exact message of each refused input.

use crate::support::SiteTest;
use edgedocs::local_kv::LocalKv;
use edgedocs_edge::KvWrite;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn site() -> SiteTest {
    SiteTest::new("docs")
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn listing(site: &mut SiteTest, args: &[&str]) -> Vec<serde_json::Value> {
    let stdout = site.run_ok(&[&["kv", "list"], args].concat());
    serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("not JSON ({error}):\n{stdout}"))
}

#[test]
fn put_get_list_delete_round_trip() {
    let mut site = site();
    assert_eq!(
        site.run_ok(&["kv", "put", "greeting", "Hello, KV!"]),
        "Wrote \"greeting\" (10 bytes) to the local KV store.\n"
    );
    assert_eq!(
        site.run_ok(&["kv", "get", "greeting"]),
        "Hello, KV!",
        "the raw value, no newline added"
    );
    assert_eq!(
        site.run_ok(&["kv", "list"]),
        "[\n  {\n    \"name\": \"greeting\"\n  }\n]\n"
    );
    assert_eq!(
        site.run_ok(&["kv", "delete", "greeting"]),
        "Deleted \"greeting\" from the local KV store.\n"
    );
    assert_eq!(
        site.run_ok(&["kv", "delete", "greeting"]),
        "\"greeting\" was not in the local KV store; nothing to delete.\n"
    );
    assert_eq!(site.run_ok(&["kv", "list"]), "[]\n");
    assert!(site.root().join(".edgedocs/kv.sqlite3").is_file());
}

#[test]
fn get_of_a_missing_key_fails_with_exit_code_1() {
    let mut site = site();
    assert_eq!(
        site.run_fails(&["kv", "get", "nope"]),
        "error: the key \"nope\" is not in the local KV store\n  help: list the keys with `edgedocs kv list`\n"
    );
    assert_eq!(site.stdout(), "");
}

#[test]
fn a_put_replaces_the_value() {
    let mut site = site();
    site.run_ok(&["kv", "put", "pinned", "first", "--metadata", "{\"v\":1}"]);
    site.run_ok(&["kv", "put", "pinned", "second"]);
    assert_eq!(site.run_ok(&["kv", "get", "pinned"]), "second");
    assert_eq!(listing(&mut site, &[]), [serde_json::json!({ "name": "pinned" })]);
}

#[test]
fn ttl_sets_an_expiration_that_list_shows() {
    let mut site = site();
    let before = unix_now();
    assert_eq!(
        site.run_ok(&["kv", "put", "session", "abc", "--ttl", "120"]),
        "Wrote \"session\" (3 bytes, expires in 120 s) to the local KV store.\n"
    );
    let after = unix_now();
    let keys = listing(&mut site, &[]);
    let expiration = keys[0]["expiration"].as_u64().unwrap();
    assert!((before + 120..=after + 120).contains(&expiration), "{expiration}");
    assert_eq!(site.run_ok(&["kv", "get", "session"]), "abc");
}

#[test]
fn expiration_sets_an_absolute_time() {
    let mut site = site();
    let expiration = (unix_now() + 3_600).to_string();
    assert_eq!(
        site.run_ok(&["kv", "put", "banner", "hi", "--expiration", &expiration]),
        format!("Wrote \"banner\" (2 bytes, expires at {expiration}) to the local KV store.\n")
    );
    assert_eq!(listing(&mut site, &[])[0]["expiration"].to_string(), expiration);
}

#[test]
fn metadata_round_trips_through_get_and_list() {
    let mut site = site();
    site.run_ok(&[
        "kv",
        "put",
        "doc:intro",
        "body",
        "--metadata",
        r#"{"author":"Zoë","tags":["kv"],"version":2}"#,
    ]);
    let metadata = serde_json::json!({ "author": "Zoë", "tags": ["kv"], "version": 2 });
    let both: serde_json::Value =
        serde_json::from_str(&site.run_ok(&["kv", "get", "doc:intro", "--metadata"])).unwrap();
    assert_eq!(both, serde_json::json!({ "value": "body", "metadata": metadata }));
    assert_eq!(
        listing(&mut site, &[]),
        [serde_json::json!({ "name": "doc:intro", "metadata": metadata })]
    );
}

#[test]
fn put_reads_the_value_from_a_file() {
    let mut site = site();
    site.write("notice.html", "<p>Maintenance at <b>10:00</b> UTC</p>\n");
    // A relative path is relative to the working folder, not the site: pass an absolute one.
    let path = site.root().join("notice.html").display().to_string();
    site.run_ok(&["kv", "put", "pinned", "--path", &path]);
    assert_eq!(
        site.run_ok(&["kv", "get", "pinned"]),
        "<p>Maintenance at <b>10:00</b> UTC</p>\n"
    );
}

#[test]
fn list_filters_by_prefix_and_stops_at_the_limit() {
    let mut site = site();
    for key in ["flag:b", "theme:x", "flag:a", "flag:c"] {
        site.run_ok(&["kv", "put", key, "v"]);
    }
    let names = |keys: Vec<serde_json::Value>| -> Vec<String> {
        keys.iter()
            .map(|key| key["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(listing(&mut site, &["--prefix", "flag:"])),
        ["flag:a", "flag:b", "flag:c"]
    );
    assert_eq!(
        names(listing(&mut site, &["--prefix", "flag:", "--limit", "2"])),
        ["flag:a", "flag:b"]
    );
    assert_eq!(
        site.stderr(),
        "note: listed the first 2 keys; more match. Raise --limit, or leave it out to list them all.\n"
    );
    assert_eq!(
        names(listing(&mut site, &["--prefix", "flag:", "--limit", "3"])).len(),
        3
    );
    assert_eq!(site.stderr(), "", "no note when nothing more matches");
}

#[test]
fn list_follows_cursors_past_one_page() {
    let mut site = site();
    let store = LocalKv::open(site.root()).unwrap();
    for i in 0..2_100 {
        store
            .put(&KvWrite {
                key: format!("key:{i:04}"),
                value: "v".into(),
                expiration_ttl: None,
                metadata: None,
            })
            .unwrap();
    }
    let keys = listing(&mut site, &[]);
    assert_eq!(keys.len(), 2_100);
    assert_eq!(keys[0]["name"], "key:0000");
    assert_eq!(keys[2_099]["name"], "key:2099");
    assert_eq!(listing(&mut site, &["--limit", "1500"]).len(), 1_500);
}

#[test]
fn the_command_shares_the_store_with_a_running_process() {
    let mut site = site();
    // Stands in for `edgedocs serve`: a connection that stays open, and has already read.
    let server = LocalKv::open(site.root()).unwrap();
    assert_eq!(server.get("message").unwrap(), None);

    site.run_ok(&["kv", "put", "message", "from the command"]);
    assert_eq!(server.get("message").unwrap().as_deref(), Some("from the command"));

    server
        .put(&KvWrite {
            key: "message".into(),
            value: "from the server".into(),
            expiration_ttl: None,
            metadata: None,
        })
        .unwrap();
    assert_eq!(site.run_ok(&["kv", "get", "message"]), "from the server");

    site.run_ok(&["kv", "delete", "message"]);
    assert_eq!(server.get("message").unwrap(), None);
}

/// Each refused input: exact message, exit code 1, and nothing written.
#[test]
fn refused_inputs_say_what_is_wrong_and_how_to_fix_it() {
    let long_key = "k".repeat(513);
    let big_metadata = format!(r#"{{"note":"{}"}}"#, "m".repeat(1024));
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (
            "empty key",
            vec!["kv", "put", "", "v"],
            "error: the key is empty\n  help: give a key of 1 to 512 bytes\n",
        ),
        (
            "reserved key",
            vec!["kv", "put", "..", "v"],
            "error: the key `..` is reserved by KV\n  help: choose another key; `.` and `..` cannot be KV keys\n",
        ),
        (
            "key too long",
            vec!["kv", "put", &long_key, "v"],
            "error: the key is 513 bytes; KV keys are at most 512 bytes\n  help: shorten the key to 512 bytes or fewer\n",
        ),
        (
            "ttl too short",
            vec!["kv", "put", "k", "v", "--ttl", "59"],
            "error: expirationTtl is 59 s; KV needs at least 60 s\n  help: use a TTL of 60 seconds or more\n",
        ),
        (
            "ttl longer than KV takes",
            vec!["kv", "put", "k", "v", "--ttl", "2147483648"],
            "error: expirationTtl is 2147483648 s; KV takes at most 2147483647 s (about 68 years)\n  \
             help: use a TTL of 2147483647 seconds or less, or none for a key that never expires\n",
        ),
        (
            "ttl that would saturate",
            vec!["kv", "put", "k", "v", "--ttl", "18446744073709551615"],
            "error: expirationTtl is 18446744073709551615 s; KV takes at most 2147483647 s (about 68 years)\n  \
             help: use a TTL of 2147483647 seconds or less, or none for a key that never expires\n",
        ),
        (
            "expiration in milliseconds",
            vec!["kv", "put", "k", "v", "--expiration", "1900000000000"],
            "error: the expiration 1900000000000 is later than KV takes: 2147483647 (2038-01-19 03:14:07 UTC)\n  \
             help: give a Unix time in seconds (not milliseconds) of 2147483647 or earlier, \
             or none for a key that never expires\n",
        ),
        (
            "metadata not JSON",
            vec!["kv", "put", "k", "v", "--metadata", "{author: ana}"],
            "error: --metadata is not valid JSON at column 2: key must be a string\n  {author: ana}\n   ^\n  \
             help: give JSON in single quotes, e.g. --metadata '{\"author\":\"ana\",\"version\":2}'\n",
        ),
        (
            "metadata with a trailing comma",
            vec!["kv", "put", "k", "v", "--metadata", r#"{"a":1,}"#],
            "error: --metadata is not valid JSON at column 8: trailing comma\n  {\"a\":1,}\n         ^\n  \
             help: give JSON in single quotes, e.g. --metadata '{\"author\":\"ana\",\"version\":2}'\n",
        ),
        (
            "metadata too large",
            vec!["kv", "put", "k", "v", "--metadata", &big_metadata],
            "error: the metadata is 1035 bytes of JSON; KV metadata is at most 1024 bytes\n  \
             help: keep the metadata under 1024 bytes of JSON and move larger data into the value\n",
        ),
        (
            "get with a key too long",
            vec!["kv", "get", &long_key],
            "error: the key is 513 bytes; KV keys are at most 512 bytes\n  help: shorten the key to 512 bytes or fewer\n",
        ),
        (
            "list limit zero",
            vec!["kv", "list", "--limit", "0"],
            "error: --limit 0 would list nothing\n  help: give a limit of 1 or more, or leave it out to list every key\n",
        ),
    ];
    let mut site = site();
    for (name, args, expected) in cases {
        assert_eq!(site.run_fails(&args), expected, "{name}");
        assert_eq!(site.stdout(), "", "{name}: nothing on stdout");
        assert_eq!(site.run_ok(&["kv", "list"]), "[]\n", "{name}: nothing was written");
    }
}

#[test]
fn a_value_over_25_mib_is_refused() {
    let mut site = site();
    site.write("big.txt", &"v".repeat(25 * 1024 * 1024 + 1));
    let path = site.root().join("big.txt").display().to_string();
    assert_eq!(
        site.run_fails(&["kv", "put", "big", "--path", &path]),
        "error: `<site>/big.txt` is 26214401 bytes; KV values are at most 26214400 bytes\n  \
         help: store at most 25 MiB under one key, or split the value across several keys\n"
    );
    assert_eq!(site.run_ok(&["kv", "list"]), "[]\n");
}

/// A file without end is read up to one byte past the limit, then refused; it used to be read until
/// memory ran out.
#[cfg(unix)]
#[test]
fn a_value_file_without_end_is_refused_at_the_limit() {
    let site = site();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgedocs"))
        .arg("--root")
        .arg(site.root())
        .args(["kv", "put", "endless", "--path", "/dev/zero"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("`kv put --path /dev/zero` was still reading after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: `/dev/zero` holds more than 26214400 bytes; KV values are at most 26214400 bytes\n  \
         help: store at most 25 MiB under one key, or split the value across several keys\n"
    );
    assert!(output.stdout.is_empty());
    assert!(
        !site.root().join(".edgedocs").exists(),
        "a refused value does not create the store"
    );
}

/// Whatever a subcommand prints, a reader that has gone away (`edgedocs kv list | head -1`) ends it
/// quietly with status 0; it used to panic with "failed printing to stdout: Broken pipe".
#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    let mut site = site();
    let store = LocalKv::open(site.root()).unwrap();
    store
        .put(&KvWrite {
            key: "greeting".into(),
            value: "hello".into(),
            expiration_ttl: None,
            metadata: Some(serde_json::json!({ "v": 1 })),
        })
        .unwrap();
    for args in [
        vec!["kv", "put", "other", "v"],
        vec!["kv", "get", "greeting"],
        vec!["kv", "get", "greeting", "--metadata"],
        vec!["kv", "list"],
        vec!["kv", "list", "--limit", "1"],
        vec!["kv", "delete", "other"],
        vec!["kv", "delete", "missing"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = Command::new(env!("CARGO_BIN_EXE_edgedocs"))
            .arg("--root")
            .arg(site.root())
            .args(&args)
            .stdout(writer)
            .output()
            .unwrap();
        assert_eq!(
            (output.status.code(), String::from_utf8_lossy(&output.stderr).as_ref()),
            (Some(0), if args.contains(&"--limit") { LIMIT_NOTE } else { "" }),
            "{args:?}"
        );
    }
    assert_eq!(site.run_ok(&["kv", "get", "greeting"]), "hello", "the store is intact");
}

const LIMIT_NOTE: &str =
    "note: listed the first 1 keys; more match. Raise --limit, or leave it out to list them all.\n";

/// `edgedocs kv list | head -1` on a listing larger than a pipe holds: the reader takes one line and
/// goes away while the command is still writing.
#[test]
fn a_listing_cut_short_by_its_reader_ends_quietly() {
    let site = site();
    let store = LocalKv::open(site.root()).unwrap();
    let long_name = "k".repeat(400);
    for i in 0..1_000 {
        store
            .put(&KvWrite {
                key: format!("{long_name}{i:04}"),
                value: "v".into(),
                expiration_ttl: None,
                metadata: None,
            })
            .unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgedocs"))
        .arg("--root")
        .arg(site.root())
        .args(["kv", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    assert_eq!(first_line, "[\n");
    // The reader is gone; more than 400 kB were still to be written.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn a_value_file_that_is_not_utf8_is_refused() {
    let mut site = site();
    std::fs::write(site.root().join("image.bin"), b"GIF89a\xff\x00").unwrap();
    let path = site.root().join("image.bin").display().to_string();
    assert_eq!(
        site.run_fails(&["kv", "put", "img", "--path", &path]),
        "error: `<site>/image.bin` is not UTF-8 text (byte 6 is not valid UTF-8)\n  \
         help: the local KV store holds text values; convert the file to UTF-8\n"
    );
    let missing = site.root().join("missing.txt").display().to_string();
    let stderr = site.run_fails(&["kv", "put", "img", "--path", &missing]);
    assert!(
        stderr.starts_with("error: could not read `<site>/missing.txt`\n  caused by: "),
        "{stderr}"
    );
}

#[test]
fn an_expiration_in_the_past_is_refused() {
    let mut site = site();
    let before = unix_now();
    let stderr = site.run_fails(&["kv", "put", "k", "v", "--expiration", "1000"]);
    let after = unix_now();
    let matches_a_time_of_the_run = (before..=after).any(|now| {
        stderr
            == format!(
                "error: the expiration 1000 is {} s in the past; KV needs it at least 60 s in the future\n  \
                 help: give a Unix time of {} or later, or a TTL in seconds instead\n",
                now - 1000,
                now + 60
            )
    });
    assert!(matches_a_time_of_the_run, "{stderr}");
}

#[test]
fn usage_mistakes_are_reported_by_the_argument_parser() {
    let mut site = site();
    for args in [
        vec!["kv", "put", "k"],
        vec!["kv", "put", "k", "v", "--path", "file.txt"],
        vec!["kv", "put", "k", "v", "--ttl", "60", "--expiration", "9999999999"],
        vec!["kv", "put", "k", "v", "--ttl", "-5"],
    ] {
        let output = site.run(&args).clone();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    assert_eq!(site.run_ok(&["kv", "list"]), "[]\n");
}

#[test]
fn a_folder_without_site_toml_is_refused_and_left_untouched() {
    let folder = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_edgedocs"))
        .arg("--root")
        .arg(folder.path())
        .args(["kv", "put", "k", "v"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).replace(&folder.path().display().to_string(), "<dir>"),
        "error: `<dir>` is not an edgedocs site: it has no site.toml\n  \
         help: run the command in the site's folder, or pass its path with --root DIR\n"
    );
    assert_eq!(
        std::fs::read_dir(folder.path()).unwrap().count(),
        0,
        "no .edgedocs/ was created"
    );
}

/// Every process that opens a store nobody has created yet succeeds: `edgedocs kv put` while
/// `edgedocs serve` starts, or a script running several puts at once on a fresh clone. SQLite answers
/// the switch to WAL with "database is locked" at once, without waiting, while another connection
/// holds the new file; before the switch was retried, 10 runs of this test out of 10 failed, each
/// within its first 16 rounds. Each process reads its value from stdin first, so that all of them
/// reach the store in the same instant when the test closes their stdin together.
#[cfg(unix)]
#[test]
fn many_processes_opening_a_new_store_at_once_all_succeed() {
    const ROUNDS: usize = 40;
    const PROCESSES: usize = 16;
    let site = site();
    for round in 0..ROUNDS {
        match std::fs::remove_dir_all(site.root().join(".edgedocs")) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => panic!("{error}"),
            _ => {}
        }
        let mut children: Vec<_> = (0..PROCESSES)
            .map(|process| {
                Command::new(env!("CARGO_BIN_EXE_edgedocs"))
                    .arg("--root")
                    .arg(site.root())
                    .args(["kv", "put", &format!("key:{process:02}"), "--path", "/dev/stdin"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        // Give them time to start and wait on stdin; a late one only makes the round less crowded.
        std::thread::sleep(std::time::Duration::from_millis(150));
        let stdins: Vec<_> = children.iter_mut().map(|child| child.stdin.take().unwrap()).collect();
        drop(stdins);
        for (process, child) in children.into_iter().enumerate() {
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "round {round}, process {process} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let store = LocalKv::open(site.root()).unwrap();
        let listed = store.list("key:", None, PROCESSES + 1).unwrap().keys.len();
        assert_eq!(listed, PROCESSES, "round {round}: every put landed");
    }
}
