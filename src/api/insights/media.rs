//! Media and story insights: `GET /{ig-media-id}/insights?metric=…` (lifetime), with the metric
//! set that is valid for the media's kind.

use serde::{Deserialize, Serialize};

use super::{Breakdown, Metric};
use crate::api::batch::{BatchOp, BatchRequest, BatchResponse};
use crate::api::comments::validate_id;
use crate::api::models::{Insight, ListResponse, Media, MediaProductType, MediaType};
use crate::api::Graph;
use crate::error::{Error, Result};
use crate::http::GraphRequest;
use crate::ids::MediaId;

/// The kind of media, which decides the metrics its insights take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaInsightKind {
    /// A feed post (image or video).
    Feed,
    /// A reel (`media_product_type: REELS`).
    Reel,
    /// A story (`media_product_type: STORY`; insights kept 24 hours, and Meta answers code 10
    /// while fewer than 5 accounts have seen it).
    Story,
    /// A carousel album (insights of its children are not available).
    Carousel,
}

impl MediaInsightKind {
    /// The kind of `media`, from its `media_product_type` then its `media_type`; `None` when the
    /// media was read without those fields.
    pub fn of(media: &Media) -> Option<Self> {
        match (&media.media_product_type, &media.media_type) {
            (Some(MediaProductType::Story), _) => Some(Self::Story),
            (Some(MediaProductType::Reels), _) => Some(Self::Reel),
            (_, Some(MediaType::CarouselAlbum)) => Some(Self::Carousel),
            (Some(MediaProductType::Feed), _) | (_, Some(MediaType::Image | MediaType::Video)) => {
                Some(Self::Feed)
            }
            _ => None,
        }
    }

    /// The metrics a request without `.metrics(..)` asks for: every metric of this kind that
    /// both login flows serve for every media of the kind (GRAPH_API.md, "Insights").
    pub fn metrics(self) -> &'static [Metric] {
        use Metric::*;
        match self {
            Self::Feed | Self::Carousel => &[
                Reach,
                Views,
                Likes,
                Comments,
                Shares,
                Saved,
                TotalInteractions,
                Follows,
                ProfileVisits,
                ProfileActivity,
                Reposts,
            ],
            Self::Reel => &[
                Reach,
                Views,
                Likes,
                Comments,
                Shares,
                Saved,
                TotalInteractions,
                IgReelsAvgWatchTime,
                IgReelsVideoViewTotalTime,
                Reposts,
                ReelsSkipRate,
            ],
            Self::Story => &[
                Reach,
                Views,
                Replies,
                Navigation,
                Shares,
                TotalInteractions,
                Follows,
                ProfileVisits,
                ProfileActivity,
            ],
        }
    }

    /// The metrics that may be asked of this kind only by name: the default set plus those
    /// that need Facebook Login (`total_likes`, `total_comments`, `total_views`) or a reel
    /// crossposted to Facebook (`crossposted_views`, `facebook_views`).
    pub fn optional_metrics(self) -> &'static [Metric] {
        use Metric::*;
        match self {
            Self::Feed | Self::Carousel => &[TotalLikes, TotalComments, TotalViews],
            Self::Reel => &[
                TotalLikes,
                TotalComments,
                TotalViews,
                CrosspostedViews,
                FacebookViews,
            ],
            Self::Story => &[],
        }
    }

    /// Whether `metric` may be asked of this kind.
    pub fn accepts(self, metric: &Metric) -> bool {
        self.metrics().contains(metric) || self.optional_metrics().contains(metric)
    }

    fn label(self) -> &'static str {
        match self {
            Self::Feed => "a feed post",
            Self::Reel => "a reel",
            Self::Story => "a story",
            Self::Carousel => "a carousel",
        }
    }
}

impl<'a> Graph<'a> {
    /// `GET /{ig-media-id}/insights` for a media of `kind` (see [`MediaInsightKind::of`] to
    /// tell a [`Media`]'s kind).
    pub fn media_insights(
        &self,
        id: impl Into<MediaId>,
        kind: MediaInsightKind,
    ) -> MediaInsightsRequest<'a> {
        MediaInsightsRequest {
            graph: *self,
            id: id.into(),
            kind: Ok(kind),
            metrics: None,
            breakdowns: Vec::new(),
        }
    }

    /// [`Graph::media_insights`] for a media already read with `media_type` and
    /// `media_product_type` (the default media fields); refused at `.send()` when its kind
    /// cannot be told.
    pub fn media_insights_for(&self, media: &Media) -> MediaInsightsRequest<'a> {
        MediaInsightsRequest {
            graph: *self,
            id: media.id.clone(),
            kind: MediaInsightKind::of(media)
                .ok_or("the media was read without media_type/media_product_type: read them first"),
            metrics: None,
            breakdowns: Vec::new(),
        }
    }

    /// Reads a media's `media_type` and `media_product_type` and tells its kind: one
    /// `GET /{ig-media-id}?fields=media_type,media_product_type`.
    pub async fn media_insight_kind(&self, id: impl Into<MediaId>) -> Result<MediaInsightKind> {
        let id = id.into();
        let media: Media = self
            .get(id.to_string())
            .query("fields", "media_type,media_product_type")
            .send()
            .await?;
        MediaInsightKind::of(&media).ok_or_else(|| {
            Error::invalid(
                "media",
                format!("media {id} has neither a known media_type nor media_product_type"),
            )
        })
    }
}

/// Request builder of `GET /{ig-media-id}/insights`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct MediaInsightsRequest<'a> {
    graph: Graph<'a>,
    id: MediaId,
    kind: std::result::Result<MediaInsightKind, &'static str>,
    metrics: Option<Vec<Metric>>,
    breakdowns: Vec<Breakdown>,
}

/// The answer of [`MediaInsightsRequest::send`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaInsights {
    /// The kind the metrics were chosen for.
    pub kind: MediaInsightKind,
    /// One entry per metric (lifetime values).
    pub metrics: Vec<Insight>,
}

impl MediaInsights {
    /// The insight of `metric`, when Meta sent it.
    pub fn get(&self, metric: &Metric) -> Option<&Insight> {
        self.metrics.iter().find(|i| i.name == metric.as_str())
    }

    /// The single number of `metric` (its total, else its last value).
    pub fn number(&self, metric: &Metric) -> Option<f64> {
        self.get(metric).and_then(Insight::number)
    }
}

impl<'a> MediaInsightsRequest<'a> {
    /// The metrics to read (replaces the kind's full set); each must be valid for the kind.
    pub fn metrics<I, M>(mut self, metrics: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: Into<Metric>,
    {
        let list = self.metrics.get_or_insert_with(Vec::new);
        for m in metrics {
            let m = m.into();
            if !list.contains(&m) {
                list.push(m);
            }
        }
        self
    }

    /// A `breakdown` dimension (e.g. `story_navigation_action_type` for a story's
    /// `navigation`).
    pub fn breakdown(mut self, breakdown: Breakdown) -> Self {
        if !self.breakdowns.contains(&breakdown) {
            self.breakdowns.push(breakdown);
        }
        self
    }

    fn check(&self) -> Result<(MediaInsightKind, Vec<Metric>)> {
        let kind = self
            .kind
            .map_err(|reason| Error::invalid("media", reason))?;
        let metrics = match &self.metrics {
            Some(list) if list.is_empty() => {
                return Err(Error::invalid("metric", "at least one metric is required"))
            }
            Some(list) => list.clone(),
            None => kind.metrics().to_vec(),
        };
        for m in &metrics {
            m.check_not_removed()?;
            if !matches!(m, Metric::Other(_)) && !kind.accepts(m) {
                return Err(Error::invalid(
                    "metric",
                    format!("`{m}` is not available for {}", kind.label()),
                ));
            }
            if m.is_facebook_login_only() && self.graph.is_instagram_login() {
                return Err(Error::invalid(
                    "metric",
                    format!("`{m}` is served with Facebook Login only (graph.facebook.com)"),
                ));
            }
        }
        if let Some(b) = self.breakdowns.iter().find(|b| b.is_demographic()) {
            return Err(Error::invalid(
                "breakdown",
                format!("`{b}` is an account demographic breakdown, not a media one"),
            ));
        }
        Ok((kind, metrics))
    }

    /// Checks the request (no network), then sends it.
    pub async fn send(self) -> Result<MediaInsights> {
        let (kind, request) = self.into_request()?;
        let list: ListResponse<Insight> = request.send().await?;
        Ok(MediaInsights {
            kind,
            metrics: list.data,
        })
    }

    /// The call, checked, and the kind its metrics were chosen for: what `send` sends and a
    /// batch carries.
    fn into_request(self) -> Result<(MediaInsightKind, GraphRequest<'a>)> {
        let (kind, metrics) = self.check()?;
        validate_id("media_id", self.id.as_str())?;
        let metric = metrics
            .iter()
            .map(Metric::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let breakdown = (!self.breakdowns.is_empty()).then(|| {
            self.breakdowns
                .iter()
                .map(Breakdown::as_str)
                .collect::<Vec<_>>()
                .join(",")
        });
        let request = self
            .graph
            .get(format!("{}/insights", self.id))
            .query("metric", metric)
            .query_opt("breakdown", breakdown);
        Ok((kind, request))
    }
}

impl BatchRequest for MediaInsightsRequest<'_> {
    /// The metrics as Meta lists them (the kind they were chosen for is the caller's:
    /// `MediaInsights { kind, metrics: list.data }`).
    type Output = ListResponse<Insight>;

    fn into_batch_op(self) -> Result<BatchOp> {
        self.into_request()?.1.into_batch_op()
    }

    fn read_answer(answer: &BatchResponse) -> Result<ListResponse<Insight>> {
        answer.json()
    }
}

impl<'a> crate::api::MediaHandler<'a> {
    /// This media's insights for a media of `kind` (see [`Graph::media_insights`]).
    pub fn insights(&self, kind: MediaInsightKind) -> MediaInsightsRequest<'a> {
        self.graph.media_insights(self.id.clone(), kind)
    }
}
