//! `edgedocs kv put|get|list|delete`: manage the preview's local KV store the way `wrangler kv key`
//! manages the real one. Safe while `edgedocs serve` runs: the next page load sees the change. The
//! store itself (limits, expirations, listings) lives in `edgedocs::local_kv`.

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use edgedocs::config::CONFIG_FILE;
use edgedocs::local_kv::LocalKv;
use edgedocs::terminal::{note, print};
use edgedocs_edge::{KvListEntry, KvWrite, MAX_LIST_PAGE_KEYS, MAX_VALUE_BYTES};
use serde::Serialize;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub(super) struct KvArgs {
    #[command(subcommand)]
    action: KvAction,
}

#[derive(Debug, Subcommand)]
enum KvAction {
    /// Write a value (given, or read from a file), replacing the key's value, metadata and expiry.
    Put(PutArgs),
    /// Print a key's value as stored, with no newline added.
    Get(GetArgs),
    /// Print the keys as a JSON array of `{ "name", "expiration", "metadata" }`, in byte order.
    List(ListArgs),
    /// Delete a key.
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
struct PutArgs {
    /// The key: 1 to 512 bytes of UTF-8.
    key: String,
    /// The value to store (up to 25 MiB).
    #[arg(required_unless_present = "path")]
    value: Option<String>,
    /// Read the value from this file (UTF-8 text, up to 25 MiB) instead.
    #[arg(long, value_name = "FILE", conflicts_with = "value")]
    path: Option<PathBuf>,
    /// Delete the key this many seconds from now: 60 to 2147483647 (about 68 years).
    #[arg(long, value_name = "SECONDS", conflicts_with = "expiration")]
    ttl: Option<u64>,
    /// Delete the key at this time, in seconds since the Unix epoch: at least 60 s from now, at most
    /// 2147483647 (2038-01-19 03:14:07 UTC).
    #[arg(long, value_name = "UNIX_TIME")]
    expiration: Option<u64>,
    /// Metadata to store with the key, as JSON: --metadata '{"author":"ana"}'.
    #[arg(long, value_name = "JSON")]
    metadata: Option<String>,
}

#[derive(Debug, Args)]
struct GetArgs {
    /// The key to read.
    key: String,
    /// Print `{ "value": ..., "metadata": ... }` as JSON instead of the raw value.
    #[arg(long)]
    metadata: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// Only keys that start with this.
    #[arg(long, default_value = "")]
    prefix: String,
    /// Print at most this many keys. Default: all of them.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
}

#[derive(Debug, Args)]
struct DeleteArgs {
    /// The key to delete.
    key: String,
}

pub(super) fn execute(root: &Path, args: KvArgs) -> Result<()> {
    match args.action {
        KvAction::Put(args) => {
            // Every argument is read and checked before the store is opened (or created).
            let put = PreparedPut::from_args(args)?;
            put.execute(&open_site_store(root)?)
        }
        KvAction::Get(args) => get(&open_site_store(root)?, &args),
        KvAction::List(args) => list(&open_site_store(root)?, &args),
        KvAction::Delete(args) => delete(&open_site_store(root)?, &args.key),
    }
}

/// Opens the store of the site at `root`, refusing a folder that is not a site so that a mistyped
/// `--root` does not leave a stray `.edgedocs/` behind.
fn open_site_store(root: &Path) -> Result<LocalKv> {
    if !root.join(CONFIG_FILE).is_file() {
        bail!(
            "`{}` is not an edgedocs site: it has no {CONFIG_FILE}\n  \
             help: run the command in the site's folder, or pass its path with --root DIR",
            root.display()
        );
    }
    Ok(LocalKv::open(root)?)
}

/// A `put` whose value and metadata have been read and parsed.
struct PreparedPut {
    write: KvWrite,
    expiration: Option<u64>,
}

impl PreparedPut {
    fn from_args(args: PutArgs) -> Result<Self> {
        let value = match (args.value, &args.path) {
            (Some(value), _) => value,
            (None, Some(path)) => read_value_file(path)?,
            (None, None) => bail!("give a value, or a file to read it from with --path FILE"),
        };
        let metadata = args.metadata.as_deref().map(parse_metadata_flag).transpose()?;
        Ok(Self {
            write: KvWrite {
                key: args.key,
                value,
                expiration_ttl: args.ttl,
                metadata,
            },
            expiration: args.expiration,
        })
    }

    fn execute(self, store: &LocalKv) -> Result<()> {
        let Self { write, expiration } = self;
        store.put_with_expiration(&write, expiration)?;
        let expiry = match (write.expiration_ttl, expiration) {
            (Some(ttl), _) => format!(", expires in {ttl} s"),
            (None, Some(expiration)) => format!(", expires at {expiration}"),
            (None, None) => String::new(),
        };
        print(&format!(
            "Wrote {:?} ({} bytes{expiry}) to the local KV store.\n",
            write.key,
            write.value.len()
        ))
    }
}

fn get(store: &LocalKv, args: &GetArgs) -> Result<()> {
    let Some((value, metadata)) = store.get_with_metadata(&args.key)? else {
        bail!(
            "the key {:?} is not in the local KV store\n  help: list the keys with `edgedocs kv list`",
            args.key
        );
    };
    if args.metadata {
        let both = serde_json::json!({ "value": value, "metadata": metadata });
        print(&format!("{}\n", serde_json::to_string_pretty(&both)?))
    } else {
        print(&value)
    }
}

/// One listed key as wrangler prints it: absent fields are left out.
#[derive(Serialize)]
struct ListedKey<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a serde_json::Value>,
}

fn list(store: &LocalKv, args: &ListArgs) -> Result<()> {
    if args.limit == Some(0) {
        bail!("--limit 0 would list nothing\n  help: give a limit of 1 or more, or leave it out to list every key");
    }
    let wanted = args.limit.unwrap_or(usize::MAX);
    let mut entries: Vec<KvListEntry> = Vec::new();
    let mut cursor: Option<String> = None;
    let complete = loop {
        let page_size = (wanted - entries.len()).min(MAX_LIST_PAGE_KEYS);
        let page = store.list(&args.prefix, cursor.as_deref(), page_size)?;
        entries.extend(page.keys);
        if page.list_complete || entries.len() >= wanted {
            break page.list_complete;
        }
        cursor = page.cursor;
    };
    let listed: Vec<ListedKey<'_>> = entries
        .iter()
        .map(|entry| ListedKey {
            name: &entry.name,
            expiration: entry.expiration,
            metadata: entry.metadata.as_ref(),
        })
        .collect();
    print(&format!("{}\n", serde_json::to_string_pretty(&listed)?))?;
    if !complete {
        note(&format!(
            "note: listed the first {} keys; more match. Raise --limit, or leave it out to list them all.",
            entries.len()
        ));
    }
    Ok(())
}

fn delete(store: &LocalKv, key: &str) -> Result<()> {
    if store.delete(key)? {
        print(&format!("Deleted {key:?} from the local KV store.\n"))
    } else {
        print(&format!("{key:?} was not in the local KV store; nothing to delete.\n"))
    }
}

/// Reads a value for `--path`: at most one byte more than KV's limit, so that a file without end
/// (`/dev/zero`, a pipe that never closes) is refused instead of read until memory runs out.
fn read_value_file(path: &Path) -> Result<String> {
    let could_not_read = || format!("could not read `{}`", path.display());
    let file = File::open(path).with_context(could_not_read)?;
    let size = file
        .metadata()
        .ok()
        .filter(Metadata::is_file)
        .map(|metadata| metadata.len());
    let mut bytes = Vec::new();
    file.take(MAX_VALUE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .with_context(could_not_read)?;
    if bytes.len() > MAX_VALUE_BYTES {
        let what = match size {
            Some(size) if size > MAX_VALUE_BYTES as u64 => format!("is {size} bytes"),
            _ => format!("holds more than {MAX_VALUE_BYTES} bytes"),
        };
        bail!(
            "`{}` {what}; KV values are at most {MAX_VALUE_BYTES} bytes\n  \
             help: store at most {} MiB under one key, or split the value across several keys",
            path.display(),
            MAX_VALUE_BYTES >> 20
        );
    }
    String::from_utf8(bytes).map_err(|error| {
        anyhow!(
            "`{}` is not UTF-8 text (byte {} is not valid UTF-8)\n  \
             help: the local KV store holds text values; convert the file to UTF-8",
            path.display(),
            error.utf8_error().valid_up_to()
        )
    })
}

const METADATA_EXAMPLE: &str = r#"--metadata '{"author":"ana","version":2}'"#;

/// Parses `--metadata`, pointing at the column where the JSON goes wrong.
fn parse_metadata_flag(text: &str) -> Result<serde_json::Value> {
    if text.trim().is_empty() {
        bail!("--metadata is empty\n  help: give JSON in single quotes, e.g. {METADATA_EXAMPLE}");
    }
    serde_json::from_str(text).map_err(|error| {
        let description = error.to_string();
        let reason = description
            .rsplit_once(" at line ")
            .map_or(description.as_str(), |(reason, _)| reason);
        let line_text = text.lines().nth(error.line().saturating_sub(1)).unwrap_or_default();
        // serde_json counts columns in bytes; people count characters.
        let mut byte_offset = error.column().saturating_sub(1).min(line_text.len());
        while !line_text.is_char_boundary(byte_offset) {
            byte_offset -= 1;
        }
        let column = line_text[..byte_offset].chars().count() + 1;
        let position = if text.lines().count() > 1 {
            format!("line {} column {column}", error.line())
        } else {
            format!("column {column}")
        };
        anyhow!(
            "--metadata is not valid JSON at {position}: {reason}\n  {line_text}\n  {caret:>column$}\n  \
             help: give JSON in single quotes, e.g. {METADATA_EXAMPLE}",
            caret = "^"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_errors_point_at_the_column() {
        let cases = [
            (
                "{a:1}",
                "--metadata is not valid JSON at column 2: key must be a string\n  {a:1}\n   ^",
            ),
            (
                r#"{"a":1"#,
                "--metadata is not valid JSON at column 6: EOF while parsing an object\n  {\"a\":1\n       ^",
            ),
            (
                r#"{"é":tru}"#,
                "--metadata is not valid JSON at column 9: expected ident\n  {\"é\":tru}\n          ^",
            ),
            (
                "{\"a\":1,\n \"b\":}",
                "--metadata is not valid JSON at line 2 column 6: expected value\n   \"b\":}\n       ^",
            ),
        ];
        for (text, expected) in cases {
            let message = parse_metadata_flag(text).unwrap_err().to_string();
            let (what, help) = message.split_once("\n  help: ").unwrap();
            assert_eq!(what, expected, "{text}");
            assert_eq!(help, format!("give JSON in single quotes, e.g. {METADATA_EXAMPLE}"));
        }
    }

    #[test]
    fn any_json_value_is_metadata() {
        for text in [r#"{"a":[1,2,{"b":null}]}"#, "\"label\"", "42", " [true] "] {
            assert!(parse_metadata_flag(text).is_ok(), "{text}");
        }
    }
}
