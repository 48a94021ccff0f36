//! The one error every binding call can fail with, mapped from the core's error vocabulary.
//!
//! uniffi's `flat_error` would drop the fields on the way out, so the error is an enum with a
//! single variant carrying every field (Kotlin: `InstagraphException.Failed`, Swift:
//! `InstagraphError.Failed`, Python: `InstagraphError.Failed`; catch the base type).

/// Which part of the SDK failed (`kind` of [`InstagraphError::Failed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ErrorKind {
    /// Meta answered with a Graph API error (`code`, `subcode`, `fbtrace_id` are set).
    Graph,
    /// A message was refused because the 24-hour messaging window is closed.
    MessagingWindow,
    /// The request never got an answer (connection, timeout).
    Http,
    /// The answer could not be decoded.
    Decode,
    /// An argument was refused before any network call (`argument` names it).
    InvalidArgument,
    /// The configuration is invalid (`argument` names the field).
    Config,
    /// An OAuth step failed (state, code exchange, denied consent).
    Auth,
    /// A row or object does not exist for this tenant.
    NotFound,
    /// The store failed.
    Store,
    /// A publish failed (container error, expired, ...).
    Publish,
    /// A quota or budget is used up.
    QuotaExceeded,
    /// Something else, including a failure of the binding itself.
    Other,
}

/// What to do about an error (the SDK's `ErrorClass`, flattened).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ErrorClass {
    /// Temporary: retrying later may succeed.
    Transient,
    /// Rate limited: retry after `retry_after_ms` when set.
    Throttled,
    /// The user must log in again.
    ReauthRequired,
    /// A permission (scope) or role is missing.
    PermissionMissing,
    /// The input was refused.
    InvalidInput,
    /// A quota is used up.
    QuotaExceeded,
    /// The object is not ready yet (a container still processing).
    NotReady,
    /// Meta's policy blocked the action.
    PolicyBlocked,
    /// Anything else.
    Unknown,
}

/// The error of every binding call.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum InstagraphError {
    /// Every failure, with the same fields whatever its kind.
    #[error("{reason}")]
    Failed {
        /// Which part failed.
        kind: ErrorKind,
        /// What to do about it.
        error_class: ErrorClass,
        /// A readable description (never a token).
        reason: String,
        /// The argument or field at fault (invalid arguments and configuration).
        argument: Option<String>,
        /// Meta's error `code` (Graph errors).
        code: Option<i64>,
        /// Meta's `error_subcode`.
        subcode: Option<i64>,
        /// Meta's `fbtrace_id`, to quote to Meta's support.
        fbtrace_id: Option<String>,
        /// The HTTP status of Meta's answer.
        http_status: Option<u16>,
        /// Meta's `error_user_title`.
        user_title: Option<String>,
        /// Meta's `error_user_msg`.
        user_message: Option<String>,
        /// When throttled: how long until the budget is back.
        retry_after_ms: Option<u64>,
    },
}

/// The result of every binding call.
pub type Result<T, E = InstagraphError> = std::result::Result<T, E>;

fn plain(
    kind: ErrorKind,
    class: ErrorClass,
    reason: String,
    argument: Option<String>,
) -> InstagraphError {
    InstagraphError::Failed {
        kind,
        error_class: class,
        reason,
        argument,
        code: None,
        subcode: None,
        fbtrace_id: None,
        http_status: None,
        user_title: None,
        user_message: None,
        retry_after_ms: None,
    }
}

/// A bad argument from the foreign side, named.
pub fn invalid(argument: &str, reason: impl std::fmt::Display) -> InstagraphError {
    plain(
        ErrorKind::InvalidArgument,
        ErrorClass::InvalidInput,
        format!("invalid argument `{argument}`: {reason}"),
        Some(argument.to_owned()),
    )
}

/// A failure of the binding itself (a stopped sandbox, a panic, ...).
pub fn binding(what: &str, reason: impl std::fmt::Display) -> InstagraphError {
    plain(
        ErrorKind::Other,
        ErrorClass::Unknown,
        format!("{what}: {reason}"),
        None,
    )
}

/// Rejects an empty or blank string argument.
pub fn required(argument: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(invalid(argument, "must be a non-empty string"))
    } else {
        Ok(())
    }
}

fn class_of(class: instagraph::ErrorClass) -> ErrorClass {
    use instagraph::ErrorClass as C;
    match class {
        C::Transient => ErrorClass::Transient,
        C::Throttled { .. } => ErrorClass::Throttled,
        C::ReauthRequired => ErrorClass::ReauthRequired,
        C::PermissionMissing => ErrorClass::PermissionMissing,
        C::InvalidInput => ErrorClass::InvalidInput,
        C::QuotaExceeded => ErrorClass::QuotaExceeded,
        C::NotReady => ErrorClass::NotReady,
        C::PolicyBlocked => ErrorClass::PolicyBlocked,
        _ => ErrorClass::Unknown,
    }
}

/// The [`ErrorKind`] of an SDK error, by the core's stable code.
fn kind_of(code: &str) -> ErrorKind {
    match code {
        "GRAPH" => ErrorKind::Graph,
        "MESSAGING_WINDOW" => ErrorKind::MessagingWindow,
        "HTTP" | "BATCH_TIMED_OUT" | "RESPONSE_TOO_LARGE" => ErrorKind::Http,
        "DECODE" => ErrorKind::Decode,
        "INVALID_INPUT" | "REMOVED_METRIC" | "TOO_MANY_ITEMS" => ErrorKind::InvalidArgument,
        "CONFIG" => ErrorKind::Config,
        "AUTH" => ErrorKind::Auth,
        "NOT_FOUND" => ErrorKind::NotFound,
        "STORE" => ErrorKind::Store,
        "PUBLISH" | "LEASE_LOST" => ErrorKind::Publish,
        "QUOTA_EXCEEDED" | "HASHTAG_BUDGET_EXCEEDED" => ErrorKind::QuotaExceeded,
        _ => ErrorKind::Other,
    }
}

/// Maps an SDK error, naming what failed (`what`, e.g. `AccountManager.add`), from the core's
/// error vocabulary (`code`, `field`, `http_status`, `retry_after`, `class`, the Graph error).
pub fn sdk(what: &str, err: instagraph::Error) -> InstagraphError {
    let graph = err.graph().cloned();
    InstagraphError::Failed {
        kind: kind_of(err.code()),
        error_class: class_of(err.class()),
        reason: format!("{what} failed: {err}"),
        argument: err.field().map(str::to_owned),
        code: graph.as_ref().map(|g| g.code),
        subcode: err.subcode(),
        fbtrace_id: graph.as_ref().and_then(|g| g.fbtrace_id.clone()),
        http_status: err.http_status(),
        user_title: graph.as_ref().and_then(|g| g.error_user_title.clone()),
        user_message: graph.as_ref().and_then(|g| g.error_user_msg.clone()),
        retry_after_ms: err
            .retry_after()
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    }
}

/// A store error reached directly (opening a store).
pub fn store(what: &str, err: instagraph::store::StoreError) -> InstagraphError {
    sdk(what, instagraph::Error::Store(err))
}
