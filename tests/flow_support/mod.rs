//! Shared setup of the flow tests: a sandbox, a client for it, a store and the scripted consent.

#![allow(dead_code)]

use instagraph::accounts::{ConnectRequest, Connection};
use instagraph::store::{SealingKey, Store};
use instagraph::{AccountManager, Client, ClientBuilder, CompanyId, RetryPolicy};
use instagraph_sandbox::Sandbox;

pub const REDIRECT: &str = "http://localhost:3000/instagram/oauth2callback";

pub struct Flow {
    pub sandbox: Sandbox,
    pub client: Client,
    pub store: Store,
    pub manager: AccountManager,
}

pub fn client_builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder()
        .app(sandbox.app_id(), sandbox.app_secret())
        .sandbox(sandbox.base_url())
        .redirect_uri(REDIRECT)
        .retry(RetryPolicy {
            initial_backoff: std::time::Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

impl Flow {
    pub async fn start() -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox starts");
        let client = client_builder(&sandbox).build().expect("client");
        Self::with_client(sandbox, client)
    }

    pub fn with_client(sandbox: Sandbox, client: Client) -> Self {
        let store = Store::memory(SealingKey::generate());
        let manager = AccountManager::new(client.clone(), store.clone());
        Self {
            sandbox,
            client,
            store,
            manager,
        }
    }

    pub fn user_id(&self, first_name: &str) -> String {
        self.sandbox
            .seed()
            .user(first_name)
            .expect("seeded user")
            .id
            .clone()
    }

    /// The callback query Meta would send after `user_id` answers the consent page.
    pub async fn consent(&self, authorize_url: &str, user_id: &str, approve: bool) -> String {
        let location = self
            .sandbox
            .consent(authorize_url, user_id, approve)
            .await
            .expect("the consent page redirects");
        location.split_once('?').expect("a query").1.to_owned()
    }

    /// Connects `user_id` for `company` through Facebook Login.
    pub async fn connect_facebook(&self, company: &CompanyId, user_id: &str) -> Connection {
        let start = self
            .manager
            .start_connect(ConnectRequest::facebook(company.clone()))
            .await
            .expect("start");
        let query = self.consent(&start.url, user_id, true).await;
        self.manager.finish_connect(&query).await.expect("finish")
    }

    /// Connects the Instagram-Login-capable account `ig_user_id` for `company`.
    pub async fn connect_instagram(&self, company: &CompanyId, ig_user_id: &str) -> Connection {
        let start = self
            .manager
            .start_connect(ConnectRequest::instagram(company.clone()))
            .await
            .expect("start");
        let query = self.consent(&start.url, ig_user_id, true).await;
        self.manager.finish_connect(&query).await.expect("finish")
    }
}
