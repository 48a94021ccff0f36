//! `examples/agency_server.rs`'s API keys: every route but the OAuth callback and `/healthz`
//! needs a company's key (401 without a known one), the key decides the company, and a
//! `company` parameter naming another company is refused (403). The example's router runs here
//! over a memory store and the sandbox.

#![cfg(feature = "sqlite")]

#[path = "../examples/agency_server.rs"]
#[allow(dead_code)]
mod agency_server;

use agency_server::ApiKeys;
use instagraph::store::{SealingKey, Store};
use instagraph::{AccountManager, Client};
use instagraph_sandbox::Sandbox;
use serde_json::Value;

const REDIRECT: &str = "http://localhost:3000/connect/callback";
const ACME_KEY: &str = "acme-key-0123456789";
const GLOBEX_KEY: &str = "globex-key-0123456789";

/// The example's routes on an ephemeral port; its base URL.
async fn serve(sandbox: &Sandbox) -> String {
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .redirect_uri(REDIRECT)
        .build()
        .expect("client");
    let manager = AccountManager::new(client, Store::memory(SealingKey::generate()));
    let keys = ApiKeys::parse(&format!("acme:{ACME_KEY}, globex:{GLOBEX_KEY}")).expect("keys");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        axum::serve(listener, agency_server::app(manager, keys))
            .await
            .expect("serve");
    });
    url
}

/// GET `url` with `headers`; the status and the JSON body (`Null` when not JSON).
async fn get(url: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_need_the_company_api_key() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let base = serve(&sandbox).await;
    let start = format!("{base}/connect/start?company=acme");

    // No key, an unknown key, an empty one, another scheme: 401.
    for headers in [
        vec![],
        vec![("x-api-key", "not-a-key-at-all")],
        vec![("x-api-key", "")],
        vec![("authorization", "Bearer acme-key-012345678")],
        vec![("authorization", &*format!("Basic {ACME_KEY}"))],
    ] {
        let (status, body) = get(&start, &headers).await;
        assert_eq!(status, 401, "{headers:?}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
    // Another company's key: 403.
    let (status, body) = get(&start, &[("x-api-key", GLOBEX_KEY)]).await;
    assert_eq!(status, 403, "{body}");

    // The right key, as either header; `company` may be left out (the key decides).
    let (status, body) = get(&start, &[("x-api-key", ACME_KEY)]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["url"].is_string(), "{body}");
    let (status, _) = get(
        &format!("{base}/connect/start"),
        &[("authorization", &*format!("Bearer {ACME_KEY}"))],
    )
    .await;
    assert_eq!(status, 200);

    // The callback is the user's browser: the state authenticates it, and names the company.
    let alice = sandbox.seed().user("Alice").expect("Alice").id.clone();
    let location = sandbox
        .consent(body["url"].as_str().expect("url"), &alice, true)
        .await
        .expect("consent");
    let query = location.split_once('?').expect("a query").1;
    let (status, done) = get(&format!("{base}/connect/callback?{query}"), &[]).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["companyId"], "acme");
    let connected = done["accounts"].as_array().expect("accounts").len();
    assert!(connected > 0, "{done}");

    // Accounts: the key's company only.
    let accounts = format!("{base}/accounts");
    assert_eq!(get(&accounts, &[]).await.0, 401);
    assert_eq!(
        get(&accounts, &[("x-api-key", "acme-key-wrong-1")]).await.0,
        401
    );
    let (status, mine) = get(&accounts, &[("x-api-key", ACME_KEY)]).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["total"], connected);
    let (status, _) = get(
        &format!("{accounts}?company=acme"),
        &[("x-api-key", GLOBEX_KEY)],
    )
    .await;
    assert_eq!(status, 403);
    let (status, theirs) = get(&accounts, &[("x-api-key", GLOBEX_KEY)]).await;
    assert_eq!(status, 200, "{theirs}");
    assert_eq!(theirs["total"], 0, "globex sees none of acme's accounts");

    assert_eq!(get(&format!("{base}/healthz"), &[]).await.0, 200);

    // Meta's error triple: the answer does not echo the query's description.
    let (status, refused) = get(
        &format!(
            "{base}/connect/callback?error=access_denied&state=x&error_description=%3Cscript%3Ecall+555-0100"
        ),
        &[],
    )
    .await;
    assert_eq!(status, 400, "{refused}");
    assert!(!refused.to_string().contains("555"), "{refused}");
}

#[test]
fn api_keys_are_checked_at_start_and_never_echoed() {
    assert!(ApiKeys::parse("acme:key-one-123,globex:key-two-123 acme:key-three-123").is_ok());
    for (text, expected) in [
        ("", "none given"),
        ("  , ", "none given"),
        (
            "acme-secret-key-without-company",
            "entry 1 is not company:key",
        ),
        (
            "acme:key-one-123,:orphan-secret-key",
            "entry 2 is not company:key",
        ),
        ("acme:key-one-123,globex:", "entry 2 is not company:key"),
        ("acme:tiny7", "entry 1 is shorter than 8"),
        (
            "acme:shared-secret-key,globex:shared-secret-key",
            "entry 2 is also given to acme",
        ),
    ] {
        let message = ApiKeys::parse(text)
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"))
            .to_string();
        assert!(message.contains(expected), "{text:?}: {message}");
        // Nothing that may be a key is quoted.
        for entry in text.split([',', ' ']).filter(|e| !e.is_empty()) {
            let secret = entry.split_once(':').map_or(entry, |(_, key)| key);
            assert!(secret.is_empty() || !message.contains(secret), "{message}");
        }
    }
}
