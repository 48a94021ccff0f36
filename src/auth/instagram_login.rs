//! Instagram API with Instagram Login (Business Login for Instagram): the authorize page on
//! www.instagram.com, the code exchange on api.instagram.com, tokens on graph.instagram.com.

use chrono::Utc;

use crate::auth::facebook_login::clean_code;
use crate::auth::flow::{self, AuthorizeRequest, AuthorizeUrl, LoginFinish, LoginStart};
use crate::auth::state::CallbackParams;
use crate::auth::token::AccessToken;
use crate::auth::tokens::{LongLivedToken, RawInstagramCode, RawToken, ShortLivedToken, TokenInfo};
use crate::client::Client;
use crate::config::Host;
use crate::error::{AuthError, Error, Result};
use crate::http::GraphRequest;
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::{LoginKind, OAuthStateStore};

/// Instagram Login. Get one with [`Client::instagram_login`].
#[derive(Debug, Clone, Copy)]
pub struct InstagramLogin<'c> {
    pub(crate) client: &'c Client,
}

impl<'c> InstagramLogin<'c> {
    /// The authorize URL:
    /// `{instagram_authorize}/oauth/authorize?client_id&redirect_uri&response_type=code&scope&state`
    /// plus `force_authentication=1` and `enable_fb_login=0|1` when asked. Pure: no network, no
    /// store.
    ///
    /// Fails with [`Error::InvalidInput`] for a redirect URI outside the configured list (the
    /// message lists the allowed ones), a malformed scope or state, or a Facebook-only option
    /// (`rerequest`, `config_id`).
    pub fn authorize_url(&self, request: AuthorizeRequest) -> Result<AuthorizeUrl> {
        if request.rerequest || request.config_id.is_some() {
            return Err(Error::invalid(
                "authorize_request",
                "rerequest and config_id are Facebook Login options",
            ));
        }
        let config = self.client.config();
        let resolved = flow::resolve(self.client, &request, &config.instagram_scopes)?;
        let scope = resolved.scopes.join(",");
        let mut query: Vec<(&str, &str)> = vec![
            ("client_id", &config.app_id),
            ("redirect_uri", &resolved.redirect_uri),
            ("response_type", "code"),
            ("scope", &scope),
            ("state", &request.state),
        ];
        if request.force_authentication {
            query.push(("force_authentication", "1"));
        }
        if let Some(enable) = request.enable_fb_login {
            query.push(("enable_fb_login", if enable { "1" } else { "0" }));
        }
        let url = flow::build_url(
            config.hosts.get(Host::InstagramAuthorize),
            "oauth/authorize",
            &query,
        )?;
        Ok(AuthorizeUrl {
            url,
            state: request.state,
            redirect_uri: resolved.redirect_uri,
            scopes: resolved.scopes,
        })
    }

    /// Starts a login for `company`: issues a state in `store` bound to the company, the
    /// redirect URI and the scopes, and returns the authorize URL carrying it. Leave
    /// `request.state` empty. Nothing is stored when the request is invalid.
    pub async fn begin<S>(
        &self,
        store: &S,
        company: &CompanyId,
        client_id: Option<&AgencyClientId>,
        request: AuthorizeRequest,
    ) -> Result<LoginStart>
    where
        S: OAuthStateStore + ?Sized,
    {
        flow::begin(
            self.client,
            store,
            company,
            client_id,
            LoginKind::Instagram,
            request,
            |r| self.authorize_url(r),
        )
        .await
    }

    /// Finishes a login from its callback: consumes the state (single use; see
    /// [`crate::auth::OAuthStates::consume_state`] for the errors), checks it was issued by
    /// Instagram Login (and for `company`, when given), then exchanges the code with the
    /// state's redirect URI.
    pub async fn finish<S>(
        &self,
        store: &S,
        callback: &CallbackParams,
        company: Option<&CompanyId>,
    ) -> Result<LoginFinish>
    where
        S: OAuthStateStore + ?Sized,
    {
        let state =
            flow::finish_state(self.client, store, callback, company, LoginKind::Instagram).await?;
        let token = self
            .exchange_code(&callback.code, &state.redirect_uri)
            .await?;
        Ok(LoginFinish { state, token })
    }

    /// Exchanges an authorization code: `POST {instagram_api}/oauth/access_token` with the form
    /// `client_id, client_secret, grant_type=authorization_code, redirect_uri, code`. Reads
    /// both `{"data":[{…}]}` and the flat answer; a trailing `#_` on the code is dropped.
    ///
    /// Never retried (a code is single use). "Matching code was not found or was already
    /// used" gives [`AuthError::CodeReused`]; other code errors [`AuthError::CodeInvalid`].
    /// Needs the app secret.
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<ShortLivedToken> {
        let code = clean_code(code)?;
        if redirect_uri.trim().is_empty() {
            return Err(Error::invalid("redirect_uri", "is empty"));
        }
        let secret = flow::app_secret(self.client, "the code exchange")?;
        let request = self
            .client
            .post(Host::InstagramApi, "oauth/access_token")
            .form("client_id", self.client.config().app_id.as_str())
            .form("client_secret", secret)
            .form("grant_type", "authorization_code")
            .form("redirect_uri", redirect_uri)
            .form("code", code)
            .retry_safe(false);
        let answer: RawInstagramCode = flow::send_secret(request).await.map_err(map_code_error)?;
        let raw = answer.into_token().ok_or_else(|| {
            Error::invalid(
                "code",
                "Meta answered the code exchange with an empty data list",
            )
        })?;
        Ok(raw.short_lived(Utc::now()))
    }

    /// Trades a short-lived Instagram user token for a long-lived one (60 days):
    /// `GET {graph_instagram}/access_token?grant_type=ig_exchange_token&client_secret&access_token`
    /// (unversioned, as Meta documents it). Needs the app secret.
    pub async fn exchange_long_lived(&self, short: &AccessToken) -> Result<LongLivedToken> {
        if short.is_blank() {
            return Err(Error::invalid("access_token", "is empty"));
        }
        let secret = flow::app_secret(self.client, "the long-lived token exchange")?;
        let request = self
            .unversioned("access_token")?
            .query("grant_type", "ig_exchange_token")
            .query("client_secret", secret)
            .token(short);
        let raw: RawToken = flow::send_secret(request).await?;
        Ok(raw.long_lived(Utc::now()))
    }

    /// Refreshes a long-lived token (at least 24 hours old and unexpired) for another 60 days:
    /// `GET {graph_instagram}/refresh_access_token?grant_type=ig_refresh_token&access_token`.
    pub async fn refresh(&self, token: &AccessToken) -> Result<LongLivedToken> {
        if token.is_blank() {
            return Err(Error::invalid("access_token", "is empty"));
        }
        let request = self
            .unversioned("refresh_access_token")?
            .query("grant_type", "ig_refresh_token")
            .token(token);
        let raw: RawToken = flow::send_secret(request).await?;
        Ok(raw.long_lived(Utc::now()))
    }

    /// What Meta knows about a token:
    /// `GET {graph_facebook}/{v}/debug_token?input_token&access_token=APPID|APPSECRET`.
    /// Needs the app secret.
    pub async fn debug_token(&self, input: &AccessToken) -> Result<TokenInfo> {
        flow::debug_token(self.client, input).await
    }

    /// Revokes the app's permissions (disconnect): `DELETE {graph_instagram}/{v}/me/permissions`.
    pub async fn revoke(&self, user_token: &AccessToken) -> Result<()> {
        flow::revoke(self.client, Host::GraphInstagram, user_token).await
    }

    /// A GET on graph.instagram.com outside the versioned tree (the token endpoints).
    fn unversioned(&self, path: &str) -> Result<GraphRequest<'c>> {
        let base = self.client.config().hosts.get(Host::GraphInstagram);
        let url = format!("{}/{path}", base.trim_end_matches('/'));
        GraphRequest::follow(self.client, Host::GraphInstagram, &url)
    }
}

/// api.instagram.com answers a bad code with `{"error_type":"OAuthException","code":400,
/// "error_message":…}`; Graph-shaped code-100 errors are read the same way. Errors about the
/// app itself (client id or secret) are left as they are.
fn map_code_error(err: Error) -> Error {
    match &err {
        Error::Graph { error, status, .. }
            if (400..500).contains(status) && matches!(error.code, 100 | 400) =>
        {
            let message = error.message.to_ascii_lowercase();
            if message.contains("already used") || message.contains("has been used") {
                AuthError::CodeReused.into()
            } else if [
                "client_secret",
                "client secret",
                "client_id",
                "platform app",
            ]
            .iter()
            .any(|m| message.contains(m))
            {
                err
            } else {
                AuthError::CodeInvalid(error.to_string()).into()
            }
        }
        _ => err,
    }
}
