//! `instagraph comments`: comments on an account's latest media, filtered by the core's
//! moderation filter (`--unanswered`: not yet replied to by the account).

use futures::TryStreamExt;
use instagraph::api::models::Comment;
use instagraph::api::moderation::{filter_comments, CommentFilter, MODERATION_FIELDS};
use serde_json::json;

use crate::args::{CommentsArgs, Global};
use crate::context::Context;
use crate::output::{self, or_dash, Failure};

/// Lists the comments of the account's `--media` latest media.
pub async fn run(global: &Global, args: CommentsArgs) -> Result<(), Failure> {
    let account_id = super::account_id(&args.account)?;
    let context = Context::open(global).await?;
    let account = context
        .accounts
        .account(&context.company, &account_id)
        .await?;
    let access = context
        .accounts
        .access(&context.company, &account_id)
        .await?;
    let graph = access.graph(&context.client);
    let media = graph
        .ig_user(account_id.clone())
        .media()
        .list()
        .fields(["id", "caption", "permalink", "timestamp"])
        .limit(args.media.clamp(1, 50))
        .send()
        .await?;
    let mut filter = CommentFilter::new();
    if args.unanswered {
        let username = account.username.clone().ok_or_else(|| {
            Failure::message("the account's username is not known yet")
                .hint("`instagraph accounts list` reads it")
        })?;
        filter = filter.unanswered_by_username(username);
    }
    let mut docs = Vec::new();
    let mut text = String::new();
    for item in media.items.iter().take(args.media as usize) {
        let first = graph
            .media(item.id.clone())
            .comments()
            .fields([MODERATION_FIELDS])
            .limit(50)
            .send()
            .await?;
        let comments: Vec<Comment> = filter_comments(first.into_stream(), filter.clone())
            .try_collect()
            .await?;
        let caption = item
            .caption
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(60)
            .collect::<String>();
        text.push_str(&format!(
            "{} {} — {} comment(s)\n",
            item.id,
            if caption.is_empty() {
                "(no caption)".into()
            } else {
                format!("{caption:?}")
            },
            comments.len()
        ));
        for c in &comments {
            text.push_str(&format!(
                "  @{}: {}  [{} · {}]\n",
                c.username.as_deref().unwrap_or("?"),
                c.text.as_deref().unwrap_or(""),
                c.id,
                or_dash(c.timestamp.as_deref()),
            ));
        }
        docs.push(json!({ "media_id": item.id.as_str(), "permalink": item.permalink, "comments": comments }));
    }
    let doc = json!({ "account": account_id.as_str(), "media": docs });
    output::emit(global.json, &doc, || {
        if text.is_empty() {
            "No media.".into()
        } else {
            text
        }
    });
    Ok(())
}
