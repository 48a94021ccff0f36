//! `instagraph connect`: the OAuth flow of the core's AccountManager, finished on a local
//! callback (or, in sandbox mode, approved by a seeded user without a browser).

use axum::extract::RawQuery;
use axum::routing::get;
use instagraph::accounts::{ConnectRequest, Connection};
use serde_json::json;
use tokio::sync::mpsc;

use crate::args::{ConnectArgs, Global};
use crate::context::{sandbox_mode, Context};
use crate::output::{self, Failure};

/// Connects, stores the token and the discovered accounts, optionally adds them all.
pub async fn run(global: &Global, args: ConnectArgs) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let redirect_uri = format!("http://{}/callback", listener.local_addr()?);
    let context = Context::open_with(global, &redirect_uri, false).await?;
    let mut request = if args.instagram {
        ConnectRequest::instagram(context.company.clone())
    } else {
        ConnectRequest::facebook(context.company.clone())
    };
    request = request.redirect_uri(&redirect_uri);
    if !args.scopes.is_empty() {
        request = request.scopes(args.scopes.iter().map(|s| s.trim().to_owned()));
    }
    let connection = if sandbox_mode(global) && !args.browser {
        drop(listener);
        context
            .connect_as_sandbox_user(request, global.sandbox_user.as_deref())
            .await?
    } else {
        let start = context.accounts.start_connect(request).await?;
        eprintln!(
            "Open this URL in a browser and approve:\n\n  {}\n",
            start.url
        );
        eprintln!("Waiting for the callback on {redirect_uri} …");
        let query = wait_for_callback(listener).await?;
        context.accounts.finish_connect(&query).await?
    };
    let ids: Vec<_> = connection
        .accounts
        .iter()
        .map(|a| a.ig_user_id.clone())
        .collect();
    let added = if args.add_all && !ids.is_empty() {
        context.accounts.add(&context.company, &ids).await?.updated
    } else {
        0
    };
    let doc = describe(&connection, added);
    output::emit(global.json, &doc, || human(&connection, added, &context));
    Ok(())
}

/// Serves `/callback` until the browser comes back, and returns its query string.
async fn wait_for_callback(listener: tokio::net::TcpListener) -> Result<String, Failure> {
    let (tx, mut rx) = mpsc::channel::<String>(1);
    let app = axum::Router::new().route(
        "/callback",
        get(move |RawQuery(query): RawQuery| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(query.unwrap_or_default()).await;
                "instagraph: you can close this tab and go back to the terminal."
            }
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let query = rx.recv().await;
    server.abort();
    query
        .ok_or_else(|| Failure::message("the callback server stopped before the browser came back"))
}

fn describe(c: &Connection, added: u64) -> serde_json::Value {
    json!({
        "company": c.company.as_str(),
        "login": format!("{:?}", c.login).to_lowercase(),
        "user_id": c.user_id,
        "user_name": c.user_name,
        "token_id": c.token_id.as_str(),
        "token_expires_at": c.token_expires_at,
        "added": added,
        "accounts": c.accounts.iter().map(|a| json!({
            "id": a.ig_user_id.as_str(),
            "username": a.username,
            "name": a.name,
            "source": format!("{:?}", a.source),
        })).collect::<Vec<_>>(),
    })
}

fn human(c: &Connection, added: u64, context: &Context) -> String {
    let rows = c
        .accounts
        .iter()
        .map(|a| {
            [
                a.ig_user_id.to_string(),
                format!("@{}", a.username.as_deref().unwrap_or("?")),
                format!("{:?}", a.source),
            ]
        })
        .collect();
    let mut text = format!(
        "Connected {} as company {}; token #{} expires {}.\nDiscovered {} accounts:\n{}",
        c.user_name.as_deref().unwrap_or(&c.user_id),
        c.company,
        c.token_id,
        c.token_expires_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "never".into()),
        c.accounts.len(),
        output::table(["id", "username", "found through"], rows),
    );
    if added > 0 {
        text.push_str(&format!("\nAdded {added} accounts."));
    } else {
        text.push_str("\nAdd them with `instagraph accounts add ID…` (or connect --add-all).");
    }
    if matches!(
        context.sandbox,
        Some(crate::context::SandboxLink::InProcess(_))
    ) {
        text.push_str(
            "\nNote: this sandbox ends with the command; run `instagraph sandbox` and pass \
             --sandbox-url to keep the connection.",
        );
    }
    text
}
