//! Comments, replies, moderation, mentions, tags and hashtags on the sandbox.

mod support;

use instagraph_sandbox::{Login, SandboxConfig};
use serde_json::Value;
use support::*;

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn comments_page_newest_first_capped_at_50() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let seed = &ctx.sb.seed().engagement;
    assert!(seed.many_comments_count > 50);
    let url = ctx.fb(&format!("{}/comments", seed.media_with_many_comments));
    let r = ctx
        .get(
            &url,
            &t,
            &[
                ("limit", "500"),
                ("fields", "id,text,timestamp,username,hidden"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let first = r.body["data"].as_array().expect("data").clone();
    assert_eq!(first.len(), 50, "limit is capped at 50");
    let times: Vec<&str> = first
        .iter()
        .filter_map(|c| c["timestamp"].as_str())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    assert!(
        first.iter().any(|c| c["hidden"] == true),
        "hidden comments are listed for the owner"
    );
    let next = r.body["paging"]["next"]
        .as_str()
        .expect("a next page")
        .to_owned();
    let r2 = ctx.send(ctx.http.get(&next)).await;
    assert_eq!(r2.status, 200, "{:?}", r2.body);
    let second = ids(&r2.body);
    assert_eq!(50 + second.len(), seed.many_comments_count);
    assert!(r2.body["paging"]["next"].is_null());
    let all: std::collections::HashSet<String> = ids(&r.body).into_iter().chain(second).collect();
    assert_eq!(all.len(), seed.many_comments_count, "no comment twice");
    // Media's comments_count counts replies too.
    let m = ctx
        .get(
            &ctx.fb(&seed.media_with_many_comments),
            &t,
            &[("fields", "comments_count")],
        )
        .await;
    assert_eq!(
        m.body["comments_count"].as_u64(),
        Some(ctx.sb.comment_count(&seed.media_with_many_comments) as u64)
    );
    assert!(ctx.sb.comment_count(&seed.media_with_many_comments) > seed.many_comments_count);
}

#[tokio::test]
async fn comment_fields_replies_and_nested_replies() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let media = ctx.sb.seed().engagement.media_with_many_comments.clone();
    let r = ctx
        .get(
            &ctx.fb(&format!("{media}/comments")),
            &t,
            &[("fields", "id,text,from{id,username},like_count,media{id},replies{id,text,parent_id,username}")],
        )
        .await;
    let with_replies = r.body["data"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|c| {
                c["replies"]["data"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
            })
        })
        .cloned()
        .expect("a comment with replies");
    let cid = with_replies["id"].as_str().expect("id").to_owned();
    assert_eq!(with_replies["media"]["id"], media.as_str());
    assert!(with_replies["from"]["username"].is_string());
    let reply = &with_replies["replies"]["data"][0];
    assert_eq!(reply["parent_id"], cid.as_str());

    // A reply to a reply attaches to the top-level comment.
    let rid = reply["id"].as_str().expect("reply id").to_owned();
    let made = ctx
        .post(
            &ctx.fb(&format!("{rid}/replies")),
            &t,
            &[("message", "thread reply")],
        )
        .await;
    assert_eq!(made.status, 200, "{:?}", made.body);
    let new_id = made.body["id"].as_str().expect("id").to_owned();
    let got = ctx
        .get(
            &ctx.fb(&new_id),
            &t,
            &[("fields", "id,text,parent_id,username,timestamp")],
        )
        .await;
    assert_eq!(got.body["parent_id"], cid.as_str());
    assert_eq!(got.body["text"], "thread reply");
    assert_eq!(got.body["username"], "alice.bakery");
    let listed = ctx.get(&ctx.fb(&format!("{cid}/replies")), &t, &[]).await;
    assert!(ids(&listed.body).contains(&new_id));
}

#[tokio::test]
async fn create_hide_delete_and_their_errors() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let seed = ctx.sb.seed().engagement.clone();
    let media = seed.media_with_many_comments.clone();
    let before = ctx.sb.comment_count(&media);
    let r = ctx
        .post(
            &ctx.fb(&format!("{media}/comments")),
            &t,
            &[("message", "Thanks everyone!")],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let id = r.body["id"].as_str().expect("id").to_owned();
    assert_eq!(ctx.sb.comment_count(&media), before + 1);
    let newest = ctx
        .get(&ctx.fb(&format!("{media}/comments")), &t, &[("limit", "1")])
        .await;
    assert_eq!(
        ids(&newest.body),
        vec![id.clone()],
        "the new comment comes first"
    );

    // Missing message.
    let r = ctx
        .post(&ctx.fb(&format!("{media}/comments")), &t, &[])
        .await;
    assert_graph_error(&r, 400, 100, None);

    // Hide, then replies are refused; unhide, then allowed.
    let r = ctx.post(&ctx.fb(&id), &t, &[("hide", "true")]).await;
    assert_eq!(r.body, serde_json::json!({ "success": true }));
    let hidden = ctx.get(&ctx.fb(&id), &t, &[("fields", "hidden")]).await;
    assert_eq!(hidden.body["hidden"], true);
    let r = ctx
        .post(&ctx.fb(&format!("{id}/replies")), &t, &[("message", "x")])
        .await;
    assert_graph_error(&r, 400, 100, None);
    let r = ctx.post(&ctx.fb(&id), &t, &[("hide", "false")]).await;
    assert_eq!(r.body["success"], true);
    let r = ctx
        .post(&ctx.fb(&format!("{id}/replies")), &t, &[("message", "x")])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // Another account's token cannot hide or delete: permission error 200.
    let bob = ctx.token(BOB, Login::Facebook, true, None);
    let r = ctx.post(&ctx.fb(&id), &bob, &[("hide", "true")]).await;
    assert_graph_error(&r, 400, 200, None);
    let r = ctx
        .send(ctx.http.delete(ctx.fb(&id)).query(&[
            ("access_token", bob.as_str()),
            ("appsecret_proof", &ctx.sb.appsecret_proof(&bob)),
        ]))
        .await;
    assert_graph_error(&r, 400, 200, None);
    // Bob cannot read it either.
    assert_graph_error(&ctx.get(&ctx.fb(&id), &bob, &[]).await, 400, 100, Some(33));

    // A token without the comments scope: code 10.
    let basic = ctx.token(
        ALICE,
        Login::Facebook,
        true,
        Some(&["instagram_basic", "pages_show_list"]),
    );
    let r = ctx
        .get(&ctx.fb(&format!("{media}/comments")), &basic, &[])
        .await;
    assert_graph_error(&r, 400, 10, None);

    // The owner deletes: the comment and its reply go.
    let r = ctx
        .send(ctx.http.delete(ctx.fb(&id)).query(&[
            ("access_token", t.as_str()),
            ("appsecret_proof", &ctx.sb.appsecret_proof(&t)),
        ]))
        .await;
    assert_eq!(r.body, serde_json::json!({ "success": true }));
    assert_eq!(ctx.sb.comment_count(&media), before);
    assert_graph_error(&ctx.get(&ctx.fb(&id), &t, &[]).await, 400, 100, Some(33));

    // Comments disabled on the media: refused.
    let bob_media = seed.media_comments_disabled.clone();
    let r = ctx
        .post(
            &ctx.fb(&format!("{bob_media}/comments")),
            &bob,
            &[("message", "hi")],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
    // The seeded hidden comment cannot be replied to.
    let r = ctx
        .post(
            &ctx.fb(&format!("{}/replies", seed.hidden_comment)),
            &t,
            &[("message", "x")],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);
}

#[tokio::test]
async fn comments_on_instagram_login_need_the_business_scope() {
    let ctx = Ctx::new().await;
    let t = ctx.ig_user();
    let media = ctx
        .sb
        .seed()
        .instagram_account("alice.travels")
        .expect("travels")
        .media[0]
        .clone();
    let r = ctx
        .get(&ctx.ig(&format!("{media}/comments")), &t, &[])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(!ids(&r.body).is_empty());
    let basic = ctx.token(
        IG_TRAVELS,
        Login::Instagram,
        true,
        Some(&["instagram_business_basic"]),
    );
    let r = ctx
        .get(&ctx.ig(&format!("{media}/comments")), &basic, &[])
        .await;
    assert_graph_error(&r, 400, 10, None);
}

#[tokio::test]
async fn mentions_and_tags() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let seed = ctx.sb.seed().engagement.clone();
    let fields = format!(
        "mentioned_comment.comment_id({}){{id,text,timestamp,like_count}}",
        seed.mentioned_comment
    );
    let r = ctx
        .get(&ctx.fb(IG_BAKERY), &t, &[("fields", &fields)])
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["id"], IG_BAKERY);
    assert_eq!(
        r.body["mentioned_comment"]["id"],
        seed.mentioned_comment.as_str()
    );
    assert!(r.body["mentioned_comment"]["text"]
        .as_str()
        .unwrap_or("")
        .contains("@alice.bakery"));

    let fields = format!(
        "mentioned_media.media_id({}){{id,caption,media_type,comments_count}}",
        seed.mentioned_media
    );
    let r = ctx
        .get(&ctx.fb(IG_BAKERY), &t, &[("fields", &fields)])
        .await;
    assert_eq!(
        r.body["mentioned_media"]["media_type"], "IMAGE",
        "{:?}",
        r.body
    );
    // Another account is not mentioned there.
    let r = ctx
        .get(&ctx.fb(IG_TRAVELS), &t, &[("fields", &fields)])
        .await;
    assert_graph_error(&r, 400, 100, None);

    // Reply to the mention: a reply under the mentioning comment.
    let r = ctx
        .post(
            &ctx.fb(&format!("{IG_BAKERY}/mentions")),
            &t,
            &[
                ("comment_id", &seed.mentioned_comment),
                ("media_id", &seed.mentioned_media),
                ("message", "Thank you!"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let reply = r.body["id"].as_str().expect("id").to_owned();
    let fields = format!(
        "mentioned_comment.comment_id({}){{id,replies{{id,text,username}}}}",
        seed.mentioned_comment
    );
    let r = ctx
        .get(&ctx.fb(IG_BAKERY), &t, &[("fields", &fields)])
        .await;
    let replies = &r.body["mentioned_comment"]["replies"]["data"];
    assert_eq!(replies[0]["id"], reply.as_str(), "{:?}", r.body);
    assert_eq!(replies[0]["username"], "alice.bakery");
    // Missing media_id.
    let r = ctx
        .post(
            &ctx.fb(&format!("{IG_BAKERY}/mentions")),
            &t,
            &[("message", "x")],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);

    // Tagged media, paged.
    let r = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/tags")),
            &t,
            &[
                ("limit", "3"),
                (
                    "fields",
                    "id,caption,media_type,permalink,timestamp,username",
                ),
            ],
        )
        .await;
    assert_eq!(
        r.body["data"].as_array().map(Vec::len),
        Some(3),
        "{:?}",
        r.body
    );
    assert_ne!(r.body["data"][0]["username"], "alice.bakery");
    let next = r.body["paging"]["next"].as_str().expect("next").to_owned();
    let r2 = ctx.send(ctx.http.get(next)).await;
    assert!(!ids(&r2.body).is_empty());
}

#[tokio::test]
async fn hashtag_search_media_and_recent_window() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let r = ctx
        .get(
            &ctx.fb("ig_hashtag_search"),
            &t,
            &[("user_id", IG_BAKERY), ("q", "#Love")],
        )
        .await;
    assert_eq!(
        r.body,
        serde_json::json!({ "data": [{ "id": "17843826142012701" }] })
    );
    let r = ctx
        .get(&ctx.fb("17843826142012701"), &t, &[("fields", "id,name")])
        .await;
    assert_eq!(r.body["name"], "love");
    // user_id is required.
    let r = ctx
        .get(&ctx.fb("ig_hashtag_search"), &t, &[("q", "love")])
        .await;
    assert_graph_error(&r, 400, 100, None);

    let top = ctx
        .get(
            &ctx.fb("17843826142012701/top_media"),
            &t,
            &[
                ("user_id", IG_BAKERY),
                ("limit", "100"),
                ("fields", "id,like_count,media_type,timestamp"),
            ],
        )
        .await;
    let data = top.body["data"].as_array().expect("data").clone();
    assert_eq!(data.len(), 50, "capped at 50");
    let likes: Vec<u64> = data
        .iter()
        .filter_map(|m| m["like_count"].as_u64())
        .collect();
    assert!(likes.windows(2).all(|w| w[0] >= w[1]), "most liked first");
    assert!(top.body["paging"]["next"].is_string());
    // Owner fields are not served on hashtag media.
    let r = ctx
        .get(
            &ctx.fb("17843826142012701/top_media"),
            &t,
            &[("user_id", IG_BAKERY), ("fields", "id,username")],
        )
        .await;
    assert_graph_error(&r, 400, 100, None);

    let q = [
        ("user_id", IG_BAKERY),
        ("limit", "50"),
        ("fields", "id,timestamp"),
    ];
    let url = ctx.fb("17843826142012701/recent_media");
    let r = ctx.get(&url, &t, &q).await;
    let n = r.body["data"].as_array().map_or(0, Vec::len);
    assert!(n > 0 && n < 50, "only the last 24 h: {n}");
    ctx.advance(25 * 3600).await;
    let r = ctx.get(&url, &t, &q).await;
    assert_eq!(
        r.body,
        serde_json::json!({ "data": [] }),
        "nothing new in the last 24 h"
    );
}

#[tokio::test]
async fn hashtag_budget_is_30_unique_per_7_days() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let search = |q: String| {
        let (ctx, t) = (&ctx, t.clone());
        async move {
            ctx.get(
                &ctx.fb("ig_hashtag_search"),
                &t,
                &[("user_id", IG_BAKERY), ("q", &q)],
            )
            .await
        }
    };
    for n in 0..30 {
        let r = search(format!("tag{n}")).await;
        assert_eq!(r.status, 200, "search {n}: {:?}", r.body);
    }
    assert_eq!(ctx.sb.hashtags_queried(IG_BAKERY), 30);
    // Repeating one already counted is free.
    assert_eq!(search("tag3".into()).await.status, 200);
    let r = search("tag30".into()).await;
    assert_graph_error(&r, 400, 18, None);
    // Another account has its own budget.
    let r = ctx
        .get(
            &ctx.fb("ig_hashtag_search"),
            &t,
            &[("user_id", IG_TRAVELS), ("q", "tag30")],
        )
        .await;
    assert_eq!(r.status, 200);
    // Seven days later the window rolled.
    ctx.advance(7 * 86_400 + 60).await;
    assert_eq!(search("tag30".into()).await.status, 200);
    let listed = ctx
        .get(
            &ctx.fb(&format!("{IG_BAKERY}/recently_searched_hashtags")),
            &t,
            &[],
        )
        .await;
    assert_eq!(listed.body["data"][0]["name"], "tag30", "{:?}", listed.body);
}

#[tokio::test]
async fn hashtag_budget_is_configurable() {
    let ctx = Ctx::with_config(SandboxConfig {
        hashtag_budget: 2,
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    for (q, code) in [("a1", None), ("a2", None), ("a3", Some(18))] {
        let r = ctx
            .get(
                &ctx.fb("ig_hashtag_search"),
                &t,
                &[("user_id", IG_BAKERY), ("q", q)],
            )
            .await;
        assert_eq!(r.error_code(), code, "{q}: {:?}", r.body);
    }
    let config = ctx.send(ctx.http.get(ctx.url("__sandbox/config"))).await;
    assert_eq!(config.body["errors"]["hashtag_budget"]["code"], 18);
    assert_eq!(config.body["config"]["hashtag_budget"], 2);
}
