//! The preview's local KV store: a SQLite file under the site's `.edgedocs/` folder that behaves like
//! Cloudflare KV (same limits, expirations, metadata, byte-ordered listings with cursors), shared by
//! `edgedocs serve` and `edgedocs kv` while both run. It does not cache, replicate or emulate KV's
//! eventual consistency: a write is visible to the next read of any process.
//!
//! SQLite runs in WAL mode with a busy timeout: readers never wait and never write, and a writer
//! waits up to [`BUSY_TIMEOUT`] for another process's write to finish. Processes that open a new
//! file at the same moment retry its switch to WAL until one of them has made it
//! (`use_write_ahead_log`). Every write is one `BEGIN IMMEDIATE` transaction, so it either lands
//! whole or not at all. Expired keys are hidden from reads at once and removed by the next write
//! (`put` or `delete`).

mod cursor;
mod error;

pub use error::{BUSY_TIMEOUT, LocalKvError, MAX_EXPIRATION_SECONDS};

use edgedocs_edge::{
    KvListEntry, KvWrite, MAX_LIST_PAGE_KEYS, MIN_EXPIRATION_TTL_SECONDS, validate_kv_key, validate_kv_write,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The folder under the site's root that holds the preview's local state.
pub const LOCAL_STATE_FOLDER: &str = ".edgedocs";
/// The store's file inside [`LOCAL_STATE_FOLDER`].
pub const STORE_FILE_NAME: &str = "kv.sqlite3";

/// The version of the table layout, kept in SQLite's `user_version`.
const LAYOUT_VERSION: i64 = 1;

const CREATE_LAYOUT: &str = "
    CREATE TABLE IF NOT EXISTS entries (
        key TEXT PRIMARY KEY NOT NULL,  -- compared as bytes (BINARY collation), so listings are in byte order
        value TEXT NOT NULL,
        metadata TEXT,                  -- compact JSON, as KV counts it
        expiration INTEGER              -- seconds since the Unix epoch
    );
    CREATE INDEX IF NOT EXISTS entries_by_expiration ON entries (expiration) WHERE expiration IS NOT NULL;
";

/// The current time in seconds since the Unix epoch. Injectable so tests need not sleep.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// One page of a listing, as KV's `list()` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    /// The page's keys in byte order, with their expiration and metadata.
    pub keys: Vec<KvListEntry>,
    /// Where the next page starts; `None` when the listing is complete.
    pub cursor: Option<String>,
    pub list_complete: bool,
}

/// A handle on one store file. `Send + Sync`: share it between threads; open another handle (or run
/// another process) on the same file for a second connection.
pub struct LocalKv {
    connection: Mutex<Connection>,
    path: PathBuf,
    clock: Clock,
}

impl std::fmt::Debug for LocalKv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalKv")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl LocalKv {
    /// Where the store of the site at `site_root` lives: `<site_root>/.edgedocs/kv.sqlite3`.
    pub fn path_for_site(site_root: &Path) -> PathBuf {
        site_root.join(LOCAL_STATE_FOLDER).join(STORE_FILE_NAME)
    }

    /// Opens the store of the site at `site_root`, creating the file and its folder (with a
    /// `.gitignore` that keeps the folder out of git) when they do not exist yet.
    pub fn open(site_root: &Path) -> Result<Self, LocalKvError> {
        let folder = site_root.join(LOCAL_STATE_FOLDER);
        create_local_state_folder(&folder)?;
        Self::open_at(&folder.join(STORE_FILE_NAME))
    }

    /// Opens (creating) the store at `path`; its folder must exist.
    pub fn open_at(path: &Path) -> Result<Self, LocalKvError> {
        let storage = |action| {
            move |cause| LocalKvError::Storage {
                action,
                path: path.to_path_buf(),
                cause,
            }
        };
        let mut connection = Connection::open(path).map_err(storage("open"))?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(storage("open"))?;
        use_write_ahead_log(&connection).map_err(storage("open"))?;
        let found_layout = create_layout(&mut connection).map_err(storage("set up"))?;
        if found_layout > LAYOUT_VERSION {
            return Err(LocalKvError::NewerLayout {
                path: path.to_path_buf(),
                found: found_layout,
                known: LAYOUT_VERSION,
            });
        }
        Ok(Self {
            connection: Mutex::new(connection),
            path: path.to_path_buf(),
            clock: Arc::new(system_clock),
        })
    }

    /// Replaces the clock (seconds since the Unix epoch) that expirations are measured against.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The value of `key`; `None` when it is absent or expired.
    pub fn get(&self, key: &str) -> Result<Option<String>, LocalKvError> {
        Ok(self.get_with_metadata(key)?.map(|(value, _)| value))
    }

    /// The value and metadata of `key`, like KV's `getWithMetadata()`; `None` when it is absent or
    /// expired.
    pub fn get_with_metadata(&self, key: &str) -> Result<Option<(String, Option<serde_json::Value>)>, LocalKvError> {
        validate_kv_key(key)?;
        let now = self.now();
        let connection = self.connection();
        let row = connection
            .prepare_cached("SELECT value, metadata, expiration FROM entries WHERE key = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([key], |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, Option<String>>(1)?,
                            row.get::<_, Option<i64>>(2)?,
                        ))
                    })
                    .optional()
            })
            .map_err(|source| self.storage_error("read", source))?;
        match row {
            None => Ok(None),
            Some((_, _, Some(expiration))) if has_expired(expiration, now) => Ok(None),
            Some((value, metadata, _)) => Ok(Some((value, self.parse_metadata(key, metadata)?))),
        }
    }

    /// Writes `write` like KV's `put()`: value, metadata and expiration replace the old ones together.
    /// Refuses, writing nothing, whatever KV would refuse.
    pub fn put(&self, write: &KvWrite) -> Result<(), LocalKvError> {
        self.put_with_expiration(write, None)
    }

    /// [`Self::put`] with an absolute expiration (seconds since the Unix epoch, at least
    /// [`MIN_EXPIRATION_TTL_SECONDS`] ahead), like KV's `expiration` option. A write may have a TTL or
    /// an expiration, not both; either is at most [`MAX_EXPIRATION_SECONDS`].
    pub fn put_with_expiration(&self, write: &KvWrite, expiration_unix: Option<u64>) -> Result<(), LocalKvError> {
        validate_kv_write(write)?;
        let now = self.now();
        let expiration = match (write.expiration_ttl, expiration_unix) {
            (Some(_), Some(_)) => return Err(LocalKvError::ConflictingExpiration),
            (Some(seconds), None) if seconds > MAX_EXPIRATION_SECONDS => {
                return Err(LocalKvError::ExpirationTtlTooLong { seconds });
            }
            (Some(ttl), None) => Some(now.saturating_add(ttl)),
            (None, Some(expiration)) if expiration < now.saturating_add(MIN_EXPIRATION_TTL_SECONDS) => {
                return Err(LocalKvError::ExpirationTooSoon { expiration, now });
            }
            (None, Some(expiration)) if expiration > MAX_EXPIRATION_SECONDS => {
                return Err(LocalKvError::ExpirationTooLate { expiration });
            }
            (None, expiration) => expiration,
        };
        let metadata = write.metadata.as_ref().map(serde_json::Value::to_string);
        self.write_transaction("write to", |transaction| {
            sweep_expired(transaction, now)?;
            transaction
                .prepare_cached(
                    "INSERT INTO entries (key, value, metadata, expiration) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (key) DO UPDATE
                     SET value = excluded.value, metadata = excluded.metadata, expiration = excluded.expiration",
                )?
                .execute(params![write.key, write.value, metadata, expiration.map(sql_seconds)])?;
            Ok(())
        })
    }

    /// Deletes `key`; true when it was there (and not expired).
    pub fn delete(&self, key: &str) -> Result<bool, LocalKvError> {
        validate_kv_key(key)?;
        let now = self.now();
        self.write_transaction("delete from", |transaction| {
            sweep_expired(transaction, now)?;
            let deleted = transaction
                .prepare_cached("DELETE FROM entries WHERE key = ?1")?
                .execute([key])?;
            Ok(deleted > 0)
        })
    }

    /// One page of the keys that start with `prefix`, in byte order, like KV's `list()`: at most
    /// `limit` keys (1 to [`MAX_LIST_PAGE_KEYS`]), starting after `cursor` (from the previous page).
    pub fn list(&self, prefix: &str, cursor: Option<&str>, limit: usize) -> Result<ListPage, LocalKvError> {
        if limit == 0 || limit > MAX_LIST_PAGE_KEYS {
            return Err(LocalKvError::ListLimit { limit });
        }
        let after_key = cursor
            .map(|cursor| {
                cursor::key_after_cursor(cursor, prefix).ok_or_else(|| LocalKvError::BadCursor {
                    cursor: cursor.to_owned(),
                    prefix: prefix.to_owned(),
                })
            })
            .transpose()?;
        // Keys with the prefix sort together from the prefix itself on: scan from there (or from
        // just after the cursor's key) and stop at the first key without it.
        let (query, start) = match &after_key {
            Some(key) => (LIST_AFTER_KEY, key.as_str()),
            None => (LIST_FROM_KEY, prefix),
        };
        let now = self.now();
        let connection = self.connection();
        let mut rows: Vec<(String, Option<String>, Option<i64>)> = Vec::new();
        connection
            .prepare_cached(query)
            .and_then(|mut statement| {
                let mut cursor_rows = statement.query(params![start, sql_seconds(now), limit as i64 + 1])?;
                while let Some(row) = cursor_rows.next()? {
                    let key: String = row.get(0)?;
                    if !key.starts_with(prefix) {
                        break;
                    }
                    rows.push((key, row.get(1)?, row.get(2)?));
                }
                Ok(())
            })
            .map_err(|source| self.storage_error("list", source))?;
        drop(connection);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        let keys = rows
            .into_iter()
            .map(|(name, metadata, expiration)| {
                Ok(KvListEntry {
                    metadata: self.parse_metadata(&name, metadata)?,
                    expiration: expiration.map(|seconds| u64::try_from(seconds).unwrap_or(0)),
                    name,
                })
            })
            .collect::<Result<Vec<_>, LocalKvError>>()?;
        let cursor = match keys.last() {
            Some(last) if has_more => Some(cursor::cursor_after(&last.name)),
            _ => None,
        };
        Ok(ListPage {
            list_complete: cursor.is_none(),
            cursor,
            keys,
        })
    }

    fn now(&self) -> u64 {
        (self.clock)()
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A thread that panicked mid-operation left no transaction open (it rolls back on drop).
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction: it takes the write lock up front (waiting
    /// for other writers), so it never fails half-way because another process wrote in between.
    fn write_transaction<T>(
        &self,
        action: &'static str,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, LocalKvError> {
        let mut connection = self.connection();
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| self.storage_error(action, source))?;
        let result = work(&transaction).map_err(|source| self.storage_error(action, source))?;
        transaction
            .commit()
            .map_err(|source| self.storage_error(action, source))?;
        Ok(result)
    }

    fn storage_error(&self, action: &'static str, cause: rusqlite::Error) -> LocalKvError {
        LocalKvError::Storage {
            action,
            path: self.path.clone(),
            cause,
        }
    }

    fn parse_metadata(&self, key: &str, metadata: Option<String>) -> Result<Option<serde_json::Value>, LocalKvError> {
        metadata
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|cause| LocalKvError::CorruptMetadata {
                path: self.path.clone(),
                key: key.to_owned(),
                cause,
            })
    }
}

const LIST_FROM_KEY: &str = "SELECT key, metadata, expiration FROM entries
    WHERE key >= ?1 AND (expiration IS NULL OR expiration > ?2) ORDER BY key LIMIT ?3";
const LIST_AFTER_KEY: &str = "SELECT key, metadata, expiration FROM entries
    WHERE key > ?1 AND (expiration IS NULL OR expiration > ?2) ORDER BY key LIMIT ?3";

fn system_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since_epoch| since_epoch.as_secs())
}

/// Seconds as SQLite stores them (a signed 64-bit integer); later than year 292 billion is clamped.
fn sql_seconds(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

fn has_expired(expiration: i64, now: u64) -> bool {
    expiration <= sql_seconds(now)
}

fn sweep_expired(transaction: &rusqlite::Transaction<'_>, now: u64) -> rusqlite::Result<()> {
    transaction
        .prepare_cached("DELETE FROM entries WHERE expiration <= ?1")?
        .execute([sql_seconds(now)])?;
    Ok(())
}

/// Switches the file to WAL (a setting stored in the file, so only its first opener changes it).
///
/// The switch needs the file to itself for a moment. While another connection holds it (several
/// processes opening a new store at once: `edgedocs kv put` while `edgedocs serve` starts), SQLite
/// answers "database is locked" at once instead of calling the busy handler, since waiting there
/// could deadlock (<https://sqlite.org/c3ref/busy_handler.html>). So the switch is retried until
/// [`BUSY_TIMEOUT`] has passed; once one connection has made it, the others find the file in WAL.
fn use_write_ahead_log(connection: &Connection) -> rusqlite::Result<()> {
    retry_while_busy(BUSY_TIMEOUT, || {
        let mode: String = connection.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0))?;
        }
        Ok(())
    })?;
    // In WAL mode NORMAL loses at most the last writes on a power cut, never consistency.
    connection.pragma_update(None, "synchronous", "NORMAL")
}

/// The first pause between two attempts of [`retry_while_busy`]; each pause doubles, up to
/// [`LONGEST_RETRY_PAUSE`].
const FIRST_RETRY_PAUSE: Duration = Duration::from_millis(1);
const LONGEST_RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Runs `attempt` until it succeeds, fails with something other than "busy" or "locked", or
/// `deadline` has passed. The pauses grow and are jittered, so that processes that collided once
/// do not collide again in step.
fn retry_while_busy<T>(deadline: Duration, mut attempt: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let started = Instant::now();
    let jitter = RandomState::new();
    let mut pause = FIRST_RETRY_PAUSE;
    let mut attempts: u64 = 0;
    loop {
        match attempt() {
            Err(error) if is_busy(&error) && started.elapsed() < deadline => {
                attempts += 1;
                // Between half and all of `pause`.
                let thousandths = jitter.hash_one(attempts) % 1_000;
                let jittered = pause / 2 + pause * u32::try_from(thousandths).unwrap_or(0) / 2_000;
                std::thread::sleep(jittered.min(deadline.saturating_sub(started.elapsed())));
                pause = (pause * 2).min(LONGEST_RETRY_PAUSE);
            }
            result => return result,
        }
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Creates the table when missing and returns the layout version the file had (0 when new).
fn create_layout(connection: &mut Connection) -> rusqlite::Result<i64> {
    let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = transaction.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found <= LAYOUT_VERSION {
        transaction.execute_batch(CREATE_LAYOUT)?;
        transaction.pragma_update(None, "user_version", LAYOUT_VERSION)?;
    }
    transaction.commit()?;
    Ok(found)
}

/// Creates `.edgedocs/` with a `.gitignore` of `*`, so the preview's state never lands in git.
fn create_local_state_folder(folder: &Path) -> Result<(), LocalKvError> {
    if folder.is_dir() {
        return Ok(());
    }
    let folder_error = |cause| LocalKvError::Folder {
        path: folder.to_path_buf(),
        cause,
    };
    std::fs::create_dir_all(folder).map_err(folder_error)?;
    std::fs::write(
        folder.join(".gitignore"),
        "# The preview's local state (edgedocs serve, edgedocs kv): never committed.\n*\n",
    )
    .map_err(folder_error)
}

#[cfg(test)]
mod tests;
