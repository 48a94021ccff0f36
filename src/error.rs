//! Errors: one [`Error`] enum for every failure, Graph API errors kept whole, and an
//! [`ErrorClass`] that tells a caller what to do about one.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

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
            _ => ErrorClass::Unknown,
        }
    }

    /// The Graph error, when this is one.
    pub fn graph(&self) -> Option<&GraphApiError> {
        match self {
            Error::Graph { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The request context, when the error came from a request.
    pub fn context(&self) -> Option<&RequestContext> {
        match self {
            Error::Graph { context, .. }
            | Error::Http { context, .. }
            | Error::Decode { context, .. } => Some(context),
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
