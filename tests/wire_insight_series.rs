//! Exact wire checks (wiremock) of `send_series`: a day-by-day metric asked once as a time
//! series, the metrics Meta serves only as totals asked together once per bucket with the
//! bucket's exact range, and the answers read back as points labelled like the roll-up.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc};
use instagraph::api::insights::{Aggregation, Granularity, Metric};
use instagraph::AccessToken;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

mod wire_support;
use wire_support::{ok, query_with_token, v};

const TOKEN: &str = "EAAGtestseriestoken0WXYZ";
const IG: &str = "17841400000000001";

/// 19:00 UTC on a day of this year's first half, or of last year's when this year is not that
/// far along: a fixed date would fall out of the two years of history the builder accepts.
fn evening() -> DateTime<Utc> {
    let now = Utc::now();
    let year = if now.ordinal() > 200 {
        now.year()
    } else {
        now.year() - 1
    };
    Utc.with_ymd_and_hms(year, 3, 10, 19, 0, 0).unwrap()
}

fn graph_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

#[tokio::test]
async fn a_series_asks_the_time_series_once_and_each_days_total_with_its_range() {
    let server = MockServer::start().await;
    let until = evening();
    let since = until - TimeDelta::days(3);
    let midnight = |days: i64| {
        (until.date_naive() + TimeDelta::days(days))
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
    };
    let ts = |t: DateTime<Utc>| t.timestamp().to_string();
    // reach: one time series over the whole range, three day values.
    let reach_values: Vec<_> = (0..3)
        .map(|i| {
            let end = midnight(i - 2) + TimeDelta::hours(7);
            json!({"value": 10 + i, "end_time": graph_time(end)})
        })
        .collect();
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/insights"))))
        .and(query_with_token(
            TOKEN,
            &[
                ("metric", "reach"),
                ("period", "day"),
                ("metric_type", "time_series"),
                ("since", &ts(since)),
                ("until", &ts(until)),
            ],
        ))
        .respond_with(ok(json!({"data": [
            {"name": "reach", "period": "day", "values": reach_values}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    // views and accounts_engaged: one request per day, since/until the day's range: the first
    // starts at `since`, the last ends at `until`, the others at UTC midnights.
    let windows = [
        (since, midnight(-1)),
        (midnight(-1), midnight(0)),
        (midnight(0), until),
    ];
    for (i, (from, to)) in windows.into_iter().enumerate() {
        Mock::given(method("GET"))
            .and(path(v(&format!("{IG}/insights"))))
            .and(query_with_token(
                TOKEN,
                &[
                    ("metric", "views,accounts_engaged"),
                    ("period", "day"),
                    ("metric_type", "total_value"),
                    ("since", &ts(from)),
                    ("until", &ts(to)),
                ],
            ))
            .respond_with(ok(json!({"data": [
                {"name": "views", "period": "day", "total_value": {"value": 100 * (i + 1)}},
                {"name": "accounts_engaged", "period": "day", "total_value": {"value": i + 1}}
            ]})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = wire_support::client(&server, 1);
    let token = AccessToken::new(TOKEN);
    let series = client
        .facebook(&token)
        .ig_user(IG)
        .insights()
        .metrics([Metric::Views, Metric::Reach, Metric::AccountsEngaged])
        .since(since)
        .until(until)
        .concurrency(1)
        .send_series(Granularity::Daily)
        .await
        .expect("series");
    let day = |d: i64| until.date_naive() + TimeDelta::days(d);
    let points = |i: usize| -> Vec<(NaiveDate, f64)> {
        series[i]
            .points
            .iter()
            .map(|p| (p.start, p.value))
            .collect()
    };
    assert_eq!(series[0].name, "views");
    assert_eq!(series[0].aggregation, Aggregation::Total);
    assert_eq!(
        points(0),
        [(day(-3), 100.0), (day(-2), 200.0), (day(-1), 300.0)]
    );
    assert_eq!(series[1].name, "reach");
    assert_eq!(
        points(1),
        [(day(-3), 10.0), (day(-2), 11.0), (day(-1), 12.0)]
    );
    assert_eq!(series[2].name, "accounts_engaged");
    assert_eq!(points(2), [(day(-3), 1.0), (day(-2), 2.0), (day(-1), 3.0)]);
}
