//! Hashtag nodes ([`AccountGraph`]): a hashtag by id (from `search_hashtag`), and its top and
//! recent media, read on behalf of the account.

use instagraph::HashtagId;

use crate::discovery::HashtagSummary;
use crate::error::{required, sdk, Result};
use crate::graph::AccountGraph;
use crate::media::MediaPage;

/// Which media of a hashtag to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HashtagMediaKind {
    /// The most popular media with the hashtag.
    Top,
    /// Media with the hashtag from the last 24 hours, newest first.
    Recent,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// A hashtag by id: its default fields, or `fields` when given.
    ///
    /// Core: HashtagHandler::get, HashtagHandler::get_fields
    pub async fn hashtag(
        &self,
        hashtag_id: String,
        fields: Option<Vec<String>>,
    ) -> Result<HashtagSummary> {
        const WHAT: &str = "AccountGraph.hashtag";
        required("hashtag_id", &hashtag_id)?;
        let (client, access) = self.parts();
        let graph = access.graph(client);
        let handler = graph.hashtag(HashtagId::new(hashtag_id));
        let found = match fields {
            Some(fields) => handler.get_fields(fields).await,
            None => handler.get().await,
        }
        .map_err(|e| sdk(WHAT, e))?;
        Ok(HashtagSummary {
            id: found.id.as_str().to_owned(),
            name: found.name,
        })
    }

    /// One page of a hashtag's top or recent media, read on behalf of the account (`limit`
    /// and `after` as Meta takes them, checked by the SDK).
    ///
    /// Core: HashtagHandler::top_media, HashtagHandler::recent_media
    pub async fn hashtag_media(
        &self,
        hashtag_id: String,
        kind: HashtagMediaKind,
        limit: Option<u32>,
        after: Option<String>,
    ) -> Result<MediaPage> {
        const WHAT: &str = "AccountGraph.hashtag_media";
        required("hashtag_id", &hashtag_id)?;
        let (client, access) = self.parts();
        let graph = access.graph(client);
        let handler = graph.hashtag(HashtagId::new(hashtag_id));
        let mut request = match kind {
            HashtagMediaKind::Top => handler.top_media(&access.ig_user_id),
            HashtagMediaKind::Recent => handler.recent_media(&access.ig_user_id),
        };
        if let Some(limit) = limit {
            request = request.limit(limit);
        }
        if let Some(after) = after {
            request = request.after(after);
        }
        Ok(request.send().await.map_err(|e| sdk(WHAT, e))?.into())
    }

    /// The unique hashtags the account searched in the current 7-day window, as the client's
    /// hashtag budget counts them (out of 30).
    ///
    /// Core: HashtagBudget::used_now
    pub async fn hashtag_budget_used(&self) -> Result<u32> {
        const WHAT: &str = "AccountGraph.hashtag_budget_used";
        let (client, access) = self.parts();
        client
            .hashtag_budget()
            .used_now(&access.ig_user_id)
            .await
            .map_err(|e| sdk(WHAT, e))
    }
}
