//! `AccountManager`: connect, add, assign, list, remove, disconnect.

use std::sync::Arc;

use instagraph::accounts::ConnectRequest;
use instagraph::store::{AccountQuery, AccountSortField, SealingKey};
use instagraph::{AgencyClientId, CompanyId, FacebookUserId, IgUserId, TokenId};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::account_types::{
    AccountPage, AccountRecord, AddedAccounts, Assignment, ConnectStart, Connection,
    ConnectionStatus, DisconnectOutcome, SweepReport, UpdateOutcome,
};
use crate::client::Client;
use crate::convert::{self, required};
use crate::error::{guard, guard_sync, sdk_error, type_error};
use crate::store::{AccountManagerOptions, Lazy};

/// What `startConnect` needs.
#[napi(object)]
pub struct StartConnectRequest {
    /// The tenant (your customer's company).
    pub company_id: String,
    /// `facebook` (default) or `instagram`.
    pub login: Option<String>,
    /// Scopes to ask for (default: the client's).
    pub scopes: Option<Vec<String>>,
    /// A redirect URI among the client's allowed ones (default: the client's).
    pub redirect_uri: Option<String>,
    /// An agency client to assign the new accounts to.
    pub client_id: Option<String>,
}

/// Search, filters, order and page of an account listing (`added`, `accounts`).
#[napi(object)]
pub struct AccountListOptions {
    /// Case-insensitive substring of the username or the name.
    pub search: Option<String>,
    /// Only added (`true`) or only not-added (`false`) accounts (`accounts` only: `added`
    /// lists added accounts).
    pub is_added: Option<bool>,
    /// Only assigned (`true`) or only unassigned (`false`) accounts.
    pub assigned: Option<bool>,
    /// Only accounts assigned to this client.
    pub client_id: Option<String>,
    /// Only accounts reached through this Facebook user.
    pub facebook_user_id: Option<String>,
    /// The order (default `createdAt`); ties are broken by IG user id.
    #[napi(ts_type = "'username' | 'name' | 'followers' | 'createdAt' | 'updatedAt'")]
    pub sort_by: Option<String>,
    /// Largest first.
    pub descending: Option<bool>,
    /// Rows to skip (default 0).
    pub offset: Option<f64>,
    /// Rows to return: 1 to 500 (default 50).
    pub limit: Option<f64>,
}

fn account_query(options: Option<AccountListOptions>) -> napi::Result<AccountQuery> {
    let Some(o) = options else {
        return Ok(AccountQuery::new());
    };
    let mut q = AccountQuery::new();
    q.search = o.search;
    q.is_added = o.is_added;
    q.assigned = o.assigned;
    if let Some(c) = o.client_id {
        required("options.clientId", &c)?;
        q.client = Some(AgencyClientId::new(c));
    }
    if let Some(u) = o.facebook_user_id {
        required("options.facebookUserId", &u)?;
        q.facebook_user = Some(FacebookUserId::new(u));
    }
    let field = match o.sort_by.as_deref() {
        None | Some("createdAt") => AccountSortField::CreatedAt,
        Some("updatedAt") => AccountSortField::UpdatedAt,
        Some("username") => AccountSortField::Username,
        Some("name") => AccountSortField::Name,
        Some("followers") => AccountSortField::Followers,
        Some(other) => {
            return Err(type_error(
                "options.sortBy",
                format!("{other:?} is none of username, name, followers, createdAt, updatedAt"),
            ))
        }
    };
    q = q.sort_by(field, o.descending.unwrap_or(false));
    if let Some(offset) = o.offset {
        q.offset = convert::count("options.offset", offset)?;
    }
    if let Some(limit) = o.limit {
        let limit = convert::count("options.limit", limit)?;
        if limit == 0 || limit > AccountQuery::MAX_LIMIT {
            return Err(type_error(
                "options.limit",
                format!("must be between 1 and {}", AccountQuery::MAX_LIMIT),
            ));
        }
        q.limit = limit;
    }
    Ok(q)
}

/// Connects customers' Instagram accounts and keeps them in a store chosen by URL.
#[napi]
pub struct AccountManager {
    pub(crate) lazy: Arc<Lazy>,
}

fn ids(argument: &str, ids: Vec<String>) -> napi::Result<Vec<IgUserId>> {
    if ids.is_empty() {
        return Err(type_error(argument, "must list at least one IG user id"));
    }
    ids.into_iter()
        .map(|id| {
            required(argument, &id)?;
            Ok(IgUserId::new(id))
        })
        .collect()
}

#[napi]
impl AccountManager {
    /// `store` is `memory:`, `sqlite:PATH` (the file is created and migrated on first use),
    /// `postgres://user:password@host/db` (migrated on first use), or a JS key-value store
    /// (see `JsKeyValueStore` and the package's `js-store.js`).
    #[napi(constructor)]
    pub fn new(
        client: &Client,
        #[napi(ts_arg_type = "string | JsKeyValueStore")] store: Either<String, Object<'_>>,
        options: Option<AccountManagerOptions>,
    ) -> Result<Self> {
        guard_sync("new AccountManager", || {
            Ok(Self {
                lazy: Arc::new(Lazy::new(client.inner.clone(), store, options)?),
            })
        })
    }

    /// A new random sealing key, base64 (keep it in a secret manager).
    #[napi(writable = true, configurable = true)]
    pub fn generate_sealing_key() -> String {
        SealingKey::generate().to_base64()
    }

    /// Starts a connection: stores a single-use OAuth state and returns the authorize URL.
    ///
    /// Core: AccountManager::start_connect
    #[napi]
    pub async fn start_connect(&self, request: StartConnectRequest) -> Result<ConnectStart> {
        const WHAT: &str = "AccountManager.startConnect";
        guard(WHAT, async {
            required("request.companyId", &request.company_id)?;
            let company = CompanyId::new(request.company_id);
            let mut req = match request.login.as_deref() {
                None | Some("facebook") => ConnectRequest::facebook(company),
                Some("instagram") => ConnectRequest::instagram(company),
                Some(other) => {
                    return Err(type_error(
                        "request.login",
                        format!("{other:?} is neither \"facebook\" nor \"instagram\""),
                    ))
                }
            };
            if let Some(scopes) = request.scopes {
                req = req.scopes(scopes);
            }
            if let Some(uri) = request.redirect_uri {
                req = req.redirect_uri(uri);
            }
            if let Some(client) = request.client_id {
                required("request.clientId", &client)?;
                req = req.for_client(AgencyClientId::new(client));
            }
            let manager = self.lazy.get(WHAT).await?;
            let start = manager
                .start_connect(req)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(ConnectStart::from(&start))
        })
        .await
    }

    /// Finishes a connection from the callback URL (or its query string): exchanges the code,
    /// stores the long-lived token and discovers the accounts.
    ///
    /// Core: AccountManager::finish_connect
    #[napi]
    pub async fn finish_connect(&self, callback_url_or_query: String) -> Result<Connection> {
        const WHAT: &str = "AccountManager.finishConnect";
        guard(WHAT, async {
            required("callbackUrlOrQuery", &callback_url_or_query)?;
            let manager = self.lazy.get(WHAT).await?;
            let connection = manager
                .finish_connect(&callback_url_or_query)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Connection::from(&connection))
        })
        .await
    }

    /// Marks discovered accounts as added: `{ updated, unknown }`.
    ///
    /// Core: AccountManager::add
    #[napi]
    pub async fn add(&self, company_id: String, ig_user_ids: Vec<String>) -> Result<UpdateOutcome> {
        const WHAT: &str = "AccountManager.add";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let list = ids("igUserIds", ig_user_ids)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .add(&CompanyId::new(company_id), &list)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(UpdateOutcome::new(out.updated, &out.unknown))
        })
        .await
    }

    /// The added accounts with their live details: `{ items: [{ account, live, liveError }], total }`.
    ///
    /// Core: AccountManager::added
    #[napi]
    pub async fn added(
        &self,
        company_id: String,
        options: Option<AccountListOptions>,
    ) -> Result<AddedAccounts> {
        const WHAT: &str = "AccountManager.added";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let query = account_query(options)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .added(&CompanyId::new(company_id), query)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(AddedAccounts::from(&out))
        })
        .await
    }

    /// Assigns accounts to an agency client: `{ updated, unknown }`.
    ///
    /// Core: AccountManager::assign
    #[napi]
    pub async fn assign(
        &self,
        company_id: String,
        client_id: String,
        ig_user_ids: Vec<String>,
    ) -> Result<UpdateOutcome> {
        const WHAT: &str = "AccountManager.assign";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("clientId", &client_id)?;
            let list = ids("igUserIds", ig_user_ids)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .assign(
                    &CompanyId::new(company_id),
                    &AgencyClientId::new(client_id),
                    &list,
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(UpdateOutcome::new(out.updated, &out.unknown))
        })
        .await
    }

    /// The assignments of a company: `[{ igUserId, username, clientId }]`.
    ///
    /// Core: AccountManager::assignments
    #[napi]
    pub async fn assignments(&self, company_id: String) -> Result<Vec<Assignment>> {
        const WHAT: &str = "AccountManager.assignments";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .assignments(&CompanyId::new(company_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(out.iter().map(Assignment::from).collect())
        })
        .await
    }

    /// Removes an account from the company.
    ///
    /// Core: AccountManager::remove
    #[napi]
    pub async fn remove(&self, company_id: String, ig_user_id: String) -> Result<()> {
        const WHAT: &str = "AccountManager.remove";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let manager = self.lazy.get(WHAT).await?;
            manager
                .remove(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// Revokes a connection's token and removes its accounts:
    /// `{ revoked, accountsRemoved, tokensDeleted }`.
    ///
    /// Core: AccountManager::disconnect
    #[napi]
    pub async fn disconnect(
        &self,
        company_id: String,
        token_id: String,
    ) -> Result<DisconnectOutcome> {
        const WHAT: &str = "AccountManager.disconnect";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("tokenId", &token_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .disconnect(&CompanyId::new(company_id), &TokenId::new(token_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(DisconnectOutcome::from(&out))
        })
        .await
    }

    /// Removes the client assignment of accounts: `{ updated, unknown }`.
    ///
    /// Core: AccountManager::unassign
    #[napi]
    pub async fn unassign(
        &self,
        company_id: String,
        ig_user_ids: Vec<String>,
    ) -> Result<UpdateOutcome> {
        const WHAT: &str = "AccountManager.unassign";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let list = ids("igUserIds", ig_user_ids)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .unassign(&CompanyId::new(company_id), &list)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(UpdateOutcome::new(out.updated, &out.unknown))
        })
        .await
    }

    /// One stored account of the company (`NotFoundError` when the company has no such
    /// account).
    ///
    /// Core: AccountManager::account
    #[napi]
    pub async fn account(&self, company_id: String, ig_user_id: String) -> Result<AccountRecord> {
        const WHAT: &str = "AccountManager.account";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("igUserId", &ig_user_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let record = manager
                .account(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(AccountRecord::from(&record))
        })
        .await
    }

    /// The company's stored accounts, discovered or added, without calling the API:
    /// `{ items, total, offset, limit }`.
    #[napi]
    pub async fn accounts(
        &self,
        company_id: String,
        options: Option<AccountListOptions>,
    ) -> Result<AccountPage> {
        const WHAT: &str = "AccountManager.accounts";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let query = account_query(options)?;
            let manager = self.lazy.get(WHAT).await?;
            let page = manager
                .store()
                .backend()
                .query_accounts(&CompanyId::new(company_id), &query)
                .await
                .map_err(|e| sdk_error(WHAT, instagraph::Error::Store(e)))?;
            Ok(AccountPage::from(&page))
        })
        .await
    }

    /// Runs discovery again with a stored Facebook Login user token and stores what it finds.
    ///
    /// Core: AccountManager::discover
    #[napi]
    pub async fn discover(&self, company_id: String, token_id: String) -> Result<Connection> {
        const WHAT: &str = "AccountManager.discover";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("tokenId", &token_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let connection = manager
                .discover(&CompanyId::new(company_id), &TokenId::new(token_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Connection::from(&connection))
        })
        .await
    }

    /// Asks Meta about a stored token (`debug_token`), records its validity and compares its
    /// scopes with the flow's defaults.
    ///
    /// Core: AccountManager::connection_status
    #[napi]
    pub async fn connection_status(
        &self,
        company_id: String,
        token_id: String,
    ) -> Result<ConnectionStatus> {
        const WHAT: &str = "AccountManager.connectionStatus";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("tokenId", &token_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let status = manager
                .connection_status(&CompanyId::new(company_id), &TokenId::new(token_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(ConnectionStatus::from(&status))
        })
        .await
    }

    /// Keeps the company's tokens alive: refreshes the Instagram Login tokens expiring within
    /// `withinSeconds` (default 7 days) and lists the connections whose user must log in again.
    ///
    /// Core: AccountManager::sweep_tokens
    #[napi]
    pub async fn sweep_tokens(
        &self,
        company_id: String,
        within_seconds: Option<f64>,
    ) -> Result<SweepReport> {
        const WHAT: &str = "AccountManager.sweepTokens";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let within = match within_seconds {
                None => instagraph::accounts::RENEWAL_WINDOW.as_secs(),
                Some(s) => convert::count("withinSeconds", s)?,
            };
            let manager = self.lazy.get(WHAT).await?;
            let report = manager
                .sweep_tokens(
                    &CompanyId::new(company_id),
                    std::time::Duration::from_secs(within),
                )
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(SweepReport::from(&report))
        })
        .await
    }
}
