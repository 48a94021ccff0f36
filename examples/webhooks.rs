//! A webhook receiver (axum) that prints Instagram events as the embedded sandbox delivers them:
//! Meta's verification handshake, the `X-Hub-Signature-256` check over the raw body, typed
//! events, and deduplication of redelivered updates.
//!
//! Run it with `cargo run --example webhooks`. Nothing reaches Meta: the sandbox plays Meta, and
//! its control endpoints (`/__sandbox/webhooks`, `/__sandbox/events`) stand in for the app
//! dashboard and for real users commenting and writing.

use std::error::Error as StdError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use instagraph::webhooks::{self, Deduper, Event, SIGNATURE_HEADER};
use instagraph::{AccessToken, Client, IgUserId};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};
use serde_json::json;

/// What the receiver needs: the app secret (signatures), the verify token (handshake), the
/// deduplicator, and counters for the summary.
struct Receiver {
    app_secret: String,
    verify_token: String,
    dedup: Deduper,
    new_events: AtomicUsize,
    redeliveries: AtomicUsize,
    refused: AtomicUsize,
}

/// `GET /webhooks?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`
async fn verify(
    State(rx): State<Arc<Receiver>>,
    RawQuery(query): RawQuery,
) -> (StatusCode, String) {
    match webhooks::verify_challenge_query(query.as_deref().unwrap_or(""), &rx.verify_token) {
        Ok(challenge) => {
            println!("✔ verification handshake answered");
            (StatusCode::OK, challenge)
        }
        Err(e) => (status(e.http_status()), e.to_string()),
    }
}

/// `POST /webhooks`: check the signature over the raw bytes, then parse, dedupe and print.
async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) = webhooks::verify_signature(&rx.app_secret, signature, &body) {
        rx.refused.fetch_add(1, Ordering::SeqCst);
        println!("✘ refused a delivery: {e}");
        return status(e.http_status());
    }
    let payload = match webhooks::parse(&body) {
        Ok(p) => p,
        Err(e) => return status(e.http_status()),
    };
    for event in payload.events {
        if !rx.dedup.first_delivery(&event) {
            rx.redeliveries.fetch_add(1, Ordering::SeqCst);
            println!("  (redelivery of {} dropped)", event.dedup_key());
            continue;
        }
        rx.new_events.fetch_add(1, Ordering::SeqCst);
        print_event(&event);
    }
    // Answer fast: Meta retries deliveries that are slow to get a 200.
    StatusCode::OK
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST)
}

fn print_event(event: &Event) {
    let who = |id: &Option<String>| id.clone().unwrap_or_else(|| "?".into());
    match event {
        Event::Comment(c) => println!(
            "💬 [{}] @{} commented {:?} on media {} (comment {})",
            c.field,
            c.from
                .as_ref()
                .and_then(|f| f.username.clone())
                .unwrap_or_default(),
            c.text.as_deref().unwrap_or(""),
            who(&c.media.as_ref().and_then(|m| m.id.clone())),
            who(&c.id),
        ),
        Event::Mention(m) => println!(
            "📣 [mentions] account {} mentioned in media {}{}",
            m.entry_id,
            who(&m.media_id),
            m.comment_id
                .as_deref()
                .map(|c| format!(", comment {c}"))
                .unwrap_or_default()
        ),
        Event::Message(m) => println!(
            "✉️  [messages] from {} to {}: {:?}{} (mid {})",
            who(&m.sender_id),
            who(&m.recipient_id),
            m.text.as_deref().unwrap_or(""),
            if m.attachments.is_empty() {
                String::new()
            } else {
                format!(" + {} attachment(s)", m.attachments.len())
            },
            who(&m.mid),
        ),
        Event::Reaction(r) => println!(
            "❤️  [message_reactions] {} {} {}",
            who(&r.sender_id),
            r.action.as_deref().unwrap_or("react"),
            r.reaction.as_deref().unwrap_or("")
        ),
        Event::Seen(s) => println!(
            "👀 [messaging_seen] {} read {}",
            who(&s.sender_id),
            who(&s.mid)
        ),
        Event::Postback(p) => println!(
            "🔘 [messaging_postbacks] {} tapped {:?}",
            who(&p.sender_id),
            p.title.as_deref().unwrap_or("")
        ),
        Event::StoryInsights(s) => println!(
            "📊 [story_insights] story {} reached {}",
            who(&s.media_id),
            s.reach.unwrap_or(0)
        ),
        Event::Unknown(u) => println!("❓ [{}] {}", u.field, u.value),
        other => println!("• [{}] {other:?}", other.field()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn StdError>> {
    let sandbox = Sandbox::start().await?;
    let base = sandbox.base_url().to_owned();
    println!("sandbox at {base}");

    // 1. The receiver, on a free local port.
    let receiver = Arc::new(Receiver {
        app_secret: sandbox.app_secret().to_owned(),
        verify_token: "a-verify-token-of-your-choice".to_owned(),
        dedup: Deduper::default(),
        new_events: AtomicUsize::new(0),
        redeliveries: AtomicUsize::new(0),
        refused: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/webhooks", get(verify).post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let callback_url = format!("http://{}/webhooks", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiver at {callback_url}");

    // 2. Register the callback (the app dashboard's job at Meta): the sandbox runs the
    //    verification handshake against the receiver before accepting it.
    let http = reqwest::Client::new();
    let registered = http
        .post(format!("{base}/__sandbox/webhooks"))
        .json(&json!({ "callback_url": callback_url, "verify_token": receiver.verify_token }))
        .send()
        .await?;
    if !registered.status().is_success() {
        return Err(format!("registration failed: {}", registered.text().await?).into());
    }

    // 3. Turn webhooks on for Alice's account through the SDK.
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(&base)
        .build()?;
    let alice = sandbox.seed().user("Alice").ok_or("no Alice in the seed")?;
    let issued = sandbox.issue_token(&TokenRequest {
        user_id: alice.id.clone(),
        login: Login::Facebook,
        long_lived: true,
        scopes: None,
        page_id: None,
    })?;
    let token = AccessToken::new(issued.access_token);
    let account = sandbox
        .seed()
        .instagram_accounts
        .iter()
        .find(|a| !a.media.is_empty())
        .ok_or("no seeded account with media")?;
    let media_id = account.media.first().cloned().ok_or("no media")?;
    let ig = client
        .facebook(&token)
        .ig_user(IgUserId::new(account.id.clone()));
    ig.webhooks()
        .subscribe(["comments", "mentions", "messages"])
        .await?;
    for app in ig.webhooks().subscribed_apps().await? {
        println!(
            "@{} subscribed app {} to {:?}",
            account.username,
            app.name.as_deref().unwrap_or("?"),
            app.subscribed_fields
        );
    }

    // 4. Things happen on Instagram; the sandbox delivers the signed webhooks. The message is
    //    delivered twice, as Meta does when it retries: the receiver prints it once.
    let events = [
        json!({"type": "comment", "media_id": media_id, "text": "Do you deliver on Sundays?",
               "from_username": "hungry.customer"}),
        json!({"type": "mention", "ig_id": account.id, "media_id": media_id,
               "from_username": "food.blogger", "text": "best croissants in town"}),
        json!({"type": "message", "from_user_id": "6912345678901234", "to_ig_id": account.id,
               "text": "Hi! Can I order a cake for Saturday?", "redeliver": 1}),
    ];
    let expected_new = events.len();
    for event in &events {
        let answer: serde_json::Value = http
            .post(format!("{base}/__sandbox/events"))
            .json(event)
            .send()
            .await?
            .json()
            .await?;
        if answer["delivered"] != json!(true) {
            println!("(not delivered: {})", answer);
        }
    }

    // 5. Deliveries are synchronous in the sandbox, but wait (bounded) in case of a slow machine.
    for _ in 0..100 {
        if receiver.new_events.load(Ordering::SeqCst) >= expected_new {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "\n{} new events printed, {} redeliveries dropped, {} deliveries refused",
        receiver.new_events.load(Ordering::SeqCst),
        receiver.redeliveries.load(Ordering::SeqCst),
        receiver.refused.load(Ordering::SeqCst)
    );

    server.abort();
    sandbox.shutdown().await;
    Ok(())
}
