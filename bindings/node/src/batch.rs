//! `Batch`: many Graph operations in few requests (Meta takes 50 per request; the SDK splits
//! longer lists and sends the requests concurrently). One operation failing is reported in its
//! own result, as an object; only a refused or wholly failed batch rejects.

use std::sync::Arc;

use instagraph::api::{BatchOp, BatchResult, MAX_BATCH_CONCURRENCY};
use instagraph::{CompanyId, Error, IgUserId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

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

/// One batch operation (checked by the Rust side, which names a bad field: `ops[1].method`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct BatchOperation {
    /// Default `GET`.
    #[napi(ts_type = "'GET' | 'POST' | 'DELETE'")]
    pub method: Option<String>,
    /// Relative to the Graph host (`{id}?fields=...`); the configured version is prefixed.
    pub relative_url: String,
    /// POST only: form fields (objects and arrays are sent as JSON).
    #[napi(ts_type = "Record<string, unknown>")]
    pub body: Option<Value>,
}

/// A response header of one operation.
#[napi(object)]
pub struct BatchHeader {
    /// The header's name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// Why one operation failed.
#[napi(object, use_nullable = true)]
pub struct BatchError {
    /// Meta's numeric code, or `BATCH_TIMED_OUT` / `UNKNOWN`.
    pub code: Either<i64, String>,
    /// Meta's `error_subcode`.
    pub subcode: Option<i64>,
    /// Meta's error type (`OAuthException`, ...).
    #[napi(js_name = "type")]
    pub kind: Option<String>,
    /// Meta's message, or the SDK's.
    pub message: String,
    /// Meta's `error_user_title`.
    pub user_title: Option<String>,
    /// Meta's `error_user_msg`.
    pub user_message: Option<String>,
    /// Meta's `fbtrace_id`.
    pub fbtrace_id: Option<String>,
    /// Meta's `is_transient`.
    pub is_transient: Option<bool>,
    /// What to do about it (as `InstagraphError.errorClass`).
    pub error_class: String,
    /// The operation's HTTP status.
    pub http_status: Option<u32>,
}

/// The outcome of one batch operation.
#[napi(object, use_nullable = true)]
pub struct BatchOutcome {
    /// Whether the operation succeeded.
    pub ok: bool,
    /// The operation's HTTP status (null when Meta timed it out).
    pub code: Option<u32>,
    /// The parsed JSON answer (the text when not JSON); null for an error.
    #[napi(ts_type = "unknown")]
    pub body: Option<Value>,
    /// The response headers.
    pub headers: Vec<BatchHeader>,
    /// Why it failed (null when it succeeded).
    pub error: Option<BatchError>,
}

fn outcome(result: BatchResult) -> BatchOutcome {
    match result {
        Ok(response) => {
            let body = serde_json::from_str::<Value>(&response.body)
                .unwrap_or_else(|_| Value::String(response.body.clone()));
            BatchOutcome {
                ok: true,
                code: Some(u32::from(response.code)),
                body: Some(body),
                headers: response
                    .headers
                    .iter()
                    .map(|h| BatchHeader {
                        name: h.name.clone(),
                        value: h.value.clone(),
                    })
                    .collect(),
                error: None,
            }
        }
        Err(err) => {
            let class = class_name(err.class()).to_owned();
            let (status, error) = match &err {
                Error::Graph { error, status, .. } => (
                    Some(u32::from(*status)),
                    BatchError {
                        code: Either::A(error.code),
                        subcode: error.error_subcode,
                        kind: error.kind.clone(),
                        message: error.message.clone(),
                        user_title: error.error_user_title.clone(),
                        user_message: error.error_user_msg.clone(),
                        fbtrace_id: error.fbtrace_id.clone(),
                        is_transient: error.is_transient,
                        error_class: class,
                        http_status: Some(u32::from(*status)),
                    },
                ),
                other => (
                    None,
                    BatchError {
                        code: Either::B(
                            match other {
                                Error::BatchTimedOut { .. } => "BATCH_TIMED_OUT",
                                _ => "UNKNOWN",
                            }
                            .to_owned(),
                        ),
                        subcode: None,
                        kind: None,
                        message: other.to_string(),
                        user_title: None,
                        user_message: None,
                        fbtrace_id: None,
                        is_transient: None,
                        error_class: class,
                        http_status: None,
                    },
                ),
            };
            BatchOutcome {
                ok: false,
                code: status,
                body: None,
                headers: Vec::new(),
                error: Some(error),
            }
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
    ///
    /// Core: Graph::batch
    #[napi]
    pub async fn send(
        &self,
        company_id: String,
        ig_user_id: String,
        #[napi(ts_arg_type = "BatchOperation[]")] ops: Vec<Value>,
        options: Option<BatchOptions>,
    ) -> Result<Vec<BatchOutcome>> {
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
            Ok(results.into_iter().map(outcome).collect())
        })
        .await
    }
}
