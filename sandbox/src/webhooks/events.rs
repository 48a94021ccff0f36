//! `POST /__sandbox/events`: what each event type does to the world, and the webhook body
//! Meta would send for it.
//!
//! | `type` | fields | world | webhook field |
//! |---|---|---|---|
//! | `comment` | `media_id`, `text`, `from_username`?, `from_id`?, `parent_id`?, `live`? (during a live broadcast) | a comment (or reply) under the media | `comments` (`live_comments` with `live: true`) |
//! | `mention` | `ig_id`, `from_username`?, `text`?, `media_id`? | a comment on `media_id` mentioning the account, else a new public media whose caption does | `mentions` |
//! | `message` | `from_user_id`, `to_ig_id`, `text` or `attachment` `{type,url}`, `from_username`?, `quick_reply_payload`? (a tapped quick reply) | a message in the conversation (created if new); opens the 24 h window | `messages` |
//! | `reaction` | `from_user_id`, `to_ig_id`, `mid`?, `reaction`?, `action`? (`react`/`unreact`) | the reaction on the message (default: the newest) | `message_reactions` |
//! | `seen` | `from_user_id`, `to_ig_id`, `mid`? | nothing | `messaging_seen` |
//! | `postback` | `from_user_id`, `to_ig_id`, `title`, `payload` | a message with the title; opens the window | `messaging_postbacks` |
//! | `story_insights` | `media_id` (a live story) | nothing | `story_insights` |
//! | `referral`, `optin`, `handover` | see [`super::routing`] | nothing | `messaging_referral`, `messaging_optins`, `messaging_handover` |
//!
//! Comment-like events answer `changes` entries (`time` in seconds); messaging events answer
//! `messaging` entries (`time` and `timestamp` in milliseconds), as Meta's examples show.

use serde_json::{json, Map, Value};

use super::super::comments;
use super::super::engage::username_of;
use super::super::insights::metrics::hash;
use super::super::messaging::receive;
use super::super::world::World;

/// An applied event: the account it concerns, the webhook field and the envelope.
pub(crate) struct Applied {
    pub account: String,
    pub field: &'static str,
    pub envelope: Value,
    /// Ids of what the event created.
    pub created: Value,
}

fn text<'a>(e: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    e.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn need<'a>(e: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    text(e, key).ok_or_else(|| format!("{key} is required for this event type"))
}

/// The id of a person known by username, or a stable new one.
fn person_id(w: &mut World, username: &str, given: Option<&str>) -> String {
    let id = given.map(str::to_owned).unwrap_or_else(|| {
        w.engage
            .external_users
            .iter()
            .find(|(_, u)| u.as_str() == username)
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| {
                (6_910_000_000_000_000 + hash(&[username], 0) % 1_000_000_000).to_string()
            })
    });
    w.engage
        .external_users
        .entry(id.clone())
        .or_insert_with(|| username.to_owned());
    id
}

fn changes(account: &str, time_s: i64, field: &str, value: Value) -> Value {
    json!({ "object": "instagram", "entry": [{
        "id": account, "time": time_s, "changes": [{ "field": field, "value": value }],
    }] })
}

fn messaging(account: &str, time_ms: i64, item: Value) -> Value {
    json!({ "object": "instagram", "entry": [{
        "id": account, "time": time_ms, "messaging": [item],
    }] })
}

/// Applies one event to the world.
pub(crate) fn apply(w: &mut World, e: &Map<String, Value>) -> Result<Applied, String> {
    let kind = need(e, "type")?;
    let now = w.now();
    let (secs, ms) = (now.timestamp(), now.timestamp_millis());
    match kind {
        "comment" => {
            let media = need(e, "media_id")?.to_owned();
            let body = need(e, "text")?;
            let username = text(e, "from_username").unwrap_or("sandbox.fan").to_owned();
            let from = person_id(w, &username, text(e, "from_id"));
            let parent = text(e, "parent_id");
            let id = comments::add(w, &media, parent, (&from, &username), body)
                .map_err(|err| err.message.clone())?;
            let c = w
                .engage
                .comments
                .get(&id)
                .cloned()
                .ok_or("comment vanished")?;
            let m = w.media.get(&media).cloned().ok_or("media vanished")?;
            let mut value = json!({
                "from": { "id": from, "username": username },
                "id": id,
                "text": body,
                "media": { "id": media, "media_product_type": m.media_product_type },
            });
            if let Some(p) = &c.parent {
                value["parent_id"] = json!(p);
            }
            // A comment during a live broadcast comes on its own field.
            let field = if e.get("live").and_then(Value::as_bool) == Some(true) {
                "live_comments"
            } else {
                "comments"
            };
            Ok(Applied {
                envelope: changes(&m.owner, secs, field, value),
                account: m.owner,
                field,
                created: json!({ "comment_id": id, "media_id": media }),
            })
        }
        "mention" => {
            let ig = text(e, "ig_id")
                .or_else(|| text(e, "to_ig_id"))
                .ok_or("ig_id is required for this event type")?
                .to_owned();
            let handle = username_of(w, &ig).ok_or_else(|| format!("unknown IG account {ig}"))?;
            let username = text(e, "from_username").unwrap_or("sandbox.fan").to_owned();
            let from = person_id(w, &username, text(e, "from_id"));
            let said = text(e, "text").unwrap_or("look at this");
            let value = match text(e, "media_id") {
                Some(media) => {
                    let body = format!("@{handle} {said}");
                    let id = comments::add(w, media, None, (&from, &username), &body)
                        .map_err(|err| err.message.clone())?;
                    json!({ "comment_id": id, "media_id": media })
                }
                None => {
                    let media = super::super::engage::seed::external_media_now(
                        w,
                        (&from, &username),
                        format!("@{handle} {said}"),
                    );
                    json!({ "media_id": media })
                }
            };
            Ok(Applied {
                envelope: changes(&ig, secs, "mentions", value.clone()),
                account: ig,
                field: "mentions",
                created: value,
            })
        }
        "message" | "postback" => {
            let user = need(e, "from_user_id")?.to_owned();
            let ig = need(e, "to_ig_id")?.to_owned();
            if !w.ig_accounts.contains_key(&ig) {
                return Err(format!("unknown IG account {ig}"));
            }
            let username = text(e, "from_username")
                .map(str::to_owned)
                .or_else(|| {
                    w.engage
                        .conversation_with(&ig, &user)
                        .map(|c| c.username.clone())
                })
                .unwrap_or_else(|| {
                    format!("user.{}", user.chars().rev().take(4).collect::<String>())
                });
            let attachment = e.get("attachment").and_then(Value::as_object).map(|a| {
                (
                    text(a, "type").unwrap_or("image").to_owned(),
                    text(a, "url")
                        .unwrap_or("https://lookaside.sandbox.fbsbx.invalid/a.jpg")
                        .to_owned(),
                )
            });
            let (field, body) = if kind == "postback" {
                ("messaging_postbacks", Some(need(e, "title")?.to_owned()))
            } else {
                let body = text(e, "text").map(str::to_owned);
                if body.is_none() && attachment.is_none() {
                    return Err("text or attachment is required for a message".to_owned());
                }
                ("messages", body)
            };
            let (conv, mid) = receive(
                w,
                &ig,
                &user,
                &username,
                body.clone(),
                if kind == "postback" {
                    None
                } else {
                    attachment.clone()
                },
            );
            let payload = if kind == "postback" {
                json!({ "postback": {
                    "mid": mid, "title": body, "payload": text(e, "payload").unwrap_or(""),
                } })
            } else {
                let mut message = json!({ "mid": mid });
                if let Some(t) = &body {
                    message["text"] = json!(t);
                }
                if let Some(p) = text(e, "quick_reply_payload") {
                    message["quick_reply"] = json!({ "payload": p });
                }
                if let Some((t, url)) = &attachment {
                    message["attachments"] = json!([{ "type": t, "payload": { "url": url } }]);
                }
                json!({ "message": message })
            };
            let mut item = json!({
                "sender": { "id": user }, "recipient": { "id": ig }, "timestamp": ms,
            });
            if let (Value::Object(item), Value::Object(p)) = (&mut item, payload) {
                item.extend(p);
            }
            Ok(Applied {
                envelope: messaging(&ig, ms, item),
                account: ig,
                field,
                created: json!({ "conversation_id": conv, "message_id": mid }),
            })
        }
        "reaction" | "seen" => {
            let user = need(e, "from_user_id")?.to_owned();
            let ig = need(e, "to_ig_id")?.to_owned();
            let conv = w
                .engage
                .conversation_with(&ig, &user)
                .cloned()
                .ok_or_else(|| format!("no conversation between {ig} and {user}"))?;
            let mid = match text(e, "mid") {
                Some(m) if conv.messages.iter().any(|x| x == m) => m.to_owned(),
                Some(m) => return Err(format!("{m} is not a message of that conversation")),
                None => conv
                    .messages
                    .last()
                    .cloned()
                    .ok_or("the conversation is empty")?,
            };
            let (field, payload) = if kind == "seen" {
                ("messaging_seen", json!({ "read": { "mid": mid } }))
            } else {
                let reaction = text(e, "reaction").unwrap_or("love").to_owned();
                let action = text(e, "action").unwrap_or("react").to_owned();
                if let Some(m) = w.engage.messages.get_mut(&mid) {
                    if action == "unreact" {
                        m.reactions.remove(&user);
                    } else {
                        m.reactions.insert(user.clone(), reaction.clone());
                    }
                }
                let mut r = json!({ "mid": mid, "action": action });
                if action != "unreact" {
                    r["reaction"] = json!(reaction);
                    r["emoji"] = json!("\u{2764}\u{fe0f}");
                }
                ("message_reactions", json!({ "reaction": r }))
            };
            let mut item = json!({
                "sender": { "id": user }, "recipient": { "id": ig }, "timestamp": ms,
            });
            if let (Value::Object(item), Value::Object(p)) = (&mut item, payload) {
                item.extend(p);
            }
            Ok(Applied {
                envelope: messaging(&ig, ms, item),
                account: ig,
                field,
                created: json!({ "conversation_id": conv.id, "message_id": mid }),
            })
        }
        "story_insights" => {
            let media = need(e, "media_id")?.to_owned();
            let m = w
                .media
                .get(&media)
                .filter(|m| m.media_product_type == "STORY")
                .cloned()
                .ok_or_else(|| format!("{media} is not a live story"))?;
            let reach = super::super::insights::story_viewers(w, &media);
            let value = json!({
                "media_id": media,
                "exits": hash(&[&media, "exits"], 0) % (reach / 4 + 1),
                "replies": hash(&[&media, "replies"], 0) % 5,
                "reach": reach,
                "taps_forward": hash(&[&media, "fwd"], 0) % (reach / 2 + 1),
                "taps_back": hash(&[&media, "back"], 0) % (reach / 5 + 1),
                "impressions": reach + reach / 3,
            });
            Ok(Applied {
                envelope: changes(&m.owner, secs, "story_insights", value),
                account: m.owner,
                field: "story_insights",
                created: json!({ "media_id": media }),
            })
        }
        other => super::routing::apply(w, other, e, ms).unwrap_or_else(|| {
            Err(format!(
                "unknown event type {other}: expected comment, mention, message, reaction, seen, \
                 postback, story_insights, referral, optin or handover"
            ))
        }),
    }
}
