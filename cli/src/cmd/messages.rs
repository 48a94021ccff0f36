//! `instagraph messages`: an account's conversations, each with its latest messages.

use serde_json::json;

use crate::args::{Global, MessagesArgs};
use crate::context::Context;
use crate::output::{self, or_dash, Failure};

/// Lists the conversations and their `--last` messages.
pub async fn run(global: &Global, args: MessagesArgs) -> Result<(), Failure> {
    let account_id = super::account_id(&args.account)?;
    let context = Context::open(global).await?;
    let access = context
        .accounts
        .access(&context.company, &account_id)
        .await?;
    let graph = access.graph(&context.client);
    let conversations = graph
        .ig_user(account_id.clone())
        .messages()
        .conversations()
        .send()
        .await?;
    let mut docs = Vec::new();
    let mut text = String::new();
    for conversation in &conversations.items {
        let messages = graph
            .conversation(conversation.id.clone())
            .messages()
            .limit(args.last.clamp(1, 20))
            .send()
            .await?;
        let who: Vec<String> = conversation
            .participants
            .as_ref()
            .map(|p| {
                p.data
                    .iter()
                    .map(|u| format!("@{}", u.username.as_deref().unwrap_or(&u.id)))
                    .collect()
            })
            .unwrap_or_default();
        let with = if who.is_empty() {
            String::new()
        } else {
            format!(" with {}", who.join(", "))
        };
        text.push_str(&format!(
            "Conversation {}{with} (updated {})\n",
            conversation.id,
            or_dash(conversation.updated_time.as_deref()),
        ));
        // Meta serves the newest first; a conversation reads oldest first.
        for m in messages.iter().rev() {
            let from = m
                .from
                .as_ref()
                .map(|f| f.username.clone().unwrap_or_else(|| f.id.clone()));
            text.push_str(&format!(
                "  [{}] @{}: {}\n",
                or_dash(m.created_time.as_deref()),
                from.as_deref().unwrap_or("?"),
                m.message.as_deref().unwrap_or("(attachment)"),
            ));
        }
        docs.push(json!({ "conversation": conversation, "messages": messages }));
    }
    let doc = json!({ "account": account_id.as_str(), "conversations": docs });
    output::emit(global.json, &doc, || {
        if text.is_empty() {
            "No conversations.".into()
        } else {
            text
        }
    });
    Ok(())
}
