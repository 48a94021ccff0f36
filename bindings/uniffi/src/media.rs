//! Media of the account ([`AccountGraph`]) by id: one media, a carousel's items, deleting,
//! turning comments on or off; and the account's stories and the media it is tagged in.

use instagraph::MediaId;

use crate::error::{required, sdk, Result};
use crate::graph::{AccountGraph, MediaSummary};

/// One page of media, and the cursor of the next one.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MediaPage {
    /// The media of this page.
    pub items: Vec<MediaSummary>,
    /// Pass it as `after` for the next page; `None` on the last page.
    pub after: Option<String>,
}

impl From<instagraph::Page<instagraph::api::models::Media>> for MediaPage {
    fn from(page: instagraph::Page<instagraph::api::models::Media>) -> Self {
        let after = page.after_cursor().map(str::to_owned);
        MediaPage {
            items: page.items.into_iter().map(MediaSummary::from).collect(),
            after,
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// One media by id.
    ///
    /// Core: MediaHandler::get
    pub async fn media_by_id(&self, media_id: String) -> Result<MediaSummary> {
        const WHAT: &str = "AccountGraph.media_by_id";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let media = access
            .graph(client)
            .media(MediaId::new(media_id))
            .get()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(MediaSummary::from(media))
    }

    /// The items of a carousel (one page; `after` is the previous page's cursor).
    ///
    /// Core: MediaHandler::children
    pub async fn media_children(
        &self,
        media_id: String,
        after: Option<String>,
    ) -> Result<MediaPage> {
        const WHAT: &str = "AccountGraph.media_children";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let mut request = access
            .graph(client)
            .media(MediaId::new(media_id))
            .children();
        if let Some(after) = after {
            request = request.after(after);
        }
        Ok(request.send().await.map_err(|e| sdk(WHAT, e))?.into())
    }

    /// Deletes a published media (a carousel item cannot be deleted on its own); Meta's
    /// `success`. Safe to retry.
    ///
    /// Core: MediaHandler::delete
    pub async fn delete_media(&self, media_id: String) -> Result<bool> {
        const WHAT: &str = "AccountGraph.delete_media";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        let deleted = access
            .graph(client)
            .media(MediaId::new(media_id))
            .delete()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(deleted.success)
    }

    /// Turns comments on a media on (`enabled` true) or off; Meta's `success`.
    ///
    /// Core: MediaHandler::set_comments_enabled
    pub async fn set_comments_enabled(&self, media_id: String, enabled: bool) -> Result<bool> {
        const WHAT: &str = "AccountGraph.set_comments_enabled";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        access
            .graph(client)
            .media(MediaId::new(media_id))
            .set_comments_enabled(enabled)
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// The account's live stories (the last 24 hours), which `media` leaves out.
    ///
    /// Core: IgUserMediaHandler::stories
    pub async fn stories(&self) -> Result<Vec<MediaSummary>> {
        const WHAT: &str = "AccountGraph.stories";
        let (client, access) = self.parts();
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .media()
            .stories()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page.items.into_iter().map(MediaSummary::from).collect())
    }

    /// Media in which other accounts tagged this one (one page; `limit` and `after` as Meta
    /// takes them).
    ///
    /// Core: IgUserMediaHandler::tagged
    pub async fn tagged_media(
        &self,
        limit: Option<u32>,
        after: Option<String>,
    ) -> Result<MediaPage> {
        const WHAT: &str = "AccountGraph.tagged_media";
        let (client, access) = self.parts();
        let mut request = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .media()
            .tagged();
        if let Some(limit) = limit {
            request = request.limit(limit);
        }
        if let Some(after) = after {
            request = request.after(after);
        }
        Ok(request.send().await.map_err(|e| sdk(WHAT, e))?.into())
    }

    /// Every media of the account, every page read in Rust: at most `max_items` (the SDK's
    /// default when `None`); a longer listing fails rather than leaving media out.
    ///
    /// Core: IgUserMediaHandler::list, Page::collect_all, Page::collect_all_with_limit
    pub async fn all_media(&self, max_items: Option<u32>) -> Result<Vec<MediaSummary>> {
        const WHAT: &str = "AccountGraph.all_media";
        let (client, access) = self.parts();
        let first = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .media()
            .list()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        let all = match max_items {
            Some(n) => first.collect_all_with_limit(n as usize).await,
            None => first.collect_all().await,
        }
        .map_err(|e| sdk(WHAT, e))?;
        Ok(all.into_iter().map(MediaSummary::from).collect())
    }
}
