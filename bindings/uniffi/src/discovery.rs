//! Profiles on [`AccountGraph`]: the account's own, and other professional accounts' through
//! business discovery (Facebook Login accounts only).

use instagraph::api::models::IgUser;

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
        let account = &found.business_discovery;
        Ok(DiscoveredProfile {
            account: ProfileSummary::from(account),
            media: account
                .media
                .iter()
                .flat_map(|m| m.data.iter().map(MediaSummary::from))
                .collect(),
            next_cursor,
        })
    }
}
