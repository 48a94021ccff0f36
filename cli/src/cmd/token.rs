//! `instagraph token`: what Meta says of the stored tokens (the core's `connection_status`),
//! and the refresh sweep (`sweep_tokens`).

use std::time::Duration;

use instagraph::TokenId;
use serde_json::json;

use crate::args::{Global, TokenAction, TokenArgs};
use crate::cmd::accounts::{status_json, status_text};
use crate::context::Context;
use crate::output::{self, Failure};

/// Runs `token debug` or `token refresh`.
pub async fn run(global: &Global, args: TokenArgs) -> Result<(), Failure> {
    let context = Context::open(global).await?;
    match args.action {
        TokenAction::Debug { token } => {
            let ids: Vec<TokenId> = match token {
                Some(id) => vec![TokenId::new(id.trim())],
                None => context
                    .accounts
                    .store()
                    .backend()
                    .list_tokens(&context.company)
                    .await?
                    .into_iter()
                    .map(|t| t.id)
                    .collect(),
            };
            let mut docs = Vec::new();
            let mut rows = Vec::new();
            for id in &ids {
                let status = context
                    .accounts
                    .connection_status(&context.company, id)
                    .await?;
                docs.push(status_json(&status));
                rows.push([
                    id.to_string(),
                    format!("{:?}", status.login).to_lowercase(),
                    status_text(&status),
                    status.scopes.len().to_string(),
                ]);
            }
            let doc = json!({ "tokens": docs });
            output::emit(global.json, &doc, || {
                if rows.is_empty() {
                    return "No stored tokens: `instagraph connect` first.".into();
                }
                output::table(["token", "login", "status", "scopes granted"], rows)
            });
        }
        TokenAction::Refresh { days } => {
            let within = Duration::from_secs(days.saturating_mul(86_400));
            let report = context
                .accounts
                .sweep_tokens(&context.company, within)
                .await?;
            let doc = json!({
                "refreshed": report.refreshed.iter().map(|(id, expires)| json!({
                    "token_id": id.as_str(), "expires_at": expires,
                })).collect::<Vec<_>>(),
                "reconnect": report.reconnect.iter().map(|r| json!({
                    "token_id": r.token_id.as_str(),
                    "login": format!("{:?}", r.login).to_lowercase(),
                    "subject_id": r.subject_id,
                    "expires_at": r.expires_at,
                    "reason": r.reason,
                })).collect::<Vec<_>>(),
            });
            output::emit(global.json, &doc, || {
                let mut text = format!(
                    "Refreshed {} token(s) expiring within {days} days.",
                    report.refreshed.len()
                );
                for r in &report.reconnect {
                    text.push_str(&format!(
                        "\nToken #{} of {} needs a reconnect: {}",
                        r.token_id, r.subject_id, r.reason
                    ));
                }
                text
            });
        }
    }
    Ok(())
}
