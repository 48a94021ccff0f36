//! The shapes `Insights` answers, declared for TypeScript only: the values reach JavaScript
//! as JSON text (see `account_graph::Json`; the bulk reads are measured in bench/README.md),
//! with Meta's fields camel-cased and kept beyond the ones listed here.

use napi_derive::napi;

/// One value of a metric over time.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct InsightValue {
    /// The value (a number, or an object for breakdown metrics).
    #[napi(ts_type = "unknown")]
    pub value: serde_json::Value,
    /// The end of the period it covers.
    pub end_time: Option<String>,
}

/// A metric's total over the range, with its breakdowns.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct InsightTotalValue {
    /// The total.
    pub value: Option<f64>,
    /// Its breakdowns, as Meta sends them.
    #[napi(ts_type = "unknown[]")]
    pub breakdowns: Option<Vec<serde_json::Value>>,
}

/// One metric of an insights answer.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Insight {
    /// The metric.
    pub name: String,
    /// `day`, `week`, `days_28`, `lifetime`, ...
    pub period: Option<String>,
    /// Its values over time.
    pub values: Option<Vec<InsightValue>>,
    /// Its total (`metricType: 'total_value'`).
    pub total_value: Option<InsightTotalValue>,
    /// Meta's title of it.
    pub title: Option<String>,
    /// Meta's description of it.
    pub description: Option<String>,
    /// Meta's id of it.
    pub id: Option<String>,
}

/// One window the SDK asked for (Meta takes ranges of 30 days at most).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct InsightWindow {
    /// Its start.
    pub since: String,
    /// Its end.
    pub until: String,
}

/// How a rollup adds a metric's values.
#[napi(string_enum)]
pub enum RollupAggregation {
    /// Values add up (`likes`, ...).
    Sum,
    /// Unique counts: the sum over-counts people seen on several days.
    SumOfUniques,
    /// The last value stands (`follower_count`, ...).
    Last,
    /// Meta's own total over the period (`Insights.accountSeries` for `views`,
    /// `accounts_engaged`, ...): exact, each account counted once.
    Total,
}

/// One period of a rollup.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct RollupPoint {
    /// The period's first day.
    pub start: String,
    /// The period's end.
    pub end: String,
    /// The metric over the period.
    pub value: f64,
    /// The days with a value in it.
    pub days: u32,
}

/// A metric's values added up by week or month (`options.rollup`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct Rollup {
    /// The metric.
    pub name: String,
    /// How its values were added.
    pub aggregation: RollupAggregation,
    /// The periods, in order.
    pub points: Vec<RollupPoint>,
}

/// The result of `Insights.account`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct AccountInsightsResult {
    /// The metrics, windows merged.
    pub metrics: Vec<Insight>,
    /// The windows asked for.
    pub windows: Vec<InsightWindow>,
    /// With `options.rollup`: the metrics by period.
    pub rollup: Option<Vec<Rollup>>,
}

/// What kind of media insights were read for (its metrics differ).
#[napi(string_enum = "lowercase")]
pub enum MediaInsightKind {
    /// A feed image or video.
    Feed,
    /// A reel.
    Reel,
    /// A story.
    Story,
    /// A carousel.
    Carousel,
}

/// The result of `Insights.media`.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MediaInsightsResult {
    /// The media's kind.
    pub kind: MediaInsightKind,
    /// Its lifetime metrics.
    pub metrics: Vec<Insight>,
}

/// Why one media of a batch has no insights.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct MediaBatchError {
    /// The SDK's message.
    pub message: String,
    /// Meta's error code.
    pub code: Option<i64>,
    /// Meta's error subcode.
    pub subcode: Option<i64>,
    /// What to do about it (as `InstagraphError.errorClass`).
    pub error_class: String,
}

/// One entry of `Insights.mediaBatch` / `Insights.stories`, in the order given: `metrics`,
/// or `kind: null` and `error` for a media that failed alone.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MediaBatchEntry {
    /// The media.
    pub media_id: String,
    /// Its kind (`null` when it failed).
    #[napi(ts_type = "MediaInsightKind | null")]
    pub kind: Option<MediaInsightKind>,
    /// Its lifetime metrics.
    pub metrics: Option<Vec<Insight>>,
    /// Why it has none.
    pub error: Option<MediaBatchError>,
}
