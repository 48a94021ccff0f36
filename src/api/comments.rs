//! Comments: a media's comments (`GET /{ig-media-id}/comments`), commenting on a media
//! (`POST /{ig-media-id}/comments`), one comment (`GET|DELETE /{ig-comment-id}`), its replies
//! (`GET|POST /{ig-comment-id}/replies`), and hiding it (`POST /{ig-comment-id}?hide=`). The
//! private reply to a comment is a message: `ig_user(id).messages().private_reply(..)` (in
//! [`super::messaging`]).
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

use super::batch::single_call;
use super::media::MediaHandler;
use super::models::{Comment, IdResponse, SuccessResponse};
use super::{Graph, ListEdge};
use crate::error::{Error, Result};
use crate::http::GraphRequest;
use crate::ids::CommentId;

// One list of a comment's own fields, for both constants below.
macro_rules! comment_fields {
    () => {
        "id,text,timestamp,username,from,like_count,hidden,parent_id,media"
    };
}

/// Default fields of a comment or a reply.
pub const DEFAULT_COMMENT_FIELDS: &str = comment_fields!();

/// [`DEFAULT_COMMENT_FIELDS`] and the comment's replies in the same answer (Meta's nested
/// `replies{…}` field, the replies' first page): a thread read in one call, for
/// `media(id).comments().fields([THREAD_COMMENT_FIELDS])`.
pub const THREAD_COMMENT_FIELDS: &str = concat!(
    comment_fields!(),
    ",replies{id,text,timestamp,username,from,hidden,parent_id}"
);

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
    /// the token; answers the new comment's id. Never retried once sent (a repeat would post
    /// twice).
    pub fn comment(&self, message: &str) -> CreateComment<'a> {
        CreateComment {
            graph: self.graph,
            parent_field: "media_id",
            parent: self.id.to_string(),
            edge: "comments",
            message: message.to_owned(),
        }
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

    /// `POST /{ig-comment-id}/replies?message=`: replies to the comment; answers the reply's
    /// id. Meta attaches a reply to a reply to the top-level comment, and refuses replies to
    /// hidden comments. Never retried once sent.
    pub fn reply(&self, message: &str) -> CreateComment<'a> {
        CreateComment {
            graph: self.graph,
            parent_field: "comment_id",
            parent: self.id.to_string(),
            edge: "replies",
            message: message.to_owned(),
        }
    }

    /// `POST /{ig-comment-id}?hide=true|false`: hides or shows the comment; answers Meta's
    /// `success`. Safe to retry (it sets a state).
    pub fn hide(&self, hidden: bool) -> HideComment<'a> {
        HideComment {
            graph: self.graph,
            id: self.id.clone(),
            hidden,
        }
    }

    /// `DELETE /{ig-comment-id}`: deletes the comment (and its replies); answers Meta's
    /// `success`.
    pub fn delete(&self) -> DeleteComment<'a> {
        DeleteComment {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// Request builder of a new comment on a media (`POST /{ig-media-id}/comments`) or a reply
/// (`POST /{ig-comment-id}/replies`): `.await` it (or `.send()`), or add it to a
/// [`Batch`](super::Batch). Answers the new comment's id.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct CreateComment<'a> {
    graph: Graph<'a>,
    parent_field: &'static str,
    parent: String,
    edge: &'static str,
    message: String,
}

impl<'a> CreateComment<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_comment_message(&self.message)?;
        validate_id(self.parent_field, &self.parent)?;
        Ok(self
            .graph
            .post(format!("{}/{}", self.parent, self.edge))
            .query("message", self.message))
    }
}

single_call!(
    CreateComment,
    CommentId,
    IdResponse,
    |created: IdResponse| Ok(CommentId::new(created.id))
);

/// Request builder of `POST /{ig-comment-id}?hide=`: `.await` it (or `.send()`), or add it to
/// a [`Batch`](super::Batch). Answers Meta's `success`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct HideComment<'a> {
    graph: Graph<'a>,
    id: CommentId,
    hidden: bool,
}

impl<'a> HideComment<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("comment_id", self.id.as_str())?;
        Ok(self
            .graph
            .post(self.id.to_string())
            .query("hide", if self.hidden { "true" } else { "false" })
            .retry_safe(true))
    }
}

single_call!(
    HideComment,
    bool,
    SuccessResponse,
    |answer: SuccessResponse| Ok(answer.success)
);

/// Request builder of `DELETE /{ig-comment-id}`: `.await` it (or `.send()`), or add it to a
/// [`Batch`](super::Batch). Answers Meta's `success`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct DeleteComment<'a> {
    graph: Graph<'a>,
    id: CommentId,
}

impl<'a> DeleteComment<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("comment_id", self.id.as_str())?;
        Ok(self
            .graph
            .client()
            .delete(self.graph.host(), self.id.to_string())
            .token(self.graph.token()))
    }
}

single_call!(
    DeleteComment,
    bool,
    SuccessResponse,
    |answer: SuccessResponse| Ok(answer.success)
);

/// Request builder of `GET /{ig-comment-id}`.
pub type GetComment<'a> = super::GetNode<'a, Comment>;
