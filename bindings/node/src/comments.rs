//! `Comments`: read, write and moderate comments (filters and reply templates of the Rust
//! API's moderation helpers).

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use instagraph::api::comments::THREAD_COMMENT_FIELDS;
use instagraph::api::moderation::MODERATION_FIELDS;
use instagraph::api::{
    filter_comments, validate_comment_message, Author, CommentFilter, ReplyTemplate,
};
use instagraph::{CommentId, IgUserId, MediaId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::account_graph::{fields, limit, open, time, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, guard_sync, sdk_error, type_error};
use crate::json_text;
use crate::results::{Created, Success};
use crate::store::Lazy;

/// What `Comments.replyWithTemplate` sent.
#[napi(object)]
pub struct TemplateReply {
    /// The new reply's id.
    pub id: String,
    /// The rendered text.
    pub message: String,
}

/// Options of `Comments.list` / `Comments.replies`.
#[napi(object)]
pub struct CommentListOptions {
    /// Items per page (at most 50).
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
    /// The fields to read.
    pub fields: Option<Vec<String>>,
    /// `Comments.list` only: each comment with the first page of its replies, in the same call
    /// (the core's `THREAD_COMMENT_FIELDS`); not with `fields`.
    pub with_replies: Option<bool>,
}

/// Which comments `Comments.filter` keeps (every criterion given must hold).
#[napi(object)]
pub struct CommentFilterOptions {
    /// Text contained, ignoring case.
    pub text_contains: Option<String>,
    /// Written by this username (without `@`).
    pub author: Option<String>,
    /// Written by this IG user id.
    pub author_id: Option<String>,
    /// Posted at or after (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub since: Option<Value>,
    /// Posted at or before (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub until: Option<Value>,
    /// Hidden (`true`) or visible (`false`) comments only.
    pub hidden: Option<bool>,
    /// Not yet answered by this username (usually the account's own).
    pub unanswered_by: Option<String>,
    /// Stop after this many matches.
    pub max: Option<u32>,
}

/// Values of a reply template's placeholders.
#[napi(object)]
pub struct TemplateValues {
    /// `{username}`.
    pub username: Option<String>,
    /// `{text}`.
    pub text: Option<String>,
    /// `{custom:NAME}` values by NAME.
    pub custom: Option<std::collections::HashMap<String, String>>,
}

/// Comments of an account's media. Constructed from an `AccountManager`.
#[napi]
pub struct Comments {
    lazy: Arc<Lazy>,
}

fn list_opts(o: Option<CommentListOptions>) -> napi::Result<CommentListOptions> {
    let o = o.unwrap_or(CommentListOptions {
        limit: None,
        after: None,
        fields: None,
        with_replies: None,
    });
    limit("options.limit", o.limit)?;
    if let Some(f) = &o.fields {
        fields("options.fields", f)?;
        if o.with_replies.is_some() {
            return Err(type_error(
                "options.withReplies",
                "give either options.fields or options.withReplies",
            ));
        }
    }
    Ok(o)
}

fn comment_id(id: &str) -> napi::Result<CommentId> {
    required("commentId", id)?;
    Ok(CommentId::new(id))
}

fn template(argument: &str, source: &str) -> napi::Result<ReplyTemplate> {
    ReplyTemplate::parse(source).map_err(|e| type_error(argument, e))
}

fn custom_pairs(custom: &Option<std::collections::HashMap<String, String>>) -> Vec<(&str, &str)> {
    custom
        .iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[napi]
impl Comments {
    /// Comments of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// One page of a media's top-level comments, newest first: `{ data, paging }`.
    ///
    /// Core: MediaHandler::comments
    #[napi(ts_return_type = "Promise<CommentPage>")]
    pub async fn list(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        options: Option<CommentListOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Comments.list";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            let o = list_opts(options)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account.graph().media(MediaId::new(media_id)).comments();
            if let Some(f) = o.fields {
                req = req.fields(f);
            } else if o.with_replies == Some(true) {
                req = req.fields([THREAD_COMMENT_FIELDS]);
            }
            if let Some(l) = o.limit {
                req = req.limit(l);
            }
            if let Some(a) = o.after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            json_text::page(&page)
        })
        .await
    }

    /// Comments on a media as the account: `{ id }`. The message is checked first (not blank,
    /// at most 2,200 characters). Never retried once sent.
    ///
    /// Core: MediaHandler::comment
    #[napi]
    pub async fn create(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        message: String,
    ) -> Result<Created> {
        const WHAT: &str = "Comments.create";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            validate_comment_message(&message).map_err(|e| sdk_error(WHAT, e))?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let id = account
                .graph()
                .media(MediaId::new(media_id))
                .comment(&message)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Created {
                id: id.as_str().to_owned(),
            })
        })
        .await
    }

    /// One comment or reply.
    ///
    /// Core: CommentHandler::get
    #[napi(ts_return_type = "Promise<IgComment>")]
    pub async fn get(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        options: Option<CommentListOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Comments.get";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let o = list_opts(options)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account.graph().comment(id).get();
            if let Some(f) = o.fields {
                req = req.fields(f);
            }
            let comment = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&comment))
        })
        .await
        .map(Json::from)
    }

    /// One page of a comment's replies: `{ data, paging }`.
    ///
    /// Core: CommentHandler::replies
    #[napi(ts_return_type = "Promise<CommentPage>")]
    pub async fn replies(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        options: Option<CommentListOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Comments.replies";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let o = list_opts(options)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account.graph().comment(id).replies();
            if let Some(f) = o.fields {
                req = req.fields(f);
            }
            if let Some(l) = o.limit {
                req = req.limit(l);
            }
            if let Some(a) = o.after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            json_text::page(&page)
        })
        .await
    }

    /// Replies to a comment as the account: `{ id }` (message checked as in `create`).
    ///
    /// Core: CommentHandler::reply
    #[napi]
    pub async fn reply(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        message: String,
    ) -> Result<Created> {
        const WHAT: &str = "Comments.reply";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            validate_comment_message(&message).map_err(|e| sdk_error(WHAT, e))?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let created = account
                .graph()
                .comment(id)
                .reply(&message)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Created {
                id: created.as_str().to_owned(),
            })
        })
        .await
    }

    /// Hides or shows a comment: `{ success }`.
    ///
    /// Core: CommentHandler::hide
    #[napi]
    pub async fn hide(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        hidden: bool,
    ) -> Result<Success> {
        const WHAT: &str = "Comments.hide";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let success = account
                .graph()
                .comment(id)
                .hide(hidden)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }

    /// Deletes a comment: `{ success }`.
    ///
    /// Core: CommentHandler::delete
    #[napi]
    pub async fn delete(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
    ) -> Result<Success> {
        const WHAT: &str = "Comments.delete";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let success = account
                .graph()
                .comment(id)
                .delete()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }

    /// A private reply (a direct message) to a comment's author: `{ recipientId, messageId }`.
    /// One per comment, within 7 days of it; the text is checked first (at most 1,000 bytes).
    ///
    /// Core: IgUserMessagesHandler::private_reply
    #[napi(ts_return_type = "Promise<SentMessage>")]
    pub async fn private_reply(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        text: String,
    ) -> Result<Json> {
        const WHAT: &str = "Comments.privateReply";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let sent = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .private_reply(&id, &text)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&sent))
        })
        .await
        .map(Json::from)
    }

    /// A private reply as `privateReply`, but the comment's time is read first and a comment
    /// older than 7 days is refused before sending (`InvalidInputError`, field `comment`).
    ///
    /// Core: IgUserMessagesHandler::private_reply_in_window
    #[napi(ts_return_type = "Promise<SentMessage>")]
    pub async fn private_reply_in_window(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        text: String,
    ) -> Result<Json> {
        const WHAT: &str = "Comments.privateReplyInWindow";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let sent = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .private_reply_in_window(&id, &text)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&sent))
        })
        .await
        .map(Json::from)
    }

    /// The comments of a media that pass `filter`, read page by page in Rust (with the fields
    /// every criterion needs, replies included) and filtered there.
    #[napi(ts_return_type = "Promise<IgComment[]>")]
    pub async fn filter(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        filter: CommentFilterOptions,
    ) -> Result<Json> {
        const WHAT: &str = "Comments.filter";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            let mut f = CommentFilter::new();
            if let Some(t) = filter.text_contains {
                f = f.text_contains(t);
            }
            match (filter.author, filter.author_id) {
                (Some(_), Some(_)) => {
                    return Err(type_error(
                        "filter.author",
                        "give `author` or `authorId`, not both",
                    ))
                }
                (Some(name), None) => {
                    required("filter.author", &name)?;
                    f = f.author(Author::Username(name));
                }
                (None, Some(id)) => {
                    required("filter.authorId", &id)?;
                    f = f.author(Author::Id(IgUserId::new(id)));
                }
                (None, None) => {}
            }
            if let Some(v) = &filter.since {
                f = f.since(time("filter.since", v)?);
            }
            if let Some(v) = &filter.until {
                f = f.until(time("filter.until", v)?);
            }
            if let Some(h) = filter.hidden {
                f = f.hidden(h);
            }
            if let Some(name) = filter.unanswered_by {
                required("filter.unansweredBy", &name)?;
                f = f.unanswered_by_username(name);
            }
            if filter.max == Some(0) {
                return Err(type_error("filter.max", "must be at least 1"));
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let first = account
                .graph()
                .media(MediaId::new(media_id))
                .comments()
                .fields([MODERATION_FIELDS])
                .limit(50)
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let kept = filter_comments(first.into_stream(), f).map_ok(|c| to_js(&c));
            let items: Vec<Value> = match filter.max {
                Some(max) => kept.take(max as usize).try_collect().await,
                None => kept.try_collect().await,
            }
            .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Value::Array(items))
        })
        .await
        .map(Json::from)
    }

    /// Renders a reply template (`{username}`, `{text}`, `{custom:NAME}`; `{{`/`}}` for
    /// braces) without any call. Bad templates are TypeErrors naming `template`; a missing
    /// custom value or a reply over 2,200 characters is an `InvalidInputError`.
    #[napi(writable = true, configurable = true)]
    pub fn render_template(template: String, values: Option<TemplateValues>) -> Result<String> {
        const WHAT: &str = "Comments.renderTemplate";
        guard_sync(WHAT, || {
            let t = self::template("template", &template)?;
            let values = values.unwrap_or(TemplateValues {
                username: None,
                text: None,
                custom: None,
            });
            t.render(
                values.username.as_deref(),
                values.text.as_deref(),
                &custom_pairs(&values.custom),
            )
            .map_err(|e| sdk_error(WHAT, e))
        })
    }

    /// Reads a comment, renders `template` for it (`{username}` = its author, `{text}` = its
    /// text) and replies with the result: `{ id, message }`.
    #[napi]
    pub async fn reply_with_template(
        &self,
        company_id: String,
        ig_user_id: String,
        comment_id: String,
        template: String,
        custom: Option<std::collections::HashMap<String, String>>,
    ) -> Result<TemplateReply> {
        const WHAT: &str = "Comments.replyWithTemplate";
        guard(WHAT, async {
            let id = self::comment_id(&comment_id)?;
            let t = self::template("template", &template)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let comment = graph
                .comment(id.clone())
                .get()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let message = t
                .render_for(&comment, &custom_pairs(&custom))
                .map_err(|e| sdk_error(WHAT, e))?;
            let created = graph
                .comment(id)
                .reply(&message)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(TemplateReply {
                id: created.as_str().to_owned(),
                message,
            })
        })
        .await
    }
}
