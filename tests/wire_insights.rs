//! Exact wire checks (wiremock) of insights: account insights (query, decoding of series,
//! totals and breakdowns), the split of a 90-day range into 30-day windows merged in order,
//! demographics, media and story insights with the metric set of each kind, and every check
//! that refuses a request before any call.

use std::time::Duration;

use chrono::{DateTime, Datelike, TimeDelta, TimeZone, Utc};
use instagraph::api::insights::{
    Breakdown, Granularity, MediaInsightKind, Metric, MetricType, Period, Timeframe,
};
use instagraph::api::models::Media;
use instagraph::{AccessToken, Client, Error, ErrorClass};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{ok, query_with_token, v, ExactQuery};

const TOKEN: &str = "EAAGtestinsightstoken0WXYZ";
const IG: &str = "17841400000000001";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 2)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

/// January 1st, 08:00 UTC, of a year whose first 90 days are past and within the two years of
/// history Meta keeps: this year once its first quarter is over, else the year before. (A
/// fixed date would fall out of the two years and make the builders refuse it.)
fn t0() -> DateTime<Utc> {
    let now = Utc::now();
    let this_year = Utc.with_ymd_and_hms(now.year(), 1, 1, 8, 0, 0).unwrap();
    if now - this_year > TimeDelta::days(100) {
        this_year
    } else {
        Utc.with_ymd_and_hms(now.year() - 1, 1, 1, 8, 0, 0).unwrap()
    }
}

fn graph_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

/// A server that must not be called, and a client for it.
async fn silent() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    (server, c)
}

#[tokio::test]
async fn account_insights_send_every_parameter_and_decode_totals_with_breakdowns() {
    let server = MockServer::start().await;
    let since = t0();
    let until = since + TimeDelta::days(7);
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/insights"))))
        .and(query(&[
            ("metric", "likes,views"),
            ("period", "day"),
            ("metric_type", "total_value"),
            ("breakdown", "media_product_type"),
            ("since", &since.timestamp().to_string()),
            ("until", &until.timestamp().to_string()),
        ]))
        .respond_with(ok(json!({"data": [
            {"name": "likes", "period": "day", "title": "Likes", "description": "likes",
             "total_value": {"value": 42, "breakdowns": [{
                "dimension_keys": ["media_product_type"],
                "results": [
                    {"dimension_values": ["REEL"], "value": 30},
                    {"dimension_values": ["POST"], "value": 12}]}]},
             "id": format!("{IG}/insights/likes/day")},
            {"name": "views", "period": "day", "total_value": {"value": 1000}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let insights = c
        .facebook(&token)
        .ig_user(IG)
        .insights()
        .metrics([Metric::Likes, Metric::Views])
        .period(Period::Day)
        .metric_type(MetricType::TotalValue)
        .breakdown(Breakdown::MediaProductType)
        .since(since)
        .until(until)
        .send()
        .await
        .unwrap();
    assert_eq!(insights.windows.len(), 1);
    let likes = insights.get(&Metric::Likes).unwrap();
    let total = likes.total_value.as_ref().unwrap();
    assert_eq!(total.as_u64(), Some(42));
    assert_eq!(total.breakdowns[0].dimension_keys, ["media_product_type"]);
    let reel = &total.breakdowns[0].results[0];
    assert_eq!(
        (reel.dimension_values.as_slice(), reel.as_u64()),
        (&["REEL".to_string()][..], Some(30))
    );
    assert_eq!(insights.get(&Metric::Views).unwrap().number(), Some(1000.0));
    assert!(insights.get(&Metric::Reach).is_none());
}

/// `n` daily values ending on the days after `first_end - 1 day`, valued by their day index.
fn day_values(first_index: i64, n: i64) -> Vec<serde_json::Value> {
    (first_index..first_index + n)
        .map(|i| json!({"value": 100 + i, "end_time": graph_time(t0() + TimeDelta::days(i + 1))}))
        .collect()
}

#[tokio::test]
async fn ninety_days_of_daily_reach_come_from_three_windows_merged_in_order() {
    let server = MockServer::start().await;
    let since = t0();
    let until = since + TimeDelta::days(90);
    for w in 0..3i64 {
        let (ws, wu) = (
            since + TimeDelta::days(30 * w),
            since + TimeDelta::days(30 * (w + 1)),
        );
        // Windows after the first also repeat their boundary day, as Meta may.
        let mut values = day_values(30 * w, 30);
        if w > 0 {
            values.insert(0, day_values(30 * w - 1, 1).remove(0));
        }
        // The first window answers last: the merge must not depend on arrival order.
        let delay = Duration::from_millis(if w == 0 { 150 } else { 0 });
        Mock::given(method("GET"))
            .and(path(v(&format!("{IG}/insights"))))
            .and(query(&[
                ("metric", "reach"),
                ("period", "day"),
                ("metric_type", "time_series"),
                ("since", &ws.timestamp().to_string()),
                ("until", &wu.timestamp().to_string()),
            ]))
            .respond_with(
                ok(
                    json!({"data": [{"name": "reach", "period": "day", "values": values,
                    "id": format!("{IG}/insights/reach/day")}],
                    "paging": {"previous": "x", "next": "y"}}),
                )
                .set_delay(delay),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let insights = c
        .facebook(&token)
        .ig_user(IG)
        .insights()
        .metric(Metric::Reach)
        .period(Period::Day)
        .metric_type(MetricType::TimeSeries)
        .since(since)
        .until(until)
        .send()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(insights.windows.len(), 3);
    assert_eq!(insights.windows[2].until, until);
    let values = insights.values(&Metric::Reach);
    assert_eq!(values.len(), 90);
    let numbers: Vec<u64> = values.iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(numbers, (100..190).collect::<Vec<u64>>());
    let ends: Vec<_> = values
        .iter()
        .map(|v| v.end_time_parsed().unwrap())
        .collect();
    assert!(ends.windows(2).all(|w| w[1] - w[0] == TimeDelta::days(1)));

    // The merged series rolls up into weeks starting on Mondays: the first holds the days of
    // January until the first Monday.
    let weekly = insights.rollup(Granularity::Weekly);
    let points = &weekly[0].points;
    assert_eq!(points.iter().map(|p| p.days).sum::<u32>(), 90);
    let first_week = 7 - since.weekday().num_days_from_monday();
    assert_eq!(points[0].days, first_week);
    assert_eq!(points[0].value, (100..100 + first_week).sum::<u32>() as f64);
    let monthly = insights.rollup(Granularity::Monthly);
    assert_eq!(monthly[0].points.len(), 3);
    assert_eq!(monthly[0].points[0].days, 31);
}

#[tokio::test]
async fn a_window_error_fails_the_whole_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/insights"))))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "(#100) Incorrect metric", "type": "OAuthException", "code": 100,
            "fbtrace_id": "Ab1"}})))
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = c
        .facebook(&token)
        .ig_user(IG)
        .insights()
        .metric(Metric::Reach)
        .period(Period::Day)
        .since(t0())
        .until(t0() + TimeDelta::days(45))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::InvalidInput);
    assert_eq!(err.graph().unwrap().code, 100);
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn demographics_send_lifetime_timeframe_and_breakdown() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/insights"))))
        .and(query(&[
            ("metric", "follower_demographics"),
            ("period", "lifetime"),
            ("metric_type", "total_value"),
            ("timeframe", "this_month"),
            ("breakdown", "age"),
        ]))
        .respond_with(ok(json!({"data": [{"name": "follower_demographics",
            "period": "lifetime", "total_value": {"breakdowns": [{
                "dimension_keys": ["age"], "results": [
                    {"dimension_values": ["18-24"], "value": 120},
                    {"dimension_values": ["25-34"], "value": 300}]}]}}]})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let insights = c
        .instagram(&token)
        .ig_user(IG)
        .insights()
        .metric(Metric::FollowerDemographics)
        .period(Period::Lifetime)
        .metric_type(MetricType::TotalValue)
        .timeframe(Timeframe::ThisMonth)
        .breakdown(Breakdown::Age)
        .send()
        .await
        .unwrap();
    assert!(insights.windows.is_empty());
    let total = insights
        .get(&Metric::FollowerDemographics)
        .unwrap()
        .total_value
        .clone()
        .unwrap();
    let ages: Vec<(String, u64)> = total.breakdowns[0]
        .results
        .iter()
        .map(|r| (r.dimension_values[0].clone(), r.as_u64().unwrap()))
        .collect();
    assert_eq!(ages, [("18-24".into(), 120), ("25-34".into(), 300)]);
}

#[tokio::test]
async fn removed_metrics_are_refused_before_any_call_naming_views() {
    let (_server, c) = silent().await;
    let token = AccessToken::new(TOKEN);
    for name in ["impressions", "plays", "video_views", "profile_views"] {
        let err = c
            .facebook(&token)
            .ig_user(IG)
            .insights()
            .metrics([Metric::Reach, Metric::from(name)])
            .period(Period::Day)
            .send()
            .await
            .unwrap_err();
        match &err {
            Error::RemovedMetric {
                metric,
                replacement,
            } => {
                assert_eq!((metric.as_str(), *replacement), (name, Some("views")));
            }
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(err.class(), ErrorClass::InvalidInput);
        assert!(err.to_string().contains("`views`"), "{err}");
        // Parsing refuses it too, before a builder exists.
        assert!(matches!(
            name.parse::<Metric>(),
            Err(Error::RemovedMetric { .. })
        ));
    }
    let err = c
        .facebook(&token)
        .media_insights("1790001", MediaInsightKind::Reel)
        .metrics(["plays"])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::RemovedMetric {
            replacement: Some("views"),
            ..
        }
    ));
    let err = c
        .facebook(&token)
        .media_insights("1790001", MediaInsightKind::Story)
        .metrics(["taps_forward"])
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::RemovedMetric {
            replacement: Some("navigation"),
            ..
        }
    ));
}

#[tokio::test]
async fn every_account_rule_is_checked_before_any_call() {
    let (_server, c) = silent().await;
    let token = AccessToken::new(TOKEN);
    let base = || c.facebook(&token).ig_user(IG).insights();
    let cases = vec![
        ("no metric", base().period(Period::Day), "metric"),
        ("no period", base().metric(Metric::Reach), "period"),
        (
            "reach is a day metric",
            base().metric(Metric::Reach).period(Period::Lifetime),
            "period",
        ),
        (
            "online_followers is lifetime",
            base().metric(Metric::OnlineFollowers).period(Period::Day),
            "period",
        ),
        (
            "a media metric",
            base()
                .metric(Metric::IgReelsAvgWatchTime)
                .period(Period::Day),
            "metric",
        ),
        (
            "demographics need a timeframe",
            base()
                .metric(Metric::FollowerDemographics)
                .period(Period::Lifetime)
                .breakdown(Breakdown::Age),
            "timeframe",
        ),
        (
            "demographics need a breakdown",
            base()
                .metric(Metric::EngagedAudienceDemographics)
                .period(Period::Lifetime)
                .timeframe(Timeframe::ThisWeek),
            "breakdown",
        ),
        (
            "demographics take no range",
            base()
                .metric(Metric::FollowerDemographics)
                .period(Period::Lifetime)
                .timeframe(Timeframe::ThisWeek)
                .breakdown(Breakdown::City)
                .since(t0())
                .until(t0() + TimeDelta::days(1)),
            "since",
        ),
        (
            "demographics break down by demographic dimensions",
            base()
                .metric(Metric::FollowerDemographics)
                .period(Period::Lifetime)
                .timeframe(Timeframe::ThisWeek)
                .breakdown(Breakdown::MediaProductType),
            "breakdown",
        ),
        (
            "timeframe only for demographics",
            base()
                .metric(Metric::Reach)
                .period(Period::Day)
                .timeframe(Timeframe::ThisWeek),
            "timeframe",
        ),
        (
            "demographic breakdown on reach",
            base()
                .metric(Metric::Reach)
                .period(Period::Day)
                .breakdown(Breakdown::Country),
            "breakdown",
        ),
        (
            "breakdown on a time series",
            base()
                .metric(Metric::Likes)
                .period(Period::Day)
                .metric_type(MetricType::TimeSeries)
                .breakdown(Breakdown::MediaProductType),
            "breakdown",
        ),
        (
            "since after until",
            base()
                .metric(Metric::Reach)
                .period(Period::Day)
                .since(t0() + TimeDelta::days(2))
                .until(t0()),
            "since",
        ),
        (
            "an empty range",
            base()
                .metric(Metric::Reach)
                .period(Period::Day)
                .since(t0())
                .until(t0()),
            "since",
        ),
        (
            "a total of uniques over 90 days",
            base()
                .metric(Metric::Reach)
                .period(Period::Day)
                .metric_type(MetricType::TotalValue)
                .since(t0())
                .until(t0() + TimeDelta::days(90)),
            "until",
        ),
        (
            "no concurrency",
            base()
                .metric(Metric::Reach)
                .period(Period::Day)
                .concurrency(0),
            "concurrency",
        ),
        (
            "an empty metric name",
            base().metric(Metric::from("")).period(Period::Day),
            "metric",
        ),
    ];
    for (case, request, want) in cases {
        match request.send().await {
            Err(Error::InvalidInput { field, reason }) => {
                assert_eq!(field, want, "{case}: {reason}");
                assert!(!reason.is_empty());
            }
            other => panic!("{case}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_long_total_of_summable_metrics_is_summed_across_windows() {
    let server = MockServer::start().await;
    for (w, likes) in [(0i64, 10), (1, 20), (2, 5)] {
        let (ws, wu) = (
            t0() + TimeDelta::days(30 * w),
            (t0() + TimeDelta::days(30 * (w + 1))).min(t0() + TimeDelta::days(75)),
        );
        Mock::given(method("GET"))
            .and(path(v(&format!("{IG}/insights"))))
            .and(query(&[
                ("metric", "likes"),
                ("period", "day"),
                ("metric_type", "total_value"),
                ("since", &ws.timestamp().to_string()),
                ("until", &wu.timestamp().to_string()),
            ]))
            .respond_with(ok(json!({"data": [{"name": "likes", "period": "day",
                "total_value": {"value": likes}}]})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let insights = c
        .facebook(&token)
        .ig_user(IG)
        .insights()
        .metric(Metric::Likes)
        .period(Period::Day)
        .metric_type(MetricType::TotalValue)
        .since(t0())
        .until(t0() + TimeDelta::days(75))
        .concurrency(1)
        .send()
        .await
        .unwrap();
    assert_eq!(insights.windows.len(), 3);
    assert_eq!(insights.get(&Metric::Likes).unwrap().number(), Some(35.0));
}

#[tokio::test]
async fn media_insights_ask_the_metric_set_of_the_kind() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("1790001/insights")))
        .and(query(&[(
            "metric",
            "reach,views,likes,comments,shares,saved,total_interactions,ig_reels_avg_watch_time,ig_reels_video_view_total_time,reposts,reels_skip_rate",
        )]))
        .respond_with(ok(json!({"data": [
            {"name": "reach", "period": "lifetime", "values": [{"value": 321}],
             "id": "1790001/insights/reach/lifetime"},
            {"name": "ig_reels_avg_watch_time", "period": "lifetime", "values": [{"value": 5400}]}
        ]})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("1790002/insights")))
        .and(query(&[
            ("metric", "navigation,reach"),
            ("breakdown", "story_navigation_action_type"),
        ]))
        .respond_with(ok(json!({"data": [
            {"name": "navigation", "period": "lifetime", "total_value": {"value": 9,
              "breakdowns": [{"dimension_keys": ["story_navigation_action_type"],
                "results": [{"dimension_values": ["tap_forward"], "value": 6},
                            {"dimension_values": ["swipe_forward"], "value": 3}]}]}},
            {"name": "reach", "period": "lifetime", "values": [{"value": 12}]}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("1790003")))
        .and(query(&[("fields", "media_type,media_product_type")]))
        .respond_with(ok(json!({"id": "1790003", "media_type": "CAROUSEL_ALBUM",
            "media_product_type": "FEED"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = c.facebook(&token);

    let reel = fb
        .media_insights("1790001", MediaInsightKind::Reel)
        .send()
        .await
        .unwrap();
    assert_eq!(reel.kind, MediaInsightKind::Reel);
    assert_eq!(reel.number(&Metric::Reach), Some(321.0));
    assert_eq!(reel.number(&Metric::IgReelsAvgWatchTime), Some(5400.0));

    // The kind read from a Media already fetched with its type fields.
    let media: Media = serde_json::from_value(
        json!({"id": "1790001", "media_type": "VIDEO", "media_product_type": "REELS"}),
    )
    .unwrap();
    assert_eq!(MediaInsightKind::of(&media), Some(MediaInsightKind::Reel));
    fb.media_insights_for(&media).send().await.unwrap();

    let story = fb
        .media_insights("1790002", MediaInsightKind::Story)
        .metrics([Metric::Navigation, Metric::Reach])
        .breakdown(Breakdown::StoryNavigationActionType)
        .send()
        .await
        .unwrap();
    let nav = story
        .get(&Metric::Navigation)
        .unwrap()
        .total_value
        .clone()
        .unwrap();
    assert_eq!(
        nav.breakdowns[0].results[0].dimension_values,
        ["tap_forward"]
    );
    assert_eq!(story.number(&Metric::Reach), Some(12.0));

    assert_eq!(
        fb.media_insight_kind("1790003").await.unwrap(),
        MediaInsightKind::Carousel
    );
}

#[tokio::test]
async fn media_rules_are_checked_before_any_call() {
    let (_server, c) = silent().await;
    let token = AccessToken::new(TOKEN);
    let fb = c.facebook(&token);
    let cases = vec![
        (
            "a reel metric on a story",
            fb.media_insights("1", MediaInsightKind::Story)
                .metrics([Metric::IgReelsAvgWatchTime]),
            "metric",
        ),
        (
            "story navigation on a feed post",
            fb.media_insights("1", MediaInsightKind::Feed)
                .metrics([Metric::Navigation]),
            "metric",
        ),
        (
            "an account metric on a carousel",
            fb.media_insights("1", MediaInsightKind::Carousel)
                .metrics([Metric::FollowerCount]),
            "metric",
        ),
        (
            "no metric",
            fb.media_insights("1", MediaInsightKind::Feed)
                .metrics(Vec::<Metric>::new()),
            "metric",
        ),
        (
            "a demographic breakdown",
            fb.media_insights("1", MediaInsightKind::Feed)
                .breakdown(Breakdown::Gender),
            "breakdown",
        ),
        (
            "a media read without its type",
            fb.media_insights_for(&serde_json::from_value(json!({"id": "1"})).unwrap()),
            "media",
        ),
    ];
    for (case, request, want) in cases {
        match request.send().await {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, want, "{case}"),
            other => panic!("{case}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_story_with_too_few_viewers_surfaces_metas_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("1790009/insights")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "(#10) Not enough viewers for the media to show insights",
            "type": "OAuthException", "code": 10, "fbtrace_id": "Zz9"}})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = c
        .facebook(&token)
        .media_insights("1790009", MediaInsightKind::Story)
        .send()
        .await
        .unwrap_err();
    let graph = err.graph().unwrap();
    assert_eq!((graph.code, graph.fbtrace_id.as_deref()), (10, Some("Zz9")));
}
