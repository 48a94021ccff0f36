//! Errors: one [`Error`] enum for every failure, Graph API errors kept whole, and an
//! [`ErrorClass`] that tells a caller what to do about one.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ContainerId, JobId};
use crate::store::StoreError;

/// A crate-wide result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The `error` object of a Graph API error response, every field Meta sends.
///
/// The api.instagram.com OAuth shape (`{"error_type","code","error_message"}`) is read into the same
/// struct, so callers see one shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GraphApiError {
    /// Meta's message (English, for developers).
    pub message: String,
    /// The error type, e.g. `OAuthException`, `GraphMethodException`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The error code (`190`, `100`, `9007`, …).
    pub code: i64,
    /// The error subcode (`463`, `2207027`, …), when Meta sends one.
    pub error_subcode: Option<i64>,
    /// A title meant for end users, when Meta sends one.
    pub error_user_title: Option<String>,
    /// A message meant for end users, when Meta sends one.
    pub error_user_msg: Option<String>,
    /// Meta's trace id: quote it when reporting a problem to Meta.
    pub fbtrace_id: Option<String>,
    /// Whether Meta says retrying may succeed.
    pub is_transient: Option<bool>,
}

impl GraphApiError {
    /// Decodes an error body in either of Meta's shapes; `None` when the body is neither.
    pub fn from_body(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Envelope {
            error: GraphApiError,
        }
        #[derive(Deserialize)]
        struct InstagramOAuth {
            error_type: Option<String>,
            code: Option<i64>,
            error_message: String,
        }
        if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
            return Some(envelope.error);
        }
        serde_json::from_slice::<InstagramOAuth>(body)
            .ok()
            .map(|e| GraphApiError {
                message: e.error_message,
                kind: e.error_type,
                code: e.code.unwrap_or(400),
                ..Default::default()
            })
    }

    /// What a caller should do about this error. `retry_after` comes from the usage headers.
    pub fn class(&self, http_status: u16, retry_after: Option<Duration>) -> ErrorClass {
        let subcode = self.error_subcode.unwrap_or(0);
        match (self.code, subcode) {
            (_, 2207042) | (9, _) => ErrorClass::QuotaExceeded,
            (9007, _) | (_, 2207027) => ErrorClass::NotReady,
            (4 | 17 | 32 | 613, _) | (80000..=80014, _) => ErrorClass::Throttled { retry_after },
            (_, 2207001 | 2207032 | 2207053) => ErrorClass::Transient,
            (1 | 2, _) => ErrorClass::Transient,
            (190 | 102, _) | (_, 458..=467) => ErrorClass::ReauthRequired,
            (368, _) | (_, 2207050 | 2207051 | 2534022) => ErrorClass::PolicyBlocked,
            (10 | 200..=299, _) => ErrorClass::PermissionMissing,
            (100 | 506 | 9004, _) | (_, 2207000..=2207099) => ErrorClass::InvalidInput,
            _ if self.is_transient == Some(true) || http_status >= 500 => ErrorClass::Transient,
            _ => ErrorClass::Unknown,
        }
    }
}

impl fmt::Display for GraphApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {}", self.message, self.code)?;
        if let Some(sub) = self.error_subcode {
            write!(f, ", subcode {sub}")?;
        }
        if let Some(trace) = &self.fbtrace_id {
            write!(f, ", fbtrace_id {trace}")?;
        }
        f.write_str(")")
    }
}

/// What to do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Why a login could not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The user pressed "Deny" (or Meta refused) on the consent screen.
    #[error("the user denied consent ({reason}): {description}")]
    ConsentDenied {
        /// `error_reason`, e.g. `user_denied`.
        reason: String,
        /// `error_description`.
        description: String,
    },
    /// The state is not one we issued, or it was already used (a replayed callback).
    #[error("unknown or already used OAuth state")]
    StateUnknown,
    /// The state was issued by us but is past its expiry.
    #[error("the OAuth state expired {expired_secs_ago} s ago; start the connection again")]
    StateExpired {
        /// How long ago it expired, in seconds.
        expired_secs_ago: i64,
    },
    /// The state is not well formed (wrong length or characters): it was not issued by us.
    #[error("malformed OAuth state: {0}")]
    StateMalformed(String),
    /// The state was issued for another company or redirect URI than the callback's.
    #[error("the OAuth state was issued for another {0}")]
    StateMismatch(&'static str),
    /// The authorization code was already exchanged (codes are single use).
    #[error("the authorization code was already used")]
    CodeReused,
    /// The authorization code is expired, unknown, or bound to another redirect URI.
    #[error("the authorization code is invalid or expired: {0}")]
    CodeInvalid(String),
    /// A stored token is expired or revoked and cannot be refreshed: the user must connect
    /// again.
    #[error("the stored token {token_id} is no longer valid: the user must connect again")]
    ReconnectRequired {
        /// The stored token's id.
        token_id: String,
    },
    /// The callback carried neither a code nor an error.
    #[error("the OAuth callback has no `code` parameter")]
    MissingCode,
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

/// The media a publishing error concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MediaRef {
    /// The media of a single-media post (image, reel, story): its URL or local file path.
    Media {
        /// The media URL (or the local file path of an uploaded video).
        url: String,
    },
    /// One item of a carousel.
    Child {
        /// Its index in the carousel (from 0).
        index: usize,
        /// Its URL (or local file path).
        url: String,
    },
    /// The carousel container itself (its caption, collaborators, children list).
    Carousel,
    /// A published media object (delete, comment settings).
    Published {
        /// The media id.
        media_id: String,
    },
}

impl fmt::Display for MediaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaRef::Media { url } => write!(f, "media {url}"),
            MediaRef::Child { index, url } => write!(f, "carousel child {index} ({url})"),
            MediaRef::Carousel => f.write_str("the carousel container"),
            MediaRef::Published { media_id } => write!(f, "media {media_id}"),
        }
    }
}

/// Why publishing failed, mapped from Meta's publishing subcodes (GRAPH_API.md, "Errors") and
/// from a container's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PublishFailure {
    /// 2207001, 2207032, 2207053: a server-side failure at Meta; creating the container again
    /// may succeed.
    ServerError {
        /// The subcode Meta sent.
        subcode: i64,
    },
    /// 2207003: Meta timed out downloading the media; retrying may succeed.
    DownloadTimeout,
    /// 2207020, or `status_code` `EXPIRED`: the container was not published within 24 hours.
    Expired,
    /// 2207004: the image is larger than 8 MiB.
    ImageTooLarge,
    /// 2207005: the image format is not supported (JPEG only).
    UnsupportedImageFormat,
    /// 2207009: the aspect ratio is outside 4:5 … 1.91:1.
    AspectRatio,
    /// 2207010: the caption is too long (or has too many hashtags).
    CaptionTooLong,
    /// 2207026: the video format is not supported.
    UnsupportedVideoFormat,
    /// 2207027 (code 9007): the container is not ready to publish yet.
    NotReady,
    /// 2207028: a carousel needs 2 to 10 children.
    CarouselSize,
    /// 2207040: more than 20 @-mentions.
    TooManyMentions,
    /// 2207042 (code 9): the daily publishing quota is reached.
    QuotaReached,
    /// 2207050: the account is restricted.
    AccountRestricted,
    /// 2207051: the action was blocked as spam.
    Spam,
    /// 2207052 (code 9004): Meta could not fetch the media URL.
    MediaUnreachable,
    /// 2207006: the container does not exist (or belongs to another account).
    ContainerNotFound,
    /// 2207073: a carousel item cannot be deleted on its own.
    CarouselChildNotDeletable,
    /// 2207057: the thumbnail offset is past the end of the video.
    ThumbnailOffset,
    /// The container was still processing when the wait's deadline passed.
    ProcessingTimeout,
    /// The resumable upload of a local file failed.
    UploadFailed {
        /// Whether the upload host said retrying can succeed.
        retriable: bool,
    },
    /// Another subcode, or none.
    Other {
        /// The subcode, when there was one.
        subcode: Option<i64>,
    },
}

impl PublishFailure {
    /// Maps a publishing subcode (from an error response or a container's `status` text).
    pub fn from_subcode(subcode: Option<i64>) -> Self {
        match subcode {
            Some(s @ (2207001 | 2207032 | 2207053)) => Self::ServerError { subcode: s },
            Some(2207003) => Self::DownloadTimeout,
            Some(2207004) => Self::ImageTooLarge,
            Some(2207005) => Self::UnsupportedImageFormat,
            Some(2207006) => Self::ContainerNotFound,
            Some(2207009) => Self::AspectRatio,
            Some(2207010) => Self::CaptionTooLong,
            Some(2207020) => Self::Expired,
            Some(2207026) => Self::UnsupportedVideoFormat,
            Some(2207027) => Self::NotReady,
            Some(2207028) => Self::CarouselSize,
            Some(2207040) => Self::TooManyMentions,
            Some(2207042) => Self::QuotaReached,
            Some(2207050) => Self::AccountRestricted,
            Some(2207051) => Self::Spam,
            Some(2207052) => Self::MediaUnreachable,
            Some(2207073) => Self::CarouselChildNotDeletable,
            Some(2207057) => Self::ThumbnailOffset,
            other => Self::Other { subcode: other },
        }
    }

    /// The subcode this cause stands for, when it has one.
    pub fn subcode(&self) -> Option<i64> {
        Some(match self {
            Self::ServerError { subcode } => *subcode,
            Self::DownloadTimeout => 2207003,
            Self::Expired => 2207020,
            Self::ImageTooLarge => 2207004,
            Self::UnsupportedImageFormat => 2207005,
            Self::AspectRatio => 2207009,
            Self::CaptionTooLong => 2207010,
            Self::UnsupportedVideoFormat => 2207026,
            Self::NotReady => 2207027,
            Self::CarouselSize => 2207028,
            Self::TooManyMentions => 2207040,
            Self::QuotaReached => 2207042,
            Self::AccountRestricted => 2207050,
            Self::Spam => 2207051,
            Self::MediaUnreachable => 2207052,
            Self::ContainerNotFound => 2207006,
            Self::CarouselChildNotDeletable => 2207073,
            Self::ThumbnailOffset => 2207057,
            Self::Other { subcode } => return *subcode,
            Self::ProcessingTimeout | Self::UploadFailed { .. } => return None,
        })
    }

    /// Whether creating the container again (or uploading again) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::ServerError { .. }
                | Self::DownloadTimeout
                | Self::Expired
                | Self::UploadFailed { retriable: true }
        )
    }

    /// What a caller should do about it.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::ServerError { .. } | Self::DownloadTimeout | Self::Expired => {
                ErrorClass::Transient
            }
            Self::UploadFailed { retriable: true } => ErrorClass::Transient,
            Self::NotReady | Self::ProcessingTimeout => ErrorClass::NotReady,
            Self::QuotaReached => ErrorClass::QuotaExceeded,
            Self::AccountRestricted | Self::Spam => ErrorClass::PolicyBlocked,
            Self::Other { subcode: None } => ErrorClass::Unknown,
            _ => ErrorClass::InvalidInput,
        }
    }
}

impl fmt::Display for PublishFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ServerError { .. } => "a server-side error at Meta (retry the container)",
            Self::DownloadTimeout => "Meta timed out downloading the media",
            Self::Expired => "the container expired (not published within 24 hours)",
            Self::ImageTooLarge => "the image is larger than 8 MiB",
            Self::UnsupportedImageFormat => "the image format is not supported (JPEG only)",
            Self::AspectRatio => "the aspect ratio is outside 4:5 to 1.91:1",
            Self::CaptionTooLong => "the caption is too long",
            Self::UnsupportedVideoFormat => "the video format is not supported",
            Self::NotReady => "the container is not ready to publish",
            Self::CarouselSize => "a carousel needs 2 to 10 items",
            Self::TooManyMentions => "more than 20 @-mentions",
            Self::QuotaReached => "the daily publishing quota is reached",
            Self::AccountRestricted => "the account is restricted",
            Self::Spam => "blocked as spam",
            Self::MediaUnreachable => "Meta could not fetch the media URL",
            Self::ContainerNotFound => "the container does not exist",
            Self::CarouselChildNotDeletable => {
                "a carousel item cannot be deleted on its own; delete the carousel"
            }
            Self::ThumbnailOffset => "the thumbnail offset is past the end of the video",
            Self::ProcessingTimeout => "the container was still processing at the deadline",
            Self::UploadFailed { retriable: true } => "the upload failed (retriable)",
            Self::UploadFailed { retriable: false } => "the upload failed",
            Self::Other { .. } => "publishing failed",
        })
    }
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
            Error::InvalidInput { .. } | Error::Config { .. } => ErrorClass::InvalidInput,
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
            Error::RemovedMetric { .. } => ErrorClass::InvalidInput,
            Error::OutsideMessagingWindow { .. } => ErrorClass::PolicyBlocked,
            _ => ErrorClass::Unknown,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(code: i64, sub: Option<i64>) -> GraphApiError {
        GraphApiError {
            code,
            error_subcode: sub,
            ..Default::default()
        }
    }

    #[test]
    fn classifies_documented_codes() {
        assert_eq!(graph(2, None).class(503, None), ErrorClass::Transient);
        assert_eq!(
            graph(80002, None).class(400, Some(Duration::from_secs(60))),
            ErrorClass::Throttled {
                retry_after: Some(Duration::from_secs(60))
            }
        );
        assert_eq!(
            graph(190, Some(463)).class(400, None),
            ErrorClass::ReauthRequired
        );
        assert_eq!(
            graph(10, None).class(400, None),
            ErrorClass::PermissionMissing
        );
        assert_eq!(
            graph(9, Some(2207042)).class(400, None),
            ErrorClass::QuotaExceeded
        );
        assert_eq!(
            graph(9007, Some(2207027)).class(400, None),
            ErrorClass::NotReady
        );
        assert_eq!(graph(368, None).class(400, None), ErrorClass::PolicyBlocked);
        assert_eq!(
            graph(100, Some(33)).class(400, None),
            ErrorClass::InvalidInput
        );
        assert_eq!(
            graph(10, Some(2534022)).class(400, None),
            ErrorClass::PolicyBlocked
        );
        assert_eq!(
            graph(1, Some(2207001)).class(500, None),
            ErrorClass::Transient
        );
    }

    #[test]
    fn reads_both_error_shapes() {
        let g = GraphApiError::from_body(
            br#"{"error":{"message":"bad","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"A1"}}"#,
        )
        .unwrap();
        assert_eq!((g.code, g.error_subcode), (190, Some(463)));
        let ig = GraphApiError::from_body(
            br#"{"error_type":"OAuthException","code":400,"error_message":"Matching code was not found or was already used"}"#,
        )
        .unwrap();
        assert_eq!(ig.code, 400);
        assert_eq!(ig.kind.as_deref(), Some("OAuthException"));
        assert!(GraphApiError::from_body(b"<html>").is_none());
    }
}
