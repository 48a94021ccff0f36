//! Configuration: the app, the API version, Meta's hosts, scopes and retry policy.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};

/// The Graph API version used when none is configured. The one place the version is written.
pub const DEFAULT_API_VERSION: &str = "v26.0";

/// The default scopes of Facebook Login, used when `INSTAGRAM_SCOPES` is not set: what the old
/// service asked for (profile, Pages, business portfolios, publishing), plus what the SDK's
/// comments, insights, messages and media deletes need.
pub const DEFAULT_FACEBOOK_SCOPES: &[&str] = &[
    "email",
    "public_profile",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "instagram_manage_contents",
];

/// The default scopes of Instagram Login.
pub const DEFAULT_INSTAGRAM_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_messages",
    "instagram_business_manage_insights",
];

/// How long an OAuth state stays valid by default (the old service's 30 minutes).
pub const DEFAULT_STATE_TTL: Duration = Duration::from_secs(30 * 60);

/// The largest response body the pipeline reads by default: 8 MiB. Meta's answers are far
/// smaller (a page of 100 media with every field is a few hundred KiB), so a bigger body is a
/// misbehaving server, not data.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// A Graph API version such as `v26.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersion(String);

impl ApiVersion {
    /// Parses `vN.M` (a leading `v` is added when missing).
    pub fn parse(version: &str) -> Result<Self> {
        let v = version.trim();
        let v = v.strip_prefix('v').unwrap_or(v);
        let valid = v
            .split_once('.')
            .map(|(major, minor)| {
                !major.is_empty()
                    && !minor.is_empty()
                    && major.bytes().all(|b| b.is_ascii_digit())
                    && minor.bytes().all(|b| b.is_ascii_digit())
            })
            .unwrap_or(false);
        if valid {
            Ok(Self(format!("v{v}")))
        } else {
            Err(Error::config(
                "api_version",
                format!("{version:?} is not a Graph API version like \"{DEFAULT_API_VERSION}\""),
            ))
        }
    }

    /// The version as it appears in paths.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        Self(DEFAULT_API_VERSION.to_owned())
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which Meta environment the client talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Meta's real hosts.
    #[default]
    Production,
    /// The local sandbox (`instagraph-sandbox`).
    Sandbox,
}

/// Every Meta host the SDK talks to, as base URLs without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosts {
    /// Graph API for Facebook Login (`https://graph.facebook.com`).
    pub graph_facebook: String,
    /// Graph API for Instagram Login (`https://graph.instagram.com`).
    pub graph_instagram: String,
    /// The Facebook Login dialog (`https://www.facebook.com`).
    pub facebook_dialog: String,
    /// The Instagram Login authorize page (`https://www.instagram.com`).
    pub instagram_authorize: String,
    /// Instagram Login's code exchange (`https://api.instagram.com`).
    pub instagram_api: String,
    /// Resumable video uploads (`https://rupload.facebook.com`).
    pub rupload: String,
}

impl Hosts {
    /// Meta's production hosts.
    pub fn production() -> Self {
        Self {
            graph_facebook: "https://graph.facebook.com".into(),
            graph_instagram: "https://graph.instagram.com".into(),
            facebook_dialog: "https://www.facebook.com".into(),
            instagram_authorize: "https://www.instagram.com".into(),
            instagram_api: "https://api.instagram.com".into(),
            rupload: "https://rupload.facebook.com".into(),
        }
    }

    /// The hosts of a sandbox listening at `base_url` (e.g. `http://127.0.0.1:4010`): each Meta
    /// host is served under a path prefix named after it.
    pub fn sandbox(base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/');
        let at = |host: &str| format!("{base}/{host}");
        Self {
            graph_facebook: at("graph.facebook.com"),
            graph_instagram: at("graph.instagram.com"),
            facebook_dialog: at("www.facebook.com"),
            instagram_authorize: at("www.instagram.com"),
            instagram_api: at("api.instagram.com"),
            rupload: at("rupload.facebook.com"),
        }
    }

    /// Every host at one base URL: a single mock server (wiremock) standing in for all of Meta.
    pub fn uniform(base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/').to_owned();
        Self {
            graph_facebook: base.clone(),
            graph_instagram: base.clone(),
            facebook_dialog: base.clone(),
            instagram_authorize: base.clone(),
            instagram_api: base.clone(),
            rupload: base,
        }
    }

    /// Base URL of a host.
    pub fn get(&self, host: Host) -> &str {
        match host {
            Host::GraphFacebook => &self.graph_facebook,
            Host::GraphInstagram => &self.graph_instagram,
            Host::FacebookDialog => &self.facebook_dialog,
            Host::InstagramAuthorize => &self.instagram_authorize,
            Host::InstagramApi => &self.instagram_api,
            Host::Rupload => &self.rupload,
        }
    }

    fn validate(&self) -> Result<()> {
        for host in Host::ALL {
            let url = self.get(host);
            let parsed = url::Url::parse(url).map_err(|e| {
                Error::config(
                    "hosts",
                    format!("{} is not a URL ({url:?}): {e}", host.label()),
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::config(
                    "hosts",
                    format!("{} must be http(s), got {url:?}", host.label()),
                ));
            }
        }
        Ok(())
    }
}

impl Default for Hosts {
    fn default() -> Self {
        Self::production()
    }
}

/// One of Meta's hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// graph.facebook.com
    GraphFacebook,
    /// graph.instagram.com
    GraphInstagram,
    /// www.facebook.com (login dialog)
    FacebookDialog,
    /// www.instagram.com (login authorize)
    InstagramAuthorize,
    /// api.instagram.com (code exchange)
    InstagramApi,
    /// rupload.facebook.com (resumable upload)
    Rupload,
}

impl Host {
    const ALL: [Host; 6] = [
        Host::GraphFacebook,
        Host::GraphInstagram,
        Host::FacebookDialog,
        Host::InstagramAuthorize,
        Host::InstagramApi,
        Host::Rupload,
    ];

    /// The production host name, used in logs and error contexts.
    pub fn label(self) -> &'static str {
        match self {
            Host::GraphFacebook => "graph.facebook.com",
            Host::GraphInstagram => "graph.instagram.com",
            Host::FacebookDialog => "www.facebook.com",
            Host::InstagramAuthorize => "www.instagram.com",
            Host::InstagramApi => "api.instagram.com",
            Host::Rupload => "rupload.facebook.com",
        }
    }
}

/// The app secret. Debug never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct AppSecret(String);

impl AppSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for HMACs and code exchanges.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppSecret(****)")
    }
}

impl Drop for AppSecret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// How the pipeline retries transient and throttled failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries).
    pub max_attempts: u32,
    /// First backoff; doubled each attempt, then jittered.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff.
    pub max_backoff: Duration,
    /// The longest wait the pipeline accepts for a throttled call
    /// (`estimated_time_to_regain_access`); longer waits are returned as errors instead.
    pub max_throttle_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_throttle_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The backoff before attempt `attempt + 1` (attempt counts from 1): exponential, capped,
    /// with "full jitter" so that many clients retrying together spread out.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_backoff);
        let millis = capped.as_millis().max(1) as u64;
        Duration::from_millis(rand::Rng::gen_range(
            &mut rand::thread_rng(),
            millis / 2..=millis,
        ))
    }
}

/// Everything a [`crate::Client`] needs to know. Built by [`crate::ClientBuilder`] or
/// [`Config::from_env`].
#[derive(Debug, Clone)]
pub struct Config {
    /// The Meta app id.
    pub app_id: String,
    /// The app secret; when known, every call carries `appsecret_proof`.
    pub app_secret: Option<AppSecret>,
    /// The Graph API version.
    pub api_version: ApiVersion,
    /// Production or sandbox.
    pub mode: Mode,
    /// Meta's hosts.
    pub hosts: Hosts,
    /// The default OAuth redirect URI.
    pub redirect_uri: Option<String>,
    /// Redirect URIs a caller may ask for besides the default (the app's allowed list).
    pub allowed_redirect_uris: Vec<String>,
    /// Scopes requested by Facebook Login when the caller names none.
    pub facebook_scopes: Vec<String>,
    /// Scopes requested by Instagram Login when the caller names none.
    pub instagram_scopes: Vec<String>,
    /// How long an OAuth state is valid.
    pub state_ttl: Duration,
    /// Retry policy of the request pipeline.
    pub retry: RetryPolicy,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    /// The largest response body read, in bytes ([`DEFAULT_MAX_RESPONSE_BYTES`] by default): a
    /// larger one fails with [`Error::ResponseTooLarge`] without being read into memory.
    pub max_response_bytes: u64,
}

impl Config {
    /// A configuration for `app_id` with every other setting at its default (production hosts).
    pub fn new(app_id: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            app_secret: None,
            api_version: ApiVersion::default(),
            mode: Mode::Production,
            hosts: Hosts::production(),
            redirect_uri: None,
            allowed_redirect_uris: Vec::new(),
            facebook_scopes: DEFAULT_FACEBOOK_SCOPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            instagram_scopes: DEFAULT_INSTAGRAM_SCOPES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            state_ttl: DEFAULT_STATE_TTL,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(30),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Reads the configuration from the process environment:
    /// `INSTAGRAM_APP_ID` / `INSTAGRAM_APP_SECRET` (aliases `FACEBOOK_APP_ID` / `FACEBOOK_APP_SECRET`),
    /// `INSTAGRAM_API_VERSION`, `INSTAGRAM_MODE` (`production` | `sandbox`; sandbox needs
    /// `INSTAGRAM_SANDBOX_URL`), `INSTAGRAM_REDIRECT_URI`, `INSTAGRAM_ALLOWED_REDIRECT_URIS`
    /// (comma-separated) and `INSTAGRAM_SCOPES` (comma-separated; defaults to [`DEFAULT_FACEBOOK_SCOPES`]).
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and bindings).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let app_id = get("INSTAGRAM_APP_ID")
            .or_else(|| get("FACEBOOK_APP_ID"))
            .ok_or_else(|| {
                Error::config(
                    "INSTAGRAM_APP_ID",
                    "not set (nor its alias FACEBOOK_APP_ID)",
                )
            })?;
        let mut config = Config::new(app_id);
        config.app_secret = get("INSTAGRAM_APP_SECRET")
            .or_else(|| get("FACEBOOK_APP_SECRET"))
            .map(AppSecret::new);
        if let Some(v) = get("INSTAGRAM_API_VERSION") {
            config.api_version = ApiVersion::parse(&v)?;
        }
        match get("INSTAGRAM_MODE")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("production") => {}
            Some("sandbox") => {
                let url = get("INSTAGRAM_SANDBOX_URL").ok_or_else(|| {
                    Error::config(
                        "INSTAGRAM_SANDBOX_URL",
                        "INSTAGRAM_MODE=sandbox needs the sandbox's base URL",
                    )
                })?;
                config.mode = Mode::Sandbox;
                config.hosts = Hosts::sandbox(&url);
            }
            Some(other) => {
                return Err(Error::config(
                    "INSTAGRAM_MODE",
                    format!("{other:?} is neither \"production\" nor \"sandbox\""),
                ))
            }
        }
        config.redirect_uri = get("INSTAGRAM_REDIRECT_URI");
        if let Some(list) = get("INSTAGRAM_ALLOWED_REDIRECT_URIS") {
            config.allowed_redirect_uris = split_list(&list);
        }
        if let Some(scopes) = get("INSTAGRAM_SCOPES") {
            config.facebook_scopes = split_list(&scopes);
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks the configuration; called by the builder and [`Config::from_env`].
    pub fn validate(&self) -> Result<()> {
        if self.app_id.trim().is_empty() {
            return Err(Error::config("app_id", "is empty"));
        }
        if !self.app_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::config(
                "app_id",
                format!("{:?} is not a Meta app id (digits only)", self.app_id),
            ));
        }
        if matches!(&self.app_secret, Some(s) if s.expose().trim().is_empty()) {
            return Err(Error::config("app_secret", "is empty"));
        }
        self.hosts.validate()?;
        for uri in self.redirect_uri.iter().chain(&self.allowed_redirect_uris) {
            let parsed = url::Url::parse(uri)
                .map_err(|e| Error::config("redirect_uri", format!("{uri:?}: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::config(
                    "redirect_uri",
                    format!("{uri:?} must be http(s)"),
                ));
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(Error::config("retry.max_attempts", "must be at least 1"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes", "must be at least 1"));
        }
        Ok(())
    }

    /// Whether `uri` is the default redirect URI or in the allowed list.
    pub fn is_allowed_redirect(&self, uri: &str) -> bool {
        self.redirect_uri.as_deref() == Some(uri)
            || self.allowed_redirect_uris.iter().any(|u| u == uri)
    }
}

fn split_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn env_aliases_mode_and_scopes() {
        let c = Config::from_lookup(env(&[
            ("FACEBOOK_APP_ID", "123"),
            ("FACEBOOK_APP_SECRET", "s3cret"),
            ("INSTAGRAM_MODE", "sandbox"),
            ("INSTAGRAM_SANDBOX_URL", "http://127.0.0.1:9/"),
            ("INSTAGRAM_API_VERSION", "25.0"),
        ]))
        .unwrap();
        assert_eq!(c.app_id, "123");
        assert_eq!(c.app_secret.as_ref().unwrap().expose(), "s3cret");
        assert_eq!(c.api_version.as_str(), "v25.0");
        assert_eq!(c.mode, Mode::Sandbox);
        assert_eq!(
            c.hosts.graph_facebook,
            "http://127.0.0.1:9/graph.facebook.com"
        );
        assert_eq!(c.facebook_scopes.len(), DEFAULT_FACEBOOK_SCOPES.len());
        let c = Config::from_lookup(env(&[
            ("INSTAGRAM_APP_ID", "1"),
            ("INSTAGRAM_SCOPES", "a, b"),
        ]))
        .unwrap();
        assert_eq!(c.facebook_scopes, vec!["a", "b"]);
        assert_eq!(c.hosts, Hosts::production());
    }

    #[test]
    fn env_errors_name_the_variable() {
        let e = Config::from_lookup(env(&[])).unwrap_err();
        assert!(e.to_string().contains("INSTAGRAM_APP_ID"), "{e}");
        let e = Config::from_lookup(env(&[("INSTAGRAM_APP_ID", "1"), ("INSTAGRAM_MODE", "dev")]))
            .unwrap_err();
        assert!(e.to_string().contains("INSTAGRAM_MODE"), "{e}");
        let e = Config::from_lookup(env(&[
            ("INSTAGRAM_APP_ID", "1"),
            ("INSTAGRAM_MODE", "sandbox"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("INSTAGRAM_SANDBOX_URL"), "{e}");
    }

    #[test]
    fn versions_and_backoff() {
        assert!(ApiVersion::parse("v26.0").is_ok());
        assert!(ApiVersion::parse("latest").is_err());
        let p = RetryPolicy::default();
        for attempt in 1..10 {
            let b = p.backoff(attempt);
            assert!(b <= p.max_backoff, "{b:?}");
        }
        assert!(format!("{:?}", AppSecret::new("topsecret"))
            .find("topsecret")
            .is_none());
    }
}
