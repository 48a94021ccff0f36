//! The private reply to a comment: `POST /{ig-user-id}/messages` with
//! `recipient.comment_id`, a direct message to the comment's author.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::IgUserMessagesHandler;
use crate::api::comments::{validate_id, validate_private_reply_text, PRIVATE_REPLY_WINDOW_DAYS};
use crate::api::models::{Comment, SendMessageResponse};
use crate::error::{Error, Result};
use crate::ids::CommentId;

/// What [`IgUserMessagesHandler::private_reply_in_window`] reads of the comment.
const WINDOW_FIELDS: [&str; 2] = ["id", "timestamp"];

impl IgUserMessagesHandler<'_> {
    /// `POST /{ig-user-id}/messages` with `{"recipient":{"comment_id"},"message":{"text"}}`: a
    /// private reply (a direct message) to the author of a comment on the account's media.
    ///
    /// Meta allows one private reply per comment, within 7 days of the comment; a second one
    /// or a late one comes back as a Graph error. Use
    /// [`IgUserMessagesHandler::private_reply_in_window`] (or
    /// [`IgUserMessagesHandler::private_reply_to`] with a comment read earlier) to have the 7
    /// days checked before the send. Never retried once sent.
    pub async fn private_reply(
        &self,
        comment: &CommentId,
        text: &str,
    ) -> Result<SendMessageResponse> {
        self.check_private_reply(comment, text)?;
        self.graph
            .post(format!("{}/messages", self.id))
            .json_body(json!({
                "recipient": { "comment_id": comment.as_str() },
                "message": { "text": text },
            }))
            .send()
            .await
    }

    /// [`IgUserMessagesHandler::private_reply`] within the 7 days after the comment: reads its
    /// time (`GET /{ig-comment-id}?fields=id,timestamp`), then sends as
    /// [`IgUserMessagesHandler::private_reply_to`] as of now. A comment older than 7 days is
    /// refused (field `comment`, naming the deadline) before the send; bad arguments (field
    /// `comment_id`, `text`) before the read. Never retried once sent.
    pub async fn private_reply_in_window(
        &self,
        comment: &CommentId,
        text: &str,
    ) -> Result<SendMessageResponse> {
        self.check_private_reply(comment, text)?;
        let read = self
            .graph
            .comment(comment.clone())
            .get()
            .fields(WINDOW_FIELDS)
            .send()
            .await?;
        self.private_reply_to(&read, text, Utc::now()).await
    }

    /// The arguments of a private reply, checked before any call.
    fn check_private_reply(&self, comment: &CommentId, text: &str) -> Result<()> {
        validate_id("comment_id", comment.as_str())?;
        validate_private_reply_text(text)?;
        validate_id("ig_user_id", self.id.as_str())
    }

    /// [`IgUserMessagesHandler::private_reply`] to a comment read earlier, refused before any
    /// call when its `timestamp` is more than 7 days before `now` (a comment without a
    /// timestamp is left to Meta to judge).
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
