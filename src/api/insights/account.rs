//! Account insights: `GET /{ig-user-id}/insights`, with ranges longer than Meta allows split into
//! windows that are fetched concurrently (bounded) and merged.

use chrono::{DateTime, TimeDelta, Utc};
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use super::merge::merge_windows;
use super::rollup::{rollup, Granularity, RolledUpMetric};
use super::{Aggregation, Breakdown, Metric, MetricType, Period, Timeframe};
use crate::api::ig_user::IgUserHandler;
use crate::api::models::{Insight, InsightValue, ListResponse};
use crate::api::Graph;
use crate::error::{Error, Result};
use crate::ids::IgUserId;

/// The longest `since`…`until` range one request may span (GRAPH_API.md: "A range spans at
/// most 30 days"); longer ranges are split into windows of at most this length.
pub const MAX_WINDOW_DAYS: i64 = 30;

/// How far back a range may start, in days: Meta keeps account insights about two years, so
/// an older `since` is refused before any call instead of becoming dozens of windows that can
/// only come back empty.
pub const MAX_HISTORY_DAYS: i64 = 730;

/// How far past now `until` may reach, in days (room for clocks and time zones; there is no
/// data from the future).
pub const MAX_FUTURE_DAYS: i64 = 1;

/// Window requests in flight at once by default.
pub const DEFAULT_WINDOW_CONCURRENCY: usize = 3;

impl<'a> IgUserHandler<'a> {
    /// `GET /{ig-user-id}/insights`: the account's insights. Needs `instagram_manage_insights`
    /// (Facebook Login) or `instagram_business_manage_insights` (Instagram Login).
    pub fn insights(&self) -> AccountInsightsRequest<'a> {
        AccountInsightsRequest {
            graph: self.graph,
            id: self.id.clone(),
            metrics: Vec::new(),
            period: None,
            metric_type: None,
            breakdowns: Vec::new(),
            timeframe: None,
            since: None,
            until: None,
            concurrency: DEFAULT_WINDOW_CONCURRENCY,
        }
    }
}

/// One `since`…`until` window a request covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsightWindow {
    /// Start (sent as `since`, Unix seconds).
    pub since: DateTime<Utc>,
    /// End (sent as `until`, Unix seconds).
    pub until: DateTime<Utc>,
}

impl InsightWindow {
    /// The range in windows Meta can serve, at most [`MAX_WINDOW_DAYS`] each, end to end.
    pub(super) fn split(self) -> Vec<InsightWindow> {
        let max = TimeDelta::days(MAX_WINDOW_DAYS);
        let mut out = Vec::new();
        let mut since = self.since;
        while since < self.until {
            let until = (since + max).min(self.until);
            out.push(InsightWindow { since, until });
            since = until;
        }
        out
    }
}

/// The answer of [`AccountInsightsRequest::send`]: one [`Insight`] per metric (and period), the
/// windows of a long range merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountInsights {
    /// One entry per metric, in Meta's order. Time-series values are in `end_time` order, with
    /// no `end_time` twice; `total_value`s of several windows are summed (breakdown results
    /// matched by their dimension values).
    pub metrics: Vec<Insight>,
    /// The windows requested, oldest first (empty when no `since`/`until` was given).
    pub windows: Vec<InsightWindow>,
}

impl AccountInsights {
    /// The insight of `metric`, when Meta sent it (an unavailable metric comes back empty).
    pub fn get(&self, metric: &Metric) -> Option<&Insight> {
        self.metrics.iter().find(|i| i.name == metric.as_str())
    }

    /// The time-series values of `metric` (empty when absent).
    pub fn values(&self, metric: &Metric) -> &[InsightValue] {
        self.get(metric).map(|i| i.values.as_slice()).unwrap_or(&[])
    }

    /// Rolls the `period=day` time series up by day, ISO week or calendar month. Each metric
    /// says how its days combine ([`Aggregation`]): counts are summed, `follower_count` (a
    /// level) takes its last day, `reach`/`accounts_engaged` sum daily uniques (an upper bound).
    /// Totals, lifetime maps and demographics are left out.
    pub fn rollup(&self, granularity: Granularity) -> Vec<RolledUpMetric> {
        rollup(&self.metrics, granularity)
    }
}

/// Request builder of `GET /{ig-user-id}/insights`: `ig_user(id).insights()`.
///
/// Everything is checked before any call: at least one metric, no removed metric (refused with
/// [`Error::RemovedMetric`] naming the replacement), a `period` that suits every metric (day for
/// the day metrics, lifetime for `online_followers` and demographics), demographics with a
/// `timeframe` and a demographic breakdown and no range, no breakdown on a time series, and a
/// range that Meta can serve: `since` before `until`, `since` at most [`MAX_HISTORY_DAYS`] days
/// back and `until` at most [`MAX_FUTURE_DAYS`] ahead (each refused with
/// [`Error::InvalidInput`] naming the field and the limit). Ranges longer than
/// [`MAX_WINDOW_DAYS`] are split into windows fetched concurrently (at most
/// [`DEFAULT_WINDOW_CONCURRENCY`] at once) and merged: [`MAX_HISTORY_DAYS`] bounds them to 25.
///
/// ```no_run
/// # async fn demo(graph: instagraph::api::Graph<'_>) -> instagraph::Result<()> {
/// use chrono::{TimeDelta, Utc};
/// use instagraph::api::insights::{Granularity, Metric, MetricType, Period};
/// let until = Utc::now();
/// let insights = graph
///     .ig_user("17841400000000001")
///     .insights()
///     .metrics([Metric::Reach])
///     .period(Period::Day)
///     .metric_type(MetricType::TimeSeries)
///     .since(until - TimeDelta::days(90))
///     .until(until)
///     .send()
///     .await?; // three 30-day requests, merged
/// let weekly = insights.rollup(Granularity::Weekly);
/// # let _ = weekly; Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct AccountInsightsRequest<'a> {
    pub(super) graph: Graph<'a>,
    pub(super) id: IgUserId,
    pub(super) metrics: Vec<Metric>,
    pub(super) period: Option<Period>,
    pub(super) metric_type: Option<MetricType>,
    pub(super) breakdowns: Vec<Breakdown>,
    pub(super) timeframe: Option<Timeframe>,
    pub(super) since: Option<DateTime<Utc>>,
    pub(super) until: Option<DateTime<Utc>>,
    pub(super) concurrency: usize,
}

impl AccountInsightsRequest<'_> {
    /// The metrics to read (added to those already set; duplicates are sent once).
    pub fn metrics<I, M>(mut self, metrics: I) -> Self
    where
        I: IntoIterator<Item = M>,
        M: Into<Metric>,
    {
        for m in metrics {
            let m = m.into();
            if !self.metrics.contains(&m) {
                self.metrics.push(m);
            }
        }
        self
    }

    /// One more metric.
    pub fn metric(self, metric: impl Into<Metric>) -> Self {
        self.metrics([metric.into()])
    }

    /// The `period` (required by Meta).
    pub fn period(mut self, period: Period) -> Self {
        self.period = Some(period);
        self
    }

    /// The `metric_type`: a total (with breakdowns) or a time series.
    pub fn metric_type(mut self, metric_type: MetricType) -> Self {
        self.metric_type = Some(metric_type);
        self
    }

    /// A `breakdown` dimension (several are sent comma-separated).
    pub fn breakdown(mut self, breakdown: Breakdown) -> Self {
        if !self.breakdowns.contains(&breakdown) {
            self.breakdowns.push(breakdown);
        }
        self
    }

    /// The `timeframe` of demographic metrics.
    pub fn timeframe(mut self, timeframe: Timeframe) -> Self {
        self.timeframe = Some(timeframe);
        self
    }

    /// Start of the range (sent as Unix seconds).
    pub fn since(mut self, time: DateTime<Utc>) -> Self {
        self.since = Some(time);
        self
    }

    /// End of the range (sent as Unix seconds). Give both ends for a range longer than 30 days:
    /// only a closed range can be split into windows.
    pub fn until(mut self, time: DateTime<Utc>) -> Self {
        self.until = Some(time);
        self
    }

    /// How many window requests may be in flight at once (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// Checks the request (no network) and returns the windows to fetch (one `None` window when
    /// no closed range was given).
    fn plan(&self) -> Result<Vec<Option<InsightWindow>>> {
        self.check()?;
        self.windows()
    }

    /// Every check but the range's.
    pub(super) fn check(&self) -> Result<()> {
        if self.metrics.is_empty() {
            return Err(Error::invalid("metric", "at least one metric is required"));
        }
        for m in &self.metrics {
            m.check_not_removed()?;
            if !m.is_account_metric() {
                return Err(Error::invalid(
                    "metric",
                    format!("`{m}` is a media metric; read it with graph.media_insights(..)"),
                ));
            }
        }
        let Some(period) = &self.period else {
            return Err(Error::invalid(
                "period",
                "a period is required (day for the day metrics, lifetime for online_followers and demographics)",
            ));
        };
        for m in &self.metrics {
            let wanted = if m.is_daily_account_metric() {
                Some(Period::Day)
            } else if m.is_demographic() || *m == Metric::OnlineFollowers {
                Some(Period::Lifetime)
            } else {
                None
            };
            if let Some(wanted) = wanted {
                if *period != wanted {
                    return Err(Error::invalid(
                        "period",
                        format!("`{m}` takes period={wanted}, not {period}"),
                    ));
                }
            }
        }
        if self.concurrency == 0 {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        self.check_demographics()?;
        if self.metric_type == Some(MetricType::TimeSeries) && !self.breakdowns.is_empty() {
            return Err(Error::invalid(
                "breakdown",
                "breakdowns come with metric_type=total_value, not time_series",
            ));
        }
        Ok(())
    }

    fn check_demographics(&self) -> Result<()> {
        let demographic = self.metrics.iter().any(Metric::is_demographic);
        if demographic {
            if self.timeframe.is_none() {
                return Err(Error::invalid(
                    "timeframe",
                    "demographic metrics need a timeframe (this_week or this_month)",
                ));
            }
            if self.since.is_some() || self.until.is_some() {
                return Err(Error::invalid(
                    "since",
                    "demographic metrics take a timeframe, not since/until",
                ));
            }
            if self.breakdowns.is_empty() {
                return Err(Error::invalid(
                    "breakdown",
                    "demographic metrics need a breakdown (age, city, country or gender)",
                ));
            }
            if let Some(b) = self
                .breakdowns
                .iter()
                .find(|b| !b.is_demographic() && !matches!(b, Breakdown::Other(_)))
            {
                return Err(Error::invalid(
                    "breakdown",
                    format!(
                        "demographic metrics break down by age, city, country or gender, not {b}"
                    ),
                ));
            }
        } else {
            if self.timeframe.is_some() {
                return Err(Error::invalid(
                    "timeframe",
                    "timeframe is only for follower_demographics and engaged_audience_demographics",
                ));
            }
            if let Some(b) = self.breakdowns.iter().find(|b| b.is_demographic()) {
                return Err(Error::invalid(
                    "breakdown",
                    format!(
                        "`{b}` is a demographic breakdown: only the demographic metrics take it"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Refuses a range Meta cannot serve: starting before the history it keeps, ending in the
    /// future, or backwards.
    pub(super) fn check_range(&self, now: DateTime<Utc>) -> Result<()> {
        if let Some(since) = self.since {
            let oldest = now - TimeDelta::days(MAX_HISTORY_DAYS);
            if since < oldest {
                return Err(Error::invalid(
                    "since",
                    format!(
                        "{since} is more than {MAX_HISTORY_DAYS} days back (before {oldest}); Meta keeps account insights about two years"
                    ),
                ));
            }
        }
        if let Some(until) = self.until {
            let latest = now + TimeDelta::days(MAX_FUTURE_DAYS);
            if until > latest {
                return Err(Error::invalid(
                    "until",
                    format!(
                        "{until} is more than {MAX_FUTURE_DAYS} day in the future (after {latest})"
                    ),
                ));
            }
        }
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since >= until {
                return Err(Error::invalid(
                    "since",
                    format!("since ({since}) must be before until ({until})"),
                ));
            }
        }
        Ok(())
    }

    fn windows(&self) -> Result<Vec<Option<InsightWindow>>> {
        self.check_range(Utc::now())?;
        let (since, until) = match (self.since, self.until) {
            (Some(since), Some(until)) => (since, until),
            _ => return Ok(vec![None]),
        };
        let max = TimeDelta::days(MAX_WINDOW_DAYS);
        if until - since > max && self.metric_type == Some(MetricType::TotalValue) {
            if let Some(m) = self
                .metrics
                .iter()
                .find(|m| m.aggregation() != Aggregation::Sum)
            {
                return Err(Error::invalid(
                    "until",
                    format!(
                        "a total of `{m}` over more than {MAX_WINDOW_DAYS} days cannot be built from {MAX_WINDOW_DAYS}-day totals (it is not a sum); ask for a time_series or a shorter range"
                    ),
                ));
            }
        }
        Ok(InsightWindow { since, until }
            .split()
            .into_iter()
            .map(Some)
            .collect())
    }

    pub(super) async fn fetch(&self, window: Option<InsightWindow>) -> Result<Vec<Insight>> {
        let join = |items: Vec<&str>| items.join(",");
        let breakdown = (!self.breakdowns.is_empty())
            .then(|| join(self.breakdowns.iter().map(Breakdown::as_str).collect()));
        let list: ListResponse<Insight> = self
            .graph
            .get(format!("{}/insights", self.id))
            .query(
                "metric",
                join(self.metrics.iter().map(Metric::as_str).collect()),
            )
            .query_opt(
                "period",
                self.period.as_ref().map(|p| p.as_str().to_owned()),
            )
            .query_opt(
                "metric_type",
                self.metric_type.as_ref().map(|t| t.as_str().to_owned()),
            )
            .query_opt("breakdown", breakdown)
            .query_opt(
                "timeframe",
                self.timeframe.as_ref().map(|t| t.as_str().to_owned()),
            )
            .query_opt("since", window.map(|w| w.since.timestamp().to_string()))
            .query_opt("until", window.map(|w| w.until.timestamp().to_string()))
            .query_opt(
                "since",
                self.since
                    .filter(|_| window.is_none())
                    .map(|t| t.timestamp().to_string()),
            )
            .query_opt(
                "until",
                self.until
                    .filter(|_| window.is_none())
                    .map(|t| t.timestamp().to_string()),
            )
            .send()
            .await?;
        Ok(list.data)
    }

    /// Checks the request, fetches every window and merges them.
    pub async fn send(self) -> Result<AccountInsights> {
        let plan = self.plan()?;
        let windows: Vec<InsightWindow> = plan.iter().flatten().copied().collect();
        let answers: Vec<Vec<Insight>> = futures::stream::iter(plan)
            .map(|w| self.fetch(w))
            .buffered(self.concurrency)
            .try_collect()
            .await?;
        Ok(AccountInsights {
            metrics: merge_windows(answers),
            windows,
        })
    }
}
