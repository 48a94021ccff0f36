//! Instagram API with Facebook Login: the dialog on www.facebook.com, tokens from
//! graph.facebook.com, Instagram accounts reached through Pages and business portfolios.

use chrono::Utc;

use crate::auth::flow::{self, AuthorizeRequest, AuthorizeUrl, LoginFinish, LoginStart};
use crate::auth::state::CallbackParams;
use crate::auth::token::AccessToken;
use crate::auth::tokens::{LongLivedToken, RawToken, ShortLivedToken, TokenInfo};
use crate::client::Client;
use crate::config::Host;
use crate::error::{AuthError, Error, Result};
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::{LoginKind, OAuthStateStore};

/// Facebook Login's subcode for an authorization code that was already exchanged.
const SUBCODE_CODE_USED: i64 = 36009;

/// Facebook Login. Get one with [`Client::facebook_login`].
#[derive(Debug, Clone, Copy)]
pub struct FacebookLogin<'c> {
    pub(crate) client: &'c Client,
}

impl<'c> FacebookLogin<'c> {
    /// The login dialog URL:
    /// `{facebook_dialog}/{version}/dialog/oauth?client_id&redirect_uri&state&scope&response_type=code`
    /// plus `auth_type=rerequest` and `config_id` when asked. Pure: no network, no store.
    ///
    /// Fails with [`Error::InvalidInput`] for a redirect URI outside the configured list (the
    /// message lists the allowed ones), a malformed scope or state, or an Instagram-only option.
    pub fn authorize_url(&self, request: AuthorizeRequest) -> Result<AuthorizeUrl> {
        if request.force_authentication || request.enable_fb_login.is_some() {
            return Err(Error::invalid(
                "authorize_request",
                "force_authentication and enable_fb_login are Instagram Login options",
            ));
        }
        if let Some(id) = &request.config_id {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid(
                    "config_id",
                    format!("{id:?} is not a configuration id (digits only)"),
                ));
            }
        }
        let config = self.client.config();
        let resolved = flow::resolve(self.client, &request, &config.facebook_scopes)?;
        let scope = resolved.scopes.join(",");
        let mut query: Vec<(&str, &str)> = vec![
            ("client_id", &config.app_id),
            ("redirect_uri", &resolved.redirect_uri),
            ("state", &request.state),
            ("scope", &scope),
            ("response_type", "code"),
        ];
        if request.rerequest {
            query.push(("auth_type", "rerequest"));
        }
        if let Some(id) = &request.config_id {
            query.push(("config_id", id));
        }
        let path = format!("{}/dialog/oauth", config.api_version);
        let url = flow::build_url(config.hosts.get(Host::FacebookDialog), &path, &query)?;
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
            LoginKind::Facebook,
            request,
            |r| self.authorize_url(r),
        )
        .await
    }

    /// Finishes a login from its callback: consumes the state (single use; see
    /// [`crate::auth::OAuthStates::consume_state`] for the errors), checks it was issued by
    /// Facebook Login (and for `company`, when given), then exchanges the code with the
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
            flow::finish_state(self.client, store, callback, company, LoginKind::Facebook).await?;
        let token = self
            .exchange_code(&callback.code, &state.redirect_uri)
            .await?;
        Ok(LoginFinish { state, token })
    }

    /// Exchanges an authorization code:
    /// `GET {graph_facebook}/{v}/oauth/access_token?client_id&redirect_uri&client_secret&code`.
    ///
    /// Never retried (a code is single use). A used code gives [`AuthError::CodeReused`]; an
    /// expired one, one bound to another redirect URI or any other code-100 error gives
    /// [`AuthError::CodeInvalid`]. Needs the app secret.
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<ShortLivedToken> {
        let code = clean_code(code)?;
        if redirect_uri.trim().is_empty() {
            return Err(Error::invalid("redirect_uri", "is empty"));
        }
        let secret = flow::app_secret(self.client, "the code exchange")?;
        let request = self
            .client
            .get(Host::GraphFacebook, "oauth/access_token")
            .query("client_id", self.client.config().app_id.as_str())
            .query("redirect_uri", redirect_uri)
            .query("client_secret", secret)
            .query("code", code)
            .retry_safe(false);
        let raw: RawToken = flow::send_secret(request).await.map_err(map_code_error)?;
        Ok(raw.short_lived(Utc::now()))
    }

    /// Trades a short-lived user token for a long-lived one (about 60 days):
    /// `GET {graph_facebook}/{v}/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&fb_exchange_token`.
    /// The token travels only as `fb_exchange_token`. Needs the app secret.
    pub async fn exchange_long_lived(&self, short: &AccessToken) -> Result<LongLivedToken> {
        if short.is_blank() {
            return Err(Error::invalid("fb_exchange_token", "is empty"));
        }
        let secret = flow::app_secret(self.client, "the long-lived token exchange")?;
        let request = self
            .client
            .get(Host::GraphFacebook, "oauth/access_token")
            .query("grant_type", "fb_exchange_token")
            .query("client_id", self.client.config().app_id.as_str())
            .query("client_secret", secret)
            .query("fb_exchange_token", short.expose());
        let raw: RawToken = flow::send_secret(request).await?;
        Ok(raw.long_lived(Utc::now()))
    }

    /// What Meta knows about a token:
    /// `GET {graph_facebook}/{v}/debug_token?input_token&access_token=APPID|APPSECRET`.
    /// Needs the app secret.
    pub async fn debug_token(&self, input: &AccessToken) -> Result<TokenInfo> {
        flow::debug_token(self.client, input).await
    }

    /// Revokes every permission the user granted the app (disconnect):
    /// `DELETE {graph_facebook}/{v}/me/permissions`.
    pub async fn revoke(&self, user_token: &AccessToken) -> Result<()> {
        flow::revoke(self.client, Host::GraphFacebook, user_token).await
    }
}

/// Trims the code and drops a trailing `#_`; refuses an empty one.
pub(crate) fn clean_code(code: &str) -> Result<&str> {
    let code = code.trim();
    let code = code.strip_suffix("#_").unwrap_or(code).trim();
    if code.is_empty() {
        return Err(AuthError::MissingCode.into());
    }
    Ok(code)
}

/// Code 100 on the code exchange: subcode 36009 is a reused code, anything else (36007
/// expired, 36008 redirect mismatch, malformed) an invalid one.
fn map_code_error(err: Error) -> Error {
    match &err {
        Error::Graph { error, .. } if error.code == 100 => {
            if error.error_subcode == Some(SUBCODE_CODE_USED) {
                AuthError::CodeReused.into()
            } else {
                AuthError::CodeInvalid(error.to_string()).into()
            }
        }
        _ => err,
    }
}
