//! Daily, weekly (ISO week) and monthly (calendar month) roll-ups of daily account insights.

use chrono::{Datelike, NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

use super::Metric;
use crate::api::models::{Insight, InsightPeriod};

/// The buckets of a roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Granularity {
    /// One point per day (the values as received, dated).
    Daily,
    /// One point per ISO week (Monday to Sunday).
    Weekly,
    /// One point per calendar month.
    Monthly,
}

/// How a metric's day values combine into a longer bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Aggregation {
    /// Additive counts (`views`, `likes`, `comments`, `shares`, `saved`, `replies`,
    /// `total_interactions`, `follows_and_unfollows`, `profile_links_taps`): the bucket is the
    /// sum of its days.
    Sum,
    /// Counts of unique accounts (`reach`, `accounts_engaged`): the bucket is the sum of the
    /// daily uniques, an upper bound of the bucket's unique accounts (an account reached on two
    /// days counts twice). Meta does not give uniques over more than a day at `period=day`.
    SumOfUniques,
    /// A level (`follower_count`): the bucket takes its last day's value, not a sum.
    Last,
    /// Meta's own total over the bucket (`metric_type=total_value`, one request per bucket:
    /// [`AccountInsightsRequest::send_series`](super::AccountInsightsRequest::send_series)),
    /// for the day metrics Meta serves only as totals (`views`, `accounts_engaged`,
    /// `total_interactions`, …): exact, an account engaged on two days of the bucket counted
    /// once.
    Total,
}

/// One bucket of a roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollupPoint {
    /// First calendar day of the bucket (a Monday for weeks, the 1st for months).
    pub start: NaiveDate,
    /// Last calendar day of the bucket (inclusive).
    pub end: NaiveDate,
    /// The combined value.
    pub value: f64,
    /// How many days of the bucket had a value (fewer than the bucket's length at the edges of
    /// the range).
    pub days: u32,
}

/// The roll-up of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RolledUpMetric {
    /// The metric name, e.g. `reach`.
    pub name: String,
    /// How its days were combined.
    pub aggregation: Aggregation,
    /// The buckets, oldest first.
    pub points: Vec<RollupPoint>,
}

/// Rolls up the `period=day` time series of `insights`; metrics without dated numeric day
/// values (totals, lifetime maps, demographics) are left out.
///
/// A daily value's `end_time` is the end of the day it covers (Meta's convention), so the value
/// belongs to the UTC date of `end_time - 1 day`: `2026-01-02T08:00:00+0000` is January 1st in
/// Meta's Pacific-time days.
pub(crate) fn rollup(insights: &[Insight], granularity: Granularity) -> Vec<RolledUpMetric> {
    insights
        .iter()
        .filter(|i| matches!(i.period, Some(InsightPeriod::Day) | None))
        .filter_map(|insight| {
            let aggregation = Metric::from(insight.name.as_str()).aggregation();
            let mut days: Vec<(NaiveDate, f64)> = insight
                .values
                .iter()
                .filter_map(|v| {
                    let end = v.end_time_parsed()?;
                    let day = (end - TimeDelta::days(1)).date_naive();
                    Some((day, v.as_f64()?))
                })
                .collect();
            if days.is_empty() {
                return None;
            }
            days.sort_by_key(|(d, _)| *d);
            Some(RolledUpMetric {
                name: insight.name.clone(),
                aggregation,
                points: bucket(&days, granularity, aggregation),
            })
        })
        .collect()
}

/// The first and last day of the bucket that holds `day`.
pub(super) fn bounds(day: NaiveDate, granularity: Granularity) -> (NaiveDate, NaiveDate) {
    match granularity {
        Granularity::Daily => (day, day),
        Granularity::Weekly => {
            let monday = day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday()));
            (monday, monday + TimeDelta::days(6))
        }
        Granularity::Monthly => {
            let first = day.with_day(1).unwrap_or(day);
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
            };
            let last = next.and_then(|n| n.pred_opt()).unwrap_or(first);
            (first, last)
        }
    }
}

fn bucket(
    days: &[(NaiveDate, f64)],
    granularity: Granularity,
    aggregation: Aggregation,
) -> Vec<RollupPoint> {
    let mut points: Vec<RollupPoint> = Vec::new();
    for &(day, value) in days {
        let (start, end) = bounds(day, granularity);
        match points.last_mut() {
            Some(p) if p.start == start => {
                p.days += 1;
                p.value = match aggregation {
                    Aggregation::Last => value,
                    Aggregation::Sum | Aggregation::SumOfUniques | Aggregation::Total => {
                        p.value + value
                    }
                };
            }
            _ => points.push(RollupPoint {
                start,
                end,
                value,
                days: 1,
            }),
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `n` daily values starting on `first` (a value per day, `value(i)`).
    fn series(name: &str, first: NaiveDate, n: i64, value: impl Fn(i64) -> i64) -> Insight {
        let values: Vec<_> = (0..n)
            .map(|i| {
                let end = first + TimeDelta::days(i + 1);
                json!({"value": value(i), "end_time": format!("{end}T08:00:00+0000")})
            })
            .collect();
        serde_json::from_value(json!({"name": name, "period": "day", "values": values})).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weekly_sums_follow_iso_weeks() {
        // 2026-01-01 is a Thursday: the first ISO bucket holds Thu..Sun (4 days).
        let reach = series("likes", date(2026, 1, 1), 14, |_| 10);
        let out = rollup(&[reach], Granularity::Weekly);
        let points = &out[0].points;
        assert_eq!(out[0].aggregation, Aggregation::Sum);
        assert_eq!(points.len(), 3);
        assert_eq!(
            (points[0].start, points[0].end),
            (date(2025, 12, 29), date(2026, 1, 4))
        );
        assert_eq!((points[0].days, points[0].value), (4, 40.0));
        assert_eq!((points[1].days, points[1].value), (7, 70.0));
        assert_eq!((points[2].days, points[2].value), (3, 30.0));
    }

    #[test]
    fn monthly_sums_and_follower_count_takes_the_last_day() {
        let likes = series("likes", date(2026, 1, 30), 5, |i| i + 1);
        let followers = series("follower_count", date(2026, 1, 30), 5, |i| 100 + i);
        let out = rollup(&[likes, followers], Granularity::Monthly);
        let likes = &out[0].points;
        assert_eq!(
            (likes[0].start, likes[0].end),
            (date(2026, 1, 1), date(2026, 1, 31))
        );
        assert_eq!((likes[0].value, likes[0].days), (3.0, 2));
        assert_eq!(
            (likes[1].start, likes[1].end),
            (date(2026, 2, 1), date(2026, 2, 28))
        );
        assert_eq!((likes[1].value, likes[1].days), (12.0, 3));
        assert_eq!(out[1].aggregation, Aggregation::Last);
        assert_eq!(out[1].points[0].value, 101.0);
        assert_eq!(out[1].points[1].value, 104.0);
    }

    #[test]
    fn daily_keeps_each_day_and_december_rolls_into_january() {
        let reach = series("reach", date(2025, 12, 31), 2, |i| 5 * (i + 1));
        let daily = rollup(std::slice::from_ref(&reach), Granularity::Daily);
        assert_eq!(daily[0].aggregation, Aggregation::SumOfUniques);
        assert_eq!(daily[0].points[0].start, date(2025, 12, 31));
        assert_eq!(daily[0].points[1].start, date(2026, 1, 1));
        let monthly = rollup(&[reach], Granularity::Monthly);
        assert_eq!(monthly[0].points[0].end, date(2025, 12, 31));
        assert_eq!(monthly[0].points.len(), 2);
    }

    #[test]
    fn totals_and_maps_are_left_out() {
        let total: Insight = serde_json::from_value(
            json!({"name":"likes","period":"day","total_value":{"value":5}}),
        )
        .unwrap();
        let map: Insight = serde_json::from_value(json!({"name":"online_followers",
            "period":"lifetime","values":[{"value":{"0":1},"end_time":"2026-01-02T08:00:00+0000"}]}))
        .unwrap();
        assert!(rollup(&[total, map], Granularity::Weekly).is_empty());
    }
}
