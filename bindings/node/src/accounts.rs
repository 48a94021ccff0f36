//! `AccountManager`: connect, add, assign, list, remove, disconnect.

use std::sync::Arc;

use instagraph::accounts::ConnectRequest;
use instagraph::store::{AccountQuery, SealingKey, Store};
use instagraph::{AgencyClientId, CompanyId, IgUserId, TokenId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{json, Value};
use tokio::sync::OnceCell;

use crate::client::Client;
use crate::convert::{self, required};
use crate::error::{guard, guard_sync, sdk_error, type_error};

/// Options of `new AccountManager(client, storeUrl, options)`.
#[napi(object)]
pub struct AccountManagerOptions {
    /// The base64 AES-256 key that seals tokens at rest (`AccountManager.generateSealingKey()`
    /// makes one). Required for `sqlite:` unless `INSTAGRAPH_SEALING_KEY` is set; a `memory:`
    /// store generates one.
    pub sealing_key: Option<String>,
}

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

enum StoreSpec {
    Memory,
    Sqlite(String),
}

/// The manager is opened on first use (opening SQLite is async; a constructor cannot wait).
pub(crate) struct Lazy {
    client: instagraph::Client,
    spec: StoreSpec,
    key: SealingKey,
    cell: OnceCell<instagraph::AccountManager>,
}

impl Lazy {
    pub(crate) async fn get(&self, what: &str) -> napi::Result<&instagraph::AccountManager> {
        self.cell
            .get_or_try_init(|| async {
                let store = match &self.spec {
                    StoreSpec::Memory => Store::memory(self.key.clone()),
                    StoreSpec::Sqlite(path) => Store::sqlite(path, self.key.clone())
                        .await
                        .map_err(|e| sdk_error(what, instagraph::Error::Store(e)))?,
                };
                Ok(instagraph::AccountManager::new(self.client.clone(), store))
            })
            .await
    }
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
    /// `storeUrl` is `memory:` or `sqlite:PATH` (the file is created and migrated on first use).
    #[napi(constructor)]
    pub fn new(
        client: &Client,
        store_url: String,
        options: Option<AccountManagerOptions>,
    ) -> Result<Self> {
        guard_sync("new AccountManager", || {
            let spec = if store_url == "memory:" || store_url == "memory" {
                StoreSpec::Memory
            } else if let Some(path) = store_url.strip_prefix("sqlite:") {
                let path = path.strip_prefix("//").unwrap_or(path);
                if path.is_empty() {
                    return Err(type_error("storeUrl", "`sqlite:` needs a file path"));
                }
                StoreSpec::Sqlite(path.to_owned())
            } else {
                return Err(type_error(
                    "storeUrl",
                    format!("{store_url:?} is neither `memory:` nor `sqlite:PATH`"),
                ));
            };
            let given = options
                .and_then(|o| o.sealing_key)
                .or_else(|| std::env::var("INSTAGRAPH_SEALING_KEY").ok());
            let key = match (given, &spec) {
                (Some(b64), _) => SealingKey::from_base64(&b64)
                    .map_err(|e| type_error("options.sealingKey", e))?,
                (None, StoreSpec::Memory) => SealingKey::generate(),
                (None, StoreSpec::Sqlite(_)) => {
                    return Err(type_error(
                        "options.sealingKey",
                        "is required for a sqlite store (or set INSTAGRAPH_SEALING_KEY)",
                    ))
                }
            };
            Ok(Self {
                lazy: Arc::new(Lazy {
                    client: client.inner.clone(),
                    spec,
                    key,
                    cell: OnceCell::new(),
                }),
            })
        })
    }

    /// A new random sealing key, base64 (keep it in a secret manager).
    #[napi(writable = true, configurable = true)]
    pub fn generate_sealing_key() -> String {
        SealingKey::generate().to_base64()
    }

    /// Starts a connection: stores a single-use OAuth state and returns the authorize URL.
    #[napi(ts_return_type = "Promise<ConnectStart>")]
    pub async fn start_connect(&self, request: StartConnectRequest) -> Result<Value> {
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
            Ok(convert::connect_start(&start))
        })
        .await
    }

    /// Finishes a connection from the callback URL (or its query string): exchanges the code,
    /// stores the long-lived token and discovers the accounts.
    #[napi(ts_return_type = "Promise<Connection>")]
    pub async fn finish_connect(&self, callback_url_or_query: String) -> Result<Value> {
        const WHAT: &str = "AccountManager.finishConnect";
        guard(WHAT, async {
            required("callbackUrlOrQuery", &callback_url_or_query)?;
            let manager = self.lazy.get(WHAT).await?;
            let connection = manager
                .finish_connect(&callback_url_or_query)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(convert::connection(&connection))
        })
        .await
    }

    /// Marks discovered accounts as added: `{ updated, unknown }`.
    #[napi(ts_return_type = "Promise<UpdateOutcome>")]
    pub async fn add(&self, company_id: String, ig_user_ids: Vec<String>) -> Result<Value> {
        const WHAT: &str = "AccountManager.add";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let list = ids("igUserIds", ig_user_ids)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .add(&CompanyId::new(company_id), &list)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(json!({
                "updated": out.updated,
                "unknown": out.unknown.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
            }))
        })
        .await
    }

    /// The added accounts with their live details: `{ items: [{ account, live, liveError }], total }`.
    #[napi(ts_return_type = "Promise<AddedAccounts>")]
    pub async fn added(&self, company_id: String) -> Result<Value> {
        const WHAT: &str = "AccountManager.added";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .added(&CompanyId::new(company_id), AccountQuery::new())
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let items = out
                .items
                .iter()
                .map(|item| {
                    let live = item
                        .live
                        .as_ref()
                        .and_then(|l| serde_json::to_value(l).ok())
                        .map(convert::camel_keys);
                    json!({
                        "account": convert::account(&item.account),
                        "live": live,
                        "liveError": item.live_error,
                    })
                })
                .collect::<Vec<_>>();
            Ok(json!({ "items": items, "total": out.total }))
        })
        .await
    }

    /// Assigns accounts to an agency client: `{ updated, unknown }`.
    #[napi(ts_return_type = "Promise<UpdateOutcome>")]
    pub async fn assign(
        &self,
        company_id: String,
        client_id: String,
        ig_user_ids: Vec<String>,
    ) -> Result<Value> {
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
            Ok(json!({
                "updated": out.updated,
                "unknown": out.unknown.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
            }))
        })
        .await
    }

    /// The assignments of a company: `[{ igUserId, username, clientId }]`.
    #[napi(ts_return_type = "Promise<Assignment[]>")]
    pub async fn assignments(&self, company_id: String) -> Result<Value> {
        const WHAT: &str = "AccountManager.assignments";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .assignments(&CompanyId::new(company_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Value::Array(
                out.iter()
                    .map(|a| {
                        json!({
                            "igUserId": a.ig_user_id.as_str(),
                            "username": a.username,
                            "clientId": a.client_id.as_str(),
                        })
                    })
                    .collect(),
            ))
        })
        .await
    }

    /// Removes an account from the company.
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
    #[napi(ts_return_type = "Promise<DisconnectOutcome>")]
    pub async fn disconnect(&self, company_id: String, token_id: String) -> Result<Value> {
        const WHAT: &str = "AccountManager.disconnect";
        guard(WHAT, async {
            required("companyId", &company_id)?;
            required("tokenId", &token_id)?;
            let manager = self.lazy.get(WHAT).await?;
            let out = manager
                .disconnect(&CompanyId::new(company_id), &TokenId::new(token_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(json!({
                "revoked": out.revoked,
                "accountsRemoved": out.accounts_removed,
                "tokensDeleted": out.tokens_deleted,
            }))
        })
        .await
    }
}
