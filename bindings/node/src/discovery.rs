//! `Discovery`: an account's own profile, business discovery of another professional account
//! (its public profile and its media, page by page), its live broadcasts, and oEmbed.

use std::sync::Arc;

use instagraph::api::models::IgUser;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::json;

use crate::account_graph::{self, fields, limit, open, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, sdk_error, type_error};
use crate::results::IgMedia;
use crate::store::Lazy;

/// An Instagram professional account's profile (the fields asked for; more arrive when Meta
/// sends them).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgProfile {
    /// The IG user id.
    pub id: String,
    /// The handle, without `@`.
    pub username: Option<String>,
    /// The profile name.
    pub name: Option<String>,
    /// The profile text.
    pub biography: Option<String>,
    /// The profile's website.
    pub website: Option<String>,
    /// URL of the profile picture.
    pub profile_picture_url: Option<String>,
    /// Followers.
    pub followers_count: Option<f64>,
    /// Accounts it follows.
    pub follows_count: Option<f64>,
    /// Published media.
    pub media_count: Option<f64>,
}

/// What `Discovery.businessDiscovery` answers.
#[napi(
    object,
    use_nullable = true,
    object_from_js = false,
    object_to_js = false
)]
pub struct DiscoveredAccount {
    /// The discovered account's public profile.
    pub account: IgProfile,
    /// One page of its media, newest first.
    pub media: Vec<IgMedia>,
    /// The cursor of the next page of media (`options.after`), when this page held media.
    pub next_cursor: Option<String>,
}

/// Options of `Discovery.businessDiscovery`.
#[napi(object)]
pub struct BusinessDiscoveryOptions {
    /// Media per page.
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub after: Option<String>,
    /// The profile fields to read (default: the public profile).
    pub fields: Option<Vec<String>>,
    /// The media fields to read (default: the public ones).
    pub media_fields: Option<Vec<String>>,
}

/// Options of `Discovery.liveMedia`.
#[napi(object)]
pub struct LiveMediaOptions {
    /// Items per page.
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
    /// The fields to read (default: id, media type and product type, owner, username).
    pub fields: Option<Vec<String>>,
}

/// Options of `Discovery.oembed`.
#[napi(object)]
pub struct OEmbedOptions {
    /// The embed's width in pixels (320 to 658).
    pub max_width: Option<u32>,
    /// Leave out the `embed.js` script (load it once per page).
    pub omit_script: Option<bool>,
    /// Leave out the post's caption.
    pub hide_caption: Option<bool>,
}

/// What `Discovery.oembed` answers (Meta no longer sends `authorName`, `authorUrl` and the
/// `thumbnail*` fields since 2025-11-03; they come through when an older answer has them).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgOEmbed {
    /// The embed HTML.
    pub html: String,
    /// `1.0`.
    pub version: Option<String>,
    /// `rich`.
    #[napi(js_name = "type")]
    pub kind: Option<String>,
    /// `Instagram`.
    pub provider_name: Option<String>,
    /// `https://www.instagram.com/`.
    pub provider_url: Option<String>,
    /// The width in pixels.
    pub width: Option<f64>,
    /// The author's username, when sent.
    pub author_name: Option<String>,
    /// A thumbnail, when sent.
    pub thumbnail_url: Option<String>,
}

/// Profiles: an account's own, and other professional accounts' through business discovery
/// (Facebook Login accounts only); live broadcasts; oEmbed with the app's token.
#[napi]
pub struct Discovery {
    lazy: Arc<Lazy>,
}

#[napi]
impl Discovery {
    /// Profiles seen from the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// The account's own profile: username, name, biography, website, picture, followers,
    /// follows and media counts (the fields its host serves).
    ///
    /// Core: IgUserHandler::get
    #[napi(ts_return_type = "Promise<IgProfile>")]
    pub async fn profile(&self, company_id: String, ig_user_id: String) -> Result<Json> {
        const WHAT: &str = "Discovery.profile";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let profile: IgUser = account
                .graph()
                .ig_user(account.ig().clone())
                .get()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&profile))
        })
        .await
        .map(Json::from)
    }

    /// Another professional account by `username`, seen from this account: `{ account, media,
    /// nextCursor }`. An unknown username, or one of an account that is not professional, is
    /// `NotFoundError`.
    ///
    /// Core: IgUserHandler::business_discovery
    #[napi(ts_return_type = "Promise<DiscoveredAccount>")]
    pub async fn business_discovery(
        &self,
        company_id: String,
        ig_user_id: String,
        username: String,
        options: Option<BusinessDiscoveryOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Discovery.businessDiscovery";
        guard(WHAT, async {
            required("username", &username)?;
            let o = options.unwrap_or(BusinessDiscoveryOptions {
                limit: None,
                after: None,
                fields: None,
                media_fields: None,
            });
            let per_page = limit("options.limit", o.limit)?;
            if let Some(f) = &o.fields {
                fields("options.fields", f)?;
            }
            if let Some(f) = &o.media_fields {
                fields("options.mediaFields", f)?;
            }
            if o.after.as_deref() == Some("") {
                return Err(type_error("options.after", "cannot be empty"));
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let mut req = graph
                .ig_user(account.ig().clone())
                .business_discovery(&username);
            if let Some(f) = o.fields {
                req = req.fields(f);
            }
            if let Some(f) = o.media_fields {
                req = req.media_fields(f);
            }
            if let Some(l) = per_page {
                req = req.media_limit(l);
            }
            if let Some(a) = o.after {
                req = req.media_after(a);
            }
            let found = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            let next_cursor = found.next_media_cursor().map(str::to_owned);
            let mut discovered = found.business_discovery;
            let media = discovered.media.take().map(|m| m.data).unwrap_or_default();
            Ok(json!({
                "account": to_js(&discovered),
                "media": media.iter().map(to_js).collect::<Vec<_>>(),
                "nextCursor": next_cursor,
            }))
        })
        .await
        .map(Json::from)
    }

    /// One page of the account's live broadcasts in progress: `{ data, paging }` (empty when
    /// it is not live).
    ///
    /// Core: IgUserMediaHandler::live
    #[napi(ts_return_type = "Promise<MediaPage>")]
    pub async fn live_media(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<LiveMediaOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Discovery.liveMedia";
        guard(WHAT, async {
            let (per_page, after, field_list) =
                options.map_or((None, None, None), |o| (o.limit, o.after, o.fields));
            let per_page = limit("options.limit", per_page)?;
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account.graph().ig_user(account.ig().clone()).media().live();
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
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// The embed HTML of a public post, reel or video (`url`), with the app's token:
    /// `{ html, version, type, providerName, providerUrl, width }`.
    ///
    /// Core: Client::oembed
    #[napi(ts_return_type = "Promise<IgOEmbed>")]
    pub async fn oembed(&self, url: String, options: Option<OEmbedOptions>) -> Result<Json> {
        const WHAT: &str = "Discovery.oembed";
        guard(WHAT, async {
            required("url", &url)?;
            let manager = self.lazy.get(WHAT).await?;
            let mut req = manager.client().oembed(url);
            if let Some(o) = options {
                if let Some(w) = o.max_width {
                    req = req.max_width(w);
                }
                req = req
                    .omit_script(o.omit_script.unwrap_or(false))
                    .hide_caption(o.hide_caption.unwrap_or(false));
            }
            let embed = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&embed))
        })
        .await
        .map(Json::from)
    }
}
