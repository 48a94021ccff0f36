//! Instagram messaging: conversations (`GET /{ig-id|page-id|me}/conversations`,
//! `GET /{conversation}`, `GET /{conversation}/messages`), messages (`GET /{message}`: only
//! the 20 newest of a conversation) and the Send API (`POST /{ig-id|page-id|me}/messages`),
//! private replies to comments included ([`send`]), and the Messenger Profile and User
//! Profile API ([`profile`]).
//!
//! With Facebook Login the Page edges need a Page token (a user token answers code 190, as
//! Meta does); the IG account edges accept any token that reaches the account.

mod profile;
mod rich;
mod send;

pub(crate) use profile::{messenger_profile, user_profile};
pub(crate) use send::{receive, send};

use serde_json::{json, Map, Value};

use super::access::{Caller, NodeKind};
use super::engage::{messages_scope, username_of, Conversation, Message};
use super::error::{GraphError, GraphResult};
use super::fields::{self, Field};
use super::graph::{self, GraphReq};
use super::paging;
use super::world::{meta_time, TokenKind, World};

/// Only this many newest messages of a conversation can be read.
pub(crate) const READABLE: usize = 20;

/// The IG account behind a messaging node (an IG user, or a Page's linked account); Page
/// nodes need a Page token.
pub(crate) fn account_of(
    w: &World,
    caller: &Caller,
    kind: NodeKind,
    id: &str,
) -> GraphResult<String> {
    match kind {
        NodeKind::IgUser => Ok(id.to_owned()),
        NodeKind::Page => {
            if caller.token.kind != TokenKind::Page {
                return Err(GraphError::oauth(
                    190,
                    "(#190) This method must be called with a Page Access Token",
                ));
            }
            w.pages
                .get(id)
                .and_then(|p| p.ig_account.clone())
                .ok_or_else(|| {
                    GraphError::invalid_param("This Page has no linked Instagram account")
                })
        }
        _ => Err(GraphError::unsupported("GET", id)),
    }
}

/// `GET /{ig-id|page-id|me}/conversations?platform=instagram[&user_id=]`, newest first.
pub(crate) fn conversations(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    kind: NodeKind,
    id: &str,
) -> GraphResult<Value> {
    caller.require(messages_scope(caller), 10)?;
    let ig = account_of(w, caller, kind, id)?;
    // A Page without `platform=instagram` lists its Messenger conversations: none here.
    let platform = req.param("platform").filter(|p| !p.is_empty());
    let messenger = match platform {
        Some(p) => !p.eq_ignore_ascii_case("instagram"),
        None => kind == NodeKind::Page,
    };
    let user = req.param("user_id").filter(|u| !u.is_empty());
    let mut convs: Vec<&Conversation> = w
        .engage
        .conversations
        .values()
        .filter(|c| !messenger && c.ig == ig && user.map_or(true, |u| c.user_id == u))
        .collect();
    convs.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
    let ids: Vec<String> = convs.iter().map(|c| c.id.clone()).collect();
    graph::list(w, req, ids, "id,updated_time", render_conversation)
}

/// A conversation node.
pub(crate) fn render_conversation(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let c = w
        .engage
        .conversations
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let mut out = Map::new();
    out.insert("id".into(), json!(c.id));
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "updated_time" => json!(meta_time(c.updated)),
            "message_count" => json!(c.messages.len()),
            "unread_count" => json!(0),
            "participants" => json!({ "data": [
                { "username": username_of(w, &c.ig), "id": c.ig },
                { "username": c.username, "id": c.user_id },
            ] }),
            "messages" => nested_messages(w, &c, f)?,
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Conversation.type_name(),
                ))
            }
        };
        out.insert(f.name.clone(), val);
    }
    Ok(Value::Object(out))
}

fn newest_first(c: &Conversation) -> Vec<String> {
    c.messages.iter().rev().cloned().collect()
}

/// `messages{…}` inside a conversation: every id, newest first (first page); the requested
/// fields for the 20 newest, only `id` and `created_time` for older ones.
fn nested_messages(w: &mut World, c: &Conversation, f: &Field) -> GraphResult<Value> {
    let limit = f
        .modifier("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(w.config.default_page_size)
        .clamp(1, w.config.max_page_size.max(1));
    let ids: Vec<String> = newest_first(c).into_iter().take(limit).collect();
    let sub = match &f.sub {
        Some(s) => s.clone(),
        None => fields::parse("id,created_time")?,
    };
    let short = fields::parse("id,created_time")?;
    let mut data = Vec::new();
    for (k, m) in ids.iter().enumerate() {
        let fields = if k < READABLE { &sub } else { &short };
        data.push(render_message_unchecked(w, m, fields)?);
    }
    Ok(paging::nested(data, &ids))
}

/// `GET /{conversation}/messages`: newest first.
pub(crate) fn conversation_messages(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    id: &str,
) -> GraphResult<Value> {
    caller.require(messages_scope(caller), 10)?;
    let ids = w
        .engage
        .conversations
        .get(id)
        .map(newest_first)
        .unwrap_or_default();
    let readable: Vec<String> = ids.iter().take(READABLE).cloned().collect();
    graph::list(w, req, ids, "id,created_time", move |w, m, f| {
        if readable.iter().any(|r| r == m) {
            render_message_unchecked(w, m, f)
        } else {
            render_message_unchecked(w, m, &[Field::plain("id"), Field::plain("created_time")])
        }
    })
}

fn too_old(id: &str) -> GraphError {
    let mut e = GraphError::unsupported("GET", id);
    e.message.push_str(
        " Only the 20 most recent messages of a conversation can be read (sandbox: this message \
         is older).",
    );
    e
}

/// `GET /{message}`: refused (100/33) unless it is among its conversation's 20 newest.
pub(crate) fn render_message(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let readable = w
        .engage
        .messages
        .get(id)
        .and_then(|m| w.engage.conversations.get(&m.conversation))
        .is_some_and(|c| c.messages.iter().rev().take(READABLE).any(|m| m == id));
    if !readable {
        return Err(too_old(id));
    }
    render_message_unchecked(w, id, fields)
}

fn attachment_json(kind: &str, url: &str) -> Value {
    match kind {
        "image" => json!({ "image_data": {
            "url": url, "preview_url": url, "width": 1080, "height": 1080,
            "max_width": 1080, "max_height": 1080, "render_as_sticker": false, "image_type": 1 } }),
        "video" => {
            json!({ "video_data": { "url": url, "preview_url": url, "width": 720, "height": 1280 } })
        }
        "audio" => json!({ "audio_data": { "url": url }, "file_url": url }),
        _ => json!({ "file_url": url }),
    }
}

fn render_message_unchecked(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let m: Message = w
        .engage
        .messages
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let c = w
        .engage
        .conversations
        .get(&m.conversation)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let business = json!({ "username": username_of(w, &c.ig), "id": c.ig });
    let person = json!({ "username": c.username, "id": c.user_id });
    let (from, to) = if m.from_user {
        (person, business)
    } else {
        (business, person)
    };
    let mut out = Map::new();
    out.insert("id".into(), json!(m.id));
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "created_time" => json!(meta_time(m.created)),
            "from" => from.clone(),
            "to" => json!({ "data": [to.clone()] }),
            "message" => json!(m.text.clone().unwrap_or_default()),
            "attachments" => match &m.attachment {
                Some((kind, url)) => json!({ "data": [attachment_json(kind, url)] }),
                None => Value::Null,
            },
            "reactions" => {
                if m.reactions.is_empty() {
                    Value::Null
                } else {
                    let data: Vec<Value> = m
                        .reactions
                        .iter()
                        .map(|(who, r)| json!({ "reaction": r, "users": [{ "id": who }] }))
                        .collect();
                    json!({ "data": data })
                }
            }
            "is_unsupported" => json!(false),
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Message.type_name(),
                ))
            }
        };
        if !val.is_null() {
            out.insert(f.name.clone(), val);
        }
    }
    Ok(Value::Object(out))
}
