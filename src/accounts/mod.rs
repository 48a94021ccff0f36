//! [`AccountManager`]: connect Instagram accounts for a company, discover them, add them,
//! assign them to the company's clients, list them with live details, remove and disconnect.
//!
//! This is the old service's instagram-service + instagram-handler as one typed API. Every call
//! takes the company (the tenant) and only ever reads or changes that company's rows.

mod access_cache;
mod connect;
mod disconnect;
mod live;
mod sweep;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use crate::api::models::IgUser;
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, Result};
use crate::ids::{AgencyClientId, CompanyId, IgUserId, TokenId};
use crate::store::{AccountQuery, AccountRecord, LoginKind, Store, TokenRecord};
use crate::AccessToken;

pub use access_cache::{DEFAULT_ACCESS_CAPACITY, DEFAULT_ACCESS_TTL};
pub use connect::{ConnectRequest, ConnectStart, Connection, NamedObject};
pub use live::{AddedAccount, AddedAccounts, DEFAULT_LIVE_CONCURRENCY, MAX_LIVE_ACCOUNTS};
pub use sweep::{ReconnectNeeded, SweepReport, RENEWAL_WINDOW};

/// Connects, lists and manages a company's Instagram accounts. Cheap to clone.
#[derive(Clone)]
pub struct AccountManager {
    client: Client,
    store: Store,
    live: live::LiveLimits,
    access_cache: Arc<access_cache::AccessCache>,
}

impl fmt::Debug for AccountManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountManager")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// What `add` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOutcome {
    /// Accounts newly marked as added (the old `updatedCount`).
    pub updated: u64,
    /// Ids that are not among the company's discovered accounts.
    pub unknown: Vec<IgUserId>,
}

/// What `assign` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignOutcome {
    /// Accounts whose assignment changed.
    pub updated: u64,
    /// Ids that are not among the company's accounts.
    pub unknown: Vec<IgUserId>,
}

/// One account's assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The account.
    pub ig_user_id: IgUserId,
    /// Its handle, as last seen.
    pub username: Option<String>,
    /// The client it is assigned to.
    pub client_id: AgencyClientId,
}

/// What `disconnect` did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DisconnectOutcome {
    /// Whether Meta confirmed the revocation (`false` when the token was already dead).
    pub revoked: bool,
    /// Account rows removed.
    pub accounts_removed: u64,
    /// Tokens deleted (the user's and the Page tokens of its accounts).
    pub tokens_deleted: u64,
}

/// What `debug_token` says about a stored token, compared with what the app asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionStatus {
    /// The stored token.
    pub token_id: TokenId,
    /// The login flow it came from.
    pub login: LoginKind,
    /// Whether Meta says it works.
    pub valid: bool,
    /// When it expires (`None`: never).
    pub expires_at: Option<chrono::DateTime<Utc>>,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Default scopes of the flow that were not granted (ask again with `rerequest`).
    pub missing_scopes: Vec<String>,
    /// Meta's reason when it is not valid.
    pub reason: Option<String>,
    /// Valid, but ending within [`RENEWAL_WINDOW`] of when it was read: due for a refresh
    /// ([`AccountManager::sweep_tokens`]) or, for a token that cannot be refreshed, for its user
    /// to connect again.
    pub expiring: bool,
}

/// The token and host to call the Graph API for one account.
#[derive(Clone)]
pub struct AccountAccess {
    /// The account.
    pub ig_user_id: IgUserId,
    /// graph.facebook.com (Facebook Login) or graph.instagram.com (Instagram Login).
    pub host: Host,
    /// The Page token (page-linked accounts), the user token (business accounts) or the
    /// Instagram user token (Instagram Login).
    pub token: AccessToken,
}

impl fmt::Debug for AccountAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountAccess")
            .field("ig_user_id", &self.ig_user_id)
            .field("host", &self.host)
            .field("token", &self.token)
            .finish()
    }
}

impl AccountAccess {
    /// The Graph handlers for this account's host and token.
    pub fn graph<'a>(&'a self, client: &'a Client) -> crate::api::Graph<'a> {
        client.graph(self.host, &self.token)
    }
}

impl AccountManager {
    /// A manager over `client` and `store`.
    pub fn new(client: Client, store: Store) -> Self {
        Self {
            client,
            store,
            live: live::LiveLimits::default(),
            access_cache: Arc::new(access_cache::AccessCache::new(
                DEFAULT_ACCESS_TTL,
                DEFAULT_ACCESS_CAPACITY,
            )),
        }
    }

    /// Sets how long an account's opened token serves [`AccountManager::access`] without a
    /// store read ([`DEFAULT_ACCESS_TTL`] by default), and for how many accounts at most
    /// ([`DEFAULT_ACCESS_CAPACITY`]). A write of a token or an account through this manager's
    /// store ends the entries at once; the time to live bounds how long a change made by
    /// another process sharing the database goes unseen. A zero `ttl` or `capacity` reads the
    /// store on every call. The manager's clones made before this call keep the old cache.
    pub fn access_cache(mut self, ttl: Duration, capacity: usize) -> Self {
        self.access_cache = Arc::new(access_cache::AccessCache::new(ttl, capacity));
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Marks discovered accounts as added (shown in the company's account list).
    pub async fn add(&self, company: &CompanyId, ids: &[IgUserId]) -> Result<AddOutcome> {
        // The arguments first: a bad list is refused before any store call.
        check_ids(ids)?;
        self.ensure_company(company).await?;
        let unknown = self.unknown_ids(company, ids).await?;
        let known: Vec<IgUserId> = ids
            .iter()
            .filter(|id| !unknown.contains(id))
            .cloned()
            .collect();
        let updated = self
            .store
            .backend()
            .set_added(company, &known, true)
            .await?;
        Ok(AddOutcome { updated, unknown })
    }

    /// Assigns accounts to one of the company's clients.
    pub async fn assign(
        &self,
        company: &CompanyId,
        client_id: &AgencyClientId,
        ids: &[IgUserId],
    ) -> Result<AssignOutcome> {
        if client_id.as_str().trim().is_empty() {
            return Err(Error::invalid("client_id", "must not be empty"));
        }
        self.set_assignment(company, Some(client_id), ids).await
    }

    /// Removes the client assignment of accounts.
    pub async fn unassign(&self, company: &CompanyId, ids: &[IgUserId]) -> Result<AssignOutcome> {
        self.set_assignment(company, None, ids).await
    }

    async fn set_assignment(
        &self,
        company: &CompanyId,
        client_id: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> Result<AssignOutcome> {
        // The arguments first: a bad list is refused before any store call.
        check_ids(ids)?;
        self.ensure_company(company).await?;
        let unknown = self.unknown_ids(company, ids).await?;
        let known: Vec<IgUserId> = ids
            .iter()
            .filter(|id| !unknown.contains(id))
            .cloned()
            .collect();
        let updated = self
            .store
            .backend()
            .assign_client(company, client_id, &known)
            .await?;
        Ok(AssignOutcome { updated, unknown })
    }

    /// Every assigned account of the company with its client.
    pub async fn assignments(&self, company: &CompanyId) -> Result<Vec<Assignment>> {
        self.ensure_company(company).await?;
        let rows = self
            .all_accounts(company, AccountQuery::new().assigned(true))
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(Assignment {
                    client_id: r.assigned_client_id?,
                    ig_user_id: r.ig_user_id,
                    username: r.username,
                })
            })
            .collect())
    }

    /// Removes one account from the company (its row; the user's connection stays).
    pub async fn remove(&self, company: &CompanyId, id: &IgUserId) -> Result<()> {
        self.ensure_company(company).await?;
        if self.store.backend().remove_account(company, id).await? {
            Ok(())
        } else {
            Err(Error::NotFound {
                what: "account",
                id: id.to_string(),
            })
        }
    }

    /// One stored account.
    pub async fn account(&self, company: &CompanyId, id: &IgUserId) -> Result<AccountRecord> {
        self.store
            .backend()
            .get_account(company, id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "account",
                id: id.to_string(),
            })
    }

    /// The host and token to call the Graph API for one of the company's accounts.
    ///
    /// The opened token is kept for the next calls on the account (see
    /// [`AccountManager::access_cache`]): while nothing about the account changed, a call costs
    /// no store read and no unsealing.
    pub async fn access(&self, company: &CompanyId, id: &IgUserId) -> Result<AccountAccess> {
        if let Some(access) = self.access_cache.get(&self.store, company, id) {
            return Ok(access);
        }
        let writes = self.store.credential_writes();
        let access = self.read_access(company, id).await?;
        self.access_cache.put(company, &access, writes);
        Ok(access)
    }

    async fn read_access(&self, company: &CompanyId, id: &IgUserId) -> Result<AccountAccess> {
        let account = self.account(company, id).await?;
        let token_id = account.token_id.ok_or_else(|| Error::NotFound {
            what: "token of account",
            id: id.to_string(),
        })?;
        let (record, token) = self.load_token(company, &token_id).await?;
        if !record.valid {
            return Err(crate::AuthError::ReconnectRequired {
                token_id: token_id.to_string(),
            }
            .into());
        }
        Ok(AccountAccess {
            ig_user_id: account.ig_user_id,
            host: host_of(record.login),
            token,
        })
    }

    /// Asks Meta about a stored token (`debug_token`), records its validity, and compares its
    /// scopes with the flow's defaults.
    pub async fn connection_status(
        &self,
        company: &CompanyId,
        token_id: &TokenId,
    ) -> Result<ConnectionStatus> {
        self.ensure_company(company).await?;
        let (record, token) = self.load_token(company, token_id).await?;
        let (info, wanted) = match record.login {
            LoginKind::Facebook => (
                self.client.facebook_login().debug_token(&token).await?,
                &self.client.config().facebook_scopes,
            ),
            LoginKind::Instagram => (
                self.client.instagram_login().debug_token(&token).await?,
                &self.client.config().instagram_scopes,
            ),
        };
        let valid = info.is_usable_at(Utc::now());
        if valid != record.valid {
            self.store
                .backend()
                .set_token_valid(company, token_id, valid)
                .await?;
        }
        let scopes = if info.scopes.is_empty() {
            record.scopes.clone()
        } else {
            info.scopes.clone()
        };
        let missing_scopes = wanted
            .iter()
            .filter(|s| !scopes.contains(s) && !matches!(s.as_str(), "email" | "public_profile"))
            .cloned()
            .collect();
        let expires_at = info.expires_at.or(record.expires_at);
        Ok(ConnectionStatus {
            token_id: token_id.clone(),
            login: record.login,
            valid,
            expires_at,
            scopes,
            missing_scopes,
            reason: info.error.map(|e| e.message),
            expiring: valid && sweep::ends_within(expires_at, RENEWAL_WINDOW, Utc::now()),
        })
    }

    /// Fails with `NotFound { what: "company" }` when the company has never connected: no
    /// call about it can succeed, so none is made.
    async fn ensure_company(&self, company: &CompanyId) -> Result<()> {
        if company.as_str().trim().is_empty() {
            return Err(Error::invalid("company", "must not be empty"));
        }
        if self.store.backend().list_tokens(company).await?.is_empty() {
            return Err(Error::NotFound {
                what: "company",
                id: company.to_string(),
            });
        }
        Ok(())
    }

    async fn unknown_ids(&self, company: &CompanyId, ids: &[IgUserId]) -> Result<Vec<IgUserId>> {
        let mut unknown = Vec::new();
        for id in ids {
            if self
                .store
                .backend()
                .get_account(company, id)
                .await?
                .is_none()
            {
                unknown.push(id.clone());
            }
        }
        Ok(unknown)
    }

    async fn all_accounts(
        &self,
        company: &CompanyId,
        query: AccountQuery,
    ) -> Result<Vec<AccountRecord>> {
        let mut query = query.limit(AccountQuery::MAX_LIMIT);
        let mut rows = Vec::new();
        loop {
            let page = self.store.backend().query_accounts(company, &query).await?;
            let got = page.items.len() as u64;
            rows.extend(page.items);
            if got == 0 || rows.len() as u64 >= page.total {
                return Ok(rows);
            }
            let next = query.offset + got;
            query = query.offset(next);
        }
    }

    async fn load_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> Result<(TokenRecord, AccessToken)> {
        self.store
            .load_token(company, id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "token",
                id: id.to_string(),
            })
    }
}

/// The Graph host that serves tokens of a login flow.
pub(crate) fn host_of(login: LoginKind) -> Host {
    match login {
        LoginKind::Facebook => Host::GraphFacebook,
        LoginKind::Instagram => Host::GraphInstagram,
    }
}

fn check_ids(ids: &[IgUserId]) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::invalid("ids", "at least one account id is required"));
    }
    if let Some(bad) = ids.iter().find(|id| id.as_str().trim().is_empty()) {
        return Err(Error::invalid("ids", format!("empty account id {bad:?}")));
    }
    Ok(())
}

/// The profile fields of an IG user as an account row stores them.
pub(crate) fn profile_of(
    user: &IgUser,
) -> (Option<String>, Option<String>, Option<String>, Option<i64>) {
    (
        user.username.clone(),
        user.name.clone(),
        user.profile_picture_url.clone(),
        user.followers_count.map(|n| n as i64),
    )
}
