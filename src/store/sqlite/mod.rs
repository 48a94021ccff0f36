//! The SQLite backend: one file, WAL mode, versioned SQL migrations.
//!
//! Concurrency: WAL lets readers run beside the one writer. Every multi-statement write runs in
//! a `BEGIN IMMEDIATE` transaction, which takes the write lock up front; a deferred transaction
//! that reads first and then upgrades can fail with `SQLITE_BUSY` no matter the busy timeout,
//! while `BEGIN IMMEDIATE` simply waits for the lock (up to [`BUSY_TIMEOUT`]). Single-statement
//! writes (`… RETURNING`) are atomic on their own.
//!
//! Durability: [`Durability::Full`] by default (`synchronous=FULL`), because a publish job's
//! `Publishing` status lost to a power cut would publish the post a second time on resume.

mod accounts;
mod budgets;
mod jobs;
mod migrate;
mod states;
mod tokens;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Sqlite;

use super::error::{StoreError, StoreResult};

/// How long a writer waits for the lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections in a file-backed pool: readers run in parallel under WAL, writers queue.
const MAX_CONNECTIONS: u32 = 8;

/// How hard SQLite works to keep the last commits through a power loss or an OS crash (a crash
/// of the process alone loses nothing in either mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: every commit is on disk before it returns. The default, and the only
    /// safe mode for publish jobs: the status written before `media_publish` must survive.
    #[default]
    Full,
    /// `synchronous=NORMAL`: faster commits, but a power loss can undo the last ones, and an
    /// undone `Publishing` status means a second post on resume. For stores without jobs, or
    /// for measuring what `Full` costs (the store bench).
    Normal,
}

/// The embedded SQLite backend. Clones share one connection pool.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: Option<PathBuf>,
}

impl SqliteStore {
    /// Opens (creating it and its parent directories if missing) the database file at `path`,
    /// switches it to WAL mode with [`Durability::Full`] and applies pending migrations. Several
    /// processes may open the same file at once: each waits for the others' locks (up to 30 s)
    /// and the migrations run once.
    pub async fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        Self::open_with(path, Durability::Full).await
    }

    /// [`SqliteStore::open`] with a chosen [`Durability`].
    pub async fn open_with(path: impl AsRef<Path>, durability: Durability) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Blocking, but once per open and only a few syscalls; not worth a runtime feature.
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Backend(format!("create {}: {e}", parent.display())))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .synchronous(match durability {
                Durability::Full => SqliteSynchronous::Full,
                Durability::Normal => SqliteSynchronous::Normal,
            })
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        switch_to_wal(&options).await?;
        // WAL is a property of the file from here on, so the pool's connections leave the
        // journal mode alone: setting it takes a lock that the busy timeout does not wait for.
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(BUSY_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(backend)?;
        let store = Self {
            pool,
            path: Some(path),
        };
        migrate::run(&store.pool).await?;
        Ok(store)
    }

    /// A private in-memory database, gone when the store (and its clones) are dropped. It runs on
    /// a single connection, because each SQLite connection to `:memory:` is its own database.
    pub async fn in_memory() -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .in_memory(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(BUSY_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(backend)?;
        let store = Self { pool, path: None };
        migrate::run(&store.pool).await?;
        Ok(store)
    }

    /// The database file, or `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Closes every connection (checkpointing the WAL into the main file). Later calls on this
    /// store or its clones fail with [`StoreError::Backend`].
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The schema versions recorded as applied, in order.
    pub async fn applied_migrations(&self) -> StoreResult<Vec<(i64, String)>> {
        migrate::applied(&self.pool).await
    }

    pub(crate) async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(backend)
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("closed", &self.pool.is_closed())
            .finish()
    }
}

/// Puts the file in WAL mode on one connection of its own. `PRAGMA journal_mode` needs an
/// exclusive lock that SQLite's busy handler does not wait for, so several processes (or tasks)
/// opening a fresh file at once get `SQLITE_BUSY` at once; this waits and retries instead, with a
/// growing, jittered pause, for at most [`BUSY_TIMEOUT`].
async fn switch_to_wal(options: &SqliteConnectOptions) -> StoreResult<()> {
    use sqlx::{ConnectOptions, Connection};
    let options = options.clone().journal_mode(SqliteJournalMode::Wal);
    let deadline = tokio::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        match options.connect().await {
            Ok(conn) => return conn.close().await.map_err(backend),
            Err(e) if is_busy(&e) && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(pause + jitter(pause)).await;
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(e) => return Err(backend(e)),
        }
    }
}

/// `SQLITE_BUSY` or `SQLITE_LOCKED`, extended codes included.
fn is_busy(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = e else {
        return false;
    };
    db.code()
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6))
}

/// Up to `pause` more, so that openers that collided do not retry in step.
fn jitter(pause: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Duration::from_nanos(u64::from(nanos) % pause.as_nanos().max(1) as u64)
}

/// Maps a driver error. SQLite messages name tables and columns, never bound values, so no
/// token material can end up in the text (and token columns hold only sealed text anyway).
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_owned())
        }
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Encodes a list column.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(format!("encode: {e}")))
}

/// Decodes a list or JSON column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Backend(format!("decode: {e}")))
}

/// Parses an enum column.
pub(crate) fn parse_enum<T: std::str::FromStr>(s: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::Backend(format!("unexpected enum value in row: {s:?}")))
}

/// Reads a column, mapping driver errors.
pub(crate) fn col<'r, T>(row: &'r sqlx::sqlite::SqliteRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    use sqlx::Row;
    row.try_get(name).map_err(backend)
}

/// Reads an optional time column.
pub(crate) fn opt_time(
    row: &sqlx::sqlite::SqliteRow,
    name: &str,
) -> StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
    col::<Option<i64>>(row, name)?
        .map(super::util::from_micros)
        .transpose()
}

/// Reads a required time column.
pub(crate) fn time(
    row: &sqlx::sqlite::SqliteRow,
    name: &str,
) -> StoreResult<chrono::DateTime<chrono::Utc>> {
    super::util::from_micros(col::<i64>(row, name)?)
}

/// Ids per statement when a call takes a list: well under SQLite's bound-parameter limit.
pub(crate) const ID_CHUNK: usize = 400;

/// `?, ?, …` with `n` placeholders, numbered from `first`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod send_check {
    // Futures a caller may hand to `tokio::spawn` must be `Send` for every lifetime; sqlx has
    // APIs whose futures are not, and the compiler only says so at the spawn site.
    fn assert_send<T: Send>(_: T) {}

    #[allow(dead_code)]
    fn futures_are_send(pool: &super::SqlitePool) {
        assert_send(super::migrate::run(pool));
        assert_send(super::SqliteStore::open("x"));
        assert_send(super::SqliteStore::in_memory());
        assert_send(crate::store::Store::sqlite(
            "x",
            crate::store::SealingKey::generate(),
        ));
    }

    #[allow(dead_code)]
    fn methods_are_send(store: &super::SqliteStore) {
        assert_send(store.close());
        assert_send(store.applied_migrations());
        assert_send(store.begin_write());
    }
}
