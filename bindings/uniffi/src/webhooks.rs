//! Webhook helpers: the verification challenge, the signature check, and parsing (for an app
//! that relays deliveries from its backend, or a test).

use instagraph::webhooks::{self, WebhookError};

use crate::error::{ErrorClass, ErrorKind, InstagraphError, Result};

/// One update of a delivery.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WebhookEvent {
    /// `comment`, `mention`, `message`, `reaction`, `seen`, `story_insights`, ...
    pub kind: String,
    /// The whole event as JSON (every field the SDK read, plus unknown ones as sent).
    pub json: String,
    /// The same for every delivery of this update and different between updates (the core's
    /// `Event::dedup_key`): what [`SharedDeduper`](crate::shared_dedup::SharedDeduper) keys on.
    pub dedup_key: String,
}

impl From<&webhooks::Event> for WebhookEvent {
    fn from(e: &webhooks::Event) -> Self {
        let value = serde_json::to_value(e).unwrap_or(serde_json::Value::Null);
        let kind = value
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("unknown")
            .to_owned();
        WebhookEvent {
            kind,
            json: value.to_string(),
            dedup_key: e.dedup_key(),
        }
    }
}

pub(crate) fn refused(what: &str, e: WebhookError) -> InstagraphError {
    InstagraphError::Failed {
        kind: ErrorKind::InvalidArgument,
        error_class: ErrorClass::InvalidInput,
        reason: format!("{what} refused: {e}"),
        argument: None,
        code: None,
        subcode: None,
        fbtrace_id: None,
        http_status: Some(e.http_status()),
        user_title: None,
        user_message: None,
        retry_after_ms: None,
    }
}

/// Answers Meta's verification request from its raw query string: returns the challenge to
/// echo, or fails with `http_status` 403/400.
#[uniffi::export]
pub fn webhook_verify_challenge(query: String, verify_token: String) -> Result<String> {
    webhooks::verify_challenge_query(&query, &verify_token)
        .map_err(|e| refused("webhook_verify_challenge", e))
}

/// Checks `X-Hub-Signature-256` over the raw body (constant time).
#[uniffi::export]
pub fn webhook_verify_signature(app_secret: String, header: String, body: Vec<u8>) -> Result<()> {
    webhooks::verify_signature(&app_secret, &header, &body)
        .map_err(|e| refused("webhook_verify_signature", e))
}

/// The signature header Meta would send for `body` (for tests of a receiver).
#[uniffi::export]
pub fn webhook_signature_header(app_secret: String, body: Vec<u8>) -> String {
    webhooks::signature_header(&app_secret, &body)
}

/// Reads a delivery into its events (never panics, whatever the bytes).
#[uniffi::export]
pub fn webhook_parse(body: Vec<u8>) -> Result<Vec<WebhookEvent>> {
    let payload = webhooks::parse(&body).map_err(|e| refused("webhook_parse", e))?;
    Ok(payload.events.iter().map(WebhookEvent::from).collect())
}
