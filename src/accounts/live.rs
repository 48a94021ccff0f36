//! The company's added accounts with live details from the API.

use futures::stream::{self, StreamExt};

use super::{profile_of, AccountManager};
use crate::api::models::IgUser;
use crate::error::{Error, Result};
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::{AccountQuery, AccountRecord, NewAccount};

/// How many accounts' live details [`AccountManager::added`] reads at once by default.
pub const DEFAULT_LIVE_CONCURRENCY: usize = 8;

/// The most accounts [`AccountManager::added`] lists with live details in one call by default:
/// one Graph call each, so a page is bounded like the calls it makes.
pub const MAX_LIVE_ACCOUNTS: u64 = 100;

/// The bounds of [`AccountManager::added`]'s fan-out.
#[derive(Debug, Clone, Copy)]
pub(super) struct LiveLimits {
    concurrency: usize,
    max_accounts: u64,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_LIVE_CONCURRENCY,
            max_accounts: MAX_LIVE_ACCOUNTS,
        }
    }
}

/// An added account: the stored row and, when the API answered, its live profile.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedAccount {
    /// The stored row (its metadata refreshed from `live` when the API answered).
    pub account: AccountRecord,
    /// The profile as the API gives it now.
    pub live: Option<IgUser>,
    /// Why the live profile is missing (an expired token, a removed permission, …).
    pub live_error: Option<String>,
}

impl AddedAccount {
    /// The handle, live if known, else as stored.
    pub fn username(&self) -> Option<&str> {
        self.live
            .as_ref()
            .and_then(|l| l.username.as_deref())
            .or(self.account.username.as_deref())
    }

    /// The profile picture URL, live if known, else as stored.
    pub fn profile_picture_url(&self) -> Option<&str> {
        self.live
            .as_ref()
            .and_then(|l| l.profile_picture_url.as_deref())
            .or(self.account.profile_picture_url.as_deref())
    }

    /// Followers, live if known, else as stored.
    pub fn followers(&self) -> Option<i64> {
        self.live
            .as_ref()
            .and_then(|l| l.followers_count.map(|n| n as i64))
            .or(self.account.followers_count)
    }

    /// `BUSINESS`, `MEDIA_CREATOR`, … when known.
    pub fn account_type(&self) -> Option<&str> {
        self.live
            .as_ref()
            .and_then(|l| l.account_type.as_deref())
            .or(self.account.account_type.as_deref())
    }

    /// The client the account is assigned to.
    pub fn assigned_client(&self) -> Option<&AgencyClientId> {
        self.account.assigned_client_id.as_ref()
    }
}

/// One page of added accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedAccounts {
    /// The accounts of this page.
    pub items: Vec<AddedAccount>,
    /// How many accounts match the query in all.
    pub total: u64,
}

impl AccountManager {
    /// Sets how many live reads [`AccountManager::added`] runs at once
    /// ([`DEFAULT_LIVE_CONCURRENCY`] by default; 0 counts as 1).
    pub fn live_concurrency(mut self, concurrency: usize) -> Self {
        self.live.concurrency = concurrency.max(1);
        self
    }

    /// Sets the most accounts [`AccountManager::added`] lists with live details in one call
    /// ([`MAX_LIVE_ACCOUNTS`] by default; at most [`AccountQuery::MAX_LIMIT`], 0 counts as 1).
    pub fn max_live_accounts(mut self, max: u64) -> Self {
        self.live.max_accounts = max.clamp(1, AccountQuery::MAX_LIMIT);
        self
    }

    /// The company's added accounts matching `query` (search, filters, sort and pagination
    /// apply to the stored rows), each with its live profile read from the API, at most
    /// [`DEFAULT_LIVE_CONCURRENCY`] reads at once ([`AccountManager::live_concurrency`]).
    /// A failed live read does not fail the list: it is reported on that account.
    ///
    /// One call lists at most [`MAX_LIVE_ACCOUNTS`] accounts
    /// ([`AccountManager::max_live_accounts`]): a larger `query.limit` is refused with
    /// [`Error::InvalidInput`] naming `limit`, before any call; page through with `offset`, or
    /// list the stored rows without live details with the store's `query_accounts`. A `limit`
    /// of 0 asks for the store's default page size, lowered to that maximum when it is smaller.
    pub async fn added(&self, company: &CompanyId, query: AccountQuery) -> Result<AddedAccounts> {
        let max = self.live.max_accounts;
        let mut query = query.is_added(true);
        if query.limit == 0 {
            query.limit = AccountQuery::DEFAULT_LIMIT.min(max);
        } else if query.limit > max {
            return Err(Error::invalid(
                "limit",
                format!(
                    "{} accounts asked for; live details are read for at most {max} accounts per call: page through them with offset",
                    query.limit
                ),
            ));
        }
        self.ensure_company(company).await?;
        let page = self.store.backend().query_accounts(company, &query).await?;
        // Unordered, so that a slow account does not hold a slot once the others are done; the
        // page's order is restored after.
        let mut items = stream::iter(page.items.into_iter().enumerate())
            .map(|(i, account)| async move { (i, self.with_live_details(company, account).await) })
            .buffer_unordered(self.live.concurrency)
            .collect::<Vec<_>>()
            .await;
        items.sort_unstable_by_key(|(i, _)| *i);
        Ok(AddedAccounts {
            items: items.into_iter().map(|(_, item)| item).collect(),
            total: page.total,
        })
    }

    async fn with_live_details(&self, company: &CompanyId, account: AccountRecord) -> AddedAccount {
        match self.live_profile(company, &account).await {
            Ok(live) => {
                let mut account = account;
                let (username, name, picture, followers) = profile_of(&live);
                account.username = username.or(account.username);
                account.name = name.or(account.name);
                account.profile_picture_url = picture.or(account.profile_picture_url);
                account.followers_count = followers.or(account.followers_count);
                account.account_type = live.account_type.clone().or(account.account_type);
                // Keep the stored metadata fresh for lists that do not ask the API.
                let mut refresh = NewAccount::new(account.ig_user_id.clone(), account.source);
                refresh.token_id = account.token_id.clone();
                refresh.username = account.username.clone();
                refresh.name = account.name.clone();
                refresh.profile_picture_url = account.profile_picture_url.clone();
                refresh.followers_count = account.followers_count;
                refresh.account_type = account.account_type.clone();
                let _ = self
                    .store
                    .backend()
                    .upsert_accounts(company, vec![refresh])
                    .await;
                AddedAccount {
                    account,
                    live: Some(live),
                    live_error: None,
                }
            }
            Err(e) => AddedAccount {
                account,
                live: None,
                live_error: Some(e.to_string()),
            },
        }
    }

    async fn live_profile(&self, company: &CompanyId, account: &AccountRecord) -> Result<IgUser> {
        let access = self.access(company, &account.ig_user_id).await?;
        let graph = access.graph(&self.client);
        let fields: &[&str] = if graph.is_instagram_login() {
            &[
                "id",
                "user_id",
                "username",
                "name",
                "account_type",
                "profile_picture_url",
                "followers_count",
                "media_count",
            ]
        } else {
            &[
                "id",
                "username",
                "name",
                "profile_picture_url",
                "followers_count",
                "follows_count",
                "media_count",
            ]
        };
        graph
            .ig_user(account.ig_user_id.clone())
            .get()
            .fields(fields)
            .send()
            .await
    }
}
