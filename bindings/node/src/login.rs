//! `FacebookLogin` / `InstagramLogin`: the low-level OAuth steps, for callers who keep tokens
//! themselves (`AccountManager` chains them and stores the tokens sealed).
//!
//! Tokens go back to JavaScript only as results the caller asked for; no error message ever
//! carries one (the SDK's errors never quote a token, and the arguments checked here are
//! reported by name only).

use chrono::{DateTime, Utc};
use instagraph::auth::{self, AuthorizeRequest, LongLivedToken, ShortLivedToken};
use instagraph::AccessToken;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::convert::required;
use crate::error::{guard, guard_sync, sdk_error};

/// What to put in an authorize URL (`authorizeUrl`).
#[napi(object)]
pub struct AuthorizeOptions {
    /// The `state` parameter (yours to generate and check; non-empty visible ASCII).
    pub state: String,
    /// One of the client's allowed redirect URIs (default: the client's).
    pub redirect_uri: Option<String>,
    /// Scopes to ask for (default: the client's for the flow).
    pub scopes: Option<Vec<String>>,
    /// Facebook Login: ask again for declined permissions (`auth_type=rerequest`).
    pub rerequest: Option<bool>,
    /// Facebook Login for Business: the login configuration id (digits).
    pub config_id: Option<String>,
    /// Instagram Login: make the user log in again (`force_authentication=1`).
    pub force_authentication: Option<bool>,
    /// Instagram Login: offer "Log in with Facebook" or not (`enable_fb_login`).
    pub enable_fb_login: Option<bool>,
}

fn time(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(DateTime::to_rfc3339)
}

fn request(options: AuthorizeOptions) -> napi::Result<AuthorizeRequest> {
    required("options.state", &options.state)?;
    let mut request = AuthorizeRequest::new(options.state);
    if let Some(uri) = options.redirect_uri {
        required("options.redirectUri", &uri)?;
        request = request.redirect_uri(uri);
    }
    if let Some(scopes) = options.scopes {
        request = request.scopes(scopes);
    }
    if let Some(yes) = options.rerequest {
        request = request.rerequest(yes);
    }
    if let Some(id) = options.config_id {
        request = request.config_id(id);
    }
    if let Some(yes) = options.force_authentication {
        request = request.force_authentication(yes);
    }
    if let Some(yes) = options.enable_fb_login {
        request = request.enable_fb_login(yes);
    }
    Ok(request)
}

/// An authorize URL (`authorizeUrl`).
#[napi(object, use_nullable = true)]
pub struct AuthorizeUrl {
    /// The URL to send the user to.
    pub url: String,
    /// The `state` it carries.
    pub state: String,
    /// The redirect URI the callback will come to.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
}

impl From<auth::AuthorizeUrl> for AuthorizeUrl {
    fn from(url: auth::AuthorizeUrl) -> Self {
        Self {
            url: url.url,
            state: url.state,
            redirect_uri: url.redirect_uri,
            scopes: url.scopes,
        }
    }
}

/// A token from a login step (the caller's own to keep safe).
#[napi(object, use_nullable = true)]
pub struct LoginToken {
    /// The token itself.
    pub access_token: String,
    /// `bearer`, when Meta says.
    pub token_type: Option<String>,
    /// Seconds until it expires, as Meta said.
    pub expires_in: Option<i64>,
    /// When it expires.
    pub expires_at: Option<String>,
    /// The Instagram user id (Instagram Login).
    pub user_id: Option<String>,
    /// The permissions granted (Instagram Login).
    pub permissions: Vec<String>,
}

impl LoginToken {
    fn new(
        token: &AccessToken,
        token_type: &Option<String>,
        expires_in: Option<u64>,
        expires_at: &Option<DateTime<Utc>>,
        user_id: &Option<String>,
        permissions: &[String],
    ) -> Self {
        Self {
            access_token: token.expose().to_owned(),
            token_type: token_type.clone(),
            expires_in: expires_in.map(crate::convert::number),
            expires_at: time(expires_at),
            user_id: user_id.clone(),
            permissions: permissions.to_vec(),
        }
    }
}

fn short(t: &ShortLivedToken) -> LoginToken {
    LoginToken::new(
        &t.access_token,
        &t.token_type,
        t.expires_in,
        &t.expires_at,
        &t.user_id,
        &t.permissions,
    )
}

fn long(t: &LongLivedToken) -> LoginToken {
    LoginToken::new(
        &t.access_token,
        &t.token_type,
        t.expires_in,
        &t.expires_at,
        &t.user_id,
        &t.permissions,
    )
}

/// A scope granted for some targets only (Pages, IG accounts).
#[napi(object, use_nullable = true)]
pub struct GranularScope {
    /// The permission.
    pub scope: String,
    /// The ids it is granted for.
    pub target_ids: Vec<String>,
}

/// Why Meta considers a token invalid.
#[napi(object, use_nullable = true)]
pub struct TokenInfoError {
    /// Meta's error code.
    pub code: i64,
    /// Meta's message.
    pub message: String,
    /// Meta's error subcode.
    pub subcode: Option<i64>,
}

/// What `debugToken` says about a token (holds no token).
#[napi(object, use_nullable = true)]
pub struct TokenInfo {
    /// The app the token is for.
    pub app_id: Option<String>,
    /// `USER`, `PAGE`, ...
    #[napi(js_name = "type")]
    pub kind: Option<String>,
    /// The app's name.
    pub application: Option<String>,
    /// When it expires (`null`: never).
    pub expires_at: Option<String>,
    /// When its data access expires.
    pub data_access_expires_at: Option<String>,
    /// When it was issued.
    pub issued_at: Option<String>,
    /// Whether Meta accepts it.
    pub is_valid: bool,
    /// The permissions granted.
    pub scopes: Vec<String>,
    /// Permissions granted for some targets only.
    pub granular_scopes: Vec<GranularScope>,
    /// The user it belongs to.
    pub user_id: Option<String>,
    /// The Page or IG account it belongs to.
    pub profile_id: Option<String>,
    /// Why it is invalid.
    pub error: Option<TokenInfoError>,
}

fn info(i: &auth::TokenInfo) -> TokenInfo {
    TokenInfo {
        app_id: i.app_id.clone(),
        kind: i.kind.clone(),
        application: i.application.clone(),
        expires_at: time(&i.expires_at),
        data_access_expires_at: time(&i.data_access_expires_at),
        issued_at: time(&i.issued_at),
        is_valid: i.is_valid,
        scopes: i.scopes.clone(),
        granular_scopes: i
            .granular_scopes
            .iter()
            .map(|g| GranularScope {
                scope: g.scope.clone(),
                target_ids: g.target_ids.clone(),
            })
            .collect(),
        user_id: i.user_id.clone(),
        profile_id: i.profile_id.clone(),
        error: i.error.as_ref().map(|e| TokenInfoError {
            code: e.code,
            message: e.message.clone(),
            subcode: e.subcode,
        }),
    }
}

/// Facebook Login's steps (graph.facebook.com). Get one with `client.facebookLogin()`.
#[napi]
pub struct FacebookLogin {
    pub(crate) client: instagraph::Client,
}

#[napi]
impl FacebookLogin {
    /// The login dialog URL (no network, no store): `{ url, state, redirectUri, scopes }`.
    /// The Instagram-only options are refused.
    #[napi]
    pub fn authorize_url(&self, options: AuthorizeOptions) -> Result<AuthorizeUrl> {
        const WHAT: &str = "FacebookLogin.authorizeUrl";
        guard_sync(WHAT, || {
            let url = self
                .client
                .facebook_login()
                .authorize_url(request(options)?)
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(AuthorizeUrl::from(url))
        })
    }

    /// Exchanges the callback's code (single use) for a short-lived user token.
    ///
    /// Core: FacebookLogin::exchange_code
    #[napi]
    pub async fn exchange_code(&self, code: String, redirect_uri: String) -> Result<LoginToken> {
        const WHAT: &str = "FacebookLogin.exchangeCode";
        guard(WHAT, async {
            required("code", &code)?;
            required("redirectUri", &redirect_uri)?;
            let token = self
                .client
                .facebook_login()
                .exchange_code(&code, &redirect_uri)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(short(&token))
        })
        .await
    }

    /// Trades a short-lived user token for a long-lived one (about 60 days).
    ///
    /// Core: FacebookLogin::exchange_long_lived
    #[napi]
    pub async fn exchange_long_lived(&self, short_token: String) -> Result<LoginToken> {
        const WHAT: &str = "FacebookLogin.exchangeLongLived";
        guard(WHAT, async {
            required("shortToken", &short_token)?;
            let token = self
                .client
                .facebook_login()
                .exchange_long_lived(&AccessToken::new(short_token))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(long(&token))
        })
        .await
    }

    /// What Meta knows about a token (`debug_token`; holds no token).
    ///
    /// Core: FacebookLogin::debug_token
    #[napi]
    pub async fn debug_token(&self, token: String) -> Result<TokenInfo> {
        const WHAT: &str = "FacebookLogin.debugToken";
        guard(WHAT, async {
            required("token", &token)?;
            let out = self
                .client
                .facebook_login()
                .debug_token(&AccessToken::new(token))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(info(&out))
        })
        .await
    }

    /// Revokes every permission the user granted the app (`DELETE /me/permissions`).
    ///
    /// Core: FacebookLogin::revoke
    #[napi]
    pub async fn revoke(&self, user_token: String) -> Result<()> {
        const WHAT: &str = "FacebookLogin.revoke";
        guard(WHAT, async {
            required("userToken", &user_token)?;
            self.client
                .facebook_login()
                .revoke(&AccessToken::new(user_token))
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }
}

/// Instagram Login's steps (graph.instagram.com). Get one with `client.instagramLogin()`.
#[napi]
pub struct InstagramLogin {
    pub(crate) client: instagraph::Client,
}

#[napi]
impl InstagramLogin {
    /// The authorize URL (no network, no store): `{ url, state, redirectUri, scopes }`.
    /// The Facebook-only options (`rerequest`, `configId`) are refused.
    #[napi]
    pub fn authorize_url(&self, options: AuthorizeOptions) -> Result<AuthorizeUrl> {
        const WHAT: &str = "InstagramLogin.authorizeUrl";
        guard_sync(WHAT, || {
            let url = self
                .client
                .instagram_login()
                .authorize_url(request(options)?)
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(AuthorizeUrl::from(url))
        })
    }

    /// Exchanges the callback's code (single use; a trailing `#_` is dropped) for a
    /// short-lived Instagram user token (with `userId` and `permissions`).
    ///
    /// Core: InstagramLogin::exchange_code
    #[napi]
    pub async fn exchange_code(&self, code: String, redirect_uri: String) -> Result<LoginToken> {
        const WHAT: &str = "InstagramLogin.exchangeCode";
        guard(WHAT, async {
            required("code", &code)?;
            required("redirectUri", &redirect_uri)?;
            let token = self
                .client
                .instagram_login()
                .exchange_code(&code, &redirect_uri)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(short(&token))
        })
        .await
    }

    /// Trades a short-lived Instagram user token for a long-lived one (60 days).
    ///
    /// Core: InstagramLogin::exchange_long_lived
    #[napi]
    pub async fn exchange_long_lived(&self, short_token: String) -> Result<LoginToken> {
        const WHAT: &str = "InstagramLogin.exchangeLongLived";
        guard(WHAT, async {
            required("shortToken", &short_token)?;
            let token = self
                .client
                .instagram_login()
                .exchange_long_lived(&AccessToken::new(short_token))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(long(&token))
        })
        .await
    }

    /// Refreshes a long-lived token (at least 24 hours old, unexpired) for another 60 days.
    ///
    /// Core: InstagramLogin::refresh
    #[napi]
    pub async fn refresh(&self, long_lived_token: String) -> Result<LoginToken> {
        const WHAT: &str = "InstagramLogin.refresh";
        guard(WHAT, async {
            required("longLivedToken", &long_lived_token)?;
            let token = self
                .client
                .instagram_login()
                .refresh(&AccessToken::new(long_lived_token))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(long(&token))
        })
        .await
    }

    /// What Meta knows about a token (`debug_token` on graph.facebook.com; holds no token).
    ///
    /// Core: InstagramLogin::debug_token
    #[napi]
    pub async fn debug_token(&self, token: String) -> Result<TokenInfo> {
        const WHAT: &str = "InstagramLogin.debugToken";
        guard(WHAT, async {
            required("token", &token)?;
            let out = self
                .client
                .instagram_login()
                .debug_token(&AccessToken::new(token))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(info(&out))
        })
        .await
    }

    /// Revokes the app's permissions (`DELETE graph.instagram.com/me/permissions`).
    ///
    /// Core: InstagramLogin::revoke
    #[napi]
    pub async fn revoke(&self, user_token: String) -> Result<()> {
        const WHAT: &str = "InstagramLogin.revoke";
        guard(WHAT, async {
            required("userToken", &user_token)?;
            self.client
                .instagram_login()
                .revoke(&AccessToken::new(user_token))
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }
}
