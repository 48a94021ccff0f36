//! Asking for authorize URLs in a loop (as `/instagram/auth/url` would be, by a buggy frontend or
//! an attacker with a company's key) cannot grow the store without bound: a company keeps its
//! newest `MAX_OAUTH_STATES_PER_COMPANY` states, and the oldest stop working.

mod flow_support;

use flow_support::Flow;
use instagraph::accounts::ConnectRequest;
use instagraph::error::AuthError;
use instagraph::store::MAX_OAUTH_STATES_PER_COMPANY;
use instagraph::{CompanyId, Error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authorize_urls_in_a_loop_keep_only_the_newest_states() {
    let flow = Flow::start().await;
    let company = CompanyId::new("acme");
    let extra = 5;
    let mut starts = Vec::new();
    for _ in 0..MAX_OAUTH_STATES_PER_COMPANY + extra {
        starts.push(
            flow.manager
                .start_connect(ConnectRequest::facebook(company.clone()))
                .await
                .expect("start"),
        );
    }
    let alice = flow.user_id("Alice");
    // The first ones were dropped: their callbacks are refused as unknown states.
    let oldest = flow.consent(&starts[0].url, &alice, true).await;
    match flow.manager.finish_connect(&oldest).await {
        Err(Error::Auth(AuthError::StateUnknown)) => {}
        other => panic!("the oldest state must be gone: {other:?}"),
    }
    // The newest still work.
    let newest = flow
        .consent(&starts.last().expect("some").url, &alice, true)
        .await;
    let connection = flow.manager.finish_connect(&newest).await.expect("newest");
    assert_eq!(connection.company, company);
}
