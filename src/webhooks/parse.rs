//! Reading a delivery into [`Event`]s.
//!
//! Reading is tolerant by construction: the body is read as JSON once, then each known key is
//! taken only when it has the expected type; whatever is left (unknown keys, known keys of an
//! unexpected type) stays in the event's `extra` map. An update whose value is not an object,
//! or whose field this version does not know, becomes [`Event::Unknown`] with the value whole.
//! Only a body that is not a JSON object fails.

use serde_json::Value;

use super::events::*;
use super::routing::{HandoverAction, HandoverEvent, OptinEvent, ReferralEvent, StandbyEvent};
use super::WebhookError;

/// Reads a delivery. Never panics, whatever the bytes; fails only when the body is not a JSON
/// object. Verify the signature over the same bytes first ([`super::verify_signature`]).
pub fn parse(raw_body: &[u8]) -> Result<WebhookPayload, WebhookError> {
    let value: Value = serde_json::from_slice(raw_body)
        .map_err(|e| WebhookError::MalformedBody(format!("not JSON: {e}")))?;
    let Value::Object(mut top) = value else {
        return Err(WebhookError::MalformedBody(
            "the body is not a JSON object".into(),
        ));
    };
    let object = take_string(&mut top, "object").unwrap_or_default();
    let entries = match top.remove("entry") {
        Some(Value::Array(entries)) => entries,
        Some(Value::Null) | None => Vec::new(),
        Some(other) => {
            // Not an array: keep it rather than guess.
            top.insert("entry".into(), other);
            Vec::new()
        }
    };
    let mut events = Vec::new();
    for entry in entries {
        read_entry(entry, &mut events);
    }
    Ok(WebhookPayload {
        object,
        events,
        extra: top,
    })
}

fn read_entry(entry: Value, out: &mut Vec<Event>) {
    let Value::Object(mut entry) = entry else {
        out.push(unknown(String::new(), None, "entry", entry));
        return;
    };
    let id = take_string(&mut entry, "id").unwrap_or_default();
    let time = take_i64(&mut entry, "time");
    if let Some(changes) = take_array(&mut entry, "changes") {
        for change in changes {
            out.push(read_change(&id, time, change));
        }
    }
    if let Some(items) = take_array(&mut entry, "messaging") {
        for item in items {
            out.push(read_messaging(&id, time, None, item));
        }
    }
    if let Some(items) = take_array(&mut entry, "standby") {
        for item in items {
            let inner = read_messaging(&id, time, None, item);
            out.push(Event::Standby(StandbyEvent {
                entry_id: id.clone(),
                time,
                event: Box::new(inner),
            }));
        }
    }
    // Anything else on the entry (fields added later) is kept as unknown updates.
    for (key, value) in entry {
        out.push(unknown(id.clone(), time, &key, value));
    }
}

fn read_change(id: &str, time: Option<i64>, change: Value) -> Event {
    let Value::Object(mut change) = change else {
        return unknown(id.to_owned(), time, "changes", change);
    };
    let field = take_string(&mut change, "field").unwrap_or_default();
    let value = change.remove("value").unwrap_or(Value::Null);
    match field.as_str() {
        "comments" | "live_comments" => match value {
            Value::Object(v) => Event::Comment(comment(id, time, field, v)),
            other => unknown(id.to_owned(), time, &field, other),
        },
        "mentions" => match value {
            Value::Object(mut v) => Event::Mention(MentionEvent {
                entry_id: id.to_owned(),
                time,
                media_id: take_string(&mut v, "media_id"),
                comment_id: take_string(&mut v, "comment_id"),
                extra: v,
            }),
            other => unknown(id.to_owned(), time, &field, other),
        },
        "story_insights" => match value {
            Value::Object(mut v) => Event::StoryInsights(StoryInsightsEvent {
                entry_id: id.to_owned(),
                time,
                media_id: take_string(&mut v, "media_id"),
                reach: take_i64(&mut v, "reach"),
                impressions: take_i64(&mut v, "impressions"),
                taps_forward: take_i64(&mut v, "taps_forward"),
                taps_back: take_i64(&mut v, "taps_back"),
                exits: take_i64(&mut v, "exits"),
                replies: take_i64(&mut v, "replies"),
                extra: v,
            }),
            other => unknown(id.to_owned(), time, &field, other),
        },
        "messages"
        | "message_reactions"
        | "messaging_seen"
        | "messaging_postbacks"
        | "messaging_referral"
        | "messaging_optins"
        | "messaging_handover"
        | "message_echoes" => read_messaging(id, time, Some(&field), value),
        _ => unknown(id.to_owned(), time, &field, value),
    }
}

fn comment(id: &str, time: Option<i64>, field: String, mut v: Extra) -> CommentEvent {
    CommentEvent {
        entry_id: id.to_owned(),
        time,
        field,
        id: take_string(&mut v, "id"),
        text: take_string(&mut v, "text"),
        from: take_object(&mut v, "from").map(|mut u| WebhookUser {
            id: take_string(&mut u, "id"),
            username: take_string(&mut u, "username"),
            extra: u,
        }),
        parent_id: take_string(&mut v, "parent_id"),
        media: take_object(&mut v, "media").map(|mut m| WebhookMedia {
            id: take_string(&mut m, "id"),
            media_product_type: take_string(&mut m, "media_product_type").map(Into::into),
            extra: m,
        }),
        extra: v,
    }
}

/// The parts every messaging item shares.
struct Envelope {
    sender_id: Option<String>,
    recipient_id: Option<String>,
    timestamp: Option<i64>,
}

fn take_party(item: &mut Extra, key: &str) -> Option<String> {
    let mut party = take_object(item, key)?;
    let id = take_string(&mut party, "id");
    if !party.is_empty() {
        // Keep what else the party carried (e.g. a username) beside the item.
        item.insert(key.to_owned(), Value::Object(party));
    }
    id
}

/// A messaging item, from an entry's `messaging` array (`field` = None: the kind is read from
/// the item's keys) or from a `changes` value (`field` names the kind).
fn read_messaging(id: &str, time: Option<i64>, field: Option<&str>, item: Value) -> Event {
    let Value::Object(mut item) = item else {
        return unknown(id.to_owned(), time, field.unwrap_or("messaging"), item);
    };
    let handover = HandoverAction::ALL
        .into_iter()
        .find(|a| item.get(a.as_str()).is_some_and(Value::is_object));
    let kind = match field {
        Some("messages" | "message_echoes") => "message",
        Some("message_reactions") => "reaction",
        Some("messaging_seen") => "read",
        Some("messaging_postbacks") => "postback",
        Some("messaging_referral") => "referral",
        Some("messaging_optins") => "optin",
        Some("messaging_handover") => match handover {
            Some(a) => a.as_str(),
            None => {
                return unknown(
                    id.to_owned(),
                    time,
                    "messaging_handover",
                    Value::Object(item),
                )
            }
        },
        _ => match [
            "message", "reaction", "read", "postback", "referral", "optin",
        ]
        .into_iter()
        .chain(handover.map(HandoverAction::as_str))
        .find(|k| item.get(*k).is_some_and(Value::is_object))
        {
            Some(k) => k,
            None => return unknown(id.to_owned(), time, "messaging", Value::Object(item)),
        },
    };
    let env = Envelope {
        sender_id: take_party(&mut item, "sender"),
        recipient_id: take_party(&mut item, "recipient"),
        timestamp: take_i64(&mut item, "timestamp"),
    };
    let body = take_object(&mut item, kind).unwrap_or_default();
    let entry_id = id.to_owned();
    if let Some(action) = handover.filter(|a| a.as_str() == kind) {
        let mut b = body;
        return Event::Handover(HandoverEvent {
            entry_id,
            time,
            sender_id: env.sender_id,
            recipient_id: env.recipient_id,
            timestamp: env.timestamp,
            action,
            new_owner_app_id: take_string(&mut b, "new_owner_app_id"),
            previous_owner_app_id: take_string(&mut b, "previous_owner_app_id"),
            requested_owner_app_id: take_string(&mut b, "requested_owner_app_id"),
            metadata: take_string(&mut b, "metadata"),
            extra: b,
            envelope_extra: item,
        });
    }
    match kind {
        "message" => Event::Message(message(entry_id, time, env, body, item)),
        "referral" => {
            let mut b = body;
            Event::Referral(ReferralEvent {
                entry_id,
                time,
                sender_id: env.sender_id,
                recipient_id: env.recipient_id,
                timestamp: env.timestamp,
                referral_ref: take_string(&mut b, "ref"),
                source: take_string(&mut b, "source"),
                kind: take_string(&mut b, "type"),
                ad_id: take_string(&mut b, "ad_id"),
                extra: b,
                envelope_extra: item,
            })
        }
        "optin" => {
            let mut b = body;
            Event::Optin(OptinEvent {
                entry_id,
                time,
                sender_id: env.sender_id,
                recipient_id: env.recipient_id,
                timestamp: env.timestamp,
                kind: take_string(&mut b, "type"),
                payload: take_string(&mut b, "payload"),
                optin_ref: take_string(&mut b, "ref"),
                notification_messages_token: take_string(&mut b, "notification_messages_token"),
                user_token_status: take_string(&mut b, "user_token_status"),
                extra: b,
                envelope_extra: item,
            })
        }
        "reaction" => {
            let mut b = body;
            Event::Reaction(ReactionEvent {
                entry_id,
                time,
                sender_id: env.sender_id,
                recipient_id: env.recipient_id,
                timestamp: env.timestamp,
                mid: take_string(&mut b, "mid"),
                action: take_string(&mut b, "action"),
                reaction: take_string(&mut b, "reaction"),
                emoji: take_string(&mut b, "emoji"),
                extra: b,
                envelope_extra: item,
            })
        }
        "read" => {
            let mut b = body;
            Event::Seen(SeenEvent {
                entry_id,
                time,
                sender_id: env.sender_id,
                recipient_id: env.recipient_id,
                timestamp: env.timestamp,
                mid: take_string(&mut b, "mid"),
                extra: b,
                envelope_extra: item,
            })
        }
        _ => {
            let mut b = body;
            Event::Postback(PostbackEvent {
                entry_id,
                time,
                sender_id: env.sender_id,
                recipient_id: env.recipient_id,
                timestamp: env.timestamp,
                mid: take_string(&mut b, "mid"),
                title: take_string(&mut b, "title"),
                payload: take_string(&mut b, "payload"),
                extra: b,
                envelope_extra: item,
            })
        }
    }
}

fn message(
    entry_id: String,
    time: Option<i64>,
    env: Envelope,
    mut m: Extra,
    rest: Extra,
) -> MessageEvent {
    let attachments = match take_array(&mut m, "attachments") {
        Some(list) => list
            .into_iter()
            .map(|a| match a {
                Value::Object(mut a) => MessageAttachment {
                    kind: take_string(&mut a, "type"),
                    payload: a.remove("payload").unwrap_or(Value::Null),
                    extra: a,
                },
                other => MessageAttachment {
                    payload: other,
                    ..Default::default()
                },
            })
            .collect(),
        None => Vec::new(),
    };
    let reply_to = take_object(&mut m, "reply_to").map(|mut r| {
        let mut story = take_object(&mut r, "story").unwrap_or_default();
        let (story_id, story_url) = (
            take_string(&mut story, "id"),
            take_string(&mut story, "url"),
        );
        if !story.is_empty() {
            r.insert("story".into(), Value::Object(story));
        }
        ReplyTo {
            mid: take_string(&mut r, "mid"),
            story_id,
            story_url,
            extra: r,
        }
    });
    let quick_reply_payload = match take_object(&mut m, "quick_reply") {
        Some(mut q) => {
            let payload = take_string(&mut q, "payload");
            if !q.is_empty() {
                m.insert("quick_reply".into(), Value::Object(q));
            }
            payload
        }
        None => None,
    };
    MessageEvent {
        entry_id,
        time,
        sender_id: env.sender_id,
        recipient_id: env.recipient_id,
        timestamp: env.timestamp,
        mid: take_string(&mut m, "mid"),
        text: take_string(&mut m, "text"),
        attachments,
        is_echo: take_bool(&mut m, "is_echo"),
        is_deleted: take_bool(&mut m, "is_deleted"),
        is_unsupported: take_bool(&mut m, "is_unsupported"),
        reply_to,
        quick_reply_payload,
        extra: m,
        envelope_extra: rest,
    }
}

fn unknown(entry_id: String, time: Option<i64>, field: &str, value: Value) -> Event {
    Event::Unknown(UnknownEvent {
        entry_id,
        time,
        field: field.to_owned(),
        value,
    })
}

/// Takes a string (or a number, as ids sometimes are) out of `m`; a value of another type stays
/// in `m`, so it is kept in the event's `extra`.
fn take_string(m: &mut Extra, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::String(_) | Value::Number(_) | Value::Null => match m.remove(key)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// Takes an integer (a whole float or a numeric string count too) out of `m`.
fn take_i64(m: &mut Extra, key: &str) -> Option<i64> {
    let n = match m.get(key)? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        Value::Null => None,
        _ => return None,
    };
    if n.is_some() || m.get(key).is_some_and(Value::is_null) {
        m.remove(key);
    }
    n
}

fn take_bool(m: &mut Extra, key: &str) -> bool {
    match m.get(key) {
        Some(Value::Bool(b)) => {
            let b = *b;
            m.remove(key);
            b
        }
        Some(Value::Null) => {
            m.remove(key);
            false
        }
        _ => false,
    }
}

fn take_object(m: &mut Extra, key: &str) -> Option<Extra> {
    if !m.get(key)?.is_object() {
        return None;
    }
    match m.remove(key)? {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

fn take_array(m: &mut Extra, key: &str) -> Option<Vec<Value>> {
    if !m.get(key)?.is_array() {
        return None;
    }
    match m.remove(key)? {
        Value::Array(a) => Some(a),
        _ => None,
    }
}
