//! Events about how a conversation starts and who answers it (`POST /__sandbox/events`):
//!
//! | `type` | fields | world | webhook field |
//! |---|---|---|---|
//! | `referral` | `from_user_id`, `to_ig_id`, `ref`, `source`? (`SHORTLINK`), `referral_type`? (`OPEN_THREAD`) | nothing | `messaging_referral` |
//! | `optin` | `from_user_id`, `to_ig_id`, `payload`?, `optin_type`? (`notification_messages`), `token`? | nothing | `messaging_optins` |
//! | `handover` | `from_user_id`, `to_ig_id`, `action` (`pass_thread_control`, `take_thread_control`, `request_thread_control`), `new_owner_app_id`?, `previous_owner_app_id`?, `requested_owner_app_id`?, `metadata`? | nothing | `messaging_handover` |
//!
//! Each is one `messaging` item `{sender,recipient,timestamp,<kind>{…}}`, as Meta's
//! Messenger Platform references show them.

use serde_json::{json, Map, Value};

use super::super::world::World;
use super::events::Applied;

const ACTIONS: [&str; 3] = [
    "pass_thread_control",
    "take_thread_control",
    "request_thread_control",
];

fn text<'a>(e: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    e.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn need<'a>(e: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    text(e, key).ok_or_else(|| format!("{key} is required"))
}

/// `None` when `kind` is not one of these events.
pub(crate) fn apply(
    w: &World,
    kind: &str,
    e: &Map<String, Value>,
    ms: i64,
) -> Option<Result<Applied, String>> {
    if !matches!(kind, "referral" | "optin" | "handover") {
        return None;
    }
    Some((|| {
        let user = need(e, "from_user_id")?.to_owned();
        let ig = need(e, "to_ig_id")?.to_owned();
        if !w.ig_accounts.contains_key(&ig) {
            return Err(format!("unknown IG account {ig}"));
        }
        let (field, key, body) = match kind {
            "referral" => (
                "messaging_referral",
                "referral",
                json!({
                    "ref": need(e, "ref")?,
                    "source": text(e, "source").unwrap_or("SHORTLINK"),
                    "type": text(e, "referral_type").unwrap_or("OPEN_THREAD"),
                }),
            ),
            "optin" => {
                let mut o = json!({
                    "type": text(e, "optin_type").unwrap_or("notification_messages"),
                    "payload": text(e, "payload").unwrap_or(""),
                    "user_token_status": "active",
                });
                if let Some(t) = text(e, "token") {
                    o["notification_messages_token"] = json!(t);
                }
                ("messaging_optins", "optin", o)
            }
            _ => {
                let action = need(e, "action")?;
                let action = ACTIONS
                    .into_iter()
                    .find(|a| *a == action)
                    .ok_or_else(|| format!("action must be one of {}", ACTIONS.join(", ")))?;
                let mut h = Map::new();
                for k in [
                    "new_owner_app_id",
                    "previous_owner_app_id",
                    "requested_owner_app_id",
                    "metadata",
                ] {
                    if let Some(v) = text(e, k) {
                        h.insert(k.to_owned(), json!(v));
                    }
                }
                ("messaging_handover", action, Value::Object(h))
            }
        };
        let mut item = json!({
            "sender": { "id": user }, "recipient": { "id": ig }, "timestamp": ms,
        });
        item[key] = body;
        Ok(Applied {
            envelope: json!({ "object": "instagram", "entry": [{
                "id": ig, "time": ms, "messaging": [item],
            }] }),
            account: ig,
            field,
            created: json!({}),
        })
    })())
}
