//! Errors: one [`Error`] enum for every failure, Graph API errors kept whole, and an
//! [`ErrorClass`] that tells a caller what to do about one.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::ids::{ContainerId, JobId};
use crate::store::StoreError;

mod auth;
mod graph;
mod publish;
mod vocabulary;

pub use auth::AuthError;
pub use graph::GraphApiError;
pub use publish::{MediaRef, PublishFailure};

/// A crate-wide result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to do about an error. More classes may come: match with a `_` arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// A temporary failure: retrying later may succeed.
    Transient,
    /// A rate limit was hit; `retry_after` is Meta's estimate when it gave one.
    Throttled {
        /// How long until the budget is back, from `estimated_time_to_regain_access`.
        retry_after: Option<Duration>,
    },
    /// The token is expired, revoked or invalid: the user must log in again.
    ReauthRequired,
    /// The token lacks a permission (scope) or a role on the object.
    PermissionMissing,
    /// A parameter was wrong: fix the request, retrying will not help.
    InvalidInput,
    /// The publishing quota (or another count limit) is used up.
    QuotaExceeded,
    /// The object is not ready yet (a container still processing).
    NotReady,
    /// Meta blocked the action by policy (spam, restricted account, messaging window).
    PolicyBlocked,
    /// Not classified.
    Unknown,
}

impl ErrorClass {
    /// Whether the request pipeline retries this class on its own.
    pub fn is_retryable(self) -> bool {
        matches!(self, ErrorClass::Transient | ErrorClass::Throttled { .. })
    }
}

/// Where a failed request went: never the token, never the query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// HTTP method.
    pub method: String,
    /// Host label and path, e.g. `graph.facebook.com/v26.0/17841400000000001/media`.
    pub path: String,
    /// The container concerned, when the call was about one.
    pub container_id: Option<String>,
    /// The media URL concerned, when the call carried one.
    pub media_url: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
}

impl fmt::Display for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(c) = &self.container_id {
            write!(f, " [container {c}]")?;
        }
        if let Some(u) = &self.media_url {
            write!(f, " [media {u}]")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

/// Every failure of the SDK.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Graph API answered with an error.
    #[error("Graph API error on {context}: {error}")]
    Graph {
        /// Meta's error, every field kept.
        error: Box<GraphApiError>,
        /// The HTTP status of the answer.
        status: u16,
        /// Where the request went.
        context: Box<RequestContext>,
        /// When a throttling error may clear, from the usage headers.
        retry_after: Option<Duration>,
    },
    /// The request did not get an answer (connect, timeout, reset). The URL is stripped.
    #[error("HTTP failure on {context}: {source}")]
    Http {
        /// Where the request went.
        context: Box<RequestContext>,
        /// The transport error, without its URL.
        #[source]
        source: reqwest::Error,
    },
    /// The answer's body is larger than the client's `max_response_bytes`
    /// ([`crate::ClientBuilder::max_response_bytes`]): refused as soon as its `Content-Length`
    /// or the bytes received so far went past the limit, never read whole.
    #[error(
        "the answer of {context} is larger than the limit of {limit} bytes (max_response_bytes)"
    )]
    ResponseTooLarge {
        /// The limit in force, in bytes.
        limit: u64,
        /// Where the request went.
        context: Box<RequestContext>,
    },
    /// A paged listing holds more items than a collecting call accepts
    /// ([`crate::Page::collect_all`] and the calls built on it): it stopped reading pages there
    /// instead of following `next` links for ever.
    #[error("the listing of {context} has more than {limit} items, the limit of this call; ask for fewer, or read it page by page with into_stream()")]
    TooManyItems {
        /// The most items the call accepts.
        limit: usize,
        /// The first request of the listing.
        context: Box<RequestContext>,
    },
    /// The answer was not the JSON the model expects.
    #[error("could not decode the answer of {context}: {message}")]
    Decode {
        /// Where the request went.
        context: Box<RequestContext>,
        /// serde's explanation (no body excerpt: bodies may hold tokens).
        message: String,
    },
    /// An argument was refused before any network call.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument or field at fault.
        field: &'static str,
        /// What is wrong and what the limit is.
        reason: String,
    },
    /// The configuration is incomplete or wrong.
    #[error("invalid configuration {field}: {reason}")]
    Config {
        /// The setting at fault (e.g. `app_id`, `INSTAGRAM_MODE`).
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A login step failed.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// Something the caller named does not exist in its tenant.
    #[error("{what} {id} not found")]
    NotFound {
        /// What kind of thing (`company`, `account`, `token`, …).
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Publishing a post failed: which media, which container, and the cause mapped from Meta's
    /// subcode (or from the container's `ERROR`/`EXPIRED` status).
    #[error("{}", publish_message(.media, .container_id.as_ref(), .cause, .message))]
    Publish {
        /// The media concerned: the post's media URL, a carousel child's index and URL, or the
        /// carousel container.
        media: MediaRef,
        /// The container concerned, when one was created.
        container_id: Option<ContainerId>,
        /// What went wrong, mapped from the subcode.
        cause: PublishFailure,
        /// Meta's message or the container's `status` text (never a token).
        message: String,
        /// Meta's error, when the failure came from an error response.
        graph: Option<Box<GraphApiError>>,
    },
    /// The account's publishing quota (posts per rolling 24 hours) is used up: refused before
    /// any call that would fail.
    #[error(
        "publishing quota exceeded: {used} of {total} posts used in the rolling window; a slot frees at {frees_at}"
    )]
    QuotaExceeded {
        /// Posts counted in the current window.
        used: u64,
        /// Posts allowed per window.
        total: u64,
        /// When (at the latest, by the publisher's accounting) a slot frees up.
        frees_at: DateTime<Utc>,
    },
    /// A publish job's lease was taken over by another worker: this one stopped working on it.
    #[error("the lease of publish job {job_id} was lost to another worker; stopped")]
    LeaseLost {
        /// The job.
        job_id: JobId,
    },
    /// An operation of a batch request came back `null`: Meta timed it out. It may or may not
    /// have run; a GET can simply be sent again.
    #[error("batch operation {index} ({context}) timed out")]
    BatchTimedOut {
        /// The operation's position in the batch (from 0).
        index: usize,
        /// The operation's method and path (never its query).
        context: Box<RequestContext>,
    },
    /// A hashtag search would query a new hashtag past the account's budget (30 unique
    /// hashtags per rolling 7 days): refused before any call.
    #[error(
        "hashtag budget of account {account} exceeded: {used} of {limit} unique hashtags used in the rolling window; a slot frees at {frees_at}"
    )]
    HashtagBudgetExceeded {
        /// The account whose budget is used up.
        account: crate::ids::IgUserId,
        /// Unique hashtags counted in the current window.
        used: u32,
        /// Unique hashtags allowed per window.
        limit: u32,
        /// When the oldest counted hashtag leaves the window.
        frees_at: DateTime<Utc>,
    },
    /// An insights metric Meta removed was asked for: refused before any call.
    #[error("the insights metric `{metric}` was removed by Meta; {}", removed_hint(.replacement))]
    RemovedMetric {
        /// The metric asked for.
        metric: String,
        /// The metric to ask for instead, when Meta names one.
        replacement: Option<&'static str>,
    },
    /// A message could not be sent because the recipient's last message is older than the
    /// messaging window (24 hours; 7 days with the `HUMAN_AGENT` tag): Graph code 10, subcode
    /// 2534022.
    #[error("outside the messaging window for recipient {recipient} on {context}: {error}")]
    OutsideMessagingWindow {
        /// The recipient (scoped id or comment id) the message was for.
        recipient: String,
        /// Whether the message carried the `HUMAN_AGENT` tag (7-day window).
        human_agent: bool,
        /// Meta's error, every field kept.
        error: Box<GraphApiError>,
        /// Where the request went.
        context: Box<RequestContext>,
    },
}

fn removed_hint(replacement: &Option<&'static str>) -> String {
    match replacement {
        Some(r) => format!("use `{r}` instead"),
        None => "it has no replacement".to_owned(),
    }
}

fn publish_message(
    media: &MediaRef,
    container: Option<&ContainerId>,
    cause: &PublishFailure,
    message: &str,
) -> String {
    let mut out = format!("publishing {media} failed: {cause}");
    if let Some(sub) = cause.subcode() {
        out.push_str(&format!(" (subcode {sub})"));
    }
    if let Some(c) = container {
        out.push_str(&format!(" [container {c}]"));
    }
    if !message.is_empty() {
        out.push_str(": ");
        out.push_str(message);
    }
    out
}

impl Error {
    /// What a caller should do about this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Graph {
                error,
                status,
                retry_after,
                ..
            } => error.class(*status, *retry_after),
            Error::Http { source, .. } if source.is_timeout() || source.is_connect() => {
                ErrorClass::Transient
            }
            Error::Http { source, .. } if source.is_request() || source.is_body() => {
                ErrorClass::Transient
            }
            Error::InvalidInput { .. }
            | Error::Config { .. }
            | Error::Store(StoreError::InvalidInput { .. }) => ErrorClass::InvalidInput,
            Error::Auth(AuthError::ConsentDenied { .. }) => ErrorClass::PermissionMissing,
            Error::Auth(_) => ErrorClass::ReauthRequired,
            Error::Publish { cause, graph, .. } => match (cause, graph) {
                // A cause we could not map: fall back on Meta's own code.
                (PublishFailure::Other { .. }, Some(g)) => g.class(400, None),
                _ => cause.class(),
            },
            Error::QuotaExceeded { .. } => ErrorClass::QuotaExceeded,
            Error::BatchTimedOut { .. } => ErrorClass::Transient,
            Error::HashtagBudgetExceeded { .. } => ErrorClass::QuotaExceeded,
            Error::RemovedMetric { .. } | Error::TooManyItems { .. } => ErrorClass::InvalidInput,
            Error::OutsideMessagingWindow { .. } => ErrorClass::PolicyBlocked,
            _ => ErrorClass::Unknown,
        }
    }

    /// Meta's error subcode: the Graph error's, or a publishing failure's (also when Meta
    /// reported it through the container's status rather than an error response).
    pub fn subcode(&self) -> Option<i64> {
        match self {
            Error::Publish { cause, graph, .. } => cause
                .subcode()
                .or_else(|| graph.as_ref().and_then(|g| g.error_subcode)),
            other => other.graph().and_then(|g| g.error_subcode),
        }
    }

    /// The Graph error, when this is one (or a publishing failure that came from one).
    pub fn graph(&self) -> Option<&GraphApiError> {
        match self {
            Error::Graph { error, .. } => Some(error),
            Error::Publish { graph: Some(g), .. } => Some(g),
            Error::OutsideMessagingWindow { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The request context, when the error came from a request.
    pub fn context(&self) -> Option<&RequestContext> {
        match self {
            Error::Graph { context, .. }
            | Error::Http { context, .. }
            | Error::Decode { context, .. }
            | Error::ResponseTooLarge { context, .. }
            | Error::TooManyItems { context, .. }
            | Error::OutsideMessagingWindow { context, .. } => Some(context),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn config(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Config {
            field,
            reason: reason.into(),
        }
    }
}
