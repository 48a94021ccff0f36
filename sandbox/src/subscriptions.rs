//! `GET|POST|DELETE /{ig-id|page-id}/subscribed_apps`: which webhook fields the app receives
//! for an account. `POST` replaces the list with `subscribed_fields` (comma-separated);
//! unknown fields answer code 100.

use serde_json::{json, Value};

use super::access::Caller;
use super::error::{GraphError, GraphResult};
use super::graph::GraphReq;
use super::world::World;

/// The webhook fields an Instagram account can subscribe to.
pub(crate) const FIELDS: [&str; 14] = [
    "comments",
    "live_comments",
    "mentions",
    "messages",
    "message_echoes",
    "message_reactions",
    "messaging_seen",
    "messaging_postbacks",
    "messaging_optins",
    "messaging_referral",
    "messaging_handover",
    "standby",
    "story_insights",
    "feed",
];

pub(crate) fn handle(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    id: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    match req.method() {
        "GET" => Ok(match w.engage.subscriptions.get(id) {
            Some(fields) => json!({ "data": [{
                "id": w.app.id, "name": w.app.name, "subscribed_fields": fields,
            }] }),
            None => json!({ "data": [] }),
        }),
        "POST" => {
            let raw = req
                .param("subscribed_fields")
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| GraphError::param_required("subscribed_fields"))?;
            let mut fields: Vec<String> = Vec::new();
            for f in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                if !FIELDS.contains(&f) {
                    return Err(GraphError::invalid_param(format!(
                        "Param subscribed_fields[{}] must be one of {{{}}} - got \"{f}\"",
                        fields.len(),
                        FIELDS.join(", ")
                    )));
                }
                if !fields.iter().any(|x| x == f) {
                    fields.push(f.to_owned());
                }
            }
            w.engage.subscriptions.insert(id.to_owned(), fields);
            Ok(json!({ "success": true }))
        }
        "DELETE" => {
            w.engage.subscriptions.remove(id);
            Ok(json!({ "success": true }))
        }
        other => Err(GraphError::unsupported(other, id)),
    }
}

/// Whether `ig` (or its Page) subscribed the app to `field`.
pub(crate) fn subscribed(w: &World, ig: &str, field: &str) -> bool {
    let page = w.ig_accounts.get(ig).and_then(|a| a.page_id.clone());
    [Some(ig.to_owned()), page].into_iter().flatten().any(|id| {
        w.engage
            .subscriptions
            .get(&id)
            .is_some_and(|f| f.iter().any(|x| x == field))
    })
}
