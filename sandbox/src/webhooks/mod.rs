//! Webhooks: `POST /__sandbox/webhooks` registers a callback after verifying it as Meta does,
//! `POST /__sandbox/events` makes something happen and delivers the signed webhook.
//!
//! - `POST /__sandbox/webhooks` `{"callback_url","verify_token"}`: the sandbox calls
//!   `GET callback_url?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T` and registers
//!   the callback only if it answers 200 with exactly `N` as its body (else 400, with what it
//!   answered). Only `http://127.0.0.1`, `http://localhost` and `http://[::1]` callbacks are
//!   accepted: the sandbox never calls outside the machine. `GET` shows the registration,
//!   `DELETE` removes it.
//! - `POST /__sandbox/events` `{"type", …, "redeliver"?: N}` (types in [`events`]) changes the
//!   world, then `POST`s the envelope to the callback with `Content-Type: application/json`
//!   and `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, and again
//!   `N` more times with the same bytes (Meta retries, so receivers must deduplicate).
//!   Answer: `{"delivered","status","statuses","event":<the envelope>,"created":{ids}}`;
//!   `delivered` is false (and `reason` says why) without a callback, when the callback is
//!   unreachable, or when `webhooks_require_subscription` is on and the account did not
//!   subscribe the field. The world lock is never held while calling the callback.

pub(crate) mod events;
mod routing;

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::credentials::proof_for;
use super::engage::Webhook;
use super::server::{Incoming, Reply, Shared};
use super::subscriptions;

fn bad_request(message: impl Into<String>) -> Reply {
    Reply::json(
        400,
        json!({ "error": { "message": message.into(), "type": "SandboxException", "code": 400 } }),
    )
}

fn local_callback(raw: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(raw).map_err(|e| format!("callback_url is not a URL: {e}"))?;
    let local = matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    if url.scheme() != "http" || !local {
        return Err(
            "callback_url must be http://127.0.0.1, http://localhost or http://[::1] (the \
             sandbox never calls outside the machine)"
                .to_owned(),
        );
    }
    Ok(url)
}

fn client(shared: &Shared) -> Result<&reqwest::Client, String> {
    if let Some(c) = shared.webhook_http.get() {
        return Ok(c);
    }
    let c = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    Ok(shared.webhook_http.get_or_init(|| c))
}

/// Serves `/__sandbox/webhooks` and `/__sandbox/events`; `None` for other control paths.
pub(crate) async fn handle(shared: &Shared, inc: &Incoming, body: &[u8]) -> Option<Reply> {
    let path: Vec<&str> = inc.segments.iter().map(String::as_str).collect();
    Some(match (inc.method.as_str(), path.as_slice()) {
        ("POST", ["webhooks"]) => register(shared, body).await,
        ("GET", ["webhooks"]) => {
            let w = shared.lock();
            let url = w.engage.webhook.as_ref().map(|h| h.callback_url.clone());
            Reply::json(200, json!({ "callback_url": url }))
        }
        ("DELETE", ["webhooks"]) => {
            shared.lock().engage.webhook = None;
            Reply::json(200, json!({ "success": true }))
        }
        ("POST", ["events"]) => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(e)) => match event(shared, &e).await {
                Ok(v) => Reply::json(200, v),
                Err(msg) => bad_request(msg),
            },
            _ => bad_request("expected a JSON object with a type"),
        },
        _ => return None,
    })
}

async fn register(shared: &Shared, body: &[u8]) -> Reply {
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(body) else {
        return bad_request("expected {\"callback_url\",\"verify_token\"}");
    };
    let field = |k: &str| req.get(k).and_then(Value::as_str).map(str::to_owned);
    let (Some(callback), Some(token)) = (field("callback_url"), field("verify_token")) else {
        return bad_request("callback_url and verify_token are required");
    };
    let mut url = match local_callback(&callback) {
        Ok(u) => u,
        Err(msg) => return bad_request(msg),
    };
    let challenge = rand::random::<u32>().to_string();
    url.query_pairs_mut()
        .append_pair("hub.mode", "subscribe")
        .append_pair("hub.challenge", &challenge)
        .append_pair("hub.verify_token", &token);
    let http = match client(shared) {
        Ok(c) => c,
        Err(msg) => return bad_request(msg),
    };
    let answer = match http.get(url).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.text().await.unwrap_or_default())
        }
        Err(e) => return bad_request(format!("callback verification failed: {}", e.without_url())),
    };
    if answer.0 != 200 || answer.1.trim() != challenge {
        let excerpt: String = answer.1.chars().take(200).collect();
        return Reply::json(
            400,
            json!({ "error": {
                "message": format!(
                    "callback verification failed: expected 200 with the challenge {challenge}, \
                     got {} {excerpt:?}", answer.0),
                "type": "SandboxException", "code": 400,
                "status": answer.0,
            } }),
        );
    }
    shared.lock().engage.webhook = Some(Webhook {
        callback_url: callback.clone(),
    });
    Reply::json(
        200,
        json!({ "success": true, "verified": true, "callback_url": callback }),
    )
}

/// Applies an event and delivers its webhook (shared by the endpoint and `Sandbox::event`).
pub(crate) async fn event(shared: &Shared, e: &Map<String, Value>) -> Result<Value, String> {
    let redeliver = e
        .get("redeliver")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(20);
    let (applied, hook, secret, blocked) = {
        let mut w = shared.lock();
        let applied = events::apply(&mut w, e)?;
        let blocked = w.config.webhooks_require_subscription
            && !subscriptions::subscribed(&w, &applied.account, applied.field);
        (
            applied,
            w.engage.webhook.clone(),
            w.app.secret.clone(),
            blocked,
        )
    };
    let mut answer = json!({
        "delivered": false,
        "status": Value::Null,
        "statuses": [],
        "field": applied.field,
        "event": applied.envelope,
        "created": applied.created,
    });
    let reason = match (&hook, blocked) {
        (_, true) => Some(format!(
            "account {} did not subscribe the app to {}",
            applied.account, applied.field
        )),
        (None, _) => Some("no webhook callback registered".to_owned()),
        _ => None,
    };
    let (Some(hook), None) = (hook, reason.clone()) else {
        answer["reason"] = json!(reason);
        return Ok(answer);
    };
    let raw = applied.envelope.to_string();
    let signature = format!("sha256={}", proof_for(&secret, &raw));
    let http = client(shared)?;
    let mut statuses = Vec::new();
    for _ in 0..=redeliver {
        let sent = http
            .post(&hook.callback_url)
            .header("Content-Type", "application/json")
            .header("X-Hub-Signature-256", &signature)
            .body(raw.clone())
            .send()
            .await;
        match sent {
            Ok(r) => statuses.push(json!(r.status().as_u16())),
            Err(err) => {
                statuses.push(Value::Null);
                answer["reason"] = json!(format!("delivery failed: {}", err.without_url()));
            }
        }
    }
    answer["delivered"] = json!(statuses.first().is_some_and(Value::is_u64));
    answer["status"] = statuses.first().cloned().unwrap_or(Value::Null);
    answer["statuses"] = Value::Array(statuses);
    Ok(answer)
}
