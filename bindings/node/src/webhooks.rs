//! `Webhooks`: the verification handshake, the `X-Hub-Signature-256` check (constant time, in
//! Rust), typed events as plain objects with a `type`, a `Deduper`, and the `subscribed_apps`
//! calls of an account.

use std::sync::Arc;
use std::time::Duration;

use instagraph::webhooks::{self, Event, WebhookError};
use instagraph::{CompanyId, IgUserId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Map, Value};

use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, guard_sync, sdk_error, type_error, MARKER};
use crate::results::Success;
use crate::store::Lazy;

/// What a webhook update is about (`WebhookEvent.type`).
#[napi(string_enum = "camelCase")]
pub enum WebhookEventType {
    /// A comment on the account's media (`comments`, `live_comments`).
    Comment,
    /// The account was mentioned (`mentions`).
    Mention,
    /// A direct message (`messages`).
    Message,
    /// A reaction to a message (`message_reactions`).
    Reaction,
    /// A message was read (`messaging_seen`).
    Seen,
    /// A button was tapped (`messaging_postbacks`).
    Postback,
    /// A story's final insights (`story_insights`).
    StoryInsights,
    /// Someone came through an ig.me link with `?ref=` or an ad (`messaging_referral`).
    Referral,
    /// Someone opted in, e.g. to notification messages (`messaging_optins`).
    Optin,
    /// Thread control was passed, taken or requested (`messaging_handover`).
    Handover,
    /// An item of a thread another app controls (`standby`), in `event`.
    Standby,
    /// Any other field, kept as sent.
    Unknown,
}

/// One webhook update: the fields of its `type` in camelCase (beyond the ones listed here);
/// `extra` / `envelopeExtra` / `value` / `payload` kept exactly as Meta sent them.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct WebhookEvent {
    /// What the update is about.
    #[napi(js_name = "type")]
    pub kind: WebhookEventType,
    /// The account (or Page) the update is about.
    pub entry_id: String,
    /// The webhook field (`comments`, `messages`, ...).
    pub field: String,
    /// The entry's `time` as sent (seconds; milliseconds for messaging).
    pub time: Option<f64>,
    /// The same for every delivery of one update (what `Deduper` keys on).
    pub dedup_key: String,
}

/// A parsed delivery.
#[napi(object)]
pub struct WebhookPayload {
    /// The delivery's `object` (`instagram`, `page`).
    pub object: String,
    /// Its updates, in order.
    #[napi(ts_type = "WebhookEvent[]")]
    pub events: Vec<Value>,
    /// The delivery's other fields, as sent.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

/// An app that receives an account's webhooks.
#[napi(object, use_nullable = true)]
pub struct SubscribedApp {
    /// The app id.
    pub id: Option<String>,
    /// The app's name.
    pub name: Option<String>,
    /// The webhook fields it receives.
    pub subscribed_fields: Vec<String>,
    /// The other fields Meta sent, as sent.
    #[napi(ts_type = "Record<string, unknown>")]
    pub extra: Value,
}

fn webhook_error(what: &str, err: &WebhookError) -> napi::Error {
    let code = match err {
        WebhookError::NotSubscribe => "NOT_SUBSCRIBE",
        WebhookError::VerifyTokenMismatch => "VERIFY_TOKEN_MISMATCH",
        WebhookError::InvalidParameter { .. } => "INVALID_PARAMETER",
        WebhookError::MissingSignature => "MISSING_SIGNATURE",
        WebhookError::MalformedSignature(_) => "MALFORMED_SIGNATURE",
        WebhookError::SignatureMismatch => "SIGNATURE_MISMATCH",
        WebhookError::MalformedBody(_) => "MALFORMED_BODY",
        _ => "WEBHOOK",
    };
    let payload = json!({
        "name": "WebhookError",
        "message": format!("{what} failed: {err}"),
        "code": code,
        "errorClass": "invalidInput",
        "httpStatus": err.http_status(),
    });
    napi::Error::new(Status::GenericFailure, format!("{MARKER}{payload}"))
}

/// `snake_case` → `camelCase` for one key.
fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Renames the SDK's keys to camelCase but keeps what Meta sent (`extra`, `envelopeExtra`,
/// `value`, `payload`) exactly as sent.
fn camel_model(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match k.as_str() {
                        "extra" | "envelope_extra" | "value" | "payload" => v,
                        _ => camel_model(v),
                    };
                    (camel(&k), v)
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_model).collect()),
        other => other,
    }
}

/// An event as a plain object: its fields in camelCase, `type` in camelCase (`comment`,
/// `mention`, `message`, `reaction`, `seen`, `postback`, `storyInsights`, `unknown`), plus
/// `entryId`, `field`, `time` and `dedupKey` on every event.
fn event(e: &Event) -> Value {
    let mut out = match serde_json::to_value(e).map(camel_model) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    if let Some(Value::String(kind)) = out.get("type") {
        let kind = camel(kind);
        out.insert("type".into(), json!(kind));
    }
    out.insert("entryId".into(), json!(e.entry_id()));
    out.insert("field".into(), json!(e.field()));
    out.insert("time".into(), json!(e.time()));
    out.insert("dedupKey".into(), json!(e.dedup_key()));
    Value::Object(out)
}

fn body_bytes(body: &Either<Buffer, String>) -> &[u8] {
    match body {
        Either::A(buffer) => buffer.as_ref(),
        Either::B(text) => text.as_bytes(),
    }
}

/// The key of an event object (its `dedupKey`) or a key given as a string.
pub(crate) fn key_of(argument: &str, value: &Value) -> napi::Result<String> {
    let key = match value {
        Value::String(key) => Some(key.as_str()),
        Value::Object(map) => map.get("dedupKey").and_then(Value::as_str),
        _ => None,
    };
    match key {
        Some(key) if !key.is_empty() => Ok(key.to_owned()),
        _ => Err(type_error(
            argument,
            "must be an event from Webhooks.parse (with a `dedupKey`) or a non-empty key",
        )),
    }
}

/// Webhook helpers (statics) and an account's webhook subscription (`new Webhooks(accounts)`).
#[napi]
pub struct Webhooks {
    lazy: Arc<Lazy>,
}

#[napi]
impl Webhooks {
    /// Subscription calls for the accounts of an `AccountManager`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// Answers Meta's `GET ?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T`: returns the
    /// challenge to echo (as text, status 200) when the token matches (constant-time compare);
    /// otherwise throws a `WebhookError` whose `httpStatus` (403 or 400) is the answer to give.
    /// `query` is the raw query string or the parsed query object (e.g. Express's `req.query`).
    #[napi(writable = true, configurable = true)]
    pub fn verify_challenge(
        #[napi(ts_arg_type = "string | Record<string, unknown>")] query: Value,
        verify_token: String,
    ) -> Result<String> {
        const WHAT: &str = "Webhooks.verifyChallenge";
        guard_sync(WHAT, || {
            let out = match query {
                Value::String(text) => webhooks::verify_challenge_query(&text, &verify_token),
                Value::Object(map) => {
                    let pairs = map.into_iter().filter_map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s,
                            // A repeated parameter: the first occurrence wins, as in Rust.
                            Value::Array(items) => items.first()?.as_str()?.to_owned(),
                            Value::Number(n) => n.to_string(),
                            _ => return None,
                        };
                        Some((k, v))
                    });
                    webhooks::verify_challenge(pairs, &verify_token)
                }
                _ => {
                    return Err(type_error(
                        "query",
                        "must be a query string or a query object",
                    ))
                }
            };
            out.map_err(|e| webhook_error(WHAT, &e))
        })
    }

    /// Checks `X-Hub-Signature-256` over the raw body bytes (in constant time); returns true or
    /// throws a `WebhookError` (`httpStatus` 403 for a mismatch or a missing header, 400 for a
    /// malformed one). Pass the body exactly as received (a Buffer), never re-serialised JSON.
    #[napi(writable = true, configurable = true)]
    pub fn verify_signature(
        app_secret: String,
        raw_body: Either<Buffer, String>,
        signature_header: Option<String>,
    ) -> Result<bool> {
        const WHAT: &str = "Webhooks.verifySignature";
        guard_sync(WHAT, || {
            required("appSecret", &app_secret)?;
            let header = signature_header.unwrap_or_default();
            webhooks::verify_signature(&app_secret, &header, body_bytes(&raw_body))
                .map_err(|e| webhook_error(WHAT, &e))?;
            Ok(true)
        })
    }

    /// The `X-Hub-Signature-256` value Meta would send for `rawBody` (tests, relays).
    #[napi(writable = true, configurable = true)]
    pub fn signature_header(
        app_secret: String,
        raw_body: Either<Buffer, String>,
    ) -> Result<String> {
        guard_sync("Webhooks.signatureHeader", || {
            required("appSecret", &app_secret)?;
            Ok(webhooks::signature_header(
                &app_secret,
                body_bytes(&raw_body),
            ))
        })
    }

    /// Reads a delivery into typed events (`{ object, events, extra }`); unknown fields are
    /// kept, nothing is lost. Throws a `WebhookError` (400) only when the body is not a JSON
    /// object. Verify the signature over the same bytes first.
    #[napi(writable = true, configurable = true)]
    pub fn parse(raw_body: Either<Buffer, String>) -> Result<WebhookPayload> {
        const WHAT: &str = "Webhooks.parse";
        guard_sync(WHAT, || {
            let payload =
                webhooks::parse(body_bytes(&raw_body)).map_err(|e| webhook_error(WHAT, &e))?;
            Ok(WebhookPayload {
                object: payload.object,
                events: payload.events.iter().map(event).collect(),
                extra: serde_json::to_value(&payload.extra).unwrap_or(Value::Null),
            })
        })
    }

    /// Turns on the account's webhook `fields` (`comments`, `mentions`, `messages`, ...) for the
    /// app (`POST /{ig-user-id}/subscribed_apps`): `{ success }`.
    ///
    /// Core: WebhookSubscriptionHandler::subscribe, AccountManager::access
    #[napi]
    pub async fn subscribe_app(
        &self,
        company_id: String,
        ig_user_id: String,
        fields: Vec<String>,
    ) -> Result<Success> {
        const WHAT: &str = "Webhooks.subscribeApp";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            if fields.is_empty() {
                return Err(type_error(
                    "fields",
                    "must list at least one field (e.g. comments, messages)",
                ));
            }
            for field in &fields {
                required("fields", field)?;
            }
            let manager = self.lazy.get(WHAT).await?;
            let access = manager
                .access(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let success = access
                .graph(manager.client())
                .ig_user(access.ig_user_id.clone())
                .webhooks()
                .subscribe(&fields)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }

    /// Turns off every webhook field of the account for the app
    /// (`DELETE /{ig-user-id}/subscribed_apps`): `{ success }`.
    ///
    /// Core: WebhookSubscriptionHandler::unsubscribe
    #[napi]
    pub async fn unsubscribe_app(&self, company_id: String, ig_user_id: String) -> Result<Success> {
        const WHAT: &str = "Webhooks.unsubscribeApp";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let access = manager
                .access(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let success = access
                .graph(manager.client())
                .ig_user(access.ig_user_id.clone())
                .webhooks()
                .unsubscribe()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }

    /// The apps receiving the account's webhooks: `[{ id, name, subscribedFields, ... }]`.
    ///
    /// Core: WebhookSubscriptionHandler::subscribed_apps
    #[napi]
    pub async fn subscribed_apps(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<Vec<SubscribedApp>> {
        const WHAT: &str = "Webhooks.subscribedApps";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let access = manager
                .access(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let apps = access
                .graph(manager.client())
                .ig_user(access.ig_user_id.clone())
                .webhooks()
                .subscribed_apps()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(apps
                .iter()
                .map(|a| SubscribedApp {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    subscribed_fields: a.subscribed_fields.clone(),
                    extra: serde_json::to_value(&a.extra).unwrap_or(Value::Null),
                })
                .collect())
        })
        .await
    }
}

/// Drops redelivered webhook updates (Meta retries for up to 36 hours). One per process.
#[napi]
pub struct Deduper {
    inner: webhooks::Deduper,
}

#[napi]
impl Deduper {
    /// Remembers up to `capacity` keys (default 100000) for `windowSeconds` each (default
    /// 36 hours).
    #[napi(constructor)]
    pub fn new(capacity: Option<u32>, window_seconds: Option<f64>) -> Result<Self> {
        guard_sync("new Deduper", || {
            let capacity = match capacity {
                None => 100_000,
                Some(0) => return Err(type_error("capacity", "must be at least 1")),
                Some(n) => n as usize,
            };
            let window = match window_seconds {
                None => Duration::from_secs(36 * 3600),
                Some(s) if s.is_finite() && s > 0.0 && s <= 1e9 => Duration::from_secs_f64(s),
                Some(_) => {
                    return Err(type_error(
                        "windowSeconds",
                        "must be a positive number of seconds",
                    ))
                }
            };
            Ok(Self {
                inner: webhooks::Deduper::new(capacity, window),
            })
        })
    }

    /// True the first time an event (or a key) is seen within the window; false for a
    /// redelivery.
    #[napi]
    pub fn first_delivery(
        &self,
        #[napi(ts_arg_type = "WebhookEvent | string")] event: Value,
    ) -> Result<bool> {
        guard_sync("Deduper.firstDelivery", || {
            Ok(self.inner.first_seen(&key_of("event", &event)?))
        })
    }

    /// The events seen for the first time, in order.
    #[napi(ts_return_type = "WebhookEvent[]")]
    pub fn retain_new(
        &self,
        #[napi(ts_arg_type = "WebhookEvent[]")] events: Vec<Value>,
    ) -> Result<Vec<Value>> {
        guard_sync("Deduper.retainNew", || {
            // Every key is checked before any is remembered, so a bad element changes nothing.
            let keys = events
                .iter()
                .enumerate()
                .map(|(i, e)| key_of(&format!("events[{i}]"), e))
                .collect::<napi::Result<Vec<_>>>()?;
            Ok(events
                .into_iter()
                .zip(keys)
                .filter(|(_, key)| self.inner.first_seen(key))
                .map(|(e, _)| e)
                .collect())
        })
    }

    /// How many keys are remembered.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}
