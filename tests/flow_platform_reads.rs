//! The platform reads around an account, through the SDK against the sandbox: business
//! discovery of another seeded professional account (profile, media paged to the end), an
//! unknown username and a personal account's (both not found); the hashtag budget seeded
//! after a restart from `recently_searched_hashtags`; live media while a broadcast runs;
//! oEmbed of a seeded post; the insights metrics added since 2025.

use std::time::Duration;

use instagraph::api::insights::{MediaInsightKind, Metric, MetricType, Period};
use instagraph::api::models::MediaProductType;
use instagraph::api::HashtagBudget;
use instagraph::{AccessToken, Client, Error, IgUserId, RetryPolicy};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};

const ALICE: &str = "100000000000011";
const IG_BAKERY: &str = "17841400000000001";
const IG_BOB: &str = "17841400000000003";

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
    let token = sb
        .issue_token(&TokenRequest {
            user_id: ALICE.to_owned(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .expect("token")
        .access_token;
    Env {
        sb,
        client,
        token: AccessToken::new(token),
    }
}

#[tokio::test]
async fn business_discovery_reads_another_account_and_pages_its_media_to_the_end() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    // Usernames are matched whatever their case, as Instagram does.
    let first = me
        .business_discovery("Bob.Builds")
        .media_limit(2)
        .send()
        .await
        .expect("discovery");
    assert_eq!(first.id.as_str(), IG_BAKERY);
    let bob = &first.business_discovery;
    assert_eq!(bob.id.as_str(), IG_BOB);
    assert_eq!(bob.username.as_deref(), Some("bob.builds"));
    assert_eq!(bob.followers_count, Some(870));
    let total = bob.media_count.expect("media_count") as usize;
    let mut seen: Vec<String> = bob
        .media
        .as_ref()
        .expect("media")
        .data
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .collect();
    assert_eq!(seen.len(), 2);
    let mut cursor = first.next_media_cursor().map(str::to_owned);
    let mut calls = 1;
    while let Some(after) = cursor {
        let next = me
            .business_discovery("bob.builds")
            .fields(["id"])
            .media_fields(["id", "permalink"])
            .media_limit(2)
            .media_after(after)
            .send()
            .await
            .expect("next page");
        seen.extend(
            next.business_discovery
                .media
                .iter()
                .flat_map(|m| m.data.iter().map(|m| m.id.as_str().to_owned())),
        );
        cursor = next.next_media_cursor().map(str::to_owned);
        calls += 1;
        assert!(calls <= total + 2, "paging does not end");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (total, total));
}

#[tokio::test]
async fn unknown_and_personal_accounts_are_not_found() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    // `maya.eats` comments on the seeded media: a person, not a professional account.
    for username in ["nobody.at.all", "maya.eats"] {
        let err = me.business_discovery(username).send().await.unwrap_err();
        assert!(
            matches!(&err, Error::NotFound { id, .. } if id == username),
            "{username}: {err:?}"
        );
    }
}

#[tokio::test]
async fn the_hashtag_budget_survives_a_restart_through_recently_searched_hashtags() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let me = IgUserId::new(IG_BAKERY);
    let before_restart = HashtagBudget::new();
    for q in ["Coffee", "sourdough", "coffee"] {
        fb.ig_user(me.clone())
            .hashtags()
            .search(q, &before_restart)
            .await
            .expect("search");
    }
    assert_eq!(before_restart.used(&me), 2);
    let listed = fb
        .ig_user(me.clone())
        .hashtags()
        .recently_searched()
        .send()
        .await
        .expect("recently searched");
    let mut names: Vec<_> = listed.items.iter().filter_map(|t| t.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["coffee", "sourdough"]);

    // A new process: an empty budget, seeded from Meta's list, counts both again.
    let after_restart = HashtagBudget::new();
    let counted = fb
        .ig_user(me.clone())
        .hashtags()
        .seed_budget(&after_restart)
        .await
        .expect("seed");
    assert_eq!(counted, 2);
    assert!(after_restart.is_counted(&me, "COFFEE"));
    assert_eq!(after_restart.remaining(&me), 28);
    // Another account's list is its own.
    let travels = IgUserId::new("17841400000000002");
    assert_eq!(
        fb.ig_user(travels.clone())
            .hashtags()
            .seed_budget(&after_restart)
            .await
            .expect("seed"),
        0
    );
}

#[tokio::test]
async fn live_media_lists_a_broadcast_while_it_runs() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let live = || fb.ig_user(IgUserId::new(IG_BAKERY)).media().live().send();
    assert!(live().await.expect("live").items.is_empty());
    let started = env.sb.set_live(IG_BAKERY, true).expect("start");
    let page = live().await.expect("live");
    assert_eq!(page.items.len(), 1);
    let broadcast = &page.items[0];
    assert_eq!(broadcast.id.as_str(), started["id"].as_str().unwrap());
    assert_eq!(broadcast.media_product_type, Some(MediaProductType::Live));
    assert_eq!(broadcast.username.as_deref(), Some("alice.bakery"));
    // Bob's account is not live.
    let bob_token = env
        .sb
        .issue_token(&TokenRequest {
            user_id: "100000000000012".to_owned(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .expect("token")
        .access_token;
    let bob_token = AccessToken::new(bob_token);
    let bob = env.client.facebook(&bob_token);
    assert!(bob
        .ig_user(IgUserId::new(IG_BOB))
        .media()
        .live()
        .send()
        .await
        .expect("bob live")
        .items
        .is_empty());
    env.sb.set_live(IG_BAKERY, false).expect("end");
    assert!(live().await.expect("live").items.is_empty());
}

#[tokio::test]
async fn oembed_embeds_a_seeded_post_with_the_app_token() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let media = fb
        .ig_user(IgUserId::new(IG_BAKERY))
        .media()
        .list()
        .limit(5)
        .send()
        .await
        .expect("media");
    let post = media
        .items
        .iter()
        .find(|m| m.media_product_type != Some(MediaProductType::Story))
        .expect("a post");
    let permalink = post.permalink.clone().expect("permalink");
    let embed = env
        .client
        .oembed(&permalink)
        .max_width(400)
        .omit_script(true)
        .send()
        .await
        .expect("oembed");
    assert!(embed.html.contains(&permalink), "{}", embed.html);
    assert!(!embed.html.contains("embed.js"), "omitscript");
    assert_eq!(embed.width, Some(400));
    assert_eq!(embed.provider_name.as_deref(), Some("Instagram"));
    let with_script = env.client.oembed(&permalink).send().await.expect("oembed");
    assert!(with_script.html.contains("embed.js"));
    // A post that does not exist is Meta's code 100.
    let missing = env
        .client
        .oembed("https://www.instagram.com/p/NoSuchPost/")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.graph().map(|g| g.code), Some(100), "{missing:?}");
}

#[tokio::test]
async fn the_metrics_added_since_2025_are_served_for_the_kinds_meta_documents() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let media = fb
        .ig_user(IgUserId::new(IG_BAKERY))
        .media()
        .list()
        .limit(25)
        .send()
        .await
        .expect("media")
        .items;
    let mut kinds_seen = Vec::new();
    for m in &media {
        let kind = MediaInsightKind::of(m).expect("kind");
        if kinds_seen.contains(&kind) || kind == MediaInsightKind::Story {
            continue;
        }
        kinds_seen.push(kind);
        let mut metrics = vec![Metric::Reposts, Metric::TotalLikes, Metric::TotalViews];
        if kind == MediaInsightKind::Reel {
            metrics.extend([
                Metric::ReelsSkipRate,
                Metric::CrosspostedViews,
                Metric::FacebookViews,
            ]);
        }
        let got = fb
            .media_insights_for(m)
            .metrics(metrics.clone())
            .send()
            .await
            .expect("insights");
        for metric in &metrics {
            assert!(got.number(metric).is_some(), "{metric} of {kind:?}");
        }
        if kind == MediaInsightKind::Reel {
            let rate = got.number(&Metric::ReelsSkipRate).unwrap();
            assert!((0.0..=100.0).contains(&rate), "{rate}");
        }
        assert!(
            got.number(&Metric::TotalLikes).unwrap() >= m.like_count.unwrap_or(0) as f64,
            "ads add to the organic likes"
        );
    }
    assert!(
        kinds_seen.contains(&MediaInsightKind::Reel),
        "{kinds_seen:?}"
    );
    assert!(
        kinds_seen.contains(&MediaInsightKind::Feed)
            || kinds_seen.contains(&MediaInsightKind::Carousel)
    );

    // Account reposts: a daily total.
    let until = chrono::Utc::now() - chrono::TimeDelta::days(1);
    let account = fb
        .ig_user(IgUserId::new(IG_BAKERY))
        .insights()
        .metrics([Metric::Reposts])
        .period(Period::Day)
        .metric_type(MetricType::TotalValue)
        .since(until - chrono::TimeDelta::days(7))
        .until(until)
        .send()
        .await
        .expect("account reposts");
    assert!(account
        .get(&Metric::Reposts)
        .and_then(|i| i.number())
        .is_some());
}
