//! Error mapping: every Rust error becomes a JS `Error` whose message carries a JSON payload
//! behind [`MARKER`]; the package's `errors.js` turns it into an `InstagraphError` subclass
//! (or a `TypeError` for bad arguments) with `code`, `subcode`, `fbtraceId`, `errorClass`,
//! `userTitle` and `userMessage`. Panics are caught and reported the same way.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use instagraph::{Error, ErrorClass};
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

/// The JS class of an SDK error, by the core's stable code.
fn class_of(code: &str) -> &'static str {
    match code {
        "GRAPH" => "GraphApiError",
        "MESSAGING_WINDOW" => "MessagingWindowError",
        "HTTP" | "BATCH_TIMED_OUT" | "RESPONSE_TOO_LARGE" => "HttpError",
        "DECODE" => "DecodeError",
        "INVALID_INPUT" | "REMOVED_METRIC" | "TOO_MANY_ITEMS" => "InvalidInputError",
        "CONFIG" => "ConfigError",
        "AUTH" => "AuthError",
        "NOT_FOUND" => "NotFoundError",
        "STORE" => "StoreError",
        "PUBLISH" | "LEASE_LOST" => "PublishError",
        "QUOTA_EXCEEDED" | "HASHTAG_BUDGET_EXCEEDED" => "QuotaExceededError",
        _ => "InstagraphError",
    }
}

/// Maps an SDK error, naming what failed (`what`, e.g. `AccountManager.add`), from the core's
/// error vocabulary (`code`, `field`, `http_status`, `class`, the Graph error's fields).
pub fn sdk_error(what: &str, err: Error) -> napi::Error {
    let graph = err.graph().cloned();
    // A Graph error's `code` in JS is Meta's numeric code; the others carry the core's code.
    let code = match (err.code(), &graph) {
        ("GRAPH" | "MESSAGING_WINDOW", Some(g)) => json!(g.code),
        (code, _) => json!(code),
    };
    encode(json!({
        "name": class_of(err.code()),
        "message": format!("{what} failed: {err}"),
        "code": code,
        "subcode": err.subcode(),
        "fbtraceId": graph.as_ref().and_then(|g| g.fbtrace_id.clone()),
        "errorClass": class_name(err.class()),
        "userTitle": graph.as_ref().and_then(|g| g.error_user_title.clone()),
        "userMessage": graph.as_ref().and_then(|g| g.error_user_msg.clone()),
        "field": err.field(),
        "httpStatus": err.http_status(),
    }))
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
