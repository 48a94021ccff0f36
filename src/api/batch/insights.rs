//! Media insights of many media through batch requests.

use crate::api::insights::{MediaInsightKind, MediaInsights, Metric};
use crate::api::Graph;
use crate::error::Result;
use crate::ids::MediaId;

impl<'a> Graph<'a> {
    /// Insights of many media through batch requests: one operation per media (50 per
    /// request), each asking for the metrics valid for its kind (or `metrics`, which must be
    /// valid for every kind given). Results come back in the order given, each its own
    /// `Result` (a story with fewer than 5 viewers fails alone).
    ///
    /// Each operation is the [`Graph::media_insights`] request of its media, checked the same
    /// way before any call.
    pub async fn media_insights_batch<I, M>(
        &self,
        media: I,
        metrics: Option<&[Metric]>,
    ) -> Result<Vec<(MediaId, Result<MediaInsights>)>>
    where
        I: IntoIterator<Item = (M, MediaInsightKind)>,
        M: Into<MediaId>,
    {
        let media: Vec<(MediaId, MediaInsightKind)> =
            media.into_iter().map(|(id, k)| (id.into(), k)).collect();
        let mut batch = self.batch();
        let mut slots = Vec::with_capacity(media.len());
        for (id, kind) in &media {
            let mut request = self.media_insights(id.clone(), *kind);
            if let Some(list) = metrics {
                request = request.metrics(list.iter().cloned());
            }
            slots.push(batch.request(request)?);
        }
        if media.is_empty() {
            return Ok(Vec::new());
        }
        let mut results = batch.send().await?;
        Ok(media
            .into_iter()
            .zip(slots)
            .map(|((id, kind), slot)| {
                let insights = results.take(slot).map(|list| MediaInsights {
                    kind,
                    metrics: list.data,
                });
                (id, insights)
            })
            .collect())
    }
}
