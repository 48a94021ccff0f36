//! `instagraph publish`: the core's Publisher (validation, containers, upload, processing,
//! publish, exactly once) with its progress events drawn; `--at` hands the post to the
//! Scheduler instead.

use chrono::{DateTime, Utc};
use futures::StreamExt;
use instagraph::publisher::{
    progress_channel, Post, PostKind, PublishOptions, PublishResult, Publisher, Scheduler,
};
use serde_json::json;

use crate::args::{Global, PostKindArg, PublishArgs};
use crate::context::Context;
use crate::output::{self, Failure};
use crate::progress::ProgressView;

/// Validates the post (before anything else), then publishes it or schedules it.
pub async fn run(global: &Global, args: PublishArgs) -> Result<(), Failure> {
    let kind = match args.kind {
        PostKindArg::Image => PostKind::Image,
        PostKindArg::Carousel => PostKind::Carousel,
        PostKindArg::Reel => PostKind::Reel,
        PostKindArg::Story => PostKind::Story,
    };
    let mut post = Post::from_media_args(kind, &args.media);
    if let Some(caption) = args.caption {
        post = post.caption(caption);
    }
    if let Some(alt) = args.alt_text {
        post = post.alt_text(alt);
    }
    post.validate()?;
    let at = args.at.as_deref().map(parse_time).transpose()?;
    let account = super::account_id(&args.account)?;
    let context = Context::open(global).await?;
    let publisher = Publisher::new(context.accounts.clone());
    if let Some(at) = at {
        let job = Scheduler::new(publisher)
            .schedule(&context.company, &account, post, at, args.idempotency_key)
            .await?;
        let doc = super::schedule::job_json(&job);
        output::emit(global.json, &doc, || {
            format!(
                "Scheduled job {} for {}; `instagraph schedule run` publishes it when due.",
                job.id,
                at.to_rfc3339()
            )
        });
        return Ok(());
    }
    let (callback, mut events) = progress_channel();
    let mut options = PublishOptions::new().progress(callback);
    if let Some(key) = args.idempotency_key {
        options = options.idempotency_key(key);
    }
    let display = tokio::spawn(async move {
        let mut view = ProgressView::for_stderr();
        while let Some(event) = events.next().await {
            view.show(&event);
        }
        view.finish();
    });
    let result = publisher
        .publish(&context.company, &account, post, options)
        .await;
    // The publish dropped its callback: the stream has ended, the view drains and stops.
    let _ = display.await;
    let result = result?;
    let doc = result_json(&result);
    output::emit(global.json, &doc, || {
        format!(
            "Published{}: {}",
            if result.replayed {
                " (earlier, same key)"
            } else {
                ""
            },
            result
                .permalink
                .as_deref()
                .or(result.media_id.as_ref().map(|m| m.as_str()))
                .unwrap_or("(no permalink returned)")
        )
    });
    Ok(())
}

/// An RFC 3339 time (`2026-12-24T09:00:00Z`, `2026-12-24T10:00:00+01:00`).
fn parse_time(text: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Failure::message(format!("--at {text:?} is not an RFC 3339 time ({e})"))
                .hint("e.g. --at 2026-12-24T09:00:00Z")
        })
}

fn result_json(r: &PublishResult) -> serde_json::Value {
    json!({
        "job_id": r.job_id.as_str(),
        "idempotency_key": r.idempotency_key,
        "media_id": r.media_id.as_ref().map(|m| m.as_str()),
        "permalink": r.permalink,
        "container_id": r.container_id.as_ref().map(|c| c.as_str()),
        "item_containers": r.item_containers.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "replayed": r.replayed,
    })
}
