//! `Client` and its configuration.

use std::sync::Arc;

use crate::error::{sdk, Result};

/// How a [`Client`] is set up. Only `app_id` is required.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ClientConfig {
    /// The Meta app id.
    pub app_id: String,
    /// The app secret (`appsecret_proof`, code exchange). A mobile app normally leaves it out
    /// and lets its backend exchange codes; the sandbox needs it.
    #[uniffi(default = None)]
    pub app_secret: Option<String>,
    /// The Graph API version, e.g. `v26.0`.
    #[uniffi(default = None)]
    pub api_version: Option<String>,
    /// The sandbox's base URL: set it to talk to a sandbox instead of Meta.
    #[uniffi(default = None)]
    pub sandbox_url: Option<String>,
    /// The default OAuth redirect URI.
    #[uniffi(default = None)]
    pub redirect_uri: Option<String>,
    /// Other redirect URIs a caller may pick.
    #[uniffi(default = [])]
    pub allowed_redirect_uris: Vec<String>,
    /// Facebook Login scopes (empty: the SDK's defaults).
    #[uniffi(default = [])]
    pub scopes: Vec<String>,
}

/// A configured client: one connection pool, shared by every manager built on it.
#[derive(uniffi::Object)]
pub struct Client {
    pub(crate) inner: instagraph::Client,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.config().app_id)
            .finish()
    }
}

#[uniffi::export]
impl Client {
    /// Builds a client; bad configuration fails here, before any network call (the core's
    /// checks: `argument` names the setting, e.g. `app_id` or `hosts` for a bad `sandbox_url`).
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>> {
        const WHAT: &str = "Client.new";
        let mut builder = instagraph::Client::builder().app_id(config.app_id.clone());
        if let Some(secret) = config.app_secret {
            builder = builder.app(config.app_id, secret);
        }
        if let Some(version) = config.api_version {
            builder = builder.api_version(version);
        }
        if let Some(url) = config.sandbox_url {
            builder = builder.sandbox(&url);
        }
        if let Some(uri) = config.redirect_uri {
            builder = builder.redirect_uri(uri);
        }
        if !config.allowed_redirect_uris.is_empty() {
            builder = builder.allowed_redirect_uris(config.allowed_redirect_uris);
        }
        if !config.scopes.is_empty() {
            builder = builder.facebook_scopes(config.scopes);
        }
        let inner = builder.build().map_err(|e| sdk(WHAT, e))?;
        Ok(Arc::new(Self { inner }))
    }

    /// Builds a client from the `INSTAGRAM_*` environment variables.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        let inner = instagraph::Client::from_env().map_err(|e| sdk("Client.from_env", e))?;
        Ok(Arc::new(Self { inner }))
    }

    /// The app id.
    pub fn app_id(&self) -> String {
        self.inner.config().app_id.clone()
    }
}
