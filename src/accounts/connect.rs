//! Connecting: the authorize URL with a stored state, and the callback that exchanges the code,
//! stores the tokens and the discovered accounts.

use chrono::{DateTime, Utc};

use super::{profile_of, AccountManager};
use crate::api::{discover_accounts, email_or_fallback, DiscoverySource, SkippedCall};
use crate::auth::{AuthorizeRequest, CallbackParams, LongLivedToken};
use crate::error::{Error, Result};
use crate::ids::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, TokenId};
use crate::store::{AccountRecord, AccountSource, LoginKind, NewAccount, NewToken, TokenKind};

/// What to connect: a company, a login flow and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    /// The company the accounts will belong to.
    pub company: CompanyId,
    /// Facebook Login (Pages and business portfolios) or Instagram Login (one account).
    pub login: LoginKind,
    /// Scopes; `None` uses the configured defaults of the flow.
    pub scopes: Option<Vec<String>>,
    /// Redirect URI; `None` uses the configured one. Others must be in the allowed list.
    pub redirect_uri: Option<String>,
    /// The company's client the connection is made for (stored on each discovered account).
    pub client_id: Option<AgencyClientId>,
    /// Facebook Login: ask again for declined permissions.
    pub rerequest: bool,
}

impl ConnectRequest {
    /// A Facebook Login connection for `company`.
    pub fn facebook(company: impl Into<CompanyId>) -> Self {
        Self::new(company.into(), LoginKind::Facebook)
    }

    /// An Instagram Login connection for `company`.
    pub fn instagram(company: impl Into<CompanyId>) -> Self {
        Self::new(company.into(), LoginKind::Instagram)
    }

    fn new(company: CompanyId, login: LoginKind) -> Self {
        Self {
            company,
            login,
            scopes: None,
            redirect_uri: None,
            client_id: None,
            rerequest: false,
        }
    }

    /// Asks for these scopes.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Uses this redirect URI (it must be configured as allowed).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Connects on behalf of one of the company's clients.
    pub fn for_client(mut self, client: impl Into<AgencyClientId>) -> Self {
        self.client_id = Some(client.into());
        self
    }

    /// Asks again for permissions the user declined (Facebook Login).
    pub fn rerequest(mut self, yes: bool) -> Self {
        self.rerequest = yes;
        self
    }
}

/// A started connection: where to send the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectStart {
    /// The authorize URL.
    pub url: String,
    /// The state it carries (stored, single use).
    pub state: String,
    /// The redirect URI the callback will come to.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The app id (the old route's `clientId`).
    pub app_id: String,
    /// When the state stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// A finished connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// The company.
    pub company: CompanyId,
    /// The login flow used.
    pub login: LoginKind,
    /// The Facebook user id (Facebook Login) or the Instagram user id (Instagram Login).
    pub user_id: String,
    /// The user's name, when known.
    pub user_name: Option<String>,
    /// The user's email, or the generated fallback when Meta gave none (Facebook Login).
    pub email: Option<String>,
    /// The stored long-lived user token: hand this id to a frontend, never the token.
    pub token_id: TokenId,
    /// When that token expires.
    pub token_expires_at: Option<DateTime<Utc>>,
    /// Every account the connection reaches, as stored now.
    pub accounts: Vec<AccountRecord>,
    /// How many of them were new to the company.
    pub inserted: u64,
    /// Discovery calls skipped for a missing permission.
    pub skipped: Vec<SkippedCall>,
    /// The user's business portfolios, by id and name (Facebook Login with
    /// `business_management`; empty otherwise).
    pub businesses: Vec<NamedObject>,
    /// The Pages discovery reached that have no Instagram professional account linked (they
    /// have nothing to add: link an account to the Page in Meta's apps first).
    pub pages_without_instagram: Vec<NamedObject>,
}

/// A Facebook object discovery found, by id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct NamedObject {
    /// Its id.
    pub id: String,
    /// Its name, when Meta sent it.
    pub name: Option<String>,
}

impl AccountManager {
    /// Starts connecting: validates the request (no network), stores a single-use state bound
    /// to the company, flow and redirect URI, and returns the authorize URL.
    pub async fn start_connect(&self, request: ConnectRequest) -> Result<ConnectStart> {
        let mut authorize = AuthorizeRequest::default().rerequest(request.rerequest);
        authorize.redirect_uri = request.redirect_uri;
        authorize.scopes = request.scopes;
        let store = self.store.backend().as_ref();
        let start = match request.login {
            LoginKind::Facebook => {
                self.client
                    .facebook_login()
                    .begin(
                        store,
                        &request.company,
                        request.client_id.as_ref(),
                        authorize,
                    )
                    .await?
            }
            LoginKind::Instagram => {
                self.client
                    .instagram_login()
                    .begin(
                        store,
                        &request.company,
                        request.client_id.as_ref(),
                        authorize,
                    )
                    .await?
            }
        };
        Ok(ConnectStart {
            url: start.authorize.url,
            state: start.authorize.state,
            redirect_uri: start.authorize.redirect_uri,
            scopes: start.authorize.scopes,
            app_id: self.client.config().app_id.clone(),
            expires_at: start.state.expires_at,
        })
    }

    /// Finishes connecting from the callback's query string (`code=…&state=…`, or Meta's
    /// `error=access_denied…`): consumes the state, exchanges the code for a long-lived token,
    /// stores it (sealed), discovers the accounts it reaches and stores them for the state's
    /// company.
    pub async fn finish_connect(&self, callback_query: &str) -> Result<Connection> {
        let callback = CallbackParams::from_query(callback_query)?;
        self.finish_connect_with(&callback).await
    }

    /// [`AccountManager::finish_connect`] with already parsed callback parameters.
    pub async fn finish_connect_with(&self, callback: &CallbackParams) -> Result<Connection> {
        let state = self
            .client
            .oauth_states()
            .consume_state(self.store.backend().as_ref(), &callback.state, Utc::now())
            .await?;
        match state.login {
            LoginKind::Facebook => {
                let login = self.client.facebook_login();
                let short = login
                    .exchange_code(&callback.code, &state.redirect_uri)
                    .await?;
                let long = login.exchange_long_lived(&short.access_token).await?;
                self.store_facebook_connection(&state.company, state.client_id, &state.scopes, long)
                    .await
            }
            LoginKind::Instagram => {
                let login = self.client.instagram_login();
                let short = login
                    .exchange_code(&callback.code, &state.redirect_uri)
                    .await?;
                let long = login.exchange_long_lived(&short.access_token).await?;
                let scopes = if short.permissions.is_empty() {
                    state.scopes.clone()
                } else {
                    short.permissions
                };
                self.store_instagram_connection(&state.company, state.client_id, scopes, long)
                    .await
            }
        }
    }

    /// Runs discovery again with a stored Facebook Login user token and stores what it finds.
    pub async fn discover(&self, company: &CompanyId, token_id: &TokenId) -> Result<Connection> {
        self.ensure_company(company).await?;
        let (record, token) = self.load_token(company, token_id).await?;
        if record.login != LoginKind::Facebook || record.kind != TokenKind::User {
            return Err(Error::invalid(
                "token_id",
                "discovery needs a Facebook Login user token; Instagram Login connects one account",
            ));
        }
        let long = LongLivedToken {
            access_token: token,
            token_type: None,
            expires_in: None,
            expires_at: record.expires_at,
            user_id: Some(record.subject_id.clone()),
            permissions: record.scopes.clone(),
        };
        self.store_facebook_connection(company, None, &record.scopes, long)
            .await
    }

    async fn store_facebook_connection(
        &self,
        company: &CompanyId,
        client_id: Option<AgencyClientId>,
        scopes: &[String],
        long: LongLivedToken,
    ) -> Result<Connection> {
        let discovery = discover_accounts(&self.client, &long.access_token).await?;
        let user_id = FacebookUserId::new(discovery.user.id.to_string());
        let now = Utc::now();
        let token_id = self
            .store
            .save_token(
                company,
                NewToken {
                    kind: TokenKind::User,
                    login: LoginKind::Facebook,
                    subject_id: user_id.to_string(),
                    token: long.access_token.clone(),
                    scopes: scopes.to_vec(),
                    expires_at: long.expires_at,
                    issued_at: now,
                },
            )
            .await?;
        let mut rows = Vec::with_capacity(discovery.accounts.len());
        for found in &discovery.accounts {
            let account_token = match (&found.page_token, &found.page_id) {
                (Some(page_token), Some(page_id)) => {
                    self.store
                        .save_token(
                            company,
                            NewToken {
                                kind: TokenKind::Page,
                                login: LoginKind::Facebook,
                                subject_id: page_id.to_string(),
                                token: page_token.clone(),
                                scopes: scopes.to_vec(),
                                // Page tokens from a long-lived user token do not expire.
                                expires_at: None,
                                issued_at: now,
                            },
                        )
                        .await?
                }
                _ => token_id.clone(),
            };
            let mut row = NewAccount::new(found.ig_user_id.clone(), source_of(found.source));
            row.client_id = client_id.clone();
            row.facebook_user_id = Some(user_id.clone());
            row.token_id = Some(account_token);
            row.page_id = found.page_id.clone();
            row.business_id = found.business_id.clone();
            row.username = found.username.clone();
            row.name = found.name.clone();
            row.profile_picture_url = found.profile_picture_url.clone();
            row.followers_count = found.followers_count.map(|n| n as i64);
            rows.push(row);
        }
        let ids: Vec<IgUserId> = rows.iter().map(|r| r.ig_user_id.clone()).collect();
        let outcome = self.store.backend().upsert_accounts(company, rows).await?;
        let accounts = self.rows(company, &ids).await?;
        Ok(Connection {
            company: company.clone(),
            login: LoginKind::Facebook,
            email: Some(email_or_fallback(&discovery.user)),
            user_name: discovery.user.name.clone(),
            user_id: user_id.into_inner(),
            token_id,
            token_expires_at: long.expires_at,
            accounts,
            inserted: outcome.inserted,
            skipped: discovery.skipped,
            businesses: discovery
                .businesses
                .iter()
                .map(|b| NamedObject {
                    id: b.id.to_string(),
                    name: b.name.clone(),
                })
                .collect(),
            pages_without_instagram: discovery
                .pages
                .iter()
                .filter(|p| {
                    p.instagram_business_account.is_none()
                        && p.connected_instagram_account.is_none()
                })
                .map(|p| NamedObject {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                })
                .collect(),
        })
    }

    async fn store_instagram_connection(
        &self,
        company: &CompanyId,
        client_id: Option<AgencyClientId>,
        scopes: Vec<String>,
        long: LongLivedToken,
    ) -> Result<Connection> {
        let me = self
            .client
            .instagram(&long.access_token)
            .me()
            .send()
            .await?;
        // `user_id` is the professional account id used in Graph paths; `id` is app-scoped.
        let ig_user_id = IgUserId::new(me.user_id.clone().unwrap_or_else(|| me.id.to_string()));
        let token_id = self
            .store
            .save_token(
                company,
                NewToken {
                    kind: TokenKind::InstagramUser,
                    login: LoginKind::Instagram,
                    subject_id: ig_user_id.to_string(),
                    token: long.access_token.clone(),
                    scopes,
                    expires_at: long.expires_at,
                    issued_at: Utc::now(),
                },
            )
            .await?;
        let (username, name, picture, followers) = profile_of(&me);
        let mut row = NewAccount::new(ig_user_id.clone(), AccountSource::InstagramLogin);
        row.client_id = client_id;
        row.token_id = Some(token_id.clone());
        row.username = username;
        row.name = name.clone();
        row.profile_picture_url = picture;
        row.followers_count = followers;
        row.account_type = me.account_type.clone();
        let outcome = self
            .store
            .backend()
            .upsert_accounts(company, vec![row])
            .await?;
        let accounts = self
            .rows(company, std::slice::from_ref(&ig_user_id))
            .await?;
        Ok(Connection {
            company: company.clone(),
            login: LoginKind::Instagram,
            user_id: ig_user_id.into_inner(),
            user_name: name.or(me.username),
            email: None,
            token_id,
            token_expires_at: long.expires_at,
            accounts,
            inserted: outcome.inserted,
            skipped: Vec::new(),
            businesses: Vec::new(),
            pages_without_instagram: Vec::new(),
        })
    }

    async fn rows(&self, company: &CompanyId, ids: &[IgUserId]) -> Result<Vec<AccountRecord>> {
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = self.store.backend().get_account(company, id).await? {
                rows.push(row);
            }
        }
        Ok(rows)
    }
}

fn source_of(source: DiscoverySource) -> AccountSource {
    match source {
        DiscoverySource::PageLinked => AccountSource::PageLinked,
        DiscoverySource::BusinessOwned => AccountSource::BusinessOwned,
        DiscoverySource::BusinessClient => AccountSource::BusinessClient,
    }
}
