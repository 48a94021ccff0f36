//! The platform reads around an account, through the SDK against the sandbox: business
//! discovery of another seeded professional account (profile, media paged to the end), an
//! unknown username and a personal account's (both not found).

use std::time::Duration;

use instagraph::{AccessToken, Client, Error, IgUserId, RetryPolicy};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};

const ALICE: &str = "100000000000011";
const IG_BAKERY: &str = "17841400000000001";
const IG_BOB: &str = "17841400000000003";

struct Env {
    _sb: Sandbox,
    client: Client,
    token: AccessToken,
}

async fn env() -> Env {
    let sb = Sandbox::start().await.expect("sandbox starts");
    let client = Client::builder()
        .app(sb.app_id(), sb.app_secret())
        .sandbox(sb.base_url())
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let token = sb
        .issue_token(&TokenRequest {
            user_id: ALICE.to_owned(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .expect("token")
        .access_token;
    Env {
        _sb: sb,
        client,
        token: AccessToken::new(token),
    }
}

#[tokio::test]
async fn business_discovery_reads_another_account_and_pages_its_media_to_the_end() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    // Usernames are matched whatever their case, as Instagram does.
    let first = me
        .business_discovery("Bob.Builds")
        .media_limit(2)
        .send()
        .await
        .expect("discovery");
    assert_eq!(first.id.as_str(), IG_BAKERY);
    let bob = &first.business_discovery;
    assert_eq!(bob.id.as_str(), IG_BOB);
    assert_eq!(bob.username.as_deref(), Some("bob.builds"));
    assert_eq!(bob.followers_count, Some(870));
    let total = bob.media_count.expect("media_count") as usize;
    let mut seen: Vec<String> = bob
        .media
        .as_ref()
        .expect("media")
        .data
        .iter()
        .map(|m| m.id.as_str().to_owned())
        .collect();
    assert_eq!(seen.len(), 2);
    let mut cursor = first.next_media_cursor().map(str::to_owned);
    let mut calls = 1;
    while let Some(after) = cursor {
        let next = me
            .business_discovery("bob.builds")
            .fields(["id"])
            .media_fields(["id", "permalink"])
            .media_limit(2)
            .media_after(after)
            .send()
            .await
            .expect("next page");
        seen.extend(
            next.business_discovery
                .media
                .iter()
                .flat_map(|m| m.data.iter().map(|m| m.id.as_str().to_owned())),
        );
        cursor = next.next_media_cursor().map(str::to_owned);
        calls += 1;
        assert!(calls <= total + 2, "paging does not end");
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (total, total));
}

#[tokio::test]
async fn unknown_and_personal_accounts_are_not_found() {
    let env = env().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    // `maya.eats` comments on the seeded media: a person, not a professional account.
    for username in ["nobody.at.all", "maya.eats"] {
        let err = me.business_discovery(username).send().await.unwrap_err();
        assert!(
            matches!(&err, Error::NotFound { id, .. } if id == username),
            "{username}: {err:?}"
        );
    }
}
