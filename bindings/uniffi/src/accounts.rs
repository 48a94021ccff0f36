//! `AccountManager`: both login flows, discovery, add, assign, list, remove, disconnect.
//!
//! The core's plain types (`LoginKind`, `AccountSource`, `DisconnectOutcome`) derive uniffi's
//! traits behind its `uniffi` feature and are used as they are. The others are small records of
//! this crate: the core's rows hold typed ids and chrono times, and its live details hold
//! open-ended JSON (`extra` maps), none of which uniffi can carry as they are.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use instagraph::accounts::ConnectRequest;
use instagraph::accounts::DisconnectOutcome;
use instagraph::store::{AccountQuery, AccountRecord, AccountSource, LoginKind};
use instagraph::{AgencyClientId, CompanyId, IgUserId, TokenId};

use crate::client::Client;
use crate::error::{required, sdk, Result};
use crate::graph::AccountGraph;
use crate::store::Store;

/// What `start_connect` needs.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ConnectOptions {
    /// The tenant (your customer's company).
    pub company_id: String,
    /// Which login flow.
    pub login: LoginKind,
    /// Scopes to ask for (empty: the client's).
    #[uniffi(default = [])]
    pub scopes: Vec<String>,
    /// A redirect URI among the client's allowed ones (default: the client's).
    #[uniffi(default = None)]
    pub redirect_uri: Option<String>,
    /// An agency client to assign the new accounts to.
    #[uniffi(default = None)]
    pub client_id: Option<String>,
}

/// Where to send the user's browser.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ConnectStart {
    /// The authorize URL (open it in a browser tab / ASWebAuthenticationSession / Custom Tab).
    pub url: String,
    /// The single-use state inside it.
    pub state: String,
    /// The redirect URI the callback comes back to.
    pub redirect_uri: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// After this the state is refused.
    pub expires_at: SystemTime,
}

/// A connected Instagram account.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Account {
    /// The IG user id.
    pub ig_user_id: String,
    /// Username.
    pub username: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Profile picture URL.
    pub profile_picture_url: Option<String>,
    /// Followers at the last refresh.
    pub followers_count: Option<i64>,
    /// `BUSINESS`, `MEDIA_CREATOR`, ...
    pub account_type: Option<String>,
    /// How it was found.
    pub source: AccountSource,
    /// Whether the company added it.
    pub is_added: bool,
    /// The agency client it is assigned to.
    pub assigned_client_id: Option<String>,
    /// The Page it is linked to.
    pub page_id: Option<String>,
    /// The stored token that reaches it.
    pub token_id: Option<String>,
    /// The Facebook user whose login reached it.
    pub facebook_user_id: Option<String>,
}

impl From<&AccountRecord> for Account {
    fn from(r: &AccountRecord) -> Self {
        Self {
            ig_user_id: r.ig_user_id.as_str().to_owned(),
            username: r.username.clone(),
            name: r.name.clone(),
            profile_picture_url: r.profile_picture_url.clone(),
            followers_count: r.followers_count,
            account_type: r.account_type.clone(),
            source: r.source,
            is_added: r.is_added,
            assigned_client_id: r.assigned_client_id.as_ref().map(|c| c.as_str().to_owned()),
            page_id: r.page_id.as_ref().map(|c| c.as_str().to_owned()),
            token_id: r.token_id.as_ref().map(|c| c.as_str().to_owned()),
            facebook_user_id: r.facebook_user_id.as_ref().map(|c| c.as_str().to_owned()),
        }
    }
}

/// A finished connection: the stored token and the accounts discovered.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Connection {
    /// Facebook or Instagram.
    pub login: LoginKind,
    /// The Facebook user (or IG user for Instagram Login) who connected.
    pub user_id: String,
    /// Their name.
    pub user_name: Option<String>,
    /// The stored long-lived token's id (never the token).
    pub token_id: String,
    /// When the token expires.
    pub token_expires_at: Option<SystemTime>,
    /// The accounts discovered.
    pub accounts: Vec<Account>,
    /// How many were new for the company.
    pub inserted: u64,
    /// The user's business portfolios (Facebook Login).
    pub businesses: Vec<instagraph::accounts::NamedObject>,
    /// Pages reached that have no Instagram account linked.
    pub pages_without_instagram: Vec<instagraph::accounts::NamedObject>,
}

impl From<&instagraph::accounts::Connection> for Connection {
    fn from(c: &instagraph::accounts::Connection) -> Self {
        Self {
            login: c.login,
            user_id: c.user_id.clone(),
            user_name: c.user_name.clone(),
            token_id: c.token_id.as_str().to_owned(),
            token_expires_at: c.token_expires_at.map(SystemTime::from),
            accounts: c.accounts.iter().map(Account::from).collect(),
            inserted: c.inserted,
            businesses: c.businesses.clone(),
            pages_without_instagram: c.pages_without_instagram.clone(),
        }
    }
}

/// How many rows an add or assign changed, and which ids the company does not have.
#[derive(Debug, Clone, uniffi::Record)]
pub struct UpdateOutcome {
    /// Rows changed.
    pub updated: u64,
    /// Ids the company does not have.
    pub unknown: Vec<String>,
}

/// An added account with its live details from Meta.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AddedAccount {
    /// The stored account.
    pub account: Account,
    /// Followers now (live), when Meta answered.
    pub live_followers_count: Option<u64>,
    /// Media count now (live), when Meta answered.
    pub live_media_count: Option<u64>,
    /// Why the live details are missing, when they are.
    pub live_error: Option<String>,
}

/// An account assigned to an agency client.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Assignment {
    /// The IG user id.
    pub ig_user_id: String,
    /// Its username.
    pub username: Option<String>,
    /// The agency client.
    pub client_id: String,
}

/// The core's ids; the core checks them (at least one, none empty: field `ids`).
fn ig_ids(ids: Vec<String>) -> Vec<IgUserId> {
    ids.into_iter().map(IgUserId::new).collect()
}

/// Connects customers' Instagram accounts and keeps them in a [`Store`].
#[derive(uniffi::Object)]
pub struct AccountManager {
    pub(crate) inner: instagraph::AccountManager,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountManager {
    /// A manager over `client` and `store`.
    #[uniffi::constructor]
    pub fn new(client: Arc<Client>, store: Arc<Store>) -> Arc<Self> {
        Arc::new(Self {
            inner: instagraph::AccountManager::new(client.inner.clone(), store.inner.clone()),
        })
    }

    /// A manager over `client` and `store` that keeps each account's opened token for
    /// `ttl_ms` milliseconds, for at most `capacity` accounts (`new` keeps them 15 000 ms, for
    /// 1 000 accounts): within that time a call on the account reads nothing from the store.
    /// A write of a token or an account through this manager's store ends the entry at once;
    /// the time bounds how long a change made by another process goes unseen. 0 for either
    /// reads the store on every call.
    #[uniffi::constructor]
    pub fn with_access_cache(
        client: Arc<Client>,
        store: Arc<Store>,
        ttl_ms: u64,
        capacity: u32,
    ) -> Arc<Self> {
        Arc::new(Self {
            inner: instagraph::AccountManager::new(client.inner.clone(), store.inner.clone())
                .access_cache(Duration::from_millis(ttl_ms), capacity as usize),
        })
    }

    /// Starts a connection: stores a single-use OAuth state and returns the authorize URL.
    ///
    /// Core: AccountManager::start_connect
    pub async fn start_connect(&self, options: ConnectOptions) -> Result<ConnectStart> {
        const WHAT: &str = "AccountManager.start_connect";
        let inner = &self.inner;
        required("options.company_id", &options.company_id)?;
        let company = CompanyId::new(options.company_id);
        let mut req = match options.login {
            LoginKind::Facebook => ConnectRequest::facebook(company),
            LoginKind::Instagram => ConnectRequest::instagram(company),
        };
        if !options.scopes.is_empty() {
            req = req.scopes(options.scopes);
        }
        if let Some(uri) = options.redirect_uri {
            required("options.redirect_uri", &uri)?;
            req = req.redirect_uri(uri);
        }
        if let Some(client) = options.client_id {
            required("options.client_id", &client)?;
            req = req.for_client(AgencyClientId::new(client));
        }
        let start = inner.start_connect(req).await.map_err(|e| sdk(WHAT, e))?;
        Ok(ConnectStart {
            url: start.url,
            state: start.state,
            redirect_uri: start.redirect_uri,
            scopes: start.scopes,
            expires_at: SystemTime::from(start.expires_at),
        })
    }

    /// Finishes a connection from the callback URL (or its query string): exchanges the code,
    /// stores the long-lived token and discovers the accounts.
    ///
    /// Core: AccountManager::finish_connect
    pub async fn finish_connect(&self, callback_url: String) -> Result<Connection> {
        const WHAT: &str = "AccountManager.finish_connect";
        let inner = &self.inner;
        required("callback_url", &callback_url)?;
        let c = inner
            .finish_connect(&callback_url)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(Connection::from(&c))
    }

    /// Discovers the accounts a stored token reaches again (new Pages, new portfolios).
    ///
    /// Core: AccountManager::discover
    pub async fn discover(&self, company_id: String, token_id: String) -> Result<Connection> {
        const WHAT: &str = "AccountManager.discover";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("token_id", &token_id)?;
        let c = inner
            .discover(&CompanyId::new(company_id), &TokenId::new(token_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(Connection::from(&c))
    }

    /// Every account of the company (added or not), oldest first.
    pub async fn accounts(&self, company_id: String) -> Result<Vec<Account>> {
        const WHAT: &str = "AccountManager.accounts";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        let page = inner
            .store()
            .backend()
            .query_accounts(&CompanyId::new(company_id), &AccountQuery::new().limit(500))
            .await
            .map_err(|e| sdk(WHAT, e.into()))?;
        Ok(page.items.iter().map(Account::from).collect())
    }

    /// Marks discovered accounts as added.
    ///
    /// Core: AccountManager::add
    pub async fn add(&self, company_id: String, ig_user_ids: Vec<String>) -> Result<UpdateOutcome> {
        const WHAT: &str = "AccountManager.add";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        let ids = ig_ids(ig_user_ids);
        let out = inner
            .add(&CompanyId::new(company_id), &ids)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(UpdateOutcome {
            updated: out.updated,
            unknown: out.unknown.iter().map(|i| i.as_str().to_owned()).collect(),
        })
    }

    /// The added accounts, with their live details.
    ///
    /// Core: AccountManager::added
    pub async fn added(&self, company_id: String) -> Result<Vec<AddedAccount>> {
        const WHAT: &str = "AccountManager.added";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        let out = inner
            .added(&CompanyId::new(company_id), AccountQuery::new())
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(out
            .items
            .iter()
            .map(|item| AddedAccount {
                account: Account::from(&item.account),
                live_followers_count: item.live.as_ref().and_then(|l| l.followers_count),
                live_media_count: item.live.as_ref().and_then(|l| l.media_count),
                live_error: item.live_error.clone(),
            })
            .collect())
    }

    /// Assigns accounts to an agency client.
    ///
    /// Core: AccountManager::assign
    pub async fn assign(
        &self,
        company_id: String,
        client_id: String,
        ig_user_ids: Vec<String>,
    ) -> Result<UpdateOutcome> {
        const WHAT: &str = "AccountManager.assign";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        let ids = ig_ids(ig_user_ids);
        let out = inner
            .assign(
                &CompanyId::new(company_id),
                &AgencyClientId::new(client_id),
                &ids,
            )
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(UpdateOutcome {
            updated: out.updated,
            unknown: out.unknown.iter().map(|i| i.as_str().to_owned()).collect(),
        })
    }

    /// The company's assignments.
    ///
    /// Core: AccountManager::assignments
    pub async fn assignments(&self, company_id: String) -> Result<Vec<Assignment>> {
        const WHAT: &str = "AccountManager.assignments";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        let out = inner
            .assignments(&CompanyId::new(company_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(out
            .iter()
            .map(|a| Assignment {
                ig_user_id: a.ig_user_id.as_str().to_owned(),
                username: a.username.clone(),
                client_id: a.client_id.as_str().to_owned(),
            })
            .collect())
    }

    /// Removes an account from the company.
    ///
    /// Core: AccountManager::remove
    pub async fn remove(&self, company_id: String, ig_user_id: String) -> Result<()> {
        const WHAT: &str = "AccountManager.remove";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        inner
            .remove(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Revokes a connection's token and removes its accounts.
    ///
    /// Core: AccountManager::disconnect
    pub async fn disconnect(
        &self,
        company_id: String,
        token_id: String,
    ) -> Result<DisconnectOutcome> {
        const WHAT: &str = "AccountManager.disconnect";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("token_id", &token_id)?;
        inner
            .disconnect(&CompanyId::new(company_id), &TokenId::new(token_id))
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// The Graph API for one of the company's accounts (its token and host, from the store).
    ///
    /// Core: AccountManager::access
    pub async fn access(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<Arc<AccountGraph>> {
        const WHAT: &str = "AccountManager.access";
        let inner = &self.inner;
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        let access = inner
            .access(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(Arc::new(AccountGraph::new(inner.client().clone(), access)))
    }
}
