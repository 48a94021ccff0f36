//! Store records as plain JS objects (camelCase keys) and back.
//!
//! Times cross as UTC RFC 3339 strings with exactly six fractional digits
//! (`2026-02-10T12:00:00.000000Z`): every backend keeps microseconds, and in this one format
//! comparing two times as strings compares the instants, which is what the reference JS store
//! relies on. Enums cross as their stored text (`instagram_user`, `container_created`, ...). A
//! job's `payload` is opaque JSON and crosses untouched.

use chrono::{DateTime, Utc};
use instagraph::store::{
    truncate_time, AccountRecord, JobRecord, NewAccount, OAuthStateRecord, SealedSecret,
    TokenRecord,
};
use instagraph::{
    AgencyClientId, BusinessId, CompanyId, FacebookUserId, IgUserId, JobId, PageId, TokenId,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

/// The one time format of the protocol.
pub fn format_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// A time as it crosses to JS.
pub fn time(t: &DateTime<Utc>) -> Value {
    Value::String(format_time(t))
}

fn opt_time(t: &Option<DateTime<Utc>>) -> Value {
    t.as_ref().map_or(Value::Null, time)
}

fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| truncate_time(t.with_timezone(&Utc)))
        .map_err(|e| format!("`{field}` is not an RFC 3339 time ({e})"))
}

fn parse_opt_time(field: &str, text: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    text.map(|t| parse_time(field, t)).transpose()
}

fn parse_enum<T: std::str::FromStr>(field: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("`{field}` has the unknown value {text:?}"))
}

/// Parses a reply with serde, turning its error into the message of a malformed reply.
pub fn parse<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

pub fn token_to_js(t: &TokenRecord) -> Value {
    json!({
        "id": t.id.as_str(),
        "company": t.company.as_str(),
        "kind": t.kind.as_str(),
        "login": t.login.as_str(),
        "subjectId": t.subject_id,
        "sealed": t.sealed.as_str(),
        "scopes": t.scopes,
        "expiresAt": opt_time(&t.expires_at),
        "issuedAt": time(&t.issued_at),
        "valid": t.valid,
        "createdAt": time(&t.created_at),
        "updatedAt": time(&t.updated_at),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsToken {
    id: String,
    company: String,
    kind: String,
    login: String,
    subject_id: String,
    sealed: String,
    #[serde(default)]
    scopes: Vec<String>,
    expires_at: Option<String>,
    issued_at: String,
    valid: bool,
    created_at: String,
    updated_at: String,
}

pub fn token_from_js(value: Value) -> Result<TokenRecord, String> {
    let t: JsToken = parse(value)?;
    Ok(TokenRecord {
        id: TokenId::new(t.id),
        company: CompanyId::new(t.company),
        kind: parse_enum("kind", &t.kind)?,
        login: parse_enum("login", &t.login)?,
        subject_id: t.subject_id,
        sealed: SealedSecret::from_stored(t.sealed),
        scopes: t.scopes,
        expires_at: parse_opt_time("expiresAt", t.expires_at.as_deref())?,
        issued_at: parse_time("issuedAt", &t.issued_at)?,
        valid: t.valid,
        created_at: parse_time("createdAt", &t.created_at)?,
        updated_at: parse_time("updatedAt", &t.updated_at)?,
    })
}

pub fn new_account_to_js(a: &NewAccount) -> Value {
    json!({
        "igUserId": a.ig_user_id.as_str(),
        "clientId": a.client_id.as_ref().map(|c| c.as_str()),
        "facebookUserId": a.facebook_user_id.as_ref().map(|c| c.as_str()),
        "tokenId": a.token_id.as_ref().map(|c| c.as_str()),
        "pageId": a.page_id.as_ref().map(|c| c.as_str()),
        "businessId": a.business_id.as_ref().map(|c| c.as_str()),
        "source": a.source.as_str(),
        "username": a.username,
        "name": a.name,
        "profilePictureUrl": a.profile_picture_url,
        "followersCount": a.followers_count,
        "accountType": a.account_type,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsAccount {
    company: String,
    ig_user_id: String,
    client_id: Option<String>,
    facebook_user_id: Option<String>,
    token_id: Option<String>,
    page_id: Option<String>,
    business_id: Option<String>,
    source: String,
    is_added: bool,
    assigned_client_id: Option<String>,
    username: Option<String>,
    name: Option<String>,
    profile_picture_url: Option<String>,
    followers_count: Option<i64>,
    account_type: Option<String>,
    created_at: String,
    updated_at: String,
}

pub fn account_from_js(value: Value) -> Result<AccountRecord, String> {
    let a: JsAccount = parse(value)?;
    Ok(AccountRecord {
        company: CompanyId::new(a.company),
        ig_user_id: IgUserId::new(a.ig_user_id),
        client_id: a.client_id.map(AgencyClientId::new),
        facebook_user_id: a.facebook_user_id.map(FacebookUserId::new),
        token_id: a.token_id.map(TokenId::new),
        page_id: a.page_id.map(PageId::new),
        business_id: a.business_id.map(BusinessId::new),
        source: parse_enum("source", &a.source)?,
        is_added: a.is_added,
        assigned_client_id: a.assigned_client_id.map(AgencyClientId::new),
        username: a.username,
        name: a.name,
        profile_picture_url: a.profile_picture_url,
        followers_count: a.followers_count,
        account_type: a.account_type,
        created_at: parse_time("createdAt", &a.created_at)?,
        updated_at: parse_time("updatedAt", &a.updated_at)?,
    })
}

pub fn state_to_js(s: &OAuthStateRecord) -> Value {
    json!({
        "state": s.state,
        "company": s.company.as_str(),
        "login": s.login.as_str(),
        "redirectUri": s.redirect_uri,
        "scopes": s.scopes,
        "clientId": s.client_id.as_ref().map(|c| c.as_str()),
        "createdAt": time(&s.created_at),
        "expiresAt": time(&s.expires_at),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsState {
    state: String,
    company: String,
    login: String,
    redirect_uri: String,
    #[serde(default)]
    scopes: Vec<String>,
    client_id: Option<String>,
    created_at: String,
    expires_at: String,
}

pub fn state_from_js(value: Value) -> Result<OAuthStateRecord, String> {
    let s: JsState = parse(value)?;
    Ok(OAuthStateRecord {
        state: s.state,
        company: CompanyId::new(s.company),
        login: parse_enum("login", &s.login)?,
        redirect_uri: s.redirect_uri,
        scopes: s.scopes,
        client_id: s.client_id.map(AgencyClientId::new),
        created_at: parse_time("createdAt", &s.created_at)?,
        expires_at: parse_time("expiresAt", &s.expires_at)?,
    })
}

pub fn job_to_js(j: &JobRecord) -> Value {
    json!({
        "id": j.id.as_str(),
        "company": j.company.as_str(),
        "igUserId": j.ig_user_id.as_str(),
        "idempotencyKey": j.idempotency_key,
        "payload": j.payload,
        "status": j.status.as_str(),
        "containerIds": j.container_ids,
        "mediaId": j.media_id,
        "permalink": j.permalink,
        "error": j.error,
        "scheduledAt": opt_time(&j.scheduled_at),
        "leaseOwner": j.lease_owner,
        "leaseExpiresAt": opt_time(&j.lease_expires_at),
        "attempts": j.attempts,
        "createdAt": time(&j.created_at),
        "updatedAt": time(&j.updated_at),
        "version": j.version,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsJob {
    id: String,
    company: String,
    ig_user_id: String,
    idempotency_key: String,
    #[serde(default)]
    payload: Value,
    status: String,
    #[serde(default)]
    container_ids: Vec<String>,
    media_id: Option<String>,
    permalink: Option<String>,
    error: Option<String>,
    scheduled_at: Option<String>,
    lease_owner: Option<String>,
    lease_expires_at: Option<String>,
    attempts: u32,
    created_at: String,
    updated_at: String,
    version: u64,
}

pub fn job_from_js(value: Value) -> Result<JobRecord, String> {
    let j: JsJob = parse(value)?;
    Ok(JobRecord {
        id: JobId::new(j.id),
        company: CompanyId::new(j.company),
        ig_user_id: IgUserId::new(j.ig_user_id),
        idempotency_key: j.idempotency_key,
        payload: j.payload,
        status: parse_enum("status", &j.status)?,
        container_ids: j.container_ids,
        media_id: j.media_id,
        permalink: j.permalink,
        error: j.error,
        scheduled_at: parse_opt_time("scheduledAt", j.scheduled_at.as_deref())?,
        lease_owner: j.lease_owner,
        lease_expires_at: parse_opt_time("leaseExpiresAt", j.lease_expires_at.as_deref())?,
        attempts: j.attempts,
        created_at: parse_time("createdAt", &j.created_at)?,
        updated_at: parse_time("updatedAt", &j.updated_at)?,
        version: j.version,
    })
}

/// `null` (or `undefined`) as `None`, anything else through `parse`.
pub fn optional<T>(
    value: Value,
    parse: impl FnOnce(Value) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match value {
        Value::Null => Ok(None),
        other => parse(other).map(Some),
    }
}

/// An array, each item through `parse` (the error names the index).
pub fn list<T>(value: Value, parse: impl Fn(Value) -> Result<T, String>) -> Result<Vec<T>, String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| parse(item).map_err(|e| format!("item {i}: {e}")))
            .collect(),
        other => Err(format!("expected an array, got {}", kind_of(&other))),
    }
}

/// The JSON type of a value, for error messages that must not echo the value itself.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
