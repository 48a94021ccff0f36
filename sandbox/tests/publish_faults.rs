//! Faults around `media_publish`: a lost answer after the post was made (dropped connection
//! or transient error), and the other faults, which never make a post.

mod support;

use instagraph_sandbox::{Faults, LostPublishMode};
use support::*;

#[tokio::test]
async fn a_dropped_publish_answer_still_made_exactly_one_post() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/a.jpg")],
        )
        .await;
    let before = ctx.sb.media_count(IG_BAKERY);
    ctx.sb.set_faults(Faults {
        lost_publish_rate: 1.0,
        seed: Some(7),
        ..Faults::default()
    });
    // Other calls are untouched by this fault.
    assert_eq!(ctx.status_code(&c, &t).await, "FINISHED");
    let proof = ctx.sb.appsecret_proof(&t);
    let sent = ctx
        .http
        .post(ctx.fb(&format!("{IG_BAKERY}/media_publish")))
        .form(&[
            ("access_token", t.as_str()),
            ("appsecret_proof", proof.as_str()),
            ("creation_id", c.as_str()),
        ])
        .send()
        .await;
    assert!(sent.is_err(), "the answer should be lost: {sent:?}");
    assert_eq!(
        ctx.sb.media_count(IG_BAKERY),
        before + 1,
        "the post was made"
    );
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 1);

    // The client finds out by polling the container, and a re-publish makes no second post.
    ctx.sb.set_faults(Faults::default());
    let s = ctx.status(&c, &t).await;
    assert_eq!(s["status_code"], "PUBLISHED");
    let r = ctx.publish(IG_BAKERY, &t, &c).await;
    assert_graph_error(&r, 400, 9007, None);
    assert_eq!(ctx.sb.media_count(IG_BAKERY), before + 1);
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 1);
    let feed = ctx.edge_ids(&format!("{IG_BAKERY}/media"), &t).await;
    assert!(r.body["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains(&feed[0])));
}

#[tokio::test]
async fn a_lost_answer_can_be_a_transient_error() {
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
    ctx.sb.set_faults(Faults {
        lost_publish_rate: 1.0,
        lost_publish_mode: LostPublishMode::Error,
        seed: Some(1),
        ..Faults::default()
    });
    let r = ctx.publish(IG_BAKERY, &t, &c).await;
    assert_graph_error(&r, 500, 2, None);
    assert_eq!(r.body["error"]["is_transient"], true);
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 1);
    // A retry that "succeeds" the second time still leaves one post.
    let r = ctx.publish(IG_BAKERY, &t, &c).await;
    assert_graph_error(&r, 400, 9007, None);
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 1);
    // Also set through the control endpoint.
    let r = ctx
        .control(
            "faults",
            serde_json::json!({ "lost_publish_rate": 0.5, "lost_publish_mode": "drop" }),
        )
        .await;
    assert_eq!(r.body["lost_publish_mode"], "drop");
}

#[tokio::test]
async fn other_faults_fail_publish_before_the_post() {
    let ctx = Ctx::with_config(instant()).await;
    let t = ctx.alice();
    let c = ctx
        .container(
            IG_BAKERY,
            &t,
            &[("image_url", "https://img.example.com/a.jpg")],
        )
        .await;
    ctx.sb.set_faults(Faults {
        transient_rate: 1.0,
        seed: Some(3),
        ..Faults::default()
    });
    for _ in 0..3 {
        let r = ctx.publish(IG_BAKERY, &t, &c).await;
        assert!(r.status >= 500, "{:?}", r.body);
        assert_eq!(r.body["error"]["is_transient"], true);
    }
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 0);
    ctx.sb.set_faults(Faults {
        drop_connection_rate: 1.0,
        seed: Some(3),
        ..Faults::default()
    });
    let proof = ctx.sb.appsecret_proof(&t);
    let sent = ctx
        .http
        .post(ctx.fb(&format!("{IG_BAKERY}/media_publish")))
        .form(&[
            ("access_token", t.as_str()),
            ("appsecret_proof", proof.as_str()),
            ("creation_id", c.as_str()),
        ])
        .send()
        .await;
    assert!(sent.is_err());
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 0);
    ctx.sb.set_faults(Faults::default());
    ctx.published(IG_BAKERY, &t, &c).await;
    assert_eq!(ctx.sb.published_count(IG_BAKERY), 1);
}

#[tokio::test]
async fn lost_publish_rate_is_seeded() {
    // Same seed, same sequence of lost answers.
    let mut runs = Vec::new();
    for _ in 0..2 {
        let ctx = Ctx::with_config(support::instant()).await;
        let t = ctx.alice();
        ctx.sb.set_faults(Faults {
            lost_publish_rate: 0.5,
            lost_publish_mode: LostPublishMode::Error,
            seed: Some(42),
            ..Faults::default()
        });
        let mut pattern = Vec::new();
        for n in 0..12 {
            let c = ctx
                .container(
                    IG_BAKERY,
                    &t,
                    &[("image_url", &format!("https://img.example.com/{n}.jpg"))],
                )
                .await;
            pattern.push(ctx.publish(IG_BAKERY, &t, &c).await.status);
        }
        assert_eq!(
            ctx.sb.published_count(IG_BAKERY),
            12,
            "every publish made its post"
        );
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].contains(&200) && runs[0].contains(&500),
        "{:?}",
        runs[0]
    );
}
