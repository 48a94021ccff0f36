//! Media insights of many media through batch requests.

use super::{BatchOp, BatchSlot};
use crate::api::insights::{MediaInsightKind, MediaInsights, Metric};
use crate::api::models::{Insight, ListResponse};
use crate::api::Graph;
use crate::error::{Error, Result};
use crate::ids::MediaId;

impl<'a> Graph<'a> {
    /// Insights of many media through batch requests: one operation per media (50 per
    /// request), each asking for the metrics valid for its kind (or `metrics`, which must be
    /// valid for every kind given). Results come back in the order given, each its own
    /// `Result` (a story with fewer than 5 viewers fails alone).
    ///
    /// Every metric is checked before any call, as [`Graph::media_insights`] does.
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
            let list = media_metrics(*kind, metrics)?;
            if id.as_str().is_empty() || id.as_str().contains(['/', '?', '&', '#']) {
                return Err(Error::invalid(
                    "media_id",
                    format!("`{id}` is not a media id"),
                ));
            }
            let slot: BatchSlot<ListResponse<Insight>> =
                batch.add(BatchOp::get(format!("{id}/insights?metric={list}")));
            slots.push(slot);
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

/// The `metric` parameter for a media of `kind`, checked.
fn media_metrics(kind: MediaInsightKind, metrics: Option<&[Metric]>) -> Result<String> {
    let list = metrics.unwrap_or(kind.metrics());
    if list.is_empty() {
        return Err(Error::invalid("metric", "at least one metric is required"));
    }
    for m in list {
        m.check_not_removed()?;
        if !matches!(m, Metric::Other(_)) && !kind.metrics().contains(m) {
            return Err(Error::invalid(
                "metric",
                format!("`{m}` is not available for {kind:?} media"),
            ));
        }
    }
    Ok(list
        .iter()
        .map(Metric::as_str)
        .collect::<Vec<_>>()
        .join(","))
}
