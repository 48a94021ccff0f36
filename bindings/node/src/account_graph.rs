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

use crate::convert::{camel_keys, required};
use crate::error::{sdk_error, type_error};
use crate::store::Lazy;

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
pub enum Json {
    /// A value, serialised when handed over.
    Value(Value),
    /// JSON text already written (and known to be valid JSON).
    Text(String),
}

impl From<Value> for Json {
    fn from(value: Value) -> Self {
        Json::Value(value)
    }
}

/// Copies JSON `text` (valid JSON) to `out`, rewriting object keys from `snake_case` to
/// `camelCase` as [`crate::convert::camel_keys`] does, in one pass and without decoding
/// values. Keys with escapes are copied as they are (Graph keys have none).
pub(crate) fn camel_json(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    // Whether each open container is an object; a string right after `{` or an object's `,`
    // is a key.
    let mut objects: Vec<bool> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        match bytes.get(i).copied().unwrap_or(b' ') {
            b'{' => {
                objects.push(true);
                expect_key = true;
            }
            b'[' => {
                objects.push(false);
                expect_key = false;
            }
            b'}' | b']' => {
                objects.pop();
                expect_key = false;
            }
            b',' => expect_key = objects.last() == Some(&true),
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while let Some(&c) = bytes.get(j) {
                    if c == b'\\' {
                        escaped = true;
                        j += 2;
                        continue;
                    }
                    if c == b'"' {
                        break;
                    }
                    j += 1;
                }
                let key = text.get(start..j).unwrap_or("");
                if expect_key && !escaped && key.contains('_') {
                    out.push_str(text.get(copied..start).unwrap_or(""));
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
                    copied = j;
                }
                expect_key = false;
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(text.get(copied..).unwrap_or(""));
}

/// The text of member `name` of the top-level object of JSON `text` (valid JSON, checked by
/// the caller), without decoding anything.
pub(crate) fn top_level_member<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // Where the wanted member's value starts, once its key has been seen at depth 1.
    let mut value_start: Option<usize> = None;
    let mut after_key = false;
    while i < bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        match c {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while let Some(&b) = bytes.get(j) {
                    if b == b'\\' {
                        j += 2;
                        continue;
                    }
                    if b == b'"' {
                        break;
                    }
                    j += 1;
                }
                // A key at depth 1 is followed by `:` (after optional whitespace).
                if depth == 1 && value_start.is_none() {
                    let rest = text.get(j + 1..).unwrap_or("").trim_start();
                    if rest.starts_with(':') && text.get(start..j) == Some(name) {
                        after_key = true;
                    }
                }
                i = j;
            }
            b':' if after_key && depth == 1 => {
                value_start = Some(i + 1);
                after_key = false;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 1 {
                    if let Some(start) = value_start {
                        return text.get(start..i).map(str::trim);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            b',' if depth == 1 => {
                if let Some(start) = value_start {
                    return text.get(start..i).map(str::trim);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

impl napi::bindgen_prelude::ToNapiValue for Json {
    /// # Safety
    /// Called by napi on the JS thread with a live `env`, as every `ToNapiValue`.
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        val: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        use napi::{check_status, sys};
        let text = match val {
            Json::Text(text) => text,
            Json::Value(value) => serde_json::to_string(&value)
                .map_err(|e| crate::error::binding_error("encoding a result", e))?,
        };
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

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::{camel_json, top_level_member};
    use crate::convert::camel_keys;
    use serde_json::{json, Value};

    fn camel(text: &str) -> String {
        let mut out = String::new();
        camel_json(text, &mut out);
        out
    }

    #[test]
    fn keys_only_and_same_as_camel_keys() {
        let value = json!({
            "data": [{"name": "reach", "end_time": "2026-01-01T00:00:00+0000",
                      "total_value": {"value": 3, "breakdowns": [{"dimension_keys": ["a_b"]}]},
                      "values": [{"value": 1, "end_time": null}], "title": "x_y: \"q_r\"",
                      "a_b_c": {}, "e_": [], "_f": [[{"g_h": "i_j"}], "k_l"]}],
            "paging": {"cursors": {"before": "x_1"}, "next_page": true}
        });
        let text = value.to_string();
        let out = camel(&text);
        let parsed: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(parsed, camel_keys(value));
        assert!(out.contains("\"a_b\"") && out.contains("\"i_j\"") && out.contains("x_1"));
    }

    #[test]
    fn finds_top_level_members() {
        let text = r#"{"paging":{"data":1},"x":"data","data" : [{"data":2},"]"] ,"y":{}}"#;
        assert_eq!(top_level_member(text, "data"), Some(r#"[{"data":2},"]"]"#));
        assert_eq!(top_level_member(text, "y"), Some("{}"));
        assert_eq!(top_level_member(text, "x"), Some(r#""data""#));
        assert_eq!(top_level_member(r#"{"data":[]}"#, "data"), Some("[]"));
        assert_eq!(top_level_member(r#"{"a":"data"}"#, "data"), None);
        assert_eq!(top_level_member("[1]", "data"), None);
    }

    #[test]
    fn escaped_keys_and_odd_texts_are_copied() {
        assert_eq!(camel(r#"{"a\u005fb":1}"#), r#"{"a\u005fb":1}"#);
        assert_eq!(camel(r#"["a_b",{"c_d":"e_f"}]"#), r#"["a_b",{"cD":"e_f"}]"#);
        assert_eq!(camel("{}"), "{}");
        assert_eq!(camel(r#"  { "x_y" : [ ] } "#), r#"  { "xY" : [ ] } "#);
        assert_eq!(camel(""), "");
    }
}
