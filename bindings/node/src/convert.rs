//! Rust values to plain JS objects (camelCase keys) and back.

use chrono::{DateTime, Utc};
use instagraph::accounts::{ConnectStart, Connection, ConnectionStatus, SweepReport};
use instagraph::store::AccountRecord;
use serde_json::{json, Map, Value};

use crate::error::type_error;

fn time(t: &DateTime<Utc>) -> Value {
    json!(t.to_rfc3339())
}

/// Converts `snake_case` keys to `camelCase`, recursively.
pub fn camel_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (to_camel(&k), camel_keys(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_keys).collect()),
        other => other,
    }
}

/// Converts `camelCase` keys to `snake_case`, recursively.
pub fn snake_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (to_snake(&k), snake_keys(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        other => other,
    }
}

fn to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn to_snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A required, non-empty string argument.
pub fn required(argument: &str, value: &str) -> napi::Result<()> {
    if value.trim().is_empty() {
        Err(type_error(argument, "must be a non-empty string"))
    } else {
        Ok(())
    }
}

pub fn connect_start(start: &ConnectStart) -> Value {
    json!({
        "url": start.url,
        "state": start.state,
        "redirectUri": start.redirect_uri,
        "scopes": start.scopes,
        "appId": start.app_id,
        "expiresAt": time(&start.expires_at),
    })
}

pub fn account(record: &AccountRecord) -> Value {
    json!({
        "company": record.company.as_str(),
        "igUserId": record.ig_user_id.as_str(),
        "clientId": record.client_id.as_ref().map(|c| c.as_str()),
        "facebookUserId": record.facebook_user_id.as_ref().map(|c| c.as_str()),
        "tokenId": record.token_id.as_ref().map(|c| c.as_str()),
        "pageId": record.page_id.as_ref().map(|c| c.as_str()),
        "businessId": record.business_id.as_ref().map(|c| c.as_str()),
        "source": record.source.as_str(),
        "isAdded": record.is_added,
        "assignedClientId": record.assigned_client_id.as_ref().map(|c| c.as_str()),
        "username": record.username,
        "name": record.name,
        "profilePictureUrl": record.profile_picture_url,
        "followersCount": record.followers_count,
        "accountType": record.account_type,
        "createdAt": time(&record.created_at),
        "updatedAt": time(&record.updated_at),
    })
}

pub fn connection(c: &Connection) -> Value {
    json!({
        "company": c.company.as_str(),
        "login": c.login.as_str(),
        "userId": c.user_id,
        "userName": c.user_name,
        "email": c.email,
        "tokenId": c.token_id.as_str(),
        "tokenExpiresAt": c.token_expires_at.as_ref().map(time),
        "accounts": c.accounts.iter().map(account).collect::<Vec<_>>(),
        "inserted": c.inserted,
        "skipped": c.skipped.iter().map(|s| json!({
            "edge": s.edge, "code": s.code, "message": s.message,
        })).collect::<Vec<_>>(),
    })
}

pub fn connection_status(s: &ConnectionStatus) -> Value {
    json!({
        "tokenId": s.token_id.as_str(),
        "login": s.login.as_str(),
        "valid": s.valid,
        "expiresAt": s.expires_at.as_ref().map(time),
        "scopes": s.scopes,
        "missingScopes": s.missing_scopes,
        "reason": s.reason,
    })
}

pub fn sweep_report(r: &SweepReport) -> Value {
    json!({
        "refreshed": r.refreshed.iter().map(|(id, expires)| json!({
            "tokenId": id.as_str(),
            "expiresAt": expires.as_ref().map(time),
        })).collect::<Vec<_>>(),
        "reconnect": r.reconnect.iter().map(|n| json!({
            "tokenId": n.token_id.as_str(),
            "login": n.login.as_str(),
            "subjectId": n.subject_id,
            "expiresAt": n.expires_at.as_ref().map(time),
            "reason": n.reason,
            "accounts": n.accounts.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A non-negative whole number argument (JS numbers are doubles).
pub fn count(argument: &str, value: f64) -> napi::Result<u64> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0
    {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(value as u64)
    } else {
        Err(type_error(argument, "must be a whole number >= 0"))
    }
}
