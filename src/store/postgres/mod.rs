//! The Postgres backend: many processes, one database.
//!
//! Concurrency is the database's: every call is one statement or one transaction, claims use
//! `FOR UPDATE SKIP LOCKED` with leases (no application lock), and migrations run at connect
//! under a transaction-scoped advisory lock, so that processes starting together migrate once.
//! Queries are built at run time (no compile-time checked macros, no database at build time).

mod accounts;
mod budgets;
mod jobs;
mod migrate;
mod states;
mod tokens;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::Postgres;

use super::error::{StoreError, StoreResult};

/// A pooled connection idle at least this long is pinged before use.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// Pool and schema settings of a [`PostgresStore`]. `Default` suits a service process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresOptions {
    /// Most connections the pool opens (default 10). Every process has its own pool, so the
    /// server's `max_connections` bounds the sum over processes.
    pub max_connections: u32,
    /// Connections kept open when idle (default 0).
    pub min_connections: u32,
    /// How long a call waits for a free connection before failing (default 30 s).
    pub acquire_timeout: Duration,
    /// Idle connections above `min_connections` are closed after this (default 10 minutes).
    pub idle_timeout: Option<Duration>,
    /// The schema the tables live in, created if missing (default: the server's `search_path`,
    /// normally `public`). Letters, digits and `_`, at most 63 bytes, not starting with a digit.
    pub schema: Option<String>,
    /// Whose clock times job leases (default [`LeaseClock::Database`]).
    pub lease_clock: LeaseClock,
}

/// Whose clock decides when a job lease starts and lapses, and when a scheduled job is due.
///
/// Many hosts share one database, and their clocks drift apart: timed by each host's clock, a
/// host whose clock runs ahead would see a live lease as lapsed and take the job over while its
/// holder still works on it. With the database's clock (`now()`) every host agrees; the only
/// assumption left is that a holder notices a lost lease within the lease's duration by its
/// own (monotonic) timer, which the publisher and workers do by renewing every third of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeaseClock {
    /// The database server's `now()`; the `now` the caller passes is ignored. The default.
    #[default]
    Database,
    /// The `now` each caller passes (its host's clock): for tests that play with time, or a
    /// single host.
    Caller,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(30),
            idle_timeout: Some(Duration::from_secs(600)),
            schema: None,
            lease_clock: LeaseClock::Database,
        }
    }
}

impl PostgresOptions {
    /// Sets [`PostgresOptions::max_connections`].
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n;
        self
    }

    /// Sets [`PostgresOptions::acquire_timeout`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Sets [`PostgresOptions::lease_clock`].
    pub fn lease_clock(mut self, clock: LeaseClock) -> Self {
        self.lease_clock = clock;
        self
    }

    /// Sets [`PostgresOptions::schema`].
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    fn validate(&self) -> StoreResult<()> {
        if self.max_connections == 0 {
            return Err(StoreError::invalid("max_connections", "must be at least 1"));
        }
        if self.min_connections > self.max_connections {
            return Err(StoreError::invalid(
                "min_connections",
                format!("must not exceed max_connections ({})", self.max_connections),
            ));
        }
        if let Some(schema) = &self.schema {
            validate_schema(schema)?;
        }
        Ok(())
    }
}

/// Schema names go into `search_path` and a `CREATE SCHEMA` statement, so only plain
/// identifiers are accepted.
fn validate_schema(schema: &str) -> StoreResult<()> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "schema",
            "must be 1 to 63 ASCII letters, digits or '_', not starting with a digit",
        ))
    }
}

/// The Postgres backend: one database shared by any number of processes. Clones share one
/// connection pool.
///
/// ```no_run
/// # async fn demo() -> instagraph::store::StoreResult<()> {
/// use std::sync::Arc;
/// use instagraph::store::{PostgresOptions, PostgresStore, Sealer, SealingKey, Store};
///
/// // The simple way: a default pool, the tables in the server's default schema.
/// let key = SealingKey::from_base64(&std::env::var("INSTAGRAPH_SEALING_KEY").unwrap_or_default())?;
/// let store = Store::postgres("postgres://agency:pw@db/agency", key).await?;
/// # let _ = store;
/// // Or a sized pool, a schema of its own, and the keys from the environment (current and
/// // previous, see `Sealer::from_env`). Hand the store to `AccountManager`, `Publisher` and
/// // the workers as any other.
/// let backend = PostgresStore::connect_with(
///     "postgres://agency:pw@db/agency",
///     PostgresOptions::default().max_connections(20).schema("instagraph"),
/// )
/// .await?;
/// let store = Store::with_sealer(Arc::new(backend), Sealer::from_env()?);
/// # let _ = store; Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    schema: Option<String>,
    lease_clock: LeaseClock,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database?…`) with default
    /// [`PostgresOptions`] and applies pending migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, PostgresOptions::default()).await
    }

    /// Connects with explicit pool and schema options and applies pending migrations.
    pub async fn connect_with(url: &str, options: PostgresOptions) -> StoreResult<Self> {
        options.validate()?;
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::invalid(
                "url",
                "must start with postgres:// or postgresql://",
            ));
        }
        // The URL may carry a password: the error names the problem, never the URL.
        let mut connect = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::invalid(
                "url",
                format!("not a valid postgres:// URL ({})", redact_url_error(&e)),
            )
        })?;
        if let Some(schema) = &options.schema {
            connect = connect.options([("search_path", schema.as_str())]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .min_connections(options.min_connections)
            .acquire_timeout(options.acquire_timeout)
            .idle_timeout(options.idle_timeout)
            // sqlx pings every connection it hands out by default: one more round trip per
            // call. Only a connection idle for a while is checked (a restarted server or a
            // dropping proxy shows there); a dead one is discarded and another used.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IF_IDLE_FOR {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(connect)
            .await
            .map_err(backend)?;
        migrate::run(&pool, options.schema.as_deref()).await?;
        Ok(Self {
            pool,
            schema: options.schema,
            lease_clock: options.lease_clock,
        })
    }

    /// The schema given in [`PostgresOptions::schema`], if any.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// Closes every connection. Later calls on this store or its clones fail with
    /// [`StoreError::Backend`].
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The schema versions recorded as applied, in order.
    pub async fn applied_migrations(&self) -> StoreResult<Vec<(i64, String)>> {
        migrate::applied(&self.pool).await
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("connections", &self.pool.size())
            .field("closed", &self.pool.is_closed())
            .finish()
    }
}

/// A URL parse error, without echoing the URL (which may hold a password).
fn redact_url_error(e: &sqlx::Error) -> &'static str {
    match e {
        sqlx::Error::Configuration(_) => "configuration",
        _ => "unparsable",
    }
}

/// Maps a driver error. Postgres' primary messages name constraints, tables and columns; the
/// `DETAIL` that would echo key values is not part of the text. Token columns hold only sealed
/// text anyway.
pub(crate) fn backend(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_owned())
        }
        sqlx::Error::Database(db) => StoreError::Backend(format!(
            "postgres {}: {}",
            db.code().as_deref().unwrap_or("?"),
            db.message()
        )),
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Parses an enum column.
pub(crate) fn parse_enum<T: FromStr>(s: &str) -> StoreResult<T> {
    s.parse()
        .map_err(|_| StoreError::Backend(format!("unexpected enum value in row: {s:?}")))
}

/// Reads a column, mapping driver errors.
pub(crate) fn col<'r, T>(row: &'r PgRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    use sqlx::Row;
    row.try_get(name).map_err(backend)
}

/// Reads a `bigint` column that holds a `u32` count, saturating a corrupt value.
pub(crate) fn col_u32(row: &PgRow, name: &str) -> StoreResult<u32> {
    let v: i64 = col(row, name)?;
    Ok(u32::try_from(v.max(0)).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_checked_before_connecting() {
        assert!(validate_schema("tenant_42").is_ok());
        for bad in ["", "9lives", "a-b", "a b", "x\"; DROP", &"s".repeat(64)] {
            assert!(
                matches!(
                    validate_schema(bad),
                    Err(StoreError::InvalidInput {
                        field: "schema",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        let zero = PostgresOptions::default().max_connections(0);
        assert!(matches!(
            zero.validate(),
            Err(StoreError::InvalidInput {
                field: "max_connections",
                ..
            })
        ));
    }

    #[tokio::test]
    async fn a_bad_url_is_invalid_input_without_the_password() {
        let err = PostgresStore::connect("mysql://user:hunter2@host/db")
            .await
            .expect_err("not postgres");
        let text = err.to_string();
        assert!(
            matches!(err, StoreError::InvalidInput { field: "url", .. }),
            "{err:?}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }

    // Futures a caller may hand to `tokio::spawn` must be `Send` for every lifetime.
    fn assert_send<T: Send>(_: T) {}

    #[allow(dead_code)]
    fn futures_are_send(store: &PostgresStore) {
        assert_send(PostgresStore::connect("postgres://x"));
        assert_send(store.close());
        assert_send(store.applied_migrations());
    }
}
