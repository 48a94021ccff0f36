//! Managing published media (delete, the comment switch), call accounting, and the extra
//! load-test accounts.

mod support;

use instagraph_sandbox::{Login, SandboxConfig, TokenRequest};
use support::*;

#[tokio::test]
async fn delete_media_and_refuse_carousel_children() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/a.jpg")],
        )
        .await;
    let post = ctx.published(IG_BAKERY, &t, &c).await;
    let count = ctx.sb.media_count(IG_BAKERY);

    // Needs instagram_manage_contents on Facebook Login.
    let no_contents = ctx.token(
        ALICE,
        Login::Facebook,
        true,
        Some(&[
            "instagram_basic",
            "instagram_content_publish",
            "pages_show_list",
        ]),
    );
    let del = |token: String, id: String| {
        let ctx = &ctx;
        async move {
            let proof = ctx.sb.appsecret_proof(&token);
            ctx.send(ctx.http.delete(ctx.fb(&id)).query(&[
                ("access_token", token.as_str()),
                ("appsecret_proof", proof.as_str()),
            ]))
            .await
        }
    };
    assert_graph_error(&del(no_contents, post.clone()).await, 400, 10, None);
    // Someone else's media does not exist for them.
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    assert_graph_error(&del(bob, post.clone()).await, 400, 100, Some(33));

    let r = del(t.clone(), post.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body,
        serde_json::json!({ "success": true, "deleted_id": post })
    );
    assert_eq!(ctx.sb.media_count(IG_BAKERY), count - 1);
    assert!(!ctx
        .edge_ids(&format!("{IG_BAKERY}/media"), &t)
        .await
        .contains(&post));
    assert_graph_error(&ctx.media(&post, &t, "id").await, 400, 100, Some(33));
    assert_graph_error(&del(t.clone(), post.clone()).await, 400, 100, Some(33));
    // The container still knows it was published; it is not published again.
    assert_eq!(ctx.status_code(&c, &t).await, "PUBLISHED");
    assert_graph_error(&ctx.publish(IG_BAKERY, &t, &c).await, 400, 9007, None);

    // Carousel children cannot be deleted alone; deleting the carousel takes them along.
    let mut items = Vec::new();
    for n in 0..2 {
        items.push(
            ctx.container(
                IG_BAKERY,
                &t,
                &[
                    ("image_url", &format!("https://img.example.com/{n}.jpg")),
                    ("is_carousel_item", "true"),
                ],
            )
            .await,
        );
    }
    let parent = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("media_type", "CAROUSEL"), ("children", &items.join(","))],
        )
        .await;
    let album = ctx.published(IG_BAKERY, &t, &parent).await;
    let kids = ctx.edge_ids(&format!("{album}/children"), &t).await;
    let r = del(t.clone(), kids[0].clone()).await;
    assert_graph_error(&r, 400, 100, Some(2207073));
    assert_eq!(ctx.media(&kids[0], &t, "id").await.status, 200);
    assert_eq!(del(t.clone(), album.clone()).await.status, 200);
    assert_graph_error(&ctx.media(&kids[1], &t, "id").await, 400, 100, Some(33));

    // Instagram Login: instagram_business_content_publish.
    let ig = ctx.ig_user();
    let c = ctx
        .post(
            &ctx.ig("me/media"),
            &ig,
            &[("image_url", "https://img.example.com/ig.jpg")],
        )
        .await;
    let c = c.body["id"].as_str().expect("id").to_owned();
    let r = ctx
        .post(&ctx.ig("me/media_publish"), &ig, &[("creation_id", &c)])
        .await;
    let media = r.body["id"].as_str().expect("media").to_owned();
    let proof = ctx.sb.appsecret_proof(&ig);
    let r = ctx
        .send(ctx.http.delete(ctx.ig(&media)).query(&[
            ("access_token", ig.as_str()),
            ("appsecret_proof", proof.as_str()),
        ]))
        .await;
    assert_eq!(r.body["deleted_id"], media.as_str());
}

#[tokio::test]
async fn comment_switch_is_reflected() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[
                ("media_type", "REELS"),
                ("video_url", "https://cdn.example.com/r.mp4"),
            ],
        )
        .await;
    let id = ctx.published(IG_BAKERY, &t, &c).await;
    let r = ctx
        .post(&ctx.fb(&id), &t, &[("comment_enabled", "false")])
        .await;
    assert_eq!(r.body, serde_json::json!({ "success": true }));
    assert_eq!(
        ctx.media(&id, &t, "is_comment_enabled").await.body["is_comment_enabled"],
        false
    );
    ctx.post(&ctx.fb(&id), &t, &[("comment_enabled", "true")])
        .await;
    assert_eq!(
        ctx.media(&id, &t, "is_comment_enabled").await.body["is_comment_enabled"],
        true
    );
    assert_graph_error(
        &ctx.post(&ctx.fb(&id), &t, &[("comment_enabled", "perhaps")])
            .await,
        400,
        100,
        None,
    );
}

#[tokio::test]
async fn calls_are_counted_by_endpoint_kind() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    ctx.sb.reset_call_counts();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/a.jpg")],
        )
        .await;
    ctx.status_code(&c, &t).await;
    ctx.status_code(&c, &t).await;
    ctx.get(
        &ctx.fb(&format!("{IG_BAKERY}/content_publishing_limit")),
        &t,
        &[],
    )
    .await;
    let id = ctx.published(IG_BAKERY, &t, &c).await;
    ctx.media(&id, &t, "id").await;
    ctx.edge_ids(&format!("{IG_BAKERY}/media"), &t).await;
    ctx.get(&ctx.fb("me"), &t, &[]).await;
    // A refused call counts too.
    ctx.publish(IG_BAKERY, &t, "404").await;
    let (_, uri) = {
        let r = ctx
            .create(
                IG_BAKERY,
                &t,
                &[("media_type", "REELS"), ("upload_type", "resumable")],
            )
            .await;
        (
            r.body["id"].as_str().expect("id").to_owned(),
            r.body["uri"].as_str().expect("uri").to_owned(),
        )
    };
    ctx.send(
        ctx.http
            .post(&uri)
            .header("Authorization", format!("OAuth {t}"))
            .header("offset", "0")
            .header("file_size", "3")
            .body(vec![1, 2, 3]),
    )
    .await;
    ctx.send(
        ctx.http
            .get(&uri)
            .header("Authorization", format!("OAuth {t}")),
    )
    .await;
    let counts = ctx.sb.call_counts();
    let n = |k: &str| counts.get(k).copied().unwrap_or(0);
    assert_eq!(n("container_create"), 2, "{counts:?}");
    assert_eq!(n("container_status"), 2, "{counts:?}");
    assert_eq!(n("publishing_limit"), 1, "{counts:?}");
    assert_eq!(n("media_publish"), 2, "{counts:?}");
    assert_eq!(n("media_get"), 1, "{counts:?}");
    assert_eq!(n("media_list"), 1, "{counts:?}");
    assert_eq!(n("upload"), 1, "{counts:?}");
    assert_eq!(n("upload_status"), 1, "{counts:?}");
    assert_eq!(n("other"), 1, "{counts:?}");
    // Control endpoints are not counted; the same numbers are served over HTTP.
    let r = ctx.send(ctx.http.get(ctx.url("__sandbox/stats"))).await;
    assert_eq!(r.body["calls"]["container_create"], 2);
    assert_eq!(r.body["total"], counts.values().sum::<u64>());
    ctx.sb.reset_call_counts();
    assert!(ctx.sb.call_counts().is_empty());
    ctx.status_code(&c, &t).await;
    let r = ctx.send(ctx.http.delete(ctx.url("__sandbox/stats"))).await;
    assert_eq!(r.body["total"], 0);
}

#[tokio::test]
async fn extra_accounts_for_load_tests() {
    let ctx = Ctx::with_config(SandboxConfig {
        extra_instagram_accounts: 10,
        app_call_budget_per_hour: 0,
        business_call_budget_per_day: 0,
        ..instant()
    })
    .await;
    let loads: Vec<_> = ctx
        .sb
        .seed()
        .instagram_accounts
        .iter()
        .filter(|a| a.username.starts_with("load."))
        .cloned()
        .collect();
    assert_eq!(loads.len(), 10);
    assert!(ctx.sb.seed().instagram_account("load.01").is_some());
    assert!(ctx.sb.seed().instagram_account("load.10").is_some());
    let alice = ctx.sb.seed().user("Alice").expect("alice");
    assert_eq!(alice.pages.len(), 3 + 10);
    let t = ctx.alice();
    // Alice's user token reaches every one; each has its own Page token and IG login.
    for a in &loads {
        let c = ctx
            .container(&a.id, &t, &[("image_url", "https://img.example.com/l.jpg")])
            .await;
        ctx.published(&a.id, &t, &c).await;
        assert_eq!(ctx.sb.published_count(&a.id), 1);
        let page = a.page_id.clone().expect("page");
        let page_token = ctx
            .sb
            .issue_token(&TokenRequest {
                user_id: ALICE.to_owned(),
                login: Login::Facebook,
                long_lived: true,
                scopes: None,
                page_id: Some(page),
            })
            .expect("page token")
            .access_token;
        let r = ctx
            .get(
                &ctx.fb(&a.id),
                &page_token,
                &[("fields", "username,media_count")],
            )
            .await;
        assert_eq!(r.body["username"], a.username.as_str());
        assert_eq!(r.body["media_count"], 1);
    }
    let ig = ctx.token(&loads[3].id, Login::Instagram, true, None);
    let r = ctx.get(&ctx.ig("me"), &ig, &[("fields", "username")]).await;
    assert_eq!(r.body["username"], "load.04");
    // Discovery pages through them.
    let r = ctx
        .get(
            &ctx.fb("me/accounts"),
            &t,
            &[
                ("fields", "id,instagram_business_account"),
                ("limit", "100"),
            ],
        )
        .await;
    assert_eq!(r.body["data"].as_array().map(Vec::len), Some(13));
}

#[tokio::test]
async fn many_publishes_stay_fast() {
    // 200 publishes over 10 accounts, sequentially, with budgets off: a coarse guard against
    // per-call scans over everything ever published.
    let ctx = Ctx::with_config(SandboxConfig {
        extra_instagram_accounts: 10,
        app_call_budget_per_hour: 0,
        business_call_budget_per_day: 0,
        publishing_quota: 100,
        ..instant()
    })
    .await;
    let t = ctx.alice();
    let ids: Vec<String> = ctx
        .sb
        .seed()
        .instagram_accounts
        .iter()
        .filter(|a| a.username.starts_with("load."))
        .map(|a| a.id.clone())
        .collect();
    let started = std::time::Instant::now();
    for n in 0..200 {
        let ig = &ids[n % ids.len()];
        let c = ctx
            .container(
                ig,
                &t,
                &[("image_url", &format!("https://img.example.com/{n}.jpg"))],
            )
            .await;
        ctx.published(ig, &t, &c).await;
    }
    let total: usize = ids.iter().map(|i| ctx.sb.published_count(i)).sum();
    assert_eq!(total, 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}
