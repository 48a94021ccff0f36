//! Comments and replies: `GET|POST /{media}/comments`, `GET|POST|DELETE /{comment}`,
//! `GET|POST /{comment}/replies`.
//!
//! Choices where Meta is silent: replying to a hidden comment answers code 100 (with a user
//! message); commenting on media with comments disabled answers code 100; hiding or deleting a
//! comment of media the token does not own answers code 200 (the comment exists, the
//! permission is missing); a comment's text is at most 2200 characters.

use serde_json::{json, Map, Value};

use super::access::{Caller, NodeKind};
use super::engage::{comments_scope, list_capped, username_of, Comment};
use super::error::{GraphError, GraphResult};
use super::fields::Field;
use super::graph::GraphReq;
use super::nodes;
use super::paging;
use super::world::{meta_time, World};

/// Comments and hashtag media are served at most 50 a page.
pub(crate) const MAX_PAGE: usize = 50;
const MAX_TEXT: usize = 2200;
const DEFAULT_FIELDS: &str = "timestamp,text,id";

/// A comment with the requested fields.
pub(crate) fn render(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let c = w
        .engage
        .comments
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let mut out = Map::new();
    out.insert("id".into(), json!(c.id));
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "text" => json!(c.text),
            "timestamp" => json!(meta_time(c.timestamp)),
            "username" => json!(c.username),
            "from" => json!({ "id": c.from_id, "username": c.username }),
            "like_count" => json!(c.like_count),
            "hidden" => json!(c.hidden),
            "parent_id" => json!(c.parent),
            "media" => {
                let sub = f.sub.clone().unwrap_or_else(|| vec![Field::plain("id")]);
                nodes::media(w, &c.media, &sub)?
            }
            "replies" => nested_replies(w, &c, f)?,
            "user" => Value::Null,
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Comment.type_name(),
                ))
            }
        };
        if !val.is_null() {
            out.insert(f.name.clone(), val);
        }
    }
    Ok(Value::Object(out))
}

fn nested_replies(w: &mut World, c: &Comment, f: &Field) -> GraphResult<Value> {
    if c.parent.is_some() {
        return Ok(Value::Null);
    }
    let limit = f
        .modifier("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(MAX_PAGE)
        .clamp(1, MAX_PAGE);
    let ids: Vec<String> = c.replies.iter().take(limit).cloned().collect();
    let sub = f.sub.clone().unwrap_or_else(|| vec![Field::plain("id")]);
    let mut data = Vec::new();
    for r in &ids {
        data.push(render(w, r, &sub)?);
    }
    Ok(paging::nested(data, &ids))
}

/// `comments{…}` as a field of a media.
pub(crate) fn nested_for_media(w: &mut World, media: &str, f: &Field) -> GraphResult<Value> {
    let limit = f
        .modifier("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(w.config.default_page_size.min(MAX_PAGE))
        .clamp(1, MAX_PAGE);
    let ids: Vec<String> = top_level_newest_first(w, media)
        .into_iter()
        .take(limit)
        .collect();
    let sub = match &f.sub {
        Some(s) => s.clone(),
        None => crate::fields::parse(DEFAULT_FIELDS)?,
    };
    let mut data = Vec::new();
    for c in &ids {
        data.push(render(w, c, &sub)?);
    }
    Ok(paging::nested(data, &ids))
}

fn top_level_newest_first(w: &World, media: &str) -> Vec<String> {
    w.engage
        .media_comments
        .get(media)
        .map(|v| v.iter().rev().cloned().collect())
        .unwrap_or_default()
}

/// `GET /{media}/comments`: top-level comments, newest first, at most 50 a page.
pub(crate) fn list(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    media: &str,
) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let ids = top_level_newest_first(w, media);
    list_capped(w, req, ids, DEFAULT_FIELDS, MAX_PAGE, render)
}

/// `GET /{comment}/replies`: oldest first, at most 50 a page.
pub(crate) fn replies(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    comment: &str,
) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let ids = w
        .engage
        .comments
        .get(comment)
        .map(|c| c.replies.clone())
        .unwrap_or_default();
    list_capped(w, req, ids, DEFAULT_FIELDS, MAX_PAGE, render)
}

fn message_param(req: &GraphReq<'_>) -> GraphResult<String> {
    let text = req
        .param("message")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| GraphError::param_required("message"))?;
    if text.chars().count() > MAX_TEXT {
        return Err(GraphError::invalid_param(format!(
            "Param message must be at most {MAX_TEXT} characters long"
        )));
    }
    Ok(text.to_owned())
}

/// Adds a comment (or a reply: a reply to a reply attaches to its top-level comment) and
/// keeps the media's `comments_count` in step. Shared by the Graph endpoints, mentions and
/// the webhook events.
pub(crate) fn add(
    w: &mut World,
    media: &str,
    parent: Option<&str>,
    (from_id, username): (&str, &str),
    text: &str,
) -> GraphResult<String> {
    let m = w
        .media
        .get(media)
        .ok_or_else(|| GraphError::unsupported("POST", media))?;
    if parent.is_none() && !m.is_comment_enabled {
        return Err(GraphError::invalid_param(
            "Comments are disabled for this media (is_comment_enabled is false)",
        )
        .user(
            "Comments are turned off",
            "The owner turned off commenting on this post.",
        ));
    }
    let top = match parent {
        None => None,
        Some(p) => {
            let pc = w
                .engage
                .comments
                .get(p)
                .ok_or_else(|| GraphError::unsupported("POST", p))?;
            let top_id = pc.parent.clone().unwrap_or_else(|| pc.id.clone());
            let top = w
                .engage
                .comments
                .get(&top_id)
                .ok_or_else(|| GraphError::unsupported("POST", p))?;
            if top.hidden || pc.hidden {
                return Err(
                    GraphError::invalid_param("Cannot reply to a hidden comment").user(
                        "Comment is hidden",
                        "Replies can't be added to a hidden comment. Unhide it first.",
                    ),
                );
            }
            Some(top_id)
        }
    };
    let now = w.now();
    let id = w.engage.new_id();
    w.engage.comments.insert(
        id.clone(),
        Comment {
            id: id.clone(),
            media: media.to_owned(),
            parent: top.clone(),
            text: text.to_owned(),
            from_id: from_id.to_owned(),
            username: username.to_owned(),
            timestamp: now,
            like_count: 0,
            hidden: false,
            replies: Vec::new(),
            private_replied: false,
        },
    );
    match top.and_then(|t| w.engage.comments.get_mut(&t)) {
        Some(t) => t.replies.push(id.clone()),
        None => w
            .engage
            .media_comments
            .entry(media.to_owned())
            .or_default()
            .push(id.clone()),
    }
    refresh_count(w, media);
    Ok(id)
}

fn refresh_count(w: &mut World, media: &str) {
    let total = w.engage.comment_total(media);
    if let Some(m) = w.media.get_mut(media) {
        m.comments_count = total;
    }
}

/// The media owner, as the author of comments the API posts.
fn owner_author(w: &World, media: &str) -> (String, String) {
    let owner = w
        .media
        .get(media)
        .map(|m| m.owner.clone())
        .unwrap_or_default();
    let name = username_of(w, &owner).unwrap_or_default();
    (owner, name)
}

/// `POST /{media}/comments?message=`.
pub(crate) fn create(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    media: &str,
) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let text = message_param(req)?;
    let (id, name) = owner_author(w, media);
    let id = add(w, media, None, (&id, &name), &text)?;
    Ok(json!({ "id": id }))
}

/// `POST /{comment}/replies?message=`.
pub(crate) fn reply(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    comment: &str,
) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let text = message_param(req)?;
    let media = w
        .engage
        .comments
        .get(comment)
        .map(|c| c.media.clone())
        .ok_or_else(|| GraphError::unsupported("POST", comment))?;
    let (id, name) = owner_author(w, &media);
    let id = add(w, &media, Some(comment), (&id, &name), &text)?;
    Ok(json!({ "id": id }))
}

/// The error for hiding or deleting a comment of media the token does not own.
pub(crate) fn not_owner() -> GraphError {
    GraphError::oauth(
        200,
        "(#200) Permissions error: only the owner of the media can manage its comments",
    )
}

/// `POST /{comment}?hide=true|false`.
pub(crate) fn hide(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    comment: &str,
) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let hide = req
        .boolean("hide")?
        .ok_or_else(|| GraphError::param_required("hide"))?;
    let c = w
        .engage
        .comments
        .get_mut(comment)
        .ok_or_else(|| GraphError::unsupported("POST", comment))?;
    c.hidden = hide;
    Ok(json!({ "success": true }))
}

/// `DELETE /{comment}`: a top-level comment goes with its replies.
pub(crate) fn delete(w: &mut World, caller: &Caller, comment: &str) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let c = w
        .engage
        .comments
        .remove(comment)
        .ok_or_else(|| GraphError::unsupported("DELETE", comment))?;
    for r in &c.replies {
        w.engage.comments.remove(r);
    }
    match &c.parent {
        Some(p) => {
            if let Some(p) = w.engage.comments.get_mut(p) {
                p.replies.retain(|r| r != comment);
            }
        }
        None => {
            if let Some(list) = w.engage.media_comments.get_mut(&c.media) {
                list.retain(|r| r != comment);
            }
        }
    }
    refresh_count(w, &c.media);
    Ok(json!({ "success": true }))
}

/// Whether a comment is older than `days` by the sandbox clock.
pub(crate) fn older_than(w: &World, comment: &Comment, days: i64) -> bool {
    let age = w.now() - comment.timestamp;
    age > chrono::Duration::days(days)
}
