//! Trial reels (`trial_params`) and collaboration invites: an invite is born when a post
//! naming a sandbox account as collaborator is published, and leaves the list once answered.

mod support;

use instagraph_sandbox::{Login, SandboxConfig};
use support::*;

#[tokio::test]
async fn trial_params_take_a_documented_strategy_on_reels_only() {
    let ctx = Ctx::with_config(SandboxConfig {
        reject_inapplicable_params: true,
        ..instant()
    })
    .await;
    let t = ctx.alice();
    let reel = |trial: &'static str| {
        vec![
            ("media_type", "REELS"),
            ("video_url", "https://cdn.example.com/r.mp4"),
            ("trial_params", trial),
        ]
    };
    for strategy in ["MANUAL", "SS_PERFORMANCE"] {
        let trial: &'static str =
            Box::leak(format!(r#"{{"graduation_strategy":"{strategy}"}}"#).into_boxed_str());
        let id = ctx.container(IG_BAKERY, &t, &reel(trial)).await;
        ctx.published(IG_BAKERY, &t, &id).await;
    }
    for bad in [r#"{"graduation_strategy":"SOMETIMES"}"#, r#"{}"#, "MANUAL"] {
        assert_graph_error(&ctx.create(IG_BAKERY, &t, &reel(bad)).await, 400, 100, None);
    }
    let on_image = ctx
        .create(
            IG_BAKERY,
            &t,
            &[
                ("image_url", "https://img.example.com/x.jpg"),
                ("trial_params", r#"{"graduation_strategy":"MANUAL"}"#),
            ],
        )
        .await;
    assert_graph_error(&on_image, 400, 100, None);
}

#[tokio::test]
async fn trial_params_elsewhere_are_ignored_by_default() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    ctx.container(
        IG_BAKERY,
        &t,
        &[
            ("image_url", "https://img.example.com/x.jpg"),
            ("trial_params", "not even json"),
        ],
    )
    .await;
}

#[tokio::test]
async fn collaboration_invites_follow_published_posts() {
    let ctx = Ctx::with_config(instant()).await;
    let alice = ctx.alice();
    let invites = ctx.fb(&format!("{IG_TRAVELS}/collaboration_invites"));
    let none = ctx.get(&invites, &alice, &[]).await;
    assert_eq!(none.status, 200, "{:?}", none.body);
    assert_eq!(none.body["data"], serde_json::json!([]));

    // alice.bakery publishes two posts inviting alice.travels (and someone outside the sandbox).
    let mut posts = Vec::new();
    for n in 0..2 {
        let url = format!("https://img.example.com/collab{n}.jpg");
        let id = ctx
            .container(
                IG_BAKERY,
                &alice,
                &[
                    ("image_url", url.as_str()),
                    ("caption", "Together"),
                    ("collaborators", r#"["alice.travels","someone.else"]"#),
                ],
            )
            .await;
        posts.push(ctx.published(IG_BAKERY, &alice, &id).await);
    }
    let listed = ctx.get(&invites, &alice, &[]).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let data = listed.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0]["media_id"], posts[1].as_str());
    assert_eq!(data[0]["media_owner_username"], "alice.bakery");
    assert_eq!(data[0]["caption"], "Together");
    assert!(data[0]["media_url"].as_str().is_some());
    // Paged like every edge; fields select.
    let first = ctx
        .get(&invites, &alice, &[("limit", "1"), ("fields", "media_id")])
        .await;
    assert_eq!(
        first.body["data"],
        serde_json::json!([{ "media_id": posts[1] }])
    );
    assert!(first.body["paging"]["cursors"]["after"].is_string());

    // Accept one, decline the other: both leave the list; a second answer is refused.
    let accept = ctx
        .post(
            &invites,
            &alice,
            &[("media_id", posts[0].as_str()), ("accept", "true")],
        )
        .await;
    assert_eq!(accept.status, 200, "{:?}", accept.body);
    assert_eq!(accept.body, serde_json::json!({ "success": true }));
    let decline = ctx
        .post(
            &invites,
            &alice,
            &[("media_id", posts[1].as_str()), ("accept", "false")],
        )
        .await;
    assert_eq!(decline.status, 200, "{:?}", decline.body);
    assert_eq!(
        ctx.get(&invites, &alice, &[]).await.body["data"],
        serde_json::json!([])
    );
    let again = ctx
        .post(
            &invites,
            &alice,
            &[("media_id", posts[0].as_str()), ("accept", "true")],
        )
        .await;
    assert_graph_error(&again, 400, 100, None);

    // Missing or malformed parameters.
    assert_graph_error(
        &ctx.post(&invites, &alice, &[("accept", "true")]).await,
        400,
        100,
        None,
    );
    assert_graph_error(
        &ctx.post(&invites, &alice, &[("media_id", posts[0].as_str())])
            .await,
        400,
        100,
        None,
    );
    assert_graph_error(
        &ctx.post(
            &invites,
            &alice,
            &[("media_id", posts[0].as_str()), ("accept", "maybe")],
        )
        .await,
        400,
        100,
        None,
    );

    // The invite is the invitee's: Bob's token cannot read alice.travels' invites.
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    let other = ctx.get(&invites, &bob, &[]).await;
    assert!(other.status >= 400, "{:?}", other.body);
}
