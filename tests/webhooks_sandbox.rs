//! End to end against the sandbox: a receiver built on `instagraph::webhooks` passes the
//! sandbox's verification handshake, verifies every signed delivery, reads typed events that
//! match what the sandbox created, and drops redeliveries; a receiver with the wrong verify
//! token is refused at registration; `subscribed_apps` round-trips.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use instagraph::webhooks::{self, Deduper, Event, SIGNATURE_HEADER};
use instagraph::{AccessToken, Client, IgUserId};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};
use serde_json::{json, Value};

struct Receiver {
    secret: String,
    verify_token: String,
    dedup: Deduper,
    deliveries: Mutex<u32>,
    bad_signatures: Mutex<u32>,
    events: Mutex<Vec<Event>>,
}

async fn verify(State(rx): State<Arc<Receiver>>, RawQuery(q): RawQuery) -> (StatusCode, String) {
    match webhooks::verify_challenge_query(q.as_deref().unwrap_or(""), &rx.verify_token) {
        Ok(challenge) => (StatusCode::OK, challenge),
        Err(e) => (
            StatusCode::from_u16(e.http_status()).unwrap(),
            e.to_string(),
        ),
    }
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    *rx.deliveries.lock().unwrap() += 1;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if webhooks::verify_signature(&rx.secret, signature, &body).is_err() {
        *rx.bad_signatures.lock().unwrap() += 1;
        return StatusCode::FORBIDDEN;
    }
    let payload = webhooks::parse(&body).unwrap();
    let fresh = rx.dedup.retain_new(payload.events);
    rx.events.lock().unwrap().extend(fresh);
    StatusCode::OK
}

async fn start_receiver(secret: &str, verify_token: &str) -> (String, Arc<Receiver>) {
    let rx = Arc::new(Receiver {
        secret: secret.to_owned(),
        verify_token: verify_token.to_owned(),
        dedup: Deduper::default(),
        deliveries: Mutex::new(0),
        bad_signatures: Mutex::new(0),
        events: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/hook", get(verify).post(receive))
        .with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, rx)
}

async fn post(url: String, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Waits (bounded) until the receiver holds `n` events.
async fn wait_for(rx: &Receiver, n: usize) {
    for _ in 0..200 {
        if rx.events.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn signed_deliveries_are_verified_parsed_and_deduplicated() {
    let sandbox = Sandbox::start().await.unwrap();
    let base = sandbox.base_url().to_owned();
    let (url, rx) = start_receiver(sandbox.app_secret(), "vt-123").await;

    // A receiver expecting another verify token refuses the handshake: registration fails.
    let (wrong_url, _) = start_receiver(sandbox.app_secret(), "another").await;
    let (status, _) = post(
        format!("{base}/__sandbox/webhooks"),
        json!({"callback_url": wrong_url, "verify_token": "vt-123"}),
    )
    .await;
    assert_eq!(status, 400);

    let (status, answer) = post(
        format!("{base}/__sandbox/webhooks"),
        json!({"callback_url": url, "verify_token": "vt-123"}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");

    let account = &sandbox.seed().instagram_accounts[0];
    let media = account.media[0].clone();
    let (_, comment) = post(
        format!("{base}/__sandbox/events"),
        json!({"type": "comment", "media_id": media, "text": "Open on Sunday?",
               "from_username": "hungry.customer", "redeliver": 2}),
    )
    .await;
    assert_eq!(comment["delivered"], true, "{comment}");
    let (_, message) = post(
        format!("{base}/__sandbox/events"),
        json!({"type": "message", "from_user_id": "6912345678901234", "to_ig_id": account.id,
               "text": "Cake for Saturday?", "redeliver": 1}),
    )
    .await;
    assert_eq!(message["delivered"], true, "{message}");
    let (_, mention) = post(
        format!("{base}/__sandbox/events"),
        json!({"type": "mention", "ig_id": account.id, "media_id": media}),
    )
    .await;
    assert_eq!(mention["delivered"], true, "{mention}");

    wait_for(&rx, 3).await;
    assert_eq!(
        *rx.deliveries.lock().unwrap(),
        3 + 2 + 1,
        "every delivery arrived"
    );
    assert_eq!(*rx.bad_signatures.lock().unwrap(), 0);
    let events = rx.events.lock().unwrap().clone();
    assert_eq!(events.len(), 3, "redeliveries dropped: {events:#?}");

    let Event::Comment(c) = &events[0] else {
        panic!("{:?}", events[0])
    };
    assert_eq!(c.entry_id, account.id);
    assert_eq!(c.text.as_deref(), Some("Open on Sunday?"));
    assert_eq!(
        c.id.as_deref(),
        comment["created"]["comment_id"].as_str(),
        "the event names the comment the sandbox created"
    );
    assert_eq!(
        c.from.as_ref().and_then(|f| f.username.as_deref()),
        Some("hungry.customer")
    );
    assert_eq!(
        c.media.as_ref().and_then(|m| m.id.as_deref()),
        Some(media.as_str())
    );

    let Event::Message(m) = &events[1] else {
        panic!("{:?}", events[1])
    };
    assert_eq!(m.sender_id.as_deref(), Some("6912345678901234"));
    assert_eq!(m.recipient_id.as_deref(), Some(account.id.as_str()));
    assert_eq!(m.text.as_deref(), Some("Cake for Saturday?"));
    assert_eq!(m.mid.as_deref(), message["created"]["message_id"].as_str());

    let Event::Mention(n) = &events[2] else {
        panic!("{:?}", events[2])
    };
    assert_eq!(n.media_id.as_deref(), Some(media.as_str()));
    assert!(n.comment_id.is_some());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn subscribed_apps_round_trip_on_the_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .build()
        .unwrap();
    let alice = sandbox.seed().user("Alice").unwrap();
    let token = AccessToken::new(
        sandbox
            .issue_token(&TokenRequest {
                user_id: alice.id.clone(),
                login: Login::Facebook,
                long_lived: true,
                scopes: None,
                page_id: None,
            })
            .unwrap()
            .access_token,
    );
    let account = IgUserId::new(sandbox.seed().instagram_accounts[0].id.clone());
    let ig = client.facebook(&token).ig_user(account);
    assert!(ig
        .webhooks()
        .subscribe(["comments", "messages"])
        .await
        .unwrap());
    let apps = ig.webhooks().subscribed_apps().await.unwrap();
    assert_eq!(apps.len(), 1, "{apps:?}");
    assert_eq!(apps[0].id.as_deref(), Some(sandbox.app_id()));
    let mut fields = apps[0].subscribed_fields.clone();
    fields.sort();
    assert_eq!(fields, ["comments", "messages"]);
    sandbox.shutdown().await;
}
