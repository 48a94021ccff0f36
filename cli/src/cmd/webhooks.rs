//! `instagraph webhooks listen`: a webhook receiver on the core's verification (challenge,
//! signature), parsing and de-duplication; each new event printed as it arrives.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use instagraph::webhooks::{self, Deduper, SIGNATURE_HEADER};
use serde_json::json;
use tokio::sync::mpsc;

use crate::args::{Global, WebhooksAction, WebhooksArgs};
use crate::context::{sandbox_client, sandbox_mode, DEFAULT_REDIRECT_URI};
use crate::output::{self, Failure};

struct Receiver {
    verify_token: String,
    app_secret: String,
    dedup: Deduper,
    events: mpsc::UnboundedSender<webhooks::Event>,
}

/// Serves the callback until Ctrl-C (or `--max-events` deliveries).
pub async fn run(global: &Global, args: WebhooksArgs) -> Result<(), Failure> {
    let WebhooksAction::Listen {
        port,
        verify_token,
        max_events,
        register,
    } = args.action;
    if verify_token.trim().is_empty() {
        return Err(Failure::message("--verify-token must not be empty"));
    }
    let link = if sandbox_mode(global) {
        Some(crate::context::sandbox(global).await?)
    } else {
        None
    };
    let client = match &link {
        Some(link) => sandbox_client(link.base_url(), DEFAULT_REDIRECT_URI).await?,
        None => crate::context::production_client(DEFAULT_REDIRECT_URI)?,
    };
    let app_secret = client
        .config()
        .app_secret
        .as_ref()
        .map(|s| s.expose().to_owned())
        .ok_or_else(|| Failure::message("INSTAGRAM_APP_SECRET is needed to check signatures"))?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let token = verify_token.clone();
    let receiver = Arc::new(Receiver {
        verify_token,
        app_secret,
        dedup: Deduper::new(10_000, Duration::from_secs(3600)),
        events: tx,
    });
    let app = axum::Router::new()
        .route("/webhooks", get(challenge).post(delivery))
        .with_state(receiver);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let callback_url = format!("http://{}/webhooks", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    if register {
        let Some(link) = &link else {
            return Err(Failure::message(
                "--register needs sandbox mode (--sandbox-url)",
            ));
        };
        instagraph_sandbox::remote::register_webhook(link.base_url(), &callback_url, &token)
            .await?;
    }
    let doc = json!({ "listening": callback_url });
    output::emit(global.json, &doc, || {
        format!("Listening for webhooks on {callback_url} (Ctrl-C stops).")
    });
    let mut seen = 0u64;
    let stop = super::shutdown_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            event = rx.recv() => {
                let Some(event) = event else { break };
                print_event(global.json, &event);
                seen += 1;
                if max_events.is_some_and(|max| seen >= max) {
                    break;
                }
            }
        }
    }
    server.abort();
    Ok(())
}

/// `GET`: Meta's verification handshake.
async fn challenge(
    State(receiver): State<Arc<Receiver>>,
    RawQuery(query): RawQuery,
) -> (StatusCode, String) {
    match webhooks::verify_challenge_query(&query.unwrap_or_default(), &receiver.verify_token) {
        Ok(challenge) => (StatusCode::OK, challenge),
        Err(e) => (StatusCode::FORBIDDEN, e.to_string()),
    }
}

/// `POST`: a signed delivery; each event seen for the first time goes to the printer.
async fn delivery(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Err(e) = webhooks::verify_signature(&receiver.app_secret, signature, &body) {
        eprintln!("instagraph: refused a delivery: {e}");
        return (StatusCode::UNAUTHORIZED, e.to_string());
    }
    match webhooks::parse(&body) {
        Ok(payload) => {
            for event in payload.events {
                if receiver.dedup.first_seen(&event.dedup_key()) {
                    let _ = receiver.events.send(event);
                }
            }
            (StatusCode::OK, "EVENT_RECEIVED".into())
        }
        Err(e) => {
            eprintln!("instagraph: unreadable delivery: {e}");
            (StatusCode::BAD_REQUEST, e.to_string())
        }
    }
}

fn print_event(json: bool, event: &webhooks::Event) {
    let doc = serde_json::to_value(event).unwrap_or_default();
    if json {
        println!("{doc}");
        return;
    }
    let kind = doc["type"].as_str().unwrap_or("event");
    let text = ["text", "message", "field"]
        .iter()
        .find_map(|k| doc[k].as_str())
        .unwrap_or("");
    println!("{kind} on {}: {text}", event.entry_id());
}
