//! `Client`: the configured SDK client.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::convert::camel_keys;
use crate::error::{binding_error, guard_sync, sdk_error, type_error};
use crate::login::{FacebookLogin, InstagramLogin};

/// The configuration object of `new Client(config)`.
#[napi(object)]
pub struct ClientConfig {
    /// The Meta app id (required).
    pub app_id: String,
    /// The app secret (`appsecret_proof`, code exchange).
    pub app_secret: Option<String>,
    /// The Graph API version, e.g. `v26.0`.
    pub api_version: Option<String>,
    /// `production` (default) or `sandbox`.
    pub mode: Option<String>,
    /// The sandbox's base URL (sandbox mode).
    pub sandbox_url: Option<String>,
    /// The default OAuth redirect URI.
    pub redirect_uri: Option<String>,
    /// Other redirect URIs a caller may pick.
    pub allowed_redirect_uris: Option<Vec<String>>,
    /// Facebook Login scopes.
    pub scopes: Option<Vec<String>>,
}

/// A configured client (cheap to share between managers).
#[napi]
pub struct Client {
    pub(crate) inner: instagraph::Client,
}

#[napi]
impl Client {
    /// Builds a client from a config object; bad configuration throws before any network call.
    #[napi(constructor)]
    pub fn new(config: ClientConfig) -> Result<Self> {
        guard_sync("new Client", || {
            if config.app_id.trim().is_empty() {
                return Err(type_error("config.appId", "is empty"));
            }
            let mut builder = instagraph::Client::builder().app_id(config.app_id.clone());
            if let Some(secret) = config.app_secret {
                builder = builder.app(config.app_id, secret);
            }
            if let Some(version) = config.api_version {
                builder = builder.api_version(version);
            }
            match config
                .mode
                .as_deref()
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                None | Some("production") if config.sandbox_url.is_none() => {}
                None | Some("sandbox") | Some("production") => {
                    if config.mode.as_deref() == Some("production") {
                        return Err(type_error(
                            "config.sandboxUrl",
                            "is only allowed with mode \"sandbox\"",
                        ));
                    }
                    let url = config.sandbox_url.as_deref().ok_or_else(|| {
                        type_error("config.sandboxUrl", "is required with mode \"sandbox\"")
                    })?;
                    builder = builder.sandbox(url);
                }
                Some(other) => {
                    return Err(type_error(
                        "config.mode",
                        format!("{other:?} is neither \"production\" nor \"sandbox\""),
                    ))
                }
            }
            if let Some(uri) = config.redirect_uri {
                builder = builder.redirect_uri(uri);
            }
            if let Some(uris) = config.allowed_redirect_uris {
                builder = builder.allowed_redirect_uris(uris);
            }
            if let Some(scopes) = config.scopes {
                builder = builder.facebook_scopes(scopes);
            }
            let inner = builder.build().map_err(|e| sdk_error("new Client", e))?;
            Ok(Self { inner })
        })
    }

    /// Builds a client from the `INSTAGRAM_*` environment variables.
    #[napi(factory, writable = true, configurable = true)]
    pub fn from_env() -> Result<Self> {
        guard_sync("Client.fromEnv", || {
            let inner =
                instagraph::Client::from_env().map_err(|e| sdk_error("Client.fromEnv", e))?;
            Ok(Self { inner })
        })
    }

    /// The app id.
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.inner.config().app_id.clone()
    }

    /// Facebook Login's low-level steps (authorize URL, code exchange, long-lived token,
    /// `debug_token`, revoke).
    #[napi]
    pub fn facebook_login(&self) -> FacebookLogin {
        FacebookLogin {
            client: self.inner.clone(),
        }
    }

    /// Instagram Login's low-level steps (the same, plus `refresh`).
    #[napi]
    pub fn instagram_login(&self) -> InstagramLogin {
        InstagramLogin {
            client: self.inner.clone(),
        }
    }

    /// The latest usage Meta reported in `X-App-Usage` and `X-Business-Use-Case-Usage`:
    /// `{ app?, business: { [objectId]: usage[] }, updatedAt? }`, keys in camelCase.
    ///
    /// Core: Client::rate_limit_status
    #[napi(ts_return_type = "Record<string, unknown>")]
    pub fn rate_limit_status(&self) -> Result<serde_json::Value> {
        const WHAT: &str = "Client.rateLimitStatus";
        guard_sync(WHAT, || {
            let status = serde_json::to_value(self.inner.rate_limit_status())
                .map_err(|e| binding_error(WHAT, e))?;
            Ok(camel_keys(status))
        })
    }
}
