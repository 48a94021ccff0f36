//! Insights: account metrics (`GET /{ig-user-id}/insights`) and media and story metrics
//! (`GET /{ig-media-id}/insights`).
//!
//! - [`IgUserHandler::insights`](crate::api::IgUserHandler::insights) → [`AccountInsightsRequest`]:
//!   metrics with `period`, `metric_type`, `breakdown`, `timeframe` and a `since`…`until` range;
//!   a range longer than Meta's 30 days is split into windows fetched concurrently and merged
//!   into one [`AccountInsights`], which rolls up by day, ISO week or month
//!   ([`AccountInsights::rollup`]); [`AccountInsightsRequest::send_series`] charts every day
//!   metric by day, week or month, the ones Meta serves only as totals read one total per bucket.
//! - [`Graph::media_insights`](crate::api::Graph::media_insights) → [`MediaInsightsRequest`]: the
//!   metrics valid for a feed post, reel, story or carousel ([`MediaInsightKind`]).
//!
//! Every check runs before any call; a metric Meta removed (`impressions`, `plays`,
//! `video_views`, `profile_views`, …) is refused with [`crate::Error::RemovedMetric`] naming its
//! replacement, and a range Meta cannot serve (starting more than [`MAX_HISTORY_DAYS`] days
//! back, ending more than [`MAX_FUTURE_DAYS`] ahead, or backwards) is refused naming the field.
//! Data can lag 48 hours, and an unavailable metric comes back as an empty set rather than an
//! error.

mod account;
mod media;
mod merge;
mod metric;
mod rollup;
mod series;

pub use account::{
    AccountInsights, AccountInsightsRequest, InsightWindow, DEFAULT_WINDOW_CONCURRENCY,
    MAX_FUTURE_DAYS, MAX_HISTORY_DAYS, MAX_WINDOW_DAYS,
};
pub use media::{MediaInsightKind, MediaInsights, MediaInsightsRequest};
pub use metric::{removed_metric, Breakdown, Metric, MetricType, Period, Timeframe};
pub use rollup::{Aggregation, Granularity, RolledUpMetric, RollupPoint};
pub use series::MAX_SERIES_BUCKETS;
