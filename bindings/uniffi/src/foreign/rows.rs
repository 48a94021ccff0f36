//! The rows a foreign store keeps, as JSON text: the store's own records, with times in
//! microseconds since the epoch (the precision every backend keeps) and enums as their stored
//! text. The token secret is already sealed (AES-256-GCM) by the `Store` facade.
//!
//! These are mirrors rather than serde derives on the core records because the core records
//! hold chrono times and a sealed-secret type that the core deliberately does not serialise.

use chrono::{DateTime, Utc};
use instagraph::store::{
    AccountRecord, JobRecord, OAuthStateRecord, SealedSecret, StoreError, StoreResult, TokenRecord,
};
use instagraph::{
    AgencyClientId, BusinessId, CompanyId, FacebookUserId, IgUserId, JobId, PageId, TokenId,
};
use serde::{Deserialize, Serialize};

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn time(us: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Backend(format!("foreign store: time out of range: {us}")))
}

fn opt_time(us: Option<i64>) -> StoreResult<Option<DateTime<Utc>>> {
    us.map(time).transpose()
}

fn parse<T: std::str::FromStr<Err = StoreError>>(s: &str) -> StoreResult<T> {
    s.parse()
}

/// Decodes a row the foreign store returned.
pub fn decode<T: for<'de> Deserialize<'de>>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Backend(format!("foreign store: unreadable {what} row: {e}")))
}

/// Encodes a row for the foreign store.
pub fn encode<T: Serialize>(row: &T) -> StoreResult<String> {
    serde_json::to_string(row).map_err(|e| StoreError::Backend(format!("encoding a row: {e}")))
}

/// A key made of two parts that cannot collide (`"a:b" + "c"` vs `"a" + "b:c"`).
pub fn key2(a: &str, b: &str) -> String {
    format!("{}:{a}:{b}", a.len())
}

/// A stored token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: String,
    pub company: String,
    pub kind: String,
    pub login: String,
    pub subject_id: String,
    /// The sealed secret (`v1.<key id>.<ciphertext>`), never the token.
    pub sealed: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<i64>,
    pub issued_at: i64,
    pub valid: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl TokenRow {
    pub fn key(&self) -> String {
        key2(&self.company, &self.id)
    }

    pub fn from_record(r: &TokenRecord) -> Self {
        Self {
            id: r.id.as_str().to_owned(),
            company: r.company.as_str().to_owned(),
            kind: r.kind.as_str().to_owned(),
            login: r.login.as_str().to_owned(),
            subject_id: r.subject_id.clone(),
            sealed: r.sealed.as_str().to_owned(),
            scopes: r.scopes.clone(),
            expires_at: r.expires_at.map(micros),
            issued_at: micros(r.issued_at),
            valid: r.valid,
            created_at: micros(r.created_at),
            updated_at: micros(r.updated_at),
        }
    }

    pub fn to_record(&self) -> StoreResult<TokenRecord> {
        Ok(TokenRecord {
            id: TokenId::new(self.id.clone()),
            company: CompanyId::new(self.company.clone()),
            kind: parse(&self.kind)?,
            login: parse(&self.login)?,
            subject_id: self.subject_id.clone(),
            sealed: SealedSecret::from_stored(self.sealed.clone()),
            scopes: self.scopes.clone(),
            expires_at: opt_time(self.expires_at)?,
            issued_at: time(self.issued_at)?,
            valid: self.valid,
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
        })
    }
}

/// A connected account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub company: String,
    pub ig_user_id: String,
    pub client_id: Option<String>,
    pub facebook_user_id: Option<String>,
    pub token_id: Option<String>,
    pub page_id: Option<String>,
    pub business_id: Option<String>,
    pub source: String,
    pub is_added: bool,
    pub assigned_client_id: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub profile_picture_url: Option<String>,
    pub followers_count: Option<i64>,
    pub account_type: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl AccountRow {
    pub fn key(&self) -> String {
        key2(&self.company, &self.ig_user_id)
    }

    pub fn from_record(r: &AccountRecord) -> Self {
        let s = |v: &Option<String>| v.clone();
        Self {
            company: r.company.as_str().to_owned(),
            ig_user_id: r.ig_user_id.as_str().to_owned(),
            client_id: r.client_id.as_ref().map(|v| v.as_str().to_owned()),
            facebook_user_id: r.facebook_user_id.as_ref().map(|v| v.as_str().to_owned()),
            token_id: r.token_id.as_ref().map(|v| v.as_str().to_owned()),
            page_id: r.page_id.as_ref().map(|v| v.as_str().to_owned()),
            business_id: r.business_id.as_ref().map(|v| v.as_str().to_owned()),
            source: r.source.as_str().to_owned(),
            is_added: r.is_added,
            assigned_client_id: r.assigned_client_id.as_ref().map(|v| v.as_str().to_owned()),
            username: s(&r.username),
            name: s(&r.name),
            profile_picture_url: s(&r.profile_picture_url),
            followers_count: r.followers_count,
            account_type: s(&r.account_type),
            created_at: micros(r.created_at),
            updated_at: micros(r.updated_at),
        }
    }

    pub fn to_record(&self) -> StoreResult<AccountRecord> {
        Ok(AccountRecord {
            company: CompanyId::new(self.company.clone()),
            ig_user_id: IgUserId::new(self.ig_user_id.clone()),
            client_id: self.client_id.clone().map(AgencyClientId::new),
            facebook_user_id: self.facebook_user_id.clone().map(FacebookUserId::new),
            token_id: self.token_id.clone().map(TokenId::new),
            page_id: self.page_id.clone().map(PageId::new),
            business_id: self.business_id.clone().map(BusinessId::new),
            source: parse(&self.source)?,
            is_added: self.is_added,
            assigned_client_id: self.assigned_client_id.clone().map(AgencyClientId::new),
            username: self.username.clone(),
            name: self.name.clone(),
            profile_picture_url: self.profile_picture_url.clone(),
            followers_count: self.followers_count,
            account_type: self.account_type.clone(),
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
        })
    }
}

/// A pending OAuth state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateRow {
    pub state: String,
    pub company: String,
    pub login: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub client_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl StateRow {
    pub fn from_record(r: &OAuthStateRecord) -> Self {
        Self {
            state: r.state.clone(),
            company: r.company.as_str().to_owned(),
            login: r.login.as_str().to_owned(),
            redirect_uri: r.redirect_uri.clone(),
            scopes: r.scopes.clone(),
            client_id: r.client_id.as_ref().map(|c| c.as_str().to_owned()),
            created_at: micros(r.created_at),
            expires_at: micros(r.expires_at),
        }
    }

    pub fn to_record(&self) -> StoreResult<OAuthStateRecord> {
        Ok(OAuthStateRecord {
            state: self.state.clone(),
            company: CompanyId::new(self.company.clone()),
            login: parse(&self.login)?,
            redirect_uri: self.redirect_uri.clone(),
            scopes: self.scopes.clone(),
            client_id: self.client_id.clone().map(AgencyClientId::new),
            created_at: time(self.created_at)?,
            expires_at: time(self.expires_at)?,
        })
    }
}

/// A publish job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    pub id: String,
    pub company: String,
    pub ig_user_id: String,
    pub idempotency_key: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub container_ids: Vec<String>,
    pub media_id: Option<String>,
    pub permalink: Option<String>,
    pub error: Option<String>,
    pub scheduled_at: Option<i64>,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<i64>,
    pub attempts: u32,
    pub created_at: i64,
    pub updated_at: i64,
    /// Rows written before jobs had a fencing number read as version 0.
    #[serde(default)]
    pub version: u64,
}

impl JobRow {
    pub fn key(&self) -> String {
        key2(&self.company, &self.id)
    }

    pub fn from_record(r: &JobRecord) -> Self {
        Self {
            id: r.id.as_str().to_owned(),
            company: r.company.as_str().to_owned(),
            ig_user_id: r.ig_user_id.as_str().to_owned(),
            idempotency_key: r.idempotency_key.clone(),
            payload: r.payload.clone(),
            status: r.status.as_str().to_owned(),
            container_ids: r.container_ids.clone(),
            media_id: r.media_id.clone(),
            permalink: r.permalink.clone(),
            error: r.error.clone(),
            scheduled_at: r.scheduled_at.map(micros),
            lease_owner: r.lease_owner.clone(),
            lease_expires_at: r.lease_expires_at.map(micros),
            attempts: r.attempts,
            created_at: micros(r.created_at),
            updated_at: micros(r.updated_at),
            version: r.version,
        }
    }

    pub fn to_record(&self) -> StoreResult<JobRecord> {
        Ok(JobRecord {
            id: JobId::new(self.id.clone()),
            company: CompanyId::new(self.company.clone()),
            ig_user_id: IgUserId::new(self.ig_user_id.clone()),
            idempotency_key: self.idempotency_key.clone(),
            payload: self.payload.clone(),
            status: parse(&self.status)?,
            container_ids: self.container_ids.clone(),
            media_id: self.media_id.clone(),
            permalink: self.permalink.clone(),
            error: self.error.clone(),
            scheduled_at: opt_time(self.scheduled_at)?,
            lease_owner: self.lease_owner.clone(),
            lease_expires_at: opt_time(self.lease_expires_at)?,
            attempts: self.attempts,
            created_at: time(self.created_at)?,
            updated_at: time(self.updated_at)?,
            version: self.version,
        })
    }
}
