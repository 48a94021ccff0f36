//! SQLite-only behaviour: persistence across reopen, nothing secret on disk, migrations.

#![cfg(feature = "sqlite")]

use std::path::Path;

use chrono::{Duration, Utc};
use instagraph::store::{
    AccountQuery, AccountSource, AccountStore, JobRecord, JobStatus, LoginKind, NewAccount,
    NewToken, OAuthStateRecord, SealingKey, SqliteStore, Store, StoreError, TokenKind,
};
use instagraph::{AccessToken, CompanyId, IgUserId};

fn key() -> SealingKey {
    SealingKey::from_bytes([42; 32])
}

fn token(subject: &str, secret: &str) -> NewToken {
    NewToken {
        kind: TokenKind::User,
        login: LoginKind::Facebook,
        subject_id: subject.into(),
        token: AccessToken::new(secret),
        scopes: vec!["instagram_basic".into()],
        expires_at: Some(Utc::now() + Duration::days(60)),
        issued_at: Utc::now(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database file and its WAL and shared-memory companions, as raw bytes.
fn disk_bytes(db: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let p = format!("{}{suffix}", db.display());
            std::fs::read(&p).ok().map(|b| (p, b))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_close_and_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested").join("instagraph.db");
    let acme = CompanyId::new("acme");

    let store = Store::sqlite(&path, key()).await.expect("open");
    let token_id = store
        .save_token(&acme, token("fb-1", "EAAGpersistedSecret"))
        .await
        .expect("save token");
    let backend = store.backend().clone();
    let mut account = NewAccount::new(IgUserId::new("1784"), AccountSource::BusinessOwned);
    account.username = Some("persisted".into());
    backend
        .upsert_accounts(&acme, vec![account])
        .await
        .expect("upsert");
    backend
        .set_added(&acme, &[IgUserId::new("1784")], true)
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
        expires_at: Utc::now() + Duration::minutes(30),
    };
    backend.put_state(state.clone()).await.expect("put state");
    let job = JobRecord::new(
        acme.clone(),
        IgUserId::new("1784"),
        "post-1",
        serde_json::json!({"caption": "hello"}),
    )
    .scheduled(Utc::now() + Duration::hours(1));
    backend.insert_job(job.clone()).await.expect("insert job");
    drop(backend);
    let sqlite = SqliteStore::open(&path).await.expect("second handle");
    sqlite.close().await;
    drop(store);

    // Reopen from scratch.
    let store = Store::sqlite(&path, key()).await.expect("reopen");
    let (record, secret) = store
        .load_token(&acme, &token_id)
        .await
        .expect("load")
        .expect("token survived");
    assert_eq!(secret.expose(), "EAAGpersistedSecret");
    assert_eq!(record.subject_id, "fb-1");
    let b = store.backend();
    let acc = b
        .get_account(&acme, &IgUserId::new("1784"))
        .await
        .expect("get")
        .expect("account survived");
    assert!(acc.is_added);
    assert_eq!(acc.username.as_deref(), Some("persisted"));
    assert_eq!(
        b.query_accounts(&acme, &AccountQuery::new().search("PERSIST"))
            .await
            .expect("query")
            .total,
        1
    );
    let got_state = b
        .take_state("st-1")
        .await
        .expect("take")
        .expect("state survived");
    assert_eq!(
        got_state,
        OAuthStateRecord {
            created_at: instagraph::store::truncate_time(state.created_at),
            expires_at: instagraph::store::truncate_time(state.expires_at),
            ..state
        }
    );
    let got_job = b
        .find_job_by_key(&acme, "post-1")
        .await
        .expect("find")
        .expect("job survived");
    assert_eq!(got_job.id, job.id);
    assert_eq!(got_job.status, JobStatus::Scheduled);
    assert_eq!(got_job.payload, job.payload);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_plaintext_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("secrets.db");
    let sqlite = SqliteStore::open(&path).await.expect("open");
    let store = Store::new(std::sync::Arc::new(sqlite.clone()), key());
    let acme = CompanyId::new("acme");
    let secrets: Vec<String> = (0..20)
        .map(|i| format!("EAAGzzPLAINTEXTtoken{i:02}xxSECRETzz"))
        .collect();
    for (i, s) in secrets.iter().enumerate() {
        store
            .save_token(&acme, token(&format!("subject-marker-{i:02}"), s))
            .await
            .expect("save");
    }
    let check = |when: &str| {
        let files = disk_bytes(&path);
        assert!(!files.is_empty(), "{when}: no database files found");
        let all: Vec<u8> = files.iter().flat_map(|(_, b)| b.clone()).collect();
        // The rows themselves are on disk (so the scan looks at real data) ...
        assert!(
            contains(&all, b"subject-marker-07"),
            "{when}: rows not found on disk"
        );
        // ... but no token, nor a telling part of one, is.
        for (name, bytes) in &files {
            for s in &secrets {
                assert!(
                    !contains(bytes, s.as_bytes()),
                    "{when}: {s} found in {name}"
                );
            }
            assert!(
                !contains(bytes, b"PLAINTEXT"),
                "{when}: token fragment in {name}"
            );
        }
    };
    check("while open (WAL)");
    sqlite.close().await;
    check("after close");
}

#[tokio::test]
async fn migrations_are_recorded_and_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.db");
    let first = SqliteStore::open(&path).await.expect("open");
    let applied = first.applied_migrations().await.expect("applied");
    assert_eq!(
        applied,
        vec![
            (1, "init".to_owned()),
            (2, "jobs_claimable".to_owned()),
            (3, "job_versions".to_owned()),
            (4, "oauth_states_company".to_owned()),
            (5, "budgets".to_owned())
        ]
    );
    first
        .upsert_accounts(
            &CompanyId::new("acme"),
            vec![NewAccount::new(
                IgUserId::new("1"),
                AccountSource::PageLinked,
            )],
        )
        .await
        .expect("write");
    first.close().await;
    for _ in 0..3 {
        let again = SqliteStore::open(&path).await.expect("reopen");
        assert_eq!(again.applied_migrations().await.expect("applied"), applied);
        assert!(again
            .get_account(&CompanyId::new("acme"), &IgUserId::new("1"))
            .await
            .expect("get")
            .is_some());
        again.close().await;
    }
}

#[tokio::test]
async fn a_store_url_reports_its_applied_migrations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("url.db").display());
    let applied = instagraph::store::StoreUrl::parse(&url)
        .expect("url")
        .applied_migrations()
        .await
        .expect("applied");
    let direct = SqliteStore::open(dir.path().join("url.db"))
        .await
        .expect("open");
    assert_eq!(applied, direct.applied_migrations().await.expect("applied"));
    assert_eq!(applied.first(), Some(&(1, "init".to_owned())));
    direct.close().await;
    let memory = instagraph::store::StoreUrl::parse("memory:").expect("memory");
    assert!(memory.applied_migrations().await.expect("none").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_opens_of_a_fresh_file_migrate_once() {
    // Several rounds on fresh files: switching a new file to WAL takes a lock SQLite's busy
    // timeout does not wait for, and one round of openers collides only now and then.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut stores = Vec::new();
    for round in 0..5 {
        let path = dir.path().join(format!("race-{round}.db"));
        let opens: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                tokio::spawn(async move { SqliteStore::open(path).await })
            })
            .collect();
        for o in opens {
            stores.push(o.await.expect("task").expect("open"));
        }
    }
    for s in &stores {
        assert_eq!(
            s.applied_migrations().await.expect("applied"),
            vec![
                (1, "init".to_owned()),
                (2, "jobs_claimable".to_owned()),
                (3, "job_versions".to_owned()),
                (4, "oauth_states_company".to_owned()),
                (5, "budgets".to_owned())
            ]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_waits_for_another_connection_holding_the_file() {
    use sqlx::{ConnectOptions, Connection, Executor};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("held.db");
    // Another program has the file open in rollback-journal mode, in the middle of a write:
    // switching to WAL needs the lock it holds, and SQLite reports busy without waiting.
    let mut other = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .connect()
        .await
        .expect("other connection");
    other
        .execute("CREATE TABLE unrelated (x INTEGER); BEGIN IMMEDIATE; INSERT INTO unrelated VALUES (1);")
        .await
        .expect("read transaction");
    let release = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        other.execute("COMMIT").await.expect("commit");
        other.close().await.expect("close");
    });
    let store = SqliteStore::open(&path)
        .await
        .expect("open waits for the lock instead of failing");
    release.await.expect("release");
    assert_eq!(store.applied_migrations().await.expect("applied").len(), 5);
}

#[tokio::test]
async fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("newer.db");
    SqliteStore::open(&path).await.expect("open").close().await;
    {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .connect()
            .await
            .expect("raw connect");
        sqlx::query(
            "INSERT INTO instagraph_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
        )
        .execute(&mut conn)
        .await
        .expect("insert");
        sqlx::Connection::close(conn).await.expect("close");
    }
    let err = SqliteStore::open(&path).await.expect_err("newer schema");
    assert!(matches!(err, StoreError::Migration(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_on_separate_handles_never_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("busy.db");
    let acme = CompanyId::new("acme");
    // Two independent pools on one file, as two processes would have.
    let handles = [
        SqliteStore::open(&path).await.expect("open 1"),
        SqliteStore::open(&path).await.expect("open 2"),
    ];
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let store = handles[t % 2].clone();
            let acme = acme.clone();
            tokio::spawn(async move {
                let mut inserted = 0;
                for round in 0..10 {
                    let batch = (0..5)
                        .map(|i| {
                            NewAccount::new(
                                IgUserId::new(format!("{t}-{round}-{i}")),
                                AccountSource::PageLinked,
                            )
                        })
                        .chain(std::iter::once(NewAccount::new(
                            IgUserId::new(format!("shared-{round}")),
                            AccountSource::PageLinked,
                        )))
                        .collect();
                    inserted += store
                        .upsert_accounts(&acme, batch)
                        .await
                        .expect("upsert")
                        .inserted;
                    store
                        .set_added(&acme, &[IgUserId::new(format!("{t}-{round}-0"))], true)
                        .await
                        .expect("set_added");
                }
                inserted
            })
        })
        .collect();
    let mut inserted = 0;
    for t in tasks {
        inserted += t.await.expect("task");
    }
    assert_eq!(inserted, 8 * 10 * 5 + 10);
    let page = handles[0]
        .query_accounts(&acme, &AccountQuery::new().is_added(true).limit(500))
        .await
        .expect("query");
    assert_eq!(page.total, 80);
}

#[tokio::test]
async fn calls_after_close_are_errors_not_panics() {
    let store = SqliteStore::in_memory().await.expect("open");
    store.close().await;
    let err = store
        .get_account(&CompanyId::new("acme"), &IgUserId::new("1"))
        .await
        .expect_err("closed");
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
}

#[tokio::test]
async fn debug_output_never_shows_keys_or_tokens() {
    let key = key();
    let encoded = key.to_base64();
    let store = Store::memory(key);
    let acme = CompanyId::new("acme");
    let id = store
        .save_token(&acme, token("fb-1", "EAAGdebugSecretValue"))
        .await
        .expect("save");
    let (record, secret) = store
        .load_token(&acme, &id)
        .await
        .expect("load")
        .expect("present");
    for text in [
        format!("{store:?}"),
        format!("{record:?}"),
        format!("{secret:?}"),
        format!("{:?}", store.sealer()),
    ] {
        assert!(!text.contains(&encoded), "{text}");
        assert!(!text.contains("EAAGdebugSecretValue"), "{text}");
    }
}
