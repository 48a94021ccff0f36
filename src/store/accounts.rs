//! The account row (the old service's `MetaSocialAccount`) and how to query it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::StoreResult;
use super::records::AccountSource;
use crate::ids::{
    AgencyClientId, BusinessId, CompanyId, FacebookUserId, IgUserId, PageId, TokenId,
};

/// A connected Instagram account of a company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The tenant.
    pub company: CompanyId,
    /// The Instagram professional account (unique per company).
    pub ig_user_id: IgUserId,
    /// The agency client the connection was made for (the old `clientId`).
    pub client_id: Option<AgencyClientId>,
    /// The Facebook user whose login reached the account.
    pub facebook_user_id: Option<FacebookUserId>,
    /// The stored token used to reach the account.
    pub token_id: Option<TokenId>,
    /// The Page the account is linked to.
    pub page_id: Option<PageId>,
    /// The business portfolio it was reached through.
    pub business_id: Option<BusinessId>,
    /// How it was discovered.
    pub source: AccountSource,
    /// True once the company chose to use it (the old `isAdded`).
    pub is_added: bool,
    /// The agency client it is assigned to (the old `assignedClientId`).
    pub assigned_client_id: Option<AgencyClientId>,
    /// Instagram username.
    pub username: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Profile picture URL (expires; refreshed on every discovery).
    pub profile_picture_url: Option<String>,
    /// Follower count at the last refresh.
    pub followers_count: Option<i64>,
    /// `BUSINESS`, `MEDIA_CREATOR`, ...
    pub account_type: Option<String>,
    /// When the account was first saved.
    pub created_at: DateTime<Utc>,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
}

/// An account found during discovery, before it is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    /// The Instagram professional account.
    pub ig_user_id: IgUserId,
    /// The agency client the connection was made for.
    pub client_id: Option<AgencyClientId>,
    /// The Facebook user whose login reached the account.
    pub facebook_user_id: Option<FacebookUserId>,
    /// The stored token used to reach the account.
    pub token_id: Option<TokenId>,
    /// The Page the account is linked to.
    pub page_id: Option<PageId>,
    /// The business portfolio it was reached through.
    pub business_id: Option<BusinessId>,
    /// How it was discovered.
    pub source: AccountSource,
    /// Instagram username.
    pub username: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Profile picture URL.
    pub profile_picture_url: Option<String>,
    /// Follower count.
    pub followers_count: Option<i64>,
    /// `BUSINESS`, `MEDIA_CREATOR`, ...
    pub account_type: Option<String>,
}

impl NewAccount {
    /// An account with only its id and source; set the other public fields as known.
    pub fn new(ig_user_id: IgUserId, source: AccountSource) -> Self {
        Self {
            ig_user_id,
            client_id: None,
            facebook_user_id: None,
            token_id: None,
            page_id: None,
            business_id: None,
            source,
            username: None,
            name: None,
            profile_picture_url: None,
            followers_count: None,
            account_type: None,
        }
    }

    /// The row this account becomes when first inserted for `company` at `now`.
    pub(crate) fn into_record(self, company: CompanyId, now: DateTime<Utc>) -> AccountRecord {
        AccountRecord {
            company,
            ig_user_id: self.ig_user_id,
            client_id: self.client_id,
            facebook_user_id: self.facebook_user_id,
            token_id: self.token_id,
            page_id: self.page_id,
            business_id: self.business_id,
            source: self.source,
            is_added: false,
            assigned_client_id: None,
            username: self.username,
            name: self.name,
            profile_picture_url: self.profile_picture_url,
            followers_count: self.followers_count,
            account_type: self.account_type,
            created_at: now,
            updated_at: now,
        }
    }

    /// Applies the refresh rule of [`super::AccountStore::upsert_accounts`] to an existing row:
    /// profile metadata and `token_id` from `self` where `Some`, ownership fields untouched.
    pub(crate) fn refresh(self, row: &mut AccountRecord, now: DateTime<Utc>) {
        fn take<T>(slot: &mut Option<T>, new: Option<T>) {
            if new.is_some() {
                *slot = new;
            }
        }
        take(&mut row.username, self.username);
        take(&mut row.name, self.name);
        take(&mut row.profile_picture_url, self.profile_picture_url);
        take(&mut row.followers_count, self.followers_count);
        take(&mut row.account_type, self.account_type);
        take(&mut row.token_id, self.token_id);
        row.updated_at = now;
    }
}

/// Counts from [`super::AccountStore::upsert_accounts`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpsertOutcome {
    /// Accounts that were new for the company.
    pub inserted: u64,
    /// Accounts that already existed (or repeated earlier in the batch); their metadata was
    /// refreshed.
    pub ignored: u64,
}

/// The column an account listing is ordered by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountSortField {
    /// Username, case-insensitive.
    Username,
    /// Display name, case-insensitive.
    Name,
    /// Follower count.
    Followers,
    /// First saved.
    #[default]
    CreatedAt,
    /// Last changed.
    UpdatedAt,
}

/// Ordering of an account listing.
///
/// Missing values (`None`) sort as the smallest: first ascending, last descending. Ties are
/// broken by `ig_user_id` ascending so that pages never overlap or skip rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountSort {
    /// The column.
    pub field: AccountSortField,
    /// Largest first.
    pub descending: bool,
}

/// Filters, search, order and page of an account listing. Every filter that is `None` is off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountQuery {
    /// Case-insensitive (Unicode) substring of the username or the name, taken literally (no
    /// wildcards). Surrounding whitespace is ignored; an empty text matches everything.
    pub search: Option<String>,
    /// Only added (`true`) or only not-added (`false`) accounts.
    pub is_added: Option<bool>,
    /// Only assigned (`true`) or only unassigned (`false`) accounts.
    pub assigned: Option<bool>,
    /// Only accounts assigned to this client.
    pub client: Option<AgencyClientId>,
    /// Only accounts reached through this Facebook user.
    pub facebook_user: Option<FacebookUserId>,
    /// Order.
    pub sort: AccountSort,
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return: 0 means [`AccountQuery::DEFAULT_LIMIT`]; above
    /// [`AccountQuery::MAX_LIMIT`] is an `InvalidInput` error.
    pub limit: u64,
}

impl AccountQuery {
    /// The page size used when `limit` is 0.
    pub const DEFAULT_LIMIT: u64 = super::util::DEFAULT_BATCH;
    /// The largest page size accepted.
    pub const MAX_LIMIT: u64 = super::util::MAX_BATCH;

    /// All accounts, oldest first, first page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the search text.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.search = Some(text.into());
        self
    }

    /// Filters on the added flag.
    pub fn is_added(mut self, added: bool) -> Self {
        self.is_added = Some(added);
        self
    }

    /// Filters on whether an account is assigned to any client.
    pub fn assigned(mut self, assigned: bool) -> Self {
        self.assigned = Some(assigned);
        self
    }

    /// Filters on the assigned client.
    pub fn client(mut self, client: AgencyClientId) -> Self {
        self.client = Some(client);
        self
    }

    /// Filters on the Facebook user that reached the account.
    pub fn facebook_user(mut self, user: FacebookUserId) -> Self {
        self.facebook_user = Some(user);
        self
    }

    /// Sets the order.
    pub fn sort_by(mut self, field: AccountSortField, descending: bool) -> Self {
        self.sort = AccountSort { field, descending };
        self
    }

    /// Sets the rows to skip.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// The page size a backend applies: the default for 0, an error above the maximum.
    pub fn effective_limit(&self) -> StoreResult<u64> {
        super::util::effective_limit(self.limit)
    }

    /// The search text folded for comparison, or `None` when empty (an empty search matches
    /// everything).
    pub(crate) fn folded_search(&self) -> Option<String> {
        self.search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(super::util::fold_case)
    }

    /// Whether `account` passes the filters and the search (`search` is
    /// [`AccountQuery::folded_search`], computed once per query).
    fn matches(&self, account: &AccountRecord, search: Option<&str>) -> bool {
        if let Some(s) = search {
            let hit = |v: &Option<String>| {
                v.as_deref()
                    .is_some_and(|v| super::util::fold_case(v).contains(s))
            };
            if !hit(&account.username) && !hit(&account.name) {
                return false;
            }
        }
        self.is_added.map_or(true, |x| account.is_added == x)
            && self
                .assigned
                .map_or(true, |x| account.assigned_client_id.is_some() == x)
            && self
                .client
                .as_ref()
                .map_or(true, |c| account.assigned_client_id.as_ref() == Some(c))
            && self
                .facebook_user
                .as_ref()
                .map_or(true, |u| account.facebook_user_id.as_ref() == Some(u))
    }

    /// The listing order: the sort field (missing values smallest), reversed when descending,
    /// then `ig_user_id` ascending.
    fn compare(&self, a: &AccountRecord, b: &AccountRecord) -> std::cmp::Ordering {
        let fold = |v: &Option<String>| v.as_deref().map(super::util::fold_case);
        let primary = match self.sort.field {
            AccountSortField::Username => fold(&a.username).cmp(&fold(&b.username)),
            AccountSortField::Name => fold(&a.name).cmp(&fold(&b.name)),
            AccountSortField::Followers => a.followers_count.cmp(&b.followers_count),
            AccountSortField::CreatedAt => a.created_at.cmp(&b.created_at),
            AccountSortField::UpdatedAt => a.updated_at.cmp(&b.updated_at),
        };
        let primary = if self.sort.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| a.ig_user_id.cmp(&b.ig_user_id))
    }

    /// The page this query selects from `rows` (one company's accounts): the rule of every
    /// backend without SQL.
    pub(crate) fn page(
        &self,
        rows: impl IntoIterator<Item = AccountRecord>,
    ) -> StoreResult<AccountPage> {
        let limit = self.effective_limit()?;
        let search = self.folded_search();
        let mut rows: Vec<AccountRecord> = rows
            .into_iter()
            .filter(|a| self.matches(a, search.as_deref()))
            .collect();
        rows.sort_by(|a, b| self.compare(a, b));
        let total = rows.len() as u64;
        let items = rows
            .into_iter()
            .skip(usize::try_from(self.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok(AccountPage {
            items,
            total,
            offset: self.offset,
            limit,
        })
    }
}

/// One page of an account listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountPage {
    /// The rows of this page.
    pub items: Vec<AccountRecord>,
    /// How many rows match the filters in total (ignoring offset and limit).
    pub total: u64,
    /// The offset applied.
    pub offset: u64,
    /// The page size applied.
    pub limit: u64,
}
