//! `Mentions`: media and comments of other accounts that @mention the account, and replies
//! to them.

use std::sync::Arc;

use instagraph::api::validate_comment_message;
use instagraph::{CommentId, MediaId};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::account_graph::{open, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, sdk_error};
use crate::results::{Created, IgComment, IgMedia};
use crate::store::Lazy;

/// A comment (on another account's media) that mentions the account.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MentionedComment {
    /// The account's id.
    pub id: String,
    /// The comment.
    pub mentioned_comment: IgComment,
}

/// A media whose caption mentions the account.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MentionedMedia {
    /// The account's id.
    pub id: String,
    /// The media.
    pub mentioned_media: IgMedia,
}

/// What `Mentions.reply` answers.
#[napi(object)]
pub struct MentionReply {
    /// The media that mentions the account (or carries the mentioning comment).
    pub media_id: String,
    /// The comment that mentions the account (omit to reply to a caption mention).
    pub comment_id: Option<String>,
    /// The reply (not blank, at most 2,200 characters).
    pub message: String,
}

/// @mentions of an account. Constructed from an `AccountManager`.
#[napi]
pub struct Mentions {
    lazy: Arc<Lazy>,
}

#[napi]
impl Mentions {
    /// Mentions of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// A comment (on another account's media) that mentions the account:
    /// `{ id, mentionedComment: { id, text, ... } }`.
    ///
    /// Core: MentionsHandler::comment
    #[napi(ts_return_type = "Promise<MentionedComment>")]
    pub async fn mentioned_comment(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
    ) -> Result<Json> {
        const WHAT: &str = "Mentions.mentionedComment";
        guard(WHAT, async {
            required("commentId", &comment_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let found = account
                .graph()
                .ig_user(account.ig().clone())
                .mentions()
                .comment(&CommentId::new(comment_id))
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&found))
        })
        .await
        .map(Json::from)
    }

    /// A media whose caption mentions the account: `{ id, mentionedMedia: { id, caption, ... } }`.
    ///
    /// Core: MentionsHandler::media
    #[napi(ts_return_type = "Promise<MentionedMedia>")]
    pub async fn mentioned_media(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<Json> {
        const WHAT: &str = "Mentions.mentionedMedia";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let found = account
                .graph()
                .ig_user(account.ig().clone())
                .mentions()
                .media(&MediaId::new(media_id))
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&found))
        })
        .await
        .map(Json::from)
    }

    /// Replies, as the account, to a mention (the comment when `commentId` is given, else the
    /// media's caption): `{ id }` of the new comment. Never retried once sent.
    ///
    /// Core: MentionsHandler::reply
    #[napi]
    pub async fn reply(
        &self,
        company_id: String,
        ig_user_id: String,
        reply: MentionReply,
    ) -> Result<Created> {
        const WHAT: &str = "Mentions.reply";
        guard(WHAT, async {
            required("reply.mediaId", &reply.media_id)?;
            if let Some(c) = &reply.comment_id {
                required("reply.commentId", c)?;
            }
            validate_comment_message(&reply.message).map_err(|e| sdk_error(WHAT, e))?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let comment = reply.comment_id.map(CommentId::new);
            let id = account
                .graph()
                .ig_user(account.ig().clone())
                .mentions()
                .reply(
                    &MediaId::new(reply.media_id),
                    comment.as_ref(),
                    &reply.message,
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Created {
                id: id.as_str().to_owned(),
            })
        })
        .await
    }
}
