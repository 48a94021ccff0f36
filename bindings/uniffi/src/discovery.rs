//! Profiles and other reads on [`AccountGraph`]: the account's own profile, other professional
//! accounts' through business discovery (Facebook Login accounts only), its live broadcasts,
//! the hashtags it searched lately (and seeding the client's hashtag budget from them); and
//! oEmbed on [`Client`].

use instagraph::api::models::IgUser;

use crate::client::Client;
use crate::error::{required, sdk, Result};
use crate::graph::{AccountGraph, MediaSummary};

/// An Instagram professional account's profile.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ProfileSummary {
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
    pub followers_count: Option<u64>,
    /// Accounts it follows.
    pub follows_count: Option<u64>,
    /// Published media.
    pub media_count: Option<u64>,
}

impl From<&IgUser> for ProfileSummary {
    fn from(u: &IgUser) -> Self {
        Self {
            id: u.id.as_str().to_owned(),
            username: u.username.clone(),
            name: u.name.clone(),
            biography: u.biography.clone(),
            website: u.website.clone(),
            profile_picture_url: u.profile_picture_url.clone(),
            followers_count: u.followers_count,
            follows_count: u.follows_count,
            media_count: u.media_count,
        }
    }
}

/// Another professional account seen through business discovery.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DiscoveredProfile {
    /// Its public profile.
    pub account: ProfileSummary,
    /// One page of its media, newest first.
    pub media: Vec<MediaSummary>,
    /// The cursor of the next page (`after`), when this page held media.
    pub next_cursor: Option<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The account's own profile.
    ///
    /// Core: IgUserHandler::get
    pub async fn profile(&self) -> Result<ProfileSummary> {
        const WHAT: &str = "AccountGraph.profile";
        let (client, access) = (&self.client, &self.access);
        let user = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .get()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(ProfileSummary::from(&user))
    }

    /// Another professional account by `username`: its profile and a page of `limit` media
    /// (`after`: the previous page's `next_cursor`). An unknown username, or one of an account
    /// that is not professional, is a not-found error.
    ///
    /// Core: IgUserHandler::business_discovery
    pub async fn business_discovery(
        &self,
        username: String,
        limit: Option<u32>,
        after: Option<String>,
    ) -> Result<DiscoveredProfile> {
        const WHAT: &str = "AccountGraph.business_discovery";
        let (client, access) = (&self.client, &self.access);
        required("username", &username)?;
        let graph = access.graph(client);
        let mut req = graph
            .ig_user(access.ig_user_id.clone())
            .business_discovery(&username);
        if let Some(l) = limit {
            req = req.media_limit(l);
        }
        if let Some(a) = after {
            req = req.media_after(a);
        }
        let found = req.send().await.map_err(|e| sdk(WHAT, e))?;
        let next_cursor = found.next_media_cursor().map(str::to_owned);
        let account = found.business_discovery;
        Ok(DiscoveredProfile {
            account: ProfileSummary::from(&account),
            media: account
                .media
                .into_iter()
                .flat_map(|m| m.data.into_iter().map(MediaSummary::from))
                .collect(),
            next_cursor,
        })
    }
}

/// A hashtag the account searched.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HashtagSummary {
    /// The hashtag id.
    pub id: String,
    /// Its name (without `#`).
    pub name: Option<String>,
}

/// A public post's embed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct EmbedSummary {
    /// The embed HTML.
    pub html: String,
    /// Its width in pixels.
    pub width: Option<u64>,
    /// `Instagram`.
    pub provider_name: Option<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The account's live broadcasts in progress (empty when it is not live).
    ///
    /// Core: IgUserMediaHandler::live
    pub async fn live_media(&self) -> Result<Vec<MediaSummary>> {
        const WHAT: &str = "AccountGraph.live_media";
        let (client, access) = (&self.client, &self.access);
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .media()
            .live()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page.items.into_iter().map(MediaSummary::from).collect())
    }

    /// The id of a hashtag (`q` without `#`), searched within the client's hashtag budget (30
    /// unique hashtags per account per 7 days, refused before the call when spent).
    ///
    /// Core: IgUserHashtagsHandler::search
    pub async fn search_hashtag(&self, q: String) -> Result<String> {
        const WHAT: &str = "AccountGraph.search_hashtag";
        let (client, access) = (&self.client, &self.access);
        let id = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .hashtags()
            .search(&q, client.hashtag_budget())
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(id.as_str().to_owned())
    }

    /// The hashtags the account searched in the last 7 days (one page, at most 30).
    ///
    /// Core: IgUserHashtagsHandler::recently_searched
    pub async fn recently_searched_hashtags(&self) -> Result<Vec<HashtagSummary>> {
        const WHAT: &str = "AccountGraph.recently_searched_hashtags";
        let (client, access) = (&self.client, &self.access);
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .hashtags()
            .recently_searched()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page
            .items
            .iter()
            .map(|t| HashtagSummary {
                id: t.id.as_str().to_owned(),
                name: t.name.clone(),
            })
            .collect())
    }

    /// Counts the hashtags Meta says the account searched in the last 7 days in the client's
    /// hashtag budget (after a restart); answers how many the budget counts for the account.
    ///
    /// Core: IgUserHashtagsHandler::seed_budget
    pub async fn seed_hashtag_budget(&self) -> Result<u32> {
        const WHAT: &str = "AccountGraph.seed_hashtag_budget";
        let (client, access) = (&self.client, &self.access);
        access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .hashtags()
            .seed_budget(client.hashtag_budget())
            .await
            .map_err(|e| sdk(WHAT, e))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// The embed HTML of a public post, reel or video, with the app's token (`max_width`: 320
    /// to 658 pixels).
    ///
    /// Core: Client::oembed
    pub async fn oembed(
        &self,
        url: String,
        max_width: Option<u32>,
        omit_script: bool,
        hide_caption: bool,
    ) -> Result<EmbedSummary> {
        const WHAT: &str = "Client.oembed";
        required("url", &url)?;
        let mut req = self
            .inner
            .oembed(url)
            .omit_script(omit_script)
            .hide_caption(hide_caption);
        if let Some(w) = max_width {
            req = req.max_width(w);
        }
        let embed = req.send().await.map_err(|e| sdk(WHAT, e))?;
        Ok(EmbedSummary {
            html: embed.html,
            width: embed.width,
            provider_name: embed.provider_name,
        })
    }
}
