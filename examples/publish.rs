//! Publishing every kind of post, with progress, then the scheduler — against the embedded
//! sandbox, nothing reaches Meta.
//!
//! Run it with `cargo run --example publish`.

use std::error::Error as StdError;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use instagraph::accounts::ConnectRequest;
use instagraph::publisher::{
    MediaItem, MediaSource, Post, ProgressCallback, ProgressEvent, PublishOptions, Publisher,
    Scheduler,
};
use instagraph::store::{JobStatus, SealingKey, Store};
use instagraph::{AccountManager, Client, CompanyId};
use instagraph_sandbox::{Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn StdError>> {
    // A sandbox whose videos take a couple of seconds to process, as small ones do at Meta.
    let sandbox = Sandbox::builder()
        .config(SandboxConfig {
            reel_processing_ms: 2_000,
            video_processing_ms: 1_000,
            ..SandboxConfig::default()
        })
        .start()
        .await?;
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .redirect_uri("http://localhost:3000/instagram/oauth2callback")
        .build()?;
    let store = Store::memory(SealingKey::generate());
    let accounts = AccountManager::new(client, store);
    let company = CompanyId::new("acme-agency");

    // Connect Alice's accounts (the consent page is played by script).
    let start = accounts
        .start_connect(ConnectRequest::facebook(company.clone()))
        .await?;
    let alice = sandbox.seed().user("Alice").ok_or("no Alice in the seed")?;
    let callback = sandbox.consent(&start.url, &alice.id, true).await?;
    let connection = accounts.finish_connect(&callback).await?;
    let account = connection
        .accounts
        .iter()
        .find(|a| a.username.as_deref() == Some("alice.bakery"))
        .ok_or("no bakery account")?
        .ig_user_id
        .clone();
    println!("Publishing on @alice.bakery ({account})\n");

    let publisher = Publisher::new(accounts);
    let quota = publisher.quota(&company, &account).await?;
    println!(
        "Quota: {} of {} posts used in the last 24 h\n",
        quota.used, quota.total
    );

    // Every kind of post; each prints its progress as it goes.
    let video_file = sample_video_file()?;
    let posts = [
        (
            "an image",
            Post::image("https://images.example.com/croissants.jpg")
                .caption("Fresh croissants #bakery")
                .alt_text("A basket of croissants on a wooden table"),
        ),
        (
            "a carousel of 3",
            Post::carousel([
                MediaItem::image("https://images.example.com/bread-1.jpg"),
                MediaItem::image("https://images.example.com/bread-2.jpg"),
                MediaItem::video("https://videos.example.com/kneading.mp4?duration=12"),
            ])
            .caption("How our sourdough is made"),
        ),
        (
            "a reel from a URL",
            Post::reel("https://videos.example.com/oven.mp4?duration=20")
                .caption("Into the oven")
                .share_to_feed(true)
                .thumb_offset_ms(1_500),
        ),
        (
            "a reel uploaded from a local file",
            Post::reel(MediaSource::file(video_file.path())).caption("Straight from the phone"),
        ),
        (
            "a story",
            Post::story(MediaItem::image("https://images.example.com/today.jpg")),
        ),
    ];
    for (what, post) in posts {
        println!("Publishing {what}:");
        let result = publisher
            .publish(
                &company,
                &account,
                post,
                PublishOptions::new().progress(printer()),
            )
            .await?;
        println!(
            "  => media {} {}\n",
            result
                .media_id
                .map(|m| m.to_string())
                .unwrap_or_else(|| "?".into()),
            result.permalink.unwrap_or_default()
        );
    }

    // Bad input never reaches the API: the error names the field, the limit and the media.
    let too_long = Post::image("https://images.example.com/a.jpg").caption("#tag ".repeat(31));
    match publisher
        .publish(&company, &account, too_long, PublishOptions::new())
        .await
    {
        Err(e) => println!("Refused before any call: {e}\n"),
        Ok(_) => return Err("a caption with 31 hashtags was accepted".into()),
    }

    // The scheduler: posts stored for later, run by a worker (any number of workers may share
    // one store; each post is published once).
    let scheduler = Scheduler::new(publisher.clone());
    let now = Utc::now();
    let mut scheduled = Vec::new();
    for (i, caption) in ["Monday special", "Tuesday special", "Wednesday special"]
        .iter()
        .enumerate()
    {
        let post =
            Post::image(format!("https://images.example.com/special-{i}.jpg")).caption(*caption);
        let at = now + chrono::TimeDelta::seconds(i as i64 + 1);
        let job = scheduler
            .schedule(&company, &account, post, at, None)
            .await?;
        println!("Scheduled {:?} for {}", caption, at.format("%H:%M:%S"));
        scheduled.push(job);
    }
    let moved = scheduler
        .reschedule(
            &company,
            &scheduled[1].id,
            now + chrono::TimeDelta::milliseconds(500),
        )
        .await?;
    println!(
        "Rescheduled job {} to {}",
        moved.id,
        moved
            .scheduled_at
            .map(|t| t.format("%H:%M:%S%.3f").to_string())
            .unwrap_or_default()
    );
    scheduler.cancel(&company, &scheduled[2].id).await?;
    println!("Cancelled job {}", scheduled[2].id);

    let worker = scheduler.worker("example-worker");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let tick = worker.run_once().await?;
        if tick.published > 0 {
            println!("Worker published {} post(s)", tick.published);
        }
        let jobs = scheduler.list(&company, Some(JobStatus::Scheduled)).await?;
        if jobs.is_empty() || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for job in scheduler.list(&company, None).await? {
        if job.scheduled_at.is_some() {
            println!(
                "  job {}: {} {}",
                job.id,
                job.status,
                job.permalink.as_deref().unwrap_or("")
            );
        }
    }

    sandbox.shutdown().await;
    println!("\nDone.");
    Ok(())
}

/// A callback that prints each progress event on one line.
fn printer() -> ProgressCallback {
    Arc::new(|event| {
        let line = match event {
            ProgressEvent::Created {
                media,
                container_id,
            } => format!("created container {container_id} for {media}"),
            ProgressEvent::Uploading { bytes, total, .. } => {
                format!("uploading {bytes}/{total} bytes")
            }
            ProgressEvent::Processing {
                status, elapsed, ..
            } => {
                format!("processing ({status:?}, {:.1} s)", elapsed.as_secs_f64())
            }
            ProgressEvent::Ready { container_id } => format!("container {container_id} ready"),
            ProgressEvent::Published { media_id, .. } => {
                format!(
                    "published {}",
                    media_id.map(|m| m.to_string()).unwrap_or_default()
                )
            }
            other => format!("{other:?}"),
        };
        println!("  - {line}");
        let _ = std::io::stdout().flush();
    })
}

/// A small MP4-named file standing in for a video on disk.
fn sample_video_file() -> Result<tempfile::NamedTempFile, Box<dyn StdError>> {
    let mut file = tempfile::Builder::new().suffix(".mp4").tempfile()?;
    file.write_all(&vec![0u8; 3 * 1024 * 1024])?;
    file.flush()?;
    Ok(file)
}
