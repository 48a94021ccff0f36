//! What the read/engage classes (`Media`, `Comments`, `Mentions`, `Hashtags`, `Insights`,
//! `Messaging`) share: resolving `(companyId, igUserId)` to the account's token and host inside
//! Rust (the token never reaches JavaScript), option parsing, and paged results as
//! `{ data, paging }`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use instagraph::accounts::AccountAccess;
use instagraph::api::Graph;
use instagraph::{CompanyId, IgUserId, Page};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::accounts::Lazy;
use crate::convert::{camel_keys, required};
use crate::error::{sdk_error, type_error};

/// An account opened for calls: its client and its access (token + host), both kept in Rust.
pub(crate) struct Account {
    pub client: instagraph::Client,
    pub access: AccountAccess,
}

impl Account {
    /// The Graph handlers for this account.
    pub fn graph(&self) -> Graph<'_> {
        self.access.graph(&self.client)
    }

    /// The account's IG user id.
    pub fn ig(&self) -> &IgUserId {
        &self.access.ig_user_id
    }
}

/// Checks the two ids, then finds the account's token in the store. An account of another
/// company is `NotFoundError`, as an unknown one.
pub(crate) async fn open(
    lazy: &Arc<Lazy>,
    what: &str,
    company_id: &str,
    ig_user_id: &str,
) -> napi::Result<Account> {
    required("companyId", company_id)?;
    required("igUserId", ig_user_id)?;
    let manager = lazy.get(what).await?;
    let access = manager
        .access(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
        .await
        .map_err(|e| sdk_error(what, e))?;
    Ok(Account {
        client: manager.client().clone(),
        access,
    })
}

/// A model as a plain JS value with camelCase keys.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value)
        .map(camel_keys)
        .unwrap_or(Value::Null)
}

/// A page as `{ data, paging: { before, after, hasNext } }`; pass `paging.after` back as
/// `options.after` for the next page.
pub(crate) fn page<T: Serialize + DeserializeOwned + Send + Sync + 'static>(
    page: &Page<T>,
) -> Value {
    let cursors = page.paging.as_ref().and_then(|p| p.cursors.as_ref());
    json!({
        "data": page.items.iter().map(to_js).collect::<Vec<_>>(),
        "paging": {
            "before": cursors.and_then(|c| c.before.clone()),
            "after": cursors.and_then(|c| c.after.clone()),
            "hasNext": page.has_next(),
        },
    })
}

/// A time argument: an RFC 3339 string (`date.toISOString()` for a `Date`) or Unix seconds.
pub(crate) fn time(argument: &str, value: &Value) -> napi::Result<DateTime<Utc>> {
    match value {
        Value::String(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| type_error(argument, format!("{s:?} is not an RFC 3339 time: {e}"))),
        Value::Number(n) => n
            .as_i64()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| type_error(argument, "is not a Unix time in seconds")),
        _ => Err(type_error(
            argument,
            "must be an RFC 3339 string or Unix seconds (date.toISOString() for a Date)",
        )),
    }
}

/// A `fields` option: a non-empty list of non-empty names.
pub(crate) fn fields(argument: &str, fields: &[String]) -> napi::Result<()> {
    if fields.is_empty() {
        return Err(type_error(argument, "must list at least one field"));
    }
    if fields.iter().any(|f| f.trim().is_empty()) {
        return Err(type_error(argument, "field names cannot be empty"));
    }
    Ok(())
}

/// A `limit` option: at least 1.
pub(crate) fn limit(argument: &str, limit: Option<u32>) -> napi::Result<Option<u32>> {
    match limit {
        Some(0) => Err(type_error(argument, "must be at least 1")),
        other => Ok(other),
    }
}

/// A result handed to JS as JSON text that V8's `JSON.parse` turns into objects.
///
/// Measured with the bench (bench/README.md): for the bulk results (1,000 media, their ~10,000
/// insight values) `JSON.parse` builds the objects several times faster than napi's
/// property-by-property conversion of a `serde_json::Value`, which made `Insights.mediaBatch`
/// slower than plain `fetch` + `res.json()`. The resulting JS values are the same.
pub struct Json(pub(crate) Value);

impl napi::bindgen_prelude::ToNapiValue for Json {
    /// # Safety
    /// Called by napi on the JS thread with a live `env`, as every `ToNapiValue`.
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        val: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        use napi::{check_status, sys};
        let text = serde_json::to_string(&val.0)
            .map_err(|e| crate::error::binding_error("encoding a result", e))?;
        let len = isize::try_from(text.len())
            .map_err(|_| crate::error::binding_error("encoding a result", "too large"))?;
        let mut global = std::ptr::null_mut();
        check_status!(sys::napi_get_global(env, &mut global))?;
        let mut json = std::ptr::null_mut();
        check_status!(sys::napi_get_named_property(
            env,
            global,
            c"JSON".as_ptr(),
            &mut json
        ))?;
        let mut parse = std::ptr::null_mut();
        check_status!(sys::napi_get_named_property(
            env,
            json,
            c"parse".as_ptr(),
            &mut parse
        ))?;
        let mut string = std::ptr::null_mut();
        check_status!(sys::napi_create_string_utf8(
            env,
            text.as_ptr().cast(),
            len,
            &mut string
        ))?;
        let mut out = std::ptr::null_mut();
        check_status!(sys::napi_call_function(
            env, json, parse, 1, &string, &mut out
        ))?;
        Ok(out)
    }
}
