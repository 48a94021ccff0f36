//! Account and media insights on the sandbox: shapes, ranges, removed metrics, per-type
//! metric sets, stories' 24 h and 5-viewer rules.

mod support;

use instagraph_sandbox::Login;
use support::*;

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn account_time_series_shape_and_determinism() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let url = ctx.fb(&format!("{IG_BAKERY}/insights"));
    let until = now_secs();
    let since = until - 7 * 86_400;
    let (s, u) = (since.to_string(), until.to_string());
    let q = [
        ("metric", "reach,follower_count"),
        ("period", "day"),
        ("since", s.as_str()),
        ("until", u.as_str()),
    ];
    let r = ctx.get(&url, &t, &q).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let data = r.body["data"].as_array().expect("data");
    assert_eq!(data.len(), 2);
    let reach = &data[0];
    assert_eq!(reach["name"], "reach");
    assert_eq!(reach["period"], "day");
    assert_eq!(reach["id"], format!("{IG_BAKERY}/insights/reach/day"));
    assert!(reach["title"].is_string() && reach["description"].is_string());
    let values = reach["values"].as_array().expect("values");
    assert!(
        (6..=7).contains(&values.len()),
        "one value a day: {}",
        values.len()
    );
    for v in values {
        assert!(v["value"].as_u64().is_some(), "{v:?}");
        assert!(
            v["end_time"]
                .as_str()
                .unwrap_or("")
                .ends_with("T07:00:00+0000"),
            "{v:?}"
        );
    }
    assert!(r.body["paging"]["previous"]
        .as_str()
        .unwrap_or("")
        .contains("since="));
    assert!(r.body["paging"]["next"].is_string());
    // The same question gets the same numbers.
    let again = ctx.get(&url, &t, &q).await;
    assert_eq!(again.body["data"], r.body["data"]);
    // The next link works.
    let prev = r.body["paging"]["previous"]
        .as_str()
        .expect("previous")
        .to_owned();
    let p = ctx.send(ctx.http.get(prev)).await;
    assert_eq!(p.status, 200, "{:?}", p.body);
}

#[tokio::test]
async fn account_total_value_with_breakdowns() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let url = ctx.fb(&format!("{IG_BAKERY}/insights"));
    let r = ctx
        .get(&url, &t, &[("metric", "views,likes,accounts_engaged,total_interactions,comments,shares,saved,replies,follows_and_unfollows,profile_links_taps"), ("period", "day"), ("metric_type", "total_value")])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(10));
    assert!(r.body["data"][0]["total_value"]["value"].as_u64().is_some());

    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "reach"),
                ("period", "day"),
                ("metric_type", "total_value"),
                ("breakdown", "media_product_type,follow_type"),
            ],
        )
        .await;
    let tv = &r.body["data"][0]["total_value"];
    let total = tv["value"].as_u64().expect("total");
    let b = &tv["breakdowns"][0];
    assert_eq!(
        b["dimension_keys"],
        serde_json::json!(["media_product_type", "follow_type"])
    );
    let sum: u64 = b["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|x| x["value"].as_u64())
        .sum();
    assert_eq!(sum, total, "the breakdown adds up");
    assert_eq!(
        b["results"][0]["dimension_values"].as_array().map(Vec::len),
        Some(2)
    );

    // Total-only metrics without metric_type=total_value: Meta's error.
    let r = ctx
        .get(&url, &t, &[("metric", "views"), ("period", "day")])
        .await;
    assert_graph_error(&r, 400, 100, None);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("metric_type=total_value"));
    // A breakdown the metric does not take.
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "likes"),
                ("metric_type", "total_value"),
                ("breakdown", "follow_type"),
            ],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
}

#[tokio::test]
async fn ranges_removed_metrics_and_retention() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let url = ctx.fb(&format!("{IG_BAKERY}/insights"));
    let until = now_secs();
    let since = (until - 31 * 86_400).to_string();
    let u = until.to_string();
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "reach"),
                ("period", "day"),
                ("since", &since),
                ("until", &u),
            ],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("30 days"),
        "{:?}",
        r.body
    );

    for removed in [
        "impressions",
        "plays",
        "video_views",
        "profile_views",
        "website_clicks",
        "email_contacts",
        "clips_replays_count",
        "ig_reels_aggregated_all_plays_count",
    ] {
        let r = ctx
            .get(&url, &t, &[("metric", removed), ("period", "day")])
            .await;
        assert_graph_error(&r, 400, 100, None);
        let msg = r.body["error"]["message"].as_str().unwrap_or("");
        assert!(msg.contains(removed), "{removed}: {msg}");
    }
    let r = ctx
        .get(&url, &t, &[("metric", "nonsense"), ("period", "day")])
        .await;
    assert_graph_error(&r, 400, 100, None);

    // Older than 90 days: nothing.
    let until = now_secs() - 100 * 86_400;
    let (s, u) = ((until - 5 * 86_400).to_string(), until.to_string());
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "reach"),
                ("period", "day"),
                ("since", &s),
                ("until", &u),
            ],
        )
        .await;
    assert_eq!(r.body, serde_json::json!({ "data": [] }));
    // 85 days ago is still kept.
    let until = now_secs() - 85 * 86_400;
    let (s, u) = ((until - 5 * 86_400).to_string(), until.to_string());
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "reach"),
                ("period", "day"),
                ("since", &s),
                ("until", &u),
            ],
        )
        .await;
    assert!(
        r.body["data"][0]["values"]
            .as_array()
            .is_some_and(|v| !v.is_empty()),
        "{:?}",
        r.body
    );
}

#[tokio::test]
async fn online_followers_and_demographics() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let url = ctx.fb(&format!("{IG_BAKERY}/insights"));
    let r = ctx
        .get(
            &url,
            &t,
            &[("metric", "online_followers"), ("period", "lifetime")],
        )
        .await;
    let v = &r.body["data"][0]["values"][0]["value"];
    assert_eq!(v.as_object().map(|m| m.len()), Some(24), "{:?}", r.body);
    assert!(v["0"].as_u64().is_some() && v["23"].as_u64().is_some());

    for metric in ["follower_demographics", "engaged_audience_demographics"] {
        for dim in ["age", "city", "country", "gender"] {
            let r = ctx
                .get(
                    &url,
                    &t,
                    &[
                        ("metric", metric),
                        ("period", "lifetime"),
                        ("metric_type", "total_value"),
                        ("timeframe", "this_month"),
                        ("breakdown", dim),
                    ],
                )
                .await;
            assert_eq!(r.status, 200, "{metric}/{dim}: {:?}", r.body);
            let b = &r.body["data"][0]["total_value"]["breakdowns"][0];
            assert_eq!(b["dimension_keys"][0], dim);
            assert!(b["results"].as_array().is_some_and(|x| x.len() >= 3));
        }
    }
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "follower_demographics"),
                ("period", "lifetime"),
                ("metric_type", "total_value"),
                ("breakdown", "age"),
            ],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("metric", "follower_demographics"),
                ("period", "lifetime"),
                ("metric_type", "total_value"),
                ("timeframe", "last_30_days"),
                ("breakdown", "age"),
            ],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
}

#[tokio::test]
async fn insights_need_the_insights_scope() {
    let ctx = Ctx::new().await;
    let t = ctx.token(
        ALICE,
        Login::Facebook,
        true,
        Some(&["instagram_basic", "pages_show_list"]),
    );
    let r = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/insights")),
            &t,
            &[("metric", "reach"), ("period", "day")],
        )
        .await;
    assert_graph_error(&r, 400, 10, None);
    let ig = ctx.token(
        IG_TRAVELS,
        Login::Instagram,
        true,
        Some(&["instagram_business_basic"]),
    );
    let r = ctx
        .get(
            &ctx.ig(&format!("{IG_TRAVELS}/insights")),
            &ig,
            &[("metric", "reach"), ("period", "day")],
        )
        .await;
    assert_graph_error(&r, 400, 10, None);
    let ig = ctx.ig_user();
    let r = ctx
        .get(
            &ctx.ig("me/insights"),
            &ig,
            &[("metric", "reach"), ("period", "day")],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn media_of(ctx: &Ctx, t: &str, product: &str) -> String {
    let r = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/media")),
            t,
            &[("fields", "id,media_type,media_product_type")],
        )
        .await;
    r.body["data"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|m| match product {
                "CAROUSEL" => m["media_type"] == "CAROUSEL_ALBUM",
                p => m["media_product_type"] == p && m["media_type"] != "CAROUSEL_ALBUM",
            })
        })
        .and_then(|m| m["id"].as_str())
        .map(str::to_owned)
        .expect("seeded media of the kind")
}

#[tokio::test]
async fn media_insights_per_type() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let feed = media_of(&ctx, &t, "FEED").await;
    let reel = media_of(&ctx, &t, "REELS").await;
    let album = media_of(&ctx, &t, "CAROUSEL").await;
    let get = |id: String, metric: &'static str| {
        let (ctx, t) = (&ctx, t.clone());
        async move {
            ctx.get(
                &ctx.fb(&format!("{id}/insights")),
                &t,
                &[("metric", metric)],
            )
            .await
        }
    };
    let r = get(feed.clone(), "reach,views,likes,comments,shares,saved,total_interactions,follows,profile_visits,profile_activity").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let first = &r.body["data"][0];
    assert_eq!(first["period"], "lifetime");
    assert_eq!(first["id"], format!("{feed}/insights/reach/lifetime"));
    assert!(first["values"][0]["value"].as_u64().is_some());
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(10));
    assert_eq!(get(album.clone(), "reach,saved").await.status, 200);
    let r = get(
        reel.clone(),
        "reach,views,ig_reels_avg_watch_time,ig_reels_video_view_total_time",
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A metric of another type: code 100.
    assert_graph_error(
        &get(feed.clone(), "ig_reels_avg_watch_time").await,
        400,
        100,
        None,
    );
    assert_graph_error(&get(reel.clone(), "navigation").await, 400, 100, None);
    assert_graph_error(&get(reel, "plays").await, 400, 100, None);
    // Breakdown of profile_activity.
    let r = ctx
        .get(
            &ctx.fb(&format!("{feed}/insights")),
            &t,
            &[("metric", "profile_activity"), ("breakdown", "action_type")],
        )
        .await;
    assert_eq!(
        r.body["data"][0]["total_value"]["breakdowns"][0]["dimension_keys"][0], "action_type",
        "{:?}",
        r.body
    );
}

#[tokio::test]
async fn story_insights_rules() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let seed = ctx.sb.seed().engagement.clone();
    let url = |id: &str| ctx.fb(&format!("{id}/insights"));
    let r = ctx
        .get(
            &url(&seed.story_many_viewers),
            &t,
            &[("metric", "reach,replies,navigation,views")],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["data"][0]["values"][0]["value"], 120);
    let r = ctx
        .get(
            &url(&seed.story_many_viewers),
            &t,
            &[
                ("metric", "navigation"),
                ("breakdown", "story_navigation_action_type"),
            ],
        )
        .await;
    assert!(
        r.body["data"][0]["total_value"]["breakdowns"].is_array(),
        "{:?}",
        r.body
    );
    assert_graph_error(
        &ctx.get(&url(&seed.story_many_viewers), &t, &[("metric", "likes")])
            .await,
        400,
        100,
        None,
    );

    // Fewer than 5 viewers: code 10; with more it answers.
    let r = ctx
        .get(&url(&seed.story_few_viewers), &t, &[("metric", "reach")])
        .await;
    assert_graph_error(&r, 400, 10, None);
    ctx.sb.set_story_viewers(&seed.story_few_viewers, 5);
    assert_eq!(
        ctx.get(&url(&seed.story_few_viewers), &t, &[("metric", "reach")])
            .await
            .status,
        200
    );

    // After 24 h the story is gone and its insights answer code 10.
    ctx.advance(24 * 3600).await;
    let r = ctx
        .get(&url(&seed.story_many_viewers), &t, &[("metric", "reach")])
        .await;
    assert_graph_error(&r, 400, 10, None);
    let stories = ctx
        .get(&ctx.fb(&format!("{IG_CLIENT}/stories")), &t, &[])
        .await;
    assert_eq!(stories.body, serde_json::json!({ "data": [] }));
}
