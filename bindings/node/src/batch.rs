//! `Batch`: many Graph operations in few requests (Meta takes 50 per request; the SDK splits
//! longer lists and sends the requests concurrently). One operation failing is reported in its
//! own result, as an object; only a refused or wholly failed batch rejects.

use std::sync::Arc;

use instagraph::api::{BatchOp, BatchResult, MAX_BATCH_CONCURRENCY};
use instagraph::{CompanyId, Error, IgUserId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};

use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{class_name, guard, sdk_error, type_error};
use crate::store::Lazy;

/// The most operations one `send` accepts (they go out as requests of 50).
const MAX_OPERATIONS: usize = 1000;

/// Options of `send`.
#[napi(object)]
pub struct BatchOptions {
    /// Batch requests in flight at once when there are more than 50 operations (1 to 16;
    /// default 4).
    pub concurrency: Option<u32>,
}

/// A form value: strings as they are, numbers and booleans as text, objects and arrays as
/// JSON (as the Graph API reads `children`, `user_tags`, ...).
fn form_value(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
            Some(value.to_string())
        }
    }
}

/// One JS operation `{ method, relativeUrl, body? }` to a `BatchOp`.
fn op(index: usize, value: &Value) -> napi::Result<BatchOp> {
    let at = |field: &str| format!("ops[{index}].{field}");
    let Value::Object(map) = value else {
        return Err(type_error(&format!("ops[{index}]"), "must be an object"));
    };
    let url = match map.get("relativeUrl").or_else(|| map.get("relative_url")) {
        Some(Value::String(url)) if !url.trim().is_empty() => url.clone(),
        _ => {
            return Err(type_error(
                &at("relativeUrl"),
                "must be a non-empty path relative to the Graph host",
            ))
        }
    };
    let method = match map.get("method") {
        None | Some(Value::Null) => "GET".to_owned(),
        Some(Value::String(m)) => m.to_ascii_uppercase(),
        Some(_) => return Err(type_error(&at("method"), "must be GET, POST or DELETE")),
    };
    let body = match map.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::Object(fields)) => Some(fields),
        Some(_) => {
            return Err(type_error(
                &at("body"),
                "must be an object of form fields (POST only)",
            ))
        }
    };
    match (method.as_str(), body) {
        ("GET", None) => Ok(BatchOp::get(url)),
        ("DELETE", None) => Ok(BatchOp::delete(url)),
        ("POST", fields) => {
            let pairs: Vec<(String, String)> = fields
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| form_value(v).map(|v| (k.clone(), v)))
                .collect();
            Ok(BatchOp::post(url, pairs))
        }
        ("GET" | "DELETE", Some(_)) => Err(type_error(&at("body"), "is only allowed with POST")),
        (other, _) => Err(type_error(
            &at("method"),
            format!("{other:?} is not GET, POST or DELETE"),
        )),
    }
}

/// One outcome: `{ ok, code, body, headers, error }`; `body` is the parsed JSON (or the text
/// when it is not JSON); `error` is `{ code, subcode, type, message, fbtraceId, errorClass,
/// httpStatus, ... }` for an operation that failed alone.
fn outcome(result: BatchResult) -> Value {
    match result {
        Ok(response) => {
            let body = serde_json::from_str::<Value>(&response.body)
                .unwrap_or_else(|_| Value::String(response.body.clone()));
            json!({
                "ok": true,
                "code": response.code,
                "body": body,
                "headers": response.headers.iter().map(|h| json!({
                    "name": h.name, "value": h.value,
                })).collect::<Vec<_>>(),
                "error": null,
            })
        }
        Err(err) => {
            let class = class_name(err.class());
            let (status, error) = match &err {
                Error::Graph { error, status, .. } => (
                    json!(status),
                    json!({
                        "code": error.code,
                        "subcode": error.error_subcode,
                        "type": error.kind,
                        "message": error.message,
                        "userTitle": error.error_user_title,
                        "userMessage": error.error_user_msg,
                        "fbtraceId": error.fbtrace_id,
                        "isTransient": error.is_transient,
                        "errorClass": class,
                        "httpStatus": status,
                    }),
                ),
                Error::BatchTimedOut { .. } => (
                    Value::Null,
                    json!({
                        "code": "BATCH_TIMED_OUT",
                        "message": err.to_string(),
                        "errorClass": class,
                    }),
                ),
                other => (
                    Value::Null,
                    json!({ "code": "UNKNOWN", "message": other.to_string(), "errorClass": class }),
                ),
            };
            json!({ "ok": false, "code": status, "body": null, "headers": [], "error": error })
        }
    }
}

/// Graph operations on an account, batched.
#[napi]
pub struct Batch {
    lazy: Arc<Lazy>,
}

#[napi]
impl Batch {
    /// Batches for the accounts of an `AccountManager`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// Sends `ops` (`[{ method: "GET" | "POST" | "DELETE", relativeUrl, body? }]`, 1 to 1000;
    /// more than 50 go out as several requests) with the account's token, and resolves to one
    /// result per operation, in order. An operation that fails alone has `ok: false` and an
    /// `error` object; the promise rejects only for bad arguments or a batch request that
    /// failed as a whole.
    #[napi(
        ts_args_type = "companyId: string, igUserId: string, ops: BatchOperation[], options?: BatchOptions | undefined | null",
        ts_return_type = "Promise<BatchOutcome[]>"
    )]
    pub async fn send(
        &self,
        company_id: String,
        ig_user_id: String,
        ops: Vec<Value>,
        options: Option<BatchOptions>,
    ) -> Result<Value> {
        const WHAT: &str = "Batch.send";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            if ops.is_empty() || ops.len() > MAX_OPERATIONS {
                return Err(type_error(
                    "ops",
                    format!(
                        "must hold 1 to {MAX_OPERATIONS} operations (it holds {})",
                        ops.len()
                    ),
                ));
            }
            let ops = ops
                .iter()
                .enumerate()
                .map(|(i, v)| op(i, v))
                .collect::<napi::Result<Vec<_>>>()?;
            let concurrency = match options.and_then(|o| o.concurrency) {
                None => None,
                Some(n) if (1..=MAX_BATCH_CONCURRENCY).contains(&(n as usize)) => Some(n as usize),
                Some(_) => {
                    return Err(type_error(
                        "options.concurrency",
                        format!("must be 1 to {MAX_BATCH_CONCURRENCY}"),
                    ))
                }
            };
            let manager = self.lazy.get(WHAT).await?;
            let access = manager
                .access(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let mut batch = access.graph(manager.client()).batch();
            if let Some(n) = concurrency {
                batch = batch.concurrency(n);
            }
            for op in ops {
                batch.push(op);
            }
            let results = batch.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(Value::Array(results.into_iter().map(outcome).collect()))
        })
        .await
    }
}
