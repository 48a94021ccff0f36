//! The four store traits over the JS methods: validate and normalise in Rust, call, parse.
//!
//! Validation mirrors the Rust backends (`MemoryStore`), so that a JS store gets only
//! well-formed calls and the conformance suite's error cases hold whatever the JS does.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use instagraph::store::{
    truncate_time, AccountPage, AccountQuery, AccountRecord, AccountSortField, AccountStore,
    JobInsert, JobQuery, JobRecord, JobStatus, JobStore, LoginKind, NewAccount, OAuthStateRecord,
    OAuthStateStore, SealedSecret, StoreError, StoreResult, TokenKind, TokenRecord, TokenStore,
    UpsertOutcome,
};
use instagraph::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, JobId, TokenId};
use serde::Deserialize;
use serde_json::{json, Value};

use super::records::{
    account_from_js, job_from_js, job_to_js, list, new_account_to_js, optional, parse,
    state_from_js, state_to_js, time, token_from_js, token_to_js,
};
use super::JsStore;

fn require(field: &'static str, value: &str) -> StoreResult<()> {
    if value.trim().is_empty() {
        Err(StoreError::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn now() -> DateTime<Utc> {
    truncate_time(Utc::now())
}

fn lease_until(now: DateTime<Utc>, lease: std::time::Duration) -> StoreResult<DateTime<Utc>> {
    chrono::Duration::from_std(lease)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .map(truncate_time)
        .ok_or_else(|| StoreError::invalid("lease", "duration out of range"))
}

/// The ids once each, in their first order: a JS store counts changed rows without having to
/// guard against repeats.
fn unique_ids(ids: &[IgUserId]) -> Value {
    let mut seen = std::collections::HashSet::new();
    Value::Array(
        ids.iter()
            .filter(|id| seen.insert(id.as_str()))
            .map(|id| json!(id.as_str()))
            .collect(),
    )
}

/// Refuses a record of another tenant: a store that mixed rows up fails closed.
fn check_company(asked: &CompanyId, got: &CompanyId) -> Result<(), String> {
    if asked == got {
        Ok(())
    } else {
        Err("a record of another company".to_owned())
    }
}

fn token_in(company: &CompanyId) -> impl Fn(Value) -> Result<TokenRecord, String> + '_ {
    move |v| {
        let t = token_from_js(v)?;
        check_company(company, &t.company).map(|()| t)
    }
}

fn account_in(company: &CompanyId) -> impl Fn(Value) -> Result<AccountRecord, String> + '_ {
    move |v| {
        let a = account_from_js(v)?;
        check_company(company, &a.company).map(|()| a)
    }
}

fn job_in(company: &CompanyId) -> impl Fn(Value) -> Result<JobRecord, String> + '_ {
    move |v| {
        let j = job_from_js(v)?;
        check_company(company, &j.company).map(|()| j)
    }
}

fn normalized_token(mut t: TokenRecord) -> TokenRecord {
    t.expires_at = t.expires_at.map(truncate_time);
    t.issued_at = truncate_time(t.issued_at);
    t.created_at = truncate_time(t.created_at);
    t.updated_at = truncate_time(t.updated_at);
    t
}

fn normalized_job(mut j: JobRecord) -> JobRecord {
    j.scheduled_at = j.scheduled_at.map(truncate_time);
    j.lease_expires_at = j.lease_expires_at.map(truncate_time);
    j.created_at = truncate_time(j.created_at);
    j.updated_at = truncate_time(j.updated_at);
    j
}

fn sort_field(field: AccountSortField) -> &'static str {
    match field {
        AccountSortField::Username => "username",
        AccountSortField::Name => "name",
        AccountSortField::Followers => "followersCount",
        AccountSortField::UpdatedAt => "updatedAt",
        _ => "createdAt",
    }
}

#[async_trait]
impl TokenStore for JsStore {
    async fn put_token(&self, record: TokenRecord) -> StoreResult<TokenId> {
        require("company", record.company.as_str())?;
        require("id", record.id.as_str())?;
        require("subject_id", &record.subject_id)?;
        let record = normalized_token(record);
        let args = vec![token_to_js(&record)];
        let stored = self
            .call_parse("putToken", args, parse::<Option<String>>)
            .await?;
        match stored {
            Some(id) if !id.trim().is_empty() => Ok(TokenId::new(id)),
            Some(_) => Err(StoreError::Backend(
                "JS store method `putToken` returned an empty id".into(),
            )),
            None => Err(StoreError::Conflict(format!(
                "token id {} is used by another subject",
                record.id
            ))),
        }
    }

    async fn get_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<TokenRecord>> {
        let args = vec![json!(company.as_str()), json!(id.as_str())];
        self.call_parse("getToken", args, |v| optional(v, token_in(company)))
            .await
    }

    async fn find_token(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<TokenRecord>> {
        let args = vec![
            json!(company.as_str()),
            json!(kind.as_str()),
            json!(login.as_str()),
            json!(subject_id),
        ];
        self.call_parse("findToken", args, |v| optional(v, token_in(company)))
            .await
    }

    async fn list_tokens(&self, company: &CompanyId) -> StoreResult<Vec<TokenRecord>> {
        let args = vec![json!(company.as_str())];
        self.call_parse("listTokens", args, |v| list(v, token_in(company)))
            .await
    }

    async fn tokens_expiring_before(
        &self,
        company: &CompanyId,
        before: DateTime<Utc>,
    ) -> StoreResult<Vec<TokenRecord>> {
        let args = vec![json!(company.as_str()), time(&truncate_time(before))];
        self.call_parse("tokensExpiringBefore", args, |v| list(v, token_in(company)))
            .await
    }

    async fn set_token_valid(
        &self,
        company: &CompanyId,
        id: &TokenId,
        valid: bool,
    ) -> StoreResult<bool> {
        let args = vec![
            json!(company.as_str()),
            json!(id.as_str()),
            json!(valid),
            time(&now()),
        ];
        self.call_parse("setTokenValid", args, parse::<bool>).await
    }

    async fn delete_token(&self, company: &CompanyId, id: &TokenId) -> StoreResult<bool> {
        let args = vec![json!(company.as_str()), json!(id.as_str())];
        self.call_parse("deleteToken", args, parse::<bool>).await
    }

    async fn tokens_sealed_without_key(
        &self,
        key_id: &str,
        after: Option<(&CompanyId, &TokenId)>,
        limit: u64,
    ) -> StoreResult<Vec<TokenRecord>> {
        const METHOD: &str = "tokensSealedWithoutKey";
        if !self.has(METHOD) {
            return Err(StoreError::Unsupported("tokens_sealed_without_key"));
        }
        let limit = AccountQuery::new().limit(limit).effective_limit()?;
        // The sealed format is `v1.<key id>.<nonce and ciphertext>`.
        let prefix = format!("v1.{key_id}.");
        let cursor = after.map(|(c, i)| json!({ "company": c.as_str(), "id": i.as_str() }));
        let args = vec![json!(prefix), json!(cursor), json!(limit)];
        self.call_parse(METHOD, args, |v| {
            let tokens = list(v, token_from_js)?;
            if tokens.len() as u64 > limit {
                return Err(format!("{} tokens for a limit of {limit}", tokens.len()));
            }
            Ok(tokens)
        })
        .await
    }

    async fn replace_sealed(
        &self,
        company: &CompanyId,
        id: &TokenId,
        expected: &SealedSecret,
        sealed: SealedSecret,
    ) -> StoreResult<bool> {
        const METHOD: &str = "replaceSealed";
        if !self.has(METHOD) {
            return Err(StoreError::Unsupported("replace_sealed"));
        }
        let args = vec![
            json!(company.as_str()),
            json!(id.as_str()),
            json!(expected.as_str()),
            json!(sealed.as_str()),
        ];
        self.call_parse(METHOD, args, parse::<bool>).await
    }
}

#[derive(Deserialize)]
struct JsPage {
    items: Value,
    total: u64,
}

#[async_trait]
impl AccountStore for JsStore {
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome> {
        require("company", company.as_str())?;
        for a in &accounts {
            require("ig_user_id", a.ig_user_id.as_str())?;
        }
        let batch = Value::Array(accounts.iter().map(new_account_to_js).collect());
        let args = vec![json!(company.as_str()), batch, time(&now())];
        self.call_parse("upsertAccounts", args, parse::<UpsertOutcome>)
            .await
    }

    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        let args = vec![json!(company.as_str()), json!(ig.as_str())];
        self.call_parse("getAccount", args, |v| optional(v, account_in(company)))
            .await
    }

    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage> {
        let limit = query.effective_limit()?;
        // Folded here, with Rust's Unicode lower-casing, so that every backend folds alike.
        let search = query
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
        let js_query = json!({
            "search": search,
            "isAdded": query.is_added,
            "assigned": query.assigned,
            "clientId": query.client.as_ref().map(|c| c.as_str()),
            "facebookUserId": query.facebook_user.as_ref().map(|u| u.as_str()),
            "sort": {
                "field": sort_field(query.sort.field),
                "descending": query.sort.descending,
            },
            "offset": query.offset,
            "limit": limit,
        });
        let args = vec![json!(company.as_str()), js_query];
        let page = self
            .call_parse("queryAccounts", args, |v| {
                let page: JsPage = parse(v)?;
                let items = list(page.items, account_in(company))?;
                if items.len() as u64 > limit {
                    return Err(format!("{} items for a limit of {limit}", items.len()));
                }
                Ok((items, page.total))
            })
            .await?;
        Ok(AccountPage {
            items: page.0,
            total: page.1,
            offset: query.offset,
            limit,
        })
    }

    async fn set_added(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        added: bool,
    ) -> StoreResult<u64> {
        let args = vec![
            json!(company.as_str()),
            unique_ids(ids),
            json!(added),
            time(&now()),
        ];
        self.call_parse("setAdded", args, parse::<u64>).await
    }

    async fn assign_client(
        &self,
        company: &CompanyId,
        client: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> StoreResult<u64> {
        let args = vec![
            json!(company.as_str()),
            json!(client.map(|c| c.as_str())),
            unique_ids(ids),
            time(&now()),
        ];
        self.call_parse("assignClient", args, parse::<u64>).await
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        let args = vec![json!(company.as_str()), json!(ig.as_str())];
        self.call_parse("removeAccount", args, parse::<bool>).await
    }

    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64> {
        // The rule stays in Rust: the JS side gets the tokens whose rows it must keep.
        let keep: Vec<Value> = self
            .list_tokens(company)
            .await?
            .into_iter()
            .filter(|t| t.belongs_to_other_connection(user))
            .map(|t| json!(t.id.as_str()))
            .collect();
        let args = vec![
            json!(company.as_str()),
            json!(user.as_str()),
            Value::Array(keep),
        ];
        self.call_parse("removeAccountsOfUser", args, parse::<u64>)
            .await
    }
}

#[async_trait]
impl OAuthStateStore for JsStore {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        require("state", &record.state)?;
        let mut record = record;
        record.created_at = truncate_time(record.created_at);
        record.expires_at = truncate_time(record.expires_at);
        let args = vec![state_to_js(&record)];
        if !self.call_parse("putState", args, parse::<bool>).await? {
            return Err(StoreError::Conflict("OAuth state already exists".into()));
        }
        // The JS store keeps the per-company bound itself (`putState`); states of every company
        // that expired before this one was made go here.
        self.purge_expired_states(record.created_at - chrono::Duration::microseconds(1))
            .await?;
        Ok(())
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        let args = vec![json!(state)];
        self.call_parse("takeState", args, |v| optional(v, state_from_js))
            .await
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let args = vec![time(&truncate_time(now))];
        self.call_parse("purgeExpiredStates", args, parse::<u64>)
            .await
    }
}

#[derive(Deserialize)]
struct JsInsert {
    inserted: bool,
    job: Value,
}

#[async_trait]
impl JobStore for JsStore {
    async fn insert_job(&self, job: JobRecord) -> StoreResult<JobInsert> {
        require("company", job.company.as_str())?;
        require("id", job.id.as_str())?;
        require("idempotency_key", &job.idempotency_key)?;
        let job = JobRecord {
            version: 0,
            ..normalized_job(job)
        };
        let args = vec![job_to_js(&job)];
        let company = job.company.clone();
        let outcome = self
            .call_parse("insertJob", args, |v| match v {
                Value::Null => Ok(None),
                other => {
                    let ins: JsInsert = parse(other)?;
                    let record = job_in(&company)(ins.job).map_err(|e| format!("job: {e}"))?;
                    Ok(Some(if ins.inserted {
                        JobInsert::Inserted(record)
                    } else {
                        JobInsert::Existing(record)
                    }))
                }
            })
            .await?;
        outcome.ok_or_else(|| {
            StoreError::Conflict(format!(
                "job id {} is used by another idempotency key",
                job.id
            ))
        })
    }

    async fn get_job(&self, company: &CompanyId, id: &JobId) -> StoreResult<Option<JobRecord>> {
        let args = vec![json!(company.as_str()), json!(id.as_str())];
        self.call_parse("getJob", args, |v| optional(v, job_in(company)))
            .await
    }

    async fn find_job_by_key(
        &self,
        company: &CompanyId,
        key: &str,
    ) -> StoreResult<Option<JobRecord>> {
        let args = vec![json!(company.as_str()), json!(key)];
        self.call_parse("findJobByKey", args, |v| optional(v, job_in(company)))
            .await
    }

    async fn update_job(&self, job: &JobRecord) -> StoreResult<Option<JobRecord>> {
        let job = normalized_job(job.clone());
        let args = vec![job_to_js(&job)];
        let company = job.company.clone();
        let outcome = self
            .call_parse("updateJob", args, |v| match v {
                Value::Bool(false) => Ok(Err(())),
                other => optional(other, job_in(&company)).map(Ok),
            })
            .await?;
        outcome.map_err(|()| StoreError::not_found("job", &job.id))
    }

    async fn list_jobs(
        &self,
        company: &CompanyId,
        query: &JobQuery,
    ) -> StoreResult<Vec<JobRecord>> {
        let limit = AccountQuery::new().limit(query.limit).effective_limit()?;
        let (before_at, before_id) = match &query.before {
            Some((t, id)) => (time(&truncate_time(*t)), json!(id.as_str())),
            None => (Value::Null, Value::Null),
        };
        let args = vec![
            json!(company.as_str()),
            json!({
                "status": query.status.map(JobStatus::as_str),
                "igUserId": query.ig_user_id.as_ref().map(IgUserId::as_str),
                "beforeCreatedAt": before_at,
                "beforeId": before_id,
                "limit": limit,
            }),
        ];
        self.call_parse("listJobs", args, |v| list(v, job_in(company)))
            .await
    }

    async fn claim_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u64,
    ) -> StoreResult<Vec<JobRecord>> {
        require("worker", worker)?;
        if limit > AccountQuery::MAX_LIMIT {
            return Err(StoreError::invalid(
                "limit",
                format!("above the maximum of {}", AccountQuery::MAX_LIMIT),
            ));
        }
        if limit == 0 {
            return Ok(Vec::new());
        }
        let now = truncate_time(now);
        let until = lease_until(now, lease)?;
        let args = vec![json!(worker), time(&now), time(&until), json!(limit)];
        self.call_parse("claimDueJobs", args, |v| {
            let jobs = list(v, job_from_js)?;
            if jobs.len() as u64 > limit {
                return Err(format!("{} jobs for a limit of {limit}", jobs.len()));
            }
            Ok(jobs)
        })
        .await
    }

    async fn acquire_job(
        &self,
        company: &CompanyId,
        id: &JobId,
        worker: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<JobRecord>> {
        require("worker", worker)?;
        let now = truncate_time(now);
        let until = lease_until(now, lease)?;
        let args = vec![
            json!(company.as_str()),
            json!(id.as_str()),
            json!(worker),
            time(&now),
            time(&until),
        ];
        self.call_parse("acquireJob", args, |v| optional(v, job_in(company)))
            .await
    }

    async fn renew_lease(
        &self,
        job: &JobRecord,
        now: DateTime<Utc>,
        lease: std::time::Duration,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let until = lease_until(truncate_time(now), lease)?;
        let args = vec![
            json!(job.company.as_str()),
            json!(job.id.as_str()),
            json!(job.version),
            time(&until),
        ];
        let renewed = self.call_parse("renewLease", args, parse::<bool>).await?;
        Ok(renewed.then_some(until))
    }

    async fn release_job(&self, job: &JobRecord) -> StoreResult<bool> {
        let args = vec![
            json!(job.company.as_str()),
            json!(job.id.as_str()),
            json!(job.version),
        ];
        self.call_parse("releaseJob", args, parse::<bool>).await
    }
}
