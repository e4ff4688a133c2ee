//! Why the local KV store refused or failed an operation. Each message says what is wrong and, on a
//! `help:` line, how to fix it; the kinds are distinct so a caller (the preview server) can branch.
//! Underlying errors are part of the message (and kept in a `cause` field), not a separate source,
//! so a printed message reads: what failed, why, how to fix it.

use edgedocs_edge::{
    KvLimitError, MAX_KEY_BYTES, MAX_LIST_PAGE_KEYS, MAX_METADATA_BYTES, MAX_VALUE_BYTES, MIN_EXPIRATION_TTL_SECONDS,
};
use std::path::PathBuf;
use std::time::Duration;

/// The largest `expirationTtl`, and the latest `expiration`, that KV takes: 2^31 - 1 seconds (about
/// 68 years; as a time, 2038-01-19 03:14:07 UTC). The Workers runtime reads both options as 32-bit
/// signed integers and throws a `TypeError` ("Value out of range") for anything larger. It also keeps
/// `now + TTL` far inside every integer that stores an expiration (u64 here, SQLite's i64, the
/// JavaScript numbers of `list()`).
pub const MAX_EXPIRATION_SECONDS: u64 = i32::MAX as u64;

/// How long an operation waits for another process (say `edgedocs serve` and `edgedocs kv`) to
/// release the store's write lock before it fails.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum LocalKvError {
    /// Cloudflare KV would refuse this key or write.
    #[error("{0}\n  help: {help}", help = limit_help(.0))]
    Limit(KvLimitError),
    /// An absolute expiration closer than KV's minimum, or in the past.
    #[error(
        "the expiration {expiration} is {distance}; KV needs it at least {MIN_EXPIRATION_TTL_SECONDS} s in the future\n  \
         help: give a Unix time of {earliest} or later, or a TTL in seconds instead",
        distance = describe_distance(*.expiration, *.now),
        earliest = .now.saturating_add(MIN_EXPIRATION_TTL_SECONDS)
    )]
    ExpirationTooSoon { expiration: u64, now: u64 },
    /// A TTL longer than KV takes.
    #[error(
        "expirationTtl is {seconds} s; KV takes at most {MAX_EXPIRATION_SECONDS} s (about 68 years)\n  \
         help: use a TTL of {MAX_EXPIRATION_SECONDS} seconds or less, or none for a key that never expires"
    )]
    ExpirationTtlTooLong { seconds: u64 },
    /// An absolute expiration later than KV takes (or given in milliseconds).
    #[error(
        "the expiration {expiration} is later than KV takes: {MAX_EXPIRATION_SECONDS} (2038-01-19 03:14:07 UTC)\n  \
         help: give a Unix time in seconds (not milliseconds) of {MAX_EXPIRATION_SECONDS} or earlier, \
         or none for a key that never expires"
    )]
    ExpirationTooLate { expiration: u64 },
    /// A write with both an `expirationTtl` and an absolute expiration.
    #[error("the write has both a TTL and an absolute expiration\n  help: give only one of them")]
    ConflictingExpiration,
    /// A list cursor this store did not hand out for this prefix.
    #[error(
        "the list cursor `{cursor}` does not belong to a listing of the prefix `{prefix}`\n  \
         help: pass the cursor from the previous page of the same listing, or no cursor to start from the first key"
    )]
    BadCursor { cursor: String, prefix: String },
    /// A page size outside KV's range.
    #[error(
        "a list page holds 1 to {MAX_LIST_PAGE_KEYS} keys, not {limit}\n  \
         help: ask for at most {MAX_LIST_PAGE_KEYS} keys and follow the cursor for more"
    )]
    ListLimit { limit: usize },
    /// SQLite failed: the file could not be opened, read or written, or stayed locked too long.
    #[error("could not {action} the local KV store `{}`: {cause}{hint}", path.display(), hint = storage_hint(cause))]
    Storage {
        action: &'static str,
        path: PathBuf,
        cause: rusqlite::Error,
    },
    /// The folder for the store could not be made.
    #[error(
        "could not create the folder `{}` for the local KV store: {cause}\n  \
         help: check that you may write to the site's folder",
        path.display()
    )]
    Folder { path: PathBuf, cause: std::io::Error },
    /// A stored entry's metadata is not JSON (the file was edited by something other than edgedocs).
    #[error(
        "the local KV store `{}` holds metadata for the key `{key}` that is not JSON ({cause})\n  \
         help: put the key again to replace it, or delete the file to start with an empty store",
        path.display()
    )]
    CorruptMetadata {
        path: PathBuf,
        key: String,
        cause: serde_json::Error,
    },
    /// The file was made by a newer edgedocs whose layout this one does not know.
    #[error(
        "the local KV store `{}` has layout version {found}, newer than this edgedocs knows ({known})\n  \
         help: update edgedocs, or delete the file to start with an empty store",
        path.display()
    )]
    NewerLayout { path: PathBuf, found: i64, known: i64 },
}

// Not `#[from]`: that would make the limit the error's cause too, and the message would repeat.
impl From<KvLimitError> for LocalKvError {
    fn from(limit: KvLimitError) -> Self {
        Self::Limit(limit)
    }
}

/// How to fix a write Cloudflare KV would refuse. Exhaustive, so a new limit gets its own advice.
fn limit_help(error: &KvLimitError) -> String {
    match error {
        KvLimitError::EmptyKey => format!("give a key of 1 to {MAX_KEY_BYTES} bytes"),
        KvLimitError::ReservedKey(_) => "choose another key; `.` and `..` cannot be KV keys".to_owned(),
        KvLimitError::KeyTooLong { .. } => format!("shorten the key to {MAX_KEY_BYTES} bytes or fewer"),
        KvLimitError::ValueTooLarge { .. } => {
            format!(
                "store at most {} MiB under one key, or split the value across several keys",
                MAX_VALUE_BYTES >> 20
            )
        }
        KvLimitError::MetadataTooLarge { .. } => {
            format!("keep the metadata under {MAX_METADATA_BYTES} bytes of JSON and move larger data into the value")
        }
        KvLimitError::ExpirationTtlTooShort { .. } => {
            format!("use a TTL of {MIN_EXPIRATION_TTL_SECONDS} seconds or more")
        }
    }
}

fn describe_distance(expiration: u64, now: u64) -> String {
    match expiration.checked_sub(now) {
        Some(0) => "now".to_owned(),
        Some(ahead) => format!("{ahead} s from now"),
        None => format!("{} s in the past", now - expiration),
    }
}

/// Turns SQLite's terse "database is locked" into advice.
fn storage_hint(cause: &rusqlite::Error) -> String {
    match cause.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => format!(
            "\n  help: another process held it locked for more than {} s; try again",
            BUSY_TIMEOUT.as_secs()
        ),
        Some(
            rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::PermissionDenied | rusqlite::ErrorCode::ReadOnly,
        ) => "\n  help: check that the folder exists and that you may write to it".to_owned(),
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            "\n  help: the file is damaged or not an edgedocs store; delete it to start with an empty store".to_owned()
        }
        _ => String::new(),
    }
}
