//! Batch requests on the sandbox: order, per-operation answers, tokens, limits, time-outs.

mod support;

use instagraph_sandbox::{Faults, SandboxConfig};
use serde_json::{json, Value};
use support::*;

async fn batch(ctx: &Ctx, url: &str, token: &str, ops: Value, extra: &[(&str, &str)]) -> Resp {
    let proof = ctx.sb.appsecret_proof(token);
    let ops = ops.to_string();
    let mut form: Vec<(&str, &str)> = vec![
        ("access_token", token),
        ("appsecret_proof", &proof),
        ("batch", &ops),
    ];
    form.extend_from_slice(extra);
    ctx.send(ctx.http.post(url).form(&form)).await
}

fn body(item: &Value) -> Value {
    serde_json::from_str(item["body"].as_str().expect("body is JSON text")).expect("JSON")
}

#[tokio::test]
async fn operations_answer_in_order() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let media = ctx.sb.seed().engagement.media_with_many_comments.clone();
    let ops = json!([
        { "method": "GET", "relative_url": "me?fields=id,name" },
        { "method": "GET", "relative_url": format!("{IG_BAKERY}?fields=username") },
        { "method": "POST", "relative_url": format!("{media}/comments"), "body": "message=from%20a%20batch" },
        { "method": "GET", "relative_url": "nope-404" },
    ]);
    let r = batch(&ctx, &ctx.url("graph.facebook.com/"), &t, ops.clone(), &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body.as_array().expect("an array").clone();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["code"], 200);
    assert_eq!(body(&items[0])["id"], ALICE);
    assert_eq!(body(&items[1])["username"], "alice.bakery");
    let made = body(&items[2])["id"]
        .as_str()
        .expect("comment id")
        .to_owned();
    let got = ctx.get(&ctx.fb(&made), &t, &[("fields", "text")]).await;
    assert_eq!(got.body["text"], "from a batch");
    assert_eq!(items[3]["code"], 400);
    assert_eq!(body(&items[3])["error"]["code"], 100);
    let headers = items[0]["headers"].as_array().expect("headers");
    assert!(headers.iter().any(|h| h["name"] == "Content-Type"));

    // With a version prefix, and without headers.
    let r = batch(&ctx, &ctx.fb(""), &t, ops, &[("include_headers", "false")]).await;
    assert_eq!(r.body[0]["code"], 200, "{:?}", r.body);
    assert!(r.body[0].get("headers").is_none());
}

#[tokio::test]
async fn operation_tokens_and_outer_proof() {
    // The app requires appsecret_proof, so an operation's own token needs its own proof.
    let ctx = Ctx::with_config(SandboxConfig {
        require_appsecret_proof: true,
        ..SandboxConfig::default()
    })
    .await;
    let alice = ctx.alice();
    let bob = ctx.token(BOB, instagraph_sandbox::Login::Facebook, true, None);
    let bob_proof = ctx.sb.appsecret_proof(&bob);
    let ops = json!([
        { "method": "GET", "relative_url": "me" },
        { "method": "GET", "relative_url": format!("me?access_token={bob}&appsecret_proof={bob_proof}") },
        { "method": "GET", "relative_url": format!("me?access_token={bob}") },
    ]);
    let r = batch(&ctx, &ctx.fb(""), &alice, ops, &[]).await;
    assert_eq!(body(&r.body[0])["id"], ALICE);
    assert_eq!(body(&r.body[1])["id"], BOB);
    // Its own token without its own proof: refused like a lone call.
    assert_eq!(body(&r.body[2])["error"]["code"], 100);
    // Each operation counts as a call.
    let before = ctx.sb.call_counts().values().sum::<u64>();
    batch(&ctx, &ctx.fb(""), &alice, json!([{ "method": "GET", "relative_url": "me" }, { "method": "GET", "relative_url": "me" }]), &[]).await;
    let after = ctx.sb.call_counts().values().sum::<u64>();
    assert_eq!(
        after - before,
        3,
        "the outer request and its two operations"
    );
}

#[tokio::test]
async fn limits_and_instagram_host() {
    let ctx = Ctx::new().await;
    let t = ctx.alice();
    let ops: Vec<Value> = (0..51)
        .map(|_| json!({ "method": "GET", "relative_url": "me" }))
        .collect();
    let r = batch(&ctx, &ctx.fb(""), &t, Value::Array(ops.clone()), &[]).await;
    assert_graph_error(&r, 400, 100, None);
    let r = batch(&ctx, &ctx.fb(""), &t, Value::Array(ops[..50].to_vec()), &[]).await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(50));
    let r = batch(&ctx, &ctx.fb(""), &t, json!("not a list"), &[]).await;
    assert_graph_error(&r, 400, 100, None);

    let ig = ctx.ig_user();
    let one = json!([{ "method": "GET", "relative_url": "me?fields=username" }]);
    let r = batch(&ctx, &ctx.ig(""), &ig, one.clone(), &[]).await;
    assert_graph_error(&r, 400, 100, None);
    ctx.sb.set_config(SandboxConfig {
        instagram_batch: true,
        ..ctx.sb.config()
    });
    let r = batch(&ctx, &ctx.ig(""), &ig, one, &[]).await;
    assert_eq!(
        body(&r.body[0])["username"],
        "alice.travels",
        "{:?}",
        r.body
    );
}

#[tokio::test]
async fn timed_out_operations_are_null() {
    let ctx = Ctx::with_config(SandboxConfig {
        batch_timeout_ops: vec!["/insights".into()],
        ..SandboxConfig::default()
    })
    .await;
    let t = ctx.alice();
    let ops = json!([
        { "method": "GET", "relative_url": "me" },
        { "method": "GET", "relative_url": format!("{IG_BAKERY}/insights?metric=reach&period=day") },
        { "method": "GET", "relative_url": format!("{IG_BAKERY}?fields=username") },
    ]);
    let r = batch(&ctx, &ctx.fb(""), &t, ops.clone(), &[]).await;
    assert_eq!(r.body[0]["code"], 200);
    assert!(r.body[1].is_null(), "{:?}", r.body);
    assert_eq!(r.body[2]["code"], 200);

    // Slow enough: every operation times out.
    ctx.sb.set_config(SandboxConfig {
        batch_op_timeout_ms: 20,
        ..ctx.sb.config()
    });
    ctx.sb.set_faults(Faults {
        slow_ms: 20,
        ..Faults::default()
    });
    let r = batch(&ctx, &ctx.fb(""), &t, ops, &[]).await;
    assert!(
        r.body
            .as_array()
            .is_some_and(|a| a.iter().all(Value::is_null)),
        "{:?}",
        r.body
    );
}
