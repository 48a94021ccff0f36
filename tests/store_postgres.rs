//! Postgres-only behaviour: persistence across reconnects, migrations under concurrency, claims
//! from many pools, nothing secret in the tables, and key rotation (also on SQLite, which needs
//! no server).
//!
//! Tests that need the server are ignored (not passed) unless `INSTAGRAPH_TEST_POSTGRES_URL` is
//! set; `.ci/run` starts a server and sets it.

#![cfg(feature = "postgres")]

#[path = "pg_support/mod.rs"]
mod pg_support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use instagraph::store::{
    AccountQuery, AccountSource, JobRecord, JobStatus, JobStore, LoginKind, NewAccount, NewToken,
    OAuthStateRecord, PostgresOptions, PostgresStore, Sealer, SealingKey, Store, StoreBackend,
    StoreError, TokenKind,
};
use instagraph::{AccessToken, CompanyId, IgUserId, JobId};

use pg_support::{fresh_schema, fresh_store, url, SchemaGuard};

fn token(subject: &str, secret: &str) -> NewToken {
    NewToken {
        kind: TokenKind::User,
        login: LoginKind::Facebook,
        subject_id: subject.into(),
        token: AccessToken::new(secret),
        scopes: vec!["instagram_basic".into()],
        expires_at: Some(Utc::now() + chrono::Duration::days(60)),
        issued_at: Utc::now(),
    }
}

fn options(schema: &str) -> PostgresOptions {
    PostgresOptions::default().schema(schema).max_connections(4)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn data_survives_closing_and_reconnecting() {
    let (store, guard) = fresh_store("reopen").await;
    let key = SealingKey::from_bytes([42; 32]);
    let acme = CompanyId::new("acme");
    let facade = Store::new(Arc::new(store.clone()), key.clone());
    let token_id = facade
        .save_token(&acme, token("fb-1", "EAAGpersistedSecret"))
        .await
        .expect("save token");
    let mut account = NewAccount::new(IgUserId::new("1784"), AccountSource::BusinessOwned);
    account.username = Some("Persisted".into());
    let b = facade.backend();
    b.upsert_accounts(&acme, vec![account])
        .await
        .expect("upsert");
    b.set_added(&acme, &[IgUserId::new("1784")], true)
        .await
        .expect("add");
    let state = OAuthStateRecord {
        state: "st-1".into(),
        company: acme.clone(),
        login: LoginKind::Facebook,
        redirect_uri: "https://app.example/cb".into(),
        scopes: vec!["pages_show_list".into()],
        client_id: None,
        created_at: Utc::now(),
        expires_at: Utc::now() + chrono::Duration::minutes(30),
    };
    b.put_state(state.clone()).await.expect("put state");
    let job = JobRecord::new(
        acme.clone(),
        IgUserId::new("1784"),
        "post-1",
        serde_json::json!({"caption": "héllo", "n": 1.5, "tags": ["a", "b"]}),
    )
    .scheduled(Utc::now() + chrono::Duration::hours(1));
    let job = b.insert_job(job).await.expect("insert job").into_record();
    store.close().await;
    assert!(
        matches!(
            b.get_account(&acme, &IgUserId::new("1784")).await,
            Err(StoreError::Backend(_))
        ),
        "a closed pool fails calls"
    );
    drop(facade);

    let again = PostgresStore::connect_with(&guard.url, options(&guard.schema))
        .await
        .expect("reconnect");
    let facade = Store::new(Arc::new(again), key);
    let (record, secret) = facade
        .load_token(&acme, &token_id)
        .await
        .expect("load")
        .expect("token survived");
    assert_eq!(secret.expose(), "EAAGpersistedSecret");
    assert_eq!(record.subject_id, "fb-1");
    let b = facade.backend();
    let acc = b
        .get_account(&acme, &IgUserId::new("1784"))
        .await
        .expect("get")
        .expect("account survived");
    assert!(acc.is_added);
    assert_eq!(
        b.query_accounts(&acme, &AccountQuery::new().search("PERSIST"))
            .await
            .expect("query")
            .total,
        1
    );
    let got_state = b.take_state("st-1").await.expect("take").expect("state");
    assert_eq!(
        got_state.expires_at,
        instagraph::store::truncate_time(state.expires_at)
    );
    let got_job = b
        .find_job_by_key(&acme, "post-1")
        .await
        .expect("find")
        .expect("job survived");
    assert_eq!(
        got_job,
        job.clone(),
        "every field, times to the microsecond"
    );
    assert_eq!(got_job.status, JobStatus::Scheduled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn concurrent_connects_to_a_fresh_schema_migrate_once() {
    let url = url();
    let schema = fresh_schema("migrate");
    let _guard = SchemaGuard {
        url: url.clone(),
        schema: schema.clone(),
    };
    // Eight pools (as eight processes would) connect at once to a schema that does not exist.
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (url, schema) = (url.clone(), schema.clone());
            tokio::spawn(async move { PostgresStore::connect_with(&url, options(&schema)).await })
        })
        .collect();
    let mut stores = Vec::new();
    for t in tasks {
        stores.push(t.await.expect("task").expect("connect and migrate"));
    }
    for s in &stores {
        assert_eq!(
            s.applied_migrations().await.expect("applied"),
            [
                (1, "init".to_owned()),
                (2, "job_versions".to_owned()),
                (3, "oauth_states_company".to_owned()),
                (4, "budgets".to_owned())
            ],
            "recorded once"
        );
    }
    // Reconnecting applies nothing new and keeps working.
    let again = PostgresStore::connect_with(&url, options(&schema))
        .await
        .expect("reconnect");
    assert_eq!(
        again.applied_migrations().await.expect("applied"),
        [
            (1, "init".to_owned()),
            (2, "job_versions".to_owned()),
            (3, "oauth_states_company".to_owned()),
            (4, "budgets".to_owned())
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn a_database_from_a_newer_build_is_refused() {
    let (store, guard) = fresh_store("newer").await;
    let pool = sqlx::PgPool::connect(&guard.url).await.expect("admin pool");
    let sql = format!(
        "INSERT INTO \"{}\".instagraph_migrations (version, name) VALUES (999, 'future')",
        guard.schema
    );
    sqlx::Executor::execute(&pool, sqlx::raw_sql(&sql))
        .await
        .expect("record a future migration");
    pool.close().await;
    store.close().await;
    let err = PostgresStore::connect_with(&guard.url, options(&guard.schema))
        .await
        .expect_err("newer schema");
    assert!(
        matches!(&err, StoreError::Migration(m) if m.contains("999")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_urls_and_options_fail_before_connecting() {
    for (url, field) in [
        ("mysql://u:pw@localhost/db", "url"),
        ("sqlite:", "url"),
        ("nonsense", "url"),
    ] {
        let err = Store::open_url(url, Sealer::new(SealingKey::generate()))
            .await
            .expect_err(url);
        assert!(
            matches!(err, StoreError::InvalidInput { field: f, .. } if f == field),
            "{url}: {err:?}"
        );
    }
    let err = PostgresStore::connect_with(
        "postgres://u:hunter2@127.0.0.1:1/db",
        PostgresOptions::default().schema("bad-name"),
    )
    .await
    .expect_err("schema");
    assert!(
        matches!(
            err,
            StoreError::InvalidInput {
                field: "schema",
                ..
            }
        ),
        "{err:?}"
    );
    // Nothing listens on port 1: a backend error that does not repeat the password.
    let err = PostgresStore::connect_with(
        "postgres://u:hunter2@127.0.0.1:1/db",
        PostgresOptions::default().acquire_timeout(Duration::from_secs(1)),
    )
    .await
    .expect_err("no server");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

/// Leases are timed by the database's clock: a host whose clock runs ten minutes ahead (or one
/// far behind) neither takes a live lease nor gives itself a lease that outlives the others'
/// view of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn leases_follow_the_database_clock_not_the_hosts() {
    let (store, _guard) = fresh_store("clock").await;
    let acme = CompanyId::new("acme");
    let due = Utc::now() - chrono::Duration::minutes(1);
    for key in ["a", "b"] {
        let job = JobRecord::new(
            acme.clone(),
            IgUserId::new("1784"),
            key,
            serde_json::json!({}),
        )
        .scheduled(due);
        store.insert_job(job).await.expect("insert");
    }
    let lease = Duration::from_secs(60);
    // A host whose clock is a year behind still claims due jobs: "now" is the database's.
    let behind = Utc::now() - chrono::Duration::days(365);
    let claimed = store
        .claim_due_jobs("slow-host", behind, lease, 1)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1);
    let held = &claimed[0];
    let until = held.lease_expires_at.expect("leased");
    let from_now = until - Utc::now();
    assert!(
        from_now > chrono::Duration::seconds(50) && from_now <= chrono::Duration::seconds(61),
        "the lease ends a minute after the database's now, not the caller's: {until}"
    );
    // A host ten minutes ahead sees the lease as live all the same.
    let ahead = Utc::now() + chrono::Duration::minutes(10);
    let second = store
        .claim_due_jobs("fast-host", ahead, lease, 10)
        .await
        .expect("claim");
    assert_eq!(second.len(), 1, "only the other job");
    assert_ne!(second[0].id, held.id, "the live lease is not taken");
    assert!(store
        .acquire_job(&acme, &held.id, "fast-host", ahead, lease)
        .await
        .expect("acquire")
        .is_none());
    // Renewals are timed by the database too.
    let renewed = store
        .renew_lease(held, behind, Duration::from_secs(120))
        .await
        .expect("renew")
        .expect("still held");
    assert!(renewed - Utc::now() > chrono::Duration::seconds(110));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn eight_pools_claim_every_job_exactly_once() {
    let (store, guard) = fresh_store("claims").await;
    let companies = [CompanyId::new("acme"), CompanyId::new("globex")];
    let due = Utc::now() - chrono::Duration::minutes(1);
    for i in 0..200 {
        let job = JobRecord::new(
            companies[i % 2].clone(),
            IgUserId::new("1784"),
            format!("key-{i}"),
            serde_json::json!({"i": i}),
        )
        .scheduled(due);
        store.insert_job(job).await.expect("insert");
    }
    // Each claimer has its own pool, like a separate worker process.
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let tasks: Vec<_> = (0..8)
        .map(|w| {
            let (url, schema, barrier) = (guard.url.clone(), guard.schema.clone(), barrier.clone());
            tokio::spawn(async move {
                let mine = PostgresStore::connect_with(&url, options(&schema))
                    .await
                    .expect("connect");
                barrier.wait().await;
                let worker = format!("worker-{w}");
                let mut got = Vec::new();
                loop {
                    let batch = mine
                        .claim_due_jobs(&worker, Utc::now(), Duration::from_secs(300), 7)
                        .await
                        .expect("claim");
                    if batch.is_empty() {
                        break;
                    }
                    for j in batch {
                        assert_eq!(j.lease_owner.as_deref(), Some(worker.as_str()));
                        got.push((j.company, j.id));
                    }
                }
                got
            })
        })
        .collect();
    let mut seen: HashSet<(CompanyId, JobId)> = HashSet::new();
    let mut per_worker = Vec::new();
    for t in tasks {
        let got = t.await.expect("task");
        per_worker.push(got.len());
        for key in got {
            assert!(seen.insert(key.clone()), "{key:?} was claimed twice");
        }
    }
    assert_eq!(seen.len(), 200, "every job claimed exactly once");
    for (c, id) in &seen {
        let j = store.get_job(c, id).await.expect("get").expect("present");
        assert_eq!(j.attempts, 1, "{id}");
    }
    assert!(
        store
            .claim_due_jobs("late", Utc::now(), Duration::from_secs(300), 10)
            .await
            .expect("claim")
            .is_empty(),
        "live leases are not taken"
    );
    eprintln!("jobs per worker: {per_worker:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn no_token_plaintext_in_the_database() {
    let (store, guard) = fresh_store("plain").await;
    let facade = Store::new(Arc::new(store), SealingKey::generate());
    let acme = CompanyId::new("acme");
    let secrets: Vec<String> = (0..10)
        .map(|i| format!("EAAGzzPLAINTEXTtoken{i:02}xxSECRETzz"))
        .collect();
    for (i, s) in secrets.iter().enumerate() {
        facade
            .save_token(&acme, token(&format!("subject-{i}"), s))
            .await
            .expect("save");
    }
    let pool = sqlx::PgPool::connect(&guard.url).await.expect("admin pool");
    let sql = format!(
        "SELECT string_agg(t::text, '|') FROM \"{}\".tokens t",
        guard.schema
    );
    let dump: (Option<String>,) = sqlx::query_as(&sql).fetch_one(&pool).await.expect("dump");
    pool.close().await;
    let dump = dump.0.expect("rows");
    assert!(dump.contains("subject-3"), "the dump holds the rows");
    for s in &secrets {
        assert!(!dump.contains(s.as_str()), "plaintext token in the table");
    }
    assert!(!dump.contains("PLAINTEXT"));
}

/// Rotation on any backend: write under key 1, add key 2, reads work before, during and after
/// a background reseal; afterwards every row is under key 2 and key 2 alone reads them.
async fn rotate_keys(backend: Arc<dyn StoreBackend>) {
    let key1 = SealingKey::generate();
    let key2 = SealingKey::generate();
    let v1 = Store::new(backend.clone(), key1.clone());
    let companies: Vec<CompanyId> = (0..5).map(|c| CompanyId::new(format!("co-{c}"))).collect();
    let mut saved = Vec::new();
    for c in &companies {
        for i in 0..30 {
            let secret = format!("EAAG-{c}-{i}");
            let id = v1
                .save_token(c, token(&format!("fb-{i}"), &secret))
                .await
                .expect("save under key 1");
            saved.push((c.clone(), id, secret));
        }
    }
    // Key 2 is added: new writes use it, old rows still open.
    let v2 = Store::with_sealer(
        backend.clone(),
        Sealer::new(key2.clone()).with_previous_key(key1.clone()),
    );
    assert_eq!(v2.sealer().current_key_id(), key2.id());
    for (c, id, secret) in &saved {
        let (_, t) = v2.load_token(c, id).await.expect("load").expect("present");
        assert_eq!(t.expose(), secret);
    }
    // Reseal in the background while readers keep reading.
    let reseal = tokio::spawn({
        let v2 = v2.clone();
        async move { v2.reseal_tokens(7).await }
    });
    let mut rounds = 0;
    while !reseal.is_finished() || rounds == 0 {
        for (c, id, secret) in saved.iter().step_by(11) {
            let (_, t) = v2
                .load_token(c, id)
                .await
                .expect("load during")
                .expect("present");
            assert_eq!(t.expose(), secret);
        }
        rounds += 1;
    }
    let report = reseal.await.expect("task").expect("reseal");
    assert_eq!(report.found, 150);
    assert_eq!(report.resealed + report.changed, 150);
    assert_eq!(report.unreadable, 0);
    for c in &companies {
        for t in backend.list_tokens(c).await.expect("list") {
            assert_eq!(t.sealed.key_id(), Some(key2.id()), "row left under key 1");
        }
    }
    // Key 1 can go: key 2 alone reads everything, key 1 alone reads nothing.
    let only2 = Store::new(backend.clone(), key2);
    for (c, id, secret) in &saved {
        let (_, t) = only2
            .load_token(c, id)
            .await
            .expect("load")
            .expect("present");
        assert_eq!(t.expose(), secret);
    }
    let (c, id, _) = &saved[0];
    assert!(matches!(
        v1.load_token(c, id).await,
        Err(StoreError::Crypto)
    ));
    assert_eq!(v2.reseal_tokens(0).await.expect("again").found, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn key_rotation_on_postgres() {
    let (store, _guard) = fresh_store("rotate").await;
    rotate_keys(Arc::new(store)).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn key_rotation_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = instagraph::store::SqliteStore::open(dir.path().join("rotate.db"))
        .await
        .expect("open");
    rotate_keys(Arc::new(store)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn store_open_url_reaches_postgres() {
    let (_store, guard) = fresh_store("url").await;
    // The schema travels in the URL's `options` parameter, as libpq spells it.
    let url = format!(
        "{}{}options=-csearch_path%3D{}",
        guard.url,
        if guard.url.contains('?') { "&" } else { "?" },
        guard.schema
    );
    let store = Store::open_url(&url, Sealer::new(SealingKey::generate()))
        .await
        .expect("open by URL");
    let acme = CompanyId::new("acme");
    let id = store
        .save_token(&acme, token("fb-url", "EAAG-by-url"))
        .await
        .expect("save");
    let (_, t) = store
        .load_token(&acme, &id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(t.expose(), "EAAG-by-url");
}

/// Runs the `instagraph-store` binary with the given keys in its environment.
fn store_command(
    args: &[&str],
    current: &SealingKey,
    previous: &[&SealingKey],
) -> std::process::Output {
    let previous: Vec<String> = previous.iter().map(|k| k.to_base64()).collect();
    std::process::Command::new(env!("CARGO_BIN_EXE_instagraph-store"))
        .args(args)
        .env("INSTAGRAPH_SEALING_KEY", current.to_base64())
        .env("INSTAGRAPH_PREVIOUS_SEALING_KEYS", previous.join(","))
        .env_remove("INSTAGRAPH_STORE_URL")
        .output()
        .expect("run instagraph-store")
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_command_migrates_and_reseals_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cli.db");
    let url = format!("sqlite:{}", path.display());
    let (key1, key2) = (SealingKey::generate(), SealingKey::generate());
    let acme = CompanyId::new("acme");
    let v1 = Store::sqlite(&path, key1.clone()).await.expect("open");
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            v1.save_token(&acme, token(&format!("fb-{i}"), &format!("EAAG-cli-{i}")))
                .await
                .expect("save"),
        );
    }
    drop(v1);

    let out = store_command(&["migrate", &url], &key2, &[]);
    assert!(out.status.success(), "{out:?}");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("0001 init") && listed.contains("0002 jobs_claimable"),
        "{listed}"
    );

    // Without the old key the rows cannot be opened: reported, exit status 3, nothing changed.
    let out = store_command(&["reseal", &url], &key2, &[]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("3 unreadable"));

    let out = store_command(&["reseal", &url, "--batch", "2"], &key2, &[&key1]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("3 resealed"), "{said}");
    assert!(!said.contains(&key1.to_base64()) && !said.contains(&key2.to_base64()));

    let v2 = Store::sqlite(&path, key2).await.expect("reopen");
    for (i, id) in ids.iter().enumerate() {
        let (_, t) = v2
            .load_token(&acme, id)
            .await
            .expect("load")
            .expect("present");
        assert_eq!(t.expose(), format!("EAAG-cli-{i}"));
    }

    let out = store_command(&["reseal", "--batch", "0", &url], &key1, &[]);
    assert_eq!(out.status.code(), Some(2), "bad batch is a usage error");
    let out = store_command(&["frobnicate"], &key1, &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn the_store_command_migrates_and_reseals_postgres() {
    let (store, guard) = fresh_store("cli").await;
    let url = format!(
        "{}{}options=-csearch_path%3D{}",
        guard.url,
        if guard.url.contains('?') { "&" } else { "?" },
        guard.schema
    );
    let (key1, key2) = (SealingKey::generate(), SealingKey::generate());
    let acme = CompanyId::new("acme");
    let v1 = Store::new(Arc::new(store.clone()), key1.clone());
    let id = v1
        .save_token(&acme, token("fb-cli", "EAAG-cli-pg"))
        .await
        .expect("save");
    let out = store_command(&["migrate", &url], &key2, &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0001 init"));
    let out = store_command(&["reseal", &url], &key2, &[&key1]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 resealed"));
    let v2 = Store::new(Arc::new(store), key2);
    let (_, t) = v2
        .load_token(&acme, &id)
        .await
        .expect("load")
        .expect("present");
    assert_eq!(t.expose(), "EAAG-cli-pg");
}
