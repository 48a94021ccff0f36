//! Insights and messaging through the SDK against the sandbox: 90 days of daily reach from
//! three 30-day windows, totals with breakdowns, demographics, media and story insights, removed
//! metrics refused before any call; conversations, the 20 newest messages, sending inside and
//! outside the messaging window (and with the HUMAN_AGENT tag), reactions, Page conversations.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use instagraph::api::insights::{
    Aggregation, Breakdown, Granularity, MediaInsightKind, Metric, MetricType, Period, Timeframe,
};
use instagraph::api::{MessageContent, MessagingTag, Reaction};
use instagraph::{AccessToken, Client, Error, ErrorClass, RetryPolicy};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};

const ALICE: &str = "100000000000011";
const PAGE_BAKERY: &str = "100000000000101";
const IG_BAKERY: &str = "17841400000000001";

struct Env {
    sb: Sandbox,
    client: Client,
    token: AccessToken,
}

async fn env() -> Env {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let client = Client::builder()
        .app(sb.app_id(), sb.app_secret())
        .sandbox(sb.base_url())
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let token = AccessToken::new(issue(&sb, ALICE, None));
    Env { sb, client, token }
}

fn issue(sb: &Sandbox, user: &str, page: Option<&str>) -> String {
    sb.issue_token(&TokenRequest {
        user_id: user.to_owned(),
        login: Login::Facebook,
        long_lived: true,
        scopes: None,
        page_id: page.map(str::to_owned),
    })
    .expect("token")
    .access_token
}

/// The sandbox clock, read from its control endpoint.
async fn sandbox_now(sb: &Sandbox) -> DateTime<Utc> {
    let body: serde_json::Value = reqwest::get(format!("{}/__sandbox/clock", sb.base_url()))
        .await
        .expect("clock")
        .json()
        .await
        .expect("clock json");
    DateTime::parse_from_rfc3339(body["now"].as_str().expect("now"))
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// Moves the sandbox clock to the next 19:00 UTC and returns that instant: 12 hours from the
/// 07:00 UTC day boundaries of Meta's daily values, so a range ending there never straddles a
/// day boundary while the test runs.
async fn evening(sb: &Sandbox) -> DateTime<Utc> {
    let now = sandbox_now(sb).await;
    let seven_pm = NaiveTime::from_hms_opt(19, 0, 0).expect("time");
    let mut target = now.date_naive().and_time(seven_pm).and_utc();
    if target <= now {
        target += TimeDelta::days(1);
    }
    sb.advance_clock((target - now).to_std().expect("forward"));
    target
}

fn other_calls(sb: &Sandbox) -> u64 {
    sb.call_counts().get("other").copied().unwrap_or(0)
}

#[tokio::test]
async fn ninety_days_of_daily_reach_come_back_as_ninety_values_from_windowed_requests() {
    let e = env().await;
    let until = evening(&e.sb).await;
    let since = until - TimeDelta::days(90);
    let fb = e.client.facebook(&e.token);
    let before = other_calls(&e.sb);
    let insights = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metric(Metric::Reach)
        .period(Period::Day)
        .metric_type(MetricType::TimeSeries)
        .since(since)
        .until(until)
        .send()
        .await
        .expect("90 days of reach");
    assert_eq!(other_calls(&e.sb) - before, 3, "three 30-day windows");
    assert_eq!(insights.windows.len(), 3);
    let values = insights.values(&Metric::Reach);
    assert_eq!(values.len(), 90);
    let ends: Vec<DateTime<Utc>> = values
        .iter()
        .map(|v| v.end_time_parsed().expect("end_time"))
        .collect();
    assert!(ends.windows(2).all(|w| w[1] - w[0] == TimeDelta::days(1)));
    assert!(ends[0] > since && ends[89] <= until);
    assert!(values.iter().all(|v| v.as_u64().is_some_and(|n| n > 0)));

    // The last window asked alone gives the same last 30 values: the merge kept them in place.
    let last = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metric(Metric::Reach)
        .period(Period::Day)
        .since(until - TimeDelta::days(30))
        .until(until)
        .send()
        .await
        .expect("30 days");
    assert_eq!(last.values(&Metric::Reach), &values[60..]);

    let weekly = insights.rollup(Granularity::Weekly);
    let total_days: u32 = weekly[0].points.iter().map(|p| p.days).sum();
    assert_eq!(total_days, 90);
    let sum: f64 = values.iter().filter_map(|v| v.as_f64()).sum();
    let rolled: f64 = weekly[0].points.iter().map(|p| p.value).sum();
    assert_eq!(sum, rolled);
}

#[tokio::test]
async fn totals_with_breakdowns_and_demographics() {
    let e = env().await;
    let until = evening(&e.sb).await;
    let fb = e.client.facebook(&e.token);
    let likes = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metric(Metric::Likes)
        .period(Period::Day)
        .metric_type(MetricType::TotalValue)
        .breakdown(Breakdown::MediaProductType)
        .since(until - TimeDelta::days(7))
        .until(until)
        .send()
        .await
        .expect("likes");
    let total = likes
        .get(&Metric::Likes)
        .and_then(|i| i.total_value.clone())
        .expect("a total");
    let breakdown = &total.breakdowns[0];
    assert_eq!(breakdown.dimension_keys, ["media_product_type"]);
    let parts: u64 = breakdown.results.iter().filter_map(|r| r.as_u64()).sum();
    assert_eq!(Some(parts), total.as_u64());

    // 60 days of a summable total: two windows, summed.
    let long = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metric(Metric::Likes)
        .period(Period::Day)
        .metric_type(MetricType::TotalValue)
        .since(until - TimeDelta::days(60))
        .until(until)
        .send()
        .await
        .expect("60 days of likes");
    let halves = [
        (until - TimeDelta::days(60), until - TimeDelta::days(30)),
        (until - TimeDelta::days(30), until),
    ];
    let mut sum = 0;
    for (s, u) in halves {
        let part = fb
            .ig_user(IG_BAKERY)
            .insights()
            .metric(Metric::Likes)
            .period(Period::Day)
            .metric_type(MetricType::TotalValue)
            .since(s)
            .until(u)
            .send()
            .await
            .expect("30 days of likes");
        sum += part
            .get(&Metric::Likes)
            .and_then(|i| i.number())
            .expect("n") as u64;
    }
    assert_eq!(long.windows.len(), 2);
    assert_eq!(
        long.get(&Metric::Likes).and_then(|i| i.number()),
        Some(sum as f64)
    );

    let demo = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metric(Metric::FollowerDemographics)
        .period(Period::Lifetime)
        .metric_type(MetricType::TotalValue)
        .timeframe(Timeframe::ThisMonth)
        .breakdown(Breakdown::Country)
        .send()
        .await
        .expect("demographics");
    let by_country = &demo
        .get(&Metric::FollowerDemographics)
        .and_then(|i| i.total_value.clone())
        .expect("total")
        .breakdowns[0];
    assert_eq!(by_country.dimension_keys, ["country"]);
    assert!(by_country
        .results
        .iter()
        .any(|r| r.dimension_values == ["US"]));
}

#[tokio::test]
async fn removed_metrics_never_reach_the_sandbox() {
    let e = env().await;
    let fb = e.client.facebook(&e.token);
    let before = other_calls(&e.sb);
    let err = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metrics([Metric::Reach, Metric::from("impressions")])
        .period(Period::Day)
        .send()
        .await
        .expect_err("removed");
    assert!(matches!(
        err,
        Error::RemovedMetric {
            replacement: Some("views"),
            ..
        }
    ));
    assert_eq!(other_calls(&e.sb), before);
}

#[tokio::test]
async fn media_and_story_insights() {
    let e = env().await;
    let fb = e.client.facebook(&e.token);
    let media = fb
        .ig_user(IG_BAKERY)
        .media()
        .list()
        .send()
        .await
        .expect("media")
        .items;
    for m in media.iter().take(3) {
        let kind = MediaInsightKind::of(m).expect("a kind");
        let insights = fb.media_insights_for(m).send().await.expect("insights");
        assert_eq!(insights.kind, kind);
        for metric in kind.metrics() {
            assert!(insights.get(metric).is_some(), "{metric} of {kind:?}");
        }
        if kind != MediaInsightKind::Story {
            assert_eq!(
                insights.number(&Metric::Likes),
                m.like_count.map(|n| n as f64)
            );
        }
        assert_eq!(
            fb.media_insight_kind(m.id.clone()).await.expect("kind"),
            kind
        );
    }

    let seed = &e.sb.seed().engagement;
    let story = fb
        .media_insights(seed.story_many_viewers.as_str(), MediaInsightKind::Story)
        .send()
        .await
        .expect("story insights");
    assert_eq!(story.number(&Metric::Reach), Some(120.0));
    let navigation = fb
        .media_insights(seed.story_many_viewers.as_str(), MediaInsightKind::Story)
        .metrics([Metric::Navigation])
        .breakdown(Breakdown::StoryNavigationActionType)
        .send()
        .await
        .expect("navigation by action");
    let total = navigation
        .get(&Metric::Navigation)
        .and_then(|i| i.total_value.clone())
        .expect("a total");
    assert_eq!(
        total.breakdowns[0].dimension_keys,
        ["story_navigation_action_type"]
    );
    let parts: u64 = total.breakdowns[0]
        .results
        .iter()
        .filter_map(|r| r.as_u64())
        .sum();
    assert_eq!(Some(parts), total.as_u64());
    let few = fb
        .media_insights(seed.story_few_viewers.as_str(), MediaInsightKind::Story)
        .send()
        .await
        .expect_err("fewer than 5 viewers");
    assert_eq!(few.graph().map(|g| g.code), Some(10));

    // A reel metric on a story is refused before any call.
    let before = other_calls(&e.sb);
    let wrong = fb
        .media_insights(seed.story_many_viewers.as_str(), MediaInsightKind::Story)
        .metrics([Metric::IgReelsAvgWatchTime])
        .send()
        .await
        .expect_err("not a story metric");
    assert!(matches!(
        wrong,
        Error::InvalidInput {
            field: "metric",
            ..
        }
    ));
    assert_eq!(other_calls(&e.sb), before);

    // Stories keep insights 24 hours.
    e.sb.advance_clock(Duration::from_secs(25 * 3600));
    let expired = fb
        .media_insights(seed.story_many_viewers.as_str(), MediaInsightKind::Story)
        .send()
        .await
        .expect_err("expired story");
    assert_eq!(expired.graph().map(|g| g.code), Some(10));
}

#[tokio::test]
async fn conversations_and_the_twenty_newest_messages() {
    let e = env().await;
    let fb = e.client.facebook(&e.token);
    let seeded: Vec<_> =
        e.sb.seed()
            .engagement
            .conversations
            .iter()
            .filter(|c| c.ig_id == IG_BAKERY)
            .cloned()
            .collect();
    let listed = fb
        .ig_user(IG_BAKERY)
        .messages()
        .conversations()
        .send()
        .await
        .expect("conversations")
        .collect_all()
        .await
        .expect("all pages");
    assert_eq!(listed.len(), seeded.len());
    let big = seeded.iter().find(|c| c.messages > 20).expect("a long one");
    let filtered = fb
        .ig_user(IG_BAKERY)
        .messages()
        .conversations()
        .user_id(big.user_id.as_str())
        .send()
        .await
        .expect("filtered");
    assert_eq!(filtered.items.len(), 1);
    assert_eq!(filtered.items[0].id.as_str(), big.id);

    let messages = fb
        .conversation(big.id.as_str())
        .messages()
        .send()
        .await
        .expect("messages");
    assert_eq!(messages.len(), 20);
    let times: Vec<_> = messages
        .iter()
        .map(|m| m.created_time_parsed().expect("created_time"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for m in &messages {
        let from = m.from.as_ref().expect("from");
        let to = &m.to.as_ref().expect("to").data[0];
        assert!(from.id == big.user_id || from.id == IG_BAKERY);
        assert_ne!(from.id, to.id);
        assert!(m.message.as_deref().is_some_and(|t| !t.is_empty()));
    }
    let one = fb
        .message(messages[0].id.clone())
        .get()
        .await
        .expect("one message");
    assert_eq!(one, messages[0]);

    // A Page token reads the same inbox through the Page.
    let page_token = AccessToken::new(issue(&e.sb, ALICE, Some(PAGE_BAKERY)));
    let via_page = e
        .client
        .facebook(&page_token)
        .page_conversations(PAGE_BAKERY)
        .send()
        .await
        .expect("page conversations")
        .collect_all()
        .await
        .expect("all");
    assert_eq!(via_page.len(), seeded.len());
}

#[tokio::test]
async fn sending_follows_the_messaging_window() {
    let e = env().await;
    let fb = e.client.facebook(&e.token);
    let conv = |window: &str| {
        e.sb.seed()
            .engagement
            .conversations
            .iter()
            .find(|c| c.ig_id == IG_BAKERY && c.window == window)
            .cloned()
            .expect("seeded conversation")
    };
    let (open, agent, closed) = (conv("open"), conv("human_agent"), conv("closed"));
    let me = fb.ig_user(IG_BAKERY);

    let sent = me
        .messages()
        .send(
            open.user_id.as_str(),
            MessageContent::text("On its way! 🍞"),
        )
        .send()
        .await
        .expect("inside the window");
    let mid = sent.message_id.expect("message id");
    let read = fb.message(mid.clone()).get().await.expect("read back");
    assert_eq!(read.message.as_deref(), Some("On its way! 🍞"));
    assert_eq!(read.from.expect("from").id, IG_BAKERY);

    me.messages()
        .react(open.user_id.as_str(), &mid, Reaction::Love)
        .await
        .expect("react");
    let reacted = fb
        .message(mid.clone())
        .get_fields("id,reactions")
        .await
        .expect("reactions");
    assert!(reacted.extra.contains_key("reactions"));
    me.messages()
        .unreact(open.user_id.as_str(), &mid)
        .await
        .expect("unreact");
    let cleared = fb
        .message(mid.clone())
        .get_fields("id,reactions")
        .await
        .expect("reactions");
    assert!(!cleared.extra.contains_key("reactions"));

    let err = me
        .messages()
        .send(
            agent.user_id.as_str(),
            MessageContent::text("Sorry for the wait"),
        )
        .send()
        .await
        .expect_err("24 h passed");
    assert!(matches!(
        &err,
        Error::OutsideMessagingWindow { human_agent: false, recipient, .. } if *recipient == agent.user_id
    ));
    assert_eq!(err.class(), ErrorClass::PolicyBlocked);
    me.messages()
        .send(
            agent.user_id.as_str(),
            MessageContent::text("Sorry for the wait"),
        )
        .tag(MessagingTag::HumanAgent)
        .send()
        .await
        .expect("a human agent has 7 days");
    let err = me
        .messages()
        .send(closed.user_id.as_str(), MessageContent::text("Hello?"))
        .tag(MessagingTag::HumanAgent)
        .send()
        .await
        .expect_err("older than 7 days");
    assert!(matches!(
        err,
        Error::OutsideMessagingWindow {
            human_agent: true,
            ..
        }
    ));

    // A day later the open conversation is closed to untagged messages too.
    e.sb.advance_clock(Duration::from_secs(25 * 3600));
    let err = me
        .messages()
        .send(open.user_id.as_str(), MessageContent::text("Still there?"))
        .send()
        .await
        .expect_err("window closed");
    assert_eq!(err.class(), ErrorClass::PolicyBlocked);
    assert!(!format!("{err} {err:?}").contains(e.token.expose()));
}

#[tokio::test]
async fn every_day_metric_charted_by_week_the_totals_one_request_per_week() {
    let e = env().await;
    let until = evening(&e.sb).await;
    let since = until - TimeDelta::days(28);
    let fb = e.client.facebook(&e.token);
    let ask = || {
        fb.ig_user(IG_BAKERY)
            .insights()
            .metrics([Metric::Views, Metric::Reach, Metric::AccountsEngaged])
            .since(since)
            .until(until)
    };
    let before = other_calls(&e.sb);
    let weekly = ask()
        .send_series(Granularity::Weekly)
        .await
        .expect("weekly series");
    let names: Vec<&str> = weekly.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["views", "reach", "accounts_engaged"],
        "in the order asked"
    );
    let (views, reach, engaged) = (&weekly[0], &weekly[1], &weekly[2]);
    let weeks = views.points.len();
    assert!((4..=5).contains(&weeks), "{weeks} weeks");
    assert_eq!(
        other_calls(&e.sb) - before,
        1 + weeks as u64,
        "reach as one time series, views and accounts engaged together once per week"
    );
    assert_eq!(views.aggregation, Aggregation::Total);
    assert_eq!(reach.aggregation, Aggregation::SumOfUniques);
    // The totals are labelled as the roll-up labels reach's days.
    let labels = |m: &instagraph::api::insights::RolledUpMetric| -> Vec<_> {
        m.points.iter().map(|p| (p.start, p.end, p.days)).collect()
    };
    assert_eq!(labels(views), labels(reach));
    assert_eq!(labels(engaged), labels(reach));
    assert_eq!(views.points.iter().map(|p| p.days).sum::<u32>(), 28);
    assert!(views.points.iter().all(|p| p.value > 0.0));

    // The weeks' ranges make up the whole range: views (a sum) adds up to its 28-day total.
    let whole = ask()
        .period(Period::Day)
        .metric_type(MetricType::TotalValue)
        .metrics([Metric::Views])
        .send()
        .await;
    // accounts_engaged over more than 30 days is refused, but 28 days is one request.
    let whole = whole.expect("28-day totals");
    let total = whole
        .get(&Metric::Views)
        .and_then(|i| i.number())
        .expect("views total");
    assert_eq!(views.points.iter().map(|p| p.value).sum::<f64>(), total);

    // By day, reach's points are its day values.
    let daily = fb
        .ig_user(IG_BAKERY)
        .insights()
        .metrics([Metric::Reach, Metric::TotalInteractions])
        .since(until - TimeDelta::days(7))
        .until(until)
        .send_series(Granularity::Daily)
        .await
        .expect("daily series");
    assert_eq!(daily[0].points.len(), 7);
    assert_eq!(labels(&daily[0]), labels(&daily[1]));
    assert!(daily[1]
        .points
        .iter()
        .all(|p| p.days == 1 && p.start == p.end));

    // By month over 90 days: a month of 31 days is more than Meta's 30-day range, so it is
    // asked in two pieces; views add up to the same as day by day, accounts engaged becomes an
    // upper bound where a month was split.
    let quarter = |by| {
        fb.ig_user(IG_BAKERY)
            .insights()
            .metrics([Metric::Views, Metric::AccountsEngaged])
            .since(until - TimeDelta::days(90))
            .until(until)
            .send_series(by)
    };
    let monthly = quarter(Granularity::Monthly).await.expect("monthly");
    let by_day = quarter(Granularity::Daily).await.expect("daily");
    let sum = |m: &instagraph::api::insights::RolledUpMetric| -> f64 {
        m.points.iter().map(|p| p.value).sum()
    };
    assert!(monthly[0].points.len() >= 3);
    assert_eq!(sum(&monthly[0]), sum(&by_day[0]));
    assert_eq!(monthly[0].aggregation, Aggregation::Total);
    assert_eq!(monthly[1].aggregation, Aggregation::SumOfUniques);
    assert_eq!(by_day[1].aggregation, Aggregation::Total);
}

#[tokio::test]
async fn a_series_is_refused_before_any_call_when_meta_could_not_serve_it() {
    let e = env().await;
    let until = evening(&e.sb).await;
    let fb = e.client.facebook(&e.token);
    let before = other_calls(&e.sb);
    let ask = |days: i64, metrics: Vec<Metric>| {
        fb.ig_user(IG_BAKERY)
            .insights()
            .metrics(metrics)
            .since(until - TimeDelta::days(days))
            .until(until)
    };
    let field = |r: instagraph::Result<Vec<_>>| match r {
        Err(Error::InvalidInput { field, reason }) => (field, reason),
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let (f, m) = field(
        ask(200, vec![Metric::Views])
            .send_series(Granularity::Daily)
            .await,
    );
    assert_eq!(f, "since");
    assert!(m.contains("at most 93"), "{m}");
    let (f, _) = field(
        ask(7, vec![Metric::FollowerDemographics])
            .send_series(Granularity::Daily)
            .await,
    );
    assert_eq!(f, "metric");
    let (f, _) = field(
        fb.ig_user(IG_BAKERY)
            .insights()
            .metric(Metric::Views)
            .send_series(Granularity::Weekly)
            .await,
    );
    assert_eq!(f, "since");
    let (f, _) = field(
        ask(7, vec![Metric::Views])
            .breakdown(Breakdown::MediaProductType)
            .send_series(Granularity::Daily)
            .await,
    );
    assert_eq!(f, "breakdown");
    assert_eq!(other_calls(&e.sb), before, "nothing reached the sandbox");
    // A day-by-day metric has no such limit: 200 days of reach are read in 30-day windows (the
    // sandbox keeps 90 days).
    let reach = ask(200, vec![Metric::Reach])
        .send_series(Granularity::Monthly)
        .await
        .expect("200 days of reach by month");
    assert_eq!(other_calls(&e.sb) - before, 7, "seven windows");
    assert!(reach[0].points.len() >= 3);
}
