//! Every day metric of an account as a series by day, ISO week or month: the metrics Meta serves
//! day by day are read as a time series and rolled up; the others, which Meta serves only as a
//! total over a range (`views`, `accounts_engaged`, `total_interactions`, …), are read as one
//! total per bucket.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use futures::{StreamExt, TryStreamExt};

use super::rollup::{bounds, Aggregation, Granularity, RolledUpMetric, RollupPoint};
use super::{AccountInsightsRequest, InsightWindow, Metric, MetricType, Period};
use crate::api::models::Insight;
use crate::error::{Error, Result};

/// The most buckets a series of totals may have: each is one request (91 days by day fit).
pub const MAX_SERIES_BUCKETS: usize = 93;

/// One bucket of a series of totals: the days it is labelled with and the range asked for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bucket {
    start: NaiveDate,
    end: NaiveDate,
    /// Days of the bucket inside the requested range.
    days: u32,
    window: InsightWindow,
}

impl AccountInsightsRequest<'_> {
    /// Reads every metric as a series of buckets (days, ISO weeks or calendar months) over
    /// `since`…`until`, ready to chart: the metrics Meta serves day by day (`reach`,
    /// `follower_count`) are read as a time series and rolled up ([`AccountInsights::rollup`],
    /// with its [`Aggregation`]s); the day metrics Meta serves only as a total over a range
    /// (`views`, `accounts_engaged`, `total_interactions`, `likes`, …) are read as one
    /// `metric_type=total_value` request per bucket, all of them in the same request, at most
    /// [`concurrency`](Self::concurrency) at once; their points are [`Aggregation::Total`].
    ///
    /// The period is `day`; `metric_type` is chosen per metric (a value set on the builder is
    /// ignored). A bucket is labelled as [`AccountInsights::rollup`] labels days (Meta's day ends
    /// at `end_time`, so a value belongs to the day before its `end_time`), and the buckets'
    /// ranges follow one another without a gap or an overlap, so a summed metric's points add up
    /// to its total over the whole range.
    ///
    /// Refused before any call, naming the field: no `since` or `until`, a metric that is not a
    /// day metric of the account, a breakdown or timeframe, more than [`MAX_SERIES_BUCKETS`]
    /// buckets of totals (a year by day: choose weekly or monthly), and everything
    /// [`send`](Self::send) refuses.
    ///
    /// ```no_run
    /// # async fn demo(graph: instagraph::api::Graph<'_>) -> instagraph::Result<()> {
    /// use chrono::{TimeDelta, Utc};
    /// use instagraph::api::insights::{Granularity, Metric};
    /// let until = Utc::now();
    /// let weekly = graph
    ///     .ig_user("17841400000000001")
    ///     .insights()
    ///     .metrics([Metric::Reach, Metric::Views, Metric::AccountsEngaged])
    ///     .since(until - TimeDelta::days(90))
    ///     .until(until)
    ///     .send_series(Granularity::Weekly)
    ///     .await?; // reach: 3 requests rolled up; views and accounts engaged: 14 totals
    /// for metric in &weekly {
    ///     println!("{}: {} weeks", metric.name, metric.points.len());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// [`AccountInsights::rollup`]: super::AccountInsights::rollup
    pub async fn send_series(self, granularity: Granularity) -> Result<Vec<RolledUpMetric>> {
        let (Some(since), Some(until)) = (self.since, self.until) else {
            return Err(Error::invalid(
                "since",
                "a series needs both since and until",
            ));
        };
        if let Some(m) = self
            .metrics
            .iter()
            .find(|m| !m.is_daily_account_metric() && !matches!(m, Metric::Other(_)))
        {
            return Err(Error::invalid(
                "metric",
                format!("`{m}` has no day values to put in a series"),
            ));
        }
        if !self.breakdowns.is_empty() {
            return Err(Error::invalid("breakdown", "a series takes no breakdown"));
        }
        let order = self.metrics.clone();
        let (daily, totals): (Vec<Metric>, Vec<Metric>) =
            order.iter().cloned().partition(Metric::has_time_series);
        let with = |metrics: Vec<Metric>, metric_type| AccountInsightsRequest {
            metrics,
            period: Some(Period::Day),
            metric_type: Some(metric_type),
            ..self.clone()
        };
        let daily = with(daily, MetricType::TimeSeries);
        let totals = with(totals, MetricType::TotalValue);
        let buckets = buckets(since, until, granularity);
        if !totals.metrics.is_empty() {
            totals.check()?;
            totals.check_range(Utc::now())?;
            if buckets.len() > MAX_SERIES_BUCKETS {
                return Err(Error::invalid(
                    "since",
                    format!(
                        "{} {} buckets between since and until; a series of totals (one request \
                         each) takes at most {MAX_SERIES_BUCKETS}: choose a longer bucket or a \
                         shorter range",
                        buckets.len(),
                        granularity_name(granularity)
                    ),
                ));
            }
        }
        let mut out = if daily.metrics.is_empty() {
            Vec::new()
        } else {
            daily.send().await?.rollup(granularity)
        };
        if !totals.metrics.is_empty() {
            // Windows by value: a closure over borrowed buckets would make the future not
            // `Send` for every lifetime (rust-lang/rust#102211), which the bindings need.
            let pieces: Vec<(usize, InsightWindow)> = buckets
                .iter()
                .enumerate()
                .flat_map(|(i, b)| b.window.split().into_iter().map(move |w| (i, w)))
                .collect();
            let answers: Vec<(usize, Vec<Insight>)> = futures::stream::iter(pieces)
                .map(|(i, w)| {
                    let totals = &totals;
                    async move { Ok::<_, Error>((i, totals.fetch(Some(w)).await?)) }
                })
                .buffered(totals.concurrency)
                .try_collect()
                .await?;
            out.extend(totals_by_bucket(&totals.metrics, &buckets, &answers));
        }
        out.sort_by_key(|m| {
            order
                .iter()
                .position(|o| o.as_str() == m.name)
                .unwrap_or(usize::MAX)
        });
        Ok(out)
    }
}

fn granularity_name(granularity: Granularity) -> &'static str {
    match granularity {
        Granularity::Daily => "daily",
        Granularity::Weekly => "weekly",
        Granularity::Monthly => "monthly",
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// When Meta's days end, in hours after midnight UTC: midnight in California, 07:00 UTC in
/// summer (08:00 in winter; the sandbox uses 07:00). Only the days counted in a bucket depend
/// on it, never which values a bucket holds.
const DAY_END_HOURS: i64 = 7;

/// The buckets of `since`…`until`. A day's values end at its `end_time` (the next morning in
/// UTC), so day `d` is asked for with the range `(d + 1, d + 2]` (UTC midnights), the first
/// bucket's range starting at `since` and the last one's ending at `until`: together they are
/// exactly `since`…`until`, and hold the days whose `end_time` lies in it.
fn buckets(since: DateTime<Utc>, until: DateTime<Utc>, granularity: Granularity) -> Vec<Bucket> {
    let day = TimeDelta::days(1);
    let to_day_end = day + TimeDelta::hours(DAY_END_HOURS);
    let first = (since - to_day_end).date_naive() + day;
    let last = (until - to_day_end).date_naive();
    let mut out = Vec::new();
    let mut from = first;
    while from <= last {
        let (start, end) = bounds(from, granularity);
        let to = end.min(last);
        out.push(Bucket {
            start,
            end,
            days: u32::try_from((to - from).num_days() + 1).unwrap_or(u32::MAX),
            window: InsightWindow {
                since: if from == first {
                    since
                } else {
                    midnight(start + day)
                },
                until: if to == last {
                    until
                } else {
                    midnight(end + day + day)
                },
            },
        });
        from = end + day;
    }
    out
}

/// One [`RolledUpMetric`] per metric from the answers of the buckets' pieces (a bucket whose
/// answers lack the metric, or a number for it, has no point). A bucket asked in pieces adds its
/// pieces' totals up: exact for a count, an upper bound for unique accounts, whose metric is then
/// [`Aggregation::SumOfUniques`] instead of [`Aggregation::Total`].
fn totals_by_bucket(
    metrics: &[Metric],
    buckets: &[Bucket],
    answers: &[(usize, Vec<Insight>)],
) -> Vec<RolledUpMetric> {
    let split = answers.windows(2).any(|w| w[0].0 == w[1].0);
    metrics
        .iter()
        .map(|metric| {
            let mut points: Vec<RollupPoint> = Vec::new();
            for (i, answer) in answers {
                let Some(value) = answer
                    .iter()
                    .find(|insight| insight.name == metric.as_str())
                    .and_then(|insight| insight.total_value.as_ref()?.value.as_f64())
                else {
                    continue;
                };
                let bucket = &buckets[*i];
                match points.last_mut() {
                    Some(p) if p.start == bucket.start => p.value += value,
                    _ => points.push(RollupPoint {
                        start: bucket.start,
                        end: bucket.end,
                        value,
                        days: bucket.days,
                    }),
                }
            }
            let aggregation = if split && metric.aggregation() != Aggregation::Sum {
                Aggregation::SumOfUniques
            } else {
                Aggregation::Total
            };
            RolledUpMetric {
                name: metric.as_str().to_owned(),
                aggregation,
                points,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::insights::MAX_WINDOW_DAYS;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The buckets' ranges follow one another and make up the whole range, whatever the bucket.
    #[test]
    fn the_ranges_of_the_buckets_make_up_the_whole_range() {
        let ranges = [
            (at(2026, 3, 1, 0), at(2026, 3, 8, 0)),
            (at(2026, 2, 25, 13), at(2026, 5, 31, 9)),
            (at(2026, 12, 30, 23), at(2027, 1, 2, 1)),
        ];
        for (since, until) in ranges {
            for g in [
                Granularity::Daily,
                Granularity::Weekly,
                Granularity::Monthly,
            ] {
                let b = buckets(since, until, g);
                assert_eq!(b.first().unwrap().window.since, since, "{g:?}");
                assert_eq!(b.last().unwrap().window.until, until, "{g:?}");
                for pair in b.windows(2) {
                    assert_eq!(pair[0].window.until, pair[1].window.since, "{g:?}");
                    assert!(pair[0].end < pair[1].start, "{g:?}");
                }
            }
        }
    }

    /// Day `d` is asked for with `(d + 1, d + 2]`, where its `end_time` (07:00 or 08:00 UTC on
    /// `d + 1`) lies: the label a time series' value gets in a roll-up. A range starting after
    /// a day's end leaves that day out.
    #[test]
    fn a_day_is_asked_for_where_its_end_time_lies() {
        let b = buckets(at(2026, 3, 1, 0), at(2026, 3, 8, 0), Granularity::Daily);
        assert_eq!(b.len(), 7);
        assert_eq!(b[0].start, date(2026, 2, 28));
        assert_eq!(
            b[1].window,
            InsightWindow {
                since: at(2026, 3, 2, 0),
                until: at(2026, 3, 3, 0)
            }
        );
        assert_eq!(b[1].start, date(2026, 3, 1));
        assert!(b.iter().all(|b| b.days == 1 && b.start == b.end));
        let evening = buckets(at(2026, 3, 1, 19), at(2026, 3, 8, 19), Granularity::Daily);
        assert_eq!(evening.len(), 7);
        assert_eq!(evening[0].start, date(2026, 3, 1));
        assert_eq!(evening[6].start, date(2026, 3, 7));
    }

    #[test]
    fn weeks_and_months_are_labelled_by_their_calendar_bounds_and_count_their_days_in_range() {
        // 2026-03-04 is a Wednesday; the days are those whose end (07:00 UTC the next
        // morning) lies in the range: March 4th to 18th, January 19th to April 8th.
        let weeks = buckets(at(2026, 3, 5, 0), at(2026, 3, 20, 0), Granularity::Weekly);
        assert_eq!(
            weeks
                .iter()
                .map(|b| (b.start, b.end, b.days))
                .collect::<Vec<_>>(),
            vec![
                (date(2026, 3, 2), date(2026, 3, 8), 5),
                (date(2026, 3, 9), date(2026, 3, 15), 7),
                (date(2026, 3, 16), date(2026, 3, 22), 3),
            ]
        );
        let months = buckets(at(2026, 1, 20, 0), at(2026, 4, 10, 0), Granularity::Monthly);
        assert_eq!(
            months.iter().map(|b| (b.start, b.days)).collect::<Vec<_>>(),
            vec![
                (date(2026, 1, 1), 13),
                (date(2026, 2, 1), 28),
                (date(2026, 3, 1), 31),
                (date(2026, 4, 1), 8),
            ]
        );
    }

    #[test]
    fn ninety_days_by_day_fit_in_one_series() {
        let until = at(2026, 6, 1, 12);
        let n = buckets(until - TimeDelta::days(90), until, Granularity::Daily).len();
        assert!(n <= MAX_SERIES_BUCKETS, "{n}");
    }

    #[test]
    fn a_bucket_without_the_metric_or_a_number_has_no_point() {
        let b = buckets(at(2026, 3, 1, 0), at(2026, 3, 4, 0), Granularity::Daily);
        let answers = vec![
            (0, answer("views", 12.into())),
            (1, Vec::new()),
            (2, answer("views", "n/a".into())),
        ];
        let out = totals_by_bucket(&[Metric::Views], &b, &answers);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].aggregation, Aggregation::Total);
        assert_eq!(out[0].points.len(), 1);
        assert_eq!(
            (out[0].points[0].start, out[0].points[0].value),
            (b[0].start, 12.0)
        );
    }

    fn answer(name: &str, v: serde_json::Value) -> Vec<Insight> {
        serde_json::from_value(serde_json::json!([
            {"name": name, "period": "day", "total_value": {"value": v}}
        ]))
        .unwrap()
    }

    /// A month of 31 days is asked in two pieces of at most 30 days; a count adds up exactly,
    /// unique accounts only as an upper bound.
    #[test]
    fn a_long_month_is_asked_in_pieces_and_added_up() {
        let b = buckets(at(2026, 1, 1, 12), at(2026, 3, 1, 12), Granularity::Monthly);
        let january = b[0].window.split();
        assert_eq!(b[0].start, date(2026, 1, 1));
        assert_eq!(january.len(), 2, "{january:?}");
        assert_eq!(january[0].until, january[1].since);
        assert!(january
            .iter()
            .all(|w| w.until - w.since <= TimeDelta::days(MAX_WINDOW_DAYS)));
        assert_eq!(b[1].window.split().len(), 1, "February");
        let answers = vec![
            (0, answer("views", 5.into())),
            (0, answer("views", 7.into())),
            (1, answer("views", 3.into())),
        ];
        let views = totals_by_bucket(&[Metric::Views], &b, &answers);
        assert_eq!(views[0].aggregation, Aggregation::Total);
        let values: Vec<f64> = views[0].points.iter().map(|p| p.value).collect();
        assert_eq!(values, [12.0, 3.0]);
        let engaged = totals_by_bucket(&[Metric::AccountsEngaged], &b, &[]);
        assert_eq!(engaged[0].aggregation, Aggregation::Total);
        let answers: Vec<_> = answers
            .into_iter()
            .map(|(i, _)| (i, answer("accounts_engaged", 2.into())))
            .collect();
        let engaged = totals_by_bucket(&[Metric::AccountsEngaged], &b, &answers);
        assert_eq!(engaged[0].aggregation, Aggregation::SumOfUniques);
    }
}
