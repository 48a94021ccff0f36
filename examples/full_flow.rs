//! The whole flow in one process, with no Meta app: an embedded sandbox of the Graph API and the
//! SQLite store.
//!
//! authorize URL → scripted consent → callback → long-lived token → discover → add two accounts →
//! assign one to a client → list added accounts with live details → publish an image → permalink.
//!
//! Run it with `cargo run --example full_flow`.

use std::error::Error as StdError;

use instagraph::accounts::ConnectRequest;
use instagraph::api::{ContainerRequest, WaitOptions};
use instagraph::store::{AccountQuery, AccountSortField, SealingKey, Store};
use instagraph::{AccountManager, AgencyClientId, Client, CompanyId};
use instagraph_sandbox::Sandbox;

const REDIRECT_URI: &str = "http://localhost:3000/instagram/oauth2callback";

#[tokio::main]
async fn main() -> Result<(), Box<dyn StdError>> {
    // 1. A local imitation of Meta's hosts, seeded with users, Pages and IG accounts.
    let sandbox = Sandbox::start().await?;
    println!("1. Sandbox running at {}", sandbox.base_url());

    // 2. The SDK: a client for the sandbox's app, and a SQLite file for tokens and accounts.
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .redirect_uri(REDIRECT_URI)
        .build()?;
    let db = std::env::temp_dir().join(format!("instagraph-full-flow-{}.db", std::process::id()));
    // The sealing key would come from your secret manager; tokens are encrypted with it.
    let store = Store::sqlite(&db, SealingKey::generate()).await?;
    println!(
        "2. Client ready (API {}), store at {}",
        client.config().api_version,
        db.display()
    );
    let accounts = AccountManager::new(client.clone(), store);
    let company = CompanyId::new("acme-agency");

    // 3. The agency user clicks "Connect Instagram": we get an authorize URL with a stored state.
    let start = accounts
        .start_connect(ConnectRequest::facebook(company.clone()))
        .await?;
    println!("3. Authorize URL: {}", start.url);
    println!("   asks for: {}", start.scopes.join(", "));

    // 4. In a browser the user would see the consent page; here Alice approves by script.
    let alice = sandbox
        .seed()
        .user("Alice")
        .ok_or("the sandbox has no Alice")?;
    let callback = sandbox.consent(&start.url, &alice.id, true).await?;
    println!(
        "4. {} approved; Meta redirects to {}",
        alice.name,
        redact_code(&callback)
    );

    // 5. The callback: state checked (single use), code exchanged, long-lived token stored sealed,
    //    accounts discovered through Pages and the business portfolio.
    let connection = accounts.finish_connect(&callback).await?;
    println!(
        "5. Connected {} ({}); long-lived token #{} expires {}",
        connection.user_name.as_deref().unwrap_or("?"),
        connection.email.as_deref().unwrap_or("no email"),
        connection.token_id,
        connection
            .token_expires_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "never".into())
    );
    println!(
        "6. Discovered {} Instagram accounts:",
        connection.accounts.len()
    );
    for account in &connection.accounts {
        println!(
            "   - @{} ({}, via {:?})",
            account.username.as_deref().unwrap_or("?"),
            account.ig_user_id,
            account.source
        );
    }

    // 7. The user picks two of them.
    let picked: Vec<_> = connection
        .accounts
        .iter()
        .take(2)
        .map(|a| a.ig_user_id.clone())
        .collect();
    let added = accounts.add(&company, &picked).await?;
    println!("7. Added {} accounts", added.updated);

    // 8. One goes to a client of the agency.
    let bakery_client = AgencyClientId::new("client-sunrise-bakery");
    accounts
        .assign(&company, &bakery_client, &picked[..1])
        .await?;
    println!("8. Assigned {} to {}", picked[0], bakery_client);

    // 9. The account list, with live details read from the API.
    let list = accounts
        .added(
            &company,
            AccountQuery::new().sort_by(AccountSortField::Username, false),
        )
        .await?;
    println!("9. {} added accounts:", list.total);
    for item in &list.items {
        println!(
            "   - @{}: {} followers, {}, client {}",
            item.username().unwrap_or("?"),
            item.followers()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into()),
            item.account_type().unwrap_or("professional"),
            item.assigned_client().map(|c| c.as_str()).unwrap_or("none")
        );
    }

    // 10. Publish an image on the assigned account: container, wait until ready, publish.
    let access = accounts.access(&company, &picked[0]).await?;
    let published = access
        .graph(&client)
        .ig_user(picked[0].clone())
        .publishing()
        .publish_image(
            ContainerRequest::image("https://images.example.com/croissants.jpg")
                .caption("Fresh croissants this morning #bakery"),
            WaitOptions::default(),
        )
        .await?;
    println!(
        "10. Published media {} (container {})",
        published.media_id, published.container_id
    );
    println!(
        "    permalink: {}",
        published.permalink.as_deref().unwrap_or("(not returned)")
    );

    sandbox.shutdown().await;
    let _ = std::fs::remove_file(&db);
    println!("Done.");
    Ok(())
}

/// The callback URL with its one-time code shortened, for printing.
fn redact_code(callback: &str) -> String {
    match callback.find("code=") {
        Some(i) => {
            let end = callback[i..]
                .find('&')
                .map(|j| i + j)
                .unwrap_or(callback.len());
            format!("{}code=…{}", &callback[..i], &callback[end..])
        }
        None => callback.to_owned(),
    }
}
