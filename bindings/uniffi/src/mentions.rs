//! @mentions of the account ([`AccountGraph`]): the comment or caption that mentions it, and
//! replying to a mention.

use instagraph::{CommentId, MediaId};

use crate::error::{required, sdk, Result};
use crate::graph::{AccountGraph, CommentSummary, MediaSummary};

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// A comment (on another account's media) that mentions the account.
    ///
    /// Core: MentionsHandler::comment
    pub async fn mentioned_comment(&self, comment_id: String) -> Result<CommentSummary> {
        const WHAT: &str = "AccountGraph.mentioned_comment";
        required("comment_id", &comment_id)?;
        let (client, access) = self.parts();
        let found = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .mentions()
            .comment(&CommentId::new(comment_id))
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(CommentSummary::from(&found.mentioned_comment))
    }

    /// A media (of another account) whose caption mentions the account.
    ///
    /// Core: MentionsHandler::media
    pub async fn mentioned_media(&self, media_id: String) -> Result<MediaSummary> {
        const WHAT: &str = "AccountGraph.mentioned_media";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let found = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .mentions()
            .media(&MediaId::new(media_id))
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(MediaSummary::from(found.mentioned_media))
    }

    /// Replies, as the account, to a mention: to the comment `comment_id` on `media_id` when
    /// given, else to the caption of `media_id`. Returns the new comment's id; never retried
    /// once sent.
    ///
    /// Core: MentionsHandler::reply
    pub async fn reply_to_mention(
        &self,
        media_id: String,
        comment_id: Option<String>,
        message: String,
    ) -> Result<String> {
        const WHAT: &str = "AccountGraph.reply_to_mention";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let comment = comment_id.map(CommentId::new);
        let id = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .mentions()
            .reply(&MediaId::new(media_id), comment.as_ref(), &message)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(id.as_str().to_owned())
    }
}
