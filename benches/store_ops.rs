//! Store operations per second on SQLite (always) and Postgres (when
//! `INSTAGRAPH_TEST_POSTGRES_URL` is set), through the public `StoreBackend` traits:
//!
//! - `upsert_1000_accounts`: one `upsert_accounts` call with 1,000 accounts new to their company
//!   (a fresh company per iteration); throughput in accounts per second.
//! - `query_page_filtered`: one `query_accounts` over a company of 1,000 accounts: added only,
//!   search "user_1" (55 added matches), sorted by username descending, first page of 50 and
//!   the total; throughput in queries per second.
//! - `claim_10_jobs`: one `claim_due_jobs` of 10 from a table of 1,000 due jobs. The lease is
//!   zero, so every claimed job is due again at the next call: the table stays in a steady state
//!   instead of filling with leased rows; throughput in jobs claimed per second.
//!
//! Run with `cargo bench --bench store_ops` (criterion prints `thrpt:` per operation). SQLite
//! runs twice, on a file in a temporary directory (WAL): `sqlite` with the store's default
//! `synchronous = FULL` (every commit on disk before it returns, so that a publish job's status
//! survives a power cut) and `sqlite-normal` with `synchronous = NORMAL`, side by side, which is
//! what `FULL` costs. Postgres uses a fresh schema, dropped at the end.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use instagraph::store::{
    AccountQuery, AccountSort, AccountSortField, AccountSource, Durability, JobRecord, NewAccount,
    SqliteStore, StoreBackend,
};
use instagraph::{CompanyId, IgUserId};

const ACCOUNTS: usize = 1_000;
const JOBS: usize = 1_000;

fn accounts(prefix: &str) -> Vec<NewAccount> {
    (0..ACCOUNTS)
        .map(|i| {
            let mut a = NewAccount::new(
                IgUserId::new(format!("{prefix}{i:06}")),
                AccountSource::PageLinked,
            );
            a.username = Some(format!("user_{i}"));
            a.name = Some(format!("Name {i}"));
            a.followers_count = Some(i as i64 * 7 % 1000);
            a.account_type = Some("BUSINESS".into());
            a
        })
        .collect()
}

/// A backend with a company of 1,000 accounts (every other one added) and 1,000 due jobs.
async fn seed(b: &dyn StoreBackend) {
    let company = CompanyId::new("bench-query");
    b.upsert_accounts(&company, accounts("q"))
        .await
        .expect("seed accounts");
    let added: Vec<IgUserId> = (0..ACCOUNTS)
        .step_by(2)
        .map(|i| IgUserId::new(format!("q{i:06}")))
        .collect();
    b.set_added(&company, &added, true).await.expect("add");
    let due = Utc::now() - chrono::Duration::minutes(1);
    for i in 0..JOBS {
        let job = JobRecord::new(
            CompanyId::new(format!("bench-jobs-{}", i % 4)),
            IgUserId::new("1784"),
            format!("key-{i}"),
            serde_json::json!({"kind": "image", "image_url": "https://cdn.example/a.jpg"}),
        )
        .scheduled(due);
        b.insert_job(job).await.expect("seed job");
    }
}

fn bench_backend(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    name: &str,
    b: Arc<dyn StoreBackend>,
) {
    rt.block_on(seed(b.as_ref()));
    let mut group = c.benchmark_group("store_ops");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));

    let next = Arc::new(AtomicU64::new(0));
    group.throughput(Throughput::Elements(ACCOUNTS as u64));
    group.bench_function(BenchmarkId::new("upsert_1000_accounts", name), |bench| {
        bench.to_async(rt).iter_batched(
            || {
                let n = next.fetch_add(1, Ordering::Relaxed);
                (CompanyId::new(format!("bench-upsert-{n}")), accounts("u"))
            },
            |(company, batch)| {
                let b = b.clone();
                async move {
                    let out = b.upsert_accounts(&company, batch).await.expect("upsert");
                    assert_eq!(out.inserted, ACCOUNTS as u64);
                }
            },
            criterion::BatchSize::SmallInput,
        )
    });

    let query = AccountQuery {
        is_added: Some(true),
        sort: AccountSort {
            field: AccountSortField::Username,
            descending: true,
        },
        offset: 0,
        limit: 50,
        ..AccountQuery::new().search("user_1")
    };
    let company = CompanyId::new("bench-query");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new("query_page_filtered", name), |bench| {
        bench.to_async(rt).iter(|| {
            let (b, query, company) = (b.clone(), query.clone(), company.clone());
            async move {
                let page = b.query_accounts(&company, &query).await.expect("query");
                assert_eq!((page.items.len(), page.total), (50, 55));
            }
        })
    });

    group.throughput(Throughput::Elements(10));
    group.bench_function(BenchmarkId::new("claim_10_jobs", name), |bench| {
        bench.to_async(rt).iter(|| {
            let b = b.clone();
            async move {
                let got = b
                    .claim_due_jobs("bench-worker", Utc::now(), Duration::ZERO, 10)
                    .await
                    .expect("claim");
                assert_eq!(got.len(), 10);
            }
        })
    });
    group.finish();
}

fn store_ops(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    let dir = tempfile::tempdir().expect("tempdir");
    for (name, durability) in [
        ("sqlite", Durability::Full),
        ("sqlite-normal", Durability::Normal),
    ] {
        let sqlite = rt
            .block_on(SqliteStore::open_with(
                dir.path().join(format!("{name}.db")),
                durability,
            ))
            .expect("open sqlite");
        bench_backend(c, &rt, name, Arc::new(sqlite.clone()));
        rt.block_on(sqlite.close());
    }

    match std::env::var("INSTAGRAPH_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("bench_{}", uuid::Uuid::new_v4().simple());
            let pg = rt
                .block_on(instagraph::store::PostgresStore::connect_with(
                    &url,
                    instagraph::store::PostgresOptions::default().schema(schema.clone()),
                ))
                .expect("connect postgres");
            bench_backend(c, &rt, "postgres", Arc::new(pg.clone()));
            rt.block_on(async {
                pg.close().await;
                if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                    let sql = format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                    let _ = sqlx::Executor::execute(&pool, sqlx::raw_sql(&sql)).await;
                    pool.close().await;
                }
            });
        }
        _ => eprintln!("store_ops: INSTAGRAPH_TEST_POSTGRES_URL is not set; Postgres skipped"),
    }
}

criterion_group!(benches, store_ops);
criterion_main!(benches);
