//! Webhooks: the verification handshake, the `X-Hub-Signature-256` check, typed events and a
//! deduplicator for redelivered updates.
//!
//! A receiver does four things, in this order:
//!
//! 1. answers Meta's `GET ?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T` with
//!    [`verify_challenge`] (echo the challenge as text, or 403);
//! 2. checks every `POST` with [`verify_signature`] over the **raw** body bytes, before parsing
//!    (re-serialised JSON never verifies: the HMAC is over the bytes Meta sent);
//! 3. reads the updates with [`parse`] into typed [`Event`]s (unknown fields are kept, nothing
//!    panics, whatever the input);
//! 4. drops redeliveries with a [`Deduper`]: Meta retries undelivered batches for up to 36 hours.
//!
//! ```
//! use instagraph::webhooks::{self, Deduper, Event};
//!
//! let secret = "app-secret";
//! let body = br#"{"object":"instagram","entry":[{"id":"17841400000000001","time":1700000000,
//!   "changes":[{"field":"comments","value":{"id":"180001","text":"Nice!",
//!   "from":{"id":"232323","username":"bob"},"media":{"id":"179001","media_product_type":"FEED"}}}]}]}"#;
//! let header = webhooks::signature_header(secret, body);
//!
//! webhooks::verify_signature(secret, &header, body)?;
//! let payload = webhooks::parse(body)?;
//! let dedup = Deduper::default();
//! for event in payload.events {
//!     if !dedup.first_delivery(&event) {
//!         continue;
//!     }
//!     if let Event::Comment(c) = &event {
//!         assert_eq!(c.text.as_deref(), Some("Nice!"));
//!     }
//! }
//! # Ok::<(), webhooks::WebhookError>(())
//! ```
//!
//! Subscribing an account to the app's webhooks is a Graph call:
//! `ig_user(id).webhooks().subscribe(fields)` ([`WebhookSubscriptionHandler::subscribe`]), and
//! `unsubscribe()` turns them off.

mod dedup;
mod events;
mod parse;
mod routing;
mod shared_dedup;
mod signature;
mod subscriptions;

pub use dedup::Deduper;
pub use events::{
    CommentEvent, Event, MentionEvent, MessageAttachment, MessageEvent, PostbackEvent,
    ReactionEvent, ReplyTo, SeenEvent, StoryInsightsEvent, UnknownEvent, WebhookMedia,
    WebhookPayload, WebhookUser,
};
pub use parse::parse;
pub use routing::{HandoverAction, HandoverEvent, OptinEvent, ReferralEvent, StandbyEvent};
pub use shared_dedup::SharedDeduper;
pub use signature::{signature_header, verify_signature, SIGNATURE_HEADER};
pub use subscriptions::{SubscribedApp, WebhookSubscriptionHandler};

use subtle::ConstantTimeEq;

/// The longest `hub.challenge` echoed back. Meta sends an integer; anything much longer is not
/// Meta and is not reflected.
pub const MAX_CHALLENGE_LEN: usize = 256;

/// Why a webhook request was refused. None of the messages carries a secret: not the verify
/// token, not the app secret, not the expected signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// `hub.mode` is absent or not `subscribe`.
    #[error("hub.mode must be `subscribe`")]
    NotSubscribe,
    /// `hub.verify_token` is absent or does not match the configured token.
    #[error("hub.verify_token does not match")]
    VerifyTokenMismatch,
    /// A required parameter is absent or unusable.
    #[error("invalid {param}: {reason}")]
    InvalidParameter {
        /// The parameter, e.g. `hub.challenge`.
        param: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The `X-Hub-Signature-256` header is absent or empty.
    #[error("the X-Hub-Signature-256 header is missing")]
    MissingSignature,
    /// The header is not `sha256=` followed by 64 hex digits.
    #[error("malformed X-Hub-Signature-256 header: {0}")]
    MalformedSignature(&'static str),
    /// The signature does not match the body: forged, altered or signed with another secret.
    #[error("the X-Hub-Signature-256 signature does not match the body")]
    SignatureMismatch,
    /// The body is not a webhook envelope (`{"object":…,"entry":[…]}`).
    #[error("malformed webhook body: {0}")]
    MalformedBody(String),
}

impl WebhookError {
    /// The HTTP status a receiver should answer with: 403 for a failed verification, 400 for a
    /// malformed request.
    pub fn http_status(&self) -> u16 {
        match self {
            WebhookError::NotSubscribe
            | WebhookError::VerifyTokenMismatch
            | WebhookError::MissingSignature
            | WebhookError::SignatureMismatch => 403,
            WebhookError::InvalidParameter { .. }
            | WebhookError::MalformedSignature(_)
            | WebhookError::MalformedBody(_) => 400,
        }
    }
}

/// Answers Meta's verification request: returns the `hub.challenge` to echo (as `text/plain`,
/// status 200) when `hub.mode` is `subscribe` and `hub.verify_token` equals `verify_token`
/// (compared in constant time). Otherwise answer [`WebhookError::http_status`] (403).
///
/// `params` are the decoded query pairs (e.g. axum's `Query<Vec<(String, String)>>`); for a raw
/// query string use [`verify_challenge_query`].
///
/// ```
/// let params = [("hub.mode", "subscribe"), ("hub.challenge", "1158201444"), ("hub.verify_token", "s3cret")];
/// let echo = instagraph::webhooks::verify_challenge(params, "s3cret").unwrap();
/// assert_eq!(echo, "1158201444");
/// ```
pub fn verify_challenge<I, K, V>(params: I, verify_token: &str) -> Result<String, WebhookError>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let (mut mode, mut challenge, mut token) = (None, None, None);
    for (k, v) in params {
        // The first occurrence wins, so a parameter appended later cannot override Meta's.
        let slot = match k.as_ref() {
            "hub.mode" => &mut mode,
            "hub.challenge" => &mut challenge,
            "hub.verify_token" => &mut token,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(v.as_ref().to_owned());
        }
    }
    if mode.as_deref() != Some("subscribe") {
        return Err(WebhookError::NotSubscribe);
    }
    let token = token.unwrap_or_default();
    if verify_token.is_empty() || !bool::from(token.as_bytes().ct_eq(verify_token.as_bytes())) {
        return Err(WebhookError::VerifyTokenMismatch);
    }
    let challenge = challenge.unwrap_or_default();
    if challenge.is_empty() {
        return Err(WebhookError::InvalidParameter {
            param: "hub.challenge",
            reason: "is missing",
        });
    }
    if challenge.len() > MAX_CHALLENGE_LEN {
        return Err(WebhookError::InvalidParameter {
            param: "hub.challenge",
            reason: "is longer than 256 bytes",
        });
    }
    if challenge.chars().any(char::is_control) {
        return Err(WebhookError::InvalidParameter {
            param: "hub.challenge",
            reason: "holds control characters",
        });
    }
    Ok(challenge)
}

/// [`verify_challenge`] on a raw, URL-encoded query string (without the leading `?`).
pub fn verify_challenge_query(query: &str, verify_token: &str) -> Result<String, WebhookError> {
    verify_challenge(
        url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()),
        verify_token,
    )
}
