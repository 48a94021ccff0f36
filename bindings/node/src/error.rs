//! Error mapping: every Rust error becomes a JS `Error` whose message carries a JSON payload
//! behind [`MARKER`]; the package's `errors.js` turns it into an `InstagraphError` subclass
//! (or a `TypeError` for bad arguments) with `code`, `subcode`, `fbtraceId`, `errorClass`,
//! `userTitle` and `userMessage`. Panics are caught and reported the same way.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use instagraph::{AuthError, Error, ErrorClass};
use serde_json::{json, Value};

/// The prefix of every encoded error message (`errors.js` looks for it).
pub const MARKER: &str = "__instagraph_error__:";

fn encode(payload: Value) -> napi::Error {
    napi::Error::new(napi::Status::GenericFailure, format!("{MARKER}{payload}"))
}

/// A bad argument from JavaScript: becomes a `TypeError` naming the argument.
pub fn type_error(argument: &str, reason: impl std::fmt::Display) -> napi::Error {
    encode(json!({
        "name": "TypeError",
        "argument": argument,
        "message": format!("invalid argument `{argument}`: {reason}"),
    }))
}

/// An error of the binding itself (a stopped sandbox, a panic, ...).
pub fn binding_error(what: &str, reason: impl std::fmt::Display) -> napi::Error {
    encode(json!({
        "name": "InstagraphError",
        "code": "BINDING",
        "message": format!("{what}: {reason}"),
    }))
}

pub fn class_name(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::Transient => "transient",
        ErrorClass::Throttled { .. } => "throttled",
        ErrorClass::ReauthRequired => "reauthRequired",
        ErrorClass::PermissionMissing => "permissionMissing",
        ErrorClass::InvalidInput => "invalidInput",
        ErrorClass::QuotaExceeded => "quotaExceeded",
        ErrorClass::NotReady => "notReady",
        ErrorClass::PolicyBlocked => "policyBlocked",
        _ => "unknown",
    }
}

/// Maps an SDK error, naming what failed (`what`, e.g. `AccountManager.add`).
pub fn sdk_error(what: &str, err: Error) -> napi::Error {
    let (name, code): (&str, Value) = match &err {
        Error::Graph { error, .. } => ("GraphApiError", json!(error.code)),
        Error::OutsideMessagingWindow { error, .. } => ("MessagingWindowError", json!(error.code)),
        Error::Http { .. } => ("HttpError", json!("HTTP")),
        Error::Decode { .. } => ("DecodeError", json!("DECODE")),
        Error::InvalidInput { .. } => ("InvalidInputError", json!("INVALID_INPUT")),
        Error::Config { .. } => ("ConfigError", json!("CONFIG")),
        Error::Auth(_) => ("AuthError", json!("AUTH")),
        Error::NotFound { .. } => ("NotFoundError", json!("NOT_FOUND")),
        Error::Store(_) => ("StoreError", json!("STORE")),
        Error::Publish { .. } => ("PublishError", json!("PUBLISH")),
        Error::QuotaExceeded { .. } => ("QuotaExceededError", json!("QUOTA_EXCEEDED")),
        Error::HashtagBudgetExceeded { .. } => {
            ("QuotaExceededError", json!("HASHTAG_BUDGET_EXCEEDED"))
        }
        Error::LeaseLost { .. } => ("PublishError", json!("LEASE_LOST")),
        Error::BatchTimedOut { .. } => ("HttpError", json!("BATCH_TIMED_OUT")),
        Error::RemovedMetric { .. } => ("InvalidInputError", json!("REMOVED_METRIC")),
        Error::ResponseTooLarge { .. } => ("HttpError", json!("RESPONSE_TOO_LARGE")),
        Error::TooManyItems { .. } => ("InvalidInputError", json!("TOO_MANY_ITEMS")),
        _ => ("InstagraphError", json!("UNKNOWN")),
    };
    let graph = err.graph().cloned();
    let field = match &err {
        Error::InvalidInput { field, .. } | Error::Config { field, .. } => json!(field),
        Error::Auth(auth) => json!(auth_field(auth)),
        _ => Value::Null,
    };
    let status = match &err {
        Error::Graph { status, .. } => json!(status),
        _ => Value::Null,
    };
    encode(json!({
        "name": name,
        "message": format!("{what} failed: {err}"),
        "code": code,
        "subcode": err.subcode(),
        "fbtraceId": graph.as_ref().and_then(|g| g.fbtrace_id.clone()),
        "errorClass": class_name(err.class()),
        "userTitle": graph.as_ref().and_then(|g| g.error_user_title.clone()),
        "userMessage": graph.as_ref().and_then(|g| g.error_user_msg.clone()),
        "field": field,
        "httpStatus": status,
    }))
}

/// The callback parameter an OAuth failure is about (`state` or `code`), so that callers can
/// tell a stale link from a bad code without reading the message.
fn auth_field(err: &AuthError) -> Option<&'static str> {
    match err {
        AuthError::StateUnknown
        | AuthError::StateExpired { .. }
        | AuthError::StateMalformed(_)
        | AuthError::StateMismatch(_) => Some("state"),
        AuthError::CodeReused | AuthError::CodeInvalid(_) | AuthError::MissingCode => Some("code"),
        AuthError::ConsentDenied { .. } | AuthError::ReconnectRequired { .. } => None,
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// Runs an async body, turning a panic into a JS error instead of unwinding into Node.
pub async fn guard<T, F>(what: &str, body: F) -> napi::Result<T>
where
    F: Future<Output = napi::Result<T>>,
{
    match AssertUnwindSafe(body).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(binding_error(
            what,
            format!("internal panic: {}", panic_message(payload)),
        )),
    }
}

/// Runs a sync body, turning a panic into a JS error.
pub fn guard_sync<T>(what: &str, body: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => Err(binding_error(
            what,
            format!("internal panic: {}", panic_message(payload)),
        )),
    }
}
