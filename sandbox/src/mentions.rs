//! Mentions and tags: `GET /{ig-user}?fields=mentioned_comment.comment_id(ID){…}` and
//! `mentioned_media.media_id(ID){…}`, `POST /{ig-user}/mentions`, `GET /{ig-user}/tags`.
//!
//! A comment or media "mentions" an account when its text or caption contains
//! `@username` (case-insensitive). Asking for one that does not answers code 100.

use serde_json::{json, Value};

use super::access::Caller;
use super::comments;
use super::engage::{comments_scope, list_capped, username_of};
use super::error::{GraphError, GraphResult};
use super::fields::{self, Field};
use super::graph::GraphReq;
use super::nodes;
use super::world::World;

fn mentions(text: &str, username: &str) -> bool {
    text.to_lowercase()
        .contains(&format!("@{}", username.to_lowercase()))
}

fn not_mentioned(what: &str, id: &str) -> GraphError {
    GraphError::invalid_param(format!(
        "The {what} {id} does not mention this Instagram account"
    ))
}

fn check_comment(w: &World, ig: &str, comment: &str) -> GraphResult<()> {
    let username = username_of(w, ig).unwrap_or_default();
    let c = w
        .engage
        .comments
        .get(comment)
        .ok_or_else(|| GraphError::unsupported("GET", comment))?;
    if mentions(&c.text, &username) {
        Ok(())
    } else {
        Err(not_mentioned("comment", comment))
    }
}

fn check_media(w: &World, ig: &str, media: &str) -> GraphResult<()> {
    let username = username_of(w, ig).unwrap_or_default();
    let m = w
        .media
        .get(media)
        .ok_or_else(|| GraphError::unsupported("GET", media))?;
    let in_caption = m.caption.as_deref().is_some_and(|c| mentions(c, &username));
    let in_comment = w.engage.media_comments.get(media).is_some_and(|cs| {
        cs.iter().any(|c| {
            w.engage
                .comments
                .get(c)
                .is_some_and(|c| mentions(&c.text, &username))
        })
    });
    if in_caption || in_comment {
        Ok(())
    } else {
        Err(not_mentioned("media", media))
    }
}

/// The `mentioned_comment.comment_id(ID){…}` field of an IG user.
pub(crate) fn mentioned_comment(w: &mut World, ig: &str, f: &Field) -> GraphResult<Value> {
    let id = f
        .modifier("comment_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("comment_id"))?
        .to_owned();
    check_comment(w, ig, &id)?;
    let sub = match &f.sub {
        Some(s) => s.clone(),
        None => fields::parse("id,text,timestamp")?,
    };
    comments::render(w, &id, &sub)
}

/// The `mentioned_media.media_id(ID){…}` field of an IG user.
pub(crate) fn mentioned_media(w: &mut World, ig: &str, f: &Field) -> GraphResult<Value> {
    let id = f
        .modifier("media_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("media_id"))?
        .to_owned();
    check_media(w, ig, &id)?;
    let sub = match &f.sub {
        Some(s) => s.clone(),
        None => fields::parse("id,caption,media_type")?,
    };
    nodes::media(w, &id, &sub)
}

/// `POST /{ig-user}/mentions` (`media_id`, optional `comment_id`, `message`): a comment on
/// the media that mentions the account, or a reply to the comment that does.
pub(crate) fn reply(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(comments_scope(caller), 10)?;
    let media = req
        .param("media_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("media_id"))?
        .to_owned();
    let message = req
        .param("message")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("message"))?
        .to_owned();
    let username = username_of(w, ig).unwrap_or_default();
    let author = (ig, username.as_str());
    let id = match req.param("comment_id").filter(|s| !s.is_empty()) {
        Some(comment) => {
            check_comment(w, ig, comment)?;
            let on = w.engage.comments.get(comment).map(|c| c.media.clone());
            if on.as_deref() != Some(media.as_str()) {
                return Err(GraphError::invalid_param(format!(
                    "The comment {comment} is not on the media {media}"
                )));
            }
            comments::add(w, &media, Some(comment), author, &message)?
        }
        None => {
            check_media(w, ig, &media)?;
            comments::add(w, &media, None, author, &message)?
        }
    };
    Ok(json!({ "id": id }))
}

/// `GET /{ig-user}/tags`: media the account is tagged in, newest first.
pub(crate) fn tags(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let ids = w.engage.tags.get(ig).cloned().unwrap_or_default();
    let max = w.config.max_page_size;
    list_capped(w, req, ids, "id", max, nodes::media)
}
