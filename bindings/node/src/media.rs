//! `Media`: an account's media (list, every page streamed in Rust, stories, one media, a
//! carousel's children, delete, comments on/off).

use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use instagraph::api::models::Media as MediaModel;
use instagraph::MediaId;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::account_graph::{fields, limit, open, time, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, sdk_error, type_error};
use crate::json_text;
use crate::results::Success;
use crate::store::Lazy;

/// What `Media.delete` did.
#[napi(object, use_nullable = true)]
pub struct DeletedMedia {
    /// Whether Meta deleted it.
    pub deleted: bool,
    /// The deleted media's id, when Meta says.
    pub deleted_id: Option<String>,
}

/// Options of `Media.list`.
#[napi(object)]
pub struct MediaListOptions {
    /// Items per page (Meta clamps it to 100).
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
    /// The cursor of a page's `paging.before`.
    pub before: Option<String>,
    /// The fields to read (default: id, caption, media type and product type, URLs,
    /// permalink, timestamp, counts).
    pub fields: Option<Vec<String>>,
    /// Only media posted at or after this time (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub since: Option<Value>,
    /// Only media posted before this time (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub until: Option<Value>,
}

/// Options of `Media.listAll`.
#[napi(object)]
pub struct MediaListAllOptions {
    /// Stop after this many media, the newest (default: all of them, up to 10 000: a longer
    /// listing fails with an `InvalidInputError` of code `TOO_MANY_ITEMS` naming the limit; pass
    /// `max` to read part of it).
    pub max: Option<u32>,
    /// Items per page fetched (default 100, Meta's maximum: fewest round trips).
    pub limit: Option<u32>,
    /// The fields to read (as `list`).
    pub fields: Option<Vec<String>>,
}

/// Options of `Media.tagged`.
#[napi(object)]
pub struct TaggedMediaOptions {
    /// Items per page.
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
    /// The fields to read.
    pub fields: Option<Vec<String>>,
}

/// Options of `Media.get`.
#[napi(object)]
pub struct MediaGetOptions {
    /// The fields to read.
    pub fields: Option<Vec<String>>,
}

/// An account's media. Constructed from an `AccountManager`: every call names the company and
/// the IG account, and the account's token is found in the store (it never reaches JS).
#[napi]
pub struct Media {
    lazy: Arc<Lazy>,
}

fn media_id(argument: &str, id: &str) -> napi::Result<MediaId> {
    required(argument, id)?;
    Ok(MediaId::new(id))
}

#[napi]
impl Media {
    /// Media of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// One page of the account's media, newest first: `{ data, paging: { before, after,
    /// hasNext } }` (pass `paging.after` back as `options.after`).
    ///
    /// Core: IgUserMediaHandler::list
    #[napi(ts_return_type = "Promise<MediaPage>")]
    pub async fn list(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<MediaListOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Media.list";
        guard(WHAT, async {
            let o = options.unwrap_or(MediaListOptions {
                limit: None,
                after: None,
                before: None,
                fields: None,
                since: None,
                until: None,
            });
            let since = o
                .since
                .as_ref()
                .map(|v| time("options.since", v))
                .transpose()?;
            let until = o
                .until
                .as_ref()
                .map(|v| time("options.until", v))
                .transpose()?;
            let per_page = limit("options.limit", o.limit)?;
            if let Some(f) = &o.fields {
                fields("options.fields", f)?;
            }
            if o.after.is_some() && o.before.is_some() {
                return Err(type_error(
                    "options.after",
                    "`after` and `before` cannot be used together",
                ));
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account.graph().ig_user(account.ig().clone()).media().list();
            if let Some(f) = o.fields {
                req = req.fields(f);
            }
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = o.after {
                req = req.after(a);
            }
            if let Some(b) = o.before {
                req = req.before(b);
            }
            if let Some(t) = since {
                req = req.since(t);
            }
            if let Some(t) = until {
                req = req.until(t);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            json_text::page(&page)
        })
        .await
    }

    /// Every media of the account (or the newest `max`), newest first. Pages are fetched and
    /// decoded in Rust, one after the other, and handed to JS once as one array. Without `max`,
    /// at most 10 000 media: a longer listing (or a server that never stops linking pages) fails
    /// naming the limit instead of being read for ever.
    ///
    /// Core: IgUserMediaHandler::list, Page::collect_all
    #[napi(ts_return_type = "Promise<IgMedia[]>")]
    pub async fn list_all(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<MediaListAllOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Media.listAll";
        guard(WHAT, async {
            let (max, per_page, field_list) =
                options.map_or((None, None, None), |o| (o.max, o.limit, o.fields));
            if max == Some(0) {
                return Err(type_error("options.max", "must be at least 1"));
            }
            let per_page = limit("options.limit", per_page)?.unwrap_or(100);
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .media()
                .list()
                .limit(per_page);
            if let Some(f) = field_list {
                req = req.fields(f);
            }
            let first = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            let items: Vec<MediaModel> = match max {
                Some(max) => first.into_stream().take(max as usize).try_collect().await,
                None => first.collect_all().await,
            }
            .map_err(|e| sdk_error(WHAT, e))?;
            json_text::items(&items)
        })
        .await
    }

    /// The account's live stories (24 hours): `{ data, paging }`.
    #[napi(ts_return_type = "Promise<MediaPage>")]
    pub async fn stories(&self, company_id: String, ig_user_id: String) -> Result<Json> {
        const WHAT: &str = "Media.stories";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let page = account
                .graph()
                .ig_user(account.ig().clone())
                .media()
                .stories()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            json_text::page(&page)
        })
        .await
    }

    /// One page of the media in which other accounts tagged this one, newest first:
    /// `{ data, paging }` (pass `paging.after` back as `options.after`).
    ///
    /// Core: IgUserMediaHandler::tagged
    #[napi(ts_return_type = "Promise<MediaPage>")]
    pub async fn tagged(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<TaggedMediaOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Media.tagged";
        guard(WHAT, async {
            let (per_page, after, field_list) =
                options.map_or((None, None, None), |o| (o.limit, o.after, o.fields));
            let per_page = limit("options.limit", per_page)?;
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .media()
                .tagged();
            if let Some(f) = field_list {
                req = req.fields(f);
            }
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            json_text::page(&page)
        })
        .await
    }

    /// One media.
    ///
    /// Core: MediaHandler::get
    #[napi(ts_return_type = "Promise<IgMedia>")]
    pub async fn get(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        options: Option<MediaGetOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Media.get";
        guard(WHAT, async {
            let id = self::media_id("mediaId", &media_id)?;
            let field_list = options.and_then(|o| o.fields);
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account.graph().media(id).get();
            if let Some(f) = field_list {
                req = req.fields(f);
            }
            let media = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&media))
        })
        .await
        .map(Json::from)
    }

    /// The items of a carousel (every page).
    ///
    /// Core: MediaHandler::children
    #[napi(ts_return_type = "Promise<IgMedia[]>")]
    pub async fn children(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<Json> {
        const WHAT: &str = "Media.children";
        guard(WHAT, async {
            let id = self::media_id("mediaId", &media_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let page = account
                .graph()
                .media(id)
                .children()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let all = page.collect_all().await.map_err(|e| sdk_error(WHAT, e))?;
            json_text::items(&all)
        })
        .await
    }

    /// Deletes a published media: `{ deleted, deletedId }`. Safe to retry.
    ///
    /// Core: MediaHandler::delete
    #[napi]
    pub async fn delete(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
    ) -> Result<DeletedMedia> {
        const WHAT: &str = "Media.delete";
        guard(WHAT, async {
            let id = self::media_id("mediaId", &media_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let out = account
                .graph()
                .media(id)
                .delete()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(DeletedMedia {
                deleted: out.success,
                deleted_id: out.deleted_id,
            })
        })
        .await
    }

    /// Turns comments on a media on or off: `{ success }`.
    ///
    /// Core: MediaHandler::set_comments_enabled
    #[napi]
    pub async fn set_comments_enabled(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        enabled: bool,
    ) -> Result<Success> {
        const WHAT: &str = "Media.setCommentsEnabled";
        guard(WHAT, async {
            let id = self::media_id("mediaId", &media_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let success = account
                .graph()
                .media(id)
                .set_comments_enabled(enabled)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Success { success })
        })
        .await
    }
}
