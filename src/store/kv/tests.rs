//! What the conformance suite cannot see: rows left half-written by a crash, a faulty host
//! store, and ids that look like key separators.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;

use super::{keys, KeyValueStore, KvBackend, MemoryKv};
use crate::ids::{CompanyId, IgUserId, TokenId};
use crate::store::error::{StoreError, StoreResult};
use crate::store::records::{JobRecord, LoginKind, OAuthStateRecord, TokenKind, TokenRecord};
use crate::store::traits::{AccountStore, JobStore, OAuthStateStore, TokenStore};
use crate::store::{AccountQuery, AccountSource, NewAccount, SealedSecret};

fn backend() -> (Arc<MemoryKv>, KvBackend) {
    let kv = Arc::new(MemoryKv::new());
    (kv.clone(), KvBackend::from_arc(kv))
}

fn token(company: &str, id: &str, subject: &str) -> TokenRecord {
    let now = crate::store::truncate_time(Utc::now());
    TokenRecord {
        id: TokenId::new(id),
        company: CompanyId::new(company),
        kind: TokenKind::User,
        login: LoginKind::Facebook,
        subject_id: subject.into(),
        sealed: SealedSecret::from_stored(format!("v1.k.{id}")),
        scopes: vec![],
        expires_at: None,
        issued_at: now,
        valid: true,
        created_at: now,
        updated_at: now,
    }
}

fn job(company: &str, key: &str) -> JobRecord {
    JobRecord::new(
        CompanyId::new(company),
        IgUserId::new("1"),
        key,
        serde_json::json!({}),
    )
}

#[tokio::test]
async fn a_job_row_whose_insert_crashed_before_its_key_is_invisible_and_replaced() {
    let (kv, store) = backend();
    let crashed = job("acme", "post-1");
    let row = keys::job(&crashed.company, &crashed.id);
    let raw = serde_json::to_string(&crashed).unwrap();
    assert!(kv.compare_and_swap(&row, None, Some(&raw)).await.unwrap());

    assert_eq!(
        store.get_job(&crashed.company, &crashed.id).await.unwrap(),
        None
    );
    let listed = store
        .list_jobs(&crashed.company, &Default::default())
        .await
        .unwrap();
    assert!(listed.is_empty(), "the orphan row is listed");
    let claimed = store
        .claim_due_jobs("w", Utc::now(), std::time::Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert!(claimed.is_empty(), "the orphan row was claimed");

    // The caller retries the insert: exactly one job comes of it.
    let retry = job("acme", "post-1");
    assert!(store.insert_job(retry.clone()).await.unwrap().is_inserted());
    let listed = store
        .list_jobs(&retry.company, &Default::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, retry.id);
}

#[tokio::test]
async fn a_token_index_left_by_a_crashed_delete_reads_as_absent_and_is_reused() {
    let (kv, store) = backend();
    let first = token("acme", "t1", "alice");
    store.put_token(first.clone()).await.unwrap();
    // A delete that crashed after removing the row: the id index still points at it.
    let row = keys::token(&first.company, first.kind, first.login, &first.subject_id);
    let raw = kv.get(&row).await.unwrap().unwrap();
    assert!(kv.compare_and_swap(&row, Some(&raw), None).await.unwrap());

    assert_eq!(
        store.get_token(&first.company, &first.id).await.unwrap(),
        None
    );
    let other = token("acme", "t1", "bob");
    assert_eq!(store.put_token(other.clone()).await.unwrap(), other.id);
    let got = store
        .get_token(&other.company, &other.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.subject_id, "bob");
    assert_eq!(store.list_tokens(&other.company).await.unwrap().len(), 1);
}

#[tokio::test]
async fn company_ids_with_separators_never_see_each_other() {
    let (_, store) = backend();
    let plain = CompanyId::new("acme");
    let tricky = CompanyId::new("acme/x");
    store
        .upsert_accounts(
            &tricky,
            vec![NewAccount::new(
                IgUserId::new("1"),
                AccountSource::PageLinked,
            )],
        )
        .await
        .unwrap();
    store.put_token(token("acme/x", "t", "s")).await.unwrap();
    store.insert_job(job("acme/x", "k")).await.unwrap();

    assert_eq!(
        store
            .query_accounts(&plain, &AccountQuery::new())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(store.list_tokens(&plain).await.unwrap().is_empty());
    assert!(store
        .list_jobs(&plain, &Default::default())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .query_accounts(&tricky, &AccountQuery::new())
            .await
            .unwrap()
            .total,
        1
    );
}

/// A host store that loses every compare-and-swap, and whose scan ignores the prefix.
struct Faulty(MemoryKv);

#[async_trait]
impl KeyValueStore for Faulty {
    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        self.0.get(key).await
    }

    async fn scan(&self, _prefix: &str) -> StoreResult<Vec<(String, String)>> {
        self.0.scan("").await
    }

    async fn compare_and_swap(
        &self,
        key: &str,
        expected: Option<&str>,
        next: Option<&str>,
    ) -> StoreResult<bool> {
        if key.starts_with(keys::STATES) {
            return Ok(false);
        }
        self.0.compare_and_swap(key, expected, next).await
    }
}

#[tokio::test]
async fn a_store_that_never_swaps_fails_with_contended_instead_of_looping() {
    let kv = MemoryKv::new();
    let now = Utc::now();
    let record = OAuthStateRecord {
        state: "s1".into(),
        company: CompanyId::new("acme"),
        login: LoginKind::Facebook,
        redirect_uri: "https://app.example/cb".into(),
        scopes: vec![],
        client_id: None,
        created_at: now,
        expires_at: now,
    };
    let raw = serde_json::to_string(&record).unwrap();
    kv.compare_and_swap(&keys::state("s1"), None, Some(&raw))
        .await
        .unwrap();
    let store = KvBackend::new(Faulty(kv));
    let err = store.take_state("s1").await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Contended {
                what: "OAuth state",
                attempts: super::MAX_ATTEMPTS
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn rows_a_faulty_scan_returns_outside_the_prefix_are_dropped() {
    let store = KvBackend::new(Faulty(MemoryKv::new()));
    let other = CompanyId::new("other");
    store.put_token(token("other", "t", "s")).await.unwrap();
    store
        .upsert_accounts(
            &other,
            vec![NewAccount::new(
                IgUserId::new("1"),
                AccountSource::PageLinked,
            )],
        )
        .await
        .unwrap();
    let acme = CompanyId::new("acme");
    assert!(store.list_tokens(&acme).await.unwrap().is_empty());
    assert_eq!(
        store
            .query_accounts(&acme, &AccountQuery::new())
            .await
            .unwrap()
            .total,
        0
    );
}

#[tokio::test]
async fn a_malformed_value_is_a_backend_error_that_does_not_echo_it() {
    let (kv, store) = backend();
    let company = CompanyId::new("acme");
    let key = keys::account(&company, &IgUserId::new("1"));
    kv.compare_and_swap(&key, None, Some("{\"secret-ish\": EAAB"))
        .await
        .unwrap();
    let err = store
        .get_account(&company, &IgUserId::new("1"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    assert!(text.contains("accounts/acme/1"), "{text}");
    assert!(!text.contains("EAAB"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_from_two_processes_make_one_job_and_one_token() {
    let kv: Arc<dyn KeyValueStore> = Arc::new(MemoryKv::new());
    let processes = [KvBackend::from_arc(kv.clone()), KvBackend::from_arc(kv)];
    let mut tasks = Vec::new();
    for i in 0..16 {
        let store = processes[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let job = store.insert_job(job("acme", "post-1")).await.unwrap();
            let token = store
                .put_token(token("acme", &format!("t{i}"), "alice"))
                .await
                .unwrap();
            (job, token)
        }));
    }
    let mut inserted = 0;
    let (mut job_ids, mut token_ids) = (Vec::new(), Vec::new());
    for task in tasks {
        let (job, token) = task.await.unwrap();
        inserted += usize::from(job.is_inserted());
        job_ids.push(job.into_record().id);
        token_ids.push(token);
    }
    assert_eq!(inserted, 1, "one insert wins the idempotency key");
    job_ids.dedup();
    assert_eq!(job_ids.len(), 1, "every caller gets the same job");
    let company = CompanyId::new("acme");
    let jobs = processes[0]
        .list_jobs(&company, &Default::default())
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    let tokens = processes[1].list_tokens(&company).await.unwrap();
    assert_eq!(tokens.len(), 1, "one token per subject");
    for id in token_ids {
        let got = processes[0].get_token(&company, &id).await.unwrap();
        // Each caller got the id stored when it returned; later upserts keep that row's id.
        assert_eq!(
            got.map(|t| t.id),
            Some(tokens[0].id.clone()),
            "{id} does not resolve"
        );
    }
}
