//! [`GraphApiError`]: Meta's error object, and its classification.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ErrorClass;

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
