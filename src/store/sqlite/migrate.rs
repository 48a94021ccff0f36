//! Versioned SQL migrations, embedded from `migrations/sqlite/` and applied in order inside one
//! `BEGIN IMMEDIATE` transaction, so concurrent openers of a fresh file cannot both apply them.

use chrono::Utc;
use sqlx::SqlitePool;

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

/// Every SQLite migration, in order. Append new files here; never edit an applied one.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../../../migrations/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "jobs_claimable",
        sql: include_str!("../../../migrations/sqlite/0002_jobs_claimable.sql"),
    },
    Migration {
        version: 3,
        name: "job_versions",
        sql: include_str!("../../../migrations/sqlite/0003_job_versions.sql"),
    },
    Migration {
        version: 4,
        name: "oauth_states_company",
        sql: include_str!("../../../migrations/sqlite/0004_oauth_states_company.sql"),
    },
    Migration {
        version: 5,
        name: "budgets",
        sql: include_str!("../../../migrations/sqlite/0005_budgets.sql"),
    },
];

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS instagraph_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
)";

/// Brings the schema up to date. Refuses a database that a newer build migrated further, or one
/// whose recorded migration names differ from this build's.
pub(crate) async fn run(pool: &SqlitePool) -> StoreResult<()> {
    let mut tx = pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(migration)?;
    sqlx::query(CREATE_TABLE)
        .execute(&mut *tx)
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
        // whose future is not `Send` for every lifetime and would make `open` unspawnable.
        sqlx::Executor::execute(&mut *tx, sqlx::raw_sql(m.sql))
            .await
            .map_err(|e| StoreError::Migration(format!("{:04}_{}: {e}", m.version, m.name)))?;
        sqlx::query(
            "INSERT INTO instagraph_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(Utc::now().timestamp_micros())
        .execute(&mut *tx)
        .await
        .map_err(migration)?;
    }
    tx.commit().await.map_err(migration)?;
    Ok(())
}

/// The recorded migrations.
pub(crate) async fn applied(pool: &SqlitePool) -> StoreResult<Vec<(i64, String)>> {
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
