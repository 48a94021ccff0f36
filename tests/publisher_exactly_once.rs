//! The exactly-once acceptance test: against the sandbox with 30% of `media_publish` answers lost
//! after the post is made and 10% transient errors on every other call, 200 publishes across 10
//! accounts make exactly 200 posts — none twice, none missing.

mod flow_support;

use std::collections::HashSet;
use std::time::Duration;

use flow_support::{client_builder, Flow};
use futures::stream::{self, StreamExt};
use instagraph::publisher::{
    Post, PublishOptions, PublishResult, Publisher, PublisherConfig, WaitPolicy,
};
use instagraph::{CompanyId, IgUserId, RetryPolicy};
use instagraph_sandbox::{Faults, LostPublishMode, Sandbox, SandboxConfig};

const POSTS: usize = 200;
const ACCOUNTS: usize = 10;

fn quick_wait() -> WaitPolicy {
    WaitPolicy {
        first_poll: Duration::from_millis(20),
        factor: 2.0,
        max_interval: Duration::from_millis(200),
        timeout: Duration::from_secs(30),
    }
}

/// Publishes with the same key until the publisher reports success, as a caller would after an
/// error whose outcome it cannot know.
async fn publish_until_done(
    publisher: &Publisher,
    company: &CompanyId,
    account: &IgUserId,
    n: usize,
) -> (PublishResult, u32) {
    let post = Post::image(format!("https://images.example.com/batch/{n}.jpg"))
        .caption(format!("Post number {n} #exactlyonce"));
    let mut calls = 0;
    loop {
        calls += 1;
        let options = PublishOptions::new().idempotency_key(format!("post-{n}"));
        match publisher
            .publish(company, account, post.clone(), options)
            .await
        {
            Ok(result) => return (result, calls),
            Err(e) => {
                assert!(
                    calls < 20,
                    "post {n} still failing after {calls} calls: {e}"
                );
                assert!(
                    e.class().is_retryable()
                        || matches!(
                            e.class(),
                            instagraph::ErrorClass::NotReady | instagraph::ErrorClass::Unknown
                        ),
                    "post {n}: an error a retry cannot fix: {e:?}"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_publishes_under_lost_answers_and_transient_errors_make_two_hundred_posts() {
    let sandbox = Sandbox::builder()
        .config(SandboxConfig {
            extra_instagram_accounts: ACCOUNTS as u32,
            app_call_budget_per_hour: 0,
            business_call_budget_per_day: 0,
            image_processing_ms: 30,
            ..SandboxConfig::default()
        })
        .start()
        .await
        .unwrap();
    let client = client_builder(&sandbox)
        .retry(RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            max_throttle_wait: Duration::from_secs(1),
        })
        .build()
        .unwrap();
    let flow = Flow::with_client(sandbox, client);
    let company = CompanyId::new("acme");
    let connection = flow
        .connect_facebook(&company, &flow.user_id("Alice"))
        .await;
    let accounts: Vec<IgUserId> = flow
        .sandbox
        .seed()
        .instagram_accounts
        .iter()
        .filter(|a| a.username.starts_with("load."))
        .map(|a| IgUserId::new(a.id.clone()))
        .collect();
    assert_eq!(accounts.len(), ACCOUNTS);
    for account in &accounts {
        assert!(
            connection.accounts.iter().any(|a| &a.ig_user_id == account),
            "{account} discovered"
        );
    }

    let publisher = Publisher::with_config(
        flow.manager.clone(),
        PublisherConfig {
            image_wait: quick_wait(),
            video_wait: quick_wait(),
            ..PublisherConfig::default()
        },
    );
    flow.sandbox.set_faults(Faults {
        lost_publish_rate: 0.3,
        lost_publish_mode: LostPublishMode::Drop,
        transient_rate: 0.1,
        seed: Some(20261126),
        ..Faults::default()
    });

    let results: Vec<(usize, PublishResult, u32)> = stream::iter(0..POSTS)
        .map(|n| {
            let publisher = publisher.clone();
            let company = company.clone();
            let account = accounts[n % ACCOUNTS].clone();
            async move {
                let (result, calls) = publish_until_done(&publisher, &company, &account, n).await;
                (n, result, calls)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    flow.sandbox.set_faults(Faults::default());

    // The sandbox holds exactly one post per publish.
    let per_account: Vec<usize> = accounts
        .iter()
        .map(|a| flow.sandbox.published_count(a.as_str()))
        .collect();
    assert_eq!(
        per_account,
        vec![POSTS / ACCOUNTS; ACCOUNTS],
        "posts per account"
    );
    assert_eq!(per_account.iter().sum::<usize>(), POSTS);

    // Every result names its own media; the faults really happened and were recovered from.
    let media: HashSet<_> = results
        .iter()
        .filter_map(|(_, r, _)| r.media_id.clone())
        .collect();
    let recovered = results
        .iter()
        .filter(|(_, r, _)| r.media_id.is_some())
        .count();
    assert_eq!(media.len(), recovered, "no media id is shared by two posts");
    assert!(
        recovered >= POSTS * 9 / 10,
        "media ids recovered for {recovered} of {POSTS}"
    );
    let retried_by_caller = results.iter().filter(|(_, _, calls)| *calls > 1).count();
    println!(
        "{POSTS} posts, {} media ids known, {retried_by_caller} needed the caller to publish again, call counts {:?}",
        media.len(),
        flow.sandbox.call_counts()
    );

    // Publishing every key again changes nothing and answers the stored results.
    for (n, first, _) in results.iter().take(20) {
        let again = publisher
            .publish(
                &company,
                &accounts[n % ACCOUNTS],
                Post::image(format!("https://images.example.com/batch/{n}.jpg"))
                    .caption(format!("Post number {n} #exactlyonce")),
                PublishOptions::new().idempotency_key(format!("post-{n}")),
            )
            .await
            .unwrap();
        assert!(again.replayed);
        assert_eq!(again.media_id, first.media_id);
    }
    assert_eq!(
        accounts
            .iter()
            .map(|a| flow.sandbox.published_count(a.as_str()))
            .sum::<usize>(),
        POSTS
    );
}
