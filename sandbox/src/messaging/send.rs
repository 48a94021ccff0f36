//! The Send API (`POST /{ig-id|page-id|me}/messages`) and incoming messages.
//!
//! Body (JSON or form, objects as JSON text): `recipient` `{"id"}` or `{"comment_id"}`,
//! `message` `{"text"}` (with `quick_replies`) or
//! `{"attachment":{"type":"image|audio|video|file","payload":{"url"}}}` or a generic template
//! (see [`super::rich`]),
//! or `sender_action` (`react|unreact` with `payload` `{"message_id","reaction"}`;
//! `typing_on|typing_off|mark_seen`). Answers `{"recipient_id","message_id"}`.
//!
//! Errors (Meta's codes where it documents them, the sandbox's choice otherwise):
//! - outside the window (24 h after the person's last message, 7 days with
//!   `"tag":"HUMAN_AGENT"`): code 10, subcode 2534022;
//! - a private reply to a comment older than 7 days: code 10, subcode 2534022 too;
//! - a second private reply to the same comment: code 10900 "Activity already replied to";
//! - text over 1000 bytes (UTF-8): code 100; an unknown recipient: code 100, subcode 2018001.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

use super::super::access::{Caller, NodeKind};
use super::super::comments;
use super::super::engage::{conversation_id, message_id, messages_scope, Conversation, Message};
use super::super::error::{GraphError, GraphResult};
use super::super::graph::GraphReq;
use super::super::world::World;
use super::account_of;

/// Longest text, in UTF-8 bytes.
pub(crate) const MAX_TEXT_BYTES: usize = 1000;
/// The subcode of "outside the allowed window".
pub(crate) const WINDOW_SUBCODE: i64 = 2534022;
const ATTACHMENT_TYPES: [&str; 4] = ["image", "audio", "video", "file"];

fn outside_window() -> GraphError {
    GraphError::oauth(
        10,
        "(#10) This message is sent outside of allowed window. Learn more about the new policy \
         here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
    )
    .subcode(WINDOW_SUBCODE)
}

/// A JSON object parameter: `name` as JSON text, or form keys `name[key]`.
fn object_param(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<Map<String, Value>>> {
    if let Some(raw) = req.param(name).filter(|s| !s.trim().is_empty()) {
        return match serde_json::from_str::<Value>(raw) {
            Ok(Value::Object(m)) => Ok(Some(m)),
            _ => Err(GraphError::invalid_param(format!(
                "Param {name} must be a JSON object"
            ))),
        };
    }
    let prefix = format!("{name}[");
    let map: Map<String, Value> = req
        .inc
        .params
        .iter()
        .filter_map(|(k, v)| {
            let key = k.strip_prefix(&prefix)?.strip_suffix(']')?;
            Some((key.to_owned(), json!(v)))
        })
        .collect();
    Ok((!map.is_empty()).then_some(map))
}

fn str_of<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The conversation of `ig` with `user`, created when missing.
fn conversation_for(w: &mut World, ig: &str, user: &str, username: &str) -> String {
    let id = conversation_id(ig, user);
    let now = w.now();
    w.engage
        .conversations
        .entry(id.clone())
        .or_insert_with(|| Conversation {
            id: id.clone(),
            ig: ig.to_owned(),
            user_id: user.to_owned(),
            username: username.to_owned(),
            messages: Vec::new(),
            updated: now,
            last_user_message: None,
        });
    id
}

/// Appends a message to a conversation (and to the person's window when they sent it).
pub(crate) fn append(
    w: &mut World,
    conv: &str,
    from_user: bool,
    text: Option<String>,
    attachment: Option<(String, String)>,
) -> String {
    let now = w.now();
    w.engage.next_id += 1;
    let ig = w
        .engage
        .conversations
        .get(conv)
        .map(|c| c.ig.clone())
        .unwrap_or_default();
    let mid = message_id(&ig, w.engage.next_id);
    w.engage.messages.insert(
        mid.clone(),
        Message {
            id: mid.clone(),
            conversation: conv.to_owned(),
            from_user,
            text,
            attachment,
            created: now,
            reactions: Default::default(),
        },
    );
    if let Some(c) = w.engage.conversations.get_mut(conv) {
        c.messages.push(mid.clone());
        c.updated = now;
        if from_user {
            c.last_user_message = Some(now);
        }
    }
    mid
}

/// A message from a person to an account (webhook events): opens or extends the window.
pub(crate) fn receive(
    w: &mut World,
    ig: &str,
    user: &str,
    username: &str,
    text: Option<String>,
    attachment: Option<(String, String)>,
) -> (String, String) {
    let conv = conversation_for(w, ig, user, username);
    let mid = append(w, &conv, true, text, attachment);
    (conv, mid)
}

fn within(last: Option<DateTime<Utc>>, now: DateTime<Utc>, window: Duration) -> bool {
    last.is_some_and(|t| now - t <= window)
}

/// A message's text, or its attachment as `(type, url)`.
type Content = (Option<String>, Option<(String, String)>);

/// What the message carries: text or one attachment.
fn content(req: &GraphReq<'_>) -> GraphResult<Content> {
    let message =
        object_param(req, "message")?.ok_or_else(|| GraphError::param_required("message"))?;
    super::rich::check_quick_replies(&message)?;
    if let Some(text) = message.get("text") {
        let text = text.as_str().unwrap_or_default();
        if text.is_empty() {
            return Err(GraphError::invalid_param("message[text] must not be empty"));
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(GraphError::invalid_param(format!(
                "Length of param message[text] must be less than or equal to {MAX_TEXT_BYTES} \
                 bytes (UTF-8); it is {}",
                text.len()
            )));
        }
        return Ok((Some(text.to_owned()), None));
    }
    let attachment = message
        .get("attachment")
        .and_then(Value::as_object)
        .ok_or_else(|| GraphError::invalid_param("message must have text or an attachment"))?;
    let kind = str_of(attachment, "type").unwrap_or_default();
    if kind == "template" {
        let title =
            super::rich::generic_template(attachment.get("payload").and_then(Value::as_object))?;
        return Ok((Some(title), None));
    }
    if !ATTACHMENT_TYPES.contains(&kind) {
        return Err(GraphError::invalid_param(format!(
            "message[attachment][type] must be one of image, audio, video, file (got {kind})"
        )));
    }
    let url = attachment
        .get("payload")
        .and_then(Value::as_object)
        .and_then(|p| str_of(p, "url"))
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| {
            GraphError::invalid_param("message[attachment][payload][url] must be an http(s) URL")
        })?;
    Ok((None, Some((kind.to_owned(), url.to_owned()))))
}

/// `POST /{ig-id|page-id|me}/messages`.
pub(crate) fn send(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    kind: NodeKind,
    id: &str,
) -> GraphResult<Value> {
    caller.require(messages_scope(caller), 10)?;
    let ig = account_of(w, caller, kind, id)?;
    let recipient =
        object_param(req, "recipient")?.ok_or_else(|| GraphError::param_required("recipient"))?;
    if let Some(comment) = str_of(&recipient, "comment_id") {
        return private_reply(w, req, &ig, comment);
    }
    let user = str_of(&recipient, "id")
        .ok_or_else(|| GraphError::param_required("recipient[id]"))?
        .to_owned();
    let conv = w
        .engage
        .conversation_with(&ig, &user)
        .cloned()
        .ok_or_else(|| GraphError::invalid_param("No matching user found").subcode(2018001))?;
    let now = w.now();
    let human_agent = req
        .param("tag")
        .is_some_and(|t| t.eq_ignore_ascii_case("HUMAN_AGENT"));
    let allowed = within(conv.last_user_message, now, Duration::hours(24))
        || (human_agent && within(conv.last_user_message, now, Duration::days(7)));
    if let Some(action) = req.param("sender_action").filter(|a| !a.is_empty()) {
        return sender_action(w, req, &conv, action, allowed);
    }
    let (text, attachment) = content(req)?;
    if !allowed {
        return Err(outside_window());
    }
    let mid = append(w, &conv.id, false, text, attachment);
    Ok(json!({ "recipient_id": user, "message_id": mid }))
}

fn sender_action(
    w: &mut World,
    req: &GraphReq<'_>,
    conv: &Conversation,
    action: &str,
    allowed: bool,
) -> GraphResult<Value> {
    match action {
        "typing_on" | "typing_off" | "mark_seen" => {
            return Ok(json!({ "recipient_id": conv.user_id }))
        }
        "react" | "unreact" => {}
        other => {
            return Err(GraphError::invalid_param(format!(
                "sender_action must be one of react, unreact, typing_on, typing_off, mark_seen \
                 (got {other})"
            )))
        }
    }
    if !allowed {
        return Err(outside_window());
    }
    let payload =
        object_param(req, "payload")?.ok_or_else(|| GraphError::param_required("payload"))?;
    let target = str_of(&payload, "message_id")
        .ok_or_else(|| GraphError::param_required("payload[message_id]"))?
        .to_owned();
    if !conv.messages.contains(&target) {
        return Err(GraphError::invalid_param(format!(
            "payload[message_id] {target} is not a message of this conversation"
        )));
    }
    let reaction = str_of(&payload, "reaction").unwrap_or("love").to_owned();
    if let Some(m) = w.engage.messages.get_mut(&target) {
        if action == "react" {
            m.reactions.insert(conv.ig.clone(), reaction);
        } else {
            m.reactions.remove(&conv.ig);
        }
    }
    Ok(json!({ "recipient_id": conv.user_id, "message_id": target }))
}

/// A private reply: one per comment, within 7 days of it, on the account's own media.
fn private_reply(w: &mut World, req: &GraphReq<'_>, ig: &str, comment: &str) -> GraphResult<Value> {
    let c = w
        .engage
        .comments
        .get(comment)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("POST", comment))?;
    if w.media.get(&c.media).map(|m| m.owner.as_str()) != Some(ig) {
        return Err(GraphError::invalid_param(format!(
            "The comment {comment} is not on media of this account"
        )));
    }
    if c.private_replied {
        return Err(
            GraphError::oauth(10900, "Activity already replied to").user(
                "Already replied",
                "A private reply was already sent for this comment.",
            ),
        );
    }
    if comments::older_than(w, &c, 7) {
        let mut e = outside_window();
        e.message = "(#10) This comment is more than 7 days old: private replies are only \
                     allowed within 7 days of the comment."
            .to_owned();
        return Err(e);
    }
    let (text, attachment) = content(req)?;
    let conv = conversation_for(w, ig, &c.from_id, &c.username);
    let mid = append(w, &conv, false, text, attachment);
    if let Some(c) = w.engage.comments.get_mut(comment) {
        c.private_replied = true;
    }
    Ok(json!({ "recipient_id": c.from_id, "message_id": mid }))
}
