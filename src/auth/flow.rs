//! What both login flows share: the authorize request, its validation, the login-level
//! `debug_token`, and the helpers that read token answers without leaking them.

use chrono::Utc;
use serde::de::DeserializeOwned;

use crate::auth::state::{CallbackParams, OAuthStates, StateCheck};
use crate::auth::token::AccessToken;
use crate::auth::tokens::{RawDebugEnvelope, RawSuccess, ShortLivedToken, TokenInfo};
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, GraphApiError, RequestContext, Result};
use crate::http::GraphRequest;
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::{LoginKind, OAuthStateRecord, OAuthStateStore};

/// What to put in an authorize URL. Build it with [`AuthorizeRequest::new`] and the setters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeRequest {
    /// The `state` parameter (from [`OAuthStates::issue_state`], or a value of your own when you
    /// keep state yourself). Must be non-empty visible ASCII, at most 1024 bytes.
    pub state: String,
    /// The redirect URI; `None` uses [`crate::Config::redirect_uri`]. Any other value must be
    /// the configured one or in [`crate::Config::allowed_redirect_uris`].
    pub redirect_uri: Option<String>,
    /// Scopes to ask for; `None` uses the configured defaults of the flow. Each must be a
    /// non-empty run of `a-z` and `_`.
    pub scopes: Option<Vec<String>>,
    /// Facebook Login only: `auth_type=rerequest`, to ask again for declined permissions.
    pub rerequest: bool,
    /// Facebook Login for Business only: the login configuration id (`config_id`).
    pub config_id: Option<String>,
    /// Instagram Login only: `force_authentication=1`, making the user log in again.
    pub force_authentication: bool,
    /// Instagram Login only: `enable_fb_login=0|1`, whether the page offers "Log in with
    /// Facebook" (Meta's default when unset).
    pub enable_fb_login: Option<bool>,
}

impl AuthorizeRequest {
    /// A request with the given state and every other setting at its default.
    pub fn new(state: impl Into<String>) -> Self {
        Self {
            state: state.into(),
            ..Self::default()
        }
    }

    /// Uses this redirect URI instead of the configured default.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Asks for these scopes instead of the configured defaults.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Facebook Login: asks again for permissions the user declined (`auth_type=rerequest`).
    pub fn rerequest(mut self, yes: bool) -> Self {
        self.rerequest = yes;
        self
    }

    /// Facebook Login for Business: the login configuration id.
    pub fn config_id(mut self, id: impl Into<String>) -> Self {
        self.config_id = Some(id.into());
        self
    }

    /// Instagram Login: forces the user to log in again.
    pub fn force_authentication(mut self, yes: bool) -> Self {
        self.force_authentication = yes;
        self
    }

    /// Instagram Login: shows or hides the "Log in with Facebook" option.
    pub fn enable_fb_login(mut self, yes: bool) -> Self {
        self.enable_fb_login = Some(yes);
        self
    }
}

/// An authorize URL and what it was built with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeUrl {
    /// The URL to send the user's browser to.
    pub url: String,
    /// The state it carries.
    pub state: String,
    /// The redirect URI it carries (the code exchange must repeat it).
    pub redirect_uri: String,
    /// The scopes it asks for.
    pub scopes: Vec<String>,
}

/// A login started with `begin`: where to send the browser, and the stored state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginStart {
    /// The authorize URL.
    pub authorize: AuthorizeUrl,
    /// The state row as stored.
    pub state: OAuthStateRecord,
}

/// A login finished with `finish`: the consumed state and the short-lived token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginFinish {
    /// The state row, consumed: it names the company, client and scopes of the flow.
    pub state: OAuthStateRecord,
    /// The token from the code exchange.
    pub token: ShortLivedToken,
}

/// The redirect URI and scopes an authorize request resolves to.
pub(crate) struct Resolved {
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
}

/// Validates the request's state, redirect URI and scopes against the configuration.
pub(crate) fn resolve(
    client: &Client,
    request: &AuthorizeRequest,
    default_scopes: &[String],
) -> Result<Resolved> {
    validate_state_param(&request.state)?;
    let config = client.config();
    let redirect_uri = match &request.redirect_uri {
        None => config.redirect_uri.clone().ok_or_else(|| {
            Error::config(
                "redirect_uri",
                "no default redirect URI is configured and the request names none",
            )
        })?,
        Some(uri) if config.is_allowed_redirect(uri) => uri.clone(),
        Some(uri) => {
            let allowed: Vec<&str> = config
                .redirect_uri
                .iter()
                .chain(&config.allowed_redirect_uris)
                .map(String::as_str)
                .collect();
            return Err(Error::invalid(
                "redirect_uri",
                if allowed.is_empty() {
                    format!("{uri:?} is not allowed: no redirect URIs are configured")
                } else {
                    format!("{uri:?} is not allowed; allowed: {}", allowed.join(", "))
                },
            ));
        }
    };
    let scopes = validate_scopes(request.scopes.as_deref().unwrap_or(default_scopes))?;
    Ok(Resolved {
        redirect_uri,
        scopes,
    })
}

fn validate_state_param(state: &str) -> Result<()> {
    if state.is_empty() {
        return Err(Error::invalid("state", "must not be empty"));
    }
    if state.len() > 1024 {
        return Err(Error::invalid("state", "is longer than 1024 bytes"));
    }
    if !state.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            "state",
            "must be visible ASCII (no spaces or control characters)",
        ));
    }
    Ok(())
}

/// Each scope non-empty `[a-z_]`; duplicates dropped, order kept; at least one.
pub(crate) fn validate_scopes(scopes: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let scope = scope.trim();
        if scope.is_empty() {
            return Err(Error::invalid("scopes", "a scope is empty"));
        }
        if !scope.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(Error::invalid(
                "scopes",
                format!("{scope:?} is not a permission name (a-z and _ only)"),
            ));
        }
        if !out.iter().any(|s| s == scope) {
            out.push(scope.to_owned());
        }
    }
    if out.is_empty() {
        return Err(Error::invalid("scopes", "at least one scope is needed"));
    }
    Ok(out)
}

/// Appends the query to `base/path` and returns the URL.
pub(crate) fn build_url(base: &str, path: &str, query: &[(&str, &str)]) -> Result<String> {
    let raw = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    let mut url = url::Url::parse(&raw)
        .map_err(|e| Error::config("hosts", format!("bad authorize URL {raw:?}: {e}")))?;
    url.query_pairs_mut().extend_pairs(query);
    Ok(url.into())
}

/// The app secret, or `Error::Config { field: "app_secret" }` for the calls that need it.
pub(crate) fn app_secret<'c>(client: &'c Client, why: &str) -> Result<&'c str> {
    client
        .config()
        .app_secret
        .as_ref()
        .map(|s| s.expose())
        .ok_or_else(|| Error::config("app_secret", format!("is not set; {why} needs it")))
}

/// Sends a request whose answer holds a token, decoding it without ever quoting the body:
/// serde's messages can echo a value, and that value could be the token.
pub(crate) async fn send_secret<T: DeserializeOwned>(request: GraphRequest<'_>) -> Result<T> {
    let (bytes, context) = request.send_raw().await?;
    decode_secret(&bytes, context)
}

pub(crate) fn decode_secret<T: DeserializeOwned>(
    bytes: &[u8],
    context: RequestContext,
) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::Decode {
        context: Box::new(context),
        message: format!(
            "the answer is not the expected token JSON ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ),
    })
}

/// `GET {graph_facebook}/{v}/debug_token?input_token=…&access_token=APPID|APPSECRET`.
pub(crate) async fn debug_token(client: &Client, input: &AccessToken) -> Result<TokenInfo> {
    if input.is_blank() {
        return Err(Error::invalid("input_token", "is empty"));
    }
    let secret = app_secret(client, "debug_token")?;
    let app = AccessToken::app(&client.config().app_id, secret);
    let envelope: RawDebugEnvelope = client
        .get(Host::GraphFacebook, "debug_token")
        .query("input_token", input.expose())
        .token(&app)
        .send()
        .await?;
    Ok(envelope.data.into())
}

/// `DELETE {host}/{v}/me/permissions` → `{"success":true}`.
pub(crate) async fn revoke(client: &Client, host: Host, token: &AccessToken) -> Result<()> {
    if token.is_blank() {
        return Err(Error::invalid("access_token", "is empty"));
    }
    let (bytes, context) = client
        .delete(host, "me/permissions")
        .token(token)
        .send_raw()
        .await?;
    let answer: RawSuccess = decode_secret(&bytes, context.clone())?;
    if answer.success {
        Ok(())
    } else {
        Err(Error::Graph {
            error: Box::new(GraphApiError {
                message: "Meta answered success=false to the revocation".into(),
                ..Default::default()
            }),
            status: 200,
            context: Box::new(context),
            retry_after: None,
        })
    }
}

/// `begin` of both flows: a fresh state, the URL (validated before anything is stored), then
/// the stored state row.
pub(crate) async fn begin<S, F>(
    client: &Client,
    store: &S,
    company: &CompanyId,
    client_id: Option<&AgencyClientId>,
    login: LoginKind,
    mut request: AuthorizeRequest,
    authorize_url: F,
) -> Result<LoginStart>
where
    S: OAuthStateStore + ?Sized,
    F: FnOnce(AuthorizeRequest) -> Result<AuthorizeUrl>,
{
    if !request.state.is_empty() {
        return Err(Error::invalid(
            "state",
            "begin issues the state itself; leave AuthorizeRequest::state empty",
        ));
    }
    request.state = OAuthStates::generate();
    let authorize = authorize_url(request)?;
    let state = client
        .oauth_states()
        .issue_state_with(
            store,
            authorize.state.clone(),
            company,
            login,
            &authorize.redirect_uri,
            &authorize.scopes,
            client_id,
            Utc::now(),
        )
        .await?;
    Ok(LoginStart { authorize, state })
}

/// `finish` of both flows: consume the state, check it belongs to this flow (and company, when
/// given), exchange the code with the state's redirect URI.
pub(crate) async fn finish_state<S>(
    client: &Client,
    store: &S,
    callback: &CallbackParams,
    company: Option<&CompanyId>,
    login: LoginKind,
) -> Result<OAuthStateRecord>
where
    S: OAuthStateStore + ?Sized,
{
    let record = client
        .oauth_states()
        .consume_state(store, &callback.state, Utc::now())
        .await?;
    OAuthStates::check(
        &record,
        &StateCheck {
            company,
            login: Some(login),
            redirect_uri: None,
        },
    )?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_checked_and_deduplicated() {
        let ok = validate_scopes(&["a_b".into(), " c ".into(), "a_b".into()]).unwrap();
        assert_eq!(ok, vec!["a_b", "c"]);
        assert!(validate_scopes(&["".into()]).is_err());
        assert!(validate_scopes(&["Email".into()]).is_err());
        assert!(validate_scopes(&["a,b".into()]).is_err());
        assert!(validate_scopes(&[]).is_err());
    }
}
