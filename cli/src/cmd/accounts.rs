//! `instagraph accounts`: the company's accounts through the core's AccountManager.

use instagraph::accounts::ConnectionStatus;
use instagraph::store::{AccountQuery, AccountRecord};
use instagraph::{AgencyClientId, IgUserId};
use serde_json::{json, Value};

use crate::args::{AccountsAction, AccountsArgs, Global};
use crate::context::Context;
use crate::output::{self, or_dash, Failure};

/// Runs one `accounts` action (default: list).
pub async fn run(global: &Global, args: AccountsArgs) -> Result<(), Failure> {
    let context = Context::open(global).await?;
    match args.action.unwrap_or(AccountsAction::List { all: false }) {
        AccountsAction::List { all } => list(global, &context, all).await,
        AccountsAction::Add { ids } => {
            let ids = ids_of(&ids)?;
            let outcome = context.accounts.add(&context.company, &ids).await?;
            changed(global, "added", outcome.updated, &outcome.unknown)
        }
        AccountsAction::Assign { client, ids } => {
            let ids = ids_of(&ids)?;
            let client = AgencyClientId::new(client.trim());
            let outcome = context
                .accounts
                .assign(&context.company, &client, &ids)
                .await?;
            changed(global, "assigned", outcome.updated, &outcome.unknown)
        }
        AccountsAction::Remove { id } => {
            let id = super::account_id(&id)?;
            context.accounts.remove(&context.company, &id).await?;
            let doc = json!({ "removed": id.as_str() });
            output::emit(global.json, &doc, || format!("Removed {id}."));
            Ok(())
        }
        AccountsAction::Status { id } => status(global, &context, id.as_deref()).await,
    }
}

fn ids_of(ids: &[String]) -> Result<Vec<IgUserId>, Failure> {
    ids.iter().map(|i| super::account_id(i)).collect()
}

fn changed(global: &Global, what: &str, updated: u64, unknown: &[IgUserId]) -> Result<(), Failure> {
    let unknown: Vec<&str> = unknown.iter().map(|i| i.as_str()).collect();
    let doc = json!({ "updated": updated, "unknown": unknown });
    output::emit(global.json, &doc, || {
        let mut text = format!("{updated} accounts {what}.");
        if !unknown.is_empty() {
            text.push_str(&format!(
                "\nNot among the company's accounts: {}",
                unknown.join(", ")
            ));
        }
        text
    });
    Ok(())
}

async fn list(global: &Global, context: &Context, all: bool) -> Result<(), Failure> {
    let (docs, rows): (Vec<Value>, Vec<[String; 6]>) = if all {
        let page = context
            .accounts
            .store()
            .backend()
            .query_accounts(
                &context.company,
                &AccountQuery::new().limit(AccountQuery::MAX_LIMIT),
            )
            .await?;
        page.items
            .iter()
            .map(|a| {
                (
                    record_json(a, None),
                    record_row(a, a.followers_count, a.account_type.as_deref()),
                )
            })
            .unzip()
    } else {
        let added = context
            .accounts
            .added(&context.company, AccountQuery::new())
            .await?;
        added
            .items
            .iter()
            .map(|a| {
                let doc = record_json(&a.account, a.live_error.as_deref());
                (doc, record_row(&a.account, a.followers(), a.account_type()))
            })
            .unzip()
    };
    let doc = json!({ "accounts": docs });
    output::emit(global.json, &doc, || {
        if rows.is_empty() {
            return "No accounts yet: `instagraph connect` first.".into();
        }
        output::table(
            ["id", "username", "type", "followers", "added", "client"],
            rows,
        )
    });
    Ok(())
}

fn record_json(a: &AccountRecord, live_error: Option<&str>) -> Value {
    json!({
        "id": a.ig_user_id.as_str(),
        "username": a.username,
        "name": a.name,
        "account_type": a.account_type,
        "followers": a.followers_count,
        "added": a.is_added,
        "client": a.assigned_client_id.as_ref().map(|c| c.as_str()),
        "token_id": a.token_id.as_ref().map(|t| t.as_str()),
        "live_error": live_error,
    })
}

fn record_row(a: &AccountRecord, followers: Option<i64>, kind: Option<&str>) -> [String; 6] {
    [
        a.ig_user_id.to_string(),
        format!("@{}", a.username.as_deref().unwrap_or("?")),
        or_dash(kind),
        or_dash(followers),
        if a.is_added { "yes" } else { "no" }.into(),
        or_dash(a.assigned_client_id.as_ref()),
    ]
}

async fn status(global: &Global, context: &Context, id: Option<&str>) -> Result<(), Failure> {
    let accounts = match id {
        Some(id) => vec![
            context
                .accounts
                .account(&context.company, &super::account_id(id)?)
                .await?,
        ],
        None => {
            context
                .accounts
                .store()
                .backend()
                .query_accounts(&context.company, &AccountQuery::new().is_added(true))
                .await?
                .items
        }
    };
    let mut docs = Vec::new();
    let mut rows = Vec::new();
    for account in &accounts {
        let Some(token_id) = &account.token_id else {
            continue;
        };
        let status = context
            .accounts
            .connection_status(&context.company, token_id)
            .await?;
        docs.push(json!({ "account": account.ig_user_id.as_str(), "token": status_json(&status) }));
        rows.push([
            account.ig_user_id.to_string(),
            format!("@{}", account.username.as_deref().unwrap_or("?")),
            status_text(&status),
        ]);
    }
    let doc = json!({ "accounts": docs });
    output::emit(global.json, &doc, || {
        output::table(["id", "username", "token"], rows)
    });
    Ok(())
}

/// A token's status as JSON (never the token).
pub fn status_json(s: &ConnectionStatus) -> Value {
    json!({
        "token_id": s.token_id.as_str(),
        "login": format!("{:?}", s.login).to_lowercase(),
        "valid": s.valid,
        "expires_at": s.expires_at,
        "scopes": s.scopes,
        "missing_scopes": s.missing_scopes,
        "reason": s.reason,
    })
}

/// A token's status in a few words.
pub fn status_text(s: &ConnectionStatus) -> String {
    let mut text = match (s.valid, s.expires_at) {
        (true, Some(at)) => format!("valid until {}", at.format("%Y-%m-%d")),
        (true, None) => "valid, does not expire".into(),
        (false, _) => format!(
            "INVALID: {}",
            s.reason.as_deref().unwrap_or("reconnect the account")
        ),
    };
    if !s.missing_scopes.is_empty() {
        text.push_str(&format!("; missing {}", s.missing_scopes.join(", ")));
    }
    text
}
