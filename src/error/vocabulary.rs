//! The error vocabulary every binding maps from: a stable code, the field at fault, Meta's HTTP
//! status and when to try again. Bindings read these instead of matching variants, so a new
//! variant reaches them without code of their own.

use std::time::Duration;

use chrono::Utc;

use super::{AuthError, Error, ErrorClass};
use crate::store::StoreError;

impl Error {
    /// A stable, machine-readable name of the kind of failure, the same in every binding:
    /// `GRAPH`, `MESSAGING_WINDOW`, `HTTP`, `RESPONSE_TOO_LARGE`, `TOO_MANY_ITEMS`, `DECODE`,
    /// `INVALID_INPUT`, `CONFIG`, `AUTH`, `NOT_FOUND`, `STORE`, `PUBLISH`, `QUOTA_EXCEEDED`,
    /// `HASHTAG_BUDGET_EXCEEDED`, `LEASE_LOST`, `BATCH_TIMED_OUT` or `REMOVED_METRIC`. Meta's own
    /// numeric code is in [`Error::graph`].
    pub fn code(&self) -> &'static str {
        match self {
            Error::Graph { .. } => "GRAPH",
            Error::OutsideMessagingWindow { .. } => "MESSAGING_WINDOW",
            Error::Http { .. } => "HTTP",
            Error::ResponseTooLarge { .. } => "RESPONSE_TOO_LARGE",
            Error::TooManyItems { .. } => "TOO_MANY_ITEMS",
            Error::Decode { .. } => "DECODE",
            Error::InvalidInput { .. } => "INVALID_INPUT",
            Error::Config { .. } => "CONFIG",
            Error::Auth(_) => "AUTH",
            Error::NotFound { .. } => "NOT_FOUND",
            Error::Store(_) => "STORE",
            Error::Publish { .. } => "PUBLISH",
            Error::QuotaExceeded { .. } => "QUOTA_EXCEEDED",
            Error::HashtagBudgetExceeded { .. } => "HASHTAG_BUDGET_EXCEEDED",
            Error::LeaseLost { .. } => "LEASE_LOST",
            Error::BatchTimedOut { .. } => "BATCH_TIMED_OUT",
            Error::RemovedMetric { .. } => "REMOVED_METRIC",
        }
    }

    /// The argument, setting or callback parameter at fault, when the error is about one: the
    /// field of [`Error::InvalidInput`], [`Error::Config`] and a store's
    /// [`StoreError::InvalidInput`] (a malformed sealing key, an out-of-range limit), `metric`
    /// for a removed metric, and `state` or `code` for a login callback whose state or code was
    /// refused.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { field, .. }
            | Error::Config { field, .. }
            | Error::Store(StoreError::InvalidInput { field, .. }) => Some(field),
            Error::RemovedMetric { .. } => Some("metric"),
            Error::Auth(auth) => auth.field(),
            _ => None,
        }
    }

    /// The HTTP status Meta answered with, when the error is Meta's answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Graph { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How long to wait before trying again, when it is known: Meta's estimate for a throttled
    /// call (from the usage headers), or until a publishing quota or hashtag budget frees a
    /// slot.
    pub fn retry_after(&self) -> Option<Duration> {
        let until = |t: chrono::DateTime<Utc>| (t - Utc::now()).to_std().unwrap_or_default();
        match self {
            Error::QuotaExceeded { frees_at, .. }
            | Error::HashtagBudgetExceeded { frees_at, .. } => Some(until(*frees_at)),
            other => match other.class() {
                ErrorClass::Throttled { retry_after } => retry_after,
                _ => None,
            },
        }
    }
}

impl AuthError {
    /// The callback parameter a refused login is about: `state` (unknown, expired, malformed
    /// or issued for another company) or `code` (reused, invalid or missing).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            AuthError::StateUnknown
            | AuthError::StateExpired { .. }
            | AuthError::StateMalformed(_)
            | AuthError::StateMismatch(_) => Some("state"),
            AuthError::CodeReused | AuthError::CodeInvalid(_) | AuthError::MissingCode => {
                Some("code")
            }
            AuthError::ConsentDenied { .. } | AuthError::ReconnectRequired { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{GraphApiError, RequestContext};
    use crate::ids::{IgUserId, JobId};

    fn graph(code: i64, status: u16, retry_after: Option<Duration>) -> Error {
        let error: GraphApiError = serde_json::from_value(serde_json::json!({
            "message": "slow down", "type": "OAuthException", "code": code, "fbtrace_id": "Abc"
        }))
        .expect("graph error");
        Error::Graph {
            error: Box::new(error),
            status,
            context: Box::new(RequestContext {
                method: "GET".into(),
                path: "graph.facebook.com/v26.0/me".into(),
                ..RequestContext::default()
            }),
            retry_after,
        }
    }

    #[test]
    fn every_error_speaks_the_vocabulary() {
        let throttled = graph(4, 400, Some(Duration::from_secs(60)));
        assert_eq!(throttled.code(), "GRAPH");
        assert_eq!(throttled.http_status(), Some(400));
        assert_eq!(throttled.retry_after(), Some(Duration::from_secs(60)));
        assert_eq!(throttled.field(), None);

        let invalid = Error::invalid("caption", "is 2201 characters long; the limit is 2200");
        assert_eq!(
            (invalid.code(), invalid.field(), invalid.http_status()),
            ("INVALID_INPUT", Some("caption"), None)
        );
        assert_eq!(invalid.retry_after(), None);

        let bad_key = Error::Store(StoreError::invalid(
            "sealing_key",
            "must be 32 bytes, got 5",
        ));
        assert_eq!(
            (bad_key.code(), bad_key.field(), bad_key.class()),
            ("STORE", Some("sealing_key"), ErrorClass::InvalidInput)
        );
        assert_eq!(Error::Store(StoreError::Crypto).field(), None);

        let replayed = Error::Auth(AuthError::StateUnknown);
        assert_eq!((replayed.code(), replayed.field()), ("AUTH", Some("state")));
        let reused = Error::Auth(AuthError::CodeReused);
        assert_eq!(reused.field(), Some("code"));

        let quota = Error::QuotaExceeded {
            used: 50,
            total: 50,
            frees_at: Utc::now() + chrono::Duration::minutes(10),
        };
        assert_eq!(quota.code(), "QUOTA_EXCEEDED");
        let wait = quota.retry_after().expect("frees later");
        assert!(wait > Duration::from_secs(590) && wait <= Duration::from_secs(600));

        let lost = Error::LeaseLost {
            job_id: JobId::new("j"),
        };
        assert_eq!(lost.code(), "LEASE_LOST");
        let budget = Error::HashtagBudgetExceeded {
            account: IgUserId::new("1"),
            used: 30,
            limit: 30,
            frees_at: Utc::now() - chrono::Duration::minutes(1),
        };
        assert_eq!(budget.retry_after(), Some(Duration::ZERO), "already free");
    }
}
