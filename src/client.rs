//! [`Client`]: the entry point. Cheap to clone (an `Arc` inside), one HTTP connection pool per
//! client, safe to share across tasks. Every way into the API starts in its one `impl` block:
//! the login flows, the OAuth states, the Graph API of each host (and from there every
//! handler), batches.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;

use crate::api::batch::Batch;
use crate::api::{FacebookGraph, Graph, InstagramGraph};
use crate::auth::state::OAuthStates;
use crate::auth::token::AccessToken;
use crate::auth::FacebookLogin;
use crate::auth::InstagramLogin;
use crate::config::{ApiVersion, AppSecret, Config, Host, Hosts, Mode, RetryPolicy};
use crate::error::Result;
use crate::http::GraphRequest;
use crate::rate_limit::RateLimitStatus;

/// The Instagram Graph API client.
///
/// Build one per app with [`Client::builder`] or [`Client::from_env`] and clone it freely: clones
/// share the connection pool and the rate-limit bookkeeping. The client never starts a runtime
/// of its own; it runs on whatever tokio runtime calls it.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) config: Config,
    pub(crate) http: reqwest::Client,
    /// The hashtag budget shared by every clone of this client.
    hashtag_budget: crate::api::HashtagBudget,
    /// The HMAC of `appsecret_proof`, keyed once (when the secret is known).
    pub(crate) proof_key: Option<crate::proof::ProofKey>,
    rate: Mutex<RateBook>,
}

/// The latest usage, and the `X-App-Usage` header it was read from: Meta repeats the same
/// header on call after call, and an unchanged one need not be parsed again.
#[derive(Default)]
struct RateBook {
    status: RateLimitStatus,
    last_app_header: Vec<u8>,
}

impl ClientInner {
    pub(crate) fn record_usage(
        &self,
        app: Option<&[u8]>,
        business: Option<&[u8]>,
    ) -> Option<Duration> {
        let mut book = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(raw) = app {
            if !raw.is_empty() && raw == book.last_app_header.as_slice() {
                book.status.updated_at = Some(chrono::Utc::now());
            } else {
                let parsed = book.status.record_app(raw);
                book.last_app_header.clear();
                if parsed {
                    book.last_app_header.extend_from_slice(raw);
                }
            }
        }
        business.and_then(|raw| book.status.record_business(raw))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.config.app_id)
            .field("api_version", &self.inner.config.api_version)
            .field("mode", &self.inner.config.mode)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Result<Self> {
        ClientBuilder::default().config(Config::from_env()?).build()
    }

    /// A client with the given configuration.
    pub fn with_config(config: Config) -> Result<Self> {
        ClientBuilder::default().config(config).build()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The latest usage Meta reported in `X-App-Usage` and `X-Business-Use-Case-Usage`.
    pub fn rate_limit_status(&self) -> RateLimitStatus {
        self.inner
            .rate
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .status
            .clone()
    }

    /// The 30-unique-hashtags-per-7-days budget of every account, shared by the clones of this
    /// client: pass it to `ig_user(id).hashtags().search(..)`. Persist it across restarts with
    /// [`crate::api::HashtagBudget::snapshot`] / `restore`.
    pub fn hashtag_budget(&self) -> &crate::api::HashtagBudget {
        &self.inner.hashtag_budget
    }

    /// The Facebook Login flow (graph.facebook.com).
    pub fn facebook_login(&self) -> FacebookLogin<'_> {
        FacebookLogin { client: self }
    }

    /// The Instagram Login flow (graph.instagram.com).
    pub fn instagram_login(&self) -> InstagramLogin<'_> {
        InstagramLogin { client: self }
    }

    /// The OAuth state helper with the configured [`Config::state_ttl`].
    pub fn oauth_states(&self) -> OAuthStates {
        OAuthStates::new(self.config().state_ttl)
    }

    /// The Graph API on graph.facebook.com, for a token of Facebook Login (a user or Page token).
    pub fn facebook<'a>(&'a self, token: &'a AccessToken) -> FacebookGraph<'a> {
        FacebookGraph(self.graph(Host::GraphFacebook, token))
    }

    /// The Graph API on graph.instagram.com, for a token of Instagram Login.
    pub fn instagram<'a>(&'a self, token: &'a AccessToken) -> InstagramGraph<'a> {
        InstagramGraph(self.graph(Host::GraphInstagram, token))
    }

    /// The Graph API on `host` with `token`: the calls both hosts share.
    ///
    /// `host` should be [`Host::GraphFacebook`] (Facebook Login tokens) or
    /// [`Host::GraphInstagram`] (Instagram Login tokens); default field lists follow it.
    pub fn graph<'a>(&'a self, host: Host, token: &'a AccessToken) -> Graph<'a> {
        Graph {
            client: self,
            host,
            token,
        }
    }

    /// A batch of operations on graph.facebook.com with `token`.
    pub fn batch<'a>(&'a self, token: &'a AccessToken) -> Batch<'a> {
        self.graph(Host::GraphFacebook, token).batch()
    }

    pub(crate) fn inner(&self) -> &ClientInner {
        &self.inner
    }

    pub(crate) fn request(
        &self,
        method: Method,
        host: Host,
        path: impl Into<std::borrow::Cow<'static, str>>,
    ) -> GraphRequest<'_> {
        GraphRequest::new(self, method, host, path)
    }

    pub(crate) fn get(
        &self,
        host: Host,
        path: impl Into<std::borrow::Cow<'static, str>>,
    ) -> GraphRequest<'_> {
        self.request(Method::GET, host, path)
    }

    pub(crate) fn post(
        &self,
        host: Host,
        path: impl Into<std::borrow::Cow<'static, str>>,
    ) -> GraphRequest<'_> {
        self.request(Method::POST, host, path)
    }

    pub(crate) fn delete(
        &self,
        host: Host,
        path: impl Into<std::borrow::Cow<'static, str>>,
    ) -> GraphRequest<'_> {
        self.request(Method::DELETE, host, path)
    }
}

/// Builds a [`Client`]. Every setting has a default but the app id.
#[derive(Default)]
pub struct ClientBuilder {
    config: Option<Config>,
    app_id: Option<String>,
    app_secret: Option<String>,
    api_version: Option<String>,
    hosts: Option<Hosts>,
    mode: Option<Mode>,
    redirect_uri: Option<String>,
    allowed_redirect_uris: Option<Vec<String>>,
    facebook_scopes: Option<Vec<String>>,
    instagram_scopes: Option<Vec<String>>,
    state_ttl: Option<Duration>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    max_response_bytes: Option<u64>,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("app_id", &self.app_id)
            .field("api_version", &self.api_version)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Starts from a full configuration; later setters override it.
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// The app id and secret.
    pub fn app(mut self, app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self.app_secret = Some(app_secret.into());
        self
    }

    /// The app id alone (no `appsecret_proof`, no code exchange).
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// The Graph API version, e.g. `"v26.0"`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Meta's hosts (production by default).
    pub fn hosts(mut self, hosts: Hosts) -> Self {
        self.hosts = Some(hosts);
        self
    }

    /// Talks to a sandbox at `base_url` (sets the hosts and the mode).
    pub fn sandbox(mut self, base_url: &str) -> Self {
        self.hosts = Some(Hosts::sandbox(base_url));
        self.mode = Some(Mode::Sandbox);
        self
    }

    /// The default OAuth redirect URI.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Other redirect URIs a caller may choose at connect time.
    pub fn allowed_redirect_uris<I, S>(mut self, uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_redirect_uris = Some(uris.into_iter().map(Into::into).collect());
        self
    }

    /// Default scopes of Facebook Login.
    pub fn facebook_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.facebook_scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Default scopes of Instagram Login.
    pub fn instagram_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.instagram_scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// How long an OAuth state stays valid (30 minutes by default).
    pub fn state_ttl(mut self, ttl: Duration) -> Self {
        self.state_ttl = Some(ttl);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Timeout of one HTTP attempt (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest response body the client reads, in bytes (8 MiB by default, see
    /// [`crate::config::DEFAULT_MAX_RESPONSE_BYTES`]). A larger answer fails with
    /// [`crate::Error::ResponseTooLarge`] as soon as its `Content-Length` or the bytes received
    /// so far exceed the limit; it is never read whole. A batch answer carries the bodies of all
    /// its operations: raise the limit for batches of large pages.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Uses a reqwest client of your own (proxies, custom TLS). Its pool is shared.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client. Fails with [`crate::Error::Config`] naming the
    /// setting at fault; no network call is made.
    pub fn build(self) -> Result<Client> {
        let mut config = match (self.config, &self.app_id) {
            (Some(c), _) => c,
            (None, Some(id)) => Config::new(id.clone()),
            (None, None) => return Err(crate::Error::config("app_id", "is not set")),
        };
        if let Some(id) = self.app_id {
            config.app_id = id;
        }
        if let Some(secret) = self.app_secret {
            config.app_secret = Some(AppSecret::new(secret));
        }
        if let Some(v) = self.api_version {
            config.api_version = ApiVersion::parse(&v)?;
        }
        if let Some(h) = self.hosts {
            config.hosts = h;
        }
        if let Some(m) = self.mode {
            config.mode = m;
        }
        if let Some(r) = self.redirect_uri {
            config.redirect_uri = Some(r);
        }
        if let Some(list) = self.allowed_redirect_uris {
            config.allowed_redirect_uris = list;
        }
        if let Some(s) = self.facebook_scopes {
            config.facebook_scopes = s;
        }
        if let Some(s) = self.instagram_scopes {
            config.instagram_scopes = s;
        }
        if let Some(t) = self.state_ttl {
            config.state_ttl = t;
        }
        if let Some(r) = self.retry {
            config.retry = r;
        }
        if let Some(t) = self.timeout {
            config.request_timeout = t;
        }
        if let Some(n) = self.max_response_bytes {
            config.max_response_bytes = n;
        }
        config.validate()?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(config.request_timeout)
                .pool_idle_timeout(Duration::from_secs(90))
                .tcp_nodelay(true)
                .user_agent(concat!("instagraph/", env!("CARGO_PKG_VERSION")))
                // Meta never redirects API calls; the OAuth redirects are read, not followed.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| crate::Error::config("http_client", e.to_string()))?,
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                hashtag_budget: crate::api::HashtagBudget::new(),
                proof_key: config
                    .app_secret
                    .as_ref()
                    .map(|secret| crate::proof::ProofKey::new(secret.expose())),
                config,
                http,
                rate: Mutex::new(RateBook::default()),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_refuses_bad_settings_without_network() {
        let e = Client::builder().app("", "s").build().unwrap_err();
        assert!(e.to_string().contains("app_id"), "{e}");
        let e = Client::builder()
            .app("1", "s")
            .api_version("latest")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("api_version"), "{e}");
        let e = Client::builder()
            .app("1", "s")
            .redirect_uri("not a url")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("redirect_uri"), "{e}");
        let c = Client::builder()
            .app("1", "s")
            .sandbox("http://127.0.0.1:1")
            .build()
            .unwrap();
        assert_eq!(c.config().mode, Mode::Sandbox);
        assert!(!format!("{c:?}").contains('s') || !format!("{c:?}").contains("\"s\""));
    }
}
