//! Trial reels and collaboration invites against the sandbox: a trial reel publishes, a post
//! naming a collaborator invites that account, the invite is listed, answered and gone.

use std::time::Duration;

use futures::TryStreamExt;
use instagraph::api::{ContainerRequest, GraduationStrategy, TrialParams, WaitOptions};
use instagraph::{AccessToken, Client, ErrorClass, IgUserId};
use instagraph_sandbox::{Login, Sandbox, SandboxConfig, TokenRequest};

const ALICE: &str = "100000000000011";
const IG_BAKERY: &str = "17841400000000001";
const IG_TRAVELS: &str = "17841400000000002";

async fn start() -> (Sandbox, Client, AccessToken) {
    let sandbox = Sandbox::builder()
        .config(SandboxConfig {
            image_processing_ms: 0,
            reel_processing_ms: 0,
            ..SandboxConfig::default()
        })
        .start()
        .await
        .expect("sandbox starts");
    let client = Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .build()
        .expect("client");
    let token = sandbox
        .issue_token(&TokenRequest {
            user_id: ALICE.into(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .expect("token")
        .access_token;
    (sandbox, client, AccessToken::new(token))
}

fn wait() -> WaitOptions {
    WaitOptions {
        initial_interval: Duration::from_millis(20),
        ..WaitOptions::with_timeout(Duration::from_secs(20))
    }
}

#[tokio::test]
async fn a_trial_reel_publishes() {
    let (sandbox, client, token) = start().await;
    let fb = client.facebook(&token);
    let publishing = fb.ig_user(IG_BAKERY).publishing();
    let before = sandbox.published_count(IG_BAKERY);
    for strategy in [
        GraduationStrategy::Manual,
        GraduationStrategy::SsPerformance,
    ] {
        let reel = ContainerRequest::reel("https://cdn.example.com/trial.mp4")
            .caption("Trying something new")
            .trial_params(TrialParams::new(strategy));
        let container = publishing.create_container(&reel).await.unwrap().id;
        fb.container(container.clone()).wait(&wait()).await.unwrap();
        publishing.publish(&container).await.unwrap();
    }
    assert_eq!(sandbox.published_count(IG_BAKERY), before + 2);
}

#[tokio::test]
async fn an_invite_is_listed_accepted_and_gone() {
    let (_sandbox, client, token) = start().await;
    let fb = client.facebook(&token);
    let bakery = fb.ig_user(IG_BAKERY).publishing();
    let image = ContainerRequest::image("https://cdn.example.com/together.jpg")
        .caption("Baked and travelled")
        .collaborator("alice.travels");
    let published = bakery.publish_image(image, wait()).await.unwrap();

    let invites = fb
        .ig_user(IgUserId::new(IG_TRAVELS))
        .collaboration_invites();
    let pending: Vec<_> = invites
        .list()
        .send()
        .await
        .unwrap()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].media_id.as_deref(),
        Some(published.media_id.as_str())
    );
    assert_eq!(
        pending[0].media_owner_username.as_deref(),
        Some("alice.bakery")
    );
    assert_eq!(pending[0].caption.as_deref(), Some("Baked and travelled"));

    assert!(invites.accept(published.media_id.clone()).await.unwrap());
    let after = invites.list().send().await.unwrap();
    assert!(after.items.is_empty(), "{:?}", after.items);
    // Answering twice is Meta's invalid parameter: not retried, named as bad input.
    let twice = invites.decline(published.media_id).await.unwrap_err();
    assert_eq!(twice.class(), ErrorClass::InvalidInput, "{twice}");
}
