//! Control endpoints and the `instagraph-sandbox` binary.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::*;

#[tokio::test]
async fn config_describes_hosts_app_and_seed() {
    let ctx = Ctx::new().await;
    let r = ctx.send(ctx.http.get(ctx.url("__sandbox/config"))).await;
    assert_eq!(r.status, 200);
    let base = ctx.sb.base_url();
    assert_eq!(r.body["base_url"], base);
    assert_eq!(
        r.body["hosts"]["graph_facebook"],
        format!("{base}/graph.facebook.com")
    );
    assert_eq!(
        r.body["hosts"]["graph_instagram"],
        format!("{base}/graph.instagram.com")
    );
    assert_eq!(
        r.body["hosts"]["facebook_dialog"],
        format!("{base}/www.facebook.com")
    );
    assert_eq!(
        r.body["hosts"]["instagram_authorize"],
        format!("{base}/www.instagram.com")
    );
    assert_eq!(
        r.body["hosts"]["instagram_api"],
        format!("{base}/api.instagram.com")
    );
    assert_eq!(
        r.body["hosts"]["rupload"],
        format!("{base}/rupload.facebook.com")
    );
    assert_eq!(r.body["app"]["id"], ctx.sb.app_id());
    assert_eq!(r.body["app"]["secret"], ctx.sb.app_secret());
    let users = r.body["users"].as_array().expect("users");
    assert!(users
        .iter()
        .any(|u| u["id"] == ALICE && u["kind"] == "facebook"));
    assert!(users
        .iter()
        .any(|u| u["id"] == IG_TRAVELS && u["kind"] == "instagram"));
    assert_eq!(
        r.body["instagram_accounts"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(r.body["config"]["default_page_size"], 25);
    assert_eq!(r.body["config"]["instagram_token_shape"], "flat");

    let r = ctx
        .control(
            "config",
            serde_json::json!({ "publishing_quota": 7, "require_appsecret_proof": false }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["config"]["publishing_quota"], 7);
    assert_eq!(ctx.sb.config().publishing_quota, 7);
    let r = ctx
        .control("config", serde_json::json!({ "no_such_knob": 1 }))
        .await;
    assert_eq!(r.status, 400);
    let r = ctx
        .control("config", serde_json::json!({ "default_page_size": "many" }))
        .await;
    assert_eq!(r.status, 400);

    // The seed matches the description.
    let seed = ctx.sb.seed();
    assert_eq!(seed.user("Alice").map(|u| u.id.as_str()), Some(ALICE));
    assert!(seed.user("Bob").is_some_and(|u| u.email.is_none()));
    assert_eq!(seed.instagram_login_accounts().count(), 1);
    assert!(ctx.sb.media_count(IG_BAKERY) >= 3);
}

#[tokio::test]
async fn tokens_clock_and_revoke() {
    let ctx = Ctx::new().await;
    let r = ctx
        .control("tokens", serde_json::json!({ "user_id": ALICE, "login": "facebook", "long_lived": true, "scopes": ["public_profile", "pages_show_list"] }))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["expires_in"], 5_183_944);
    let t = r.body["access_token"].as_str().expect("token").to_owned();
    assert!(t.starts_with("EAA"));
    assert_eq!(ctx.get(&ctx.fb("me/accounts"), &t, &[]).await.status, 200);

    let r = ctx
        .control(
            "tokens",
            serde_json::json!({ "user_id": IG_TRAVELS, "login": "instagram" }),
        )
        .await;
    assert_eq!(r.body["expires_in"], 3600);
    let ig = r.body["access_token"].as_str().expect("token").to_owned();
    assert!(ig.starts_with("IGAA"));
    let r = ctx
        .control(
            "tokens",
            serde_json::json!({ "user_id": "nobody", "login": "facebook" }),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = ctx
        .control(
            "tokens",
            serde_json::json!({ "user_id": ALICE, "scopes": ["instagram_business_basic"] }),
        )
        .await;
    assert_eq!(r.status, 400);

    let r = ctx
        .control("clock", serde_json::json!({ "advance_seconds": 3601 }))
        .await;
    assert_eq!(r.body["offset_seconds"], 3601);
    assert_graph_error(&ctx.get(&ctx.ig("me"), &ig, &[]).await, 400, 190, Some(463));

    let r = ctx
        .control("revoke", serde_json::json!({ "access_token": t }))
        .await;
    assert_eq!(r.body["success"], true);
    assert_graph_error(&ctx.get(&ctx.fb("me"), &t, &[]).await, 400, 190, Some(460));
    let r = ctx
        .control("revoke", serde_json::json!({ "access_token": "nope" }))
        .await;
    assert_eq!(r.status, 400);
    let r = ctx
        .send(
            ctx.http
                .get(ctx.url("rupload.facebook.com/ig-api-upload/v24.0/1")),
        )
        .await;
    // The upload host answers in its own shape: no token, no upload.
    assert_eq!(r.status, 401);
    assert_eq!(r.body["debug_info"]["retriable"], false);
}

#[tokio::test]
async fn binary_prints_its_line_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_instagraph-sandbox"))
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("a line");
    let url = line
        .trim_end()
        .strip_prefix("instagraph-sandbox listening on ")
        .expect("the listening line")
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    assert!(port > 0);
    let body: serde_json::Value = reqwest::get(format!("{url}/__sandbox/config"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(body["base_url"], url.as_str());
    let _ = child.kill();
    let _ = child.wait();

    let help = Command::new(env!("CARGO_BIN_EXE_instagraph-sandbox"))
        .arg("--help")
        .output()
        .expect("help");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--port"));
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sb = instagraph_sandbox::Sandbox::start().await.expect("start");
    let url = format!("{}/__sandbox/config", sb.base_url());
    assert!(reqwest::get(&url)
        .await
        .is_ok_and(|r| r.status().is_success()));
    sb.shutdown().await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    assert!(client.get(&url).send().await.is_err());
}
