//! Comment moderation of the account ([`AccountGraph`]): commenting on a media, reading one
//! comment and its replies, hiding and deleting, and private replies to a comment's author.

use instagraph::api::models::Comment;
use instagraph::{CommentId, MediaId};

use crate::error::{required, sdk, Result};
use crate::graph::{AccountGraph, CommentSummary, SentMessage};

/// One page of comments, and the cursor of the next one.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CommentPage {
    /// The comments of this page.
    pub items: Vec<CommentSummary>,
    /// Pass it as `after` for the next page; `None` on the last page.
    pub after: Option<String>,
}

impl From<&Comment> for CommentSummary {
    fn from(c: &Comment) -> Self {
        CommentSummary {
            id: c.id.as_str().to_owned(),
            text: c.text.clone(),
            username: c.username.clone(),
            timestamp: c.timestamp.clone(),
            hidden: c.hidden,
            reply_usernames: c
                .replies()
                .iter()
                .filter_map(|r| r.username.clone())
                .collect(),
        }
    }
}

impl From<&instagraph::api::models::SendMessageResponse> for SentMessage {
    fn from(out: &instagraph::api::models::SendMessageResponse) -> Self {
        SentMessage {
            recipient_id: out.recipient_id.clone(),
            message_id: out.message_id.as_ref().map(|m| m.as_str().to_owned()),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// Comments on a media as the account (the message is checked first: not blank, at most
    /// 2,200 characters); returns the comment's id. Never retried once sent.
    ///
    /// Core: MediaHandler::comment
    pub async fn comment_on_media(&self, media_id: String, message: String) -> Result<String> {
        const WHAT: &str = "AccountGraph.comment_on_media";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let id = access
            .graph(client)
            .media(MediaId::new(media_id))
            .comment(&message)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(id.as_str().to_owned())
    }

    /// One comment or reply.
    ///
    /// Core: CommentHandler::get
    pub async fn comment(&self, comment_id: String) -> Result<CommentSummary> {
        const WHAT: &str = "AccountGraph.comment";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        let comment = access
            .graph(client)
            .comment(CommentId::new(comment_id))
            .get()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(CommentSummary::from(&comment))
    }

    /// One page of a comment's replies, oldest first (`limit` at most 50; `after` is the
    /// previous page's cursor).
    ///
    /// Core: CommentHandler::replies
    pub async fn comment_replies(
        &self,
        comment_id: String,
        limit: Option<u32>,
        after: Option<String>,
    ) -> Result<CommentPage> {
        const WHAT: &str = "AccountGraph.comment_replies";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        let mut request = access
            .graph(client)
            .comment(CommentId::new(comment_id))
            .replies();
        if let Some(limit) = limit {
            request = request.limit(limit);
        }
        if let Some(after) = after {
            request = request.after(after);
        }
        let page = request.send().await.map_err(|e| sdk(WHAT, e))?;
        Ok(CommentPage {
            items: page.items.iter().map(CommentSummary::from).collect(),
            after: page.after_cursor().map(str::to_owned),
        })
    }

    /// Hides (`hidden` true) or shows a comment; Meta's `success`.
    ///
    /// Core: CommentHandler::hide
    pub async fn hide_comment(&self, comment_id: String, hidden: bool) -> Result<bool> {
        const WHAT: &str = "AccountGraph.hide_comment";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        access
            .graph(client)
            .comment(CommentId::new(comment_id))
            .hide(hidden)
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Deletes a comment (and its replies); Meta's `success`.
    ///
    /// Core: CommentHandler::delete
    pub async fn delete_comment(&self, comment_id: String) -> Result<bool> {
        const WHAT: &str = "AccountGraph.delete_comment";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        access
            .graph(client)
            .comment(CommentId::new(comment_id))
            .delete()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// A private reply (a direct message) to a comment's author; one per comment, and Meta
    /// refuses it 7 days after the comment. The text is checked first (at most 1,000 bytes).
    ///
    /// Core: IgUserMessagesHandler::private_reply
    pub async fn private_reply(&self, comment_id: String, text: String) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.private_reply";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        let sent = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .messages()
            .private_reply(&CommentId::new(comment_id), &text)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage::from(&sent))
    }

    /// A private reply as [`private_reply`](Self::private_reply), but the comment's time is
    /// read first and a comment older than 7 days is refused (argument `comment`) before
    /// sending.
    ///
    /// Core: IgUserMessagesHandler::private_reply_in_window
    pub async fn private_reply_in_window(
        &self,
        comment_id: String,
        text: String,
    ) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.private_reply_in_window";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        let sent = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .messages()
            .private_reply_in_window(&CommentId::new(comment_id), &text)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage::from(&sent))
    }
}
