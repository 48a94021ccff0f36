//! `Insights`: account insights (windows of 30 days merged, roll-ups by day/week/month),
//! media insights with the metrics of the media's kind, many media through the batch API, and
//! the insights of the live stories.

use std::sync::Arc;

use instagraph::api::insights::{
    Breakdown, Granularity, MediaInsightKind, MediaInsights, Metric, MetricType, Period, Timeframe,
};
use instagraph::api::models::Media as MediaModel;
use instagraph::api::{BatchResponse, BatchSlot, Graph};
use instagraph::{Error, MediaId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};

use crate::account_graph::{camel_json, open, time, to_js, top_level_member, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{class_name, guard, sdk_error, type_error};
use crate::store::Lazy;

/// Options of `Insights.account`.
#[napi(object)]
pub struct AccountInsightsOptions {
    /// Metric names (`reach`, `views`, `follower_count`, ...). A removed metric
    /// (`impressions`, ...) is refused with the name of its replacement.
    pub metrics: Vec<String>,
    /// `day`, `week`, `days_28` or `lifetime`.
    pub period: Option<String>,
    /// `total_value` or `time_series`.
    pub metric_type: Option<String>,
    /// Breakdown dimensions (`media_product_type`, `follow_type`, `age`, `city`, ...).
    pub breakdown: Option<Vec<String>>,
    /// `this_week` or `this_month` (demographics).
    pub timeframe: Option<String>,
    /// Range start (RFC 3339 string or Unix seconds). Ranges over 30 days are split into
    /// windows fetched concurrently and merged.
    #[napi(ts_type = "string | number")]
    pub since: Option<Value>,
    /// Range end (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub until: Option<Value>,
    /// Window requests in flight at once (default 3).
    pub concurrency: Option<u32>,
    /// Also roll the day series up: `daily`, `weekly` (ISO weeks) or `monthly`.
    pub rollup: Option<String>,
}

/// Options of `Insights.accountSeries`.
#[napi(object)]
pub struct AccountSeriesOptions {
    /// Day metric names (`reach`, `views`, `accounts_engaged`, `total_interactions`,
    /// `follower_count`, ...).
    pub metrics: Vec<String>,
    /// Range start (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub since: Value,
    /// Range end (RFC 3339 string or Unix seconds).
    #[napi(ts_type = "string | number")]
    pub until: Value,
    /// The buckets: `daily`, `weekly` (ISO weeks) or `monthly`.
    pub by: String,
    /// Requests in flight at once (default 3).
    pub concurrency: Option<u32>,
}

/// Options of `Insights.media`.
#[napi(object)]
pub struct MediaInsightsOptions {
    /// Metric names (default: every metric of the media's kind).
    pub metrics: Option<Vec<String>>,
    /// The media's kind (`feed`, `reel`, `story`, `carousel`); read from the media when
    /// omitted (one more call).
    pub kind: Option<String>,
    /// Breakdown dimensions (e.g. `story_navigation_action_type`).
    pub breakdown: Option<Vec<String>>,
}

/// Options of `Insights.mediaBatch`.
#[napi(object)]
pub struct MediaBatchOptions {
    /// Metric names, valid for every kind given (default: each media's kind's own).
    pub metrics: Option<Vec<String>>,
}

/// Insights of an account and its media. Constructed from an `AccountManager`.
#[napi]
pub struct Insights {
    lazy: Arc<Lazy>,
}

fn granularity(argument: &str, name: &str) -> napi::Result<Granularity> {
    match name {
        "daily" => Ok(Granularity::Daily),
        "weekly" => Ok(Granularity::Weekly),
        "monthly" => Ok(Granularity::Monthly),
        other => Err(type_error(
            argument,
            format!("{other:?} is not one of daily, weekly, monthly"),
        )),
    }
}

fn metrics(argument: &str, names: &[String]) -> napi::Result<Vec<Metric>> {
    if names.is_empty() {
        return Err(type_error(argument, "must list at least one metric"));
    }
    names
        .iter()
        .map(|n| {
            required(argument, n)?;
            Metric::parse(n).map_err(|e| sdk_error(argument, e))
        })
        .collect()
}

fn word<'s>(argument: &str, value: &'s str) -> napi::Result<&'s str> {
    required(argument, value)?;
    Ok(value.trim())
}

fn kind(argument: &str, value: &str) -> napi::Result<MediaInsightKind> {
    match value.trim().to_ascii_lowercase().as_str() {
        "feed" | "image" | "video" => Ok(MediaInsightKind::Feed),
        "reel" | "reels" => Ok(MediaInsightKind::Reel),
        "story" => Ok(MediaInsightKind::Story),
        "carousel" | "carousel_album" => Ok(MediaInsightKind::Carousel),
        other => Err(type_error(
            argument,
            format!("{other:?} is not one of feed, reel, story, carousel"),
        )),
    }
}

fn kind_name(kind: MediaInsightKind) -> &'static str {
    match kind {
        MediaInsightKind::Feed => "feed",
        MediaInsightKind::Reel => "reel",
        MediaInsightKind::Story => "story",
        MediaInsightKind::Carousel => "carousel",
    }
}

fn insights_js(insights: &MediaInsights) -> Value {
    json!({
        "kind": kind_name(insights.kind),
        "metrics": insights.metrics.iter().map(to_js).collect::<Vec<_>>(),
    })
}

/// A failed item of a batch: the error's fields, without throwing the whole batch.
fn item_error(err: &Error) -> Value {
    let graph = err.graph();
    json!({
        "message": err.to_string(),
        "code": graph.map(|g| g.code),
        "subcode": graph.and_then(|g| g.error_subcode),
        "errorClass": class_name(err.class()),
    })
}

/// A media of `mediaBatch`'s list given as an object (what `Media.list`/`listAll` return):
/// only these fields are read from it.
#[napi(object)]
pub struct MediaKey {
    /// The media id.
    pub id: String,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM`.
    pub media_type: Option<String>,
    /// `FEED`, `REELS` or `STORY`.
    pub media_product_type: Option<String>,
}

/// The kind of a media from its type and product type (as `MediaInsightKind::of`).
fn kind_of(media_type: Option<&str>, product: Option<&str>) -> Option<MediaInsightKind> {
    match (product, media_type) {
        (Some("STORY"), _) => Some(MediaInsightKind::Story),
        (Some("REELS"), _) => Some(MediaInsightKind::Reel),
        (_, Some("CAROUSEL_ALBUM")) => Some(MediaInsightKind::Carousel),
        (Some("FEED"), _) | (_, Some("IMAGE" | "VIDEO")) => Some(MediaInsightKind::Feed),
        _ => None,
    }
}

/// A media id that goes into a batch operation's path: not empty, no `/`, `?`, `&` or `#`.
fn path_safe_id(argument: &str, id: &str) -> napi::Result<()> {
    required(argument, id)?;
    if id.contains(['/', '?', '&', '#']) {
        return Err(type_error(argument, format!("`{id}` is not a media id")));
    }
    Ok(())
}

/// One entry of `mediaBatch`'s `media`: an id, or a media object read with `mediaType` and
/// `mediaProductType`, whose kind needs no call.
fn batch_entry(
    index: usize,
    entry: Either<String, MediaKey>,
) -> napi::Result<(MediaId, Option<MediaInsightKind>)> {
    let argument = format!("media[{index}]");
    match entry {
        Either::A(id) => {
            path_safe_id(&argument, &id)?;
            Ok((MediaId::new(id), None))
        }
        Either::B(media) => {
            path_safe_id(&format!("{argument}.id"), &media.id)?;
            let kind = kind_of(
                media.media_type.as_deref(),
                media.media_product_type.as_deref(),
            );
            Ok((MediaId::new(media.id), kind))
        }
    }
}

fn unknown_kind() -> Error {
    Error::InvalidInput {
        field: "media",
        reason: "the media's kind (media_type, media_product_type) is unknown".to_owned(),
    }
}

/// The kinds of media read without them: one batch of
/// `GET {id}?fields=media_type,media_product_type`.
async fn resolve_kinds(
    graph: &Graph<'_>,
    entries: Vec<(MediaId, Option<MediaInsightKind>)>,
) -> instagraph::Result<Vec<(MediaId, std::result::Result<MediaInsightKind, Error>)>> {
    let mut batch = graph.batch();
    let mut slots: Vec<Option<BatchSlot<MediaModel>>> = Vec::with_capacity(entries.len());
    for (id, kind) in &entries {
        let slot = match kind {
            Some(_) => None,
            None => Some(
                batch.request(
                    graph
                        .media(id.clone())
                        .get()
                        .fields(["media_type", "media_product_type"]),
                )?,
            ),
        };
        slots.push(slot);
    }
    let mut results = if batch.is_empty() {
        None
    } else {
        Some(batch.send().await?)
    };
    Ok(entries
        .into_iter()
        .zip(slots)
        .map(|((id, kind), slot)| {
            let kind = match (kind, slot, results.as_mut()) {
                (Some(k), _, _) => Ok(k),
                (None, Some(slot), Some(results)) => results
                    .take(slot)
                    .and_then(|m| MediaInsightKind::of(&m).ok_or_else(unknown_kind)),
                _ => Err(unknown_kind()),
            };
            (id, kind)
        })
        .collect())
}

/// Appends one operation's insights as JS wants them: the body's `data`, keys in camelCase.
///
/// The body is checked to be JSON, then its `data` is copied with its keys rewritten, without
/// decoding it: the bench (bench/README.md) showed decoding ~10,000 metrics through the typed
/// `Insight` model, or even into a `serde_json::Value`, and serialising them again costing
/// more than plain `fetch` spends on the whole step.
fn push_metrics(response: &BatchResponse, out: &mut String) -> instagraph::Result<()> {
    response.json::<serde::de::IgnoredAny>()?;
    let data = top_level_member(&response.body, "data").unwrap_or("[]");
    camel_json(data, out);
    Ok(())
}

/// A batch answer without this operation's slot (the crate answers one per operation).
fn missing_result() -> Error {
    Error::Decode {
        context: Box::default(),
        message: "the batch answer has no result for this media".to_owned(),
    }
}

fn failed(id: &MediaId, err: &Error) -> Value {
    json!({ "mediaId": id.as_str(), "kind": null, "error": item_error(err) })
}

/// Insights of many media through the batch API (50 operations per request, the crate's
/// default number of requests in flight), each entry `{ mediaId, kind, metrics }` or
/// `{ mediaId, kind: null, error }`, in the order given. Every metric is checked before any
/// insights call.
async fn batch_insights(
    graph: &Graph<'_>,
    entries: Vec<(MediaId, Option<MediaInsightKind>)>,
    metrics: Option<&[Metric]>,
) -> instagraph::Result<Json> {
    let resolved = resolve_kinds(graph, entries).await?;
    let mut batch = graph.batch();
    // Per media: its batch index and kind, or the error that kept it out of the batch.
    let mut plan = Vec::with_capacity(resolved.len());
    for (id, kind) in resolved {
        let planned = match kind {
            Ok(k) => {
                let mut request = graph.media_insights(id.clone(), k);
                if let Some(list) = metrics {
                    request = request.metrics(list.iter().cloned());
                }
                Ok((batch.request(request)?.index(), k))
            }
            Err(e) => Err(e),
        };
        plan.push((id, planned));
    }
    let mut results = if batch.is_empty() {
        None
    } else {
        Some(batch.send().await?)
    };
    let mut out = String::with_capacity(plan.len() * 2048);
    out.push('[');
    for (n, (id, planned)) in plan.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let (index, kind) = match planned {
            Ok(planned) => planned,
            Err(e) => {
                out.push_str(&failed(&id, &e).to_string());
                continue;
            }
        };
        let response = results
            .as_mut()
            .and_then(|r| r.take_raw(index))
            .unwrap_or_else(|| Err(missing_result()));
        let mark = out.len();
        out.push_str(&format!(
            r#"{{"mediaId":{},"kind":"{}","metrics":"#,
            json!(id.as_str()),
            kind_name(kind)
        ));
        match response.and_then(|r| push_metrics(&r, &mut out)) {
            Ok(()) => out.push('}'),
            Err(e) => {
                out.truncate(mark);
                out.push_str(&failed(&id, &e).to_string());
            }
        }
    }
    out.push(']');
    Ok(Json::Text(out))
}

#[napi]
impl Insights {
    /// Insights of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// Account insights: `{ metrics: [{ name, period, values, totalValue, ... }], windows:
    /// [{ since, until }], rollup? }`. Everything is checked before any call (metrics, period,
    /// breakdowns, range).
    ///
    /// Core: IgUserHandler::insights
    #[napi(ts_return_type = "Promise<AccountInsightsResult>")]
    pub async fn account(
        &self,
        company_id: String,
        ig_user_id: String,
        options: AccountInsightsOptions,
    ) -> Result<Json> {
        const WHAT: &str = "Insights.account";
        guard(WHAT, async {
            let list = metrics("options.metrics", &options.metrics)?;
            let since = options
                .since
                .as_ref()
                .map(|v| time("options.since", v))
                .transpose()?;
            let until = options
                .until
                .as_ref()
                .map(|v| time("options.until", v))
                .transpose()?;
            let rollup = options
                .rollup
                .as_deref()
                .map(|g| granularity("options.rollup", g))
                .transpose()?;
            if options.concurrency == Some(0) {
                return Err(type_error("options.concurrency", "must be at least 1"));
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .insights()
                .metrics(list);
            if let Some(p) = &options.period {
                req = req.period(Period::from(word("options.period", p)?));
            }
            if let Some(t) = &options.metric_type {
                req = req.metric_type(MetricType::from(word("options.metricType", t)?));
            }
            for b in options.breakdown.iter().flatten() {
                req = req.breakdown(Breakdown::from(word("options.breakdown", b)?));
            }
            if let Some(t) = &options.timeframe {
                req = req.timeframe(Timeframe::from(word("options.timeframe", t)?));
            }
            if let Some(t) = since {
                req = req.since(t);
            }
            if let Some(t) = until {
                req = req.until(t);
            }
            if let Some(n) = options.concurrency {
                req = req.concurrency(n as usize);
            }
            let insights = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            let mut out = to_js(&insights);
            if let Some(g) = rollup {
                out["rollup"] = Value::Array(insights.rollup(g).iter().map(to_js).collect());
            }
            Ok(out)
        })
        .await
        .map(Json::from)
    }

    /// Every day metric as a series by day, week or month over `since`…`until`, ready to chart:
    /// `[{ name, aggregation, points: [{ start, end, value, days }] }]` in the order asked.
    /// `reach` and `follower_count` are rolled up from their day values; the metrics Meta gives
    /// only as totals (`views`, `accounts_engaged`, `total_interactions`, ...) are one total per
    /// bucket (`aggregation: 'Total'`, one request each, at most 93). Checked before any call.
    ///
    /// Core: AccountInsightsRequest::send_series
    #[napi(ts_return_type = "Promise<Array<Rollup>>")]
    pub async fn account_series(
        &self,
        company_id: String,
        ig_user_id: String,
        options: AccountSeriesOptions,
    ) -> Result<Json> {
        const WHAT: &str = "Insights.accountSeries";
        guard(WHAT, async {
            let list = metrics("options.metrics", &options.metrics)?;
            let since = time("options.since", &options.since)?;
            let until = time("options.until", &options.until)?;
            let by = granularity("options.by", &options.by)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .insights()
                .metrics(list)
                .since(since)
                .until(until);
            if let Some(n) = options.concurrency {
                req = req.concurrency(n as usize);
            }
            let series = req.send_series(by).await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(Value::Array(series.iter().map(to_js).collect()))
        })
        .await
        .map(Json::from)
    }

    /// A media's lifetime insights with the metrics of its kind: `{ kind, metrics }`.
    ///
    /// Core: Graph::media_insight_kind, Graph::media_insights
    #[napi(ts_return_type = "Promise<MediaInsightsResult>")]
    pub async fn media(
        &self,
        company_id: String,
        ig_user_id: String,
        media_id: String,
        options: Option<MediaInsightsOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Insights.media";
        guard(WHAT, async {
            required("mediaId", &media_id)?;
            let o = options.unwrap_or(MediaInsightsOptions {
                metrics: None,
                kind: None,
                breakdown: None,
            });
            let list = o
                .metrics
                .as_deref()
                .map(|m| metrics("options.metrics", m))
                .transpose()?;
            let given = o
                .kind
                .as_deref()
                .map(|k| kind("options.kind", k))
                .transpose()?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let id = MediaId::new(media_id);
            let k = match given {
                Some(k) => k,
                None => graph
                    .media_insight_kind(id.clone())
                    .await
                    .map_err(|e| sdk_error(WHAT, e))?,
            };
            let mut req = graph.media_insights(id, k);
            if let Some(list) = list {
                req = req.metrics(list);
            }
            for b in o.breakdown.iter().flatten() {
                req = req.breakdown(Breakdown::from(word("options.breakdown", b)?));
            }
            let insights = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(insights_js(&insights))
        })
        .await
        .map(Json::from)
    }

    /// Insights of many media through the batch API (50 per request, a few requests in
    /// flight): `media` lists ids or media objects from `Media.list`/`listAll` (their
    /// `mediaType`/`mediaProductType` tell the kind without a call). Resolves to one entry per
    /// media, in order: `{ mediaId, kind, metrics }`, or `{ mediaId, kind: null, error }` for
    /// a media that failed alone (e.g. a story with fewer than 5 viewers).
    #[napi(ts_return_type = "Promise<MediaBatchEntry[]>")]
    pub async fn media_batch(
        &self,
        company_id: String,
        ig_user_id: String,
        media: Vec<Either<String, MediaKey>>,
        options: Option<MediaBatchOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Insights.mediaBatch";
        guard(WHAT, async {
            let entries = media
                .into_iter()
                .enumerate()
                .map(|(i, v)| batch_entry(i, v))
                .collect::<napi::Result<Vec<_>>>()?;
            let list = options
                .and_then(|o| o.metrics)
                .map(|m| metrics("options.metrics", &m))
                .transpose()?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            batch_insights(&account.graph(), entries, list.as_deref())
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// Insights of the account's live stories (one batch): entries as `mediaBatch`'s.
    ///
    /// Core: IgUserMediaHandler::stories
    #[napi(ts_return_type = "Promise<MediaBatchEntry[]>")]
    pub async fn stories(&self, company_id: String, ig_user_id: String) -> Result<Json> {
        const WHAT: &str = "Insights.stories";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let page = graph
                .ig_user(account.ig().clone())
                .media()
                .stories()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let stories = page.collect_all().await.map_err(|e| sdk_error(WHAT, e))?;
            let entries = stories
                .into_iter()
                .map(|m| (m.id, Some(MediaInsightKind::Story)))
                .collect();
            batch_insights(&graph, entries, None)
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }
}
