//! Comments: a media's comments (`GET /{ig-media-id}/comments`), commenting on a media
//! (`POST /{ig-media-id}/comments`), one comment (`GET|DELETE /{ig-comment-id}`), its replies
//! (`GET|POST /{ig-comment-id}/replies`), hiding it (`POST /{ig-comment-id}?hide=`), and the
//! private reply to a comment (`POST /{ig-user-id}/messages` with `recipient.comment_id`).
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
//! use futures::TryStreamExt;
//! use instagraph::{CommentId, MediaId};
//! let fb = client.facebook(&token);
//! let comments: Vec<_> = fb
//!     .media(MediaId::new("17900000000000001"))
//!     .comments()
//!     .limit(50)
//!     .send()
//!     .await?
//!     .into_stream()
//!     .try_collect()
//!     .await?;
//! for c in &comments {
//!     fb.comment(c.id.clone()).reply("Thank you!").await?;
//! }
//! # Ok(()) }
//! ```

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::ig_user::IgUserHandler;
use super::media::MediaHandler;
use super::models::{Comment, IdResponse, SendMessageResponse, SuccessResponse};
use super::{Graph, ListEdge};
use crate::error::{Error, Result};
use crate::ids::CommentId;

/// Default fields of a comment or a reply.
pub const DEFAULT_COMMENT_FIELDS: &str =
    "id,text,timestamp,username,from,like_count,hidden,parent_id,media";

/// The most comments (or replies) Meta returns per page.
pub const MAX_COMMENTS_PER_PAGE: u32 = 50;

/// The longest comment or reply, in characters (Unicode scalar values). Meta documents 2200
/// characters for captions but no limit for comments (uncertain, "\[U\]" in GRAPH_API.md), so
/// comments are held to the caption limit.
pub const MAX_COMMENT_CHARS: usize = 2200;

/// The longest text of a private reply, in bytes of UTF-8 (the Send API's limit).
pub const MAX_PRIVATE_REPLY_BYTES: usize = 1000;

/// How long after a comment a private reply to it may be sent.
pub const PRIVATE_REPLY_WINDOW_DAYS: i64 = 7;

/// Checks a comment or reply text: not blank, at most [`MAX_COMMENT_CHARS`] characters.
pub fn validate_comment_message(message: &str) -> Result<()> {
    if message.trim().is_empty() {
        return Err(Error::invalid("message", "a comment cannot be empty"));
    }
    let chars = message.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(Error::invalid(
            "message",
            format!("{chars} characters; a comment holds at most {MAX_COMMENT_CHARS}"),
        ));
    }
    Ok(())
}

/// Checks the text of a private reply: not blank, at most [`MAX_PRIVATE_REPLY_BYTES`] bytes.
pub fn validate_private_reply_text(text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid("text", "a private reply cannot be empty"));
    }
    if text.len() > MAX_PRIVATE_REPLY_BYTES {
        return Err(Error::invalid(
            "text",
            format!(
                "{} bytes of UTF-8; a message holds at most {MAX_PRIVATE_REPLY_BYTES}",
                text.len()
            ),
        ));
    }
    Ok(())
}

/// Refuses an empty id, and ids with characters that would change the meaning of a path or of
/// a field expression they are put into (Graph ids are digits, sometimes joined by `_`).
pub(crate) fn validate_id(field: &'static str, id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid(field, "an id cannot be empty"));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(Error::invalid(
            field,
            format!("{bad:?} is not allowed in an id (letters, digits, `_` and `-` only)"),
        ));
    }
    Ok(())
}

impl<'a> MediaHandler<'a> {
    /// `GET /{ig-media-id}/comments`: the top-level comments, newest first
    /// ([`DEFAULT_COMMENT_FIELDS`] by default; `limit` at most [`MAX_COMMENTS_PER_PAGE`]).
    pub fn comments(&self) -> ListEdge<'a, Comment> {
        ListEdge::new(
            self.graph,
            format!("{}/comments", self.id),
            DEFAULT_COMMENT_FIELDS,
        )
        .max_limit(MAX_COMMENTS_PER_PAGE)
    }

    /// `POST /{ig-media-id}/comments?message=`: comments on the media as the account that owns
    /// the token. Returns the new comment's id. Never retried once sent (a repeat would post
    /// twice).
    pub async fn comment(&self, message: &str) -> Result<CommentId> {
        validate_comment_message(message)?;
        validate_id("media_id", self.id.as_str())?;
        let created: IdResponse = self
            .graph
            .post(format!("{}/comments", self.id))
            .query("message", message)
            .send()
            .await?;
        Ok(CommentId::new(created.id))
    }
}

impl<'a> Graph<'a> {
    /// A comment or a reply: read, list its replies, reply, hide, delete.
    pub fn comment(&self, id: impl Into<CommentId>) -> CommentHandler<'a> {
        CommentHandler {
            graph: *self,
            id: id.into(),
        }
    }
}

/// One comment: `graph.comment(id)`.
#[derive(Debug, Clone)]
pub struct CommentHandler<'a> {
    graph: Graph<'a>,
    id: CommentId,
}

impl<'a> CommentHandler<'a> {
    /// The comment id.
    pub fn id(&self) -> &CommentId {
        &self.id
    }

    /// `GET /{ig-comment-id}` ([`DEFAULT_COMMENT_FIELDS`] by default).
    pub fn get(&self) -> GetComment<'a> {
        GetComment::new(self.graph, self.id.to_string(), DEFAULT_COMMENT_FIELDS)
            .checked(validate_id("comment_id", self.id.as_str()))
    }

    /// `GET /{ig-comment-id}/replies`: the replies, oldest first ([`DEFAULT_COMMENT_FIELDS`] by
    /// default; `limit` at most [`MAX_COMMENTS_PER_PAGE`]).
    pub fn replies(&self) -> ListEdge<'a, Comment> {
        ListEdge::new(
            self.graph,
            format!("{}/replies", self.id),
            DEFAULT_COMMENT_FIELDS,
        )
        .max_limit(MAX_COMMENTS_PER_PAGE)
    }

    /// `POST /{ig-comment-id}/replies?message=`: replies to the comment. Meta attaches a reply
    /// to a reply to the top-level comment, and refuses replies to hidden comments. Returns the
    /// reply's id; never retried once sent.
    pub async fn reply(&self, message: &str) -> Result<CommentId> {
        validate_comment_message(message)?;
        validate_id("comment_id", self.id.as_str())?;
        let created: IdResponse = self
            .graph
            .post(format!("{}/replies", self.id))
            .query("message", message)
            .send()
            .await?;
        Ok(CommentId::new(created.id))
    }

    /// `POST /{ig-comment-id}?hide=true|false`: hides or shows the comment. Returns Meta's
    /// `success`. Safe to retry (it sets a state).
    pub async fn hide(&self, hidden: bool) -> Result<bool> {
        validate_id("comment_id", self.id.as_str())?;
        let answer: SuccessResponse = self
            .graph
            .post(self.id.to_string())
            .query("hide", if hidden { "true" } else { "false" })
            .retry_safe(true)
            .send()
            .await?;
        Ok(answer.success)
    }

    /// `DELETE /{ig-comment-id}`: deletes the comment (and its replies). Returns Meta's
    /// `success`.
    pub async fn delete(&self) -> Result<bool> {
        validate_id("comment_id", self.id.as_str())?;
        let answer: SuccessResponse = self
            .graph
            .client()
            .delete(self.graph.host(), self.id.to_string())
            .token(self.graph.token())
            .send()
            .await?;
        Ok(answer.success)
    }
}

impl IgUserHandler<'_> {
    /// `POST /{ig-user-id}/messages` with `{"recipient":{"comment_id"},"message":{"text"}}`: a
    /// private reply (a direct message) to the author of a comment on the account's media.
    ///
    /// Meta allows one private reply per comment, within 7 days of the comment; a second one
    /// or a late one comes back as a Graph error. Use [`IgUserHandler::private_reply_to`] with
    /// the comment itself to have the 7 days checked before the call. Never retried once sent.
    pub async fn private_reply(
        &self,
        comment: &CommentId,
        text: &str,
    ) -> Result<SendMessageResponse> {
        validate_id("comment_id", comment.as_str())?;
        validate_private_reply_text(text)?;
        validate_id("ig_user_id", self.id.as_str())?;
        self.graph
            .post(format!("{}/messages", self.id))
            .json_body(json!({
                "recipient": { "comment_id": comment.as_str() },
                "message": { "text": text },
            }))
            .send()
            .await
    }

    /// [`IgUserHandler::private_reply`] to a comment read earlier, refused before any call when
    /// its `timestamp` is more than 7 days before `now` (a comment without a timestamp is left
    /// to Meta to judge).
    pub async fn private_reply_to(
        &self,
        comment: &Comment,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<SendMessageResponse> {
        if let Some(at) = comment.timestamp_parsed() {
            let deadline = at + Duration::days(PRIVATE_REPLY_WINDOW_DAYS);
            if now > deadline {
                return Err(Error::invalid(
                    "comment",
                    format!(
                        "comment {} was posted at {at}; private replies are allowed for \
                         {PRIVATE_REPLY_WINDOW_DAYS} days, until {deadline}",
                        comment.id
                    ),
                ));
            }
        }
        self.private_reply(&comment.id, text).await
    }
}

/// Request builder of `GET /{ig-comment-id}`.
pub type GetComment<'a> = super::GetNode<'a, Comment>;
