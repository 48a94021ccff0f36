//! Mentions, `ig_user(id).mentions()`: a comment that @-mentions the account
//! (`GET /{ig-user-id}?fields=mentioned_comment.comment_id(ID){…}`), a media whose caption
//! mentions it (`mentioned_media.media_id(ID){…}`), and replying to either
//! (`POST /{ig-user-id}/mentions`). The media the account is tagged in are
//! `ig_user(id).media().tagged()` (in [`super::media`]).
//!
//! The ids come from `mentions` webhooks (`{comment_id?, media_id}`): the mentioned comment or
//! media belongs to another account, so it can only be read and answered through these calls.

use super::batch::{BatchOp, BatchRequest, BatchResponse};
use super::comments::{validate_comment_message, validate_id};
use super::ig_user::IgUserHandler;
use super::models::{IdResponse, MentionedComment, MentionedMedia};
use super::{join_fields, Graph};
use crate::error::{Error, Result};
use crate::http::GraphRequest;
use crate::ids::{CommentId, IgUserId, MediaId};

/// Default fields of a mentioned comment.
pub const DEFAULT_MENTIONED_COMMENT_FIELDS: &str = "id,text,timestamp,like_count,media{id}";

/// Default fields of a mentioned media.
pub const DEFAULT_MENTIONED_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_url,permalink,timestamp,username,like_count,comments_count";

impl<'a> IgUserHandler<'a> {
    /// The comments and media in which other accounts @-mention this one, and replies to them.
    pub fn mentions(&self) -> MentionsHandler<'a> {
        MentionsHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// The mentions of an IG user: `ig_user(id).mentions()`.
#[derive(Debug, Clone)]
pub struct MentionsHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl<'a> MentionsHandler<'a> {
    /// `GET /{ig-user-id}?fields=mentioned_comment.comment_id(ID){fields}`: a comment in which
    /// another account @-mentioned this one ([`DEFAULT_MENTIONED_COMMENT_FIELDS`] by default).
    pub fn comment(&self, comment: &CommentId) -> GetMention<'a, MentionedComment> {
        GetMention::new(
            self,
            "mentioned_comment.comment_id",
            "comment_id",
            comment.as_str(),
            DEFAULT_MENTIONED_COMMENT_FIELDS,
        )
    }

    /// `GET /{ig-user-id}?fields=mentioned_media.media_id(ID){fields}`: a media whose caption
    /// @-mentions this account ([`DEFAULT_MENTIONED_MEDIA_FIELDS`] by default).
    pub fn media(&self, media: &MediaId) -> GetMention<'a, MentionedMedia> {
        GetMention::new(
            self,
            "mentioned_media.media_id",
            "media_id",
            media.as_str(),
            DEFAULT_MENTIONED_MEDIA_FIELDS,
        )
    }

    /// `POST /{ig-user-id}/mentions?media_id&comment_id&message`: replies, as this account, to
    /// a mention: to the comment `comment` on `media` when given, else on the media whose
    /// caption mentions the account. Returns the new comment's id; never retried once sent.
    pub async fn reply(
        &self,
        media: &MediaId,
        comment: Option<&CommentId>,
        message: &str,
    ) -> Result<CommentId> {
        validate_id("ig_user_id", self.id.as_str())?;
        validate_id("media_id", media.as_str())?;
        if let Some(c) = comment {
            validate_id("comment_id", c.as_str())?;
        }
        validate_comment_message(message)?;
        let created: IdResponse = self
            .graph
            .post(format!("{}/mentions", self.id))
            .query("media_id", media.as_str())
            .query_opt("comment_id", comment.map(|c| c.as_str().to_owned()))
            .query("message", message)
            .send()
            .await?;
        Ok(CommentId::new(created.id))
    }
}

/// Request builder of a mention read: `ig_user(id).mentions().comment(..)` or
/// `.mentions().media(..)`.
#[must_use = "a request builder does nothing until `.send()`"]
pub struct GetMention<'a, T> {
    graph: Graph<'a>,
    user: String,
    expansion: &'static str,
    id_field: &'static str,
    id: String,
    fields: Option<String>,
    default_fields: &'static str,
    _answer: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for GetMention<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GetMention")
            .field("user", &self.user)
            .field("expansion", &self.expansion)
            .field("id", &self.id)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl<'a, T: serde::de::DeserializeOwned> GetMention<'a, T> {
    fn new(
        user: &MentionsHandler<'a>,
        expansion: &'static str,
        id_field: &'static str,
        id: &str,
        default_fields: &'static str,
    ) -> Self {
        Self {
            graph: user.graph,
            user: user.id.to_string(),
            expansion,
            id_field,
            id: id.to_owned(),
            fields: None,
            default_fields,
            _answer: std::marker::PhantomData,
        }
    }

    /// The fields of the comment or media to read (replaces the default list).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join_fields(fields));
        self
    }

    /// Checks the request (no network), then sends it.
    pub async fn send(self) -> Result<T> {
        self.into_request()?.send().await
    }

    /// The call, checked: what `send` sends and a batch carries.
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("ig_user_id", &self.user)?;
        validate_id(self.id_field, &self.id)?;
        let fields = match self.fields {
            Some(f) if f.is_empty() => {
                return Err(Error::invalid("fields", "at least one field is required"))
            }
            Some(f) => f,
            None => self.default_fields.to_owned(),
        };
        // The field list goes inside `{…}`: unbalanced braces would close the expansion early
        // and read something else than what was asked for.
        if !braces_balanced(&fields) {
            return Err(Error::invalid(
                "fields",
                format!("unbalanced braces in {fields:?}"),
            ));
        }
        let expression = format!("{}({}){{{}}}", self.expansion, self.id, fields);
        Ok(self.graph.get(self.user).query("fields", expression))
    }
}

impl<T: serde::de::DeserializeOwned> BatchRequest for GetMention<'_, T> {
    type Output = T;

    fn into_batch_op(self) -> Result<BatchOp> {
        self.into_request()?.into_batch_op()
    }

    fn read_answer(answer: &BatchResponse) -> Result<T> {
        answer.json()
    }
}

fn braces_balanced(s: &str) -> bool {
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '{' => depth += 1,
            '}' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::braces_balanced;

    #[test]
    fn braces_must_balance() {
        assert!(braces_balanced("id,media{id,owner{id}}"));
        assert!(!braces_balanced("id}"));
        assert!(!braces_balanced("id,media{id"));
        assert!(!braces_balanced("}{"));
    }
}
