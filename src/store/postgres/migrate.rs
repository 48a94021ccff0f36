//! Versioned SQL migrations, embedded from `migrations/postgres/` (beside `migrations/sqlite/`)
//! and applied in order in one transaction that first takes an advisory lock, so that any
//! number of processes connecting to a fresh database at once apply them exactly once. DDL is
//! transactional in Postgres: a failed migration leaves nothing behind.

use sqlx::PgPool;

use super::{backend, col};
use crate::store::error::{StoreError, StoreResult};

/// One migration: its version, its name and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Strictly increasing version, the number in the file name.
    pub version: i64,
    /// The rest of the file name.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Every Postgres migration, in order. Append new files here; never edit an applied one.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "job_versions",
        sql: include_str!("../../../migrations/postgres/0002_job_versions.sql"),
    },
    Migration {
        version: 3,
        name: "oauth_states_company",
        sql: include_str!("../../../migrations/postgres/0003_oauth_states_company.sql"),
    },
    Migration {
        version: 4,
        name: "budgets",
        sql: include_str!("../../../migrations/postgres/0004_budgets.sql"),
    },
];

/// The first key of the advisory lock: "instagraph migrations" among the application's locks.
const LOCK_NAMESPACE: i32 = 0x1647_0001;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS instagraph_migrations (
    version    bigint      NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

/// Brings the schema up to date, creating `schema` first when given. Refuses a database that a
/// newer build migrated further, or one whose recorded migration names differ from this build's.
pub(crate) async fn run(pool: &PgPool, schema: Option<&str>) -> StoreResult<()> {
    let mut tx = pool.begin().await.map_err(migration)?;
    // The second key is the target schema, so that stores in different schemas of one database
    // do not wait for each other. Released at commit or rollback.
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(COALESCE($2, current_schema(), '')))")
        .bind(LOCK_NAMESPACE)
        .bind(schema)
        .execute(&mut *tx)
        .await
        .map_err(migration)?;
    if let Some(schema) = schema {
        // `schema` is a validated plain identifier (see `validate_schema`).
        let sql = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
        sqlx::Executor::execute(&mut *tx, sqlx::raw_sql(&sql))
            .await
            .map_err(migration)?;
    }
    sqlx::Executor::execute(&mut *tx, sqlx::raw_sql(CREATE_TABLE))
        .await
        .map_err(migration)?;
    let rows = sqlx::query("SELECT version, name FROM instagraph_migrations ORDER BY version")
        .fetch_all(&mut *tx)
        .await
        .map_err(migration)?;
    let mut applied = Vec::with_capacity(rows.len());
    for row in &rows {
        applied.push((col::<i64>(row, "version")?, col::<String>(row, "name")?));
    }
    for (version, name) in &applied {
        match MIGRATIONS.iter().find(|m| m.version == *version) {
            Some(m) if m.name == name => {}
            Some(m) => {
                return Err(StoreError::Migration(format!(
                    "migration {version} is recorded as {name:?} but this build calls it {:?}",
                    m.name
                )))
            }
            None => {
                return Err(StoreError::Migration(format!(
                    "database has migration {version} ({name}), unknown to this build; \
                     it was written by a newer version"
                )))
            }
        }
    }
    for m in MIGRATIONS {
        if applied.iter().any(|(v, _)| *v == m.version) {
            continue;
        }
        // Through `Executor::execute` (a boxed `Send` future) rather than `RawSql::execute`,
        // whose future is not `Send` for every lifetime and would make `connect` unspawnable.
        sqlx::Executor::execute(&mut *tx, sqlx::raw_sql(m.sql))
            .await
            .map_err(|e| StoreError::Migration(format!("{:04}_{}: {e}", m.version, m.name)))?;
        sqlx::query("INSERT INTO instagraph_migrations (version, name) VALUES ($1, $2)")
            .bind(m.version)
            .bind(m.name)
            .execute(&mut *tx)
            .await
            .map_err(migration)?;
    }
    tx.commit().await.map_err(migration)?;
    Ok(())
}

/// The recorded migrations.
pub(crate) async fn applied(pool: &PgPool) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query("SELECT version, name FROM instagraph_migrations ORDER BY version")
        .fetch_all(pool)
        .await
        .map_err(backend)?;
    rows.iter()
        .map(|r| Ok((col::<i64>(r, "version")?, col::<String>(r, "name")?)))
        .collect()
}

fn migration(e: sqlx::Error) -> StoreError {
    StoreError::Migration(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    #[test]
    fn versions_start_at_one_and_increase_by_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            assert!(!m.sql.trim().is_empty(), "{}", m.name);
        }
    }
}
