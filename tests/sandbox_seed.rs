//! `SandboxConfig::load_account_media`: load-test accounts seeded with many media, every one
//! readable page by page and with insights (what the Node comparison bench reads).

use futures::TryStreamExt;
use instagraph::api::insights::{MediaInsightKind, Metric};
use instagraph::{AccessToken, Client, Hosts, IgUserId};
use instagraph_sandbox::{Login, Sandbox, SandboxConfig, TokenRequest};

async fn sandbox(media: u32) -> Sandbox {
    Sandbox::builder()
        .config(SandboxConfig {
            extra_instagram_accounts: 2,
            load_account_media: media,
            app_call_budget_per_hour: 0,
            business_call_budget_per_day: 0,
            ..SandboxConfig::default()
        })
        .start()
        .await
        .expect("sandbox")
}

#[tokio::test]
async fn load_accounts_get_the_configured_media_with_insights() {
    let sb = sandbox(1_000).await;
    let load = sb
        .seed()
        .instagram_account("load.02")
        .expect("load.02")
        .clone();
    assert_eq!(load.media.len(), 1_000);
    assert_eq!(sb.media_count(&load.id), 1_000);
    // The seeded accounts keep their own media.
    let bakery = sb.seed().instagram_account("alice.bakery").expect("bakery");
    assert_eq!(bakery.media.len(), 5);

    let client = Client::builder()
        .app(sb.app_id(), sb.app_secret())
        .hosts(Hosts::sandbox(sb.base_url()))
        .build()
        .expect("client");
    let alice = sb.seed().user("Alice").expect("alice").id.clone();
    let token = AccessToken::new(
        sb.issue_token(&TokenRequest {
            user_id: alice,
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: load.page_id.clone(),
        })
        .expect("page token")
        .access_token,
    );
    let graph = client.facebook(&token);
    let first = graph
        .ig_user(IgUserId::new(load.id.clone()))
        .media()
        .list()
        .limit(100)
        .send()
        .await
        .expect("first page");
    assert_eq!(first.items.len(), 100);
    assert_eq!(first.items[0].id.as_str(), load.media[0], "newest first");
    let all: Vec<_> = first.into_stream().try_collect().await.expect("all pages");
    assert_eq!(all.len(), 1_000);
    let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        load.media.iter().map(String::as_str).collect::<Vec<_>>()
    );

    // Feed images and reels in turn, each with the insights of its kind.
    let kinds: Vec<_> = all
        .iter()
        .take(2)
        .filter_map(MediaInsightKind::of)
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&MediaInsightKind::Feed), "{kinds:?}");
    assert!(kinds.contains(&MediaInsightKind::Reel), "{kinds:?}");
    for media in all.iter().take(2) {
        let insights = graph
            .media_insights_for(media)
            .send()
            .await
            .expect("insights");
        let reach = insights.number(&Metric::Reach).expect("reach");
        assert!(reach > 0.0, "{insights:?}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn no_media_by_default() {
    let sb = sandbox(0).await;
    let load = sb.seed().instagram_account("load.01").expect("load.01");
    assert!(load.media.is_empty());
    assert_eq!(sb.media_count(&load.id), 0);
    sb.shutdown().await;
}
